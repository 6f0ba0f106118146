"""The engine against the plain reference evaluator, the sentinel, and session hygiene."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planchecker.checking import engine
from planchecker.checking.facts import build_facts
from planchecker.checking.rulebook import Catalogue, Pack, PlanContext, load_catalogue
from planchecker.common.model import DocumentType, Plan, Topic
from tests.reference import evaluate, first_year_of_mandate

TOPICS = list(Topic)
DOC_TYPES = [DocumentType.rsa, DocumentType.sakerhetsskyddsanalys, DocumentType.kontinuitetsplan]


@dataclass(frozen=True)
class Tagged:
    kind: str
    id: str
    topics: tuple[Topic, ...]


def _synthetic_catalogue() -> Catalogue:
    """One rule per check kind and variant, so the differential test does not depend on rules/."""
    source = {"document": "Testkälla", "paragraph": "1 §", "url": "https://example.org"}
    rules = []
    checks = [
        ("ITEM-GOAL", "Kris", {"kind": "item_for_area", "item": "goal"}),
        ("ITEM-ACT", "Skydd", {"kind": "item_for_area", "item": "activity"}),
        ("ITEM-IND", "Kris", {"kind": "item_for_area", "item": "indicator"}),
        ("GOAL-ACT", "Skydd", {"kind": "goal_has", "item": "activity"}),
        ("GOAL-IND", None, {"kind": "goal_has", "item": "indicator"}),
        ("RISK-12", None, {"kind": "risk_covered", "min_score": 12}),
        ("RISK-20", None, {"kind": "risk_covered", "min_score": 20}),
        ("DOC-RSA", None, {"kind": "document_exists", "document": "rsa"}),
        ("CUR-RSA", None, {"kind": "document_current", "document": "rsa", "within": "mandate_period"}),
        ("CUR-KONT", None, {"kind": "document_current", "document": "kontinuitetsplan", "within": 12}),
        ("REF-AG", None, {"kind": "references_resolve", "link": "activity_goal"}),
        ("REF-IG", None, {"kind": "references_resolve", "link": "indicator_goal"}),
        ("REF-AR", None, {"kind": "references_resolve", "link": "activity_risk"}),
        ("REF-GP", None, {"kind": "references_resolve", "link": "goal_parent"}),
        ("NOTE", None, {"kind": "notice"}),
        ("LATE", None, {"kind": "activity_overdue"}),
        ("EXP-ANY", None, {"kind": "document_valid"}),
        ("EXP-RSA", None, {"kind": "document_valid", "document": "rsa"}),
        ("WAIVER", None, {"kind": "waiver_valid"}),
    ]
    for rule_id, area, check in checks:
        rules.append({"id": f"T-{rule_id}", "title": "Test", "message": "Testmeddelande.",
                      "severity": "error", "area": area, "source": source, "check": check})
    rules.append({"id": "T-SK", "title": "Test", "message": "Testmeddelande.", "severity": "warning",
                  "source": source, "check": {"kind": "document_exists", "document": "sakerhetsskyddsanalys"},
                  "applies": {"when": {"sakerhetskanslig": True}, "namnd_types": ["bolagsstyrelse"]}})
    rules.append({"id": "T-OLD", "title": "Test", "message": "Testmeddelande.", "severity": "info",
                  "source": source, "check": {"kind": "notice"}, "applies": {"years": {"from": 2013, "to": 2017}}})
    rules.append({"id": "T-T2", "title": "Test", "message": "Testmeddelande.", "severity": "info",
                  "source": source, "check": {"kind": "notice"}, "applies": {"when": {"periods": ["T2"]}}})
    rules.append({"id": "T-Y1-LATE", "title": "Test", "message": "Testmeddelande.", "severity": "error",
                  "source": source, "check": {"kind": "document_current", "document": "rsa", "within": "mandate_period"},
                  "applies": {"when": {"mandate_years": [1], "on_or_after": "10-31"}}})
    rules.append({"id": "T-Y1-EARLY", "title": "Test", "message": "Testmeddelande.", "severity": "warning",
                  "source": source, "check": {"kind": "notice"},
                  "applies": {"when": {"mandate_years": [1, 3], "before": "10-31"}}})
    pack = Pack.model_validate({
        "id": "synthetic", "title": "Syntetiskt paket", "source": source, "years": {"from": 2013},
        "areas": {"Kris": ["krisberedskap", "civilt_forsvar"], "Skydd": ["sakerhetsskydd"]},
        "rules": rules,
    })
    return Catalogue((pack,))


SYNTHETIC = _synthetic_catalogue()


def random_plan(
    rng: random.Random, goals: int, activities: int, risks: int, *, year: int | None = None,
    edges: Sequence[dt.date] = (),
) -> tuple[Plan, list[Tagged]]:
    """A random plan whose ids collide and dangle on purpose, with topics given directly.

    Dates fall on any day of the month; with `edges` (the as-of date, the mandate period's first
    day and their neighbours) a quarter of them land on a day where `<` and `<=` disagree.
    """
    def topics() -> list[Topic]:
        return rng.sample(TOPICS, rng.choice([0, 0, 1, 1, 2]))

    def day() -> dt.date:
        return rng.choice(edges) if edges and rng.random() < 0.25 else _day(rng, 2012, 2028)

    goal_ids = [f"M{i}" for i in range(goals)]
    risk_ids = [f"R{i}" for i in range(risks)]
    ref_goals = goal_ids + ["M-X", "M-Y"]
    ref_risks = risk_ids + ["R-X"]
    plan = {
        "namnd": {"name": "Slump", "type": rng.choice(["stadsdelsnamnd", "bolagsstyrelse", "facknamnd"]),
                  "year": year if year is not None else rng.randint(2014, 2027),
                  "sakerhetskanslig": rng.random() < 0.5},
        "goals": [{"id": g, "text": "x", "topics": topics(),
                   "parent": rng.choice([None, None, *ref_goals])} for g in goal_ids],
        "activities": [{"id": f"A{i}", "text": "x", "goal_id": rng.choice([None, *ref_goals]),
                        "topics": topics(), "risk_ids": rng.sample(ref_risks, min(len(ref_risks), rng.choice([0, 0, 1, 2]))),
                        "end": rng.choice([None, day()]),
                        "status": rng.choice([None, "planerad", "pagar", "klar", "installd"])}
                       for i in range(activities)],
        "waivers": [{"rule": rng.choice(["T-NOTE", "T-DOC-RSA", "OKÄND"]), "motivation": "m",
                     "valid_until": rng.choice([None, day()])} for _ in range(rng.randint(0, 3))],
        "indicators": [{"id": f"I{i}", "text": "x", "goal_id": rng.choice([None, *ref_goals])}
                       for i in range(rng.randint(0, goals + 1))],
        "risks": [{"id": r, "text": "x", "probability": rng.randint(1, 5), "consequence": rng.randint(1, 5)}
                  for r in risk_ids],
        "documents": [{"name": f"d{rng.randint(0, 3)}", "type": rng.choice(DOC_TYPES),
                       "decided": rng.choice([None, day()]),
                       "valid_until": rng.choice([None, day()])}
                      for _ in range(rng.randint(0, 4))],
    }
    model = Plan.model_validate(plan)
    items = [Tagged("goal", g.id, tuple(g.topics)) for g in model.goals]
    items += [Tagged("activity", a.id, tuple(a.topics)) for a in model.activities]
    items += [Tagged("indicator", i.id, (rng.choice(TOPICS),) if rng.random() < 0.5 else ()) for i in model.indicators]
    return model, items


def _day(rng: random.Random, first: int, last: int) -> dt.date:
    year, month = rng.randint(first, last), rng.randint(1, 12)
    return dt.date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))


def _context(rng: random.Random, year: int) -> PlanContext:
    as_of_year = year + rng.choice([-1, 0, 0, 0, 1])
    # Boundary days of the deadline rules come up often enough to be tested.
    as_of = rng.choice([_day(rng, as_of_year, as_of_year), dt.date(as_of_year, 10, 31),
                        dt.date(as_of_year, 10, 30), dt.date(as_of_year, 11, 1)])
    return PlanContext(as_of=as_of, period=rng.choice([None, "T1", "T2", "VB"]))


def _edges(year: int, as_of: dt.date) -> list[dt.date]:
    start = dt.date(first_year_of_mandate(year), 1, 1)
    one = dt.timedelta(days=1)
    return [as_of - one, as_of, as_of + one, start - one, start, start + one]


def _random_case(rng: random.Random, size: tuple[int, int, int]) -> tuple[Plan, list[Tagged], PlanContext]:
    year = rng.randint(2014, 2027)
    ctx = _context(rng, year)
    plan, items = random_plan(rng, *size, year=year, edges=_edges(year, ctx.as_of))
    return plan, items, ctx


def _compare(catalogue: Catalogue, plan: Plan, items: list[Tagged], ctx: PlanContext) -> None:
    result = engine.run_plan(catalogue, build_facts(plan, items, ctx))
    assert result.errors == []
    assert result.findings == evaluate(catalogue, plan, items, ctx)


# The number of examples and whether they are the same every run come from the hypothesis profile
# (tests/conftest.py): `ci` is derandomized, `long` draws fresh seeds every run.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), size=st.sampled_from([(0, 0, 0), (1, 2, 1), (3, 8, 4), (10, 30, 20)]))
def test_engine_equals_reference_on_random_plans(seed: int, size: tuple[int, int, int]) -> None:
    plan, items, ctx = _random_case(random.Random(seed), size)
    _compare(SYNTHETIC, plan, items, ctx)
    _compare(load_catalogue(), plan, items, ctx)


@pytest.mark.parametrize("size", [(200, 3_000, 500), (1_000, 30_000, 2_000)])
def test_engine_equals_reference_on_large_plans(size: tuple[int, int, int]) -> None:
    plan, items, ctx = _random_case(random.Random(size[1]), size)
    _compare(SYNTHETIC, plan, items, ctx)
    _compare(load_catalogue(), plan, items, ctx)


def test_findings_from_engine_name_the_uncovered_risk() -> None:
    plan = Plan.model_validate({
        "namnd": {"name": "N", "type": "facknamnd", "year": 2021},
        "activities": [{"id": "A1", "text": "x", "risk_ids": ["R1"]}],
        "risks": [{"id": "R1", "text": "a", "probability": 4, "consequence": 4},
                  {"id": "R2", "text": "b", "probability": 5, "consequence": 4},
                  {"id": "R3", "text": "c", "probability": 2, "consequence": 2}],
    })
    ctx = PlanContext(as_of=dt.date(2021, 6, 1))
    result = engine.run_plan(SYNTHETIC, build_facts(plan, [], ctx))
    risk_findings = [f for f in result.findings if f.rule_id.startswith("T-RISK")]
    assert risk_findings == [engine.RawFinding("T-RISK-12", ("R2",)), engine.RawFinding("T-RISK-20", ("R2",))]


def test_a_broken_reference_names_the_ids_the_engine_found_missing() -> None:
    """The engine's finding carries the id that does not resolve: rows naming several missing ids
    are one finding with all of them; an id that exists is never quoted."""
    plan = Plan.model_validate({
        "namnd": {"name": "N", "type": "facknamnd", "year": 2021},
        "goals": [{"id": "M1", "text": "a", "parent": "M7"}, {"id": "M2", "text": "b", "parent": "M1"}],
        "activities": [{"id": "A1", "text": "x", "goal_id": "M9", "risk_ids": ["R9", "R1", "R8"]},
                       {"id": "A2", "text": "y", "goal_id": "M9"},
                       {"id": "A3", "text": "z", "goal_id": "M1", "risk_ids": ["R8"]}],
        "indicators": [{"id": "I1", "text": "andel", "goal_id": "M2"}],
        "risks": [{"id": "R1", "text": "a", "probability": 1, "consequence": 1}],
    })
    result = engine.run_plan(SYNTHETIC, build_facts(plan, [], PlanContext(as_of=dt.date(2021, 6, 1))))
    assert [f for f in result.findings if f.rule_id.startswith("T-REF")] == [
        engine.RawFinding("T-REF-AG", ("A1", "A2"), ("M9",)),
        engine.RawFinding("T-REF-AR", ("A1",), ("R9",)),
        engine.RawFinding("T-REF-AR", ("A1", "A3"), ("R8",)),
        engine.RawFinding("T-REF-GP", ("M1",), ("M7",)),
    ]


def test_a_failing_action_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("trasig åtgärd")

    # A catalogue of its own, registered inside this test: the engine's actions are made when a
    # ruleset is registered, so this test is among those that exercise them (mutmut maps tests to
    # the functions they call).
    source = {"document": "Testkälla", "paragraph": "1 §", "url": "https://example.org"}
    pack = Pack.model_validate({
        "id": "failing-action", "title": "Fel i åtgärd", "source": source, "years": {"from": 2020},
        "rules": [{"id": "T-FEL", "title": "Fel", "message": "Upplysning.", "severity": "info",
                   "source": source, "check": {"kind": "notice"}}],
    })
    catalogue = Catalogue((pack,))
    monkeypatch.setattr(engine, "RawFinding", broken)
    plan = Plan.model_validate({"namnd": {"name": "N", "type": "facknamnd", "year": 2021}})
    result = engine.run_plan(catalogue, build_facts(plan, [], PlanContext(as_of=dt.date(2021, 6, 1))))
    assert not result.complete
    assert result.errors == ["regel T-FEL: RuntimeError: trasig åtgärd"]


def test_a_lost_end_fact_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sentinel: if the engine silently drops facts, the plan is never reported compliant."""
    plan = Plan.model_validate({"namnd": {"name": "N", "type": "facknamnd", "year": 2021}})
    # A plan run to the end first: durable_rules 2.0.28 segfaults when the first session of a
    # ruleset ends without ever seeing the end fact (seen running this test on its own).
    assert engine.run_plan(SYNTHETIC, build_facts(plan, [], PlanContext(as_of=dt.date(2021, 6, 1)))).complete
    host = engine._HOST
    assert host is not None
    original = host.assert_fact

    def drop_end(name: str, fact: dict[str, object]) -> object:
        return None if fact.get("kind") == "end" else original(name, fact)

    monkeypatch.setattr(host, "assert_fact", drop_end)
    result = engine.run_plan(SYNTHETIC, build_facts(plan, [], PlanContext(as_of=dt.date(2021, 6, 1))))
    assert result.findings == []
    assert not result.complete
    assert "kontrollregeln" in result.errors[0]


def test_many_plans_leave_no_state_behind() -> None:
    """More plans than durable_rules' 1,024 live sessions: only possible if each state is deleted."""
    rng = random.Random(7)
    for _ in range(1_100):
        plan, items = random_plan(rng, 2, 3, 2)
        result = engine.run_plan(SYNTHETIC, build_facts(plan, items, _context(rng, plan.namnd.year)))
        assert result.complete
    assert engine.live_sessions() == 0


def test_compiled_catalogue_is_stable_json() -> None:
    first = engine.dump_definition(SYNTHETIC)
    assert first == engine.dump_definition(_synthetic_catalogue())
    assert '"run": "__sentinel__"' in first


def test_compiled_catalogue_dump_is_sorted_readable_json() -> None:
    """`rules compiled` and diffs of it: sorted keys, one per line, ÅÄÖ as written, one newline."""
    source = {"document": "Testkälla", "paragraph": "1 §", "url": "https://example.org"}
    pack = Pack.model_validate({
        "id": "dump", "title": "Dump", "source": source, "years": {"from": 2020},
        "rules": [{"id": rule_id, "title": "Övning", "message": "Övningsplan saknas.",
                   "severity": "warning", "source": source,
                   "check": {"kind": "document_exists", "document": "utbildnings_och_ovningsplan"}}
                  for rule_id in ("T-ÖVNING", "T-ANNAN")],
    })
    catalogue = Catalogue((pack,))
    text = engine.dump_definition(catalogue)
    assert json.loads(text) == engine.compile_catalogue(catalogue)
    assert list(json.loads(text)) == ["T-ANNAN", "T-ÖVNING", "__sentinel__"]  # sorted, not pack order
    assert text.splitlines()[:3] == ["{", ' "T-ANNAN": {', '  "all": [']
    assert ' "T-ÖVNING": {' in text
    assert text.endswith("\n}\n")


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(dt.date(2023, 10, 30), {"T-Y1-EARLY"}), (dt.date(2023, 10, 31), {"T-Y1-LATE"}),
     (dt.date(2024, 1, 2), {"T-Y1-LATE"}), (dt.date(2022, 12, 31), {"T-Y1-EARLY"})],
)
def test_first_year_deadline_rules_switch_on_the_day(as_of: dt.date, expected: set[str]) -> None:
    plan = Plan.model_validate({"namnd": {"name": "N", "type": "facknamnd", "year": 2023},
                                "documents": [{"name": "RSA", "type": "rsa", "decided": "2021-05-01"}]})
    result = engine.run_plan(SYNTHETIC, build_facts(plan, [], PlanContext(as_of=as_of)))
    assert {f.rule_id for f in result.findings} & {"T-Y1-EARLY", "T-Y1-LATE"} == expected


def test_reference_mandate_periods_follow_the_election_calendar() -> None:
    # Elections 2014, 2018, 2022, 2026: the periods planned for are 2015–2018, 2019–2022, 2023–2026.
    assert [first_year_of_mandate(y) for y in (2015, 2018, 2019, 2022, 2023, 2026, 2027)] == [
        2015, 2015, 2019, 2019, 2023, 2023, 2027,
    ]
