"""Shared pieces of the report workbooks: safe cell text, headers, column widths, status colours,
the legend and deterministic saving.

Formula injection: every text cell goes through `safe_text`. Text that starts with `=`, `+`, `-`,
`@`, a tab or a carriage return gets a ZERO WIDTH SPACE (U+200B) in front and is written as a
string cell, never a formula. We chose the invisible prefix over a leading apostrophe (OWASP's two
options) because the reader sees the text exactly as the nämnd wrote it, and because it survives
what the apostrophe style does not: copying the cell, or saving the sheet as CSV and opening that.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planchecker.checking.findings import COVERAGE_LABELS
from planchecker.reading.template import FIXED_TIME, deterministic_xlsx

ZERO_WIDTH_SPACE = "\u200b"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses cells longer than 32,767 characters; leave room for the ellipsis.
MAX_CELL_TEXT = 32_000
PERCENT = "0%"

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
HEADER_FILL = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")

# Swedish status word -> (fill, font colour), Excel's own good/bad/neutral palette.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    COVERAGE_LABELS["met"]: ("C6EFCE", "006100"),
    COVERAGE_LABELS["missing"]: ("FFC7CE", "9C0006"),
    COVERAGE_LABELS["waived"]: ("FFEB9C", "9C5700"),
    COVERAGE_LABELS["not_applicable"]: ("EDEDED", "595959"),
}
LEGEND: tuple[tuple[str, str], ...] = (
    (COVERAGE_LABELS["met"], "Alla tillämpliga krav i fokusområdet är uppfyllda."),
    (COVERAGE_LABELS["missing"], "Minst ett krav saknas (brist utan undantag)."),
    (COVERAGE_LABELS["waived"], "Brister finns men alla har ett beslutat undantag."),
    (COVERAGE_LABELS["not_applicable"], "Inga krav i fokusområdet gäller planen."),
)


def safe_text(text: str) -> str:
    """Text that Excel shows as written and never runs as a formula (see the module docstring)."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[:MAX_CELL_TEXT] + " …"
    return ZERO_WIDTH_SPACE + text if text.startswith(FORMULA_START) else text


def put(
    ws: Worksheet,
    row: int,
    column: int,
    value: Any,
    *,
    font: Font | None = None,
    align: Alignment | None = None,
    number_format: str | None = None,
) -> Any:
    """Write one cell; text always lands as a string cell."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"  # openpyxl would otherwise make any "=…" a formula
    else:
        cell.value = value
    if font is not None:
        cell.font = font
    if align is not None:
        cell.alignment = align
    if number_format is not None:
        cell.number_format = number_format
    return cell


def write_row(
    ws: Worksheet,
    row: int,
    values: Sequence[Any],
    *,
    first_column: int = 1,
    align: Alignment | None = TOP,
) -> None:
    for offset, value in enumerate(values):
        put(ws, row, first_column + offset, value, align=align)


def write_header(ws: Worksheet, row: int, titles: Sequence[str], *, first_column: int = 1) -> None:
    for offset, title in enumerate(titles):
        cell = put(ws, row, first_column + offset, title, font=BOLD, align=WRAP)
        cell.fill = HEADER_FILL


def table_range(first_column: int, first_row: int, last_column: int, last_row: int) -> str:
    return (
        f"{get_column_letter(first_column)}{first_row}:{get_column_letter(last_column)}{last_row}"
    )


def fit_columns(
    ws: Worksheet, *, minimum: int = 8, maximum: int = 60, fixed: dict[int, int] | None = None
) -> None:
    """Width from the longest line in each column, within [minimum, maximum]; longer text wraps."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            longest = max(len(line) for line in str(cell.value).split("\n"))
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for column, width in sorted(widths.items()):
        chosen = (fixed or {}).get(column, min(max(width + 2, minimum), maximum))
        ws.column_dimensions[get_column_letter(column)].width = chosen
        if width + 2 > chosen:
            for (cell,) in ws.iter_rows(min_col=column, max_col=column):
                if cell.value is not None and not cell.font.b:
                    cell.alignment = WRAP


# Calibri 11, Excel's default: about 15 points a line, and a column width counts characters.
LINE_HEIGHT = 15.0


def fit_rows(ws: Worksheet) -> None:
    """Row heights for wrapped text, so that every line shows in Excel and LibreOffice and in
    print: neither sets them itself for a file written by a program (Excel shows one line)."""
    widths = {key: dim.width for key, dim in ws.column_dimensions.items() if dim.width}
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            # a little less than the width: words wrap whole, so lines end short of it
            room = max(int(widths.get(cell.column_letter, 8.43)) - 2, 1)
            text = str(cell.value)
            lines = max(lines, sum(-(-max(len(part), 1) // room) for part in text.split("\n")))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = lines * LINE_HEIGHT + 3


def print_setup(ws: Worksheet, *, title_rows: str | None = "1:1") -> None:
    """Landscape A4, every column on one page wide, the header row on every page, page numbers."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "Sida &P av &N"
    ws.oddHeader.center.text = "&A"  # the sheet's name


def add_status_formatting(ws: Worksheet, ranges: Iterable[str]) -> None:
    """Colour the status words by conditional formatting rules (filters and edits keep them)."""
    sqref = " ".join(ranges)
    for word, (fill, font) in STATUS_COLOURS.items():
        rule = CellIsRule(
            operator="equal",
            formula=[f'"{word}"'],
            fill=PatternFill("solid", start_color=fill, end_color=fill),
            font=Font(color=font),
        )
        ws.conditional_formatting.add(sqref, rule)


def write_legend(ws: Worksheet, row: int, column: int) -> str:
    """The four status words with what they mean; returns the range of the words for formatting."""
    put(ws, row, column, "Förklaring", font=BOLD)
    for offset, (word, meaning) in enumerate(LEGEND, start=1):
        put(ws, row + offset, column, word)
        put(ws, row + offset, column + 1, meaning)
    return table_range(column, row + 1, column, row + len(LEGEND))


def new_workbook() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    return book


def save(book: Workbook) -> bytes:
    """The workbook as bytes that depend only on its content: fixed properties and zip times."""
    props = book.properties
    props.creator = "planchecker"
    props.lastModifiedBy = "planchecker"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return deterministic_xlsx(buffer.getvalue())
