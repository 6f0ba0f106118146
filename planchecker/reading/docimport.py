"""A published plan document (.docx, .pdf, .html) → the plan model, and the pre-filled template.

The pipeline: bytes → blocks (`docreaders`, one thin reader per format) → items linked to their
mål (`docstructure`, format-independent) → `Plan` with ids and each row's place in the document.
`check` uses the plan directly; `planchecker import` writes it into the Excel template with a
column "Plats i dokumentet" and a sheet listing what was guessed or left out, for the planner to
correct before the plan is checked or sent.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from planchecker.common.model import (Activity, Goal, Indicator, Location, Namnd, NamndType, Plan, Risk,
                               parse_namnd_type)
from planchecker.reading import cells
from planchecker.reading.docblocks import Block
from planchecker.reading.docreaders import DocumentError, docx_blocks, html_blocks, pdf_blocks
from planchecker.reading.docstructure import KIND_LABELS, Inferred, Note, infer
from planchecker.reading.limits import megabytes
from planchecker.reading.problem_sink import ProblemSink

CHECK_SHEET = "Att kontrollera"
PLACE_HEADER = "Plats i dokumentet"
NO_GOALS = ("Inga mål hittades i dokumentet, bara aktiviteter, indikatorer eller risker. "
            "Finns nämndens mål i ett annat avsnitt eller dokument, skriv in dem på bladet Mål "
            "och koppla raderna till dem; annars visar kontrollen att mål saknas.")
_FORMATS = {"docx": "ett Word-dokument", "pdf": "en PDF-fil", "html": "en webbsida"}


@dataclass(frozen=True)
class NamndHints:
    """Name, type and year given on the command line: they win over what the document says
    (the planner knows; the title may be read wrongly), and fill in what it does not say."""

    name: str | None = None
    type: str | None = None
    year: int | None = None


@dataclass
class Imported:
    """A document read into a plan: the plan, what was inferred, and where each row stood."""

    plan: Plan
    inferred: Inferred
    format: str
    places: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, id) -> place

    def notice(self) -> str:
        """The line a report opens with: the structure was inferred, and what was found."""
        counts = self.inferred.counts()
        found = ", ".join(f"{counts[kind]} {word}" for kind, word in KIND_LABELS.items())
        notes = len(self.inferred.notes)
        no_goals = " Inga mål hittades i dokumentet." if not counts["goal"] else ""
        return (f"Planens struktur har tolkats ur {_FORMATS[self.format]}, inte ur en ifylld "
                f"mall: {found}.{no_goals} {rows(notes)} att kontrollera; den förifyllda mallen "
                "(planchecker import, eller nedladdningen i webbtjänsten) visar var varje rad "
                "stod i dokumentet.")


def rows(count: int) -> str:
    return f"{count} rad" if count == 1 else f"{count} rader"


def document_kind(kind: str, suffix: str, archive_names: set[str] | None = None) -> str | None:
    """"docx", "pdf" or "html" when a sniffed file is a plan document; else None."""
    if kind == "zip" and archive_names is not None and "word/document.xml" in archive_names:
        return "docx"
    if kind == "en PDF-fil":
        return "pdf"
    if kind == "html" and suffix in (".html", ".htm", ".xhtml"):
        return "html"
    return None


def read_blocks(data: bytes, doc_format: str, sink: ProblemSink) -> list[Block] | None:
    """The document's blocks, or None with the reason in `sink`."""
    limits = sink.limits
    try:
        if doc_format == "docx":
            return docx_blocks(data)
        if doc_format == "pdf":
            if not pdf_is_safe(data, sink):
                return None
            return pdf_blocks(data, limits.max_pages)
        if len(data) > limits.max_html_size:
            sink.add("too-large", detail=f"Webbsidan {sink.name} är {megabytes(len(data))}; högst "
                     f"{megabytes(limits.max_html_size)} läses.")
            return None
        return html_blocks(data, limits.max_nesting)
    except DocumentError as exc:
        sink.add(exc.code, detail=f"{sink.name}: {exc.detail}")
    except RecursionError:
        sink.add("hostile-content", detail=f"{sink.name} är för djupt nästlad för att läsas.")
    return None


def import_blocks(blocks: list[Block], doc_format: str, sink: ProblemSink,
                  hints: NamndHints = NamndHints()) -> Imported | None:
    """The plan in `blocks`; None with a Swedish question in `sink` when it cannot be built."""
    inferred = infer(blocks)
    if not inferred.items:
        sink.add("no-plan-structure", detail=f"I {sink.name} hittades inga mål (rubriker eller "
                 "listor som börjar med Mål, Nämndmål, KF-mål, Verksamhetsmål eller "
                 "Inriktningsmål, eller listor under en rubrik som Nämndens mål eller "
                 "Fokusområden), inga aktiviteter eller uppdrag (listor under en rubrik som "
                 "Aktiviteter, Uppdrag eller Åtgärder) och ingen RSA-tabell (Risk, "
                 "Sannolikhet, Konsekvens).")
        return None
    if not any(item.kind == "goal" for item in inferred.items):
        # a plan section with aktiviteter and no mål is still a plan: the check reports the
        # missing mål, which is the true verdict; the planner is told here too
        inferred.notes.insert(0, Note("hela dokumentet", "", NO_GOALS))
    namnd = _namnd(inferred, hints, sink)
    if namnd is None:
        return None
    return _build(inferred, namnd, doc_format, sink.file)


def read_document_plan(data: bytes, doc_format: str, sink: ProblemSink,
                       hints: NamndHints = NamndHints()) -> Imported | None:
    blocks = read_blocks(data, doc_format, sink)
    if blocks is None:
        return None
    if len(blocks) > sink.limits.max_rows:
        sink.add("too-large", detail=f"{sink.name} har {len(blocks)} stycken; högst "
                 f"{sink.limits.max_rows} läses.")
        return None
    return import_blocks(blocks, doc_format, sink, hints)


def _namnd(inferred: Inferred, hints: NamndHints, sink: ProblemSink) -> Namnd | None:
    name = hints.name or inferred.name
    namnd_type: NamndType | None = inferred.namnd_type
    if hints.type:
        namnd_type = parse_namnd_type(hints.type) or namnd_type
    year = hints.year or inferred.year
    missing = []
    if not name:
        missing.append("vilken nämnd eller vilket bolag planen gäller (ange --namnd \"Namn\")")
    if namnd_type is None:
        missing.append("vilken sorts nämnd det är (ange --typ stadsdelsnämnd, facknämnd, "
                       "bolagsstyrelse eller kommunstyrelse)")
    if year is None:
        missing.append("vilket år planen gäller (ange --ar ÅÅÅÅ)")
    if missing:
        sink.add("document-question", detail=f"Dokumentet säger inte {' eller '.join(missing)}.")
        return None
    assert name is not None and namnd_type is not None and year is not None
    return Namnd(name=cells.clean_text(name)[:200], type=namnd_type, year=year)


def _build(inferred: Inferred, namnd: Namnd, doc_format: str, file: str) -> Imported:
    goals: list[Goal] = []
    indicators: list[Indicator] = []
    activities: list[Activity] = []
    risks: list[Risk] = []
    places: dict[tuple[str, str], str] = {}
    ids: dict[int, str] = {}
    risk_ids: set[str] = set()
    for index, item in enumerate(inferred.items):
        if item.kind == "risk":
            ids[index] = _unique(_risk_id(item, f"R{len(risk_ids) + 1}", inferred.notes),
                                 risk_ids)
    for index, item in enumerate(inferred.items):
        text = cells.clean_text(item.text)[:32_767]
        where = Location(file=file, sheet=None, row=None)
        parent = ids.get(item.parent) if item.parent is not None else None
        if item.kind == "goal":
            ids[index] = f"M{len(goals) + 1}"
            goals.append(Goal(id=ids[index], text=text, level=item.level, parent=parent,
                              location=where))
            places[("Mål", ids[index])] = item.place
        elif item.kind == "indicator":
            ids[index] = f"I{len(indicators) + 1}"
            indicators.append(Indicator(id=ids[index], goal_id=parent, text=text,
                                        target=item.target, location=where))
            places[("Indikatorer", ids[index])] = item.place
        elif item.kind == "activity":
            ids[index] = f"A{len(activities) + 1}"
            # "?risk": the Åtgärd of the RSA row just before, kept only if that risk is
            refs = [ids[index - 1] if ref == "?risk" else ref for ref in item.risk_refs
                    if ref != "?risk" or _complete(inferred.items[index - 1])]
            activities.append(Activity(id=ids[index], goal_id=parent, text=text,
                                       responsible=item.responsible, risk_ids=refs,
                                       location=where))
            places[("Aktiviteter", ids[index])] = item.place
        elif item.probability is not None and item.consequence is not None:
            risks.append(Risk(id=ids[index], text=text, function=item.function,
                              probability=item.probability, consequence=item.consequence,
                              measure=item.measure, location=where))
            places[("RSA", ids[index])] = item.place
    plan = Plan(namnd=namnd, goals=goals, indicators=indicators, activities=activities,
                risks=risks)
    return Imported(plan, inferred, doc_format, places)


def _complete(item: Any) -> bool:
    return bool(item.probability is not None and item.consequence is not None)


_MAX_ID = 200  # the plan model's longest id


def _risk_id(item: Any, generated: str, notes: list[Note]) -> str:
    """The id cell of an RSA row when it can be an id (1–200 characters once cleaned); else
    the generated id, with a note when the document gave one that could not be used."""
    given = cells.clean_text(item.risk_id or "").strip()
    if 1 <= len(given) <= _MAX_ID:
        return given
    if item.risk_id:
        notes.append(Note(item.place, item.text, f"Riskens id i dokumentet är "
                          f"{'tomt' if not given else f'längre än {_MAX_ID} tecken'} och "
                          f"användes inte; risken fick id {generated}. Kontrollera id:t."))
    return generated


def _unique(wanted: str, taken: set[str]) -> str:
    candidate, number = wanted, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate, number = wanted[:_MAX_ID - len(suffix)] + suffix, number + 1
    taken.add(candidate)
    return candidate


# --- the pre-filled template ---------------------------------------------------------------------


def imported_workbook(imported: Imported) -> bytes:
    """The Excel template filled with the imported plan, each row's place beside it, and a sheet
    listing what to check."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from planchecker.reading.template import deterministic_xlsx, write_plan_xlsx

    book = load_workbook(io.BytesIO(write_plan_xlsx(imported.plan)))
    for sheet_name in ("Mål", "Indikatorer", "Aktiviteter", "RSA"):
        sheet = book[sheet_name]
        column = sheet.max_column + 1
        header = sheet.cell(row=1, column=column, value=PLACE_HEADER)
        header.font = Font(bold=True)
        sheet.column_dimensions[header.column_letter].width = 24
        for row in range(2, sheet.max_row + 1):
            item_id = sheet.cell(row=row, column=1).value
            place = imported.places.get((sheet_name, str(item_id)))
            if place:
                sheet.cell(row=row, column=column, value=place)
    notes = book.create_sheet(CHECK_SHEET, 1)
    notes.append(["Plats i dokumentet", "Text", "Att kontrollera"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABC", (24, 70, 70), strict=True):
        notes.column_dimensions[letter].width = width
    for note in _all_notes(imported):
        notes.append([note.place, note.text[:2000], note.reason])
        text_cell = notes.cell(row=notes.max_row, column=2)
        if note.text.startswith(("=", "+", "-", "@")):  # a text, never a formula
            text_cell.value, text_cell.data_type, text_cell.quotePrefix = note.text[:2000], "s", True
    buffer = io.BytesIO()
    book.save(buffer)
    return deterministic_xlsx(buffer.getvalue())


def _all_notes(imported: Imported) -> list[Note]:
    notes = list(imported.inferred.notes)
    notes.insert(0, Note("hela dokumentet", "", "Strukturen är tolkad ur dokumentet. Kontrollera "
                         "mål, kopplingar (Mål-id), fokusområden, datum och status innan planen "
                         "skickas; start, slut och status står sällan i en publicerad plan."))
    return notes


# --- PDF bombs ----------------------------------------------------------------------------------

_OBJ = re.compile(rb"\d{1,10}\s+\d{1,5}\s+obj\b")


def pdf_is_safe(data: bytes, sink: ProblemSink) -> bool:
    """Counts objects and unpacks every stream with a cap before pdfminer sees the file.

    pdfminer unpacks a FlateDecode stream whole, without a bound, so a 20 MB file could become
    gigabytes; here each stream is unpacked incrementally and the sum is held to the same limit
    as a workbook's unpacked size.
    """
    limits = sink.limits
    objects = sum(1 for _ in _OBJ.finditer(data))
    if objects > limits.max_pdf_objects:
        sink.add("hostile-content", detail=f"{sink.name} har {objects} PDF-objekt; högst "
                 f"{limits.max_pdf_objects} läses.")
        return False
    total, position = 0, 0
    while True:
        start = data.find(b"stream", position)
        if start < 0:
            break
        body = start + 6
        if data[body:body + 2] == b"\r\n":
            body += 2
        elif data[body:body + 1] in (b"\n", b"\r"):
            body += 1
        else:
            position = body
            continue
        end = data.find(b"endstream", body)
        if end < 0:
            break
        filters = _stream_filters(data[max(0, start - 4096):start])
        decoded = _ascii_layers_decoded(data[body:end], filters)
        if decoded is None:
            sink.add("hostile-content", detail=f"{sink.name} har en PDF-ström med filterkedjan "
                     f"{' '.join(name.decode('latin-1') for name in filters)[:200]}, som inte "
                     "läses (bara ASCII-lager följda av FlateDecode, LZWDecode eller "
                     "RunLengthDecode). Spara om PDF-filen och försök igen.")
            return False
        chunk, last = decoded
        measure = _lzw_size if last in _LZW else _run_length_size if last in _RUN_LENGTH \
            else _inflated_size
        total += measure(chunk, limits.max_uncompressed - total)
        if total > limits.max_uncompressed:
            sink.add("hostile-content", detail=f"{sink.name} packas upp till mer än "
                     f"{megabytes(limits.max_uncompressed)}, vilket tyder på en PDF-bomb. "
                     "Filen läses inte.")
            return False
        position = end + 9
    return True


_FILTER = re.compile(rb"/Filter\s*(\[[^\]]{0,400}\]|/[A-Za-z0-9]{1,40})")
_NAME = re.compile(rb"/([A-Za-z0-9]{1,40})")
_ASCII_FILTERS = {b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"}
_FLATE = {b"FlateDecode", b"Fl"}
_LZW = {b"LZWDecode", b"LZW"}
_RUN_LENGTH = {b"RunLengthDecode", b"RL"}
_MEASURED = _FLATE | _LZW | _RUN_LENGTH


def _stream_filters(before: bytes) -> list[bytes]:
    """The /Filter names of the stream whose dictionary ends `before` (the bytes up to the
    "stream" keyword), in the order they are applied when decoding."""
    start = before.rfind(b"obj")
    found = list(_FILTER.finditer(before[start + 3 if start >= 0 else 0:]))
    return _NAME.findall(found[-1].group(1)) if found else []


def _ascii_layers_decoded(chunk: bytes, filters: list[bytes]) -> tuple[bytes, bytes] | None:
    """The stream with its leading ASCII layers decoded, and the filter left to measure (b""
    for none), so that a FlateDecode, LZWDecode or RunLengthDecode under them is measured;
    None for a chain whose size cannot be bounded here (a filter chain was how a 400 MB bomb
    in an 815 KB file went unmeasured). One other filter (DCTDecode, an image's) is left as
    it is: pdfminer does not unpack those beyond what is read."""
    if len(filters) <= 1 and not set(filters) & _ASCII_FILTERS:
        return chunk, filters[0] if filters else b""
    *layers, last = filters
    if last in _ASCII_FILTERS:
        layers, last = filters, b""
    if any(name not in _ASCII_FILTERS for name in layers) or last not in (_MEASURED | {b""}):
        return None
    for name in layers:
        try:
            if name in (b"ASCIIHexDecode", b"AHx"):
                digits = bytes(chunk.split(b">", 1)[0].translate(None, b" \t\r\n\x0c\x00"))
                chunk = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
            else:
                chunk = base64.a85decode(chunk.strip().split(b"~>", 1)[0].removeprefix(b"<~"))
        except (ValueError, binascii.Error):
            return None
    return chunk, last


def _inflated_size(chunk: bytes, budget: int) -> int:
    """Bytes the chunk inflates to (at most budget + 1); its own size when it is not zlib.
    A stream that breaks off counts what it gave before the break: pdfminer keeps that part."""
    inflater = zlib.decompressobj()
    size, rest = 0, chunk
    try:
        # a megabyte at a time: measuring a bomb must not hold what it unpacks to. The input
        # can be used up while output is still held inside the inflater, so the loop runs
        # until the stream ends or gives nothing more, not until the input is used up.
        while size <= budget:
            piece = inflater.decompress(rest, min(budget + 1 - size, _PIECE))
            size, rest = size + len(piece), inflater.unconsumed_tail
            if inflater.eof or not piece:
                break
    except zlib.error:
        return max(size, len(chunk))
    return size


_PIECE = 1024 * 1024


def _lzw_size(chunk: bytes, budget: int) -> int:
    """Bytes pdfminer's LZWDecode makes of the chunk (at most about budget + 4 KB), counted
    without making them: each table entry's length only. LZW turns 12 bits into up to 4 KB,
    so a 1 MB stream could unpack to gigabytes. Follows pdfminer's decoder code for code:
    clear (256) resets, 257 is skipped, the code width grows at 511, 1023 and 2047 entries,
    and it stops where pdfminer stops (the end, or a code it cannot know)."""
    lengths: list[int] = []
    previous = 0  # the length of the previous code's string; 0 before the first after a clear
    width, size, pending, pending_bits, position = 9, 0, 0, 0, 0
    while size <= budget:
        while pending_bits < width:
            if position >= len(chunk):
                return size
            pending = (pending << 8) | chunk[position]
            position, pending_bits = position + 1, pending_bits + 8
        pending_bits -= width
        code = pending >> pending_bits
        pending &= (1 << pending_bits) - 1
        if code == 256:
            lengths, previous, width = [1] * 256 + [0, 0], 0, 9
            continue
        if code == 257:
            continue
        if not previous:
            if code >= len(lengths) or not lengths[code]:
                return size  # pdfminer fails on this code and reads nothing more
            previous = lengths[code]
        else:
            if code > len(lengths):
                return size
            current = lengths[code] if code < len(lengths) else previous + 1
            lengths.append(previous + 1)
            width = {511: 10, 1023: 11, 2047: 12}.get(len(lengths), width)
            previous = current
        size += previous
    return size


def _run_length_size(chunk: bytes, budget: int) -> int:
    """Bytes RunLengthDecode makes of the chunk (at most budget + 128): a 2-byte run gives
    up to 128 bytes."""
    size = position = 0
    while position < len(chunk) and size <= budget:
        length = chunk[position]
        if length == 128:
            break
        if length < 128:
            size += min(length + 1, len(chunk) - position - 1)
            position += length + 2
        else:
            size += 257 - length
            position += 2
    return size


def zip_names(data: bytes) -> set[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
