"""Rule files: the models that validate (and document) rules/*.yaml, loading, and applicability.

A rule file holds one source (a city program, a law, an agreement) as a pack of rules. The check of a
rule is written in a small vocabulary of check kinds (a discriminated union on `kind`); the engine
compiles each kind onto durable_rules patterns. Nothing here evaluates a check against a plan.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from planchecker.checking.checks import Check, ItemForArea, category_of
from planchecker.common.model import NamndType, Plan, Topic
from planchecker.common.problems import PlancheckerError

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABELS: dict[str, str] = {"error": "Fel", "warning": "Varning", "info": "Information"}
Basis = Literal["lagkrav", "stadens_program", "tolkning"]
BASIS_LABELS: dict[str, str] = {
    "lagkrav": "Lagkrav",
    "stadens_program": "Stadens program",
    "tolkning": "Planchecker:s tolkning",
}
Period = Literal["T1", "T2", "VB"]

CATEGORY_LABELS: dict[str, str] = {
    "missing_goal": "Mål saknas",
    "missing_activity": "Aktivitet saknas",
    "missing_indicator": "Indikator saknas",
    "uncovered_risk": "Risk utan åtgärd",
    "missing_document": "Dokument saknas",
    "outdated_document": "Inaktuellt dokument",
    "broken_reference": "Felaktig hänvisning",
    "overdue_activity": "Försenad aktivitet",
    "expired_document": "Dokument har gått ut",
    "expired_waiver": "Undantag har gått ut",
    "notice": "Upplysning",
}

_STRICT = ConfigDict(extra="forbid", frozen=True)
_MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class Source(BaseModel):
    """Where a requirement comes from: document, paragraph and, where an official copy exists, a link.

    A document that could only be found as a copy on a mirror site is cited by title, diarienummer
    and date without a link; links go only to the hosts in rules/sources.yaml (tested).
    """

    model_config = _STRICT

    document: str = Field(min_length=3, description="Källdokumentets namn, t.ex. 'LEH (2006:544)'.")
    paragraph: str = Field(min_length=1, description="Kapitel/paragraf/avsnitt, t.ex. '2 kap. 1 §'.")
    url: str | None = Field(
        default=None, pattern=r"^https://",
        description="Länk till en officiell utgåva av källan; saknas när bara en kopia finns.",
    )

    def cite(self) -> str:
        return f"{self.document}, {self.paragraph}"


class Years(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    first: int = Field(alias="from", ge=2000, le=2100)
    last: int | None = Field(default=None, alias="to", ge=2000, le=2100)

    def contains(self, year: int) -> bool:
        return self.first <= year and (self.last is None or year <= self.last)

    def label(self) -> str:
        return f"{self.first}–{self.last}" if self.last is not None else f"{self.first}–"


class When(BaseModel):
    """Extra conditions on the plan, beyond year and nämnd type."""

    model_config = _STRICT

    sakerhetskanslig: bool | None = Field(
        default=None, description="Gäller bara när nämnden bedriver säkerhetskänslig verksamhet."
    )
    periods: list[Period] | None = Field(
        default=None, description="Gäller bara vid dessa uppföljningstillfällen (T1, T2, VB)."
    )
    mandate_years: list[Annotated[int, Field(ge=1, le=4)]] | None = Field(
        default=None, description="Gäller bara planår som är mandatperiodens år 1–4 (t.ex. [1])."
    )
    on_or_after: str | None = Field(
        default=None, pattern=_MONTH_DAY,
        description="Gäller bara när bedömningsdatumet är denna dag (MM-DD) i planåret eller senare.",
    )
    before: str | None = Field(
        default=None, pattern=_MONTH_DAY,
        description="Gäller bara när bedömningsdatumet ligger före denna dag (MM-DD) i planåret.",
    )
    before_adoption: bool | None = Field(
        default=None,
        description="true: gäller bara planer som fastställdes innan paketets program antogs "
        "(planår till och med antagandeåret); false: bara planer därefter.",
    )


class Applies(BaseModel):
    model_config = _STRICT

    years: Years | None = Field(default=None, description="Planår; saknas = paketets år.")
    namnd_types: list[NamndType] | None = Field(default=None, description="Saknas = alla typer.")
    when: When = Field(default_factory=When)


class Rule(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=r"^[A-ZÅÄÖ0-9][A-ZÅÄÖ0-9-]{2,60}$", description="Stabilt id; återanvänds aldrig.")
    title: str = Field(min_length=3, description="Kort svensk rubrik.")
    message: str = Field(min_length=10, description="Svenskt meddelande när regeln inte är uppfylld.")
    description: str = Field(default="", description="Förklaring: vad kravet betyder och vad som räknas.")
    severity: Severity
    severity_for: dict[NamndType, Severity] = Field(
        default_factory=dict,
        description="Annan nivå för vissa nämndtyper, t.ex. varning för bolag som bara programmet når.",
    )
    basis: Basis = Field(
        default="tolkning",
        description="Vad kravet vilar på: lagkrav, stadens program eller planchecker:s tolkning.",
    )
    basis_note: str = Field(
        default="", max_length=240,
        description="En mening om varför regeln har sin grund och nivå (krävs för reglerna i rules/).",
    )
    area: str | None = Field(default=None, description="Fokusområde (namn i paketets `areas`).")
    source: Source
    applies: Applies = Field(default_factory=Applies)
    check: Check
    aliases: list[str] = Field(default_factory=list, description="Tidigare id för samma regel.")

    @property
    def category(self) -> str:
        return category_of(self.check)


class Pack(BaseModel):
    """One rule file: one source document and its rules."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]+$")
    title: str
    source: Source
    years: Years = Field(description="Planår som paketet gäller för.")
    adopted: str | None = Field(
        default=None, pattern=r"^(19|20)[0-9]{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$",
        description="När programmet antogs (ÅÅÅÅ-MM-DD, eller ÅÅÅÅ-MM eller ÅÅÅÅ när dagen inte är känd). "
        "En plan för antagandeåret eller tidigare fastställdes innan programmet fanns: dess fel räknas "
        "som varningar.",
    )
    period: Years | None = Field(
        default=None,
        description="Programmets egen period. Efter den används programmet bara tills ett nyare är "
        "inläst, och dess fel räknas som varningar.",
    )
    areas: dict[str, list[Topic]] = Field(
        default_factory=dict, description="Paketets fokusområden och de ämnen som vart och ett omfattar."
    )
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _areas_known(self) -> Pack:
        for rule in self.rules:
            if rule.area is not None and rule.area not in self.areas:
                known = ", ".join(sorted(self.areas)) or "inga"
                raise ValueError(f"{rule.id}: area: okänt fokusområde {rule.area!r} (kända: {known})")
            if isinstance(rule.check, ItemForArea) and rule.area is None:
                raise ValueError(f"{rule.id}: check: item_for_area kräver ett fokusområde (area)")
            if rule.applies.when.before_adoption is not None and self.adopted is None:
                raise ValueError(f"{rule.id}: applies.when.before_adoption kräver paketets adopted")
        return self

    @property
    def adopted_year(self) -> int | None:
        return int(self.adopted[:4]) if self.adopted is not None else None


@dataclass(frozen=True)
class PlanContext:
    """What applicability and time-aware checks judge against, besides the plan itself."""

    as_of: dt.date
    period: str | None = None

    @staticmethod
    def default_for(plan: Plan, today: dt.date | None = None) -> PlanContext:
        # A plan is judged as at the end of its own year unless that lies in the future: an old
        # plan then gives the same answer tomorrow as today (deterministic reports).
        today = today or dt.date.today()
        return PlanContext(as_of=min(today, dt.date(plan.namnd.year, 12, 31)))


def mandate_period(year: int) -> tuple[int, int]:
    """The mandate period (first year, last year) a calendar year lies in: 2019–2022, 2023–2026, …

    Ordinary elections are held every fourth September (2018, 2022, 2026); the new fullmäktige
    serves from the following year in planning terms.
    """
    first = 2019 + 4 * ((year - 2019) // 4)
    return first, first + 3


# Kommunstyrelsen has had tasks under höjd beredskap that are säkerhetskänslig since the agreement
# on civilt försvar of 2018, so from that plan year it is checked as säkerhetskänslig even when
# its plan does not say so.
PRESUMED_SAKERHETSKANSLIG: dict[NamndType, int] = {NamndType.kommunstyrelse: 2018}


def is_sakerhetskanslig(plan: Plan) -> bool:
    """Whether the rules treat the plan's nämnd as conducting säkerhetskänslig verksamhet."""
    since = PRESUMED_SAKERHETSKANSLIG.get(plan.namnd.type)
    return plan.namnd.sakerhetskanslig or (since is not None and plan.namnd.year >= since)


def mandate_start(year: int) -> dt.date:
    """The day the mandate period of a plan year began: 15 October of the election year.

    The newly elected fullmäktige takes office on 15 October (kommunallagen 5 kap. 4 §), so a
    document decided after that day in 2022 belongs to the period 2023–2026.
    """
    return dt.date(mandate_period(year)[0] - 1, 10, 15)


def mandate_year(year: int) -> int:
    """Which year (1–4) of its mandate period a calendar year is."""
    return year - mandate_period(year)[0] + 1


def day_number(month_day: str) -> int:
    """`10-31` → 1031: a sortable number for a day of the year."""
    month, day = month_day.split("-")
    return int(month) * 100 + int(day)


def plan_day(plan_year: int, as_of: dt.date) -> int:
    """The as-of date as a day number of the plan year: 0 before the year, 9999 after it."""
    if as_of.year < plan_year:
        return 0
    if as_of.year > plan_year:
        return 9999
    return as_of.month * 100 + as_of.day


@dataclass(frozen=True)
class BoundRule:
    """A rule with the pack it belongs to and its effective applicability."""

    rule: Rule
    pack: Pack

    @property
    def id(self) -> str:
        return self.rule.id

    @cached_property
    def years(self) -> Years:
        years = self.rule.applies.years or self.pack.years
        before = self.rule.applies.when.before_adoption
        adopted_year = self.pack.adopted_year
        if before is None or adopted_year is None:
            return years
        # "Before adoption" is a range of plan years: a plan is set by the turn of its year, so
        # a program adopted during year Y was not there when the plans for Y were decided.
        if before:
            last = adopted_year if years.last is None else min(years.last, adopted_year)
            return Years.model_validate({"from": years.first, "to": last})
        return Years.model_validate({"from": max(years.first, adopted_year + 1), "to": years.last})

    def severity_for(self, plan: Plan) -> Severity:
        """The severity a finding of this rule has for this plan.

        The rule's own level, or its level for the plan's nämnd type. An error that rests on the
        program (not on a law the program also cites) becomes a warning for plans set before the
        program was adopted, and for plans after the program's own period (the program is used then
        only until a newer one is read in).
        """
        severity = self.rule.severity_for.get(plan.namnd.type, self.rule.severity)
        if severity != "error" or self.rule.basis == "lagkrav":
            return severity
        year = plan.namnd.year
        adopted_year = self.pack.adopted_year
        if adopted_year is not None and year <= adopted_year:
            return "warning"
        if self.pack.period is not None and self.pack.period.last is not None and year > self.pack.period.last:
            return "warning"
        return severity

    @cached_property
    def topics(self) -> tuple[Topic, ...]:
        if self.rule.area is None:
            return ()
        return tuple(t for t in Topic if t in self.pack.areas[self.rule.area])

    def applies_to(self, plan: Plan, context: PlanContext) -> bool:
        applies = self.rule.applies
        if not self.years.contains(plan.namnd.year):
            return False
        if applies.namnd_types is not None and plan.namnd.type not in applies.namnd_types:
            return False
        when = applies.when
        if when.sakerhetskanslig is not None and is_sakerhetskanslig(plan) != when.sakerhetskanslig:
            return False
        if when.periods is not None and context.period not in when.periods:
            return False
        if when.mandate_years is not None and mandate_year(plan.namnd.year) not in when.mandate_years:
            return False
        day = plan_day(plan.namnd.year, context.as_of)
        if when.on_or_after is not None and day < day_number(when.on_or_after):
            return False
        return when.before is None or day < day_number(when.before)


class RuleFileError(PlancheckerError):
    """A rule file is malformed: names the file, the rule id and what is wrong."""


@dataclass(frozen=True)
class Catalogue:
    packs: tuple[Pack, ...]

    @cached_property
    def rules(self) -> tuple[BoundRule, ...]:
        return tuple(BoundRule(rule, pack) for pack in self.packs for rule in pack.rules)

    @cached_property
    def _by_id(self) -> dict[str, BoundRule]:
        table: dict[str, BoundRule] = {}
        for bound in self.rules:
            for key in (bound.id, *bound.rule.aliases):
                table[key] = bound
        return table

    def get_rule(self, rule_id: str) -> BoundRule:
        try:
            return self._by_id[rule_id]
        except KeyError:
            raise PlancheckerError(f"Det finns ingen regel med id {rule_id!r}.") from None

    def find(self, rule_id: str) -> BoundRule | None:
        return self._by_id.get(rule_id)

    def applicable(self, plan: Plan, context: PlanContext) -> list[BoundRule]:
        return [r for r in self.rules if r.applies_to(plan, context)]

    def packs_for(self, plan: Plan, context: PlanContext) -> list[Pack]:
        ids = {r.pack.id for r in self.applicable(plan, context)}
        return [p for p in self.packs if p.id in ids]

    @cached_property
    def fingerprint(self) -> str:
        """A short hash of the rules, naming the engine's ruleset; computed once, asked per plan."""
        blob = json.dumps([p.model_dump(mode="json", by_alias=True) for p in self.packs], sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


# libyaml's loader where PyYAML has it: the pure-Python one was a third of start-up time.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def default_rules_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "rules"


def _yaml_line(text: str, rule_id: str | None) -> int | None:
    if rule_id is None:
        return None
    match = re.search(rf"^\s*-?\s*id:\s*['\"]?{re.escape(rule_id)}['\"]?\s*$", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _rule_id(data: Any, index: int) -> str | None:
    try:
        rule_id = data["rules"][index]["id"]
    except (KeyError, IndexError, TypeError):
        return None
    return str(rule_id) if rule_id is not None else None


def _describe_error(path: Path, text: str, data: Any, error: ValidationError) -> str:
    lines = []
    for err in error.errors():
        loc = list(err["loc"])
        rule_id = None
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rule_id = _rule_id(data, loc[1])
            if rule_id is not None:  # named by its id; an entry without one keeps its position
                loc = loc[2:]
        msg = err["msg"].removeprefix("Value error, ")
        where = ".".join(str(p) for p in loc) or "(filen)"
        line = _yaml_line(text, rule_id)
        head = f"{path.name}" + (f":{line}" if line else "")
        lines.append(f"{head}: {rule_id or '-'}: {where}: {msg}")
    return "\n".join(lines)


def load_pack(path: Path) -> Pack:
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise RuleFileError(f"{path.name}{where}: felaktig YAML: {exc}") from None
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(_describe_error(path, text, data, exc)) from None


def load_catalogue(rules_dir: Path | None = None) -> Catalogue:
    """Load the packs listed in rules/index.yaml, in that order, and check ids are unique."""
    rules_dir = rules_dir or default_rules_dir()
    index_path = rules_dir / "index.yaml"
    try:
        index = yaml.load(index_path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise RuleFileError(f"{index_path}: kan inte läsa regelindexet: {exc}") from None
    if not isinstance(index, dict) or not isinstance(index.get("packs"), list):
        raise RuleFileError(f"{index_path}: måste innehålla en lista 'packs' med regelfiler")
    packs = [load_pack(rules_dir / str(name)) for name in index["packs"]]
    _check_unique(packs)
    return Catalogue(tuple(packs))


def _check_unique(packs: Iterable[Pack]) -> None:
    seen: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            for key in (rule.id, *rule.aliases):
                if key in seen:
                    raise RuleFileError(
                        f"{pack.id}.yaml: {rule.id}: id {key!r} används redan i {seen[key]}.yaml"
                    )
                seen[key] = pack.id


def rule_json_schema() -> dict[str, Any]:
    return Pack.model_json_schema(by_alias=True)

