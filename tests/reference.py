"""A plain-Python evaluator of the rule catalogue, for tests only.

It states what each check kind means as directly as possible, without facts or the engine, so the
differential test can compare it with durable_rules on random plans. It is independent of the
product's own helpers: applicability, the mandate period and every date comparison are worked out
here from the rule files' fields (rulebook's models only hold the parsed YAML), so a mistake in
rulebook.py or facts.py shows up as a difference rather than being copied into both sides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from planchecker.checking.checks import (
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
from planchecker.checking.engine import RawFinding
from planchecker.checking.facts import HasTopics
from planchecker.checking.rulebook import BoundRule, Catalogue, PlanContext
from planchecker.common.model import Plan, Status, Topic

# The applicability fields this evaluator understands. A rule file using any other `when` field
# makes the differential test fail until the reference learns what it means.
KNOWN_WHEN = {"sakerhetskanslig", "periods", "mandate_years", "on_or_after", "before", "before_adoption"}

# Swedish general elections: the third Sunday of September every fourth year (2014, 2018, 2022, …).
# The fullmäktige elected then plans from the following calendar year.
AN_ELECTION_YEAR = 2018


def first_year_of_mandate(year: int) -> int:
    """The first calendar year of the mandate period `year` lies in: the year after the latest
    election held before `year`."""
    first = year
    while (first - 1 - AN_ELECTION_YEAR) % 4 != 0:
        first -= 1
    return first


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def _on_or_after(as_of: dt.date, plan_year: int, month_day: str) -> bool:
    """Whether the as-of date is on or after MM-DD of the plan year (tuples, so 02-30 is no error)."""
    return (as_of.year, as_of.month, as_of.day) >= (plan_year, *_month_day(month_day))


def _field(model: Any, name: str) -> Any:
    # Fields other helpers may add to the rule files (a pack's adoption date): read if present.
    return getattr(model, name, None)


def applies(bound: BoundRule, plan: Plan, ctx: PlanContext) -> bool:
    """Does the rule apply to this plan on this date? Read straight off the rule and its pack."""
    rule, pack = bound.rule, bound.pack
    when = rule.applies.when
    unknown = {name for name in when.model_fields_set if getattr(when, name) is not None} - KNOWN_WHEN
    assert not unknown, f"{rule.id}: the reference evaluator does not know applies.when.{unknown}"
    year = plan.namnd.year
    years = rule.applies.years or pack.years
    if year < years.first or (years.last is not None and year > years.last):
        return False
    adopted = _field(pack, "adopted")  # "2020-03-23", "2013-04" or "2018": the year is what counts
    before_adoption = _field(when, "before_adoption")
    if before_adoption is not None and adopted is not None and (year <= int(str(adopted)[:4])) != before_adoption:
        return False
    if rule.applies.namnd_types is not None and plan.namnd.type not in rule.applies.namnd_types:
        return False
    # Kommunstyrelsen counts as säkerhetskänslig from plan year 2018 whatever its plan says.
    sakerhetskanslig = plan.namnd.sakerhetskanslig or (plan.namnd.type == "kommunstyrelse" and year >= 2018)
    if when.sakerhetskanslig is not None and sakerhetskanslig != when.sakerhetskanslig:
        return False
    if when.periods is not None and ctx.period not in when.periods:
        return False
    if when.mandate_years is not None and year - first_year_of_mandate(year) + 1 not in when.mandate_years:
        return False
    if when.on_or_after is not None and not _on_or_after(ctx.as_of, year, when.on_or_after):
        return False
    return when.before is None or not _on_or_after(ctx.as_of, year, when.before)


def area_topics(bound: BoundRule) -> set[Topic]:
    rule = bound.rule
    return set(bound.pack.areas[rule.area]) if rule.area is not None else set()


def _months(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from one date's month to another's (the day of month is ignored)."""
    return (later.year - earlier.year) * 12 + (later.month - earlier.month)


def evaluate_rule(bound: BoundRule, plan: Plan, items: Sequence[HasTopics], ctx: PlanContext) -> set[RawFinding]:
    if not applies(bound, plan, ctx):
        return set()
    check = bound.rule.check
    rid = bound.id
    area = area_topics(bound)
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
            # The new fullmäktige takes office on 15 October of the election year.
            start = dt.date(first_year_of_mandate(plan.namnd.year) - 1, 10, 15)
            current = any(d.decided is not None and d.decided >= start for d in docs)
        else:
            current = any(d.decided is not None and _months(d.decided, ctx.as_of) <= check.within for d in docs)
        if check.unless_older_than is not None:
            # A warning band below an error rule: silent when even the newest is older (or undated).
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
    # One finding per set of referring items, quoting every missing id they name.
    targets_of: dict[tuple[str, ...], list[str]] = {}
    for target, sources in refs.items():
        targets_of.setdefault(tuple(sorted(sources)), []).append(target)
    return {RawFinding(rid, s, tuple(sorted(t))) for s, t in targets_of.items()}


def evaluate(catalogue: Catalogue, plan: Plan, items: Sequence[HasTopics], ctx: PlanContext) -> list[RawFinding]:
    found: set[RawFinding] = set()
    for bound in catalogue.rules:
        found |= evaluate_rule(bound, plan, items, ctx)
    return sorted(found)
