"""The `planchecker` command line. Parses options, calls the library, picks a writer, maps the
outcome to exit codes. No checking logic lives here.

Exit codes: 0 = nothing at or above --fail-on, 1 = gaps found, 2 = input, usage or engine error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from planchecker.checking.rulebook import SEVERITY_RANK
from planchecker.cli import swedish as cli_swedish
from planchecker.cli.options import EXIT_ERROR, EXIT_GAPS, EXIT_OK, parse_date
from planchecker.common.filenames import shown
from planchecker.common.problems import InputError, PlancheckerError
from planchecker.common.processes import Stopped

if TYPE_CHECKING:
    from planchecker.checking.findings import Report
    from planchecker.topics.classifier import Classifier

cli_swedish.install()  # before any command is defined: some of Click's texts are taken then

EXIT_CODES_HELP = """\b
Slutkoder:
  0  inga brister på eller över --fail-on
  1  brister hittades
  2  filen kunde inte läsas, felaktigt kommando eller motorfel"""


def _write_output(text: str | bytes, output: Path | None) -> None:
    if output is None:
        if isinstance(text, bytes):
            raise click.UsageError("Excel-format måste skrivas till en fil: ange -o FIL.xlsx.")
        click.echo(text, nl=False)
        return
    from planchecker.common.outputs import write_file

    write_file(output, text.encode("utf-8") if isinstance(text, str) else text)
    click.echo(f"Skrev {shown(str(output))}", err=True)


def _use_colour() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _terminal_width() -> int | None:
    """The terminal's width for tables that should fit it; None when output goes elsewhere
    (a file, a pipe), where the usual layout is kept. COLUMNS wins, as everywhere."""
    if not sys.stdout.isatty() and not os.environ.get("COLUMNS"):
        return None
    import shutil

    return shutil.get_terminal_size().columns


def exit_code_for(worst: str | None, fail_on: str) -> int:
    if fail_on == "never" or worst is None:
        return EXIT_OK
    return EXIT_GAPS if SEVERITY_RANK[worst] <= SEVERITY_RANK[fail_on] else EXIT_OK


class _Commands(click.Group):
    """The command group, with `serve` and `schedule` imported only when asked for: Flask and the
    web views would otherwise cost every `check` about 0.2 s at start-up, and the run history
    (sqlite3) and tabulate another 0.015 s."""

    _lazy = {
        "serve": ("planchecker.web.app", "serve_command"),
        "schedule": ("planchecker.cli.schedule_command", "schedule"),
        "import": ("planchecker.cli.import_command", "import_command"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self._lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self._lazy:
            import importlib

            module, attribute = self._lazy[name]
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return cli_swedish.localise(command)
        found = super().get_command(ctx, name)
        return cli_swedish.localise(found) if found is not None else None


@click.group(cls=_Commands, epilog=EXIT_CODES_HELP, options_metavar=cli_swedish.OPTIONS_METAVAR,
             subcommand_metavar=cli_swedish.SUBCOMMAND_METAVAR)
@click.version_option(package_name="planchecker")
def cli() -> None:
    """Granskar verksamhetsplaner mot Stockholms stads säkerhets- och trygghetsprogram och de
    lagar och överenskommelser som står bakom dem."""


_FAIL_ON = click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="error",
    show_default=True,
    help="Lägsta nivå på en brist som ger slutkod 1 (never: aldrig).",
)
_AS_OF = click.option(
    "--as-of",
    callback=parse_date,
    metavar="DATUM",
    help="Bedöm per detta datum (ÅÅÅÅ-MM-DD). Standard: i dag, dock högst planårets sista dag.",
)
_PERIOD = click.option(
    "--period", type=click.Choice(["T1", "T2", "VB"]), help="Uppföljningstillfälle."
)
_RULES = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Egen regelkatalog (med index.yaml) i stället för den inbyggda.",
)
WRITE_EXIT_HELP = """\b
Slutkoder:
  0  filen skrevs
  2  filen kunde inte skrivas eller felaktigt kommando"""
RULES_EXIT_HELP = """\b
Slutkoder:
  0  visat
  2  okänd regel eller okänt regelpaket, felaktiga regelfiler eller felaktigt kommando"""
RULES_TEST_EXIT_HELP = """\b
Slutkoder:
  0  alla testfall godkända
  1  minst ett testfall misslyckades
  2  felaktiga regelfiler eller felaktigt kommando"""


def render_report(
    report: Report, fmt: str, *, colour: bool = False, for_file: bool = False,
    width: int | None = None,
) -> str | bytes:
    """The report in the chosen format: text for table/json/markdown/html, bytes for xlsx. JSON
    for a file comes as UTF-8 bytes: decoding a large report only to encode it again costs time."""
    from planchecker.reports import writers

    if fmt == "xlsx":
        from planchecker.reports.workbook import plan_workbook

        return plan_workbook(report)
    if fmt == "json":
        return writers.render_json_bytes(report) if for_file else writers.render_json(report)
    if fmt == "markdown":
        return writers.render_markdown(report)
    if fmt == "html":
        from planchecker.reports.htmlreport import render_html

        return render_html(report)
    return writers.render_table(report, colour=colour, width=width)


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("plan", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "html", "xlsx"]),
    default="table",
    show_default=True,
    help="Rapportformat: table (terminal), json (schemas/report.schema.json), markdown, html (en "
    "fristående fil att bifoga ett tjänsteutlåtande) eller xlsx (kräver -o).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Skriv rapporten till fil.",
)
@_FAIL_ON
@_AS_OF
@_PERIOD
@_RULES
def check(
    plan: Path,
    fmt: str,
    output: Path | None,
    fail_on: str,
    as_of: dt.date | None,
    period: str | None,
    rules_dir: Path | None,
) -> None:
    """Kontrollera en verksamhetsplan (.xlsx, .json eller .yaml), eller en publicerad plan
    (.docx, .pdf med textlager, .html) vars struktur då tolkas; rapporten säger det överst.

    Tabellen visas i färg i en terminal, utan färg när utdata skickas vidare eller när
    miljövariabeln NO_COLOR är satt.
    """
    from planchecker.common import processes
    from planchecker.common.filenames import shown_name
    from planchecker.reading.limits import Limits, time_text

    if fmt == "xlsx" and output is None:
        raise click.UsageError("Excel-format måste skrivas till en fil: ange -o FIL.xlsx.")
    limits = Limits.from_env()
    # The vocabulary is loaded here, before the child is forked, as review's workers load it
    # before their budget: the budget is for the plan, and the vocabulary's scanners alone took
    # most of the 40 MB a test allows one (a MemoryError then hit before any plan was read).
    classifier = _classifier()

    def work() -> int:
        return _check(plan, fmt, output, fail_on, as_of, period, rules_dir, classifier)

    # In a child process under the time and memory budget (see limits.py).
    try:
        code = processes.supervised(work, limits.max_seconds, limits.max_memory, report_exception)
    except processes.OverTime:
        raise PlancheckerError(f"{shown_name(plan)}: {time_text(limits)}") from None
    except processes.Killed as killed:
        raise PlancheckerError(
            f"{shown_name(plan)}: kontrollen avbröts av signalen {killed.name}, oftast för att "
            "datorn fick slut på minne. Dela upp planen på flera filer, eller sänk "
            "PLANCHECKER_MAX_MEMORY_MB så att planchecker själv avbryter i tid.") from None
    sys.exit(code)


def _classifier() -> Classifier:
    from planchecker.checking.pipeline import collector_paused
    from planchecker.topics.classifier import Classifier, default_vocabulary_dir

    with collector_paused():
        return Classifier.load(default_vocabulary_dir())


def _check(plan: Path, fmt: str, output: Path | None, fail_on: str, as_of: dt.date | None,
           period: str | None, rules_dir: Path | None, classifier: Classifier) -> int:
    from planchecker.checking.pipeline import Checker, collector_paused

    to_file = output is not None
    colour = _use_colour() and not to_file
    with collector_paused():
        checker = Checker(classifier=classifier, rules_dir=rules_dir)
        outcome = checker.check_file(plan, as_of=as_of, period=period)
        for note in outcome.notes:
            click.echo(f"Obs: {note.describe()}", err=True)
        if outcome.report is None:
            raise InputError(list(outcome.problems))
        report = outcome.report
        width = None if to_file else _terminal_width()
        _write_output(render_report(report, fmt, colour=colour, for_file=to_file, width=width),
                      output)
    if report.engine_errors:
        raise PlancheckerError("Regelmotorn slutförde inte kontrollen; rapporten är ofullständig.")
    return exit_code_for(report.worst(), fail_on)


REVIEW_EXIT_HELP = """\b
Slutkoder:
  0  alla planer granskades och ingen har brister på eller över --fail-on
  1  alla planer granskades, minst en har brister på eller över --fail-on
  2  minst en fil kunde inte granskas (den står som felrad i resultatet),
     felaktigt kommando eller felaktiga regelfiler"""


@cli.command(epilog=REVIEW_EXIT_HELP)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="FILER_OCH_MAPPAR...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "json", "markdown", "table"]),
    default="xlsx",
    show_default=True,
    help="xlsx: bristarbetsbok till -o och täckningsmatrisen i terminalen; json, markdown och "
    "table skrivs till -o eller till terminalen.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Utfil. För xlsx är standard granskning.xlsx.",
)
@_FAIL_ON
@_AS_OF
@_PERIOD
@_RULES
@click.option(
    "-j",
    "--workers",
    type=click.IntRange(min=1),
    help="Antal parallella processer (standard: antal processorkärnor).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Längsta tid i sekunder för en plan; längre blir en felrad. Standard: "
    "PLANCHECKER_MAX_SECONDS, annars 120.",
)
def review(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    fail_on: str,
    as_of: dt.date | None,
    period: str | None,
    rules_dir: Path | None,
    workers: int | None,
    timeout: float | None,
) -> None:
    """Granska många planer på en gång: filer och mappar (.xlsx, .json, .yaml, .yml, och
    publicerade planer som .docx, .pdf, .html; en mapp läses utan undermappar, i namnordning).

    Varje plan kontrolleras i en egen process, parallellt över processorkärnorna. Varje fil i en
    mapp redovisas: en fil som inte kan läsas eller kontrolleras (t.ex. .ods, .xls eller .csv)
    blir en rad "kunde inte granskas" med orsaken och vad som hjälper; alla andra planer
    redovisas ändå. Bara Excels låsfiler (~$…), dolda filer och undermappar hoppas över, och de
    räknas upp.
    """
    from planchecker.batch.review import ReviewOptions, collect_files, review_plans
    from planchecker.checking.rulebook import load_catalogue
    from planchecker.reports import writers
    from planchecker.reports.matrix import build_review

    collected = collect_files(paths)
    files = collected.files
    if not files:
        skipped = collected.skipped_text()
        raise PlancheckerError(
            "Inga filer att granska i " + ", ".join(str(p) for p in paths) + "."
            + (f" {skipped}" if skipped else "")
        )
    catalogue = load_catalogue(rules_dir)
    from planchecker.reading.limits import Limits

    options = ReviewOptions.from_limits(Limits.from_env(), as_of, period, timeout)
    with _progress(len(files)) as advance:
        outcomes = review_plans(files, catalogue, options, workers=workers, on_done=advance)
    result = build_review(outcomes)
    if fmt == "xlsx":
        from planchecker.reports.workbook import review_workbook

        _write_output(review_workbook(outcomes), output or Path("granskning.xlsx"))
        click.echo(writers.render_review_table(result, colour=_use_colour(),
                                               width=_terminal_width()), nl=False)
    elif fmt == "json":
        _write_output(writers.render_review_json(outcomes), output)
    elif fmt == "markdown":
        _write_output(writers.render_review_markdown(result), output)
    else:
        colour = _use_colour() and output is None
        width = _terminal_width() if output is None else None
        _write_output(writers.render_review_table(result, colour=colour, width=width), output)
    skipped = collected.skipped_text()
    if skipped:
        click.echo(skipped, err=True)
    if result.failed:
        failed = f"{len(result.failed)} av {result.files} filer"
        click.echo(f"Fel: {failed} kunde inte granskas.", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(exit_code_for(result.worst(), fail_on))


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr when it is a terminal; otherwise nothing."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    with click.progressbar(length=total, label="Granskar planer", file=sys.stderr) as bar:
        yield lambda: bar.update(1)


@cli.command(epilog=WRITE_EXIT_HELP)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Filen som ska skapas, t.ex. plan.xlsx.",
)
@click.option("--year", type=int, default=None, help="Planår att fylla i (standard: nästa år).")
def template(output: Path, year: int | None) -> None:
    """Skriv en tom Excel-mall att fylla i."""
    from planchecker.reading.template import write_template

    year = year or dt.date.today().year + 1
    _write_output(write_template(year=year), output)


@cli.group(epilog=RULES_TEST_EXIT_HELP)
def rules() -> None:
    """Visa, testa och dokumentera reglerna."""


@rules.command("list", epilog=RULES_EXIT_HELP)
@click.option("--source", metavar="PAKET", help="Visa bara regler från detta regelpaket (id).")
@_RULES
def rules_list(source: str | None, rules_dir: Path | None) -> None:
    """Lista alla regler."""
    from tabulate import tabulate

    from planchecker.checking.rulebook import SEVERITY_LABELS, load_catalogue

    catalogue = load_catalogue(rules_dir)
    if source and source not in {p.id for p in catalogue.packs}:
        raise PlancheckerError(f"Okänt regelpaket {source!r}. Se `planchecker rules list`.")
    rows = [
        [r.id, SEVERITY_LABELS[r.rule.severity], r.years.label(), r.rule.title, r.pack.id]
        for r in catalogue.rules
        if source is None or r.pack.id == source
    ]
    click.echo(tabulate(rows, headers=["Id", "Nivå", "Planår", "Rubrik", "Paket"]))


@rules.command("show", epilog=RULES_EXIT_HELP)
@click.argument("rule_id", metavar="REGEL")
@_RULES
def rules_show(rule_id: str, rules_dir: Path | None) -> None:
    """Visa en regel: text, källa, tillämplighet och exempel."""
    from planchecker.checking.rulebook import load_catalogue
    from planchecker.checking.rulecases import load_cases
    from planchecker.reports.ruledocs import rule_section

    catalogue = load_catalogue(rules_dir)
    bound = catalogue.get_rule(rule_id)
    click.echo(rule_section(bound, [c for _, c in load_cases() if c.rule == bound.id]))


@rules.command("test", epilog=RULES_TEST_EXIT_HELP)
@_RULES
def rules_test(rules_dir: Path | None) -> None:
    """Kör varje regels egna testfall (tests/rule_cases)."""
    from planchecker.checking.pipeline import Checker
    from planchecker.checking.rulecases import load_cases, run_case

    checker = Checker(rules_dir=rules_dir)
    failed = 0
    cases = load_cases()
    for file, case in cases:
        result = run_case(checker, file, case)
        if not result.passed:
            failed += 1
            want = sorted(e.key() for e in case.expect)
            got = list(result.got)
            click.echo(
                f"MISSLYCKADES {file}: {case.name} ({case.rule}): väntat {want}, fick {got}"
                + (f", motorfel {list(result.engine_errors)}" if result.engine_errors else "")
            )
    click.echo(f"{len(cases) - failed} godkända, {failed} misslyckade")
    sys.exit(EXIT_GAPS if failed else EXIT_OK)


@rules.command("docs", epilog=WRITE_EXIT_HELP)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("docs/rules.md"),
    show_default=True,
    help="Filen som ska skrivas.",
)
def rules_docs(output: Path) -> None:
    """Generera regelreferensen (docs/rules.md) från regelfilerna."""
    from planchecker.checking.rulebook import load_catalogue
    from planchecker.checking.rulecases import load_cases
    from planchecker.reports.ruledocs import render_rules_markdown

    _write_output(render_rules_markdown(load_catalogue(), load_cases()), output)


def main() -> None:
    """Entry point: never a traceback for the user; exit 2 on anything unexpected."""
    try:
        cli.main(prog_name="planchecker", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        sys.exit(report_exception(exc))
    except (Stopped, click.exceptions.Abort, KeyboardInterrupt) as exc:
        sys.exit(report_exception(exc))


def report_exception(exc: BaseException) -> int:
    """Say what went wrong, in Swedish and without a traceback; the exit code that goes with it."""
    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code
    if isinstance(exc, click.ClickException):
        exc.show()
        return exc.exit_code if isinstance(exc, PlancheckerError) else EXIT_ERROR
    if isinstance(exc, Stopped):
        click.echo(f"Avbrutet: planchecker fick signalen {exc.name}; arbetsprocesserna är "
                   "avslutade och inga resultat skrevs.", err=True)
        return exc.exit_code
    if isinstance(exc, (click.exceptions.Abort, KeyboardInterrupt)):
        click.echo("Avbrutet.", err=True)
        return EXIT_ERROR
    if isinstance(exc, MemoryError):  # past the memory budget (PLANCHECKER_MAX_MEMORY_MB)
        from planchecker.reading.limits import Limits, memory_text

        click.echo(f"Fel: {memory_text(Limits.from_env())}", err=True)
        return EXIT_ERROR
    click.echo(f"Fel: internt fel i planchecker ({type(exc).__name__}: {exc}). Rapportera felet.",
               err=True)
    return EXIT_ERROR
