"""Each rule's own test cases (tests/rule_cases/<pack>.yaml): load them and run them on the engine.

A case is a minimal plan, the rule under test, and the findings of that rule it must produce:
`expect: []` when the rule holds. Used by `planchecker rules test`, by the parametrized pytest and
by the generated rules reference (a failing and a passing example per rule).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planchecker.checking.pipeline import Checker
from planchecker.checking.rulebook import Period, PlanContext, RuleFileError, Severity
from planchecker.common.model import Plan


# A finding of the rule under test as a case compares it: (status, subjects, severity).
GotFinding = tuple[str, tuple[str, ...], str]


class Expected(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str = Field(pattern="^(fail|waived)$")
    subjects: list[str] = Field(default_factory=list)
    severity: Severity | None = Field(
        default=None, description="Nivån fyndet ska ha (error, warning, info); utelämnas = prövas inte."
    )

    def key(self) -> tuple[str, tuple[str, ...]]:
        return (self.status, tuple(sorted(self.subjects)))

    def matches(self, got: GotFinding) -> bool:
        status, subjects, severity = got
        return self.key() == (status, subjects) and self.severity in (None, severity)


class RuleCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    rule: str
    plan: Plan
    as_of: dt.date | None = None
    period: Period | None = None
    expect: list[Expected]

    @property
    def fires(self) -> bool:
        return bool(self.expect)


@dataclass(frozen=True)
class CaseResult:
    file: str
    case: RuleCase
    got: tuple[GotFinding, ...]  # sorted
    engine_errors: tuple[str, ...]

    @property
    def passed(self) -> bool:
        # A rule reports one finding per subject set, so sorting both sides pairs them up.
        want = sorted(self.case.expect, key=Expected.key)
        return (
            not self.engine_errors
            and len(want) == len(self.got)
            and all(e.matches(g) for e, g in zip(want, self.got, strict=True))
        )


def default_cases_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "tests" / "rule_cases"


def load_cases(cases_dir: Path | None = None) -> list[tuple[str, RuleCase]]:
    cases_dir = cases_dir or default_cases_dir()
    loaded: list[tuple[str, RuleCase]] = []
    for path in sorted(cases_dir.glob("*.yaml")):
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(data, list):
            raise RuleFileError(f"{path.name}: måste vara en lista med testfall")
        for number, raw in enumerate(data, 1):
            try:
                loaded.append((path.name, RuleCase.model_validate(raw)))
            except ValidationError as exc:
                name = raw.get("name", number) if isinstance(raw, dict) else number
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise RuleFileError(f"{path.name}: fall {name!r}: {where}: {first['msg']}") from None
    return loaded


def run_case(checker: Checker, file: str, case: RuleCase) -> CaseResult:
    # A case without as_of is judged at the end of its plan year, whatever today's date is, so
    # cases for future years do not change meaning as time passes.
    as_of = case.as_of or dt.date(case.plan.namnd.year, 12, 31)
    context = PlanContext(as_of=as_of, period=case.period)
    canonical = checker.catalogue.get_rule(case.rule).id  # an unknown id is an error in the case
    report = checker.check(case.plan, f"{file}:{case.name}", context)
    got = tuple(
        sorted((f.status, f.subjects, f.severity) for f in report.findings if f.rule_id == canonical)
    )
    return CaseResult(file, case, got, report.engine_errors)
