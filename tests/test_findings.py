"""The decisions findings.py takes: the plan verdict, which coverage state wins, waiver states, and
what makes two findings equal. Each test here was written against a mutation that survived the rest
of the suite (see README, "Mutationstestning")."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from planchecker.checking.findings import Finding, Report, Requirement, build_report, make_finding
from planchecker.checking.rulebook import PlanContext
from planchecker.common.model import Plan, Waiver
from planchecker.reports import writers
from tests.golden_cases import checker

AS_OF = dt.date(2021, 12, 31)


def _plan(**items: Any) -> Plan:
    data: dict[str, Any] = {"namnd": {"name": "Testnämnden", "type": "stadsdelsnamnd", "year": 2021}}
    return Plan.model_validate(data | items)


def _report(**items: Any) -> Report:
    return checker().check(_plan(**items), "test.json", PlanContext(as_of=AS_OF))


def _finding(rule_id: str, status: str = "fail", waiver: Waiver | None = None) -> Finding:
    bound = checker().catalogue.get_rule(rule_id)
    return make_finding(bound, (), waiver, waived=status == "waived")


def _with(report: Report, *findings: Finding) -> Report:
    return replace(report, findings=findings)


# --- the plan verdict -------------------------------------------------------------------------


def test_a_plan_with_only_warnings_and_notices_has_no_errors() -> None:
    base = _report()
    warning = _finding("ILS-MAL-IND")
    notice = _finding("RSA-STATUS-NOTIS")
    assert (warning.severity, notice.severity) == ("warning", "info")
    report = _with(base, warning, notice)
    assert report.verdict == "ok"
    assert writers.verdict_text(report) == (
        "Inga fel hittades: 0 fel, 1 varning, 1 upplysning, 0 med undantag."
    )
    assert report.worst() == "warning"


def test_a_clean_plan_reads_as_clean_in_every_word() -> None:
    report = _with(_report())
    assert report.verdict == "ok" and report.worst() is None
    assert writers.verdict_text(report) == (
        "Inga fel hittades: 0 fel, 0 varningar, 0 upplysningar, 0 med undantag."
    )
    table = writers.render_table(report).splitlines()
    assert table[-1] == "Inga fel hittades: 0 fel, 0 varningar, 0 upplysningar, 0 med undantag."
    assert "Inga brister hittades." in table


def test_a_waived_error_does_not_fail_the_plan_but_a_failing_one_does() -> None:
    base = _report()
    waived = _finding("LEH-RSA-DOK", "waived", Waiver(rule="LEH-RSA-DOK", motivation="Beslut i mars."))
    assert waived.severity == "error"
    assert _with(base, waived).verdict == "ok"
    assert _with(base, waived, _finding("ILS-MAL-AKT")).verdict == "gaps"
    assert writers.verdict_text(_with(base, waived)).endswith("0 fel, 0 varningar, 0 upplysningar, 1 med undantag.")


# --- coverage: which state wins -----------------------------------------------------------------


def _area_report(statuses: dict[str, str]) -> Report:
    """A report whose only requirements are two rules of one fokusområde, failing or waived as given."""
    first = _finding("SAK20-CF-MAL")
    second = _finding("SAK20-CF-AKT")
    area = first.area
    assert area is not None and second.area == area
    requirements = tuple(
        Requirement(f.rule_id, f.severity, area, "item_for_area", item)
        for f, item in ((first, "goal"), (second, "activity"))
    )
    findings = tuple(
        _finding(rule_id, status, Waiver(rule=rule_id, motivation="m") if status == "waived" else None)
        for rule_id, status in statuses.items()
    )
    return replace(_report(), findings=findings, requirements=requirements)


@pytest.mark.parametrize(
    ("statuses", "state", "met"),
    [
        ({"SAK20-CF-MAL": "fail", "SAK20-CF-AKT": "waived"}, "missing", 1),
        ({"SAK20-CF-MAL": "waived", "SAK20-CF-AKT": "fail"}, "missing", 1),
        ({"SAK20-CF-AKT": "waived"}, "waived", 2),
        ({"SAK20-CF-MAL": "fail"}, "missing", 1),
        ({}, "met", 2),
    ],
)
def test_missing_wins_over_waived_and_waived_over_met(statuses: dict[str, str], state: str, met: int) -> None:
    report = _area_report(statuses)
    area = report.requirements[0].area
    assert area is not None
    assert report.area_status(area) == state
    assert report.requirements_met(area) == (met, 2)


def test_an_area_without_requirements_is_not_applicable() -> None:
    report = replace(_report(), requirements=())
    assert report.status_of(()) == "not_applicable"


# --- waiver states --------------------------------------------------------------------------------


def test_every_waiver_state_is_reported() -> None:
    report = _report(waivers=[
        # LEH-RSA-DOK fires (no RSA): the waiver is used.
        {"rule": "LEH-RSA-DOK", "motivation": "RSA beslutas i mars.", "valid_until": "2022-03-31"},
        # ILS-REF-MAL-OVERORDNAT holds (no mål at all): the waiver is unused.
        {"rule": "ILS-REF-MAL-OVERORDNAT", "motivation": "Gammalt."},
        # Expired before the as-of date: reported as such, and it no longer waives.
        {"rule": "SAK20-CF-AKT", "motivation": "Gällde 2020.", "valid_until": "2020-12-31"},
        {"rule": "FINNS-INTE-1", "motivation": "Felskrivet id."},
    ])
    states = {w.rule: state for w, state in report.waivers}
    assert states == {
        "LEH-RSA-DOK": "använt",
        "ILS-REF-MAL-OVERORDNAT": "oanvänt",
        "SAK20-CF-AKT": "utgånget",
        "FINNS-INTE-1": "okänd regel",
    }
    by_rule = {f.rule_id: f for f in report.findings if not f.subjects}
    assert by_rule["LEH-RSA-DOK"].status == "waived"
    assert by_rule["SAK20-CF-AKT"].status == "fail"
    assert by_rule["SAK20-CF-AKT"].waiver is not None  # the expired waiver is shown with the finding
    markdown = writers.render_markdown(report)
    for state in ("| använt |", "| oanvänt |", "| utgånget |", "| okänd regel |"):
        assert state in markdown
    records = {w["rule"]: w for w in report.to_records()["waivers"]}
    assert records["ILS-REF-MAL-OVERORDNAT"]["valid_until"] is None
    assert records["LEH-RSA-DOK"]["valid_until"] == "2022-03-31"
    assert records["FINNS-INTE-1"]["state"] == "okänd regel"


def test_a_waiver_valid_on_the_as_of_date_still_waives() -> None:
    report = _report(waivers=[{"rule": "LEH-RSA-DOK", "motivation": "m", "valid_until": AS_OF.isoformat()}])
    assert [s for _, s in report.waivers] == ["använt"]
    day_after = checker().check(
        _plan(waivers=[{"rule": "LEH-RSA-DOK", "motivation": "m", "valid_until": AS_OF.isoformat()}]),
        "test.json", PlanContext(as_of=AS_OF + dt.timedelta(days=1)),
    )
    assert [s for _, s in day_after.waivers] == ["utgånget"]


def test_an_expired_waiver_reads_expired_even_where_its_rule_holds() -> None:
    """What the nämnd must act on is the date: "utgånget", not "oanvänt", also when nothing fails."""
    report = _report(waivers=[{"rule": "ILS-REF-AKT-MAL", "motivation": "Gällde 2020.",
                               "valid_until": "2020-12-31"}])
    assert all(f.rule_id != "ILS-REF-AKT-MAL" for f in report.findings)
    assert [(w.rule, state) for w, state in report.waivers] == [("ILS-REF-AKT-MAL", "utgånget")]
    assert "| utgånget |" in writers.render_markdown(report)


def test_a_plan_the_engine_did_not_finish_is_an_engine_error_never_clean() -> None:
    """The engine's errors reach the report: with no findings at all the plan is still not
    compliant, and the JSON says why."""
    report = build_report(_plan(), "test.json", checker().catalogue, PlanContext(as_of=AS_OF), (), (),
                          engine_errors=("sentinel did not fire",))
    assert report.verdict == "engine-error" and report.findings == ()
    assert report.to_records()["engine_errors"] == ["sentinel did not fire"]


# --- equality -------------------------------------------------------------------------------------


def test_findings_differing_in_anything_a_user_sees_are_not_equal() -> None:
    finding = _finding("LEH-RSA-DOK")
    assert finding == _finding("LEH-RSA-DOK")
    changed = [
        replace(finding, severity="warning"),
        replace(finding, status="waived"),
        replace(finding, category="notice"),
        replace(finding, subjects=("X",)),
        replace(finding, waiver=Waiver(rule="LEH-RSA-DOK", motivation="m")),
        replace(finding, message="Annan lydelse."),
    ]
    for other in changed:
        assert other != finding
    assert len({finding, *changed}) == len(changed) + 1


def test_verdict_ignores_only_the_wording() -> None:
    finding = _finding("LEH-RSA-DOK")
    assert replace(finding, message="Annan lydelse.", title="Annan rubrik").verdict() == finding.verdict()
    assert replace(finding, severity="warning").verdict() != finding.verdict()


def test_the_follow_up_period_reaches_what_the_user_reads() -> None:
    # A scheduled T2 run is read as a T2 follow-up: the period must survive into the report.
    report = checker().check(_plan(), "test.json", PlanContext(as_of=AS_OF, period="T2"))
    assert report.period == "T2"
    assert "Uppföljning: T2" in writers.render_table(report, colour=False)
    assert "uppföljning T2" in writers.render_markdown(report)
