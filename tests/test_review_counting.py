"""What a review counts: a plan found in two files is one plan with a warning naming both, and a
requirement met only by an undantag says so beside the share, in every format."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import openpyxl
import pytest

from planchecker.checking.pipeline import Outcome
from planchecker.reports import htmlreport, writers
from planchecker.reports.matrix import build_review
from planchecker.reports.workbook import plan_workbook, review_workbook
from tests.golden_cases import plan_report, sample_outcomes

SKARPNACK_WARNING = (
    "Samma plan finns i 2 filer: skarpnack-sdn-2021.json och skarpnack-sdn-2021.xlsx "
    "(Skarpnäcks stadsdelsnämnd, planår 2021). Den räknas som en plan, enligt skarpnack-sdn-2021.json."
)


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return sample_outcomes()


def _outcome(outcomes: list[Outcome], file: str) -> Outcome:
    return next(o for o in outcomes if o.file == file)


# --- one plan in two files ------------------------------------------------------------------------


def test_a_plan_in_two_formats_is_one_row_with_a_warning(outcomes: list[Outcome]) -> None:
    assert len(outcomes) == 6  # five plans, Skarpnäck's as .json and .xlsx
    review = build_review(outcomes)
    assert [row.file for row in review.rows] == [
        "alvsjo-sdn-2018.xlsx", "skarpnack-sdn-2021.json", "sodermalm-sdn-2020.xlsx",
        "stockholm-vatten-2022.xlsx", "utbildningsnamnden-2018.xlsx",
    ]
    skarpnack = review.rows[1]
    assert skarpnack.same_plan_in == ("skarpnack-sdn-2021.xlsx",) and skarpnack.same_result
    assert review.warnings == (SKARPNACK_WARNING,)
    assert review.counted_as() == {"skarpnack-sdn-2021.xlsx": "skarpnack-sdn-2021.json"}
    assert writers.review_verdict(review) == "5 planer i 6 filer: 5 granskade, 5 med fel."


def test_city_wide_shares_count_each_plan_once(outcomes: list[Outcome]) -> None:
    once = build_review([o for o in outcomes if o.file != "skarpnack-sdn-2021.xlsx"])
    twice = build_review(outcomes)
    assert twice.columns == once.columns
    for column in once.columns:
        assert twice.column_share(column) == once.column_share(column)
    skarpnack = _outcome(outcomes, "skarpnack-sdn-2021.json").report
    assert skarpnack is not None
    area = "Civilt försvar"
    column = next(c for c in once.columns if c.label == area)
    assert once.column_share(column)[1] == sum(r.requirements_met(area)[1] for r in once.reports)


def test_the_warning_is_in_every_review_format(outcomes: list[Outcome]) -> None:
    review = build_review(outcomes)
    table = writers.render_review_table(review)
    assert f"Varningar:\n  {SKARPNACK_WARNING}\n" in table
    assert "skarpnack-sdn-2021.xlsx  " not in table  # no row of its own
    markdown = writers.render_review_markdown(review)
    assert "## Varningar" in markdown and writers.md(SKARPNACK_WARNING) in markdown
    data = json.loads(writers.render_review_json(outcomes))
    assert data["warnings"] == [SKARPNACK_WARNING]
    by_file = {plan["file"]: plan for plan in data["plans"]}
    assert by_file["skarpnack-sdn-2021.xlsx"]["same_plan_as"] == "skarpnack-sdn-2021.json"
    assert "same_plan_as" not in by_file["skarpnack-sdn-2021.json"]
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(outcomes)))
    summary = [row[0] for row in book["Sammanfattning"].iter_rows(values_only=True)]
    assert f"Varning: {SKARPNACK_WARNING}" in summary
    assert "skarpnack-sdn-2021.xlsx" not in summary
    findings_files = {row[0] for row in book["Brister"].iter_rows(min_row=2, values_only=True)}
    assert "skarpnack-sdn-2021.xlsx" not in findings_files


def test_files_of_one_plan_that_disagree_say_so(outcomes: list[Outcome]) -> None:
    xlsx = _outcome(outcomes, "skarpnack-sdn-2021.xlsx")
    assert xlsx.report is not None
    changed = replace(xlsx, report=replace(xlsx.report, findings=xlsx.report.findings[1:]))
    review = build_review([_outcome(outcomes, "skarpnack-sdn-2021.json"), changed])
    assert len(review.rows) == 1 and not review.rows[0].same_result
    assert review.warnings[0].endswith(
        "Filerna ger olika resultat: kontrollera vilken som är den beslutade planen."
    )


def test_same_name_written_differently_is_the_same_plan_but_another_year_is_not(
    outcomes: list[Outcome],
) -> None:
    json_plan = _outcome(outcomes, "skarpnack-sdn-2021.json")
    assert json_plan.report is not None
    renamed = replace(json_plan, file="kopia.yaml",
                      report=replace(json_plan.report, plan_name="  SKARPNÄCKS   stadsdelsnämnd"))
    next_year = replace(json_plan, file="skarpnack-2022.json",
                        report=replace(json_plan.report, plan_year=2022))
    review = build_review([json_plan, renamed, next_year])
    assert [(row.file, row.same_plan_in) for row in review.rows] == [
        ("kopia.yaml", ("skarpnack-sdn-2021.json",)), ("skarpnack-2022.json", ()),
    ]
    assert writers.review_verdict(review) == "2 planer i 3 filer: 2 granskade, 2 med fel."


# --- coverage that holds by undantag ----------------------------------------------------------


def test_shares_name_the_requirements_met_by_undantag() -> None:
    assert writers.share_text(2, 2, 1) == "2 av 2, varav 1 med undantag (100 %)"
    assert writers.share_text(2, 3) == "2 av 3 (67 %)"
    report = plan_report("sodermalm-sdn-2020")  # Civilt försvar: one requirement waived
    assert report.area_status("Civilt försvar") == "waived"
    assert report.requirements_met("Civilt försvar") == (2, 2)
    assert report.requirements_waived("Civilt försvar") == 1
    assert report.requirements_waived("Krisberedskap") == 0
    assert report.coverage_record()["waived"] == report.requirements_waived() == 1


def test_undantag_wording_in_every_plan_format() -> None:
    report = plan_report("sodermalm-sdn-2020")
    waived_share = "2 av 2, varav 1 med undantag (100 %)"
    table = writers.render_table(report)
    assert any(line.startswith("Civilt försvar") and line.endswith(waived_share) for line in table.splitlines())
    assert f"| Civilt försvar | uppfyllt | undantag | ej tillämpligt | undantag | {waived_share} |" in (
        writers.render_markdown(report)
    )
    assert f"<td>{waived_share}</td>" in htmlreport.render_html(report)
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(report)))
    rows = list(book["Täckning"].iter_rows(values_only=True))
    column = rows[0].index("Uppfyllda krav")
    assert {row[0]: row[column] for row in rows}["Civilt försvar"] == waived_share
    summary = {row[0]: row[1] for row in book["Sammanfattning"].iter_rows(values_only=True)}
    assert summary["Varav uppfyllda genom undantag"] == 1
    overall = writers.report_share(report)
    assert ", varav 1 med undantag (" in overall
    assert json.loads(writers.render_json(report))["coverage"]["waived"] == 1


def test_undantag_wording_in_every_review_format(outcomes: list[Outcome]) -> None:
    review = build_review(outcomes)
    sodermalm = next(r for r in review.reports if r.plan_name.startswith("Södermalm"))
    share = writers.report_share(sodermalm)
    assert ", varav 1 med undantag (" in share
    assert share in writers.render_review_table(review)
    markdown = writers.render_review_markdown(review)
    assert share in markdown
    civil = "Civilt försvar"
    column = next(c for c in review.columns if c.label == civil)
    assert review.column_waived(column) == 1
    assert f"| {civil} | {civil} | {writers.share_text(*review.column_share(column), 1)} |" in markdown
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(outcomes)))
    rows = list(book["Sammanfattning"].iter_rows(values_only=True))
    column = rows[0].index("Varav med undantag")
    by_file = {row[0]: row for row in rows[1:]}
    assert by_file["sodermalm-sdn-2020.xlsx"][column] == 1
    assert by_file["alvsjo-sdn-2018.xlsx"][column] == 0
    chart = {row[0]: row for row in book["Diagram"].iter_rows(values_only=True)}
    assert chart["Kolumn"][4] == "Varav med undantag" and chart[civil][4] == 1
