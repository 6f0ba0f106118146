"""The rows of a worksheet, from one of two readers that yield the same `SheetRow`s.

- fast: python-calamine reads the sheet's grid in Rust, ~10 × faster than openpyxl. Used for
  every sheet that `xlsxparts.plain_rows` finds plainly laid out, which is every sheet Excel,
  LibreOffice or openpyxl writes without formulas or error values.
- careful: openpyxl's own sheet parser, one `<row>` element at a time, rather than `iter_rows`:
  `iter_rows` yields an empty row for every row number it skips and pads every row to the widest
  one, so a 14 kB sheet holding one cell in row 50,000,000 (or one in column XFD of every row)
  takes minutes. Here a row costs what its XML costs. It sees formulas saved without a result
  and error values, which calamine reads as empty cells.

Both yield a row for each `<row>` element and nothing else, so merged values fill down alike.

Merged cells: a value merged down over several rows belongs to each of them (a Mål-id merged over
the activities under it); a value merged across columns stays in its first column. On the Nämnd
sheet a label merged across columns has its value in the first cell after the merge.
"""

from __future__ import annotations

import io
import posixpath
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from planchecker.reading import cells, xlsxparts
from planchecker.reading.limits import Limits, megabytes, megabytes_over
from planchecker.reading.problem_sink import ProblemSink, Unreadable
from planchecker.reading.xlsxparts import SheetPart

USE_CALAMINE = True  # the tests turn it off to compare the two readers on the same workbooks


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


class Books:
    """The workbook as each reader opens it, opened the first time a sheet needs that reader."""

    def __init__(self, data: bytes, archive: zipfile.ZipFile) -> None:
        self.data, self.archive = data, archive
        self.read_parts: set[str] = set()  # members already read in full (and so CRC-checked)
        self._calamine: Any = None
        self._openpyxl: Any = None
        self._refusal: str | None = None  # "" once measured and within the limits

    def calamine(self) -> Any:
        if self._calamine is None:
            xlsxparts.verify_members(self.archive, self.read_parts)
            try:
                self._calamine = python_calamine.CalamineWorkbook.from_filelike(
                    io.BytesIO(self.data))
            except Exception as exc:  # noqa: BLE001 - calamine fails in many ways on a bad file
                raise Unreadable("arbetsboken kan inte öppnas") from exc
        return self._calamine

    def openpyxl_refusal(self, limits: Limits) -> str | None:
        """Why openpyxl may not open this workbook, or None. It loads styles.xml and the shared
        strings whole before reading one sheet (a 120 MB styles.xml: 1.4 GB, 35 s), so those
        are measured first: the styles by their size, the strings by counting `<si` in chunks.
        """
        if self._refusal is None:
            self._refusal = self._measure_openpyxl_parts(limits)
        return self._refusal or None

    def _measure_openpyxl_parts(self, limits: Limits) -> str:
        for info in self.archive.infolist():
            base = posixpath.basename(info.filename).lower()
            if base == "styles.xml" and info.file_size > limits.max_styles_size:
                return (f"arbetsbokens formatmallar ({info.filename}) är "
                        f"{megabytes_over(info.file_size)}; högst "
                        f"{megabytes(limits.max_styles_size)} läses då.")
            if base.startswith("sharedstrings"):
                count = xlsxparts.count_in_member(self.archive, info, b"<si")
                if count > limits.max_shared_strings:
                    return (f"arbetsboken har {count} delade texter ({info.filename}); högst "
                            f"{limits.max_shared_strings} läses då.")
        return ""

    def openpyxl(self) -> Any:
        if self._openpyxl is None:
            import openpyxl  # only for sheets calamine cannot be trusted with: 0.16 s to import

            xlsxparts.verify_members(self.archive, self.read_parts)  # the same refusals as calamine

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # styles and extensions openpyxl drops
                try:
                    self._openpyxl = openpyxl.load_workbook(
                        io.BytesIO(self.data), read_only=True, data_only=True, keep_links=False)
                except Exception as exc:  # noqa: BLE001 - openpyxl fails in many ways too
                    raise Unreadable("arbetsboken kan inte öppnas") from exc
        return self._openpyxl

    def close(self) -> None:
        for book in (self._calamine, self._openpyxl):
            if book is not None:
                book.close()


class SheetSource:
    """The rows of one worksheet, with merged values filled down and the row limit applied."""

    def __init__(self, books: Books, sheet: SheetPart, sink: ProblemSink) -> None:
        self.books, self.sink, self.title, self.part = books, sink, sheet.title, sheet.part
        xml = xlsxparts.read_member(books.archive, sheet.part, sheet.title)
        books.read_parts.add(sheet.part)
        self.merges = _Merges([])
        self.plain_rows: list[int] | None = None
        self.refused = not self._within_cell_limit(xml)
        namespace = None if self.refused else xlsxparts.foreign_namespace(xml)
        if namespace is not None:
            self.refused = True
            sink.add("bad-structure", sheet=self.title, detail=f"Bladet {self.title} i "
                     f"{sink.name} har sina rader i en annan XML-namnrymd ({namespace[:80]}) än "
                     "Excels, och kan därför inte läsas säkert. Spara om filen i Excel.")
        if self.refused:
            return
        ranges = xlsxparts.merged_ranges(xml, sheet.title, sink)
        self.refused = ranges is None  # too many merged ranges: not worth reading
        self.merges = _Merges(ranges or [])
        self.plain_rows = xlsxparts.plain_rows(xml) if USE_CALAMINE else None
        if self.plain_rows is None and not self.refused:
            refusal = books.openpyxl_refusal(sink.limits)
            if refusal is not None:
                self.refused = True
                sink.add("too-large", sheet=self.title, detail=f"Bladet {self.title} i "
                         f"{sink.name} har felvärden (som #N/A), formler utan sparat resultat "
                         f"eller en ovanlig uppbyggnad och måste läsas noggrant, men {refusal} "
                         "Rätta felvärdena och spara om filen i Excel, eller dela upp planen.")

    def _within_cell_limit(self, xml: bytes) -> bool:
        """Counted before any parser runs: a sheet's cells cost both readers time and memory
        (16,384 columns × 300 rows took 48 s), whatever the rows or the grid look like."""
        count, limit = xlsxparts.cell_count(xml), self.sink.limits.max_cells
        if count <= limit:
            return True
        self.sink.add("too-large", sheet=self.title, detail=f"Bladet {self.title} i "
                      f"{self.sink.name} har {count} celler; högst {limit} läses. Dela upp "
                      "planen på flera filer, ta bort tomma formaterade celler, eller höj "
                      "PLANCHECKER_MAX_CELLS.")
        return False

    def rows(self) -> Iterator[SheetRow]:
        limit, previous = self.sink.limits.max_rows, 0
        if self.refused:
            return
        parsed = self._careful() if self.plain_rows is None else self._fast(self.plain_rows)
        for row in parsed:
            if row.number <= previous or row.number > xlsxparts.EXCEL_LAST_ROW:
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

    def _fast(self, numbers: list[int]) -> Iterator[SheetRow]:
        if not numbers:
            return
        try:
            sheet = self.books.calamine().get_sheet_by_name(self.title)
            start = sheet.start
            grid = sheet.to_python(skip_empty_area=True) if start is not None else []
        except Unreadable:
            raise
        except Exception as exc:  # noqa: BLE001 - e.g. a shared string that does not exist
            raise Unreadable(f"bladet {self.title!r} kan inte tolkas") from exc
        first_row, first_column = (start[0] + 1, start[1] + 1) if start is not None else (0, 0)
        for number in numbers:
            at = number - first_row
            line = grid[at] if 0 <= at < len(grid) else ()
            # calamine reads an empty cell as ""; openpyxl leaves it out, and so do we
            yield SheetRow(number, {first_column + i: v for i, v in enumerate(line) if v != ""})

    def _careful(self) -> Iterator[SheetRow]:
        # Private openpyxl API, in this one place: the same parser and arguments as read-only
        # iter_rows uses, minus its gap filling.
        book = self.books.openpyxl()
        try:
            # the member `xlsxparts` found, whose name may differ in case from the relationship's
            # (openpyxl looks that up exactly, and leaves the sheet out when it is not there)
            with self.books.archive.open(self.part) as source:
                parser = _careful_parser(source, book.shared_strings, book)
                for number, parsed in parser.parse():
                    yield _sheet_row(number, parsed, parser.row_formulas)
                    parser.row_formulas = set()
                    parser.row_dimensions.clear()  # row formatting, kept per row otherwise
        except Exception as exc:  # noqa: BLE001 - only openpyxl's parsing is inside this try
            raise Unreadable(f"bladet {self.title!r} kan inte tolkas") from exc


def _careful_parser(source: Any, shared_strings: Any, book: Any) -> Any:
    """openpyxl's cell parser, also noting which cells of the current row hold a formula with no
    saved result: with data_only=True such a cell reads as empty, which would silently read as
    "no value" (files written by scripts, e.g. openpyxl or pandas, never hold results)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    class Parser(WorkSheetParser):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.row_formulas: set[int] = set()

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["value"] is None and _lacks_value(element):
                self.row_formulas.add(cell["column"])
            return cell

    return Parser(source, shared_strings, data_only=True, epoch=book.epoch,
                  date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)


def _lacks_value(cell: Any) -> bool:
    children = {child.tag.rpartition("}")[2]: child for child in cell}
    if "f" not in children or "is" in children:
        return False
    value = children.get("v")
    # An empty <v/> is an empty-string result only when the cell says it is a string.
    return value is None or (not value.text and cell.get("t") != "str")


def _sheet_row(number: int, parsed: list[dict[str, Any]], formulas: set[int]) -> SheetRow:
    row = SheetRow(number, {}, formulas)
    for cell in parsed:
        if cell["data_type"] == "e":
            row.errors[cell["column"]] = str(cell["value"])
        elif cell["value"] is not None:
            row.values[cell["column"]] = cell["value"]
    return row


class _Merges:
    """Fills a value merged down over rows into each row; knows how far a label is merged."""

    def __init__(self, ranges: list[xlsxparts.Bounds]) -> None:
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
