"""`planchecker schedule`: unattended runs before each tertialrapport, their history and diffs.

Exit codes for a scheduler: 0 = nothing at or above --fail-on, 1 = gaps (alert), 2 = some plan
could not be read or checked, or the run could not be made (alert louder).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from tabulate import tabulate

from planchecker.batch.history import History, RunDiff, exclusive_lock
from planchecker.checking.rulebook import SEVERITY_RANK
from planchecker.cli.options import EXIT_ERROR, EXIT_GAPS, EXIT_OK, parse_date
from planchecker.common.filenames import shown
from planchecker.common.problems import PlancheckerError
from planchecker.reports.matrix import build_review

if TYPE_CHECKING:
    from planchecker.checking.pipeline import Outcome

_DB_OPTION = click.option(
    "--history", "history_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
    help="SQLite-fil med körningshistoriken; skapas vid den första körningen.",
)
_DB_READ_OPTION = click.option(
    "--history", "history_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
    help="SQLite-filen som `schedule run` skriver körningshistoriken till. Finns den inte blir "
    "det ett fel (slutkod 2): den skapas bara av `schedule run`.",
)
SCHEDULE_EXIT_HELP = """\b
Slutkoder:
  0  inga brister på eller över --fail-on
  1  brister hittades
  2  minst en fil kunde inte läsas eller kontrolleras, eller körningen
     kunde inte göras (felaktigt kommando, historiken upptagen eller trasig)"""
READ_EXIT_HELP = """\b
Slutkoder:
  0  visat
  2  historikfilen eller körningen finns inte, eller filen är ingen historik"""

# A run's result per plan, in the words the table shows (history stores the codes).
VERDICT_WORDS = {"ok": "inga brister", "gaps": "brister", "engine-error": "motorfel",
                 "unreadable": "kunde inte läsas"}


@click.group(epilog=SCHEDULE_EXIT_HELP)
def schedule() -> None:
    """Schemalagd kontroll inför tertialrapport (T1, T2) och verksamhetsberättelse (VB)."""


@schedule.command("run", epilog=SCHEDULE_EXIT_HELP)
@click.argument("plans", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True),
                metavar="FILER_OCH_MAPPAR...")
@click.option("--period", type=click.Choice(["T1", "T2", "VB"]), required=True, help="Uppföljningstillfälle.")
@click.option("--as-of", callback=parse_date, metavar="DATUM",
              help="Bedöm per detta datum (ÅÅÅÅ-MM-DD). Standard: i dag, dock högst planårets sista "
              "dag, för varje plan för sig (som `check`).")
@_DB_OPTION
@click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Mapp för granskning.xlsx, granskning.json och junit.xml.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error",
              show_default=True,
              help="Lägsta nivå på en brist som ger slutkod 1: error (fel), warning (varning) eller "
              "never (aldrig).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Antal parallella processer (standard: antal processorkärnor).")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Egen regelkatalog (med index.yaml) i stället för den inbyggda.")
def run(plans: tuple[Path, ...], period: str, as_of: dt.date | None, history_path: Path, outdir: Path,
        fail_on: str, workers: int | None, rules_dir: Path | None) -> None:
    """Kontrollera alla planer, skriv rapporterna och jämför med förra körningen för samma
    period. Varje fil i en mapp redovisas; Excels låsfiler (~$…), dolda filer och undermappar
    hoppas över och räknas upp."""
    from planchecker.batch.review import ReviewOptions, collect_files, review_plans
    from planchecker.batch.schedule import run_schedule
    from planchecker.checking.rulebook import load_catalogue
    from planchecker.common.outputs import writable_folder
    from planchecker.reading.limits import Limits
    from planchecker.reports.matrix import describe_failure
    from planchecker.reports.workbook import review_workbook

    collected = collect_files(list(plans))
    if not collected.files:
        raise PlancheckerError("Inga filer att granska i de angivna sökvägarna."
                               + (f" {collected.skipped_text()}" if collected.skipped else ""))
    catalogue = load_catalogue(rules_dir)
    # Without --as-of each plan is judged at its own default, as `check` does: today, but never
    # past its plan year, so last year's plan does not fill with "försenad".
    as_of_text = as_of.isoformat() if as_of else f"{dt.date.today().isoformat()} (högst planåret)"
    label = f"{period} per {as_of_text}: " + ", ".join(str(p) for p in plans)
    # Refused before checking a single plan, not after: a second run on the same history, an
    # output folder or a history that cannot be written.
    with exclusive_lock(history_path):
        writable_folder(outdir)
        History(history_path).close()
        options = ReviewOptions.from_limits(Limits.from_env(), as_of, period)
        outcomes = review_plans(collected.files, catalogue, options, workers=workers)
        result = run_schedule(outcomes, period=period, as_of=as_of_text,
                              history_path=history_path, outdir=outdir, workbook=review_workbook,
                              label=label, locked=True)
    review = build_review(outcomes)
    click.echo(_run_table([o for o in outcomes if o.file not in review.counted_as()], result.diff))
    if review.warnings:
        click.echo("\nVarningar:")
        for warning in review.warnings:
            click.echo(f"  {warning}")
    failed = [(o.file, describe_failure(o)) for o in outcomes if describe_failure(o)]
    if failed:
        click.echo("\nKunde inte läsas eller kontrolleras:")
        for file, reason in failed:
            click.echo(f"  {file}: {reason}")
    if result.diff is not None and result.diff.missing:
        click.echo(f"\nSaknas i denna körning ({len(result.diff.missing)}), fanns i körning "
                   f"{result.previous_run}:")
        for plan in result.diff.missing:
            click.echo(f"  {plan.plan} ({plan.file})")
    if collected.skipped:
        click.echo(f"\n{collected.skipped_text()}")
    previous = f"jämfört med körning {result.previous_run}" if result.previous_run else "ingen tidigare körning"
    click.echo(f"\nKörning {result.run_id} ({period}, per {as_of_text}) sparad; {previous}.")
    for path in result.written:
        click.echo(f"Skrev {shown(str(path))}")
    sys.exit(_exit_code(outcomes, fail_on))


def _exit_code(outcomes: Sequence[Outcome], fail_on: str) -> int:
    if any(o.report is None or o.report.engine_errors for o in outcomes):
        return EXIT_ERROR
    if fail_on == "never":
        return EXIT_OK
    limit = SEVERITY_RANK[fail_on]
    failing = any(
        f.status == "fail" and SEVERITY_RANK[f.severity] <= limit
        for o in outcomes if o.report is not None for f in o.report.findings
    )
    return EXIT_GAPS if failing else EXIT_OK


def _run_table(outcomes: Sequence[Outcome], diff: RunDiff | None) -> str:
    changes = diff.by_plan() if diff else {}
    rows: list[list[object]] = []
    for outcome in outcomes:
        if outcome.report is None:
            rows.append([outcome.file, VERDICT_WORDS["unreadable"], "", "", "", "", ""])
            continue
        report = outcome.report
        change = changes.get(report.plan_name, {})
        rows.append([report.plan_name, VERDICT_WORDS[report.verdict], report.count("error"),
                     report.count("warning"), change.get("nya", "–"), change.get("åtgärdade", "–"),
                     change.get("kvarstående", "–")])
    headers = ["Plan", "Resultat", "Fel", "Varningar", "Nya", "Åtgärdade", "Kvarstående"]
    return str(tabulate(rows, headers=headers))


@schedule.command("history", epilog=READ_EXIT_HELP)
@_DB_READ_OPTION
def history_cmd(history_path: Path) -> None:
    """Lista tidigare körningar: namn (period, datum och mappar), planer och summor."""
    if not history_path.exists():
        raise PlancheckerError(f"Historikfilen {history_path} finns inte; den skapas av "
                               "`planchecker schedule run`.")
    with History(history_path) as history:
        rows = [[r.id, r.label, r.period, r.as_of, r.plans, r.failed_files, r.errors, r.warnings]
                for r in history.runs()]
    click.echo(tabulate(rows, headers=["Körning", "Namn", "Period", "Per datum", "Planer", "Ej lästa",
                                       "Fel", "Varningar"]))


@schedule.command("diff", epilog=READ_EXIT_HELP)
@click.argument("run_a", type=int, metavar="FÖRRA")
@click.argument("run_b", type=int, metavar="DENNA")
@_DB_READ_OPTION
def diff_cmd(run_a: int, run_b: int, history_path: Path) -> None:
    """Visa skillnaden mellan två körningar (nummer ur `schedule history`): nya, åtgärdade och
    kvarstående brister, och planer som fanns i FÖRRA men saknas i DENNA."""
    from planchecker.checking.rulebook import SEVERITY_LABELS

    if not history_path.exists():
        raise PlancheckerError(f"Historikfilen {history_path} finns inte; den skapas av "
                               "`planchecker schedule run`.")
    with History(history_path) as history:
        history.run(run_a)
        history.run(run_b)
        diff = history.diff(run_a, run_b)
    for title, gaps in (("Nya brister", diff.new), ("Åtgärdade brister", diff.closed),
                        ("Kvarstående brister", diff.still_open)):
        click.echo(f"\n{title} ({len(gaps)}):")
        rows = [[g.plan, g.rule_id, SEVERITY_LABELS.get(g.severity, g.severity), g.subjects,
                 g.message] for g in gaps]
        if rows:
            click.echo(tabulate(rows, headers=["Plan", "Regel", "Nivå", "Gäller", "Brist"]))
    click.echo(f"\nSaknas i denna körning ({len(diff.missing)}):")
    if diff.missing:
        click.echo(tabulate([[p.plan, p.file, VERDICT_WORDS.get(p.verdict, p.verdict)]
                             for p in diff.missing],
                            headers=["Plan", "Fil", "Resultat i förra körningen"]))
