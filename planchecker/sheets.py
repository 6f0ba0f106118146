"""Reading the sheets of a plan workbook: find each contract sheet, its header row, and turn every
cell under a known header into a plan field, reporting problems with sheet, Excel row and column.

Rows come from openpyxl's own sheet parser, one `<row>` element at a time, rather than from
`iter_rows`: `iter_rows` yields an empty row for every row number it skips and pads every row to
the widest one, so a 14 kB sheet holding one cell in row 50,000,000 (or one in column XFD of every
row) takes minutes. Here a row costs what its XML costs.

Merged cells: a value merged down over several rows belongs to each of them (a Mål-id merged over
the activities under it); a value merged across columns stays in its first column. On the Nämnd
sheet a label merged across columns has its value in the first cell after the merge.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser

from planchecker import cells, contract
from planchecker.contract import Column, Sheet
from planchecker.model import Location, Plan
from planchecker.problem_sink import ProblemSink, Unreadable
from planchecker.sniffing import ZIP_ERRORS
from planchecker.validation import Locator, column_for, field_name, validate

_EXCEL_LAST_ROW = 1_048_576
_HEADER_SEARCH_ROWS = 20  # non-empty rows searched for the header: titles and notes go above it


def read_workbook(data: bytes, archive: zipfile.ZipFile, sink: ProblemSink) -> Plan | None:
    """The plan in a workbook whose archive has passed `sniffing.archive_is_safe`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it drops
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                          keep_links=False)
        except Exception as exc:  # noqa: BLE001 - openpyxl fails in many ways on a broken file
            raise Unreadable("arbetsboken kan inte öppnas") from exc
        try:
            return _read_sheets(book, archive, sink)
        finally:
            book.close()


def _read_sheets(book: Any, archive: zipfile.ZipFile, sink: ProblemSink) -> Plan | None:
    found = _match_sheets(book, sink)
    if not found:
        sink.add("empty-workbook")
        return None
    for sheet in contract.SHEETS:
        if sheet.required and sheet.name not in found:
            sink.add("missing-sheet", sheet=sheet.name)
    data: dict[str, Any] = {}
    for sheet in contract.SHEETS:
        if sheet.name in found:
            reader = _SheetReader(_SheetSource(book, found[sheet.name], archive, sink), sheet)
            data[sheet.plan_field] = reader.read_form() if sheet.form else reader.read_table()
    if sink.items:
        return None
    titles = {sheet.plan_field: found[sheet.name].title for sheet in contract.SHEETS
              if sheet.name in found}
    return validate(data, sink, _excel_locator(data, titles))


def _match_sheets(book: Any, sink: ProblemSink) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for worksheet in book.worksheets:  # hidden and very hidden sheets too: their rows count
        sheet = contract.match_sheet(worksheet.title)
        if sheet is None:
            continue
        if sheet.name in found:
            sink.add("bad-structure", sheet=worksheet.title, detail=f"Bladen "
                     f"{found[sheet.name].title!r} och {worksheet.title!r} betyder samma sak; "
                     "slå ihop dem eller ta bort det ena.")
        else:
            found[sheet.name] = worksheet
    return found


# --- rows ---------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One `<row>` of a sheet: its Excel number and its cells by 1-based column number."""

    number: int
    values: dict[int, Any]
    formulas: set[int] = field(default_factory=set)  # formulas saved without a result
    errors: dict[int, str] = field(default_factory=dict)  # error values such as #REF!

    def is_empty(self) -> bool:
        return not self.formulas and not self.errors and all(
            cells.is_empty(v) for v in self.values.values())


class _Parser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's cell parser, also noting which cells of the current row hold a formula with no
    saved result: with data_only=True such a cell reads as empty, which would silently read as
    "no value" (files written by scripts, e.g. openpyxl or pandas, never hold results)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row_formulas: set[int] = set()

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["value"] is None and _lacks_value(element):
            self.row_formulas.add(cell["column"])
        return cell


def _lacks_value(cell: Any) -> bool:
    children = {child.tag.rpartition("}")[2]: child for child in cell}
    if "f" not in children or "is" in children:
        return False
    value = children.get("v")
    # An empty <v/> is an empty-string result only when the cell says it is a string.
    return value is None or (not value.text and cell.get("t") != "str")


class _SheetSource:
    """The rows of one worksheet, with merged values filled down and the row limit applied."""

    def __init__(self, book: Any, worksheet: Any, archive: zipfile.ZipFile, sink: ProblemSink
                 ) -> None:
        self.book, self.worksheet, self.sink = book, worksheet, sink
        self.title: str = worksheet.title
        # the part openpyxl itself reads for this sheet; private, but the one true mapping
        self.part: str = worksheet._worksheet_path
        ranges = _merged_ranges(archive, self.part, self.title, sink)
        self.refused = ranges is None  # too many merged ranges: not worth openpyxl's time
        self.merges = _Merges(ranges or [])

    def rows(self) -> Iterator[SheetRow]:
        limit, previous = self.sink.limits.max_rows, 0
        for row in () if self.refused else self._parsed():
            if row.number <= previous or row.number > _EXCEL_LAST_ROW:
                raise Unreadable(f"bladet {self.title!r} har ett ogiltigt radnummer "
                                 f"({row.number})")
            previous = row.number
            self.merges.fill(row)
            if row.number > limit and not row.is_empty():
                self.sink.add("too-large", sheet=self.title, row=row.number,
                              detail=f"Bladet {self.title} i {self.sink.name} har fler än "
                              f"{limit} ifyllda rader; dela upp planen på flera filer.")
                return
            yield row

    def _parsed(self) -> Iterator[SheetRow]:
        # Private openpyxl API, in this one place: the same parser and arguments as read-only
        # iter_rows uses, minus its gap filling.
        book, worksheet = self.book, self.worksheet
        try:
            with worksheet._get_source() as source:
                parser = _Parser(source, worksheet._shared_strings, data_only=True,
                                 epoch=book.epoch, date_formats=book._date_formats,
                                 timedelta_formats=book._timedelta_formats)
                for number, parsed in parser.parse():
                    yield _sheet_row(number, parsed, parser.row_formulas)
                    parser.row_formulas = set()
                    parser.row_dimensions.clear()  # row formatting, kept per row otherwise
        except Exception as exc:  # noqa: BLE001 - only openpyxl's parsing is inside this try
            raise Unreadable(f"bladet {self.title!r} kan inte tolkas") from exc


def _sheet_row(number: int, parsed: list[dict[str, Any]], formulas: set[int]) -> SheetRow:
    row = SheetRow(number, {}, formulas)
    for cell in parsed:
        if cell["data_type"] == "e":
            row.errors[cell["column"]] = str(cell["value"])
        elif cell["value"] is not None:
            row.values[cell["column"]] = cell["value"]
    return row


_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*[\"']([A-Za-z0-9$:]+)")


def _merged_ranges(archive: zipfile.ZipFile, part: str, title: str, sink: ProblemSink
                   ) -> list[tuple[int, int, int, int]] | None:
    """(min_col, min_row, max_col, max_row) of each merged range in the sheet part; None, with a
    problem, when there are more than the limit.

    `<mergeCells>` follows the rows in the XML, so it is found by a quick scan of the raw part
    before the rows are read (a `<` in text is always escaped, so the pattern cannot hit text).
    """
    refs: set[bytes] = set()
    tail = b""
    try:
        with archive.open(part) as source:
            while chunk := source.read(1024 * 1024):
                buffer, tail = tail + chunk, (tail + chunk)[-512:]
                if b"mergeCell" in buffer:
                    refs.update(_MERGE.findall(buffer))
                if len(refs) > sink.limits.max_merged_ranges:
                    sink.add("too-large", sheet=title, detail=f"Bladet {title} i {sink.name} har "
                             f"fler än {sink.limits.max_merged_ranges} sammanfogade cellområden.")
                    return None
    except (KeyError, *ZIP_ERRORS) as exc:
        raise Unreadable(f"bladet {title!r} kan inte tolkas") from exc
    return sorted(bounds for bounds in map(_bounds, refs) if bounds is not None)


def _bounds(ref: bytes) -> tuple[int, int, int, int] | None:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
    except (ValueError, TypeError):
        return None  # not a range; openpyxl ignores it as well
    if min_col is None or min_row is None or max_col is None or max_row is None:
        return None  # whole rows or columns: Excel never merges those
    return min_col, min_row, max_col, max_row


class _Merges:
    """Fills a value merged down over rows into each row; knows how far a label is merged."""

    def __init__(self, ranges: list[tuple[int, int, int, int]]) -> None:
        self.starts: dict[int, list[tuple[int, int]]] = {}  # top row -> [(column, last row)]
        self.widths: dict[tuple[int, int], int] = {}  # (row, column) -> last column of merge
        for min_col, min_row, max_col, max_row in ranges:
            if max_row > min_row:
                self.starts.setdefault(min_row, []).append((min_col, max_row))
            if max_col > min_col:
                self.widths[(min_row, min_col)] = max_col
        self.active: dict[int, tuple[int, Any]] = {}  # column -> (last row, value)

    def fill(self, row: SheetRow) -> None:
        for column, last in self.starts.get(row.number, ()):
            if column in row.values:
                self.active[column] = (last, row.values[column])
        for column, (last, value) in list(self.active.items()):
            if last < row.number:
                del self.active[column]
            elif cells.is_empty(row.values.get(column)):
                row.values[column] = value

    def last_column(self, row: int, column: int) -> int:
        return self.widths.get((row, column), column)


# --- cells -> plan fields -----------------------------------------------------------------------


class _SheetReader:
    """Reads one sheet in one pass, reporting problems with sheet, Excel row and column."""

    def __init__(self, source: _SheetSource, sheet: Sheet) -> None:
        self.source, self.sheet, self.sink = source, sheet, source.sink
        self.title = source.title

    def read_table(self) -> list[dict[str, Any]]:
        rows = self.source.rows()
        header = self._find_header(rows)
        if header is None:
            return []
        header_row, columns = header
        missing = [c for c in self.sheet.columns if c.required and c not in columns.values()]
        for column in missing:
            self._add("missing-column", header_row, column)
        if missing:
            return []
        items: list[dict[str, Any]] = []
        first_rows: dict[str, int] = {}
        for row in rows:
            item = self._item(row, columns)
            if item is not None:
                self._check_duplicate(item, first_rows, columns)
                items.append(item)
        return items

    def read_form(self) -> dict[str, Any]:
        """The Nämnd sheet: a label cell (any column) with its value in the cell to its right."""
        found: dict[str, tuple[SheetRow, int]] = {}
        for row in self.source.rows():
            label = min((c for c, v in row.values.items() if not cells.is_empty(v)), default=0)
            column = contract.match_column(self.sheet, row.values[label]) if label else None
            if column is None:
                continue
            at = self.source.merges.last_column(row.number, label) + 1
            previous = found.get(column.field)
            if previous is None or self._blank(*previous):  # a title "Nämnd" above the label
                found[column.field] = (row, at)
        item: dict[str, Any] = {}
        for column in self.sheet.columns:
            if column.field in found:
                self._put(item, *found[column.field], column)
            elif column.required:
                self._add("missing-field", None, column, field=column.header)
        return item

    @staticmethod
    def _blank(row: SheetRow, at: int) -> bool:
        return cells.is_empty(row.values.get(at)) and at not in row.formulas

    def _find_header(self, rows: Iterator[SheetRow]) -> tuple[int, dict[int, Column]] | None:
        """The first row naming two known columns; rows above it (titles, notes) are skipped."""
        seen = 0
        for row in rows:
            if row.is_empty():
                continue
            columns: dict[int, Column] = {}
            for at in sorted(row.values):
                column = contract.match_column(self.sheet, row.values[at])
                if column is not None and column not in columns.values():
                    columns[at] = column
            if len(columns) >= 2:
                return row.number, columns
            seen += 1
            if seen >= _HEADER_SEARCH_ROWS:
                break
        for column in self.sheet.columns if seen else ():
            if column.required:
                self._add("missing-column", None, column)
        return None

    def _item(self, row: SheetRow, columns: dict[int, Column]) -> dict[str, Any] | None:
        if all(self._blank(row, at) and at not in row.errors for at in columns):
            return None
        # constructed without validation: 30,000 rows, and the values are ours
        where = Location.model_construct(file=self.sink.file, sheet=self.title, row=row.number)
        item: dict[str, Any] = {"location": where}
        for at, column in columns.items():
            self._put(item, row, at, column)
        return item

    def _put(self, item: dict[str, Any], row: SheetRow, at: int, column: Column) -> None:
        """Convert one cell into item[column.field], or report why it cannot be."""
        value, limit = row.values.get(at), self.sink.limits.max_text_length
        if at in row.formulas:
            self._add("formula-without-value", row.number, column, at)
        elif at in row.errors:
            self._add("bad-value", row.number, column, at, detail=f"Cellen visar felvärdet "
                      f"{row.errors[at]}; rätta formeln eller skriv in värdet.")
        elif cells.is_empty(value):
            if column.required:
                self._add("missing-value", row.number, column, at)
        elif isinstance(value, str) and len(value) > limit:
            self._add("bad-value", row.number, column, at, detail=f"Texten är {len(value)} "
                      f"tecken lång; högst {limit} tas emot.")
        else:
            try:
                item[column.field] = cells.convert(column, value)
            except cells.CellError as err:
                self._add(err.code, row.number, column, at, **err.values)

    def _check_duplicate(self, item: dict[str, Any], first_rows: dict[str, int],
                         columns: dict[int, Column]) -> None:
        if "id" not in item:
            return
        row = item["location"].row
        first = first_rows.setdefault(item["id"], row)
        if first != row:
            at = next(a for a, c in columns.items() if c.field == "id")
            self._add("duplicate-id", row, columns[at], at, value=item["id"], first_row=first)

    def _add(self, code: str, row: int | None, column: Column, at: int | None = None,
             **values: Any) -> None:
        letter = None if at is None else get_column_letter(at)
        self.sink.add(code, sheet=self.title, row=row, column=column.header, letter=letter,
                      **values)


def _excel_locator(data: dict[str, Any], titles: dict[str, str]) -> Locator:
    def locate(loc: tuple[Any, ...]) -> dict[str, Any]:
        column = column_for(loc)
        where: dict[str, Any] = {"sheet": titles.get(str(loc[0])) if loc else None,
                                 "column": column.header if column else field_name(loc)}
        if len(loc) > 1 and isinstance(loc[1], int):
            where["row"] = data[loc[0]][loc[1]]["location"].row
        return where

    return locate
