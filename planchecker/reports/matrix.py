"""Many checked plans as one review: a row per file, a coverage matrix and the city-wide share of
requirements met. Pure functions of the outcomes; nothing is evaluated here, every state is read
off a report's findings and its applicable rules (see findings.Report).

The matrix shows every gap, not only fokusområden: a column per fokusområde, with the areas of
different program generations that mean the same thing in one column ("Förebygga otillåten
påverkan…" 2018–2021 and "Otillåten påverkan…" 2020–2023 are both Hot och våld), then columns for
the requirements that belong to no fokusområde: RSA coverage, documents, references, overdue
activities and the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from planchecker.checking.findings import COVERAGE_LABELS, Report, Requirement
from planchecker.checking.rulebook import CATEGORY_LABELS, SEVERITY_RANK
from planchecker.common.model import TOPIC_LABELS, Topic

if TYPE_CHECKING:
    from planchecker.checking.pipeline import Outcome

# An unreadable file lists at most this many problems in its row; the rest are counted.
MAX_PROBLEMS_SHOWN = 5


@dataclass(frozen=True)
class MatrixColumn:
    """One column of the matrix: the fokusområden it joins, or the kinds of gap (categories) of
    the requirements that belong to no fokusområde."""

    label: str
    areas: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def requirements(self, report: Report) -> list[Requirement]:
        if self.areas:
            return [r for r in report.requirements if r.counts and r.area in self.areas]
        return [r for r in report.requirements
                if r.counts and r.area is None and r.category in self.categories]

    def share(self, report: Report) -> tuple[int, int]:
        """(met, applicable) requirements of this column in one plan; waived counts as met."""
        counted = self.requirements(report)
        return sum(1 for r in counted if report.rule_status(r.rule_id) != "missing"), len(counted)

    @property
    def key(self) -> str:
        """What the column holds, for the key under the matrix."""
        if self.areas == (self.label,):
            return self.label
        if self.areas:
            return f"{self.label}: {'; '.join(self.areas)}"
        kinds = ", ".join(CATEGORY_LABELS.get(c, c).lower() for c in self.categories)
        return f"{self.label}: {kinds}" if kinds else self.label


# The requirements without a fokusområde, as columns, in this order; the last takes the rest.
_OTHER_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("RSA-täckning", ("uncovered_risk",)),
    ("Dokument", ("missing_document", "outdated_document", "expired_document")),
    ("Hänvisningar", ("broken_reference",)),
    ("Försenat", ("overdue_activity",)),
)
_REST_LABEL = "Övriga krav"
_WHOLE_PROGRAM = "Programmet som helhet"


@dataclass(frozen=True)
class ReviewRow:
    """One file of the review: its report, or why it could not be checked."""

    file: str
    report: Report | None
    error: str | None = None
    notes: tuple[str, ...] = ()  # what the reader passed over (an unknown sheet, a second Id)
    # Other files holding the same plan (same nämnd and planår): reported once, from `file`.
    same_plan_in: tuple[str, ...] = ()
    same_result: bool = True  # whether those files gave the same findings and coverage

    @property
    def ok(self) -> bool:
        return self.report is not None and self.error is None

    def status(self, column: MatrixColumn) -> str | None:
        """The Swedish coverage word for a column; None when the file was not checked."""
        if not self.ok or self.report is None:
            return None
        return COVERAGE_LABELS[self.report.status_of(column.requirements(self.report))]

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
    columns: tuple[MatrixColumn, ...]

    @property
    def failed(self) -> tuple[ReviewRow, ...]:
        return tuple(row for row in self.rows if not row.ok)

    @property
    def reports(self) -> tuple[Report, ...]:
        return tuple(row.report for row in self.rows if row.ok and row.report is not None)

    @property
    def noted(self) -> tuple[ReviewRow, ...]:
        return tuple(row for row in self.rows if row.notes)

    def column_share(self, column: MatrixColumn) -> tuple[int, int]:
        """(met, applicable) requirements of a column summed over every checked plan."""
        met = total = 0
        for report in self.reports:
            column_met, column_total = column.share(report)
            met, total = met + column_met, total + column_total
        return met, total

    def column_waived(self, column: MatrixColumn) -> int:
        """How many of `column_share`'s met requirements hold only by an undantag."""
        return sum(1 for report in self.reports for r in column.requirements(report)
                   if report.rule_status(r.rule_id) == "waived")

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
    rows = _one_row_per_plan([ReviewRow(o.file, o.report, describe_failure(o),
                                        tuple(f"{n.title}: {n.message}" for n in o.notes))
                              for o in ordered])
    reports = [row.report for row in rows if row.ok and row.report is not None]
    return Review(rows, _columns(reports))


def _columns(reports: Sequence[Report]) -> tuple[MatrixColumn, ...]:
    """The columns some checked plan has a requirement in: a column of blanks says nothing."""
    by_topic: dict[Topic | str, dict[str, None]] = {}
    for report in reports:
        # An area name several packs share (a law's area named like the program's) is the program's.
        topics: dict[str, list[Topic]] = {}
        for pack in report.packs:
            for area, area_topics in pack.areas.items():
                topics.setdefault(area, area_topics)
        for area in report.areas:
            # One column per meaning: areas of different programs whose first topic is the same;
            # a program's own-mål area (all its topics) is a column of its own.
            meaning: Topic | str = (
                _WHOLE_PROGRAM if len(topics.get(area, ())) > 2
                else topics[area][0] if topics.get(area) else area
            )
            by_topic.setdefault(meaning, {})[area] = None
    order = {topic: n for n, topic in enumerate(Topic)}

    def place(meaning: Topic | str) -> tuple[int, str]:
        return (order[meaning], "") if isinstance(meaning, Topic) else (len(order), meaning)

    columns = [MatrixColumn(TOPIC_LABELS[m] if isinstance(m, Topic) else m, tuple(areas))
               for m, areas in sorted(by_topic.items(), key=lambda pair: place(pair[0]))]
    named = {c for _, cs in _OTHER_COLUMNS for c in cs}
    rest = tuple(sorted({r.category for report in reports for r in report.requirements
                         if r.counts and r.area is None and r.category not in named}))
    columns += [MatrixColumn(label, categories=categories)
                for label, categories in (*_OTHER_COLUMNS, (_REST_LABEL, rest))]
    return tuple(c for c in columns
                 if any(c.requirements(report) for report in reports))


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
