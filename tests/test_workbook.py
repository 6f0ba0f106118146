"""The report workbooks: golden cell values, identical bytes, the review matrix, its conditional
formatting, filters and chart, and formula-injection neutralisation."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest

from planchecker.checking.pipeline import Outcome
from planchecker.common.model import Location, Plan
from planchecker.common.problems import InputProblem
from planchecker.reports import xlsxkit
from planchecker.reports.matrix import build_review
from planchecker.reports.workbook import plan_workbook, review_workbook
from tests.golden_cases import (
    GOLDEN,
    PLANS,
    checker,
    plan_report,
    sample_outcomes,
    snapshot_json,
)

STALE = "inaktuell golden-fil: kör .venv/bin/python tools/regenerate_golden.py och granska diffen"
ZWSP = xlsxkit.ZERO_WIDTH_SPACE


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return sample_outcomes()


@pytest.fixture(scope="module")
def review_book(outcomes: list[Outcome]) -> Any:
    return openpyxl.load_workbook(io.BytesIO(review_workbook(outcomes)))


def _matrix(ws: Any) -> dict[str, dict[str, Any]]:
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    # only the matrix's own columns: the legend and the column key stand beside it
    return {row[0]: {k: v for k, v in zip(header[2:], row[2:], strict=True) if k}
            for row in rows[1:] if row[0]}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_plan_workbook_matches_golden_cells(name: str) -> None:
    expected = (GOLDEN / "reports" / f"{name}.xlsx.json").read_text(encoding="utf-8")
    assert snapshot_json(plan_workbook(plan_report(name))) == expected, STALE


def test_review_workbook_matches_golden_cells(outcomes: list[Outcome]) -> None:
    expected = (GOLDEN / "review" / "sample_plans.xlsx.json").read_text(encoding="utf-8")
    assert snapshot_json(review_workbook(outcomes)) == expected, STALE


def test_workbooks_are_byte_identical_across_runs(outcomes: list[Outcome]) -> None:
    report = plan_report("sodermalm-sdn-2020")
    assert plan_workbook(report) == plan_workbook(report)
    assert review_workbook(outcomes) == review_workbook(list(reversed(outcomes)))
    with zipfile.ZipFile(io.BytesIO(review_workbook(outcomes))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "<dc:creator>planchecker</dc:creator>" in core and "2000-01-01T00:00:00Z" in core


def test_review_workbook_has_the_four_sheets(review_book: Any) -> None:
    assert review_book.sheetnames == ["Sammanfattning", "Täckning", "Brister", "Diagram"]


def test_review_matrix_values(review_book: Any, outcomes: list[Outcome]) -> None:
    matrix = _matrix(review_book["Täckning"])
    # Skarpnäck's plan is in sample_plans/ as .json and as .xlsx: one row, from the first file.
    assert list(matrix) == sorted(o.file for o in outcomes if o.file != "skarpnack-sdn-2021.xlsx")
    assert matrix["sodermalm-sdn-2020.xlsx"]["Civilt försvar"] == "undantag"
    assert matrix["skarpnack-sdn-2021.json"]["Civilt försvar"] == "saknas"
    # 2018's "Bygga ett gott säkerhetsskydd" and 2020's area 3 (with the säkerhetsskydd and
    # cybersäkerhet laws' areas of the same name) share a column. Älvsjö's informationssäkerhet
    # mål M8 counts for area 5 of the 2018 program.
    assert matrix["alvsjo-sdn-2018.xlsx"]["Säkerhetsskydd"] == "uppfyllt"
    assert matrix["stockholm-vatten-2022.xlsx"]["Säkerhetsskydd"] == "uppfyllt"
    assert "Informationssäkerhet" not in matrix["stockholm-vatten-2022.xlsx"]
    # Each program's own-mål rule has one column for all programs.
    assert matrix["alvsjo-sdn-2018.xlsx"]["Programmet som helhet"] == "uppfyllt"
    # gaps outside the fokusområden have columns too
    assert matrix["alvsjo-sdn-2018.xlsx"]["RSA-täckning"] == "ej tillämpligt"
    assert matrix["alvsjo-sdn-2018.xlsx"]["Dokument"] == "saknas"
    assert matrix["sodermalm-sdn-2020.xlsx"]["Hänvisningar"] == "saknas"
    allowed = {"uppfyllt", "saknas", "undantag", "ej tillämpligt"}
    assert {v for row in matrix.values() for v in row.values()} <= allowed | {None}
    key = {row[0]: row[5] for row in review_book["Diagram"].iter_rows(min_row=2, values_only=True)
           if row[0]}
    assert key["Hot och våld"] == ("Fokusområde: Förebygga otillåten påverkan samt hot och våld "
                                   "mot anställda; Otillåten påverkan samt hot och våld mot anställda")
    assert key["Hänvisningar"] == "Krav utan fokusområde: felaktig hänvisning"


def test_review_matrix_formatting_and_legend(review_book: Any, outcomes: list[Outcome]) -> None:
    ws = review_book["Täckning"]
    columns = build_review(outcomes).columns
    last_column = openpyxl.utils.get_column_letter(len(columns) + 2)
    legend_column = openpyxl.utils.get_column_letter(len(columns) + 4)
    rules = {
        (str(cf.sqref), r.formula[0], r.dxf.fill.fgColor.rgb)
        for cf in ws.conditional_formatting
        for r in cf.rules
    }
    plans = len(build_review(outcomes).rows)
    ranges = f"C2:{last_column}{plans + 1} {legend_column}2:{legend_column}5"
    assert {(s, f) for s, f, _ in rules} == {
        (ranges, f'"{w}"') for w in ("uppfyllt", "saknas", "undantag", "ej tillämpligt")
    }
    assert len({fill for _, _, fill in rules}) == 4
    legend = [ws[f"{legend_column}{row}"].value for row in range(1, 6)]
    assert legend == ["Förklaring", "uppfyllt", "saknas", "undantag", "ej tillämpligt"]
    # Colours come from the rules, not from static fills on the cells.
    assert all(cell.fill.fgColor.rgb in (None, "00000000") for row in ws["C2:D3"] for cell in row)
    assert ws.freeze_panes == "C2"


def test_findings_sheet_has_filter_panes_and_widths(
    review_book: Any, outcomes: list[Outcome]
) -> None:
    ws = review_book["Brister"]
    count = sum(len(report.findings) for report in build_review(outcomes).reports)
    assert ws.auto_filter.ref == f"A1:K{count + 1}"
    assert ws.freeze_panes == "C2"
    header = [c.value for c in ws[1]]
    assert header == [
        "Fil",
        "Nämnd",
        "Regel",
        "Nivå",
        "Status",
        "Fokusområde",
        "Brist",
        "Gäller (rad)",
        "Källa",
        "Undantag",
        "Kan gälla fokusområdet",
    ]
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    assert widths["C"] == max(len(str(c.value)) for c in ws["C"]) + 2
    assert widths["G"] == 60 and ws["G2"].alignment.wrap_text


def test_summary_sheet_rows_and_shares(review_book: Any, outcomes: list[Outcome]) -> None:
    rows = list(review_book["Sammanfattning"].iter_rows(values_only=True))
    assert rows[0][:8] == (
        "Fil",
        "Nämnd",
        "Typ",
        "Planår",
        "Fel",
        "Varningar",
        "Undantag",
        "Andel uppfyllda krav",
    )
    by_file = {row[0]: row for row in rows[1 : len(outcomes) + 1]}
    sodermalm = by_file["sodermalm-sdn-2020.xlsx"]
    # S2 is the one error and S1 the one waiver; S3 is no gap since the utbildnings- och övningsplan
    # is kommunstyrelsen's document, so there is no warning.
    assert sodermalm[1:7] == ("Södermalms stadsdelsnämnd", "Stadsdelsnämnd", 2020, 1, 0, 1)
    report = next(o.report for o in outcomes if o.file == "sodermalm-sdn-2020.xlsx")
    met, total = report.requirements_met()  # type: ignore[union-attr]
    assert sodermalm[7] == pytest.approx(met / total)


def test_chart_of_share_met_per_area(review_book: Any, outcomes: list[Outcome]) -> None:
    ws = review_book["Diagram"]
    assert [type(c).__name__ for c in ws._charts] == ["BarChart"]
    review = build_review(outcomes)
    table = {row[0]: row[1] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}
    assert list(table) == [c.label for c in review.columns if review.column_share(c)[1]]
    column = next(c for c in review.columns if c.label == "Civilt försvar")
    met, total = review.column_share(column)
    assert table["Civilt försvar"] == pytest.approx(met / total)


def test_unreadable_file_becomes_an_error_row(outcomes: list[Outcome]) -> None:
    broken = Outcome(
        "trasig.xlsx",
        None,
        (
            InputProblem(
                "not-a-workbook", Location(file="trasig.xlsx"), {"detail": "okänt innehåll"}
            ),
        ),
    )
    book = openpyxl.load_workbook(io.BytesIO(review_workbook([*outcomes, broken])))
    summary = {row[0]: row for row in book["Sammanfattning"].iter_rows(values_only=True)}
    assert summary["trasig.xlsx"][summary["Fil"].index("Resultat")].startswith(
        "Kunde inte granskas: Inte en Excel-arbetsbok: Filen är inte"
    )
    matrix = _matrix(book["Täckning"])
    assert set(matrix["trasig.xlsx"].values()) == {None}
    names = {row[0]: row[1] for row in book["Täckning"].iter_rows(values_only=True)}
    assert names["trasig.xlsx"] == "(kunde inte granskas)"
    files = [row.file for row in build_review(outcomes).rows]
    assert list(names)[1:] == sorted([*files, "trasig.xlsx"])


# --- formula injection -----------------------------------------------------------------------

HOSTILE_NAME = '=HYPERLINK("http://example.invalid","klicka")'


def _hostile_report() -> Any:
    plan = Plan.model_validate(
        {
            "namnd": {"name": HOSTILE_NAME, "type": "stadsdelsnamnd", "year": 2020},
            "goals": [{"id": "M1", "text": "Krisberedskap", "topics": ["krisberedskap"]}],
            "activities": [
                {"id": "@SUM(A1)", "goal_id": "-1+2", "text": "x"},
                {"id": "+A1", "goal_id": "\tX", "text": "y"},
            ],
            "waivers": [{"rule": "SAK20-CF-AKT", "motivation": "=cmd|' /C calc'!A0"}],
        }
    )
    return checker().check(plan, "=fil.json")


@pytest.mark.parametrize("which", ["plan", "review"])
def test_plan_text_is_never_a_formula(which: str) -> None:
    report = _hostile_report()
    data = (
        plan_workbook(report)
        if which == "plan"
        else review_workbook([Outcome("=fil.json", report)])
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [
            archive.read(n).decode()
            for n in archive.namelist()
            if n.startswith("xl/worksheets/sheet")
        ]
    assert not any("<f>" in xml for xml in sheets)
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = [
        c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert f"{ZWSP}{HOSTILE_NAME}" in texts and HOSTILE_NAME not in texts
    assert not [t for t in texts if t.startswith(xlsxkit.FORMULA_START)]
    # Subjects (plan ids) and a waiver's motivation reach the findings sheet neutralised.
    assert {f"{ZWSP}@SUM(A1)", f"{ZWSP}+A1", f"{ZWSP}=cmd|' /C calc'!A0"} <= set(texts)
    if which == "review":
        assert f"{ZWSP}=fil.json" in texts


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_safe_text_prefixes_formula_starts(text: str) -> None:
    assert xlsxkit.safe_text(text) == ZWSP + text


def test_safe_text_leaves_ordinary_text_and_cleans_control_characters() -> None:
    assert xlsxkit.safe_text("Krisberedskap = bra") == "Krisberedskap = bra"
    assert xlsxkit.safe_text("a\x00b\x1fc") == "a\ufffdb\ufffdc"
    assert len(xlsxkit.safe_text("x" * 40_000)) == xlsxkit.MAX_CELL_TEXT + 2


def test_plan_workbook_sheets_and_coverage() -> None:
    report = plan_report("sodermalm-sdn-2020")
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(report)))
    assert book.sheetnames == ["Sammanfattning", "Brister", "Täckning"]
    coverage = {
        row[0]: row[1:5]
        for row in book["Täckning"].iter_rows(min_row=2, values_only=True)
        if row[0]
    }
    assert coverage["Civilt försvar"] == ("uppfyllt", "undantag", "ej tillämpligt", "undantag")
    ranges = {str(cf.sqref) for cf in book["Täckning"].conditional_formatting}
    assert ranges == {f"B2:E{len(report.areas) + 1} H2:H5"}
    assert book["Brister"].auto_filter.ref == f"A1:I{len(report.findings) + 1}"
