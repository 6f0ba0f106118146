"""A scheduled validation run before a tertialrapport: check every plan, write the review workbook,
a JSON report and JUnit XML, compare with the previous run for the same period, record the run.

Order matters for safety: the outputs are written atomically first, the run is recorded in the
history last, in one transaction. A crash anywhere leaves the previous history untouched.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planchecker.batch.history import Gap, History, PlanResult, RunDiff, diff_gaps, exclusive_lock
from planchecker.checking.pipeline import Outcome
from planchecker.common.outputs import write_file
from planchecker.reports.junit import render_junit
from planchecker.reports.matrix import build_review
from planchecker.reports.writers import json_text, outcome_records

WorkbookWriter = Callable[[Sequence[Outcome]], bytes]


@dataclass(frozen=True)
class ScheduleResult:
    run_id: int
    previous_run: int | None
    diff: RunDiff | None
    outcomes: tuple[Outcome, ...]
    written: tuple[Path, ...]


def plan_key(outcome: Outcome) -> str:
    """How a plan is recognised across runs: the nämnd's name, or the file when unreadable."""
    return outcome.report.plan_name if outcome.report else outcome.file


def summarise(outcomes: Sequence[Outcome]) -> tuple[list[PlanResult], list[Gap]]:
    """Each plan's result and gaps, once: a plan found in two files (an .xlsx and its .json twin)
    is recorded from the file the review counts it from, so the history never counts it twice."""
    counted_elsewhere = build_review(outcomes).counted_as()
    results: list[PlanResult] = []
    gaps: list[Gap] = []
    for outcome in outcomes:
        if outcome.file in counted_elsewhere:
            continue
        key = plan_key(outcome)
        if outcome.report is None:
            error = "; ".join(p.describe() for p in outcome.problems)
            results.append(PlanResult(key, outcome.file, "unreadable", error))
            continue
        report = outcome.report
        results.append(PlanResult(key, outcome.file, report.verdict))
        gaps += [
            Gap(key, f.rule_id, ",".join(f.subjects), f.severity, f.message)
            for f in report.findings
            if f.status == "fail" and f.severity in ("error", "warning")
        ]
    return sorted(results), sorted(gaps)


def _gap_record(gap: Gap) -> dict[str, Any]:
    return {"plan": gap.plan, "rule_id": gap.rule_id, "severity": gap.severity,
            "subjects": [s for s in gap.subjects.split(",") if s], "message": gap.message}


def changes_record(diff: RunDiff | None) -> dict[str, Any] | None:
    if diff is None:
        return None
    return {
        "new": [_gap_record(g) for g in diff.new],
        "closed": [_gap_record(g) for g in diff.closed],
        "still_open": [_gap_record(g) for g in diff.still_open],
        "missing": [{"plan": p.plan, "file": p.file} for p in diff.missing],
        "by_plan": diff.by_plan(),
    }


def render_schedule_json(
    outcomes: Sequence[Outcome], period: str, as_of: str, previous: int | None, diff: RunDiff | None
) -> str:
    review = build_review(outcomes)
    data = {
        "run": {"period": period, "as_of": as_of, "previous_run": previous},
        "plans": outcome_records(outcomes, review.counted_as()),
        "warnings": list(review.warnings),
        "changes": changes_record(diff),
    }
    return json_text(data)


def run_schedule(
    outcomes: Sequence[Outcome],
    *,
    period: str,
    as_of: str,
    history_path: Path,
    outdir: Path,
    workbook: WorkbookWriter | None = None,
    label: str = "",
    locked: bool = False,
) -> ScheduleResult:
    """Write the outputs for already checked plans and record the run, under an exclusive lock
    on the history (`locked`: the caller holds it already, from before checking the plans)."""
    with (contextlib.nullcontext() if locked else exclusive_lock(history_path)), \
            History(history_path) as history:
        results, gaps = summarise(outcomes)
        runs = history.runs()
        previous = next((r for r in reversed(runs) if r.period == period), None)
        diff = (diff_gaps(history.gaps(previous.id), results, gaps, history.plans(previous.id))
                if previous else None)
        written = _write_outputs(outcomes, period, as_of, previous.id if previous else None, diff, outdir, workbook)
        run_id = history.record(label or f"{period} {as_of}", period, as_of, results, gaps)
    return ScheduleResult(run_id, previous.id if previous else None, diff, tuple(outcomes), written)


def _write_outputs(
    outcomes: Sequence[Outcome], period: str, as_of: str, previous: int | None, diff: RunDiff | None,
    outdir: Path, workbook: WorkbookWriter | None,
) -> tuple[Path, ...]:
    outputs: list[tuple[Path, bytes]] = [
        (outdir / "granskning.json", render_schedule_json(outcomes, period, as_of, previous, diff).encode()),
        (outdir / "junit.xml", render_junit(outcomes, name=f"planchecker {period} {as_of}").encode()),
    ]
    if workbook is not None:
        outputs.append((outdir / "granskning.xlsx", workbook(outcomes)))
    for path, data in outputs:
        write_file(path, data)
    return tuple(path for path, _ in outputs)
