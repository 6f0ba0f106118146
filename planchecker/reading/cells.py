"""What a cell may hold: when it counts as empty, its text as a person reads it, and the model
value of a cell in each column kind of the contract.

Text is cleaned once, here, for every reader: NFC (a decomposed å from a Mac equals a composed one,
so ids and links match), no control or zero-width characters (invisible in Excel, fatal when the
report is written back to .xlsx), and the no-break spaces Excel and web pages leave become spaces.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any, Protocol

from planchecker.common import model

YES_NO_LABELS: dict[bool, str] = {True: "ja", False: "nej"}
_YES_NO = {"ja": True, "j": True, "x": True, "nej": False, "n": False}


def parse_yes_no(value: str) -> bool | None:
    return _YES_NO.get(model.fold(value))


# Control characters (tab, line feed and carriage return are text), zero-width space, word joiner
# and BOM are dropped; no-break spaces become spaces; a lone surrogate (only a JSON "\ud800"
# escape makes one) becomes U+FFFD.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00a0\u2007\u202f\u200b\u2060\ufeff"
                       "\ud800-\udfff]")
_BLANK = re.compile("[\\s\x00-\x1f\x7f\u200b\u2060\ufeff]*")


def _replacement(match: re.Match[str]) -> str:
    char = match.group()
    if char in "\u00a0\u2007\u202f":
        return " "
    return "\ufffd" if "\ud800" <= char <= "\udfff" else ""


def clean_text(text: str) -> str:
    """The text as stored in the plan: NFC, no invisible characters, plain spaces."""
    if text.isascii() and text.isprintable():
        return text  # nearly every cell
    if _UNWANTED.search(text):
        text = _UNWANTED.sub(_replacement, text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def is_empty(value: Any) -> bool:
    if isinstance(value, str):
        # a cell that starts with a letter or digit is the common case, and never blank
        return not (value[:1].isalnum() or _BLANK.fullmatch(value) is None)
    return value is None


def cell_text(value: Any) -> str:
    """Text of a cell as a person reads it: 3.0 is "3", a midnight datetime is its date."""
    if type(value) is str:  # nearly every cell; the checks below are for the rest
        return clean_text(value).strip()
    if isinstance(value, bool):
        return YES_NO_LABELS[value]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return clean_text(str(value)).strip()


class CellError(Exception):
    """A cell that does not fit its column: a problem code plus the values for its template."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


_DATE_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_INT_TEXT = re.compile(r"[+-]?\d{1,18}(?:[.,]0*)?")


class ColumnSpec(Protocol):
    """What a converter reads of a column: `contract.Column` has it. A protocol rather than an
    import, since the contract builds its columns from this module (no import cycle)."""

    @property
    def kind(self) -> str: ...
    @property
    def choices(self) -> tuple[str, ...]: ...
    @property
    def parse(self) -> Callable[[str], Any] | None: ...
    @property
    def bounds(self) -> tuple[int, int] | None: ...


@lru_cache(maxsize=256)
def converter(column: ColumnSpec) -> Callable[[Any], Any]:
    """What turns a non-empty cell of `column` into its model value (or raises CellError), the
    column kind decided once: a sheet reader calls it for each of its cells (245,000 in a
    30,000-aktivitet plan); deciding it per cell cost 3.5 % of the instructions of reading an L
    plan."""
    if column.kind == "date":
        return _to_date
    if column.kind == "int":
        return partial(_to_int, column)
    if column.kind == "ids":
        return _to_ids
    if column.kind == "topics":
        return partial(_to_topics, column)
    if column.kind == "choice":
        return partial(_to_choice, column)
    return cell_text


def _to_ids(value: Any) -> list[str]:
    return model.split_ids(cell_text(value))


def _to_topics(column: ColumnSpec, value: Any) -> list[model.Topic]:
    text = cell_text(value)
    topics, unknown = _cached(_parse_topics, text)
    if unknown:
        first = unknown[0]
        nearest = model.nearest_fokusomrade(first)
        where = "" if first == text else f" i {text!r}"
        hint = f" – menade du {nearest!r}?" if nearest else "."
        more = f" Även {', '.join(map(repr, unknown[1:]))} är okända." if unknown[1:] else ""
        raise CellError("unknown-topic", part=first, where=where, hint=hint, more=more,
                        allowed=_allowed(column))
    return list(topics)


def _allowed(column: ColumnSpec) -> str:
    return ", ".join(column.choices)


# A column of 30,000 rows repeats a handful of labels; folding each one again is most of the cost.
@lru_cache(maxsize=4096)
def _cached(parse: Callable[[str], Any], text: str) -> Any:
    return parse(text)


def _parse_topics(text: str) -> tuple[tuple[model.Topic, ...], tuple[str, ...]]:
    topics, unknown = model.parse_fokusomraden(text)
    return tuple(topics), tuple(unknown)


def _to_choice(column: ColumnSpec, value: Any) -> Any:
    assert column.parse is not None
    text = cell_text(value)
    parsed = _cached(column.parse, text)
    if parsed is None:
        raise CellError("bad-choice", value=text, allowed=_allowed(column))
    return parsed


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    match = _DATE_TEXT.fullmatch(text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError("bad-date", value=text)


def _to_int(column: ColumnSpec, value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        number = int(re.split(r"[.,]", value.strip())[0])
    else:
        raise CellError("bad-number", value=cell_text(value))
    if column.bounds and not column.bounds[0] <= number <= column.bounds[1]:
        raise CellError("out-of-range", value=number, low=column.bounds[0], high=column.bounds[1])
    return number
