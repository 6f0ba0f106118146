"""Fuzzing the readers (issue 6): random bytes, damaged copies of the sample workbooks, random cell
values in every column, random JSON and YAML. Whatever comes in, `read_plan` returns either a
valid plan and no problems, or problems that are the project's own, each naming the file (and,
for a cell of a workbook, its sheet and row); never another exception, never a hang.

Examples per test come from the hypothesis profile (tests/conftest.py): `ci` is derandomized and
small, `HYPOTHESIS_PROFILE=long` runs many more.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import signal
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import assume, example, given
from hypothesis import strategies as st

from planchecker.common.model import (
    DOCUMENT_TYPE_LABELS,
    NAMND_TYPE_LABELS,
    STATUS_LABELS,
    TOPIC_LABELS,
    Plan,
)
from planchecker.common.problems import PROBLEM_CODES, InputProblem, ReadResult
from planchecker.reading import contract, sheetrows
from planchecker.reading.reader import read_plan

SAMPLES = Path(__file__).resolve().parents[1] / "sample_plans"
WORKBOOKS = {path.name: path.read_bytes() for path in sorted(SAMPLES.glob("*.xlsx"))}
HANG_SECONDS = 20  # far above the 2 s deadline: this catches a reader that never returns
# Problems about one cell of a workbook; they must say which sheet and row.
CELL_CODES = {"missing-value", "duplicate-id", "bad-date", "bad-number", "out-of-range",
              "formula-without-value", "bad-choice"}


class Hang(BaseException):
    """Raised by the alarm; a BaseException, so that read_plan's own `except Exception` cannot
    turn a hang into an internal-error problem."""


@contextmanager
def alarm(seconds: int = HANG_SECONDS) -> Iterator[None]:
    def ring(_signum: int, _frame: FrameType | None) -> None:
        raise Hang(f"read_plan did not return within {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def read_and_check(folder: Path, name: str, data: bytes) -> ReadResult:
    """Read `data` as file `name` and assert the property; returns the result for more checks."""
    path = folder / name
    path.write_bytes(data)
    with alarm():
        result = read_plan(path)
    assert isinstance(result, ReadResult)
    if result.plan is not None:
        assert isinstance(result.plan, Plan)
        assert result.problems == []
        return result
    assert result.problems, "no plan and no problem"
    workbook = data.startswith(b"PK")
    for problem in result.problems:
        assert isinstance(problem, InputProblem)
        assert problem.code in PROBLEM_CODES and problem.code != "internal-error", problem
        assert problem.location.file == str(path)
        problem.describe().encode("utf-8")  # printable: no lone surrogates, no formatting error
        if workbook and problem.code in CELL_CODES:
            assert problem.location.sheet and problem.location.row, problem
    return result


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Each example overwrites the same file, so the folder can outlive one example.
    return tmp_path_factory.mktemp("fuzz")


# --- random bytes ---------------------------------------------------------------------------------

SUFFIXES = st.sampled_from(["plan.xlsx", "plan.xlsm", "plan.json", "plan.yaml", "plan.yml",
                            "plan.xls", "plan", "plan.txt"])
PREFIXES = st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                            b"\xff\xfe", b"\xef\xbb\xbf", b"<?xml", b"{", b"[", b"<html>",
                            b"---\n"])


@given(name=SUFFIXES, prefix=PREFIXES, body=st.binary(max_size=2048))
def test_random_bytes(folder: Path, name: str, prefix: bytes, body: bytes) -> None:
    read_and_check(folder, name, prefix + body)


# --- damaged copies of the sample workbooks -------------------------------------------------------


def rezip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def members_of(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


SAMPLE = st.sampled_from(sorted(WORKBOOKS))


@st.composite
def flipped_bytes(draw: st.DrawFn) -> bytes:
    data = bytearray(WORKBOOKS[draw(SAMPLE)])
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
    return bytes(data)


@st.composite
def truncated(draw: st.DrawFn) -> bytes:
    data = WORKBOOKS[draw(SAMPLE)]
    return data[: draw(st.integers(0, len(data) - 1))]


@st.composite
def dropped_members(draw: st.DrawFn) -> bytes:
    members = members_of(WORKBOOKS[draw(SAMPLE)])
    keep = draw(st.lists(st.booleans(), min_size=len(members), max_size=len(members)))
    assume(not all(keep))
    return rezip([member for member, kept in zip(members, keep, strict=True) if kept])


_TAG = re.compile(rb"(<[^>]*>)")
_ATTRIBUTE = re.compile(rb'="[^"]*"')
ODD_VALUES = st.sampled_from([b"", b"-1", b"0", b"99999999", b"1048577", b"3.5", b"x", b"&amp;",
                              b"&lt;", b"A0", b"XFD1", b"ZZZZ9", b"A1:XFD1048576", b"\xc3\xa5",
                              b"1e400", b"9" * 5000, b"s", b"e", b"inlineStr", b"#REF!"])


@st.composite
def mangled_xml(draw: st.DrawFn) -> bytes:
    """One member's XML with a stretch of its tags shuffled, cut, deleted or repeated."""
    members = members_of(WORKBOOKS[draw(SAMPLE)])
    index = draw(st.integers(0, len(members) - 1))
    name, content = members[index]
    tokens = [token for token in _TAG.split(content) if token]
    start = draw(st.integers(0, len(tokens)))
    end = draw(st.integers(start, min(len(tokens), start + 40)))
    operation = draw(st.sampled_from(["shuffle", "truncate", "delete", "repeat", "retext",
                                      "attribute"]))
    if operation == "shuffle":
        tokens[start:end] = draw(st.permutations(tokens[start:end]))
    elif operation == "truncate":
        tokens = tokens[:start]
    elif operation == "delete":
        del tokens[start:end]
    elif operation == "repeat":
        tokens[end:end] = tokens[start:end] * draw(st.integers(1, 5))
    elif operation == "retext":  # the text between tags, e.g. a value or a shared-string index
        text = draw(ODD_VALUES)
        tokens[start:end] = [token if token.startswith(b"<") else text for token in
                             tokens[start:end]]
    else:  # one attribute value in each tag of the stretch, e.g. a row number or a cell reference
        value = draw(ODD_VALUES)
        tokens[start:end] = [_ATTRIBUTE.sub(b'="' + value + b'"', token, count=1)
                             for token in tokens[start:end]]
    members[index] = (name, b"".join(tokens))
    return rezip(members)


@st.composite
def renumbered_row(draw: st.DrawFn) -> bytes:
    """One row of one sheet given another row number: far beyond the last row, before the one
    above it, zero, negative (openpyxl's read-only iter_rows pads a gap row by row)."""
    members = members_of(WORKBOOKS[draw(SAMPLE)])
    sheets = [i for i, (name, _) in enumerate(members) if name.startswith("xl/worksheets/")]
    index = draw(st.sampled_from(sheets))
    name, content = members[index]
    rows = list(_ROW_NUMBER.finditer(content))
    assume(rows)
    row = rows[draw(st.integers(0, len(rows) - 1))]
    number = draw(st.one_of(st.integers(-2, 2**40), st.sampled_from([1048576, 1048577])))
    members[index] = (name, content[:row.start(1)] + str(number).encode() + content[row.end(1):])
    return rezip(members)


_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')


def far_row() -> bytes:
    """The sample whose Mål row 3 is row 99,999,999: 235 s in the colleague's reader (gap rows)."""
    members = members_of(WORKBOOKS["sodermalm-sdn-2020.xlsx"])
    return rezip([(name, content.replace(b'<row r="3"', b'<row r="99999999"', 1)
                   if name == "xl/worksheets/sheet3.xml" else content)
                  for name, content in members])


@given(data=st.one_of(flipped_bytes(), truncated(), dropped_members(), mangled_xml(),
                      renumbered_row()),
       name=st.sampled_from(["plan.xlsx", "plan.json", "plan.yaml"]))
@example(data=far_row(), name="plan.xlsx")
def test_damaged_sample_workbooks(folder: Path, data: bytes, name: str) -> None:
    read_and_check(folder, name, data)


def test_the_samples_themselves_read_as_valid_plans(folder: Path) -> None:
    for name, data in WORKBOOKS.items():
        assert read_and_check(folder, name, data).plan is not None, name


# --- random cell values in every column -----------------------------------------------------------

# What openpyxl can write into a cell: no control characters except tab and line feed.
_TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs"), include_characters="\t\n"),
                max_size=30)
_LABELS = [*TOPIC_LABELS.values(), *STATUS_LABELS.values(), *NAMND_TYPE_LABELS.values(),
           *DOCUMENT_TYPE_LABELS.values(), "ja", "nej", "M1", "M2", "R1, R2", "2026-03-31",
           "2026-02-30", "3", "3,0", " 5 ", "=1+1", "=A1", "#N/A", "\u00a0", "\u200b", "Må1",
           "Ma\u030a1", "Krisberedskap; Rymden"]
CELL = st.one_of(
    st.none(), _TEXT, st.sampled_from(_LABELS), st.integers(-10, 3000),
    st.integers(-(2**70), 2**70), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)),
)
TABLES = [sheet for sheet in contract.SHEETS if not sheet.form]
# Excel keeps times to the millisecond. Below that, openpyxl and calamine round a serial number
# differently (…21.024 and …21.025 for a time written as …21.0245), and no workbook saved by
# Excel holds such a time; the readers are compared on what Excel can hold.
EXCEL_CELL = CELL.map(
    lambda v: v.replace(microsecond=v.microsecond // 1000 * 1000)
    if isinstance(v, dt.datetime) else v)


@st.composite
def random_workbook(draw: st.DrawFn, cell: st.SearchStrategy[Any] = CELL) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    namnd = book.create_sheet(contract.NAMND.name)
    for column in contract.NAMND.columns:
        namnd.append([column.header, draw(cell)])
    for sheet in TABLES:
        if draw(st.booleans()) or sheet.required:
            table = book.create_sheet(sheet.name)
            table.append([column.header for column in sheet.columns])
            for _ in range(draw(st.integers(0, 4))):
                table.append([draw(cell) for _ in sheet.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@given(data=random_workbook())
def test_random_cell_values_in_every_column(folder: Path, data: bytes) -> None:
    result = read_and_check(folder, "plan.xlsx", data)
    if result.plan is not None:
        # every row with a value under a known header became an item of its sheet
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        filled = sum(1 for row in book["Mål"].iter_rows(min_row=2, values_only=True)
                     if any(value is not None and str(value).strip() for value in row))
        assert len(result.plan.goals) <= filled


@given(data=random_workbook(EXCEL_CELL))
def test_random_cell_values_read_alike_by_both_sheet_readers(folder: Path, data: bytes) -> None:
    """calamine (fast) and openpyxl (careful) must agree on whatever a cell holds."""
    fast = read_and_check(folder, "plan.xlsx", data)
    sheetrows.USE_CALAMINE = False
    try:
        careful = read_and_check(folder, "plan.xlsx", data)
    finally:
        sheetrows.USE_CALAMINE = True
    assert fast == careful


# --- random JSON and YAML -------------------------------------------------------------------------

@dataclass(frozen=True)
class Raw:
    """A scalar written unquoted, so that the parser decides its type (dates, huge numbers)."""

    value: str

    def text(self) -> str:
        return "9" * 5000 if self.value == "HUGE" else self.value  # short in failure reports


RAW = st.sampled_from(["2026-02-30", "2026-13-01", "2026-03-31", "2026-03-31 10:00:00",
                       "2001-12-14t21:59:43.10-05:00", "1e999", "-1e999", "HUGE", "-0",
                       "0x1F", "0o17", ".nan", "-.inf", "yes", "No", "~", "null", "1_000",
                       "12:30:45", "=1+1"]).map(Raw)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                   st.sampled_from(_LABELS), RAW)
VALUE = st.recursive(SCALAR, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=30)


def _item(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    keys = st.sampled_from([*fields, "location", "okänd", ""])
    return st.dictionaries(keys, st.one_of(SCALAR, VALUE), max_size=len(fields) + 1)


PLAN_SHAPED = st.fixed_dictionaries(
    {"namnd": st.one_of(_item([c.field for c in contract.NAMND.columns]), VALUE)},
    optional={sheet.plan_field: st.one_of(st.lists(_item([c.field for c in sheet.columns]),
                                                   max_size=4), VALUE)
              for sheet in TABLES},
)

_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def to_json(value: Any) -> str:
    if isinstance(value, dict):
        pairs = (f"{json.dumps(str(k))}: {to_json(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(to_json, value)) + "]"
    if isinstance(value, Raw) and _JSON_NUMBER.fullmatch(value.text()):
        return value.text()
    return json.dumps(_plain(value), ensure_ascii=False)


def to_yaml(value: Any) -> str:
    """Flow-style YAML in which a Raw scalar stays unquoted (yaml.safe_dump would quote a
    "2026-02-30", and the loader would never see it as a date)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{to_yaml(k)}: {to_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(to_yaml, value)) + "]"
    if isinstance(value, Raw):
        return value.text()
    return json.dumps(_plain(value))  # a JSON scalar is a YAML flow scalar, escapes and all


DUMPERS: dict[str, Callable[[Any], str]] = {
    "plan.json": to_json,
    "plan.yaml": to_yaml,
    "plan.yml": lambda document: yaml.safe_dump(_plain(document), allow_unicode=True),
}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.text() if isinstance(value, Raw) else value


@given(document=st.one_of(VALUE, PLAN_SHAPED), name=st.sampled_from(sorted(DUMPERS)))
@example(document={"namnd": Raw("HUGE")}, name="plan.json")  # int() refuses 4,300+ digits
@example(document={"goals": [{"id": "M1", "text": Raw("2026-02-30")}]}, name="plan.yaml")
def test_random_json_and_yaml_shapes(folder: Path, document: Any, name: str) -> None:
    read_and_check(folder, name, DUMPERS[name](document).encode("utf-8"))


YAML_TEXT = st.lists(st.sampled_from([*"ab01 -:[]{},&*!|>'\"#%@`\n\t?.~", "<<", "- ", ": ",
                                      "&a ", "*a", "!!str ", "!!python/name:os.system",
                                      "namnd:", "goals:", "id:", "start:", "2026-02-30",
                                      "99999999999999999999", "1e999", "!!timestamp ",
                                      "!!int ", "!!binary ", "!!set ", "!!omap ", "!!bool ",
                                      "!!float ", "!!null ", "!!merge ", "!!seq ", "!!map ",
                                      "!!pairs ", "? "]),
                     max_size=80).map("".join)


@given(text=YAML_TEXT, name=st.sampled_from(["plan.yaml", "plan.json"]))
@example(text="start: 2026-02-30", name="plan.yaml")  # found: ValueError from PyYAML's date
@example(text="!!timestamp ", name="plan.yaml")  # found: AttributeError from PyYAML
@example(text="!!bool x", name="plan.yaml")  # KeyError from PyYAML
def test_random_yaml_and_json_text(folder: Path, text: str, name: str) -> None:
    read_and_check(folder, name, text.encode("utf-8"))
