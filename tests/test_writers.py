"""The text report formats: golden files, the JSON contract, the HTML tables, escaping, colour."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from planchecker.checking.findings import COVERAGE_LABELS, Report
from planchecker.common.model import Plan
from planchecker.reports import htmlreport, writers
from tests.golden_cases import (
    GOLDEN,
    PLAN_FORMATS,
    PLANS,
    REVIEW_FORMATS,
    checker,
    plan_report,
    sample_outcomes,
)

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
TEXT_FORMATS = [f for f in PLAN_FORMATS if not f.startswith("xlsx")]
STALE = "inaktuell golden-fil: kör .venv/bin/python tools/regenerate_golden.py och granska diffen"


def _plan(name: str = "Testnämnden", **items: Any) -> Plan:
    data: dict[str, Any] = {"namnd": {"name": name, "type": "stadsdelsnamnd", "year": 2020}}
    return Plan.model_validate(data | items)


def _check(plan: Plan) -> Report:
    return checker().check(plan, "test.json")


@pytest.mark.parametrize("suffix", TEXT_FORMATS)
@pytest.mark.parametrize("name", sorted(PLANS))
def test_format_matches_golden_file(name: str, suffix: str) -> None:
    expected = (GOLDEN / "reports" / f"{name}.{suffix}").read_text(encoding="utf-8")
    assert PLAN_FORMATS[suffix](plan_report(name)) == expected, STALE


@pytest.mark.parametrize("suffix", [f for f in REVIEW_FORMATS if not f.startswith("xlsx")])
def test_review_format_matches_golden_file(suffix: str) -> None:
    expected = (GOLDEN / "review" / f"sample_plans.{suffix}").read_text(encoding="utf-8")
    assert REVIEW_FORMATS[suffix](sample_outcomes()) == expected, STALE


@pytest.mark.parametrize("suffix", TEXT_FORMATS)
def test_output_is_identical_across_runs(suffix: str) -> None:
    first = PLAN_FORMATS[suffix](plan_report("sodermalm-sdn-2020"))
    again = PLAN_FORMATS[suffix](
        checker()
        .check_file(
            ROOT / "sample_plans" / "sodermalm-sdn-2020.xlsx", as_of=PLANS["sodermalm-sdn-2020"][1]
        )
        .report
    )  # type: ignore[arg-type]
    assert first == again


# --- the JSON contract ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PLANS))
def test_json_report_follows_the_schema(name: str) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    record = json.loads(writers.render_json(plan_report(name)))
    assert [e.message for e in validator.iter_errors(record)] == []


def test_schema_refuses_what_the_contract_does_not_have() -> None:
    """The schema is strict: an undocumented field or an unknown state is an error."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    record = plan_report("sodermalm-sdn-2020").to_records()
    record["findings"][0]["extra"] = 1
    record["waivers"][0]["state"] = "kanske"
    record["waivers"][0]["extra"] = 1
    record["coverage"]["areas"][0]["goal"] = "ja"
    paths = sorted(tuple(str(p) for p in e.absolute_path) for e in validator.iter_errors(record))
    assert paths == [
        ("coverage", "areas", "0", "goal"),
        ("findings", "0"),
        ("waivers", "0"),
        ("waivers", "0", "state"),
    ]


def test_json_locations_name_the_file_without_its_folder() -> None:
    record = plan_report("alvsjo-sdn-2018").to_records()
    files = {i["location"]["file"] for i in record["items"] if i["location"]}
    assert files == {"alvsjo-sdn-2018.xlsx"}


# Every character a plan can carry (control characters, BOM, line separators, astral planes), in
# keys and in values, and every shape the records have, empty containers included.
_EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


@pytest.mark.parametrize(
    "data",
    [
        {"text": _EVERY_CHARACTER, _EVERY_CHARACTER[:0x3000]: [_EVERY_CHARACTER[::-97]]},
        {"a": {}, "b": [], "c": [[], {}], "d": (1, "två"), "e": None, "f": True, "g": False},
        {"ints": [0, -1, 2**63 - 1, -(2**63)], "nested": {"x": [{"y": [{"z": "å"}]}]}},
        [],
        {},
        "ensam sträng",
        # orjson refuses these, json writes them: so must we.
        {1: "nyckel som inte är text", None: [2**64]},
    ],
)
def test_json_is_byte_for_byte_what_json_dumps_writes(data: Any) -> None:
    expected = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert writers.json_text(data) == expected
    assert writers.json_bytes(data) == expected.encode("utf-8")


@pytest.mark.parametrize("value", [dt.date(2020, 1, 1), object(), COVERAGE_LABELS.keys()])
def test_json_refuses_what_json_dumps_refuses(value: Any) -> None:
    with pytest.raises(TypeError):
        json.dumps({"value": value})
    with pytest.raises(TypeError):
        writers.json_text({"value": value})
    with pytest.raises(TypeError):
        writers.json_bytes({"value": value})


def test_json_report_bytes_are_the_report_text_in_utf8() -> None:
    report = plan_report("sodermalm-sdn-2020")
    assert writers.render_json_bytes(report) == writers.render_json(report).encode("utf-8")


def test_coverage_is_read_off_the_findings() -> None:
    """A requirement is missing exactly when its rule has a failing finding."""
    for name in PLANS:
        report = plan_report(name)
        failing = {f.rule_id for f in report.findings if f.status == "fail"}
        rules = report.to_records()["coverage"]["rules"]
        assert {r["rule_id"] for r in rules if r["status"] == "missing"} == failing - {
            r.rule_id for r in report.requirements if not r.counts
        }


def test_coverage_states_for_a_plan_built_in_code() -> None:
    plan = _plan(
        goals=[
            {"id": "M1", "text": "God krisberedskap", "topics": ["krisberedskap"]},
            {"id": "M2", "text": "Civilt försvar", "topics": ["civilt_forsvar"]},
        ],
        waivers=[{"rule": "SAK20-CF-AKT", "motivation": "Kommer 2021."}],
    )
    report = _check(plan)
    states = {a["area"]: (a["goal"], a["activity"]) for a in report.coverage_record()["areas"]}
    assert states["Krisberedskap"] == ("met", "missing")
    assert states["Civilt försvar"] == ("met", "waived")
    assert states["Förebygga olyckor"] == ("missing", "missing")


# --- HTML ------------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Collects every table as (class, rows of (cell text, cell class)), and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[tuple[str, str | None]]]]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._cell: list[str] | None = None
        self._class: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.tables.append((dict(attrs).get("class") or "", []))
        elif tag == "tr":
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell, self._class = [], dict(attrs).get("class")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][1][-1].append(("".join(self._cell), self._class))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _parse(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    parser.close()
    return parser


def test_html_coverage_table_holds_the_report_coverage() -> None:
    report = plan_report("sodermalm-sdn-2020")
    parsed = _parse(htmlreport.render_html(report))
    coverage = [rows for css, rows in parsed.tables if css == "coverage"][0]
    assert [c for c, _ in coverage[0]] == [
        "Fokusområde",
        "Mål",
        "Aktivitet",
        "Indikator",
        "Alla krav",
        "Uppfyllda krav",
    ]
    body = {row[0][0]: [c for c, _ in row[1:]] for row in coverage[1:]}
    assert list(body) == list(report.areas)
    assert body["Civilt försvar"][:4] == ["uppfyllt", "undantag", "ej tillämpligt", "undantag"]
    for row in coverage[1:]:
        for text, css in row[1:5]:
            assert css == {v: k for k, v in COVERAGE_LABELS.items()}[text]


def test_html_findings_tables_list_every_finding() -> None:
    report = plan_report("alvsjo-sdn-2018")
    parsed = _parse(htmlreport.render_html(report))
    rows = [row for css, table in parsed.tables if css == "findings" for row in table[1:]]
    assert [(r[0][0], r[1][0], r[3][0]) for r in rows] == [
        (writers.severity_label(f), f.rule_id, writers.subjects_text(report, f))
        for f in report.findings
    ]
    assert ("Fel", "error") in [r[0] for r in rows]


def test_html_is_self_contained() -> None:
    html = htmlreport.render_html(plan_report("sodermalm-sdn-2020"))
    tags = _parse(html).tags
    assert not [t for t, _ in tags if t in ("script", "link", "img", "iframe", "object", "embed")]
    assert not [a for _, a in tags if "src" in a or any((k or "").startswith("on") for k in a)]
    assert "@import" not in html and "url(" not in html


def test_html_escapes_every_plan_value() -> None:
    hostile = '<script>alert("x")</script> & <b>Co</b>'
    plan = _plan(
        hostile, activities=[{"id": "<img src=x onerror=alert(1)>", "goal_id": "M9", "text": "x"}]
    )
    html = htmlreport.render_html(_check(plan))
    parsed = _parse(html)
    assert not [t for t, _ in parsed.tags if t in ("script", "img", "b")]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in html
    cells = [c for _, rows in parsed.tables for row in rows for c, _ in row]
    assert "<img src=x onerror=alert(1)>" in cells


# --- Markdown and the terminal -------------------------------------------------------------------


def test_markdown_keeps_plan_text_literal() -> None:
    plan = _plan(
        "Nämnd | med <b>pipe</b>\noch radbrytning",
        activities=[{"id": "A|1", "goal_id": "X", "text": "x"}],
    )
    text = writers.render_markdown(_check(plan))
    assert text.startswith(
        "# Granskning av verksamhetsplan: Nämnd \\| med \\<b\\>pipe\\</b\\> och radbrytning 2020\n"
    )
    table_rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert all(line.replace("\\|", "").count("|") in (3, 6, 7) for line in table_rows)
    assert "| A\\|1 |" in text


def test_table_is_coloured_only_when_asked() -> None:
    report = plan_report("sodermalm-sdn-2020")
    plain = writers.render_table(report, colour=False)
    coloured = writers.render_table(report, colour=True)
    assert "\033[" not in plain
    assert "\033[31mFel\033[0m" in coloured and "\033[32muppfyllt\033[0m" in coloured


def test_table_header_and_verdict() -> None:
    lines = writers.render_table(plan_report("sodermalm-sdn-2020")).splitlines()
    assert lines[0] == "Plan: Södermalms stadsdelsnämnd (Stadsdelsnämnd), planår 2020"
    assert lines[2].startswith("Regelpaket: Stockholms stads säkerhetsprogram 2020–2023")
    assert lines[-1] == "Planen har brister: 1 fel, 0 varningar, 2 upplysningar, 1 med undantag."


def test_counts_are_written_in_swedish() -> None:
    assert [writers.counted("warning", n) for n in (0, 1, 2)] == [
        "0 varningar",
        "1 varning",
        "2 varningar",
    ]
    assert writers.share_text(2, 3) == "2 av 3 (67 %)" and writers.share_text(0, 0) == "–"


def test_terminal_output_carries_no_control_characters_from_the_plan() -> None:
    plan = _plan("\x1b[2JNämnd\x07", activities=[{"id": "A\x1b]0;x", "goal_id": "X", "text": "x"}])
    text = writers.render_table(_check(plan), colour=False)
    assert "\x1b" not in text and "\x07" not in text
    assert text.startswith("Plan: \ufffd[2JNämnd\ufffd (Stadsdelsnämnd), planår 2020\n")
