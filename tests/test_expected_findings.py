"""The sample plans against the findings written by hand in tests/golden/expected_findings.yaml.

The goldens lock in what the code prints; this list says what it should print. A change that alters
a verdict (a finding more or less, another severity, status or subject) fails here even after the
goldens have been regenerated, and must be argued by editing the hand-written list.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from planchecker.checking.findings import Report
from planchecker.checking.rulebook import SEVERITY_LABELS
from planchecker.reports.writers import STATUS_LABELS
from tests.golden_cases import GOLDEN, PLANS, SAMPLES, checker

Expected = tuple[str, str, str, tuple[str, ...]]  # rule, severity, status, subjects

ENTRIES: list[dict[str, Any]] = yaml.safe_load(
    (GOLDEN / "expected_findings.yaml").read_text(encoding="utf-8")
)


def _expected(entry: dict[str, Any]) -> list[Expected]:
    return sorted(
        (f["rule"], f["severity"], f.get("status", "fail"), tuple(f["subjects"]))
        for f in entry["findings"]
    )


def _found(report: Report) -> list[Expected]:
    return sorted((f.rule_id, f.severity, f.status, f.subjects) for f in report.findings)


def _entry_for(file: str) -> dict[str, Any]:
    return next(e for e in ENTRIES if file in e["files"])


CASES = [(file, as_of) for e in ENTRIES for file in e["files"] for as_of in e["as_of"]]


def test_every_sample_plan_has_hand_written_findings() -> None:
    files = [file for e in ENTRIES for file in e["files"]]
    assert sorted(files) == sorted(p.name for p in SAMPLES.iterdir() if p.is_file() and p.name != "README.md")
    assert len(files) == len(set(files))
    assert all(e["findings"] is not None for e in ENTRIES)


@pytest.mark.parametrize(("file", "as_of"), CASES, ids=[f"{f}@{d}" for f, d in CASES])
def test_sample_plan_gives_exactly_the_hand_written_findings(file: str, as_of: dt.date) -> None:
    outcome = checker().check_file(SAMPLES / file, as_of=as_of)
    assert outcome.report is not None, outcome.problems
    assert outcome.report.engine_errors == ()
    assert _found(outcome.report) == _expected(_entry_for(file))


@pytest.mark.parametrize("name", sorted(PLANS))
def test_golden_report_agrees_with_the_hand_written_findings(name: str) -> None:
    data = json.loads((GOLDEN / "reports" / f"{name}.json").read_text(encoding="utf-8"))
    file = data["plan"]["file"]
    entry = _entry_for(file)
    assert dt.date.fromisoformat(data["plan"]["as_of"]) in entry["as_of"]
    found = sorted(
        (f["rule_id"], f["severity"], f["status"], tuple(f["subjects"])) for f in data["findings"]
    )
    assert found == _expected(entry)


def test_golden_review_workbook_agrees_with_the_hand_written_findings() -> None:
    """The review golden's Brister sheet: each plan's findings once (rule, level, status)."""
    snapshot = json.loads((GOLDEN / "review" / "sample_plans.xlsx.json").read_text(encoding="utf-8"))
    header, *rows = snapshot["sheets"]["Brister"]["cells"]
    column = {name: header.index(name) for name in ("Fil", "Regel", "Nivå", "Status")}
    found = Counter(
        (row[column["Fil"]], row[column["Regel"]], row[column["Nivå"]], row[column["Status"]])
        for row in rows
    )
    expected: Counter[tuple[str, str, str, str]] = Counter()
    for entry in ENTRIES:
        counted = entry["files"][0]  # a plan in two files is counted once, from the first by name
        for rule, severity, status, _ in _expected(entry):
            expected[(counted, rule, SEVERITY_LABELS[severity], STATUS_LABELS[status])] += 1
    assert found == expected


def test_expected_findings_file_is_not_generated() -> None:
    # A guard for the workflow: regenerate_golden.py writes only the files golden_cases lists.
    from tests.golden_cases import golden_files

    assert "expected_findings.yaml" not in golden_files()
    assert Path(GOLDEN / "expected_findings.yaml").read_text(encoding="utf-8").startswith("# Written by hand")
