"""Small holes from the second hostile corpus (issue 16, point 7): YAML `!!binary` and `!!set`
values, a `<sheetData>` in a foreign namespace, and part names in another case."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

from benchmarks.hostile import _MAIN, HEADER_ROW, sheet_part, valid_workbook, with_parts
from planchecker.reading import cells
from planchecker.reading.reader import ReadResult, read_plan
from tests.test_sheet_readers import read_both

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


# --- the two sheet readers agree --------------------------------------------------------------

GOAL = (b'<row r="2"><c r="A2" t="inlineStr"><is><t>M1</t></is></c>'
        b'<c r="B2" t="inlineStr"><is><t>Trygg stad</t></is></c></row>')


def _with_goal_sheet_data(tmp_path: Path, open_tag: bytes, close_tag: bytes) -> Path:
    base = valid_workbook()
    xml = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + _MAIN.encode() + b'">'
           + open_tag + HEADER_ROW + GOAL + close_tag + b"</worksheet>")
    path = tmp_path / "plan.xlsx"
    path.write_bytes(with_parts(base, {sheet_part(base, "Mål"): xml}))
    return path


def test_sheet_data_in_a_foreign_namespace_is_refused_by_both_readers(tmp_path: Path) -> None:
    path = _with_goal_sheet_data(tmp_path, b'<sheetData xmlns="urn:other">', b"</sheetData>")
    fast, careful = read_both(path)  # calamine read the rows, openpyxl saw none: a silent []
    assert fast == careful
    [problem] = fast.problems
    assert problem.code == "bad-structure" and problem.location.sheet == "Mål"
    assert problem.message == (
        "Bladet Mål i plan.xlsx har sina rader i en annan XML-namnrymd (urn:other) än Excels, "
        "och kan därför inte läsas säkert. Spara om filen i Excel.")


def test_rows_in_a_foreign_namespace_are_refused_by_both_readers(tmp_path: Path) -> None:
    path = _with_goal_sheet_data(
        tmp_path, b"<sheetData>" + HEADER_ROW.replace(b"<row ", b'<row xmlns="urn:o" ', 1),
        b"</sheetData>")
    fast, careful = read_both(path)
    assert fast == careful
    assert [p.code for p in fast.problems] == ["bad-structure"]


def test_a_prefixed_sheet_data_is_read_alike(tmp_path: Path) -> None:
    path = _with_goal_sheet_data(tmp_path, b'<m:sheetData xmlns:m="' + _MAIN.encode() + b'">',
                                 b"</m:sheetData>")
    fast, careful = read_both(path)
    assert fast == careful and fast.plan is not None
    assert [g.id for g in fast.plan.goals] == ["M1"]


def _renamed_parts(data: bytes) -> bytes:
    """`data` with its worksheet parts renamed xl/Worksheets/SheetN.xml, the relationships
    unchanged: OPC part names compare without regard to case."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            name = info.filename
            if name.startswith("xl/worksheets/"):
                name = "xl/Worksheets/S" + name.removeprefix("xl/worksheets/s")
            target.writestr(name, source.read(info))
    return out.getvalue()


def test_part_names_in_another_case_are_found_by_both_readers(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(_renamed_parts(valid_workbook()))
    fast, careful = read_both(path)  # was "Arbetsboken innehåller inga ifyllda blad."
    assert fast == careful and fast.plan is not None, [p.message for p in fast.problems]
    assert [g.id for g in fast.plan.goals] == ["M1"]
