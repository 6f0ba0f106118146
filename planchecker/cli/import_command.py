"""`planchecker import`: a published plan document (.docx, .pdf, .html) into the Excel template.

The structure is inferred (see docstructure); the template comes back pre-filled, each row with
its place in the document, and a sheet "Att kontrollera" listing what was guessed or left out,
for the planner to correct before the plan is checked.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from planchecker.common.problems import InputError, PlancheckerError

if TYPE_CHECKING:
    from planchecker.reading.docimport import NamndHints
    from planchecker.reading.limits import Limits

_TYPES = "stadsdelsnämnd, facknämnd, bolagsstyrelse eller kommunstyrelse"


def _namnd_type(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from planchecker.common.model import parse_namnd_type

    if value is not None and parse_namnd_type(value) is None:
        raise click.BadParameter(f"{value!r} är ingen nämndtyp; skriv {_TYPES}.")
    return value


IMPORT_EXIT_HELP = """\b
Slutkoder:
  0  mallen skrevs
  2  dokumentet kunde inte läsas, saknar planstruktur eller säger inte
     nämnd, typ eller år (ange då --namnd, --typ, --ar), eller felaktigt kommando"""


@click.command("import", epilog=IMPORT_EXIT_HELP)
@click.argument("document", metavar="DOKUMENT", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Excel-filen som ska skrivas (standard: dokumentets namn med .xlsx).")
@click.option("--namnd", metavar="NAMN",
              help="Nämndens eller bolagets namn (går före det dokumentets rubrik säger).")
@click.option("--typ", "namnd_type", callback=_namnd_type, metavar="TYP",
              help=f"Nämndtyp: {_TYPES} (går före dokumentet).")
@click.option("--ar", "year", type=click.IntRange(2000, 2100), metavar="ÅR",
              help="Planåret (går före dokumentet).")
def import_command(document: Path, output: Path | None, namnd: str | None,
                   namnd_type: str | None, year: int | None) -> None:
    """Läs en publicerad verksamhetsplan (.docx, .pdf med textlager, .html) och skriv Excel-mallen
    förifylld med mål, indikatorer, aktiviteter och RSA-risker.

    Strukturen tolkas ur dokumentets rubriker, listor, tabeller och ord som Mål, Nämndmål,
    Måluppfyllelse, Aktiviteter och Risk. Varje rad får sin plats i dokumentet, och bladet
    "Att kontrollera" listar det som gissades eller lämnades utanför. Granska mallen och kör
    sedan planchecker check på den.
    """
    from planchecker.cli.main import report_exception
    from planchecker.common import processes
    from planchecker.common.filenames import shown_name
    from planchecker.reading.limits import Limits, memory_text

    limits = Limits.from_env()
    # The readers' libraries are loaded here, before the budget: under a small one, mapping a
    # shared library in the child fails as an ImportError, which would read as an internal error
    import docx  # noqa: F401
    import pdfplumber  # noqa: F401

    from planchecker.reading import docimport  # noqa: F401

    def work() -> int:
        from planchecker.reading.docimport import NamndHints

        _import(document, output, NamndHints(name=namnd, type=namnd_type, year=year), limits)
        return 0

    # In a child process under the same time and memory budget as check (see limits.py): a
    # hostile document must not take the machine with it.
    try:
        code = processes.supervised(work, limits.max_seconds, limits.max_memory, report_exception)
    except processes.OverTime:
        raise PlancheckerError(
            f"{shown_name(document)}: Dokumentet tog för lång tid att läsa (mer än "
            f"{limits.max_seconds} s) och avbröts. Dela upp dokumentet, eller höj "
            "PLANCHECKER_MAX_SECONDS.") from None
    except processes.Killed as killed:
        raise PlancheckerError(
            f"{shown_name(document)}: importen avbröts av signalen {killed.name}, oftast för "
            f"att datorn fick slut på minne. {memory_text(limits)}") from None
    sys.exit(code)


def _import(document: Path, output: Path | None, hints: NamndHints, limits: Limits) -> None:
    from planchecker.cli.main import _write_output
    from planchecker.reading import docimport, sniffing
    from planchecker.reading.problem_sink import ProblemSink
    from planchecker.reading.reader import document_format, load_document_bytes, read_document

    sink = ProblemSink(str(document), limits)
    data = load_document_bytes(document, sink)
    if data is None:
        raise InputError(sink.items)
    kind, suffix = sniffing.sniff(data), document.suffix.lower()
    if document_format(data, kind, suffix) is None:
        raise PlancheckerError(f"{document.name} är inget dokument som kan importeras; "
                               "import läser .docx, .pdf (med textlager) och .html/.htm. "
                               "En .xlsx-, .json- eller .yaml-plan kontrolleras direkt med "
                               "planchecker check.")
    imported = read_document(data, suffix, kind, sink, hints)
    if imported is None or sink.items:
        raise InputError(sink.items)
    target = output or document.with_suffix(".xlsx")
    if target.resolve() == document.resolve():
        raise PlancheckerError("Utfilen får inte vara samma fil som dokumentet; ange -o.")
    from planchecker.reading.docstructure import KIND_LABELS

    # written first: what was found is told only once the template is on disk, so a memory
    # error or a full disk while writing never follows a summary that reads like success
    _write_output(docimport.imported_workbook(imported), target)
    counts = imported.inferred.counts()
    click.echo(f"Plan: {imported.plan.namnd.name}, planår {imported.plan.namnd.year}", err=True)
    click.echo("Hittade: " + ", ".join(f"{counts[k]} {w}" for k, w in
                                        KIND_LABELS.items()) + ".", err=True)
    if not counts["goal"]:
        click.echo(docimport.NO_GOALS, err=True)
    click.echo(f"Att kontrollera: {docimport.rows(len(imported.inferred.notes))} (bladet "
               f"{docimport.CHECK_SHEET}).", err=True)
