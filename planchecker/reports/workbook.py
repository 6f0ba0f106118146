"""The report workbooks: one plan's findings and coverage, and the central review's gap workbook.

Both return bytes that depend only on their content (xlsxkit.save). Every text cell that can hold
plan text is neutralised against formula injection (xlsxkit.safe_text).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from planchecker.checking.findings import COVERAGE_ITEMS, COVERAGE_LABELS, Finding, Report
from planchecker.checking.rulebook import SEVERITY_LABELS
from planchecker.reports import xlsxkit
from planchecker.reports.matrix import MatrixColumn, Review, ReviewRow, build_review
from planchecker.reports.writers import (
    CANDIDATES_HEADING,
    ITEM_LABELS,
    STATUS_LABELS,
    candidate_lines,
    report_share,
    subjects_text,
    type_label,
    verdict_text,
    waiver_text,
)
from planchecker.reports.xlsxkit import BOLD, PERCENT, TITLE, put, write_header, write_row

if TYPE_CHECKING:
    from planchecker.checking.pipeline import Outcome

SUMMARY, COVERAGE, FINDINGS, CHART = "Sammanfattning", "Täckning", "Brister", "Diagram"
FINDING_HEADERS = [
    "Regel",
    "Nivå",
    "Status",
    "Fokusområde",
    "Brist",
    "Gäller (rad)",
    "Källa",
    "Undantag",
    CANDIDATES_HEADING,
]
REVIEW_SUMMARY_HEADERS = [
    "Fil",
    "Nämnd",
    "Typ",
    "Planår",
    "Fel",
    "Varningar",
    "Undantag",
    "Andel uppfyllda krav",
    "Varav med undantag",
    "Resultat",
]


# --- one plan --------------------------------------------------------------------------------


def plan_workbook(report: Report) -> bytes:
    """`check --format xlsx`: a summary, every finding, and the coverage per fokusområde."""
    book = xlsxkit.new_workbook()
    _plan_summary(book.create_sheet(SUMMARY), report)
    _findings_sheet(book.create_sheet(FINDINGS), [((), report, f) for f in report.findings], [])
    _plan_coverage(book.create_sheet(COVERAGE), report)
    return xlsxkit.save(book)


def _plan_summary(ws: Worksheet, report: Report) -> None:
    met, total = report.requirements_met()
    put(
        ws,
        1,
        1,
        f"Granskning av verksamhetsplan: {report.plan_name} {report.plan_year}",
        font=TITLE,
    )
    rows: list[tuple[str, Any]] = [
        ("Nämnd", report.plan_name),
        ("Typ", type_label(report.plan_type)),
        ("Planår", report.plan_year),
        ("Fil", report.file),
        ("Bedömd per", report.as_of.isoformat()),
        ("Uppföljning", report.period or ""),
        ("Regelpaket", ", ".join(p.title for p in report.packs) or "inga"),
        ("Regler som gäller planen", report.rules_checked),
        ("Fel", report.count("error")),
        ("Varningar", report.count("warning")),
        ("Information", report.count("info")),
        ("Undantag", sum(1 for f in report.findings if f.status == "waived")),
        ("Andel uppfyllda krav", met / total if total else None),
        ("Varav uppfyllda genom undantag", report.requirements_waived()),
        ("Resultat", verdict_text(report)),
    ]
    if report.notice:  # read from a published document: say so before anything else
        rows.insert(0, ("Obs!", report.notice))
    for number, (label, value) in enumerate(rows, start=3):
        put(ws, number, 1, label, font=BOLD)
        put(ws, number, 2, value, number_format=PERCENT if label.startswith("Andel") else None)
    for number, error in enumerate(report.engine_errors, start=len(rows) + 4):
        put(ws, number, 1, "Motorfel", font=BOLD)
        put(ws, number, 2, error)
    xlsxkit.fit_columns(ws, maximum=90, fixed={1: 26})  # the title in A1 may spill over
    xlsxkit.fit_rows(ws)
    xlsxkit.print_setup(ws, title_rows=None)


def _plan_coverage(ws: Worksheet, report: Report) -> None:
    headers = [
        "Fokusområde",
        *(ITEM_LABELS[i] for i in COVERAGE_ITEMS),
        "Alla krav",
        "Uppfyllda krav",
    ]
    write_header(ws, 1, headers)
    for number, area in enumerate(report.areas, start=2):
        states = [COVERAGE_LABELS[report.area_status(area, item)] for item in COVERAGE_ITEMS]
        write_row(
            ws,
            number,
            [area, *states, COVERAGE_LABELS[report.area_status(area)], report_share(report, area)],
        )
    last = len(report.areas) + 1
    legend_column = len(headers) + 2
    legend = xlsxkit.write_legend(ws, 1, legend_column)
    ranges = [legend] + ([xlsxkit.table_range(2, 2, 5, last)] if report.areas else [])
    xlsxkit.add_status_formatting(ws, ranges)
    ws.freeze_panes = "B2"
    xlsxkit.fit_columns(ws)
    xlsxkit.fit_rows(ws)
    xlsxkit.print_setup(ws)


# --- findings sheet (shared) ----------------------------------------------------------------


FindingRow = tuple[tuple[Any, ...], Report, Finding]


def _finding_values(report: Report, finding: Finding) -> list[Any]:
    return [
        finding.rule_id,
        SEVERITY_LABELS[finding.severity],
        STATUS_LABELS[finding.status],
        finding.area or "",
        finding.message,
        subjects_text(report, finding),
        finding.source,
        waiver_text(finding),
        "\n".join(candidate_lines(report, finding)),
    ]


def _findings_sheet(ws: Worksheet, rows: Sequence[FindingRow], lead: Sequence[str]) -> None:
    """Every finding, one per row, with auto-filter and frozen header row."""
    headers = [*lead, *FINDING_HEADERS]
    write_header(ws, 1, headers)
    for number, (prefix, report, finding) in enumerate(rows, start=2):
        write_row(ws, number, [*prefix, *_finding_values(report, finding)])
    ws.auto_filter.ref = xlsxkit.table_range(1, 1, len(headers), max(len(rows) + 1, 2))
    ws.freeze_panes = f"{get_column_letter(len(lead) + 1)}2"  # the header and the lead columns
    xlsxkit.fit_columns(ws)
    xlsxkit.fit_rows(ws)
    xlsxkit.print_setup(ws)


# --- the central review ------------------------------------------------------------------------


def review_workbook(outcomes: Sequence[Outcome]) -> bytes:
    """The gap workbook for many plans (`review`); rows sorted by file name."""
    review = build_review(outcomes)
    book = xlsxkit.new_workbook()
    _review_summary(book.create_sheet(SUMMARY), review)
    _review_matrix(book.create_sheet(COVERAGE), review)
    rows: list[FindingRow] = [
        ((row.file, row.report.plan_name), row.report, finding)
        for row in review.rows
        if row.ok and row.report is not None
        for finding in row.report.findings
    ]
    _findings_sheet(book.create_sheet(FINDINGS), rows, ["Fil", "Nämnd"])
    _review_chart(book.create_sheet(CHART), review)
    return xlsxkit.save(book)


def _summary_values(row: ReviewRow) -> list[Any]:
    report = row.report
    if not row.ok or report is None:
        name = report.plan_name if report is not None else ""
        return [
            row.file,
            name,
            "",
            None,
            None,
            None,
            None,
            None,
            None,
            f"Kunde inte granskas: {row.error}",
        ]
    waived = sum(1 for f in report.findings if f.status == "waived")
    return [
        row.file,
        report.plan_name,
        type_label(report.plan_type),
        report.plan_year,
        report.count("error"),
        report.count("warning"),
        waived,
        row.share(),
        report.requirements_waived(),
        verdict_text(report),
    ]


def _review_summary(ws: Worksheet, review: Review) -> None:
    write_header(ws, 1, REVIEW_SUMMARY_HEADERS)
    share_column = REVIEW_SUMMARY_HEADERS.index("Andel uppfyllda krav") + 1
    for number, row in enumerate(review.rows, start=2):
        write_row(ws, number, _summary_values(row))
        ws.cell(row=number, column=share_column).number_format = PERCENT
    last = len(review.rows) + 1
    ws.auto_filter.ref = xlsxkit.table_range(1, 1, len(REVIEW_SUMMARY_HEADERS), max(last, 2))
    ws.freeze_panes = "C2"
    xlsxkit.fit_columns(ws, fixed={share_column: 12})
    xlsxkit.fit_rows(ws)
    xlsxkit.print_setup(ws)
    put(
        ws,
        last + 2,
        1,
        "Andel uppfyllda krav = tillämpliga krav utan brist (undantag räknas som uppfyllt) "
        "/ tillämpliga krav. Varav med undantag = krav som är uppfyllda bara genom undantag. "
        "Upplysningar räknas inte som krav.",
    )
    for number, warning in enumerate(review.warnings, start=last + 3):
        put(ws, number, 1, f"Varning: {warning}")


def _review_matrix(ws: Worksheet, review: Review) -> None:
    """Rows: nämnder; columns: fokusområden, then the gaps outside them (RSA coverage,
    documents, references, overdue); cells: the four status words, coloured by rules."""
    write_header(ws, 1, ["Fil", "Nämnd", *(c.label for c in review.columns)])
    for number, row in enumerate(review.rows, start=2):
        name = row.report.plan_name if row.report is not None else ""
        if not row.ok:
            name = f"{name} (kunde inte granskas)".strip()
        write_row(ws, number, [row.file, name, *(row.status(c) for c in review.columns)])
    last_row, last_column = len(review.rows) + 1, len(review.columns) + 2
    legend_column = last_column + 2
    ranges = [xlsxkit.write_legend(ws, 1, legend_column)]
    if review.columns and review.rows:
        ranges.append(xlsxkit.table_range(3, 2, last_column, last_row))
    xlsxkit.add_status_formatting(ws, ranges)
    ws.freeze_panes = "C2"
    xlsxkit.fit_columns(ws, maximum=40)
    xlsxkit.fit_rows(ws)
    xlsxkit.print_setup(ws)


def _column_scope(column: MatrixColumn) -> str:
    what = column.key.removeprefix(f"{column.label}: ")
    return f"Fokusområde: {what}" if column.areas else f"Krav utan fokusområde: {what}"


def _review_chart(ws: Worksheet, review: Review) -> None:
    """Share of requirements met per matrix column across every checked plan, as a bar chart."""
    # The last column says what each matrix column holds: the program areas it joins, or the
    # kinds of gap outside the fokusområden.
    write_header(ws, 1, ["Kolumn", "Andel uppfyllda krav", "Uppfyllda", "Krav",
                         "Varav med undantag", "Omfattar"])
    shares = [(c, *review.column_share(c)) for c in review.columns]
    shares = [(column, met, total) for column, met, total in shares if total]
    for number, (column, met, total) in enumerate(shares, start=2):
        write_row(ws, number, [column.label, met / total, met, total,
                               review.column_waived(column), _column_scope(column)])
        ws.cell(row=number, column=2).number_format = PERCENT
    xlsxkit.fit_columns(ws, maximum=50)
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Andel uppfyllda krav (hela staden)"
    chart.y_axis.title = "Andel uppfyllda krav"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.number_format = PERCENT
    chart.legend = None
    # Fokusområden top-down in table order; axes drawn explicitly (newer Excel hides them
    # otherwise).
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    last = max(len(shares) + 1, 2)
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
    chart.width, chart.height = 22, 4 + 1.2 * max(len(shares), 1)
    # Below the table and after a page break: in print the chart has a page of its own.
    chart_row = last + 2
    ws.add_chart(chart, f"A{chart_row}")
    ws.row_breaks.append(Break(id=chart_row - 1))
    xlsxkit.fit_rows(ws)
    xlsxkit.print_setup(ws, title_rows=None)  # the table's header is not the chart's
