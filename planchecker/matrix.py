"""Many checked plans as one review: a row per file, a coverage matrix over fokusområden and the
city-wide share of requirements met. Pure functions of the outcomes; nothing is evaluated here,
every state is read off a report's findings and its applicable rules (see findings.Report).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from planchecker.findings import COVERAGE_LABELS, Report
from planchecker.rulebook import SEVERITY_RANK

if TYPE_CHECKING:
    from planchecker.checking import Outcome

# An unreadable file lists at most this many problems in its row; the rest are counted.
MAX_PROBLEMS_SHOWN = 5


@dataclass(frozen=True)
class ReviewRow:
    """One file of the review: its report, or why it could not be checked."""

    file: str
    report: Report | None
    error: str | None = None
    # Other files holding the same plan (same nämnd and planår): reported once, from `file`.
    same_plan_in: tuple[str, ...] = ()
    same_result: bool = True  # whether those files gave the same findings and coverage

    @property
    def ok(self) -> bool:
        return self.report is not None and self.error is None

    def status(self, area: str) -> str | None:
        """The Swedish coverage word for a fokusområde; None when the file was not checked."""
        if not self.ok or self.report is None:
            return None
        if area not in self.report.areas:
            return COVERAGE_LABELS["not_applicable"]
        return COVERAGE_LABELS[self.report.area_status(area)]

    @property
    def files(self) -> tuple[str, ...]:
        return (self.file, *self.same_plan_in)

    def duplicate_warning(self) -> str | None:
        """The warning for a plan found in more than one file, naming every file; else None."""
        if not self.same_plan_in or self.report is None:
            return None
        names = ", ".join(self.files[:-1]) + " och " + self.files[-1]
        text = (
            f"Samma plan finns i {len(self.files)} filer: {names} ({self.report.plan_name}, "
            f"planår {self.report.plan_year}). Den räknas som en plan, enligt {self.file}."
        )
        if not self.same_result:
            text += " Filerna ger olika resultat: kontrollera vilken som är den beslutade planen."
        return text

    def share(self) -> float | None:
        if not self.ok or self.report is None:
            return None
        met, total = self.report.requirements_met()
        return met / total if total else None


@dataclass(frozen=True)
class Review:
    rows: tuple[ReviewRow, ...]
    areas: tuple[str, ...]

    @property
    def failed(self) -> tuple[ReviewRow, ...]:
        return tuple(row for row in self.rows if not row.ok)

    @property
    def reports(self) -> tuple[Report, ...]:
        return tuple(row.report for row in self.rows if row.ok and row.report is not None)

    def area_share(self, area: str) -> tuple[int, int]:
        """(met, applicable) requirements of a fokusområde summed over every checked plan."""
        met = total = 0
        for report in self.reports:
            area_met, area_total = report.requirements_met(area)
            met, total = met + area_met, total + area_total
        return met, total

    def area_waived(self, area: str) -> int:
        """How many of `area_share`'s met requirements hold only by an undantag."""
        return sum(report.requirements_waived(area) for report in self.reports)

    @property
    def files(self) -> int:
        return sum(len(row.files) for row in self.rows)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(w for w in (row.duplicate_warning() for row in self.rows) if w is not None)

    def counted_as(self) -> dict[str, str]:
        """Each file that holds a plan already counted from another file -> that other file."""
        return {other: row.file for row in self.rows for other in row.same_plan_in}

    def worst(self) -> str | None:
        """The most severe failing severity over every checked plan (None when nothing fails)."""
        found = [w for w in (r.worst() for r in self.reports) if w is not None]
        return min(found, key=SEVERITY_RANK.__getitem__) if found else None


def describe_failure(outcome: Outcome) -> str | None:
    """Why a file has no usable report, in Swedish; None when it has one."""
    if outcome.report is not None and not outcome.report.engine_errors:
        return None
    if outcome.report is not None:
        return "Motorfel: " + "; ".join(outcome.report.engine_errors)
    shown = [
        f"{p.title}: {p.message}" + _where(p.location.sheet, p.location.row)
        for p in outcome.problems[:MAX_PROBLEMS_SHOWN]
    ]
    hidden = len(outcome.problems) - len(shown)
    if hidden > 0:
        shown.append(f"… och {hidden} fel till")
    return "; ".join(shown) or "Filen kunde inte kontrolleras."


def _where(sheet: str | None, row: int | None) -> str:
    parts = ([f"blad {sheet}"] if sheet else []) + ([f"rad {row}"] if row is not None else [])
    return f" ({', '.join(parts)})" if parts else ""


def build_review(outcomes: Sequence[Outcome]) -> Review:
    """Rows sorted by file name, so the review never depends on the order plans finished in."""
    ordered = sorted(outcomes, key=lambda o: o.file)
    rows = _one_row_per_plan([ReviewRow(o.file, o.report, describe_failure(o)) for o in ordered])
    areas: dict[str, None] = {}
    for row in rows:
        if row.ok and row.report is not None:
            # A fokusområde no checked plan has a requirement in would be a column of blanks.
            areas.update(
                dict.fromkeys(a for a in row.report.areas if row.report.requirements_met(a)[1])
            )
    return Review(rows, tuple(areas))


def _plan_key(report: Report) -> tuple[str, int]:
    return " ".join(report.plan_name.split()).casefold(), report.plan_year


def _result(report: Report) -> tuple[object, ...]:
    """What a reader compares between two files of one plan: findings and coverage, not where in
    the file each item stands (an .xlsx and a .json place the same item differently)."""
    findings = tuple((f.rule_id, f.severity, f.status, f.subjects) for f in report.findings)
    return findings, report.coverage_record(), report.verdict


def _one_row_per_plan(rows: list[ReviewRow]) -> tuple[ReviewRow, ...]:
    """Files of the same nämnd and planår (a plan saved as .xlsx and as .json, a copy) become one
    row, from the first file by name, which names the others: a plan is never counted twice."""
    first_of: dict[tuple[str, int], int] = {}
    kept: list[ReviewRow] = []
    for row in rows:
        if not row.ok or row.report is None:
            kept.append(row)
            continue
        key = _plan_key(row.report)
        if key not in first_of:
            first_of[key] = len(kept)
            kept.append(row)
            continue
        index = first_of[key]
        first = kept[index]
        assert first.report is not None
        kept[index] = replace(
            first,
            same_plan_in=(*first.same_plan_in, row.file),
            same_result=first.same_result and _result(first.report) == _result(row.report),
        )
    return tuple(kept)
