"""Each rule's own YAML cases run on the engine, and the catalogue is complete and documented."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from planchecker.checking.pipeline import Checker
from planchecker.checking.rulebook import CATEGORY_LABELS, load_catalogue
from planchecker.checking.rulecases import load_cases, run_case
from planchecker.reports.ruledocs import render_rules_markdown

ROOT = Path(__file__).resolve().parents[1]
CASES = load_cases()
CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(CATALOGUE)


def _ascii_id(text: str) -> str:
    # Test ids in ASCII: pytest escapes ÅÄÖ in ids, and a tool that hands ids back to pytest
    # (mutmut runs each mutant's tests by id) then finds no such test.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@pytest.mark.parametrize(("file", "case"), CASES, ids=[_ascii_id(f"{f}:{c.name}") for f, c in CASES])
def test_rule_case(checker: Checker, file: str, case: object) -> None:
    result = run_case(checker, file, case)  # type: ignore[arg-type]
    want = sorted((e.key(), e.severity) for e in result.case.expect)
    assert result.engine_errors == ()
    assert result.passed, f"väntat {want}, fick {list(result.got)}"


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    missing = []
    for bound in CATALOGUE.rules:
        cases = [c for _, c in CASES if c.rule == bound.id]
        if not any(c.fires for c in cases) or not any(not c.fires for c in cases):
            missing.append(bound.id)
    assert missing == []


def test_every_rule_is_documented_in_swedish_with_a_source() -> None:
    for bound in CATALOGUE.rules:
        rule = bound.rule
        assert rule.title and rule.message.endswith((".", "!", ")")), rule.id
        assert rule.source.paragraph and rule.basis_note, rule.id


def test_every_report_category_is_produced_by_some_rule() -> None:
    produced = {bound.rule.category for bound in CATALOGUE.rules}
    assert produced == set(CATEGORY_LABELS)


def test_rules_reference_is_fresh() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_rules_markdown(CATALOGUE, CASES), "kör: planchecker rules docs"
