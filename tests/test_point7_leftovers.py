"""Small holes from the second hostile corpus (issue 16, point 7): YAML `!!binary` and `!!set`
values, a `<sheetData>` in a foreign namespace, and part names in another case."""

from __future__ import annotations

import base64
from pathlib import Path

from planchecker import cells
from planchecker.reading import ReadResult, read_plan

NAMND = "namnd: {name: Skarpnäck, type: stadsdelsnamnd, year: 2026}\n"


def _read_yaml(tmp_path: Path, text: str) -> ReadResult:
    path = tmp_path / "plan.yaml"
    path.write_text(NAMND + text, encoding="utf-8")
    return read_plan(path)


def _binary(text: str) -> str:
    return "!!binary " + base64.b64encode(text.encode()).decode()


def test_a_binary_value_is_cleaned_like_text(tmp_path: Path) -> None:
    dirty = "Trygg\u200b stad\u00a0i\u0007 Skarpnäck"
    result = _read_yaml(tmp_path, f"goals: [{{id: M1, text: {_binary(dirty)}}}]\n")
    assert result.plan is not None, [p.message for p in result.problems]
    assert result.plan.goals[0].text == cells.clean_text(dirty) != dirty


def test_a_long_binary_value_is_capped(tmp_path: Path) -> None:
    result = _read_yaml(tmp_path, f"goals: [{{id: M1, text: {_binary('x' * 40_000)}}}]\n")
    assert [p.code for p in result.problems] == ["bad-value"]
    assert "40000 tecken" in result.problems[0].message


def test_a_set_is_counted_and_capped_like_a_list(tmp_path: Path) -> None:
    result = _read_yaml(tmp_path, "goals: [{id: M1, text: Trygg}]\nwaivers: !!set {? "
                        + "y" * 40_000 + "}\n")
    assert [p.code for p in result.problems] == ["bad-value"]
    assert "40000 tecken" in result.problems[0].message
