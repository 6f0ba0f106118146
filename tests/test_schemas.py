"""The committed JSON Schemas match the models they document."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.export_schemas import SCHEMAS, render

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_matches_model(name: str) -> None:
    committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
    assert committed == render(name), f"schemas/{name} är inaktuell: kör python tools/export_schemas.py"
