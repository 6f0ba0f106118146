"""The two sheet readers (issue 7): python-calamine for plainly laid-out sheets, openpyxl's parser
for the rest. They must read every workbook into the same plan and the same problems, and the
fast one must be chosen for the sheets that Excel, LibreOffice and openpyxl write.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from benchmarks.generate import SIZES, build_plan
from benchmarks.hostile import SHEET_HEAD, SHEET_TAIL, sheet_part, valid_workbook, with_parts
from planchecker.common.problems import ReadResult
from planchecker.reading import contract, sheetrows, xlsxparts
from planchecker.reading.reader import read_plan
from planchecker.reading.template import write_plan_xlsx, write_template
from tests.test_hostile import CORPUS, Case, _make

SAMPLES = sorted(Path(__file__).parent.parent.joinpath("sample_plans").glob("*.xlsx"))
NAMND = [["Nämnd", "Skarpnäcks stadsdelsnämnd"], ["Typ", "Stadsdelsnämnd"], ["År", 2026]]


def read_both(path: Path) -> tuple[ReadResult, ReadResult]:
    fast = read_plan(path)
    sheetrows.USE_CALAMINE = False
    try:
        careful = read_plan(path)
    finally:
        sheetrows.USE_CALAMINE = True
    return fast, careful


def openpyxl_book(sheets: dict[str, list[list[Any]]], edit: Callable[[Any], None] | None = None
                  ) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    if edit:
        edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _formats(book: Any) -> None:
    goals = book["Mål"]
    for row, number_format in zip(range(2, 8), ["yyyy-mm-dd", "d mmm yyyy", "yyyy-mm-dd hh:mm",
                                                "hh:mm", "0.00%", "[h]:mm"], strict=True):
        goals.cell(row, 3).number_format = number_format


def _merged_and_hidden(book: Any) -> None:
    book["Aktiviteter"].merge_cells("B2:B4")
    book["Mål"].row_dimensions[3].hidden = True
    book["Aktiviteter"].sheet_state = "hidden"


ODD = {
    # every kind of cell value, with the number formats that turn numbers into dates and times
    "values": lambda: openpyxl_book({"Nämnd": NAMND, "Mål": [
        ["Id", "Mål", "Kommentar", "Nivå"],
        ["M1", "Trygg stad", dt.datetime(2026, 3, 1), "KF-mål"],
        [3, "Säker stad", dt.datetime(2026, 3, 1, 10, 30), None],
        [3.5, 12345678, 46000, True],
        ["M4", " Mål\u00a0med mellanslag ", dt.time(10, 30), False],
        ["M5", "Procent", 0.25, None],
        ["M6", "Tid", dt.timedelta(hours=30), None],
    ]}, _formats),
    "merged-and-hidden": lambda: openpyxl_book({"Nämnd": NAMND, "Mål": [
        ["Id", "Mål"], ["M1", "Trygg stad"], ["M2", "Dolt mål"]],
        "Aktiviteter": [["Id", "Mål-id", "Aktivitet", "Slut"],
                        ["A1", "M1", "Öva", dt.datetime(2026, 5, 1)], ["A2", None, "Öva igen"],
                        ["A3", None, "Öva mer"]]}, _merged_and_hidden),
    "title-rows-and-gaps": lambda: openpyxl_book({"Nämnd": [["Verksamhetsplan"], [], *NAMND],
                                                   "Mål": [["Mål 2026"], [], [None, "Id", "Mål"],
                                                           [], [None, "M1", "Trygg stad"]]}),
    "template": write_template,
    "small-plan": valid_workbook,
    "generated-S": lambda: write_plan_xlsx(build_plan(SIZES["S"], seed=3)),
    "generated-M": lambda: write_plan_xlsx(build_plan(SIZES["M"], seed=4)),
}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_both_readers_read_each_sample_plan_alike(path: Path) -> None:
    fast, careful = read_both(path)
    assert fast.plan is not None
    assert fast == careful


@pytest.mark.parametrize("name", sorted(ODD))
def test_both_readers_read_odd_workbooks_alike(name: str, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(ODD[name]())
    fast, careful = read_both(path)
    assert fast == careful
    assert fast.plan is not None or fast.problems


@pytest.mark.parametrize("case", [c for c in CORPUS if c.name.endswith(".xlsx")],
                         ids=lambda c: c.id)
def test_both_readers_refuse_hostile_workbooks_alike(case: Case, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    fast, careful = read_both(_make(case, tmp_path))
    assert fast.flatten() == careful.flatten()
    assert [p.message for p in fast.problems] == [p.message for p in careful.problems]


def contract_parts(data: bytes) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for sheet in xlsxparts.worksheet_parts(archive):
            if contract.match_sheet(sheet.title) is not None:
                yield sheet.title, archive.read(sheet.part)


@pytest.mark.parametrize("source", [*SAMPLES, *sorted(ODD)], ids=str)
def test_plain_sheets_go_to_the_fast_reader(source: Path | str) -> None:
    """Otherwise the comparisons above would compare openpyxl with itself."""
    data = source.read_bytes() if isinstance(source, Path) else ODD[source]()
    titles = [title for title, xml in contract_parts(data) if xlsxparts.plain_rows(xml) is None]
    assert titles == []


# --- what sends a sheet to the careful reader -------------------------------------------------

HEADER = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>Id</t></is></c>'
          b'<c r="B1" t="inlineStr"><is><t>M\xc3\xa5l</t></is></c></row>')
GOAL = b'<row r="2"><c r="A2" t="inlineStr"><is><t>M1</t></is></c><c r="B2"><v>5</v></c></row>'


def sheet(rows: bytes) -> bytes:
    return SHEET_HEAD + rows + SHEET_TAIL


def test_a_plain_sheet_gives_its_row_numbers() -> None:
    assert xlsxparts.plain_rows(sheet(HEADER + GOAL)) == [1, 2]
    assert xlsxparts.plain_rows(sheet(b"")) == []
    wide = GOAL.replace(b'r="B2"', b'r="AB2"')
    assert xlsxparts.plain_rows(sheet(HEADER + wide)) == [1, 2]


FORMULAS_WITH_RESULTS = (
    b'<row r="2"><c r="A2" t="str"><f>"M"&amp;ROW()-1</f><v>M1</v></c>'
    b'<c r="B2" t="str"><f>CONCAT("Trygg ","stad")</f><v>Trygg stad</v></c>'
    b'<c r="C2"><f>1+2</f><v>3</v></c><c r="D2" t="str"><f>""</f><v></v></c>'
    b'<c r="E2" t="b"><f>TRUE()</f><v>1</v></c><c r="F2"><f t="shared" si="0" ref="F2:F3">C2</f>'
    b'<v>3</v></c></row>'
    b'<row r="3"><c r="A3" t="inlineStr"><is><t>M2</t></is></c><c r="B3" t="inlineStr"><is><t>'
    b'S\xc3\xa4ker stad</t></is></c><c r="F3"><f t="shared" si="0"/><v>0</v></c></row>')


def test_formulas_saved_with_their_results_take_the_fast_path(tmp_path: Path) -> None:
    """As Excel saves them (a risk value column, say): the result in <v> is what both read."""
    assert xlsxparts.plain_rows(sheet(HEADER + FORMULAS_WITH_RESULTS)) == [1, 2, 3]
    base = valid_workbook()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(with_parts(base, {sheet_part(base, "Mål"): sheet(HEADER + FORMULAS_WITH_RESULTS)}))
    fast, careful = read_both(path)
    assert fast == careful
    assert fast.plan is not None
    assert [(g.id, g.text) for g in fast.plan.goals] == [("M1", "Trygg stad"), ("M2", "Säker stad")]


@pytest.mark.parametrize("rows", [
    HEADER + GOAL.replace(b'<v>5</v>', b"<f>1+1</f>"),  # a formula without its result
    HEADER + GOAL.replace(b'<v>5</v>', b'<f t="shared" si="0"/>'),  # a shared formula
    HEADER + GOAL.replace(b'<v>5</v>', b"<f>1+1</f><v></v>"),  # an empty number
    HEADER + FORMULAS_WITH_RESULTS.replace(b"<f>1+2</f><v>3</v>", b"<f>1+2</f>"),
    HEADER + GOAL.replace(b'r="B2"', b'r="B2" t="e"'),  # an error value
    HEADER + GOAL.replace(b'r="B2"', b"r=\"B2\" t='e'"),
    HEADER + GOAL.replace(b"<c r=\"B2\"><v>5</v></c>", b'<x:c r="B2"><x:v>5</x:v></x:c>'),
    HEADER + GOAL.replace(b"<row r=\"2\">", b"<x:row r=\"2\">").replace(b"</row>", b"</x:row>"),
    HEADER + GOAL.replace(b"<v>5</v>", b"<x:f>1</x:f>"),
    HEADER + GOAL.replace(b'<row r="2">', b"<row>"),  # a row without its number
    HEADER + GOAL.replace(b'<row r="2">', b'<row spans="1:2" r="2">'),
    HEADER + GOAL.replace(b'r="B2"', b""),  # a cell without its reference
    HEADER + GOAL.replace(b'<c r="B2">', b'<c s="1" r="B2">'),
    HEADER + GOAL.replace(b'r="B2"', b'r="b2"'),
    GOAL + HEADER,  # rows out of order
    HEADER + GOAL.replace(b'r="2"', b'r="1"'),  # the same row twice
    HEADER + GOAL.replace(b'"2"', b'"5000000"').replace(b'2"', b'5000000"'),  # beyond Excel
    HEADER + GOAL.replace(b'r="B2"', b'r="B900000"'),  # a cell far below its row
    HEADER + GOAL.replace(b'r="B2"', b'r="XFD2"')
    + b'<row r="300"><c r="A300"><v>1</v></c></row>',  # 999 rows × 16,384 columns
], ids=["formula", "shared-formula", "empty-number-result", "one-of-many-formulas", "error", "error-single-quotes", "prefixed-cell",
        "prefixed-row", "prefixed-formula", "row-without-r", "row-r-not-first", "cell-without-r",
        "cell-r-not-first", "lower-case-reference", "rows-out-of-order", "row-twice",
        "row-beyond-excel", "cell-below-its-row", "wide-grid"])
def test_unusual_sheets_go_to_the_careful_reader(rows: bytes) -> None:
    assert xlsxparts.plain_rows(sheet(rows)) is None


@pytest.mark.parametrize("encoding", ["utf-16", "iso-8859-1"])
def test_a_sheet_not_in_utf8_goes_to_the_careful_reader(encoding: str, tmp_path: Path) -> None:
    """The byte searches would see no rows in UTF-16 and miss nothing else; openpyxl decodes it."""
    text = sheet(HEADER + GOAL).decode().replace('encoding="UTF-8"', f'encoding="{encoding}"')
    assert xlsxparts.plain_rows(text.encode(encoding)) is None
    base = valid_workbook()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(with_parts(base, {sheet_part(base, "Mål"): text.encode(encoding)}))
    fast, careful = read_both(path)
    assert fast == careful
    assert fast.plan is not None and [g.id for g in fast.plan.goals] == ["M1"]


def test_the_fast_grid_is_bounded() -> None:
    """The largest grid a plain sheet can make calamine allocate stays within MAX_FAST_GRID."""
    last = xlsxparts.MAX_FAST_GRID // 26  # the highest row referenced, times 26 columns
    for number, fits in ((last, True), (last + 1, False)):
        goal = GOAL.replace(b'"2"', b'"%d"' % number).replace(b'2"', b'%d"' % number)
        tall = sheet(HEADER + goal)
        assert (xlsxparts.plain_rows(tall) is not None) is fits
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in (1, 99_999))
    assert xlsxparts.plain_rows(sheet(rows)) == [1, 99_999]  # 99,999 × 26 = 2.6 million cells


def test_the_fast_reader_sees_merged_values_and_gaps_like_the_careful_one(tmp_path: Path
                                                                            ) -> None:
    """calamine's grid has a line for every row number; only rows in the XML may become items."""
    base = valid_workbook()
    rows = (HEADER + b'<row r="4"><c r="A4" t="inlineStr"><is><t>M1</t></is></c>'
            b'<c r="B4" t="inlineStr"><is><t>Trygg stad</t></is></c></row>'
            b'<row r="9"><c r="A9" t="inlineStr"><is><t>M2</t></is></c></row>')
    merges = b'<mergeCells count="1"><mergeCell ref="B4:B12"/></mergeCells>'
    part = SHEET_HEAD + rows + b"</sheetData>" + merges + b"</worksheet>"
    path = tmp_path / "plan.xlsx"
    path.write_bytes(with_parts(base, {sheet_part(base, "Mål"): part}))
    fast, careful = read_both(path)
    assert fast == careful
    assert fast.plan is not None
    assert [(g.id, g.text, g.location and g.location.row) for g in fast.plan.goals] == [
        ("M1", "Trygg stad", 4), ("M2", "Trygg stad", 9)]


def test_worksheet_parts_follow_the_relationships() -> None:
    """Sheets in workbook order, found through the relationships, not by their file names."""
    base = valid_workbook()
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        parts = xlsxparts.worksheet_parts(archive)
    titles = [part.title for part in parts]
    assert titles[:3] == ["Instruktioner", "Nämnd", "Mål"]
    assert all(part.part.startswith("xl/worksheets/") for part in parts)
    assert parts[2].part == sheet_part(base, "Mål")
