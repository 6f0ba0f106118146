"""The last step of every reader: the plan model's own checks, as coded problems with a place.

pydantic reports where a value failed as a `loc` path (`("risks", 3, "probability")`); each reader
passes a locator that turns that path into the sheet, row and column the user sees.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from planchecker.common.model import Plan
from planchecker.reading import contract
from planchecker.reading.cells import clean_text
from planchecker.reading.contract import Column
from planchecker.reading.problem_sink import ProblemSink

Locator = Callable[[tuple[Any, ...]], dict[str, Any]]


def validate(data: dict[str, Any], sink: ProblemSink, locate: Locator, skip_root: bool = False
             ) -> Plan | None:
    """The Plan, or None with every validation error added to `sink`.

    `skip_root` drops the model's own whole-plan duplicate-id error, for readers that have
    already reported each duplicate with its row.
    """
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if loc or not skip_root:
                code, values = _problem_for(error, loc)
                sink.add(code, **locate(loc), **values)
        return None


def field_name(loc: tuple[Any, ...]) -> str | None:
    """The field a loc path ends in (`probability`), skipping list positions."""
    return next((str(part) for part in loc[1:] if isinstance(part, str)), None)


def column_for(loc: tuple[Any, ...]) -> Column | None:
    """The contract column a loc path points into, when there is one."""
    sheet = contract.sheet_for(str(loc[0])) if loc else None
    name = field_name(loc)
    return sheet.column(name) if sheet and name else None


_KIND_NAMES = {"string": "text", "list": "en lista", "dict": "ett objekt", "model": "ett objekt",
               "bool": "true eller false", "int": "ett heltal", "date": "ett datum"}


def _problem_for(error: Any, loc: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
    kind, value, ctx = error["type"], _short(error.get("input")), error.get("ctx") or {}
    column = column_for(loc)
    if kind == "missing":
        return "missing-field", {"field": field_name(loc) or str(loc[-1] if loc else "")}
    if kind == "string_too_short":
        return "missing-value", {}
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = column.bounds if column and column.bounds else (ctx.get("ge"), ctx.get("le"))
        return "out-of-range", {"value": value, "low": low, "high": high}
    if kind.startswith("int_"):
        return "bad-number", {"value": value}
    if kind.startswith("date_"):
        return "bad-date", {"value": value}
    if kind == "enum":
        allowed = ", ".join(column.choices) if column else str(ctx.get("expected", ""))
        return "bad-choice", {"value": value, "allowed": allowed}
    if kind == "extra_forbidden":
        name = _short(clean_text(str(loc[-1]))) if loc else ""
        return "bad-structure", {"detail": f"Okänd uppgift {name!r}."}
    return "bad-value", {"detail": _detail(kind, value, ctx)}


def _detail(kind: str, value: Any, ctx: dict[str, Any]) -> str:
    if kind == "value_error":
        return str(ctx.get("error", "ogiltigt värde"))
    if kind == "string_too_long":
        return f"Texten är längre än {ctx.get('max_length')} tecken."
    expected = _KIND_NAMES.get(kind.partition("_")[0])
    if expected:
        return f"Fel sorts värde; här ska stå {expected}."
    if isinstance(value, float) and not math.isfinite(value):  # YAML .nan/.inf, JSON NaN
        return "Värdet är inget tal (NaN eller oändligt); skriv ett vanligt tal."
    return f"Värdet {value!r} godtas inte här."


def _short(value: Any) -> Any:
    """A value short enough to quote in a message; containers by their type name."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        if isinstance(value, int) and abs(value) > 10**80:
            return "ett mycket stort tal"
        return value if not isinstance(value, str) or len(value) <= 80 else value[:77] + "..."
    return type(value).__name__ if isinstance(value, dict | list) else str(value)[:80]
