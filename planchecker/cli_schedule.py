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

from planchecker.cli_options import EXIT_ERROR, EXIT_GAPS, EXIT_OK, parse_date
from planchecker.filenames import shown
from planchecker.history import History, RunDiff, exclusive_lock
from planchecker.problems import PlancheckerError
from planchecker.rulebook import SEVERITY_RANK

if TYPE_CHECKING:
    from planchecker.checking import Outcome

_DB_OPTION = click.option(
    "--history", "history_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
    help="SQLite-fil med körningshistoriken (skapas vid behov).",
)


@click.group()
def schedule() -> None:
    """Schemalagd kontroll inför tertialrapport (T1, T2) och verksamhetsberättelse (VB)."""


@schedule.command("run")
@click.argument("plans", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--period", type=click.Choice(["T1", "T2", "VB"]), required=True, help="Uppföljningstillfälle.")
@click.option("--as-of", callback=parse_date, help="Bedöm per detta datum (ÅÅÅÅ-MM-DD). Standard: i dag.")
@_DB_OPTION
@click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Mapp för granskning.xlsx, granskning.json och junit.xml.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error", show_default=True)
@click.option("--workers", type=int, default=None, help="Antal processer (standard: antal kärnor).")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False))
def run(plans: tuple[Path, ...], period: str, as_of: dt.date | None, history_path: Path, outdir: Path,
        fail_on: str, workers: int | None, rules_dir: Path | None) -> None:
    """Kontrollera alla planer, skriv rapporterna och jämför med förra körningen."""
    from planchecker.limits import Limits
    from planchecker.outputs import writable_folder
    from planchecker.review import ReviewOptions, collect_plans, review_plans
    from planchecker.rulebook import load_catalogue
    from planchecker.schedule import run_schedule
    from planchecker.workbook import review_workbook

    as_of = as_of or dt.date.today()
    files = collect_plans(list(plans))
    if not files:
        raise PlancheckerError("Inga planer (.xlsx, .json, .yaml) hittades i de angivna sökvägarna.")
    catalogue = load_catalogue(rules_dir)
    # Refused before checking a single plan, not after: a second run on the same history, an
    # output folder or a history that cannot be written.
    with exclusive_lock(history_path):
        writable_folder(outdir)
        History(history_path).close()
        options = ReviewOptions.from_limits(Limits.from_env(), as_of, period)
        outcomes = review_plans(files, catalogue, options, workers=workers)
        result = run_schedule(outcomes, period=period, as_of=as_of.isoformat(),
                              history_path=history_path, outdir=outdir, workbook=review_workbook,
                              locked=True)
    click.echo(_run_table(outcomes, result.diff))
    previous = f"jämfört med körning {result.previous_run}" if result.previous_run else "ingen tidigare körning"
    click.echo(f"\nKörning {result.run_id} ({period}, {as_of.isoformat()}) sparad; {previous}.")
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
            rows.append([outcome.file, "kunde inte läsas", "", "", "", "", ""])
            continue
        report = outcome.report
        change = changes.get(report.plan_name, {})
        rows.append([report.plan_name, report.verdict, report.count("error"), report.count("warning"),
                     change.get("nya", "–"), change.get("åtgärdade", "–"), change.get("kvarstående", "–")])
    headers = ["Plan", "Resultat", "Fel", "Varningar", "Nya", "Åtgärdade", "Kvarstående"]
    return str(tabulate(rows, headers=headers))


@schedule.command("history")
@_DB_OPTION
def history_cmd(history_path: Path) -> None:
    """Lista tidigare körningar och deras summor."""
    if not history_path.exists():
        raise PlancheckerError(f"Historikfilen {history_path} finns inte.")
    with History(history_path) as history:
        rows = [[r.id, r.label, r.period, r.as_of, r.plans, r.failed_files, r.errors, r.warnings]
                for r in history.runs()]
    click.echo(tabulate(rows, headers=["Körning", "Namn", "Period", "Per datum", "Planer", "Ej lästa",
                                       "Fel", "Varningar"]))


@schedule.command("diff")
@click.argument("run_a", type=int)
@click.argument("run_b", type=int)
@_DB_OPTION
def diff_cmd(run_a: int, run_b: int, history_path: Path) -> None:
    """Visa skillnaden mellan två körningar: nya, åtgärdade och kvarstående brister."""
    if not history_path.exists():
        raise PlancheckerError(f"Historikfilen {history_path} finns inte.")
    with History(history_path) as history:
        history.run(run_a)
        history.run(run_b)
        diff = history.diff(run_a, run_b)
    for title, gaps in (("Nya brister", diff.new), ("Åtgärdade brister", diff.closed),
                        ("Kvarstående brister", diff.still_open)):
        click.echo(f"\n{title} ({len(gaps)}):")
        rows = [[g.plan, g.rule_id, g.severity, g.subjects, g.message] for g in gaps]
        if rows:
            click.echo(tabulate(rows, headers=["Plan", "Regel", "Nivå", "Gäller", "Brist"]))
