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

from planchecker.checking import Checker
from planchecker.model import Plan
from planchecker.rulebook import Period, PlanContext, RuleFileError, Severity


class Expected(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    status: str = Field(pattern="^(fail|waived)$")
    subjects: list[str] = Field(default_factory=list)
    severity: Severity | None = Field(
        default=None, description="Fyndets nivå för just denna plan, om fallet prövar den."
    )

    def key(self) -> tuple[str, tuple[str, ...]]:
        return (self.status, tuple(sorted(self.subjects)))


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
    got: tuple[tuple[str, tuple[str, ...]], ...]
    engine_errors: tuple[str, ...]
    severities: tuple[tuple[tuple[str, tuple[str, ...]], str], ...] = ()

    @property
    def wrong_severities(self) -> list[str]:
        """Expected findings whose severity the case states and the report does not match."""
        got = dict(self.severities)
        return [
            f"{e.key()}: väntade {e.severity}, fick {got.get(e.key())}"
            for e in self.case.expect
            if e.severity is not None and got.get(e.key()) != e.severity
        ]

    @property
    def passed(self) -> bool:
        want = tuple(sorted(e.key() for e in self.case.expect))
        return not self.engine_errors and self.got == want and not self.wrong_severities


def default_cases_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "tests" / "rule_cases"


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
    mine = [f for f in report.findings if f.rule_id == canonical]
    got = tuple(sorted((f.status, f.subjects) for f in mine))
    severities = tuple(sorted(((f.status, f.subjects), f.severity) for f in mine))
    return CaseResult(file, case, got, report.engine_errors, severities)
