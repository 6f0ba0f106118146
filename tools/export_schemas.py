"""Write schemas/plan.schema.json and schemas/rule.schema.json from the pydantic models.

Run after changing planchecker/common/model.py or planchecker/checking/rulebook.py; tests/test_schemas.py fails
when the committed files drift from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planchecker.checking.rulebook import rule_json_schema  # noqa: E402
from planchecker.common.model import plan_json_schema  # noqa: E402

SCHEMAS: dict[str, Any] = {
    "plan.schema.json": plan_json_schema,
    "rule.schema.json": rule_json_schema,
}


def render(name: str) -> str:
    return json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> None:
    for name in SCHEMAS:
        (ROOT / "schemas" / name).write_text(render(name), encoding="utf-8")
        print(f"skrev schemas/{name}")


if __name__ == "__main__":
    main()
