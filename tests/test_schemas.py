"""The committed JSON Schemas match the models they document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planchecker.checking.findings import REPORT_VERSION
from planchecker.reports.writers import render_review_json
from tools.export_schemas import SCHEMAS, render

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_matches_model(name: str) -> None:
    committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
    assert committed == render(name), f"schemas/{name} är inaktuell: kör python tools/export_schemas.py"


def test_report_schema_is_the_version_the_code_writes() -> None:
    """The hand-written report schema and Report.to_records() change together (REPORT_VERSION)."""
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["report_version"] == {
        "description": schema["properties"]["report_version"]["description"],
        "const": REPORT_VERSION,
    }
    assert REPORT_VERSION == 2  # topic_scores on items, candidates on findings
    review = json.loads(render_review_json([]))
    assert review["report_version"] == REPORT_VERSION
    finding, item = schema["$defs"]["finding"], schema["properties"]["items"]["items"]
    assert "candidates" in finding["required"] and "topic_scores" in item["required"]
