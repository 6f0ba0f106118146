"""The only module that touches durable_rules: compile rules, register them once, run one plan.

How durable_rules 2.0.28 behaves here, and what this module does about it:
- Rulesets are process-global and never freed: one ruleset per rule catalogue, built once and cached.
- `none(...)` fires as soon as it is true: every rule is gated on an `end` fact asserted last.
- A fact no rule listens to raises MessageNotHandledException, and in a batch that aborted the
  whole batch and later segfaulted on delete_state. Facts are therefore asserted one at a time and
  an unhandled one is skipped (it is irrelevant to every rule by definition).
- Exceptions in actions are swallowed into the session state: actions only record, inside a
  try/except that turns any failure into an engine error, and the state is checked afterwards.
- It can fail silently: a sentinel rule on the `end` fact must fire for every plan, otherwise the
  plan's result is an engine error, never "compliant".
- Not thread-safe: one process-wide lock, and a Host without the background dispatch threads.
- At most 1,024 live sessions: each plan gets its own sid, deleted in `finally`.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from durable import engine as durable_engine

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
from planchecker.checking.facts import Fact
from planchecker.checking.rulebook import BoundRule, Catalogue, day_number

SENTINEL = "__sentinel__"
_LINK_TARGET = {
    "activity_goal": "goal",
    "indicator_goal": "goal",
    "goal_parent": "goal",
    "activity_risk": "risk",
}


@dataclass(frozen=True, order=True)
class RawFinding:
    """What an engine action records: the rule that fired, the plan items it concerns and, for a
    reference that does not resolve, the ids those items name that are not in the plan."""

    rule_id: str
    subjects: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()


@dataclass
class EngineResult:
    findings: list[RawFinding]
    errors: list[str]
    facts_asserted: int
    facts_unhandled: int

    @property
    def complete(self) -> bool:
        return not self.errors


class EngineError(RuntimeError):
    """durable_rules did not finish a plan; the plan must not be reported as compliant."""


# --- compiling rules to durable_rules JSON ------------------------------------------------------


def _any_of(field_name: str, values: Sequence[str | int]) -> dict[str, Any]:
    if len(values) == 1:
        return {field_name: values[0]}
    return {"$or": [{field_name: v} for v in values]}


def _plan_guard(rule: BoundRule) -> dict[str, Any]:
    terms: list[dict[str, Any]] = [{"kind": "plan"}, {"$gte": {"year": rule.years.first}}]
    if rule.years.last is not None:
        terms.append({"$lte": {"year": rule.years.last}})
    applies = rule.rule.applies
    if applies.namnd_types is not None:
        terms.append(_any_of("ntype", [t.value for t in applies.namnd_types]))
    if applies.when.sakerhetskanslig is not None:
        terms.append({"sk": int(applies.when.sakerhetskanslig)})
    when = applies.when
    if when.periods is not None:
        terms.append(_any_of("period", list(when.periods)))
    if when.mandate_years is not None:
        terms.append(_any_of("myear", list(when.mandate_years)))
    if when.on_or_after is not None:
        terms.append({"$gte": {"day": day_number(when.on_or_after)}})
    if when.before is not None:
        terms.append({"$lt": {"day": day_number(when.before)}})
    return {"$and": terms}


def _check_patterns(rule: BoundRule) -> list[dict[str, Any]]:
    check = rule.rule.check
    topics = [t.value for t in rule.topics]
    if isinstance(check, ItemForArea):
        present = [{"kind": "present"}, {"item": check.item}, _any_of("topic", topics)]
        return [{"n$not": {"$and": present}}]
    if isinstance(check, GoalHas):
        goal = [{"kind": "goal_topic"}] + ([_any_of("topic", topics)] if topics else [])
        link = [{"kind": "goal_link"}, {"item": check.item}, {"goal": {"subj": "goal"}}]
        return [{"subj": {"$and": goal}}, {"n$not": {"$and": link}}]
    if isinstance(check, RiskCovered):
        risk = [{"kind": "risk"}, {"$gte": {"score": check.min_score}}]
        cover = [{"kind": "covered"}, {"risk": {"subj": "risk"}}]
        return [{"subj": {"$and": risk}}, {"n$not": {"$and": cover}}]
    if isinstance(check, DocumentExists):
        return [{"n$not": {"$and": [{"kind": "document"}, {"dtype": check.document.value}]}}]
    if isinstance(check, DocumentCurrent):
        recent: dict[str, Any] = (
            {"$gte": {"decided": {"p": "mandate_start"}}}
            if check.within == "mandate_period"
            else {"$lte": {"age": check.within}}
        )
        doc = [{"kind": "document"}, {"dtype": check.document.value}]
        doctype: list[dict[str, Any]] = [{"kind": "doctype"}, {"dtype": check.document.value}]
        if check.unless_older_than is not None:
            doctype.append({"$lte": {"newest": check.unless_older_than}})
        return [
            {"d": {"$and": doctype}},
            {"n$not": {"$and": [*doc, recent]}},
        ]
    if isinstance(check, ReferencesResolve):
        ref = [{"kind": "ref"}, {"link": check.link}]
        target = [{"kind": "exists"}, {"item": _LINK_TARGET[check.link]}, {"key": {"subj": "target"}}]
        return [{"subj": {"$and": ref}}, {"n$not": {"$and": target}}]
    if isinstance(check, ActivityOverdue):
        return [{"subj": {"$and": [{"kind": "activity_end"}, {"$lt": {"end": {"p": "as_of"}}}]}}]
    if isinstance(check, DocumentValid):
        doc = [{"kind": "document"}] + ([{"dtype": check.document.value}] if check.document else [])
        expired = [{"$gt": {"valid_until": 0}}, {"$lt": {"valid_until": {"p": "as_of"}}}]
        return [{"subj": {"$and": doc + expired}}]
    if isinstance(check, WaiverValid):
        return [{"subj": {"$and": [{"kind": "waiver"}, {"$lt": {"valid_until": {"p": "as_of"}}}]}}]
    if isinstance(check, Notice):
        return []
    raise TypeError(f"no compiler for check kind {check.kind!r}")  # pragma: no cover


def compile_rule(rule: BoundRule) -> dict[str, Any]:
    """The durable_rules JSON definition of one rule; the action is referred to by rule id."""
    patterns = [{"e": {"kind": "end"}}, {"p": _plan_guard(rule)}, *_check_patterns(rule)]
    return {"all": patterns, "run": rule.id}


def compile_catalogue(catalogue: Catalogue) -> dict[str, Any]:
    """All rules of a catalogue as one durable_rules ruleset definition, plus the sentinel."""
    definition = {rule.id: compile_rule(rule) for rule in catalogue.rules}
    definition[SENTINEL] = {"all": [{"e": {"kind": "end"}}], "run": SENTINEL}
    return definition


# --- running ------------------------------------------------------------------------------------


@dataclass
class _Session:
    findings: list[RawFinding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sentinel_fired: bool = False


class _Host(durable_engine.Host):  # type: ignore[misc]
    """A Host without the background dispatch threads (we use no timers or queues), whose actions
    are looked up by rule id and only record into the session of the sid being run."""

    def __init__(self, sessions: dict[str, _Session]) -> None:
        self._sessions = sessions
        super().__init__()

    def _run(self) -> None:
        return None

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        def record(c: Any) -> None:
            session = self._sessions.get(str(c.s.sid))
            if session is None:  # pragma: no cover - a session always exists while we post
                return
            try:
                if action_name == SENTINEL:
                    session.sentinel_fired = True
                    return
                subject = (c._m or {}).get("subj")
                if subject and subject.get("each"):
                    session.findings.extend(RawFinding(action_name, (s,)) for s in subject["subjects"])
                    return
                subjects = tuple(sorted(subject.get("subjects", ()))) if subject else ()
                # A reference fact names the id it points at; the rule matched it because no such
                # id exists, so that id is what the finding quotes.
                target = subject.get("target") if subject else None
                session.findings.append(RawFinding(action_name, subjects, (target,) if target else ()))
            except Exception as exc:  # noqa: BLE001 - any failure must surface as an engine error
                session.errors.append(f"regel {action_name}: {type(exc).__name__}: {exc}")

        return record


_LOCK = threading.RLock()
_SESSIONS: dict[str, _Session] = {}
_HOST: _Host | None = None
_REGISTERED: dict[str, str] = {}
_SID_COUNTER = itertools.count(1)


def _ruleset_for(catalogue: Catalogue) -> str:
    global _HOST
    key = catalogue.fingerprint
    name = _REGISTERED.get(key)
    if name is None:
        if _HOST is None:
            _HOST = _Host(_SESSIONS)
        name = f"planchecker_{key}"
        _HOST.set_rulesets({name: compile_catalogue(catalogue)})
        _REGISTERED[key] = name
    return name


def prepare(catalogue: Catalogue) -> None:
    """Register the catalogue's ruleset now (otherwise done on first use)."""
    with _LOCK:
        _ruleset_for(catalogue)


def live_sessions() -> int:
    """Sessions not yet deleted (tests assert this is zero after checking many plans)."""
    with _LOCK:
        return len(_SESSIONS)


def run_plan(catalogue: Catalogue, facts: Sequence[Fact]) -> EngineResult:
    """Assert one plan's facts (the `end` fact last) in a fresh session and collect the findings."""
    if not facts or facts[-1].get("kind") != "end":
        raise ValueError("the last fact must be the end-of-plan fact")
    with _LOCK:
        name = _ruleset_for(catalogue)
        assert _HOST is not None
        sid = f"plan-{next(_SID_COUNTER)}"
        session = _SESSIONS[sid] = _Session()
        unhandled = 0
        try:
            for number, fact in enumerate(facts, 1):
                try:
                    _HOST.assert_fact(name, {**fact, "sid": sid, "id": f"f{number}"})
                except durable_engine.MessageNotHandledException:
                    unhandled += 1
            state = _HOST.get_state(name, sid)
            if isinstance(state, dict) and state.get("exception"):
                session.errors.append(f"durable_rules: {state['exception']}")
        except Exception as exc:  # noqa: BLE001 - the engine's own failures become engine errors
            session.errors.append(f"durable_rules: {type(exc).__name__}: {exc}")
        finally:
            _delete_state(name, sid)
            del _SESSIONS[sid]
    if not session.sentinel_fired:
        session.errors.append("kontrollregeln för planens slut utlöstes inte; resultatet är ofullständigt")
    return EngineResult(
        findings=_merge_targets(session.findings),
        errors=session.errors,
        facts_asserted=len(facts),
        facts_unhandled=unhandled,
    )


def _merge_targets(findings: list[RawFinding]) -> list[RawFinding]:
    """One finding per rule and set of items: the same rows naming several missing ids (A1 with
    Risk-id R8 and R9) matched one reference fact per id, and are one finding quoting both."""
    targets: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for finding in findings:
        targets.setdefault((finding.rule_id, finding.subjects), set()).update(finding.targets)
    return [RawFinding(rule_id, subjects, tuple(sorted(ids)))
            for (rule_id, subjects), ids in sorted(targets.items())]


def _delete_state(name: str, sid: str) -> None:
    assert _HOST is not None
    try:
        _HOST.delete_state(name, sid)
    except Exception:  # noqa: BLE001,S110 - a session never created has nothing to delete
        pass


def dump_definition(catalogue: Catalogue) -> str:
    """The compiled ruleset as stable JSON (for golden tests and `rules compiled`)."""
    return json.dumps(compile_catalogue(catalogue), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
