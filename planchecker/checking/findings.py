"""Raw engine findings → the Report: messages and sources from the rules, waivers, sorting, summary.

The Report is the one serialisable record every writer renders (`to_records()`); its JSON form is
the contract documented in schemas/report.schema.json.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planchecker.checking.checks import ItemForArea
from planchecker.checking.engine import RawFinding
from planchecker.checking.rulebook import SEVERITY_RANK, BoundRule, Catalogue, Pack, PlanContext
from planchecker.common.model import Location, Plan, Topic, Waiver
from planchecker.topics.classifier import Classification, ItemTopics, TopicScore
from planchecker.topics.vocabulary import Kind

# 2: items carry topic_scores; findings carry candidates (issue 13).
REPORT_VERSION = 2
_KIND_ORDER = {"goal": 0, "indicator": 1, "activity": 2, "risk": 3}

# Coverage states, as codes in JSON and as the Swedish words every other format shows.
COVERAGE_LABELS: dict[str, str] = {
    "met": "uppfyllt",
    "missing": "saknas",
    "waived": "undantag",
    "not_applicable": "ej tillämpligt",
}
COVERAGE_ITEMS: tuple[str, ...] = ("goal", "activity", "indicator")


@dataclass(frozen=True)
class Requirement:
    """An applicable rule as the coverage views need it. Nothing here evaluates the rule: whether
    it is met is read off the findings (see Report.rule_status)."""

    rule_id: str
    severity: str
    area: str | None
    check: str  # the check kind
    item: str | None = None  # goal / activity / indicator for item_for_area and goal_has
    category: str = ""  # rulebook.CATEGORY_LABELS: what kind of gap a failure of it is

    @property
    def counts(self) -> bool:
        # A notice always "fires": it informs, it is not something a plan can meet.
        return self.check != "notice"

    @staticmethod
    def of(bound: BoundRule, plan: Plan) -> Requirement:
        rule = bound.rule
        item = getattr(rule.check, "item", None)
        return Requirement(bound.id, bound.severity_for(plan), rule.area, rule.check.kind, item,
                           rule.category)


@dataclass(frozen=True)
class Candidate:
    """An item without a Fokusområde whose own text came close to the fokusområde a finding says
    is missing. Information for the nämnd beside the finding, never part of its verdict: the
    engine decided the finding; the nämnd confirms a candidate by filling in its Fokusområde."""

    kind: str  # "goal" | "activity"
    id: str
    topic: Topic
    score: float
    evidence: tuple[str, ...]


# The kinds whose rows have a Fokusområde column a nämnd can fill in (indikatorer have none).
CANDIDATE_KINDS = ("goal", "activity")


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    status: str  # "fail" | "waived"
    category: str
    area: str | None
    topics: tuple[Topic, ...]
    subjects: tuple[str, ...]
    title: str
    message: str
    source: str
    url: str
    waiver: Waiver | None = None
    candidates: tuple[Candidate, ...] = ()  # closest first; information, not verdict
    # Equality is the dataclass's: every field, wording included, so that a changed severity,
    # category or undantag is never equal to the old finding. A comparison that means to ignore
    # wording says so by comparing `verdict()`.

    def verdict(self) -> tuple[str, str, str, str, tuple[str, ...], Waiver | None]:
        """Everything a user acts on, without the wording: rule, severity, status, category,
        subjects and undantag."""
        return (self.rule_id, self.severity, self.status, self.category, self.subjects, self.waiver)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.area or "\uffff", SEVERITY_RANK[self.severity], self.rule_id, self.subjects)


@dataclass(frozen=True)
class Report:
    plan_name: str
    plan_type: str
    plan_year: int
    file: str
    as_of: dt.date
    period: str | None
    packs: tuple[Pack, ...]
    items: tuple[ItemTopics, ...]
    locations: dict[tuple[str, str], Location]
    findings: tuple[Finding, ...]
    waivers: tuple[tuple[Waiver, str], ...]  # (waiver, "använt" | "oanvänt" | "utgånget" | "okänd regel")
    engine_errors: tuple[str, ...] = ()
    requirements: tuple[Requirement, ...] = field(default_factory=tuple)
    # Set when the plan was read from a published document: its structure was inferred.
    notice: str | None = None

    @property
    def applicable_rules(self) -> tuple[str, ...]:
        return tuple(r.rule_id for r in self.requirements)

    @property
    def rules_checked(self) -> int:
        return len(self.requirements)

    def count(self, severity: str, status: str = "fail") -> int:
        return sum(1 for f in self.findings if f.severity == severity and f.status == status)

    @property
    def verdict(self) -> str:
        if self.engine_errors:
            return "engine-error"
        return "gaps" if any(f.status == "fail" and f.severity == "error" for f in self.findings) else "ok"

    def worst(self) -> str | None:
        """The most severe severity among failing findings (None when nothing fails)."""
        failing = [f.severity for f in self.findings if f.status == "fail"]
        return min(failing, key=SEVERITY_RANK.__getitem__) if failing else None

    def flatten(
        self, keys: Sequence[str] = ("rule_id", "severity", "status", "category", "subjects")
    ) -> list[tuple[Any, ...]]:
        """The findings as tuples of `keys`; by default everything but wording and undantag."""
        return [tuple(getattr(f, k) for k in keys) for f in self.findings]

    def to_records(self) -> dict[str, Any]:
        """Plain dicts in a fixed order: the JSON report contract (schemas/report.schema.json)."""
        return {
            "report_version": REPORT_VERSION,
            "plan": {
                "name": self.plan_name,
                "type": self.plan_type,
                "year": self.plan_year,
                "file": self.file,
                "as_of": self.as_of.isoformat(),
                "period": self.period,
                "rule_packs": [{"id": p.id, "title": p.title} for p in self.packs],
                **({"inferred_structure": self.notice} if self.notice else {}),
            },
            "verdict": self.verdict,
            "summary": self.summary(),
            "items": self._item_records(),
            "findings": [self._finding_record(f) for f in self.findings],
            "waivers": [_waiver_record(w, state) for w, state in self.waivers],
            "coverage": self.coverage_record(),
            "engine_errors": list(self.engine_errors),
        }

    # --- coverage: read off the findings and the applicable rules, never evaluated here ---------

    @property
    def areas(self) -> tuple[str, ...]:
        """The fokusområden of the applicable packs that have a requirement applying to this plan,
        in pack order, each once (an area whose rules all lie in other years is left out)."""
        required = {r.area for r in self.requirements if r.counts}
        return tuple(dict.fromkeys(a for pack in self.packs for a in pack.areas if a in required))

    def rule_status(self, rule_id: str) -> str:
        """`missing` if the rule has a failing finding, `waived` if all are waived, else `met`."""
        statuses = self._statuses_by_rule.get(rule_id, ())
        if "fail" in statuses:
            return "missing"
        return "waived" if statuses else "met"

    @functools.cached_property
    def _statuses_by_rule(self) -> dict[str, set[str]]:
        # Once per report, not once per rule and area: an XL plan has 8,550 findings to scan.
        statuses: dict[str, set[str]] = {}
        for finding in self.findings:
            statuses.setdefault(finding.rule_id, set()).add(finding.status)
        return statuses

    def status_of(self, requirements: Iterable[Requirement]) -> str:
        """One state for several requirements: any missing wins, then waived, then met."""
        statuses = {self.rule_status(r.rule_id) for r in requirements if r.counts}
        for state in ("missing", "waived", "met"):
            if state in statuses:
                return state
        return "not_applicable"

    def area_status(self, area: str, item: str | None = None) -> str:
        """A fokusområde's state: all its requirements, or its item_for_area rule for `item`."""
        return self.status_of(
            r for r in self.requirements
            if r.area == area and (item is None or (r.check == "item_for_area" and r.item == item))
        )

    def requirements_met(self, area: str | None = None) -> tuple[int, int]:
        """(met, applicable) requirements, of one fokusområde or of all; waived counts as met."""
        counted = [r for r in self.requirements if r.counts and (area is None or r.area == area)]
        return sum(1 for r in counted if self.rule_status(r.rule_id) != "missing"), len(counted)

    def requirements_waived(self, area: str | None = None) -> int:
        """How many of the requirements counted as met hold only by an undantag: every format
        says so beside the share, so that "2 av 2" is never read as two requirements fulfilled."""
        return sum(
            1
            for r in self.requirements
            if r.counts and (area is None or r.area == area) and self.rule_status(r.rule_id) == "waived"
        )

    def coverage_record(self) -> dict[str, Any]:
        met, total = self.requirements_met()
        return {
            "requirements": total,
            "met": met,
            "waived": self.requirements_waived(),
            "areas": [
                {"area": area, "status": self.area_status(area)}
                | {item: self.area_status(area, item) for item in COVERAGE_ITEMS}
                for area in self.areas
            ],
            "rules": [
                {"rule_id": r.rule_id, "area": r.area, "severity": r.severity,
                 "status": self.rule_status(r.rule_id)}
                for r in self.requirements
                if r.counts
            ],
        }

    def summary(self) -> dict[str, Any]:
        counts = {
            sev: {"fail": self.count(sev, "fail"), "waived": self.count(sev, "waived")}
            for sev in SEVERITY_RANK
        }
        return {**counts, "rules_checked": self.rules_checked}

    def location_of(self, subject: str) -> Location | None:
        for kind in _KIND_ORDER:
            found = self.locations.get((kind, subject))
            if found is not None:
                return found
        return None

    def _item_records(self) -> list[dict[str, Any]]:
        # What an item's record says of its topics depends only on its judgment, source and
        # topics, which items with the same text share: built once per distinct (judgment, source,
        # topics) and shared (the records are only serialised). Per item, an XL report spent
        # 0.1 s building the same lists again.
        shared: dict[tuple[int, str, tuple[Topic, ...]], tuple[list[str], list[str], list[Any]]] = {}
        scores: dict[int, list[dict[str, Any]]] = {}
        locations = self.locations
        records = []
        for item in self.items:
            judged = item.judged
            key = (id(judged), item.source, item.topics)
            parts = shared.get(key)
            if parts is None:
                topic_scores = scores.get(id(judged))
                if topic_scores is None:
                    topic_scores = scores[id(judged)] = _score_records(judged)
                parts = shared[key] = (list(_topic_codes(item.topics)), list(item.evidence),
                                       topic_scores)
            records.append({
                "kind": item.kind,
                "id": item.id,
                "topics": parts[0],
                "topic_source": item.source,
                "evidence": parts[1],
                "topic_scores": parts[2],
                "location": _location_record(locations.get((item.kind, item.id))),
            })
        return records

    def _finding_record(self, finding: Finding) -> dict[str, Any]:
        return {
            "rule_id": finding.rule_id,
            "severity": finding.severity,
            "status": finding.status,
            "category": finding.category,
            "area": finding.area,
            "topics": list(_topic_codes(finding.topics)),
            "subjects": list(finding.subjects),
            "locations": [_location_record(self.location_of(s)) for s in finding.subjects],
            "title": finding.title,
            "message": finding.message,
            "source": finding.source,
            "url": finding.url,
            "waiver": _waiver_record(finding.waiver, None) if finding.waiver else None,
            "candidates": [
                {"kind": c.kind, "id": c.id, "topic": c.topic.value, "confidence": c.score,
                 "evidence": list(c.evidence),
                 "location": _location_record(self.locations.get((c.kind, c.id)))}
                for c in finding.candidates
            ],
        }


def _score_records(judged: Classification) -> list[dict[str, Any]]:
    return [
        {"topic": score.topic.value, "confidence": score.score, "judgment": judged.judgment(score),
         "evidence": list(score.evidence), "against": list(score.against)}
        for score in judged.scores
    ]


def _location_record(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    # The file by its name, as plan.file: a report must not depend on (or reveal) the folder the
    # plan was read from, so that it is the same on every machine. Built by hand, not with
    # model_dump: a large plan has tens of thousands of these (XL report 1.43 → 1.12 s measured).
    record: dict[str, Any] = {"file": _file_name(location.file)}
    # Attribute by attribute, not a loop over getattr: tens of thousands of these per plan.
    if location.sheet is not None:
        record["sheet"] = location.sheet
    if location.row is not None:
        record["row"] = location.row
    if location.column is not None:
        record["column"] = location.column
    if location.letter is not None:
        record["letter"] = location.letter
    return record


@functools.lru_cache(maxsize=64)
def _file_name(path: str) -> str:
    return Path(path).name


@functools.lru_cache(maxsize=256)
def _topic_codes(topics: tuple[Topic, ...]) -> tuple[str, ...]:
    # Enum .value is a slow descriptor, and an XL plan has 35,000 items with a few topic sets.
    return tuple(topic.value for topic in topics)


def _waiver_record(waiver: Waiver, state: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "rule": waiver.rule,
        "motivation": waiver.motivation,
        "decided_by": waiver.decided_by,
        "valid_until": waiver.valid_until.isoformat() if waiver.valid_until else None,
        "location": _location_record(waiver.location),
    }
    if state is not None:
        record["state"] = state
    return record


def _waiver_expired(waiver: Waiver, as_of: dt.date) -> bool:
    # a bool, not a state word: the words a user reads are set in one place, in build_findings
    return waiver.valid_until is not None and waiver.valid_until < as_of


def _match_waivers(
    catalogue: Catalogue, waivers: Sequence[Waiver], as_of: dt.date
) -> tuple[dict[str, Waiver], dict[str, Waiver], list[tuple[Waiver, str]]]:
    """Split waivers into valid and expired ones per rule id; unknown rule ids are reported."""
    valid: dict[str, Waiver] = {}
    expired: dict[str, Waiver] = {}
    unknown: list[tuple[Waiver, str]] = []
    for waiver in waivers:
        bound = catalogue.find(waiver.rule.strip())
        if bound is None:
            unknown.append((waiver, "okänd regel"))
        elif _waiver_expired(waiver, as_of):
            expired.setdefault(bound.id, waiver)
        else:
            valid.setdefault(bound.id, waiver)
    return valid, expired, unknown


# The learned model's lean of one untagged item: (item, its topics from classifier.RANKED_NEAR).
Leaning = Callable[[ItemTopics], Sequence[TopicScore]]
# Classifier.leaning: a line's text and row kind -> the topics the model leans to.
TextLeaning = Callable[[str, Kind], Sequence[TopicScore]]


class NearMisses:
    """The untagged mål and aktiviteter whose text came close to a topic, by (kind, topic), and,
    with `leaning`, the one the model leans to most for a missing topic (asked only when a
    finding needs it: most plans have few such findings and many items)."""

    def __init__(self, items: Iterable[ItemTopics], leaning: Leaning | None = None) -> None:
        self._by: dict[tuple[str, Topic], list[tuple[ItemTopics, TopicScore]]] = {}
        self._untagged: dict[str, list[ItemTopics]] = {}
        for item in items:
            if item.kind in CANDIDATE_KINDS and item.source != "tagged":
                self._untagged.setdefault(item.kind, []).append(item)
                for score in item.judged.near:
                    self._by.setdefault((item.kind, score.topic), []).append((item, score))
        self._leaning = leaning
        self._leans: dict[tuple[str, str], Sequence[TopicScore]] = {}

    def candidates(self, bound: BoundRule) -> tuple[Candidate, ...]:
        """For a mål/aktivitet-for-the-area rule: the items that came close to one of its
        topics, each once with its best score, closest first, then the item the model leans to
        most if it is not among them; nothing for any other rule."""
        check = bound.rule.check
        if not isinstance(check, ItemForArea) or check.item not in CANDIDATE_KINDS:
            return ()
        best: dict[str, tuple[ItemTopics, TopicScore]] = {}
        for topic in bound.topics:
            for item, score in self._by.get((check.item, topic), ()):
                if item.id not in best or score.score > best[item.id][1].score:
                    best[item.id] = (item, score)
        closest = self._closest(check.item, bound.topics)
        if closest is not None and closest[0].id not in best:
            best[closest[0].id] = closest
        found = [Candidate(item.kind, item.id, score.topic, score.score, score.evidence)
                 for item, score in best.values()]
        return tuple(sorted(found, key=lambda c: (-c.score, _natural(c.id))))

    def _closest(self, kind: str, topics: Sequence[Topic]) -> tuple[ItemTopics, TopicScore] | None:
        """The untagged item of this kind the model leans to most for one of `topics` (ties: the
        topic the rule lists first, then id order), or None."""
        if self._leaning is None:
            return None
        wanted = {topic: rank for rank, topic in enumerate(topics)}
        ranked: list[tuple[float, int, tuple[Any, ...], ItemTopics, TopicScore]] = []
        for item in self._untagged.get(kind, ()):
            key = (item.kind, item.id)
            if key not in self._leans:
                self._leans[key] = self._leaning(item)
            for score in self._leans[key]:
                if score.topic in wanted:
                    ranked.append((-score.score, wanted[score.topic], _natural(item.id), item, score))
        if not ranked:
            return None
        _, _, _, item, score = min(ranked, key=lambda entry: entry[:3])
        return item, score


# The column a reference is written in, to name it in the message: "Mål-id 'M9' finns inte".
_LINK_COLUMNS = {"activity_goal": "Mål-id", "indicator_goal": "Mål-id", "activity_risk": "Risk-id",
                 "goal_parent": "Överordnat mål"}


def make_finding(
    bound: BoundRule, subjects: tuple[str, ...], waiver: Waiver | None, waived: bool,
    candidates: tuple[Candidate, ...] = (), plan: Plan | None = None, targets: tuple[str, ...] = (),
) -> Finding:
    """`targets`: the ids a broken reference names that the engine found missing ('M9'); the
    message quotes them, since the rule's own text cannot and the subjects only say which rows
    hold them."""
    rule = bound.rule
    link: str | None = getattr(rule.check, "link", None)
    message = rule.message
    if link is not None and targets:
        quoted = " och ".join(f"'{target}'" for target in targets)
        message = f"{_LINK_COLUMNS[link]} {quoted} finns inte i planen. {message}"
    return Finding(
        rule_id=rule.id,
        severity=bound.severity_for(plan) if plan is not None else rule.severity,
        status="waived" if waived else "fail",
        category=rule.category,
        area=rule.area,
        topics=bound.topics,
        subjects=subjects,
        title=rule.title,
        message=message,
        source=rule.source.cite(),
        url=rule.source.url or "",
        waiver=waiver,
        candidates=candidates,
    )


def build_findings(
    catalogue: Catalogue, raw: Iterable[RawFinding], waivers: Sequence[Waiver], as_of: dt.date,
    items: Iterable[ItemTopics] = (), plan: Plan | None = None,
    leaning: TextLeaning | None = None,
) -> tuple[list[Finding], list[tuple[Waiver, str]]]:
    """The engine's findings with their rules' words, waivers and (for a missing mål or aktivitet)
    the untagged items that came close; `items` are the plan's classified items, `leaning` the
    classifier's (Classifier.leaning: text, kind -> topics the model leans to)."""
    valid, expired, unknown = _match_waivers(catalogue, waivers, as_of)
    near = NearMisses(items, _item_leaning(plan, leaning))
    findings: list[Finding] = []
    used: set[str] = set()
    for item in raw:
        bound = catalogue.get_rule(item.rule_id)
        waiver = valid.get(bound.id) or expired.get(bound.id)
        waived = bound.id in valid
        if waiver is not None:
            used.add(bound.id)
        findings.append(make_finding(bound, item.subjects, waiver, waived, near.candidates(bound), plan,
                                     item.targets))
    states: list[tuple[Waiver, str]] = list(unknown)
    for table, state in ((valid, "använt"), (expired, "utgånget")):
        for rule_id, waiver in table.items():
            states.append((waiver, state if rule_id in used or state == "utgånget" else "oanvänt"))
    findings.sort(key=Finding.sort_key)
    states.sort(key=lambda pair: (pair[0].rule, pair[1]))
    return findings, states


def _item_leaning(plan: Plan | None, leaning: TextLeaning | None) -> Leaning | None:
    if plan is None or leaning is None:
        return None
    # Built on the first lean asked for, not per report: most reports ask for none.
    texts: dict[tuple[str, str], tuple[str, Kind]] = {}

    def lean(item: ItemTopics) -> Sequence[TopicScore]:
        if not texts:
            texts.update({("goal", g.id): (g.text, "goal") for g in plan.goals})
            texts.update({("activity", a.id): (a.text, "activity") for a in plan.activities})
        return leaning(*texts[(item.kind, item.id)])

    return lean


def build_report(
    plan: Plan,
    file: str,
    catalogue: Catalogue,
    context: PlanContext,
    items: Sequence[ItemTopics],
    raw: Iterable[RawFinding],
    engine_errors: Sequence[str] = (),
    leaning: TextLeaning | None = None,
) -> Report:
    findings, waiver_states = build_findings(catalogue, raw, plan.waivers, context.as_of, items, plan,
                                             leaning)
    applicable = catalogue.applicable(plan, context)
    locations: dict[tuple[str, str], Location] = {}
    for kind, collection in (
        ("goal", plan.goals),
        ("indicator", plan.indicators),
        ("activity", plan.activities),
        ("risk", plan.risks),
    ):
        for entry in collection:
            if entry.location is not None:
                locations[(kind, entry.id)] = entry.location
    ordered_items = sorted(items, key=lambda i: (_KIND_ORDER.get(i.kind, 9), _natural(i.id)))
    return Report(
        plan_name=plan.namnd.name,
        plan_type=plan.namnd.type.value,
        plan_year=plan.namnd.year,
        file=file,
        as_of=context.as_of,
        period=context.period,
        packs=tuple(catalogue.packs_for(plan, context)),
        items=tuple(ordered_items),
        locations=locations,
        findings=tuple(findings),
        waivers=tuple(waiver_states),
        engine_errors=tuple(engine_errors),
        requirements=tuple(Requirement.of(r, plan) for r in applicable),
    )


_DIGIT_RUNS = re.compile(r"(\d+)")


def _natural(text: str) -> tuple[Any, ...]:
    """Sort key that puts A2 before A10."""
    # Compiled once: re.split's pattern lookup was a tenth of building an XL report (35,000 ids).
    return tuple(int(p) if p.isdigit() else p for p in _DIGIT_RUNS.split(text))
