"""The vocabulary of check kinds a rule file may use (a discriminated union on `kind`).

Each kind states what must hold in a plan; engine.py compiles each onto durable_rules patterns and
tests/reference.py states the same meaning in plain Python. Adding a kind means adding it here,
in both of those, and in the differential test's synthetic catalogue.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from planchecker.common.model import DocumentType

_STRICT = ConfigDict(extra="forbid", frozen=True)


class ItemForArea(BaseModel):
    """At least one mål / aktivitet / indikator serves the rule's fokusområde."""

    model_config = _STRICT
    kind: Literal["item_for_area"]
    item: Literal["goal", "activity", "indicator"]


class GoalHas(BaseModel):
    """Every mål of the fokusområde (or with any safety topic) has a linked aktivitet/indikator."""

    model_config = _STRICT
    kind: Literal["goal_has"]
    item: Literal["activity", "indicator"]


class RiskCovered(BaseModel):
    """Every significant RSA risk (sannolikhet × konsekvens ≥ min_score) is named by an aktivitet."""

    model_config = _STRICT
    kind: Literal["risk_covered"]
    min_score: int = Field(default=12, ge=1, le=25)


class DocumentExists(BaseModel):
    model_config = _STRICT
    kind: Literal["document_exists"]
    document: DocumentType


class DocumentCurrent(BaseModel):
    """Documents of the type exist, but none was decided recently enough.

    `within: mandate_period` means decided on or after the start of the mandate period the plan
    year lies in; a number means decided at most that many whole months before the as-of date.
    `unless_older_than` makes a warning band below an error rule: the rule stays silent when even
    the newest document is older than that many months (or undated), which the error rule reports.
    """

    model_config = _STRICT
    kind: Literal["document_current"]
    document: DocumentType
    within: Literal["mandate_period"] | Annotated[int, Field(ge=1, le=120)]
    unless_older_than: Annotated[int, Field(ge=2, le=240)] | None = None


class ReferencesResolve(BaseModel):
    model_config = _STRICT
    kind: Literal["references_resolve"]
    link: Literal["activity_goal", "indicator_goal", "activity_risk", "goal_parent"]


class ActivityOverdue(BaseModel):
    """Aktiviteter whose Slut date lies before the as-of date without status klar or inställd."""

    model_config = _STRICT
    kind: Literal["activity_overdue"]


class DocumentValid(BaseModel):
    """Documents (of a type, or any) whose Giltig till date lies before the as-of date."""

    model_config = _STRICT
    kind: Literal["document_valid"]
    document: DocumentType | None = None


class WaiverValid(BaseModel):
    """Undantag whose Giltig till date lies before the as-of date (they no longer waive anything)."""

    model_config = _STRICT
    kind: Literal["waiver_valid"]


class Notice(BaseModel):
    """Always true where the rule applies: an info the reader should see (e.g. a program gap)."""

    model_config = _STRICT
    kind: Literal["notice"]


Check = Annotated[
    ItemForArea
    | GoalHas
    | RiskCovered
    | DocumentExists
    | DocumentCurrent
    | ReferencesResolve
    | ActivityOverdue
    | DocumentValid
    | WaiverValid
    | Notice,
    Field(discriminator="kind"),
]

_CATEGORY_BY_CHECK: dict[str, str] = {
    "risk_covered": "uncovered_risk",
    "document_exists": "missing_document",
    "document_current": "outdated_document",
    "references_resolve": "broken_reference",
    "activity_overdue": "overdue_activity",
    "document_valid": "expired_document",
    "waiver_valid": "expired_waiver",
    "notice": "notice",
}




def category_of(check: Check) -> str:
    """The report category a failing check of this kind produces."""
    if isinstance(check, ItemForArea | GoalHas):
        return f"missing_{check.item}"
    return _CATEGORY_BY_CHECK[check.kind]
