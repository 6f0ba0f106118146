"""Hostile plan files, built in memory, and what refusing them costs: time and peak memory.

    .venv/bin/python -m benchmarks.hostile            every case, the zip bomb inflating to 400 MB
    .venv/bin/python -m benchmarks.hostile --quick    the same cases, built smaller

Each case is read by `read_plan` in a fresh child process, so that its peak RSS (VmHWM) is its
own. The child reports the time of one read, its RSS before the read and its peak RSS after it,
and the tracemalloc peak of a second read (what Python allocated for the file, imports
excluded). The builders are imported by tests/test_hostile.py, so the files measured here are
the files the tests refuse.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.etree import ElementTree

from tabulate import tabulate

from planchecker.common.model import Goal, Namnd, NamndType, Plan
from planchecker.reading.template import write_plan_xlsx
from planchecker.reading.xlsxparts import column_letter

MB = 1024 * 1024
ROOT = Path(__file__).parent.parent
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="' + _MAIN.encode() + b'"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"
HEADER_ROW = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>Id</t></is></c>'
              b'<c r="B1" t="inlineStr"><is><t>M\xc3\xa5l</t></is></c></row>')


def small_plan() -> Plan:
    namnd = Namnd(name="Skarpnäcks stadsdelsnämnd", type=NamndType.stadsdelsnamnd, year=2026)
    return Plan(namnd=namnd, goals=[Goal(id="M1", text="En trygg och säker stad")])


def valid_workbook() -> bytes:
    """A small valid plan workbook, the base every hostile workbook is made from."""
    return write_plan_xlsx(small_plan())


def sheet_part(data: bytes, title: str) -> str:
    """The zip member holding the sheet called `title` (workbook.xml -> its relationships)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    sheet = next(s for s in book.iter(f"{{{_MAIN}}}sheet") if s.get("name") == title)
    target = next(r.get("Target", "") for r in rels.iter(f"{{{_RELS}}}Relationship")
                  if r.get("Id") == sheet.get(f"{{{_OFFICE_RELS}}}id"))
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


Writer = Callable[[zipfile.ZipFile, str], None]


def with_parts(data: bytes, parts: dict[str, bytes | Writer]) -> bytes:
    """`data` with the named members replaced or added; a callable writes its member itself."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info))
        for name, content in parts.items():
            if callable(content):
                content(target, name)
            else:
                target.writestr(name, content)
    return out.getvalue()


# --- the hostile files --------------------------------------------------------------------------


def zip_bomb(unpacked: int = 400 * MB) -> bytes:
    """A plan whose Mål sheet inflates to `unpacked` bytes of rows from a few hundred kB.

    The member is streamed into the archive, so the unpacked rows never exist in memory at once.
    """
    base = valid_workbook()
    row = b'<row><c t="inlineStr"><is><t>' + b"trygg stad " * 8 + b"</t></is></c></row>"
    block = row * (MB // len(row))

    def write(archive: zipfile.ZipFile, name: str) -> None:
        with archive.open(name, "w", force_zip64=True) as member:
            member.write(SHEET_HEAD + HEADER_ROW)
            for _ in range(max(1, unpacked // len(block))):
                member.write(block)
            member.write(SHEET_TAIL)

    return with_parts(base, {sheet_part(base, "Mål"): write})


def shared_string_bomb(length: int = 30 * MB) -> bytes:
    """A plan whose one shared string, used by the goal's text cell, is `length` characters."""
    base = valid_workbook()
    strings = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + _MAIN.encode()
               + b'" count="3" uniqueCount="3"><si><t>Id</t></si><si><t>M\xc3\xa5l</t></si>'
               + b"<si><t>" + b"A" * length + b"</t></si></sst>")
    rows = (b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>M1</t></is></c>'
            b'<c r="B2" t="s"><v>2</v></c></row>')
    return with_parts(base, {"xl/sharedStrings.xml": strings,
                             sheet_part(base, "Mål"): SHEET_HEAD + rows + SHEET_TAIL})


def billion_laughs(levels: int = 10) -> bytes:
    """A plan whose Mål sheet declares the classic entity bomb: 10**levels "lol"s from 1 kB."""
    entities = [b'<!ENTITY lol0 "lol">'] + [
        b"<!ENTITY lol%d \"%s\">" % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, levels)]
    dtd = b"<!DOCTYPE worksheet [" + b"".join(entities) + b"]>"
    cell = b'<row r="2"><c r="A2" t="inlineStr"><is><t>&lol%d;</t></is></c></row>' % (levels - 1)
    sheet = SHEET_HEAD.replace(b"<worksheet", dtd + b"<worksheet", 1) + HEADER_ROW + cell
    base = valid_workbook()
    return with_parts(base, {sheet_part(base, "Mål"): sheet + SHEET_TAIL})


def external_entity(target: str = "file:///etc/passwd") -> bytes:
    """A plan whose Mål sheet pulls `target` into a cell through an external entity."""
    dtd = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{target}">]>'.encode()
    cell = b'<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    sheet = SHEET_HEAD.replace(b"<worksheet", dtd + b"<worksheet", 1) + HEADER_ROW + cell
    base = valid_workbook()
    return with_parts(base, {sheet_part(base, "Mål"): sheet + SHEET_TAIL})


def bzip2_bomb(unpacked: int = 300 * MB) -> bytes:
    """A plan with a bzip2 member: zipfile unpacks those without a bound (300 MB from 250 bytes
    in one call), so it must be refused before any member is opened."""
    def write(archive: zipfile.ZipFile, name: str) -> None:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_BZIP2
        with archive.open(info, "w", force_zip64=True) as member:
            for _ in range(max(1, unpacked // MB)):
                member.write(bytes(MB))

    return with_parts(valid_workbook(), {"xl/media/image1.bin": write})


def yaml_alias_bomb(levels: int = 9) -> bytes:
    """A YAML plan whose aliases expand to 10**levels values from under 1 kB."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return ("\n".join(lines) + "\n").encode()


def comment_of_tokens(token: bytes, size: int = 1000 * 1000) -> bytes:
    """A valid plan whose Mål sheet holds, after its rows, a comment of `size` bytes made of
    `token` ("<mergeCell ", "<f "): a `<` need not be escaped in a comment, so a scanner that
    looks for the end of each tag from every start tag is quadratic. It compresses to a few kB,
    and stays under 1 MB inflated, so under the ratio check."""
    base = valid_workbook()
    goal = (b'<row r="2"><c r="A2" t="inlineStr"><is><t>M1</t></is></c>'
            b'<c r="B2" t="inlineStr"><is><t>En trygg stad</t></is></c></row>')
    # the formula case sits inside a cell with a saved result, so every <f is judged
    cell = (b'<row r="3"><c r="C3"><!-- ' + token * (size // len(token)) + b' --><v>1</v></c>'
            b"</row>")
    return with_parts(base, {sheet_part(base, "Mål"): SHEET_HEAD + HEADER_ROW + goal + cell
                             + SHEET_TAIL})


# --- published plan documents (.docx, .pdf, .html) -----------------------------------------------


def docx_bomb(unpacked: int = 300 * MB) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * unpacked)
    return buffer.getvalue()


def pdf_stream(filters: bytes, stream: bytes) -> bytes:
    return (b"%PDF-1.4\n1 0 obj\n<< /Length " + str(len(stream)).encode() + b" /Filter "
            + filters + b" >>\nstream\n" + stream + b"\nendstream\nendobj\ntrailer\n<< >>\n"
            b"%%EOF\n")


def pdf_stream_bomb(unpacked: int = 210 * MB) -> bytes:
    return pdf_stream(b"/FlateDecode", zlib.compress(b"\0" * unpacked, 9))


def pdf_hex_chain_bomb(unpacked: int = 400 * MB) -> bytes:
    """The FlateDecode bomb under an ASCIIHexDecode layer, which hid it from a plain zlib
    measure."""
    return pdf_stream(b"[/ASCIIHexDecode /FlateDecode]",
                      zlib.compress(b"\0" * unpacked, 9).hex().encode() + b">")


def lzw_bomb_stream(unpacked: int) -> bytes:
    """LZW codes that pdfminer's LZWDecode turns into at least `unpacked` zero bytes: after each
    clear code, a zero and then always the code being defined ("KwKwK"), so each code's string
    is one byte longer than the last, up to the 12-bit table's end; about 1,400 times the
    stream's size. Code widths follow pdfminer (early change at 511, 1023, 2047 entries)."""
    out, pending, pending_bits = bytearray(), 0, 0

    def put(code: int, width: int) -> None:
        nonlocal pending, pending_bits
        pending, pending_bits = (pending << width) | code, pending_bits + width
        while pending_bits >= 8:
            pending_bits -= 8
            out.append((pending >> pending_bits) & 0xFF)
            pending &= (1 << pending_bits) - 1

    made = 0
    while made < unpacked:
        put(256, 12 if out else 9)  # clear: after a full table the width is 12
        put(0, 9)
        table, width, length = 258, 9, 1
        while table < 4096 and made < unpacked:
            put(table, width)
            table, length = table + 1, length + 1
            made += length
            width = {511: 10, 1023: 11, 2047: 12}.get(table, width)
    put(257, width)
    if pending_bits:
        out.append(pending << (8 - pending_bits))
    return bytes(out)


def pdf_lzw_bomb(unpacked: int = 400 * MB) -> bytes:
    """A single LZWDecode stream: measured by its code lengths, never unpacked."""
    return pdf_stream(b"/LZWDecode", lzw_bomb_stream(unpacked))


def pdf_run_length_bomb(unpacked: int = 300 * MB) -> bytes:
    """A single RunLengthDecode stream: 2 bytes for every 128 zeros."""
    return pdf_stream(b"/RunLengthDecode", b"\x81\x00" * (unpacked // 128) + b"\x80")


def pdf_object_flood(objects: int = 200_010) -> bytes:
    return b"%PDF-1.4\n" + b"".join(b"%d 0 obj\n<< >>\nendobj\n" % n
                                    for n in range(1, objects)) + b"%%EOF\n"


def deep_html(depth: int = 100_000) -> bytes:
    return b"<html><body>" + b"<div>" * depth + "Mål 1: Trygg</body></html>".encode()


def digit_line_html(digits: int = 20_000) -> bytes:
    """A goal whose indicator line is digits only: a quadratic target pattern took 14 s."""
    return ("<html><body><h1>Kulturnämndens verksamhetsplan 2024</h1><h2>Mål 1: Trygg stad</h2>"
            "<p>Indikatorer:</p><ul><li>Andel " + "1" * digits + "</li></ul></body></html>"
            ).encode()


def dot_leader_html(lines: int = 20, dots: int = 30_000) -> bytes:
    """A table of contents with long dot leaders: the search for a page number at each line's
    end took quadratic time over the whole line (about 5 s a line)."""
    items = "".join(f"<li>Avsnitt {n} {'.' * dots} {n + 3}</li>" for n in range(1, lines + 1))
    return f"<html><body><h1>Översikt</h1><ul>{items}</ul></body></html>".encode()


def _document_cases(scale: int) -> list[tuple[str, str, Callable[[], bytes]]]:
    return [
        (f"docx: document.xml inflating to {300 // scale} MB", "plan.docx",
         lambda: docx_bomb(300 * MB // scale)),
        (f"pdf: FlateDecode stream inflating to {210 // scale} MB", "plan.pdf",
         lambda: pdf_stream_bomb(210 * MB // scale)),
        (f"pdf: ASCIIHex+Flate stream inflating to {400 // scale} MB", "plan.pdf",
         lambda: pdf_hex_chain_bomb(400 * MB // scale)),
        # not scaled down for --quick: cheap to build and to refuse, but a stream just under
        # the limit is unpacked and parsed by pdfminer, which takes minutes
        ("pdf: LZWDecode stream unpacking to 400 MB", "plan.pdf", pdf_lzw_bomb),
        ("pdf: RunLengthDecode stream unpacking to 300 MB", "plan.pdf", pdf_run_length_bomb),
        ("pdf: 200,000 objects", "plan.pdf", pdf_object_flood),
        ("html: 100,000 nested div", "plan.html", deep_html),
        ("html: 20 kB line of digits", "plan.html", digit_line_html),
        ("html: 20 list lines of 30,000 dots", "plan.html", dot_leader_html),
    ]


def rows_at_limit(rows: int = 100_000, columns: int = 6) -> bytes:
    """A plan whose Mål sheet fills every row up to `rows` (header included), `columns` cells a
    row: at the default row limit, the size an honest but very large plan reaches."""
    base = valid_workbook()
    extra = b"".join(b'<c r="%s%%d" t="inlineStr"><is><t>x</t></is></c>' % letter.encode()
                     for letter in "CDEFGHIJKLMNOPQRSTUVWXYZ"[:max(0, columns - 2)])

    def write(archive: zipfile.ZipFile, name: str) -> None:
        with archive.open(name, "w", force_zip64=True) as member:
            member.write(SHEET_HEAD + HEADER_ROW)
            for number in range(2, rows + 1):
                cells = extra.replace(b"%d", b"%d" % number)
                member.write(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>M%d</t></is></c>'
                             b'<c r="B%d" t="inlineStr"><is><t>M\xc3\xa5l %d</t></is></c>%s</row>'
                             % (number, number, number, number, number, cells))
            member.write(SHEET_TAIL)

    return with_parts(base, {sheet_part(base, "Mål"): write})


def wide_sheet(rows: int = 300, columns: int = 16_384) -> bytes:
    """A plan whose Mål sheet has a number in every one of `columns` columns (16,384 is Excel's
    last, XFD) of `rows` rows under its header row."""
    base = valid_workbook()
    letters = [column_letter(number).encode() for number in range(3, columns + 1)]

    def write(archive: zipfile.ZipFile, name: str) -> None:
        with archive.open(name, "w", force_zip64=True) as member:
            member.write(SHEET_HEAD + HEADER_ROW)
            for number in range(2, rows + 2):
                row = b"%d" % number
                member.write(b'<row r="' + row + b'"><c r="A' + row + b'" t="inlineStr"><is><t>M'
                             + row + b'</t></is></c><c r="B' + row + b'" t="inlineStr"><is><t>'
                             b"M\xc3\xa5l " + row + b"</t></is></c>"
                             + b"".join(b'<c r="' + letter + row + b'"><v>1</v></c>'
                                        for letter in letters) + b"</row>")
            member.write(SHEET_TAIL)

    return with_parts(base, {sheet_part(base, "Mål"): write})


def error_cell_with_styles(styles_size: int = 120 * MB) -> bytes:
    """A plan whose Mål sheet holds one #N/A cell (which calamine would read as empty, so the sheet
    goes to openpyxl) and whose styles.xml holds `styles_size` bytes of cell formats, which
    openpyxl would load whole. The formats differ, so the part is not a zip bomb by ratio."""
    base = valid_workbook()
    goal = (b'<row r="2"><c r="A2" t="inlineStr"><is><t>M1</t></is></c>'
            b'<c r="B2" t="e"><v>#N/A</v></c></row>')

    def styles(archive: zipfile.ZipFile, name: str) -> None:
        with archive.open(name, "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="'
                         + _MAIN.encode() + b'"><cellXfs count="1">')
            written, number = 0, 0
            while written < styles_size:
                block = b"".join(b'<xf numFmtId="%d" fontId="%d" fillId="0" borderId="%d"/>'
                                 % ((number + i) % 164, (number + i) * 7919 % 99991, i % 7)
                                 for i in range(10_000))
                member.write(block)
                written, number = written + len(block), number + 10_000
            member.write(b"</cellXfs></styleSheet>")

    return with_parts(base, {sheet_part(base, "Mål"): SHEET_HEAD + HEADER_ROW + goal + SHEET_TAIL,
                             "xl/styles.xml": styles})


def error_cell_with_strings(count: int = 6_000_000) -> bytes:
    """A plan whose Mål sheet holds one #N/A cell and whose sharedStrings.xml holds `count`
    distinct strings, which openpyxl would load whole."""
    base = valid_workbook()
    goal = (b'<row r="2"><c r="A2" t="inlineStr"><is><t>M1</t></is></c>'
            b'<c r="B2" t="e"><v>#N/A</v></c></row>')

    def strings(archive: zipfile.ZipFile, name: str) -> None:
        with archive.open(name, "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + _MAIN.encode()
                         + b'" count="%d" uniqueCount="%d">' % (count, count))
            for start in range(0, count, 10_000):
                member.write(b"".join(b"<si><t>s%d</t></si>" % number
                                      for number in range(start, min(count, start + 10_000))))
            member.write(b"</sst>")

    return with_parts(base, {sheet_part(base, "Mål"): SHEET_HEAD + HEADER_ROW + goal + SHEET_TAIL,
                             "xl/sharedStrings.xml": strings})


# --- measuring ----------------------------------------------------------------------------------

CHILD = """\
import json, sys, time, tracemalloc
from pathlib import Path
from planchecker.reading.reader import read_plan

def status_mb(field):
    # VmHWM, unlike ru_maxrss, is not inherited from the parent across fork and exec
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024

path = Path(sys.argv[1])
before = status_mb("VmRSS")
start = time.perf_counter()
result = read_plan(path)
seconds = time.perf_counter() - start
peak_rss = status_mb("VmHWM")
tracemalloc.start()
read_plan(path)
traced = tracemalloc.get_traced_memory()[1] / 2**20
print(json.dumps({"seconds": seconds, "rss_before": before, "peak_rss": peak_rss,
                  "traced": traced, "codes": [p.code for p in result.problems]}))
"""


def _cases(quick: bool) -> list[tuple[str, str, Callable[[], bytes]]]:
    scale = 16 if quick else 1
    return [
        ("valid plan (baseline)", "plan.xlsx", valid_workbook),
        (f"zip bomb: sheet inflating to {400 // scale} MB", "plan.xlsx",
         lambda: zip_bomb(400 * MB // scale)),
        (f"{30 // scale} MB shared string in a small xlsx", "plan.xlsx",
         lambda: shared_string_bomb(30 * MB // scale)),
        ("billion laughs (10**10 lol) in a sheet", "plan.xlsx", billion_laughs),
        ("external entity (file:///etc/passwd)", "plan.xlsx", external_entity),
        (f"bzip2 member inflating to {300 // scale} MB", "plan.xlsx",
         lambda: bzip2_bomb(300 * MB // scale)),
        ("YAML alias bomb (10**9 values)", "plan.yaml", yaml_alias_bomb),
        (f"{1000 // scale} kB comment of <mergeCell tokens", "plan.xlsx",
         lambda: comment_of_tokens(b"<mergeCell ", 1000 * 1000 // scale)),
        (f"{1000 // scale} kB comment of <f tokens in a cell", "plan.xlsx",
         lambda: comment_of_tokens(b"<f ", 1000 * 1000 // scale)),
        (f"{100_000 // scale} rows × 6 columns (row limit)", "plan.xlsx",
         lambda: rows_at_limit(100_000 // scale)),
        (f"{16_384 // scale} columns × 300 rows", "plan.xlsx",
         lambda: wide_sheet(300, 16_384 // scale)),
        (f"#N/A cell, styles.xml of {120 // scale} MB", "plan.xlsx",
         lambda: error_cell_with_styles(120 * MB // scale)),
        (f"#N/A cell, {6000 // scale}k shared strings", "plan.xlsx",
         lambda: error_cell_with_strings(6_000_000 // scale)),
        *_document_cases(scale),
    ]


def _unpacked(data: bytes) -> str:
    if not data.startswith(b"PK"):
        return "–"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return f"{sum(i.file_size for i in archive.infolist()) / MB:.1f}"


def measure(quick: bool = False) -> list[list[str]]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for label, name, build in _cases(quick):
            data = build()
            path = Path(folder) / name
            path.write_bytes(data)
            done = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=ROOT,
                                  capture_output=True, text=True, timeout=300, check=True)
            figures = json.loads(done.stdout)
            rows.append([label, f"{len(data) / 1024:.0f}", _unpacked(data),
                         ", ".join(figures["codes"]) or "ok", f"{figures['seconds'] * 1000:.1f}",
                         f"{figures['traced']:.1f}", f"{figures['rss_before']:.0f}",
                         f"{figures['peak_rss']:.0f}"])
    return rows


# Every scanner that reads untrusted sheet XML as bytes, on the input that is worst for it: tag
# starts in a comment (where `<` needs no escaping) inside one cell, so nothing ends them.
def _scanners() -> list[tuple[str, bytes, Callable[[bytes], object]]]:
    from planchecker.reading import xlsxparts
    from planchecker.reading.limits import Limits
    from planchecker.reading.problem_sink import ProblemSink

    def merges(xml: bytes) -> object:
        return xlsxparts.merged_ranges(xml, "Mål", ProblemSink("plan.xlsx", Limits()))

    return [("merged_ranges", b"<mergeCell ", merges),
            ("_formulas_have_results", b"<f ", xlsxparts._formulas_have_results),
            ("plain_rows (<f)", b"<f ", xlsxparts.plain_rows),
            ("plain_rows (<c)", b"<c ", xlsxparts.plain_rows),
            ("plain_rows (<row)", b"<row ", xlsxparts.plain_rows),
            ("foreign_namespace", b"xmlns ", xlsxparts.foreign_namespace),
            ("cell_count", b"<c ", xlsxparts.cell_count)]


def scaling(base: int = 100_000) -> list[list[str]]:
    """Time of each scanner at `base`, 10 × and 100 × `base` bytes; linear means ratios ~10, 100."""
    rows = []
    for label, token, scan in _scanners():
        times = []
        for size in (base, base * 10, base * 100):
            xml = (b'<worksheet><sheetData><row r="1"><c r="A1"><!-- ' + token * (size // len(token))
                   + b' --><v>1</v></c></row></sheetData></worksheet>')
            start = time.perf_counter()
            scan(xml)
            times.append(time.perf_counter() - start)
        first = max(times[0], 1e-6)
        rows.append([label, f"{times[0] * 1000:.1f}", f"{times[1] * 1000:.1f}",
                     f"{times[2] * 1000:.1f}", f"{times[1] / first:.0f}", f"{times[2] / first:.0f}"])
    return rows


SCALING_HEADERS = ["scanner", "100 kB ms", "1 MB ms", "10 MB ms", "10× ratio", "100× ratio"]

HEADERS = ["case", "file kB", "unpacked MB", "result", "time ms", "tracemalloc peak MB",
           "RSS before MB", "peak RSS MB"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hostile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller bombs (a smoke test)")
    parser.add_argument("--tablefmt", default="simple", help="tabulate format, e.g. github")
    args = parser.parse_args(argv)
    print(tabulate(measure(args.quick), headers=HEADERS, tablefmt=args.tablefmt,
                   disable_numparse=True))
    print("\nScanners over untrusted sheet XML (tag starts in a comment; linear: ratios ~10, ~100)")
    print(tabulate(scaling(10_000 if args.quick else 100_000), headers=SCALING_HEADERS,
                   tablefmt=args.tablefmt, disable_numparse=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
