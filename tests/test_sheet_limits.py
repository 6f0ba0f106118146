"""Sheets at and over the cell limit, and sheets that need openpyxl in a workbook whose styles or
shared strings openpyxl would load whole (issue 16, point 3). The inputs are the builders of
benchmarks/hostile.py, which prints their time and peak memory at the default limits."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from benchmarks.hostile import (SHEET_HEAD, SHEET_TAIL, error_cell_with_strings,
                                error_cell_with_styles, rows_at_limit, wide_sheet)
from planchecker.reading import xlsxparts
from planchecker.reading.limits import MB, Limits
from planchecker.reading.reader import ReadResult, read_plan


def _read(tmp_path: Path, data: bytes, **limits: int) -> ReadResult:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(data)
    return read_plan(path, limits=dataclasses.replace(Limits(), **limits))


def _sheet_xml(rows: int, columns: int = 6) -> bytes:
    letters = [xlsxparts.column_letter(n).encode() for n in range(1, columns + 1)]
    return SHEET_HEAD + b"".join(
        b'<row r="%d">' % number + b"".join(b'<c r="%s%d"><v>1</v></c>' % (letter, number)
                                           for letter in letters) + b"</row>"
        for number in range(1, rows + 1)) + SHEET_TAIL


def test_a_sheet_at_the_row_limit_stays_on_the_fast_path() -> None:
    # The old bound took 999,999 rows × 26 columns for a last row of 100,000: the careful
    # reader, 19 s. The highest row referenced is 100,000: 2.6 M cells of grid.
    assert xlsxparts.plain_rows(_sheet_xml(100_000)) == list(range(1, 100_001))


def test_a_reference_above_its_row_is_bounded_exactly() -> None:
    xml = _sheet_xml(3)
    far = xml.replace(b'<c r="A3">', b'<c r="A160000">')  # 160,000 × 26 > MAX_FAST_GRID
    near = xml.replace(b'<c r="A3">', b'<c r="A150000">')
    longer = xml.replace(b'<c r="A3">', b'<c r="A1000000">')
    assert xlsxparts.plain_rows(far) is None
    assert xlsxparts.plain_rows(near) == [1, 2, 3]
    assert xlsxparts.plain_rows(longer) is None


def test_cells_are_counted_as_tags() -> None:
    assert xlsxparts.cell_count(_sheet_xml(10, 3)) == 30
    assert xlsxparts.cell_count(b'<x:c r="A1"/><c>1</c><cols/><col/>') == 2


def test_a_plan_at_the_row_limit_is_read(tmp_path: Path) -> None:
    result = _read(tmp_path, rows_at_limit(100_000))
    assert result.plan is not None, [p.message for p in result.problems]
    assert len(result.plan.goals) == 99_999


def test_a_sheet_over_the_cell_limit_is_refused_naming_file_and_sheet(tmp_path: Path) -> None:
    result = _read(tmp_path, wide_sheet(300, 16_384))  # 4.9 M cells, the default limit
    assert result.plan is None
    [problem] = result.problems
    assert problem.code == "too-large" and problem.location.sheet == "Mål"
    assert problem.message == ("Bladet Mål i plan.xlsx har 4915202 celler; högst 2000000 "
                               "läses. Dela upp planen på flera filer, ta bort tomma formaterade "
                               "celler, eller höj PLANCHECKER_MAX_CELLS.")


def test_the_cell_limit_is_configurable(tmp_path: Path) -> None:
    data = wide_sheet(10, 100)
    assert _read(tmp_path, data).plan is not None
    assert [p.code for p in _read(tmp_path, data, max_cells=500).problems] == ["too-large"]
    assert Limits.from_env({"PLANCHECKER_MAX_CELLS": "500"}).max_cells == 500


def test_an_error_cell_reads_with_small_styles(tmp_path: Path) -> None:
    result = _read(tmp_path, error_cell_with_styles(100_000))
    assert [p.code for p in result.problems] == ["bad-value"]
    assert "#N/A" in result.problems[0].message


def test_an_error_cell_with_huge_styles_is_refused_before_openpyxl(tmp_path: Path) -> None:
    result = _read(tmp_path, error_cell_with_styles(2 * MB), max_styles_size=MB)
    [problem] = result.problems
    assert problem.code == "too-large" and problem.location.sheet == "Mål"
    assert problem.message.startswith("Bladet Mål i plan.xlsx har felvärden (som #N/A)")
    assert "formatmallar (xl/styles.xml) är 2," in problem.message
    assert "MB; högst 1 MB läses då." in problem.message


def test_an_error_cell_with_millions_of_shared_strings_is_refused(tmp_path: Path) -> None:
    result = _read(tmp_path, error_cell_with_strings(5_000), max_shared_strings=4_000)
    [problem] = result.problems
    assert problem.code == "too-large" and problem.location.sheet == "Mål"
    assert "arbetsboken har 5000 delade texter (xl/sharedStrings.xml); högst 4000" in (
        problem.message)
    assert [p.code for p in _read(tmp_path, error_cell_with_strings(3_000),
                                  max_shared_strings=4_000).problems] == ["bad-value"]
