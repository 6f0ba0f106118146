"""The parts of an .xlsx archive that the sheet readers need, read as bytes before any parser sees
them: which part holds which worksheet, the merged ranges of a sheet, and whether a sheet is laid
out plainly enough for the fast reader (python-calamine).

calamine reads a sheet into a dense grid in one call, 10 × faster than openpyxl, but it has no
notion of a formula saved without its result or of an error value (both read as an empty cell,
silently), and its grid is as large as the span of the cell references: one cell in XFD1048576
would ask for 17 billion cells. So each sheet part is looked at here first, with byte searches
that cost ~160 ms on a 15 MB sheet, and anything unusual (a formula without its saved result,
error values, namespace prefixes, rows out of order, references beyond a modest grid) goes to the
careful reader (openpyxl's parser, row by row) instead. A false alarm only costs speed.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from planchecker.reading.problem_sink import ProblemSink, Unreadable
from planchecker.reading.sniffing import ZIP_ERRORS

EXCEL_LAST_ROW = 1_048_576
# cells calamine may allocate for one sheet (32 bytes each in Rust); XL plans use ~300,000
MAX_FAST_GRID = 4_000_000

_WORKSHEET_TYPE = "/worksheet"
_OFFICE_DOCUMENT_TYPE = "/officeDocument"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class SheetPart:
    """A worksheet as the workbook lists it: its title and the archive member that holds it."""

    title: str
    part: str


class _PartNames:
    """The archive's member names, looked up as OPC says part names compare: without regard to
    case (a workbook whose relationships say `worksheets/sheet1.xml` may hold
    `xl/Worksheets/Sheet1.xml`). A name that two members share but for case is looked up exactly.
    """

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.exact = set(archive.namelist())
        folded: dict[str, list[str]] = {}
        for name in self.exact:
            folded.setdefault(name.lower(), []).append(name)
        self.folded = {key: names[0] for key, names in folded.items() if len(names) == 1}

    def find(self, name: str) -> str | None:
        return name if name in self.exact else self.folded.get(name.lower())


def worksheet_parts(archive: zipfile.ZipFile) -> list[SheetPart]:
    """The worksheets in workbook order, hidden ones included; chart sheets are left out."""
    names = _PartNames(archive)
    book = _office_document(archive, names)
    relations = _relations(archive, names, book)
    root = _xml(archive, book)
    found: list[SheetPart] = []
    for element in root.iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        kind, target = relations.get(rid or "", ("", ""))
        part = names.find(target) if kind.endswith(_WORKSHEET_TYPE) else None
        if part is not None:
            found.append(SheetPart(element.get("name", ""), part))
    return found


def _office_document(archive: zipfile.ZipFile, names: _PartNames) -> str:
    for kind, target in _relations(archive, names, "").values():
        part = names.find(target) if kind.endswith(_OFFICE_DOCUMENT_TYPE) else None
        if part is not None:
            return part
    part = names.find("xl/workbook.xml")
    if part is not None:
        return part
    raise Unreadable("arbetsboken kan inte öppnas")


def _relations(archive: zipfile.ZipFile, names: _PartNames, source: str
               ) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, member name) for the part `source` ("" for the package)."""
    folder, base = posixpath.split(source)
    rels = names.find(posixpath.join(folder, "_rels", base + ".rels"))
    if rels is None:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for element in _xml(archive, rels).iter():
        target = element.get("Target", "")
        if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
            continue
        path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        found[element.get("Id", "")] = (element.get("Type", ""), posixpath.normpath(path))
    return found


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        return fromstring(archive.read(name), forbid_dtd=True)
    except (ParseError, DefusedXmlException, KeyError, *ZIP_ERRORS) as exc:
        raise Unreadable("arbetsboken kan inte öppnas") from exc


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


def read_member(archive: zipfile.ZipFile, name: str, title: str) -> bytes:
    """A member's bytes; zipfile stops at the declared size and checks the CRC, so a member
    that lies about its size is refused here rather than inflating without bound later."""
    try:
        return archive.read(name)
    except (KeyError, *ZIP_ERRORS) as exc:
        raise Unreadable(f"bladet {title!r} kan inte tolkas") from exc


def verify_members(archive: zipfile.ZipFile, done: set[str]) -> None:
    """Read every XML member not in `done` to its end, in chunks, keeping nothing.

    zipfile stops at a member's declared size and checks its CRC, so a member that lies about
    its size (the directory's sizes are what the bomb checks in `sniffing` trust) is refused
    here as a broken archive, the same for both readers, rather than left to the Rust zip crate
    inside calamine (which refused the one we tried, as "Cannot detect file format").
    """
    try:
        for info in archive.infolist():
            if info.filename in done or not info.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(info) as member:
                while member.read(_CHUNK):
                    pass
    except ZIP_ERRORS as exc:
        raise Unreadable("zip-arkivet är trasigt") from exc


def count_in_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, token: bytes) -> int:
    """How often `token` occurs in a member, read in chunks (a token split between two chunks is
    counted once, in the later one); a broken member is left to the reader to refuse."""
    count, tail = 0, b""
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                joined = tail + chunk
                count += joined.count(token)
                tail = joined[-(len(token) - 1):] if len(token) > 1 else b""
    except ZIP_ERRORS:
        pass
    return count


SPREADSHEET_NAMESPACE = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# ISO 29500 Strict's namespace: calamine reads such sheets, as it did before this check
_SHEET_NAMESPACES = (SPREADSHEET_NAMESPACE, b"http://purl.oclc.org/ooxml/spreadsheetml/main")
_DECLARATION = re.compile(rb"""\s{0,8}=\s{0,8}(["'])([^"'<>]{0,500})""")


def foreign_namespace(xml: bytes) -> str | None:
    """The namespace a default-namespace declaration (`xmlns="..."`) up to the end of the rows
    gives, when it is not SpreadsheetML's; else None. calamine reads rows by their local names
    and openpyxl by their full names, so rows in another namespace would be read by one reader
    and not by the other. Only prefixed namespaces (extensions) follow rows in real sheets.
    One pass of `find` over the bytes."""
    end = xml.rfind(b"sheetData>")  # the end of </sheetData>
    region = xml if end < 0 else xml[:end]
    at = region.find(b"xmlns")
    while at >= 0:
        match = _DECLARATION.match(region, at + len(b"xmlns"))
        if match is not None and match.group(2) not in _SHEET_NAMESPACES:
            return match.group(2).decode("utf-8", errors="replace")
        at = region.find(b"xmlns", at + len(b"xmlns"))
    return None


# --- merged ranges ------------------------------------------------------------------------------

_MERGE_REF = re.compile(rb"\bref\s{0,8}=\s{0,8}[\"']([A-Za-z0-9$:]{1,32})")
Bounds = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row
_TAG_SPACE = frozenset(b" \t\r\n")


def _merge_refs(xml: bytes) -> Iterator[bytes]:
    """The ref of each <mergeCell> element, in one pass over the bytes.

    A find loop rather than one regular expression: a pattern that runs from `<mergeCell` to the
    next `>` rescans the rest of the part for every start tag when there is no `>` (a comment
    full of `<mergeCell ` tokens, where `<` need not be escaped: 6 s for 100 kB, minutes for
    1 MB). Here each tag is read only up to its own `>`, and the search goes on from there, so
    every byte is looked at a bounded number of times.
    """
    at = xml.find(b"mergeCell")
    while at >= 0:
        end = at + len(b"mergeCell")
        if _tag_opens(xml, at) and end < len(xml) and xml[end] in _TAG_SPACE:
            close = xml.find(b">", end)
            tag = xml[end:close if close >= 0 else len(xml)]
            match = _MERGE_REF.search(tag)
            if match is not None:
                yield match.group(1)
            if close < 0:
                return
            end = close
        at = xml.find(b"mergeCell", end)


_PREFIX = re.compile(rb"[^<>\s]{0,32}:")


def _tag_opens(xml: bytes, at: int) -> bool:
    """Whether the name at `at` follows `<` or `<prefix:` (a prefix of at most 32 bytes)."""
    if xml[at - 1:at] == b"<":
        return True
    start = xml.rfind(b"<", max(0, at - 34), at)
    return start >= 0 and _PREFIX.fullmatch(xml, start + 1, at) is not None


def merged_ranges(xml: bytes, title: str, sink: ProblemSink) -> list[Bounds] | None:
    """Each merged range of the sheet; None, with a problem, when there are more than the limit.
    (A `<` in text is always escaped, so the search cannot hit text.)"""
    if b"mergeCell" not in xml:
        return []
    refs = set(_merge_refs(xml))
    if len(refs) > sink.limits.max_merged_ranges:
        sink.add("too-large", sheet=title, detail=f"Bladet {title} i {sink.name} har fler än "
                 f"{sink.limits.max_merged_ranges} sammanfogade cellområden.")
        return None
    return sorted(bounds for bounds in map(_bounds, refs) if bounds is not None)


_RANGE = re.compile(rb"\$?([A-Za-z]{1,3})\$?(\d{1,7}):\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def _bounds(ref: bytes) -> Bounds | None:
    """None for anything but a cell range ("B3:C3"): whole rows or columns are never merged."""
    match = _RANGE.fullmatch(ref)
    if match is None:
        return None
    first_col, first_row, last_col, last_row = match.groups()
    min_col, max_col = sorted((column_number(first_col), column_number(last_col)))
    min_row, max_row = sorted((int(first_row), int(last_row)))
    return min_col, min_row, max_col, max_row


# openpyxl.utils has these two, but importing it loads all of openpyxl (0.16 s), which the fast
# path otherwise never needs.
def column_number(letters: str | bytes) -> int:
    """1 for A, 27 for AA."""
    number = 0
    for char in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(char) - 64
    return number


def column_letter(number: int) -> str:
    """A for 1, AA for 27."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- is the sheet plain enough for calamine? ------------------------------------------------------

# Any of these sends the sheet to the careful reader: error values (t="e"), and prefixed elements,
# which calamine reads but the counts below would not see. Formulas are looked at one by one.
_UNUSUAL_TAGS = (b":f", b":c", b":row")
_TAG_ENDS = frozenset(b" \t\r\n>/")
_ERROR_VALUES = (b'"e"', b"'e'")
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([\w.-]+)""")
_ROW_NUMBER = re.compile(rb'<row r="(\d{1,7})"')
_CELL_WITHOUT_REFERENCE = re.compile(rb'<c(?:[\t\r\n>/]| (?!r="[A-Z]{1,3}\d{1,7}"))')
_WIDE_COLUMN = re.compile(rb'<c r="([A-Z]{2,3})\d')


def _tags(xml: bytes, start: bytes, begin: int = 0) -> Iterator[int]:
    """Where each element `start` ("<f") begins from `begin` on, skipping longer names
    ("<formula1>")."""
    at = xml.find(start, begin)
    while at >= 0:
        end = at + len(start)
        if end < len(xml) and xml[end] in _TAG_ENDS:
            yield at
        at = xml.find(start, end)


def _has_tag(xml: bytes, start: bytes) -> bool:
    return next(_tags(xml, start), None) is not None


_CELL_TYPE = re.compile(rb'\st="(\w+)"')


def _formulas_have_results(xml: bytes) -> bool:
    """Whether every formula cell holds its saved result, as Excel saves it; calamine reads
    that result, but reads a formula saved without one (by a script) as an empty cell.

    The careful reader's rule, on the bytes of each formula's cell: a result is a non-empty
    <v>, an empty <v/> in a cell of type "str" (an empty text result), or inline text <is>.

    Linear in the part: each cell (from the last `<c ` before its formula to the next `</c>`) is
    judged once, and cells never overlap; bytes that do not split into such cells (a comment
    full of `<f ` tokens, say) send the sheet to the careful reader. Searching each formula's
    cell afresh cost 15 s for a 100 kB comment, minutes for 1 MB.
    """
    cell_end = 0  # where the last judged cell ends; the next cell starts after it
    while (at := next(_tags(xml, b"<f", cell_end), -1)) >= 0:
        start, end = xml.rfind(b"<c ", cell_end, at), xml.find(b"</c>", at)
        if start < 0 or end < 0:
            return False
        cell_end = end  # any further <f in this cell is judged with it
        cell = xml[start:end]
        if b"<is>" in cell:
            continue
        value = cell.find(b"<v>")
        if value < 0:
            return False  # no <v>, or a form of it the careful reader should judge
        if cell.startswith(b"</v>", value + 3):
            kind = _CELL_TYPE.search(cell[:cell.find(b">")])
            if kind is None or kind.group(1) != b"str":
                return False
    return True


def _utf8(xml: bytes) -> bool:
    """The byte searches below read UTF-8 only; a UTF-16 part would look like a sheet without
    rows, so anything else goes to the careful reader, which decodes what the XML declares."""
    if b"\x00" in xml[:256]:
        return False
    declared = _ENCODING.match(xml[:256])
    return declared is None or declared.group(1).lower() in (b"utf-8", b"utf8")


def plain_rows(xml: bytes) -> list[int] | None:
    """The row numbers of a sheet written the way Excel, LibreOffice and openpyxl write one (each
    row and cell with its reference as first attribute, rows ascending, the grid of references
    at most MAX_FAST_GRID cells), or None when the sheet needs the careful reader."""
    if not _utf8(xml) or any(value in xml for value in _ERROR_VALUES) or any(
            _has_tag(xml, tag) for tag in _UNUSUAL_TAGS) or not _formulas_have_results(xml):
        return None
    numbers = [int(n) for n in _ROW_NUMBER.findall(xml)]
    if len(numbers) != xml.count(b"<row"):  # a row without r="" first (or a rare <rowBreaks>)
        return None
    if numbers != sorted(set(numbers)) or (numbers and numbers[-1] > EXCEL_LAST_ROW):
        return None  # the careful reader names the bad row number
    if _CELL_WITHOUT_REFERENCE.search(xml):
        return None
    if not numbers:
        return numbers
    width = max(map(column_number, set(_WIDE_COLUMN.findall(xml))), default=26)
    return numbers if _highest_row(xml, numbers[-1]) * width <= MAX_FAST_GRID else None


def _highest_row(xml: bytes, last_row: int) -> int:
    """The highest row any cell reference names: references may name rows other than their
    <row>'s, and calamine's grid spans them all. References are compared as digit strings of the
    longest length any has (strings of one length compare as their numbers do), so only the
    references of that length are collected; a search for each longer length goes first."""
    for digits in range(7, len(str(last_row)) - 1, -1):
        pattern = rb'<c r="[A-Z]{1,3}(\d{%d})"' % digits
        if re.search(pattern, xml):
            return max(last_row, int(max(re.findall(pattern, xml))))
    return last_row


_CELL_ENDS = (b" ", b"\t", b"\r", b"\n", b">", b"/")


def cell_count(xml: bytes) -> int:
    """How many cells (`<c` tags, prefixed or not) the sheet's XML holds, counted in C without
    parsing, so that a sheet over the cell limit costs no parser time. A `:c ` in text counts
    too: an overcount by what text holds, which only matters to a sheet built to be at the limit.
    """
    count = sum(xml.count(b"<c" + end) for end in _CELL_ENDS)
    if b":c" in xml:
        count += sum(xml.count(b":c" + end) for end in _CELL_ENDS)
    return count
