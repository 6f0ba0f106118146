"""File -> Plan: the one entry point for reading a plan from .xlsx/.xlsm, .json or .yaml.

`read_plan` never raises for bad input. It collects every problem in the file, each with a
Location, so a nämnd can fix its workbook in one round; a plan is returned only when there are
none. The work is done by:

- `sniffing`: what kind of file this is (by content, not name), and whether its zip archive is
  safe to parse (sizes, ratios, compression methods, DTDs), before any parser sees it;
- `xlsxparts`, `sheetrows`, `sheets`: the Excel sheets (which part is which sheet, calamine or
  openpyxl for its rows), header search, cells to plan fields;
- `documents`: JSON and YAML;
- `docimport`: published plan documents (.docx, .pdf, .html), whose structure is inferred;
- `validation`: the plan model's own checks, as located problems;
- `limits`: how much a file may hold (`Limits`, configurable through `PLANCHECKER_MAX_*`).
"""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from planchecker.common import processes
from planchecker.common.filenames import shown
from planchecker.common.model import Plan
from planchecker.common.problems import ReadResult
from planchecker.reading import documents, sheets, sniffing
from planchecker.reading.limits import Limits, LimitsError, megabytes, megabytes_over, memory_text
from planchecker.reading.problem_sink import ProblemSink, TooManyProblems, Unreadable

if TYPE_CHECKING:
    from planchecker.reading.docimport import Imported, NamndHints

__all__ = ["Limits", "LimitsError", "ReadResult", "read_plan"]

_YAML_SUFFIXES = {".yaml", ".yml"}


def read_plan(path: Path, *, limits: Limits | None = None) -> ReadResult:
    """Read a plan from .xlsx/.xlsm, .json, .yaml or a published document (.docx, .pdf, .html);
    the plan is None when there are problems.

    Without `limits`, the defaults as changed by the environment (`Limits.from_env`); a bad
    value there raises LimitsError, because it is the installation that is wrong, not the file.
    """
    sink = ProblemSink(shown(str(path)), limits or Limits.from_env())
    plan: Plan | None = None
    imported: list[Imported] = []
    out_of_memory = False
    try:
        plan = _read(path, sink, imported)
    except TooManyProblems:
        pass
    except MemoryError:  # past the memory budget: that file alone is refused, below
        out_of_memory = True
    except Exception as exc:  # noqa: BLE001 - our own bug must still end in a report
        if processes.over_budget(exc):
            out_of_memory = True
        else:
            sink.items.append(sink.problem("internal-error", detail=type(exc).__name__))
    if out_of_memory:  # out of the except block: what the read held is free again
        budget = processes.memory_budget() or sink.limits.max_memory
        detail = memory_text(dataclasses.replace(sink.limits, max_memory=budget))
        sink.items.append(sink.problem("over-budget", detail=detail))
    return ReadResult(plan if not sink.items else None, sink.items, sink.notes,
                      imported[0] if imported and not sink.items else None)


def _read(path: Path, sink: ProblemSink, imported: list[Imported]) -> Plan | None:
    data = _load_bytes(path, sink)
    if data is None:
        return None
    kind, suffix = sniffing.sniff(data), path.suffix.lower()
    if suffix not in sniffing.EXCEL_SUFFIXES and suffix not in sniffing.DOCUMENT_SUFFIXES \
            and document_format(data, kind, suffix) is not None:
        # a file named as a workbook or a JSON/YAML plan is refused with advice instead
        # (sniffing.refusal), never read as a document
        document = read_document(data, suffix, kind, sink)
        if document is not None:
            imported.append(document)
        return document.plan if document else None
    if kind == sniffing.PDF:  # a PDF under a workbook's or a JSON/YAML plan's name
        return read_prose_document(data, ".pdf", sink)
    if kind == "zip":
        return _read_zip(data, sink)
    if kind in sniffing.PLAIN_TEXT and suffix in _YAML_SUFFIXES:
        return documents.read_document(data, documents.parse_yaml, sink)
    json_like = kind == "json" and suffix not in sniffing.EXCEL_SUFFIXES
    if kind in sniffing.PLAIN_TEXT and (suffix == ".json" or json_like):
        return documents.read_document(data, documents.parse_json, sink)
    code, values = sniffing.refusal(kind, suffix, data)
    sink.add(code, **values)
    return None


def document_format(data: bytes, kind: str, suffix: str) -> str | None:
    """"docx", "pdf" or "html" when the file is a plan document, else None: the one place that
    decides it, a zip by the names of its parts (not by bytes that may stand in any stored text).
    Needs no document reader, which an .xlsx check never imports."""
    if kind not in ("zip", sniffing.PDF, "html"):
        return None
    from planchecker.reading import docimport

    names = docimport.zip_names(data) if kind == "zip" else None
    return docimport.document_kind(kind, suffix, names)


def read_document(data: bytes, suffix: str, kind: str, sink: ProblemSink,
                  hints: NamndHints | None = None) -> Imported | None:
    """A published plan document (.docx, .pdf, .html) read into a plan by its structure; None
    (the reason in `sink`) when it is not one or cannot be read."""
    from planchecker.reading import docimport

    doc_format = document_format(data, kind, suffix)
    if doc_format is None:  # never None without a reason
        code, values = sniffing.refusal(kind, suffix, data)
        sink.add(code, **values)
        return None
    if doc_format == "docx":
        try:
            with sniffing.open_archive(data) as archive:
                if not sniffing.parts_are_safe(archive, sink):
                    return None
        except Unreadable as exc:
            sink.add("bad-syntax", detail=str(exc))
            return None
    return docimport.read_document_plan(data, doc_format, sink, hints or docimport.NamndHints())


def load_document_bytes(path: Path, sink: ProblemSink) -> bytes | None:
    """The file's bytes within the size limit, or None with the reason in `sink`."""
    return _load_bytes(path, sink)


def _load_bytes(path: Path, sink: ProblemSink) -> bytes | None:
    limit = sink.limits.max_file_size
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a folder, a pipe that would never end, a device
            sink.add("file-not-found")
            return None
        if status.st_size > limit:
            sink.add("too-large", detail=_too_large(sink, status.st_size))
            return None
        with path.open("rb") as handle:
            # never more than the limit, whatever stat said; no limit-sized buffer either
            data = handle.read(min(status.st_size, limit) + 1)
            if len(data) > status.st_size:  # the file grew since stat
                data += handle.read(limit + 1 - len(data))
    except (OSError, ValueError):  # ValueError: a NUL in the path
        sink.add("file-not-found")
        return None
    if len(data) > limit:
        sink.add("too-large", detail=_too_large(sink, len(data)))
        return None
    return data


def _too_large(sink: ProblemSink, size: int) -> str:
    return (f"{sink.name} är {megabytes_over(size)}; högst {megabytes(sink.limits.max_file_size)} "
            "tas emot. Ta bort bilder och andra blad än planens och spara igen.")


def _read_zip(data: bytes, sink: ProblemSink) -> Plan | None:
    try:
        with sniffing.open_archive(data) as archive:
            if sniffing.is_word_document(archive):
                return read_prose_document(data, ".docx", sink)
            if not sniffing.archive_is_safe(archive, sink):
                return None
            return sheets.read_workbook(data, archive, sink)
    except Unreadable as exc:
        sink.add("not-a-workbook", detail=str(exc))
        return None


def read_prose_document(data: bytes, suffix: str, sink: ProblemSink) -> Plan | None:
    """A Word document or PDF under a workbook's (or JSON/YAML plan's) name: the user is told to
    give it its own name, under which `read_document` reads it. Not read here: a file named as a
    workbook is meant to be one, and reading it as a document would hide the mix-up."""
    sink.add("prose-document", what=_PROSE_NAMES[suffix])
    return None


_PROSE_NAMES = {".docx": "ett Word-dokument (.docx)", ".pdf": "en PDF-fil"}
