"""A plain-Python evaluator of the rule catalogue, for tests only.

It states what each check kind means as directly as possible, without facts or the engine, so the
differential test can compare it with durable_rules on random plans.
"""

from __future__ import annotations

from collections.abc import Sequence

from planchecker.checks import (
    ActivityOverdue,
    DocumentCurrent,
    DocumentExists,
    DocumentValid,
    GoalHas,
    ItemForArea,
    Notice,
    ReferencesResolve,
    RiskCovered,
    WaiverValid,
)
from planchecker.engine import RawFinding
from planchecker.facts import HasTopics
from planchecker.model import Plan, Status
from planchecker.rulebook import BoundRule, Catalogue, PlanContext, mandate_start


def _months(plan_doc_date: object, as_of: object) -> int:
    return (as_of.year - plan_doc_date.year) * 12 + (as_of.month - plan_doc_date.month)  # type: ignore[attr-defined]


def evaluate_rule(bound: BoundRule, plan: Plan, items: Sequence[HasTopics], ctx: PlanContext) -> set[RawFinding]:
    if not bound.applies_to(plan, ctx):
        return set()
    check = bound.rule.check
    rid = bound.id
    area = set(bound.topics)
    if isinstance(check, ItemForArea):
        has = any(i.kind == check.item and area & set(i.topics) for i in items)
        return set() if has else {RawFinding(rid)}
    if isinstance(check, GoalHas):
        linked = _and_above(
            {x.goal_id for x in (plan.activities if check.item == "activity" else plan.indicators)}, plan
        )
        out = set()
        for item in items:
            if item.kind != "goal" or not item.topics:
                continue
            if area and not (area & set(item.topics)):
                continue
            if item.id not in linked:
                out.add(RawFinding(rid, (item.id,)))
        return out
    if isinstance(check, RiskCovered):
        named = {r for a in plan.activities for r in a.risk_ids}
        return {
            RawFinding(rid, (r.id,))
            for r in plan.risks
            if r.probability * r.consequence >= check.min_score and r.id not in named
        }
    if isinstance(check, DocumentExists):
        return set() if any(d.type == check.document for d in plan.documents) else {RawFinding(rid)}
    if isinstance(check, DocumentCurrent):
        docs = [d for d in plan.documents if d.type == check.document]
        if not docs:
            return set()
        if check.within == "mandate_period":
            start = mandate_start(plan.namnd.year)
            current = any(d.decided is not None and d.decided >= start for d in docs)
        else:
            current = any(d.decided is not None and _months(d.decided, ctx.as_of) <= check.within for d in docs)
        if check.unless_older_than is not None:
            ages = [_months(d.decided, ctx.as_of) for d in docs if d.decided is not None]
            if not ages or min(ages) > check.unless_older_than:
                return set()
        return set() if current else {RawFinding(rid)}
    if isinstance(check, ReferencesResolve):
        return _dangling(rid, check.link, plan)
    if isinstance(check, ActivityOverdue):
        return {
            RawFinding(rid, (a.id,))
            for a in plan.activities
            if a.end is not None and a.end < ctx.as_of and a.status not in (Status.klar, Status.installd)
        }
    if isinstance(check, DocumentValid):
        return {
            RawFinding(rid, (d.name,))
            for d in plan.documents
            if (check.document is None or d.type == check.document)
            and d.valid_until is not None
            and d.valid_until < ctx.as_of
        }
    if isinstance(check, WaiverValid):
        return {
            RawFinding(rid, (w.rule,))
            for w in plan.waivers
            if w.valid_until is not None and w.valid_until < ctx.as_of
        }
    if isinstance(check, Notice):
        return {RawFinding(rid)}
    raise AssertionError(check)


def _and_above(goal_ids: set[str | None], plan: Plan) -> set[str | None]:
    """A goal counts as linked when it or any goal below it (via parent) is linked."""
    parents = {g.id: g.parent for g in plan.goals}
    result = set(goal_ids)
    frontier = [g for g in goal_ids if g in parents]
    while frontier:
        above = parents.get(frontier.pop())  # type: ignore[arg-type]
        if above is not None and above in parents and above not in result:
            result.add(above)
            frontier.append(above)
    return result


def _dangling(rid: str, link: str, plan: Plan) -> set[RawFinding]:
    goals = {g.id for g in plan.goals}
    risks = {r.id for r in plan.risks}
    refs: dict[str, set[str]] = {}
    if link == "goal_parent":
        pairs = [(g.parent, g.id) for g in plan.goals]
        known = goals
    elif link == "activity_goal":
        pairs = [(a.goal_id, a.id) for a in plan.activities]
        known = goals
    elif link == "indicator_goal":
        pairs = [(i.goal_id, i.id) for i in plan.indicators]
        known = goals
    else:
        pairs = [(r, a.id) for a in plan.activities for r in a.risk_ids]
        known = risks
    for target, source in pairs:
        if target and target not in known:
            refs.setdefault(target, set()).add(source)
    return {RawFinding(rid, tuple(sorted(s))) for s in refs.values()}


def evaluate(catalogue: Catalogue, plan: Plan, items: Sequence[HasTopics], ctx: PlanContext) -> list[RawFinding]:
    found: set[RawFinding] = set()
    for bound in catalogue.rules:
        found |= evaluate_rule(bound, plan, items, ctx)
    return sorted(found)
