"""File -> Plan: the .xlsx, .json and .yaml readers.

`read_plan` never raises for bad input. It collects every problem in the file, each with a
Location, so a nämnd can fix its workbook in one round; a plan is returned only when there are
none. Hostile files (zip and XML bombs) are refused from the zip directory and the first bytes of
each part, before openpyxl parses anything.
"""

from __future__ import annotations

import io
import json
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from defusedxml.ElementTree import iterparse
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from pydantic import ValidationError

from planchecker import contract
from planchecker.contract import Column, Sheet
from planchecker.model import Location, Plan
from planchecker.problems import InputProblem, ReadResult

_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much a plan file may hold; more is refused as `too-large` or `hostile-content`."""

    max_file_size: int = 20 * _MB  # bytes on disk
    max_uncompressed: int = 200 * _MB  # sum of the zip members' unpacked sizes
    max_ratio: int = 100  # unpacked:packed, checked for members above ratio_min_size
    ratio_min_size: int = 1 * _MB
    max_members: int = 5_000  # parts in the zip archive
    max_rows: int = 100_000  # rows per sheet
    max_text_length: int = 32_767  # characters per cell or JSON/YAML string (Excel's own cap)
    max_nodes: int = 1_000_000  # values in a JSON/YAML document, YAML aliases counted expanded
    max_problems: int = 200  # problems reported before `too-many-problems`


def read_plan(path: Path, *, limits: Limits | None = None) -> ReadResult:
    """Read a plan from .xlsx/.xlsm, .json or .yaml; the plan is None when there are problems."""
    sink = _Problems(str(path), limits or Limits())
    plan: Plan | None = None
    try:
        plan = _read(path, sink)
    except _TooMany:
        pass
    except Exception as exc:  # noqa: BLE001 - our own bug must still end in a report
        sink.items.append(sink.problem("internal-error", detail=type(exc).__name__))
    return ReadResult(plan if not sink.items else None, sink.items)


class _TooMany(Exception):
    pass


class _Unreadable(Exception):
    """openpyxl or the zip layer failed on this file; the message is a Swedish detail."""


class _Problems:
    def __init__(self, file: str, limits: Limits) -> None:
        self.file = file
        self.limits = limits
        self.items: list[InputProblem] = []

    def problem(self, code: str, *, sheet: str | None = None, row: int | None = None,
                column: str | None = None, letter: str | None = None, **values: Any
                ) -> InputProblem:
        where = Location(file=self.file, sheet=sheet, row=row, column=column, letter=letter)
        return InputProblem(code, where, values)

    def add(self, code: str, **kwargs: Any) -> None:
        if len(self.items) >= self.limits.max_problems:
            self.items.append(self.problem("too-many-problems", limit=self.limits.max_problems))
            raise _TooMany
        self.items.append(self.problem(code, **kwargs))


# --- what kind of file is it ------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE file with these streams; their directory names are UTF-16LE.
_ENCRYPTED_STREAMS = tuple(n.encode("utf-16-le") for n in ("EncryptionInfo", "EncryptedPackage"))
_EXCEL = {".xlsx", ".xlsm", ".xls", ".xltx", ".xltm"}
_YAML_SUFFIXES = {".yaml", ".yml"}
_PLAIN_TEXT = {"json", "csv", "text"}  # what a .json/.yaml plan may look like when sniffed
_LOOKS_LIKE = {
    "html": "en webbsida (HTML)",
    "xml": "en XML-fil",
    "json": "JSON-text",
    "csv": "en CSV- eller textexport",
    "text": "en textfil",
}


def _read(path: Path, sink: _Problems) -> Plan | None:
    data = _load_bytes(path, sink)
    if data is None:
        return None
    kind, suffix = _sniff(data), path.suffix.lower()
    if kind == "zip":
        return _read_zip(data, sink)
    if kind in _PLAIN_TEXT and suffix in _YAML_SUFFIXES:
        return _read_document(data, _parse_yaml, sink)
    if kind in _PLAIN_TEXT and (suffix == ".json" or kind == "json" and suffix not in _EXCEL):
        return _read_document(data, _parse_json, sink)
    code, values = _refusal(kind, suffix, data)
    sink.add(code, **values)
    return None


def _refusal(kind: str, suffix: str, data: bytes) -> tuple[str, dict[str, Any]]:
    if kind == "ole":
        encrypted = any(name in data for name in _ENCRYPTED_STREAMS)
        return ("encrypted-workbook" if encrypted else "old-excel-format"), {}
    if kind == "empty":
        return "empty-file", {}
    if kind in _LOOKS_LIKE:
        return "text-disguised", {"what": _LOOKS_LIKE[kind]}
    if suffix in _EXCEL:
        return "not-a-workbook", {"detail": "okänt innehåll"}
    return "unsupported-format", {"suffix": suffix or "utan filändelse"}


def _load_bytes(path: Path, sink: _Problems) -> bytes | None:
    limit = sink.limits.max_file_size
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # never more than the limit, whatever stat said
    except OSError:
        sink.add("file-not-found")
        return None
    if len(data) > limit:
        sink.add("too-large", detail=f"Filen är större än {limit // _MB} MB.")
        return None
    return data


def _sniff(data: bytes) -> str:
    if not data.strip():
        return "empty"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export is UTF-16
        text = head.decode("utf-16", "ignore")
    elif b"\x00" in head:
        return "binary"
    else:
        text = head.decode("utf-8", "ignore")
    text = text.lstrip("\ufeff \t\r\n").lower()
    if text.startswith(("<!doctype", "<html")) or "<html" in text[:1024]:
        return "html"
    if text.startswith("<"):
        return "xml"
    if text.startswith(("{", "[")):
        return "json"
    return "csv" if _looks_like_csv(text) else "text"


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:6] if line.strip()][:5]
    return len(lines) >= 2 and any(
        len({line.count(sep) for line in lines}) == 1 and lines[0].count(sep) > 0
        for sep in ",;\t"
    )


# --- .xlsx: the zip layer -----------------------------------------------------------------------

_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
               RuntimeError)  # RuntimeError: a member with a zip password
_BROKEN_ZIP = "zip-arkivet är trasigt eller ofullständigt"
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def _read_zip(data: bytes, sink: _Problems) -> Plan | None:
    try:
        with _open_archive(data) as archive:
            if _refused(archive, sink):
                return None
            return _read_workbook(data, archive, sink)
    except _Unreadable as exc:
        sink.add("not-a-workbook", detail=str(exc))
        return None


def _open_archive(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise _Unreadable(_BROKEN_ZIP) from exc


def _refused(archive: zipfile.ZipFile, sink: _Problems) -> bool:
    try:
        if "mimetype" in archive.namelist():
            with archive.open("mimetype") as mimetype:
                if mimetype.read(100).startswith(_ODS_MIME):
                    sink.add("ods-workbook")
                    return True
        return not _archive_is_safe(archive, sink)
    except _ZIP_ERRORS as exc:
        raise _Unreadable(_BROKEN_ZIP) from exc


def _archive_is_safe(archive: zipfile.ZipFile, sink: _Problems) -> bool:
    # zipfile never unpacks more than a member's declared size, so the directory can be trusted.
    limits, before = sink.limits, len(sink.items)
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        sink.add("hostile-content", detail=f"Arkivet har {len(infos)} delar; högst "
                 f"{limits.max_members} tas emot.")
        return False
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed:
        sink.add("too-large", detail=f"Arbetsboken är {total // _MB} MB uppackad; högst "
                 f"{limits.max_uncompressed // _MB} MB tas emot.")
        return False
    for info in infos:
        _check_member(archive, info, sink)
    return len(sink.items) == before


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sink: _Problems) -> None:
    limits = sink.limits
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.ratio_min_size and ratio > limits.max_ratio:
        sink.add("hostile-content", detail=f"Delen {info.filename} är packad {ratio:.0f}:1, "
                 "vilket tyder på en zip-bomb.")
    elif not info.is_dir():  # every part: an OPC part name need not end in .xml
        with archive.open(info) as part:
            if _DTD.search(part.read(4096)):
                sink.add("hostile-content", detail=f"Delen {info.filename} innehåller en "
                         "DTD (<!DOCTYPE eller <!ENTITY), som inte tillåts i en arbetsbok.")


# --- .xlsx: sheets ------------------------------------------------------------------------------


def _read_workbook(data: bytes, archive: zipfile.ZipFile, sink: _Problems) -> Plan | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it drops
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl fails in many ways on a broken file
            raise _Unreadable("arbetsboken kan inte öppnas") from exc
        try:
            return _read_sheets(book, archive, sink)
        finally:
            book.close()


def _read_sheets(book: Any, archive: zipfile.ZipFile, sink: _Problems) -> Plan | None:
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
            worksheet = found[sheet.name]
            # the part openpyxl itself reads for this sheet; private, but the one true mapping
            formulas = _formula_cells(archive, getattr(worksheet, "_worksheet_path", ""))
            reader = _SheetReader(worksheet, sheet, formulas, sink)
            data[sheet.plan_field] = reader.read_form() if sheet.form else reader.read_table()
    if sink.items:
        return None
    titles = {sheet.plan_field: found[sheet.name].title for sheet in contract.SHEETS
              if sheet.name in found}
    return _validate(data, sink, _excel_locator(data, titles))


def _match_sheets(book: Any, sink: _Problems) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for worksheet in book.worksheets:
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


def _rows(worksheet: Any) -> Iterator[tuple[Any, ...]]:
    try:
        # Excel may claim A1:XFD1048576; without a reset openpyxl pads every row to that size.
        worksheet.reset_dimensions()
        yield from worksheet.iter_rows(values_only=True)
    except Exception as exc:  # noqa: BLE001 - only openpyxl's iteration is inside this try
        raise _Unreadable(f"bladet {worksheet.title!r} kan inte tolkas") from exc


_HEADER_SEARCH_ROWS = 20


class _SheetReader:
    """Reads one sheet in one pass, reporting problems with sheet, Excel row and column."""

    def __init__(self, worksheet: Any, sheet: Sheet, formulas: set[tuple[int, int]],
                 sink: _Problems) -> None:
        self.worksheet, self.sheet, self.formulas, self.sink = worksheet, sheet, formulas, sink
        self.title: str = worksheet.title

    def read_table(self) -> list[dict[str, Any]]:
        rows = self._numbered_rows()
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
        for number, values in rows:
            item = self._item(number, values, columns)
            if item is not None:
                self._check_duplicate(item, first_rows, columns)
                items.append(item)
        return items

    def read_form(self) -> dict[str, Any]:
        """The Nämnd sheet: a label cell (any column) with its value in the cell to its right."""
        cells: dict[str, tuple[int, int, Any]] = {}
        for number, values in self._numbered_rows():
            label = next((i for i, v in enumerate(values) if not contract.is_empty(v)), -1)
            column = contract.match_column(self.sheet, values[label]) if label >= 0 else None
            if column is None:
                continue
            value = values[label + 1] if label + 1 < len(values) else None
            previous = cells.get(column.field)
            if previous is None or contract.is_empty(previous[2]):  # a title "Nämnd" above
                cells[column.field] = (number, label + 1, value)
        item: dict[str, Any] = {}
        for column in self.sheet.columns:
            if column.field not in cells:
                if column.required:
                    self._add("missing-field", None, column, field=column.header)
                continue
            number, index, value = cells[column.field]
            self._put(item, number, index, column, value)
        return item

    def _numbered_rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        limit = self.sink.limits.max_rows
        for number, values in enumerate(_rows(self.worksheet), start=1):
            if number > limit and any(not contract.is_empty(v) for v in values):
                self.sink.add("too-large", sheet=self.title, row=number,
                              detail=f"Bladet {self.title} har fler än {limit} rader.")
                return
            yield number, values

    def _find_header(self, rows: Iterator[tuple[int, tuple[Any, ...]]]
                     ) -> tuple[int, dict[int, Column]] | None:
        """The first row naming two known columns; rows above it (titles, notes) are skipped."""
        seen = 0
        for number, values in rows:
            if all(contract.is_empty(v) for v in values):
                continue
            columns: dict[int, Column] = {}
            for index, value in enumerate(values):
                column = contract.match_column(self.sheet, value)
                if column is not None and column not in columns.values():
                    columns[index] = column
            if len(columns) >= 2:
                return number, columns
            seen += 1
            if seen >= _HEADER_SEARCH_ROWS:
                break
        for column in self.sheet.columns if seen else ():
            if column.required:
                self._add("missing-column", None, column)
        return None

    def _item(self, number: int, values: tuple[Any, ...], columns: dict[int, Column]
              ) -> dict[str, Any] | None:
        cells = [(i, c, values[i] if i < len(values) else None) for i, c in columns.items()]
        if all(contract.is_empty(v) and (number, i + 1) not in self.formulas for i, _, v in cells):
            return None
        # constructed without validation: 30,000 rows, and the values are ours
        where = Location.model_construct(file=self.sink.file, sheet=self.title, row=number)
        item: dict[str, Any] = {"location": where}
        for index, column, value in cells:
            self._put(item, number, index, column, value)
        return item

    def _put(self, item: dict[str, Any], number: int, index: int, column: Column,
             value: Any) -> None:
        """Convert one cell into item[column.field], or report why it cannot be."""
        if (number, index + 1) in self.formulas:
            self._add("formula-without-value", number, column, index)
        elif contract.is_empty(value):
            if column.required:
                self._add("missing-value", number, column, index)
        elif isinstance(value, str) and len(value) > self.sink.limits.max_text_length:
            self._add("bad-value", number, column, index, detail=f"Texten är {len(value)} "
                      f"tecken lång; högst {self.sink.limits.max_text_length} tas emot.")
        else:
            try:
                item[column.field] = contract.convert(column, value)
            except contract.CellError as err:
                self._add(err.code, number, column, index, **err.values)

    def _check_duplicate(self, item: dict[str, Any], first_rows: dict[str, int],
                         columns: dict[int, Column]) -> None:
        if "id" not in item:
            return
        row = item["location"].row
        first = first_rows.setdefault(item["id"], row)
        if first != row:
            index = next(i for i, c in columns.items() if c.field == "id")
            self._add("duplicate-id", row, columns[index], index, value=item["id"],
                      first_row=first)

    def _add(self, code: str, row: int | None, column: Column, index: int | None = None,
             **values: Any) -> None:
        letter = None if index is None else get_column_letter(index + 1)
        self.sink.add(code, sheet=self.title, row=row, column=column.header, letter=letter,
                      **values)


# --- .xlsx: formulas saved without a result ------------------------------------------------------

_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _formula_cells(archive: zipfile.ZipFile, part: str) -> set[tuple[int, int]]:
    """(row, column) of cells with a formula but no saved result.

    With data_only=True openpyxl shows such a cell as empty, which would silently read as "no
    value"; files written by scripts (openpyxl, pandas) never hold results.
    """
    if not part or not _mentions_formula(archive, part):
        return set()
    cells: set[tuple[int, int]] = set()
    row = column = 0
    try:
        with archive.open(part) as source:
            for event, element in iterparse(source, events=("start", "end")):
                name = element.tag.rpartition("}")[2]
                if event == "start" and name == "row":
                    row, column = int(float(element.get("r", row + 1))), 0
                elif event == "end" and name == "c":
                    ref = element.get("r")
                    row, column = coordinate_to_tuple(ref) if ref else (row, column + 1)
                    if _lacks_value(element):
                        cells.add((row, column))
                    element.clear()
    except Exception as exc:  # noqa: BLE001 - a broken sheet part; openpyxl would fail too
        raise _Unreadable("ett blad kan inte tolkas") from exc
    return cells


def _mentions_formula(archive: zipfile.ZipFile, part: str) -> bool:
    tail = b""
    with archive.open(part) as source:
        while chunk := source.read(_MB):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _lacks_value(cell: Any) -> bool:
    children = {child.tag.rpartition("}")[2]: child for child in cell}
    if "f" not in children or "is" in children:
        return False
    value = children.get("v")
    # An empty <v/> is an empty-string result only when the cell says it is a string.
    return value is None or (not value.text and cell.get("t") != "str")


# --- .json and .yaml --------------------------------------------------------------------------

_NOTHING = object()
_LISTS = tuple(sheet.plan_field for sheet in contract.SHEETS if not sheet.form)
_WITH_IDS = tuple(sheet.plan_field for sheet in contract.SHEETS if sheet.column("id"))
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_document(data: bytes, parse: Callable[[str, _Problems], Any], sink: _Problems
                   ) -> Plan | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        sink.add("bad-syntax", detail="filen är inte kodad i UTF-8")
        return None
    document = parse(text, sink)
    if document is _NOTHING or not _document_within_limits(document, sink):
        return None
    if not isinstance(document, dict):
        sink.add("bad-structure", detail="Planen ska vara ett objekt med nycklarna namnd, goals, "
                 "indicators, activities, risks, documents och waivers.")
        return None
    for name in _LISTS:
        items = document.get(name)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                item["location"] = Location(file=sink.file, sheet=name, row=index + 1)
    duplicates = _report_duplicates(document, sink)
    return _validate(document, sink, _document_locator, skip_root=duplicates)


def _parse_json(text: str, sink: _Problems) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"rad {exc.lineno}, tecken {exc.colno}"
        sink.add("bad-syntax", detail=f"JSON-fel på {where} ({exc.msg})")
    except RecursionError:
        sink.add("bad-syntax", detail="JSON-texten är för djupt nästlad")
    return _NOTHING


def _parse_yaml(text: str, sink: _Problems) -> Any:
    try:
        return yaml.load(text, Loader=_YAML_LOADER)  # a safe loader: plain data only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" på rad {mark.line + 1}, tecken {mark.column + 1}" if mark else ""
        sink.add("bad-syntax", detail=f"YAML-fel{where} ({exc.problem})")
    except (yaml.YAMLError, RecursionError):
        sink.add("bad-syntax", detail="YAML-texten kan inte tolkas")
    return _NOTHING


def _document_within_limits(document: Any, sink: _Problems) -> bool:
    """Count values with YAML aliases expanded, which is what stops a billion-laughs document."""
    limits, stack, count = sink.limits, [document], 0
    too_long = 0
    while stack:
        node = stack.pop()
        count += 1
        if count > limits.max_nodes:
            sink.add("hostile-content", detail=f"Filen innehåller fler än {limits.max_nodes} "
                     "värden (eller YAML-alias som mångfaldigar innehållet).")
            return False
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and len(node) > limits.max_text_length:
            too_long = max(too_long, len(node))
    if too_long:
        sink.add("bad-value", detail=f"En text är {too_long} tecken lång; högst "
                 f"{limits.max_text_length} tas emot.")
    return not too_long


def _report_duplicates(document: dict[str, Any], sink: _Problems) -> bool:
    found = False
    for name in _WITH_IDS:
        first: dict[str, int] = {}
        items = document.get(name)
        for row, item in enumerate(items if isinstance(items, list) else [], start=1):
            if isinstance(item, dict) and item.get("id") is not None:
                key = contract.cell_text(item["id"])
                if first.setdefault(key, row) != row:
                    sink.add("duplicate-id", sheet=name, row=row, column="id", value=key,
                             first_row=first[key])
                    found = True
    return found


def _document_locator(loc: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "sheet": str(loc[0]) if loc else None,
        "row": loc[1] + 1 if len(loc) > 1 and isinstance(loc[1], int) else None,
        "column": _field_name(loc),
    }


# --- pydantic errors -> problems ------------------------------------------------------------------


def _excel_locator(data: dict[str, Any], titles: dict[str, str]
                   ) -> Callable[[tuple[Any, ...]], dict[str, Any]]:
    def locate(loc: tuple[Any, ...]) -> dict[str, Any]:
        column = _column(loc)
        where: dict[str, Any] = {"sheet": titles.get(str(loc[0])) if loc else None,
                                 "column": column.header if column else _field_name(loc)}
        if len(loc) > 1 and isinstance(loc[1], int):
            where["row"] = data[loc[0]][loc[1]]["location"].row
        return where

    return locate


def _validate(data: dict[str, Any], sink: _Problems,
              locate: Callable[[tuple[Any, ...]], dict[str, Any]], skip_root: bool = False
              ) -> Plan | None:
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if loc or not skip_root:  # the model's own duplicate check, already reported
                code, values = _problem_for(error, loc)
                sink.add(code, **locate(loc), **values)
        return None


def _field_name(loc: tuple[Any, ...]) -> str | None:
    return next((str(part) for part in loc[1:] if isinstance(part, str)), None)


def _column(loc: tuple[Any, ...]) -> Column | None:
    sheet = contract.sheet_for(str(loc[0])) if loc else None
    name = _field_name(loc)
    return sheet.column(name) if sheet and name else None


_KIND_NAMES = {"string": "text", "list": "en lista", "dict": "ett objekt", "model": "ett objekt",
               "bool": "true eller false", "int": "ett heltal", "date": "ett datum"}


def _problem_for(error: Any, loc: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
    kind, value, ctx = error["type"], _short(error.get("input")), error.get("ctx") or {}
    column = _column(loc)
    if kind == "missing":
        return "missing-field", {"field": _field_name(loc) or str(loc[-1] if loc else "")}
    if kind == "string_too_short":
        return "missing-value", {}
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = column.bounds if column and column.bounds else (ctx.get("ge"), ctx.get("le"))
        return "out-of-range", {"value": value, "low": low, "high": high}
    if kind.startswith("int_"):
        return "bad-number", {"value": value}
    if kind.startswith("date_"):
        return "bad-date", {"value": value}
    if kind == "enum":
        allowed = ", ".join(column.choices) if column else str(ctx.get("expected", ""))
        return "bad-choice", {"value": value, "allowed": allowed}
    if kind == "extra_forbidden":
        return "bad-structure", {"detail": f"Okänd uppgift {str(loc[-1]) if loc else ''!r}."}
    return "bad-value", {"detail": _detail(kind, value, ctx)}


def _detail(kind: str, value: Any, ctx: dict[str, Any]) -> str:
    if kind == "value_error":
        return str(ctx.get("error", "ogiltigt värde"))
    if kind == "string_too_long":
        return f"Texten är längre än {ctx.get('max_length')} tecken."
    expected = _KIND_NAMES.get(kind.partition("_")[0])
    if expected:
        return f"Fel sorts värde; här ska stå {expected}."
    return f"Värdet {value!r} godtas inte här."


def _short(value: Any) -> Any:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return value if not isinstance(value, str) or len(value) <= 80 else value[:77] + "..."
    return type(value).__name__ if isinstance(value, dict | list) else str(value)[:80]
