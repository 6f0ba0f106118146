"""Plan + topics → the few facts the rules need, with the end-of-plan fact last.

Facts are aggregated here so that the engine's load barely grows with the size of a plan: one fact
per (item kind, topic) present, per (mål, topic), per mål that has an aktivitet or indikator, per
risk, per covered risk, per document, per distinct dangling-candidate reference and per existing
target id. No rule is decided here: every comparison with a threshold, a date or a set of topics
happens in the engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from planchecker.checking.rulebook import (
    PlanContext,
    is_sakerhetskanslig,
    mandate_start,
    mandate_year,
    plan_day,
)
from planchecker.common.model import Plan, Status, Topic

Fact = dict[str, Any]

# A document without a decision date is older than any rule's limit.
UNKNOWN_AGE = 9999


class HasTopics(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def topics(self) -> tuple[Topic, ...]: ...


def _months_between(earlier_year: int, earlier_month: int, year: int, month: int) -> int:
    return (year - earlier_year) * 12 + (month - earlier_month)


def plan_fact(plan: Plan, context: PlanContext) -> Fact:
    return {
        "kind": "plan",
        "ntype": plan.namnd.type.value,
        "year": plan.namnd.year,
        "sk": int(is_sakerhetskanslig(plan)),
        "period": context.period or "",
        # The mandate period begins when the new fullmäktige takes office; see rulebook.mandate_start.
        "mandate_start": mandate_start(plan.namnd.year).toordinal(),
        "myear": mandate_year(plan.namnd.year),
        "as_of": context.as_of.toordinal(),
        "day": plan_day(plan.namnd.year, context.as_of),
    }


def topic_facts(item_topics: Iterable[HasTopics]) -> list[Fact]:
    present: set[tuple[str, str]] = set()
    goal_topics: list[Fact] = []
    for item in item_topics:
        for topic in item.topics:
            present.add((item.kind, topic.value))
            if item.kind == "goal":
                goal_topics.append(
                    {"kind": "goal_topic", "goal": item.id, "topic": topic.value, "subjects": [item.id]}
                )
    facts = [{"kind": "present", "item": k, "topic": t} for k, t in sorted(present)]
    return facts + goal_topics


def with_ancestors(goal_ids: Iterable[str], plan: Plan) -> set[str]:
    """The goals and every goal above them via Överordnat mål (cycles and dangling parents stop).

    A KF- or nämndmål is served by the aktiviteter and indikatorer of its sub-goals: a goal tree
    links work to the lowest goal, and the goal above it is not "utan aktivitet".
    """
    parent = {g.id: g.parent for g in plan.goals}
    found: set[str] = set()
    for goal_id in goal_ids:
        current: str | None = goal_id
        while current is not None and current in parent and current not in found:
            found.add(current)
            current = parent[current]
    return found


def link_facts(plan: Plan) -> list[Fact]:
    risk_ids = {r.id for r in plan.risks}
    links: set[tuple[str, str]] = set()
    links.update(("activity", g) for g in with_ancestors((a.goal_id for a in plan.activities if a.goal_id), plan))
    links.update(("indicator", g) for g in with_ancestors((i.goal_id for i in plan.indicators if i.goal_id), plan))
    covered = sorted({rid for a in plan.activities for rid in a.risk_ids if rid in risk_ids})
    facts: list[Fact] = [{"kind": "goal_link", "item": k, "goal": g} for k, g in sorted(links)]
    facts += [{"kind": "risk", "risk": r.id, "score": r.score, "subjects": [r.id]} for r in plan.risks]
    facts += [{"kind": "covered", "risk": rid} for rid in covered]
    return facts


def reference_facts(plan: Plan) -> list[Fact]:
    """One fact per referenced target (per link kind), listing who refers to it, and one per id
    that exists; the engine decides which references do not resolve."""
    refs: dict[tuple[str, str], list[str]] = {}

    def add(link: str, target: str | None, source: str) -> None:
        if target:
            refs.setdefault((link, target), []).append(source)

    for goal in plan.goals:
        add("goal_parent", goal.parent, goal.id)
    for activity in plan.activities:
        add("activity_goal", activity.goal_id, activity.id)
        for rid in activity.risk_ids:
            add("activity_risk", rid, activity.id)
    for indicator in plan.indicators:
        add("indicator_goal", indicator.goal_id, indicator.id)
    facts: list[Fact] = [
        {"kind": "ref", "link": link, "target": target, "subjects": sorted(set(sources))}
        for (link, target), sources in sorted(refs.items())
    ]
    facts += [{"kind": "exists", "item": "goal", "key": g.id} for g in plan.goals]
    facts += [{"kind": "exists", "item": "risk", "key": r.id} for r in plan.risks]
    return facts


def document_facts(plan: Plan, context: PlanContext) -> list[Fact]:
    facts: list[Fact] = []
    newest: dict[str, int] = {}
    for doc in plan.documents:
        if doc.decided is None:
            decided, age = 0, UNKNOWN_AGE
        else:
            decided = doc.decided.toordinal()
            age = _months_between(doc.decided.year, doc.decided.month, context.as_of.year, context.as_of.month)
        valid_until = doc.valid_until.toordinal() if doc.valid_until else 0
        facts.append({"kind": "document", "dtype": doc.type.value, "decided": decided, "age": age,
                      "valid_until": valid_until, "subjects": [doc.name]})
        newest[doc.type.value] = min(age, newest.get(doc.type.value, UNKNOWN_AGE))
    facts += [{"kind": "doctype", "dtype": t, "newest": age} for t, age in sorted(newest.items())]
    return facts


_FINISHED = (Status.klar, Status.installd)


def schedule_facts(plan: Plan) -> list[Fact]:
    """Aktiviteter that are not finished and have an end date; undantag with a last valid day."""
    # durable_rules' cost per asserted fact grows with the facts already in the session, so
    # aktiviteter are grouped by end date; the engine reports each of them (`each`) on its own.
    by_end: dict[int, list[str]] = {}
    for a in plan.activities:
        if a.end is not None and a.status not in _FINISHED:
            by_end.setdefault(a.end.toordinal(), []).append(a.id)
    facts: list[Fact] = [
        {"kind": "activity_end", "end": end, "subjects": ids, "each": 1}
        for end, ids in sorted(by_end.items())
    ]
    facts += [
        {"kind": "waiver", "valid_until": w.valid_until.toordinal(), "subjects": [w.rule]}
        for w in plan.waivers
        if w.valid_until is not None
    ]
    return facts


def build_facts(plan: Plan, item_topics: Sequence[HasTopics], context: PlanContext) -> list[Fact]:
    """All facts for one plan, deterministic in order, the plan fact first and `end` last."""
    return [
        plan_fact(plan, context),
        *topic_facts(item_topics),
        *link_facts(plan),
        *reference_facts(plan),
        *document_facts(plan, context),
        *schedule_facts(plan),
        {"kind": "end"},
    ]
