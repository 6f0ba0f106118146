"""What kind of file this is, and whether its zip archive is safe to hand to the sheet readers.

The file's first bytes decide, not its name: people send old .xls files, encrypted workbooks (an
OLE container, not a zip), .ods, and CSV or HTML exports renamed to .xlsx. Each gets its own
problem code, so the message can say what the file is and what to do about it.

A zip is judged from its central directory and the prolog of each part before any part is parsed:
member count, compression method, ratio and total unpacked size, then DTDs. Python's zipfile
never unpacks a deflated member past its declared size, so the directory's sizes can be trusted;
bzip2 and LZMA members are refused outright because zipfile unpacks those without any bound.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from planchecker.reading.limits import megabytes, megabytes_over
from planchecker.reading.problem_sink import ProblemSink, Unreadable

# --- what kind of file is it ------------------------------------------------------------------

_BLANK = re.compile(rb"\s*")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# OLE directory entries are UTF-16LE names. An encrypted .xlsx holds these two streams.
_ENCRYPTED_STREAMS = tuple(n.encode("utf-16-le") for n in ("EncryptionInfo", "EncryptedPackage"))
_OTHER_OLE = {"WordDocument": "ett Word-dokument", "PowerPoint Document": "en PowerPoint-fil"}
PDF = "en PDF-fil"
_MAGIC = {b"%PDF-": PDF, b"\x89PNG": "en bild (PNG)", b"\xff\xd8\xff": "en bild (JPEG)",
          b"{\\rtf": "ett RTF-dokument", b"\x1f\x8b": "en gzip-packad fil",
          b"7z\xbc\xaf": "ett 7-Zip-arkiv", b"Rar!": "ett RAR-arkiv"}
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xltx", ".xltm"})
DOCUMENT_SUFFIXES = frozenset({".json", ".yaml", ".yml"})
# Names a spreadsheet's text export may have (Excel's "Unicode text" is .txt), or none at all.
_SPREADSHEET_TEXT_SUFFIXES = EXCEL_SUFFIXES | {".csv", ".tsv", ".txt", ".prn", ""}
PLAIN_TEXT = frozenset({"json", "csv", "text"})  # what a .json/.yaml plan may sniff as
_LOOKS_LIKE = {
    "html": "en webbsida (HTML)",
    "spreadsheet-xml": "ett XML-kalkylblad (Excel 2003 XML)",
    "xml": "en XML-fil",
    "json": "JSON-text",
    "csv": "en CSV- eller textexport",
    "text": "en textfil",
}


def sniff(data: bytes) -> str:
    """One of: empty, zip, ole, binary, html, spreadsheet-xml, xml, json, csv, text, or a magic
    number's description ("en PDF-fil")."""
    if _BLANK.fullmatch(data):  # not data.strip(): that copies a 20 MB file to look at it
        return "empty"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    known = next((what for magic, what in _MAGIC.items() if data.startswith(magic)), None)
    if known:
        return known
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export is UTF-16
        text = head.decode("utf-16", "ignore")
    elif b"\x00" in head:
        return "binary"
    else:
        text = head.decode("utf-8", "ignore")
    return _sniff_text(text.lstrip("\ufeff \t\r\n").lower())


def _sniff_text(text: str) -> str:
    if text.startswith(("<!doctype", "<html", "<table", "<meta")) or "<html" in text[:1024]:
        return "html"
    if text.startswith("<"):
        spreadsheet = "urn:schemas-microsoft-com:office:spreadsheet" in text
        return "spreadsheet-xml" if spreadsheet or "progid=\"excel.sheet\"" in text else "xml"
    if text.startswith(("{", "[")):
        return "json"
    return "csv" if _looks_like_csv(text) else "text"


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:6] if line.strip()][:5]
    return len(lines) >= 2 and any(
        len({line.count(sep) for line in lines}) == 1 and lines[0].count(sep) > 0
        for sep in ",;\t"
    )


def refusal(kind: str, suffix: str, data: bytes) -> tuple[str, dict[str, Any]]:
    """The problem code and values for a file that is neither a zip nor a readable text plan."""
    if kind == "ole":
        return _ole_refusal(data)
    if kind == "empty":
        return "empty-file", {}
    if suffix in DOCUMENT_SUFFIXES:
        what = _LOOKS_LIKE.get(kind, "binära data" if kind == "binary" else kind)
        return "bad-syntax", {"detail": f"filen innehåller {what}, inte {_document_name(suffix)}"}
    if kind == "text" and suffix not in _SPREADSHEET_TEXT_SUFFIXES:
        # prose with its own suffix (README.md, notes.rtf): not a spreadsheet saved wrongly
        return "unsupported-format", {"suffix": suffix}
    if kind in _LOOKS_LIKE:
        return "text-disguised", {"what": _LOOKS_LIKE[kind]}
    if suffix in EXCEL_SUFFIXES:
        detail = f"filen är {kind}" if kind not in ("binary", "text") else "okänt innehåll"
        return "not-a-workbook", {"detail": detail}
    return "unsupported-format", {"suffix": suffix or "utan filändelse"}


def _ole_refusal(data: bytes) -> tuple[str, dict[str, Any]]:
    if any(name in data for name in _ENCRYPTED_STREAMS):
        return "encrypted-workbook", {}
    for stream, what in _OTHER_OLE.items():
        if stream.encode("utf-16-le") in data:
            return "not-a-workbook", {"detail": f"filen är {what}"}
    return "old-excel-format", {}


def _document_name(suffix: str) -> str:
    return "JSON-text" if suffix == ".json" else "YAML-text"


# --- .xlsx: the zip layer -----------------------------------------------------------------------

ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
              RuntimeError)  # RuntimeError: a member with a zip password
_BROKEN_ZIP = "zip-arkivet är trasigt"
_TRUNCATED_ZIP = ("filen är avkortad: zip-arkivets slut saknas, troligen för att kopieringen "
                  "eller uppladdningen avbröts; skicka filen igen")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_OTHER_ZIPS = {"xl/workbook.bin": "en binär Excel-arbetsbok i formatet .xlsb",
               "word/document.xml": "ett Word-dokument",
               "ppt/presentation.xml": "en PowerPoint-fil"}
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}  # all that Excel and LibreOffice write
_PROLOG_LIMIT = 64 * 1024  # real parts declare at most ~200 bytes before their root element


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The zip archive in `data`, or Unreadable saying whether it is broken or cut short."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as exc:
        truncated = b"PK\x05\x06" not in data[-(64 * 1024 + 22):]  # no end-of-directory record
        raise Unreadable(_TRUNCATED_ZIP if truncated else _BROKEN_ZIP) from exc


def is_word_document(archive: zipfile.ZipFile) -> bool:
    """An Office Open XML word-processing document (.docx), by its parts, not its name."""
    try:
        return "word/document.xml" in archive.namelist()
    except ZIP_ERRORS:
        return False


def archive_is_safe(archive: zipfile.ZipFile, sink: ProblemSink) -> bool:
    """False, with the reason in `sink`, for an archive that must not be given to a reader."""
    try:
        if _other_format(archive, sink) or not parts_are_safe(archive, sink):
            return False
    except ZIP_ERRORS as exc:
        raise Unreadable(_BROKEN_ZIP) from exc
    if "[Content_Types].xml" not in archive.namelist():
        sink.add("not-a-workbook", detail="zip-arkivet innehåller ingen Excel-arbetsbok")
        return False
    return True


def parts_are_safe(archive: zipfile.ZipFile, sink: ProblemSink) -> bool:
    """The checks every Office zip gets (a workbook or a Word document): the directory's members,
    methods, ratios and sizes, then each part's prolog for a DTD. False, with the reason in sink."""
    infos = archive.infolist()
    if _directory_refused(infos, sink):
        return False
    before = len(sink.items)
    for info in infos:
        if not info.is_dir():
            _check_prolog(archive, info, sink)
    return len(sink.items) == before


def _directory_refused(infos: list[zipfile.ZipInfo], sink: ProblemSink) -> bool:
    """Members, encryption, methods, ratios and total size, all from the central directory."""
    limits, name = sink.limits, sink.name
    if len(infos) > limits.max_members:
        sink.add("hostile-content", detail=f"{name} har {len(infos)} delar i zip-arkivet; högst "
                 f"{limits.max_members} tas emot.")
        return True
    if any(info.flag_bits & 0x1 for info in infos):
        sink.add("encrypted-workbook")
        return True
    for info in infos:
        if info.compress_type not in _METHODS:
            sink.add("not-a-workbook", detail=f"delen {info.filename} är packad med en metod "
                     f"som Excel inte använder (nummer {info.compress_type})")
            return True
    bombs = [info for info in infos if _ratio(info) > limits.max_ratio
             and info.file_size > limits.ratio_min_size]
    for info in bombs:
        sink.add("hostile-content", detail=f"Delen {info.filename} i {name} packas upp från "
                 f"{megabytes(info.compress_size)} till {megabytes(info.file_size)} "
                 f"({_ratio(info):.0f}:1), vilket tyder på en zip-bomb. Filen läses inte.")
    total = sum(info.file_size for info in infos)
    if not bombs and total > limits.max_uncompressed:
        sink.add("too-large", detail=f"{name} är {megabytes_over(total)} uppackad; högst "
                 f"{megabytes(limits.max_uncompressed)} tas emot. Ta bort bilder och andra "
                 "blad än planens och spara igen.")
    return bool(bombs) or total > limits.max_uncompressed


def _ratio(info: zipfile.ZipInfo) -> float:
    return info.file_size / max(info.compress_size, 1)


def _other_format(archive: zipfile.ZipFile, sink: ProblemSink) -> bool:
    """An .ods, .xlsb or .docx is a zip too; say what it is rather than "not a workbook"."""
    names = set(archive.namelist())
    if "mimetype" in names:
        with archive.open("mimetype") as mimetype:
            if mimetype.read(100).startswith(_ODS_MIME):
                sink.add("ods-workbook")
                return True
    what = next((what for part, what in _OTHER_ZIPS.items() if part in names), None)
    if what:
        sink.add("not-a-workbook", detail=f"filen är {what}")
        return True
    return False


class _Capped(io.RawIOBase):
    """At most `limit` bytes of a stream; `exhausted` tells whether the cap was reached."""

    def __init__(self, source: IO[bytes], limit: int) -> None:
        self.source, self.left, self.exhausted = source, limit, False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            self.exhausted = True
            return b""
        chunk = self.source.read(self.left if size < 0 else min(size, self.left))
        self.left -= len(chunk)
        return chunk


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sink: ProblemSink) -> None:
    """Refuse a part that declares a DTD; entities ("billion laughs", external files) need one.

    The part is parsed, with DTDs forbidden, only up to its root element: a DTD can stand
    nowhere else, and the parser sees through any encoding (UTF-16) or padding the way openpyxl
    would. Parts that are not XML (images, vbaProject.bin) fail at once and are left alone.
    """
    with archive.open(info) as part:
        capped = _Capped(part, _PROLOG_LIMIT)
        try:
            for _event in iterparse(capped, events=("start",), forbid_dtd=True):
                return
        except DefusedXmlException:
            sink.add("hostile-content", detail=f"Delen {info.filename} i {sink.name} innehåller "
                     "en DTD (<!DOCTYPE eller <!ENTITY), som inte tillåts i en arbetsbok.")
            return
        except ParseError:
            pass
    if capped.exhausted:
        sink.add("hostile-content", detail=f"Delen {info.filename} i {sink.name} har mer än "
                 f"{_PROLOG_LIMIT // 1024} kB före sitt första element.")
