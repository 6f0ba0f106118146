"""Reading the sheets of a plan workbook: find each contract sheet, its header row, and turn every
cell under a known header into a plan field, reporting problems with sheet, Excel row and column.
The rows themselves come from `sheetrows` (which reader, merged cells, the row limit).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from planchecker.common.model import Plan
from planchecker.reading import cells, contract
from planchecker.reading.contract import Column, Sheet
from planchecker.reading.problem_sink import ProblemSink, TooManyProblems, Unreadable
from planchecker.reading.sheetrows import Books, SheetRow, SheetSource
from planchecker.reading.validation import Locator, column_for, field_name, validate
from planchecker.reading.xlsxparts import SheetPart, column_letter, worksheet_parts

_HEADER_SEARCH_ROWS = 20  # non-empty rows searched for the header: titles and notes go above it


def read_workbook(data: bytes, archive: zipfile.ZipFile, sink: ProblemSink) -> Plan | None:
    """The plan in a workbook whose archive has passed `sniffing.archive_is_safe`."""
    parts = worksheet_parts(archive)
    found = _match_sheets(parts, sink)
    books = Books(data, archive)
    try:
        _report_unknown_sheets([p for p in parts if contract.match_sheet(p.title) is None],
                               found, books, sink)
        if not found:
            if not sink.items:
                sink.add("empty-workbook")
            return None
        for sheet in contract.SHEETS:
            if sheet.required and sheet.name not in found:
                sink.add("missing-sheet", sheet=sheet.name)
        data_by_field: dict[str, Any] = {}
        for sheet in contract.SHEETS:
            if sheet.name in found:
                reader = _SheetReader(SheetSource(books, found[sheet.name], sink), sheet)
                data_by_field[sheet.plan_field] = (reader.read_form() if sheet.form
                                                   else reader.read_table())
    finally:
        books.close()
    if sink.items:
        return None
    titles = {sheet.plan_field: found[sheet.name].title for sheet in contract.SHEETS
              if sheet.name in found}
    return validate(data_by_field, sink, _excel_locator(data_by_field, titles))


def _match_sheets(parts: list[SheetPart], sink: ProblemSink) -> dict[str, SheetPart]:
    found: dict[str, SheetPart] = {}
    for part in parts:  # hidden and very hidden sheets too: their rows count
        sheet = contract.match_sheet(part.title)
        if sheet is None:
            continue
        if sheet.name in found:
            sink.add("bad-structure", sheet=part.title, detail=f"Bladen "
                     f"{found[sheet.name].title!r} och {part.title!r} betyder samma sak; "
                     "slå ihop dem eller ta bort det ena.")
        else:
            found[sheet.name] = part
    return found


# The template's own sheets: instructions, drop-down lists and the import's list of what to check
# (docimport.CHECK_SHEET), never plan content.
_TEMPLATE_SHEETS = frozenset(contract.header_key(name)
                             for name in ("Instruktioner", "Listor", "Att kontrollera"))


def _report_unknown_sheets(parts: list[SheetPart], found: dict[str, SheetPart], books: Books,
                           sink: ProblemSink) -> None:
    """A sheet the contract does not name is never passed over in silence when it looks like plan
    content. When it looks like a contract sheet the workbook lacks ("Aktiviteter 2027" and no
    "Aktiviteter"), the plan is not checked: it would be judged as if it had no such rows."""
    for part in parts:
        if contract.header_key(part.title) in _TEMPLATE_SHEETS:
            continue
        guess, content = _look_at(part, books, sink)
        if guess is not None and guess.name not in found:
            sink.add("unknown-sheet", sheet=part.title, title=part.title, suggestion=guess.name)
        elif guess is not None:
            sink.note("unread-sheet", sheet=part.title, title=part.title, read=guess.name)
        elif content:
            sink.note("unknown-sheet-content", sheet=part.title, title=part.title,
                      names=", ".join(s.name for s in contract.SHEETS))


def _look_at(part: SheetPart, books: Books, sink: ProblemSink) -> tuple[Sheet | None, bool]:
    """The contract sheet an unknown sheet looks like (by its header row, else by its name), and
    whether it has rows under a header row. Only its first rows are looked at."""
    by_name = contract.near_sheet(part.title)
    quiet = ProblemSink(sink.file, sink.limits)  # an extra sheet's own faults are not the plan's
    rows: list[SheetRow] = []
    try:
        source = SheetSource(books, part, quiet)
        if source.refused:  # too large to look at: said when it is read as a contract sheet
            return by_name, True
        for row in source.rows():
            if not row.is_empty():
                rows.append(row)
                if len(rows) > _HEADER_SEARCH_ROWS:
                    break
    except (Unreadable, TooManyProblems):
        return by_name, True
    for at, row in enumerate(rows):
        best, hits = None, 1
        for sheet in contract.SHEETS:
            named = {contract.match_column(sheet, v) for v in row.values.values()} - {None}
            if len(named) > hits:
                best, hits = sheet, len(named)
        if best is not None:
            return best, at + 1 < len(rows)
    return by_name, len(rows) >= 2


# --- cells -> plan fields -----------------------------------------------------------------------


class _SheetReader:
    """Reads one sheet in one pass, reporting problems with sheet, Excel row and column."""

    def __init__(self, source: SheetSource, sheet: Sheet) -> None:
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
        converters = {at: cells.converter(column) for at, column in columns.items()}
        for row in rows:
            item = self._item(row, columns, converters)
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
                self._cell(item, *found[column.field], column)
            elif column.required:
                self._add("missing-field", None, column, field=column.header)
        return item

    def _cell(self, item: dict[str, Any], row: SheetRow, at: int, column: Column) -> None:
        if self._unreadable(row, at, column):
            return
        value = row.values.get(at)
        if column.field == "name" and _is_placeholder(value):
            self._add("bad-value", row.number, column, at, detail=f"'{value}' är mallens "
                      "platshållare; skriv nämndens eller bolagets namn.")
        elif not cells.is_empty(value):
            self._put(item, row.number, at, column, value, cells.converter(column))
        elif column.required:
            self._add("missing-value", row.number, column, at)

    @staticmethod
    def _blank(row: SheetRow, at: int) -> bool:
        return cells.is_empty(row.values.get(at)) and at not in row.formulas

    def _find_header(self, rows: Iterator[SheetRow]) -> tuple[int, dict[int, Column]] | None:
        """The first row naming two known columns; rows above it (titles, notes) are skipped."""
        seen = 0
        for row in rows:
            if row.is_empty():
                continue
            columns = self._header_columns(row)
            if len(columns) >= 2:
                return row.number, columns
            seen += 1
            if seen >= _HEADER_SEARCH_ROWS:
                break
        for column in self.sheet.columns if seen else ():
            if column.required:
                self._add("missing-column", None, column)
        return None

    def _header_columns(self, row: SheetRow) -> dict[int, Column]:
        """The known columns of a header row. Two cells naming one field: the one naming it
        exactly wins ("Id" over "Nr"), else the leftmost, and the user is told of both."""
        by_field: dict[str, list[int]] = {}
        for at in sorted(row.values):
            column = contract.match_column(self.sheet, row.values[at])
            if column is not None:
                by_field.setdefault(column.field, []).append(at)
        columns: dict[int, Column] = {}
        for field_name, places in by_field.items():
            column = self.sheet.column(field_name)
            assert column is not None
            used = next((at for at in places if contract.is_exact_header(column, row.values[at])),
                        places[0])
            columns[used] = column
            if len(places) > 1 and len(by_field) >= 2:  # a header row, not a stray title
                other = next(at for at in places if at != used)
                first, second = sorted((used, other))
                self.sink.note("ambiguous-column", sheet=self.title, row=row.number,
                               column=column.header, first=cells.cell_text(row.values[first]),
                               first_letter=column_letter(first),
                               second=cells.cell_text(row.values[second]),
                               second_letter=column_letter(second),
                               used=cells.cell_text(row.values[used]))
        return dict(sorted(columns.items()))

    def _item(self, row: SheetRow, columns: dict[int, Column],
              converters: dict[int, Callable[[Any], Any]]) -> dict[str, Any] | None:
        values = row.values
        present = {}
        for at in columns:
            value = values.get(at)
            # a cell that starts with a letter or digit, the common case, is never empty
            if value is not None and (not isinstance(value, str) or value[:1].isalnum()
                                      or not cells.is_empty(value)):
                present[at] = value
        flagged = bool(row.formulas or row.errors) and any(
            at in row.formulas or at in row.errors for at in columns)
        if not present and not flagged:
            return None
        # a dict, not a Location: the plan's validation builds it in pydantic-core, 2.5 × faster
        item: dict[str, Any] = {"location": {"file": self.sink.file, "sheet": self.title,
                                             "row": row.number}}
        for at, column in columns.items():
            if flagged and self._unreadable(row, at, column):
                continue
            if at in present:
                self._put(item, row.number, at, column, present[at], converters[at])
            elif column.required:
                self._add("missing-value", row.number, column, at)
        return item

    def _put(self, item: dict[str, Any], number: int, at: int, column: Column, value: Any,
             convert: Callable[[Any], Any]) -> None:
        """Convert one non-empty cell into item[column.field], or report why it cannot be."""
        limit = self.sink.limits.max_text_length
        if isinstance(value, str) and len(value) > limit:
            self._add("bad-value", number, column, at, detail=f"Texten är {len(value)} "
                      f"tecken lång; högst {limit} tas emot.")
            return
        try:
            item[column.field] = convert(value)
        except cells.CellError as err:
            self._add(err.code, number, column, at, **err.values)

    def _unreadable(self, row: SheetRow, at: int, column: Column) -> bool:
        if at in row.formulas:
            self._add("formula-without-value", row.number, column, at)
        elif at in row.errors:
            self._add("bad-value", row.number, column, at, detail=f"Cellen visar felvärdet "
                      f"{row.errors[at]}; rätta formeln eller skriv in värdet.")
        else:
            return False
        return True

    def _check_duplicate(self, item: dict[str, Any], first_rows: dict[str, int],
                         columns: dict[int, Column]) -> None:
        if "id" not in item:
            return
        row = item["location"]["row"]
        first = first_rows.setdefault(item["id"], row)
        if first != row:
            at = next(a for a, c in columns.items() if c.field == "id")
            self._add("duplicate-id", row, columns[at], at, value=item["id"], first_row=first)

    def _add(self, code: str, row: int | None, column: Column, at: int | None = None,
             **values: Any) -> None:
        letter = None if at is None else column_letter(at)
        self.sink.add(code, sheet=self.title, row=row, column=column.header, letter=letter,
                      **values)


def _is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and contract.header_key(value) == contract.header_key(
        contract.PLACEHOLDER_NAME)


def _excel_locator(data: dict[str, Any], titles: dict[str, str]) -> Locator:
    def locate(loc: tuple[Any, ...]) -> dict[str, Any]:
        column = column_for(loc)
        where: dict[str, Any] = {"sheet": titles.get(str(loc[0])) if loc else None,
                                 "column": column.header if column else field_name(loc)}
        if len(loc) > 1 and isinstance(loc[1], int):
            where["row"] = data[loc[0]][loc[1]]["location"]["row"]
        return where

    return locate
