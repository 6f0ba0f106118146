"""The golden files of the report formats: which plans, which dates, and how each file is made.

Shared by the golden tests and tools/regenerate_golden.py, which is the only thing that writes
tests/golden/. The review goldens are rendered from outcomes checked in this process; that the
parallel review gives the same outcomes is tested in tests/test_review.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from planchecker.batch.review import collect_plans
from planchecker.checking.findings import Report
from planchecker.checking.pipeline import Checker, Outcome
from planchecker.reports import htmlreport, writers
from planchecker.reports.matrix import build_review
from planchecker.reports.workbook import plan_workbook, review_workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_plans"
GOLDEN = Path(__file__).resolve().parent / "golden"

# (sample plan, as-of date): two Excel plans of different programs and the JSON plan.
PLANS: dict[str, tuple[str, dt.date]] = {
    "sodermalm-sdn-2020": ("sodermalm-sdn-2020.xlsx", dt.date(2020, 12, 31)),
    "alvsjo-sdn-2018": ("alvsjo-sdn-2018.xlsx", dt.date(2018, 11, 30)),
    "skarpnack-sdn-2021": ("skarpnack-sdn-2021.json", dt.date(2021, 6, 30)),
}

PLAN_FORMATS: dict[str, Callable[[Report], str]] = {
    "table.txt": lambda r: writers.render_table(r, colour=False),
    "json": writers.render_json,
    "md": writers.render_markdown,
    "html": htmlreport.render_html,
    "xlsx.json": lambda r: snapshot_json(plan_workbook(r)),
}

REVIEW_FORMATS: dict[str, Callable[[Sequence[Outcome]], str]] = {
    "table.txt": lambda o: writers.render_review_table(build_review(o), colour=False),
    "md": lambda o: writers.render_review_markdown(build_review(o)),
    "xlsx.json": lambda o: snapshot_json(review_workbook(o)),
}


@functools.cache
def checker() -> Checker:
    return Checker()


def plan_report(name: str) -> Report:
    file, as_of = PLANS[name]
    outcome = checker().check_file(SAMPLES / file, as_of=as_of)
    assert outcome.report is not None, outcome.problems
    return outcome.report


def sample_outcomes(folder: Path = SAMPLES) -> list[Outcome]:
    """Every sample plan checked in this process, at each plan's default date (its year's end)."""
    return [checker().check_file(path) for path in collect_plans([folder])]


def golden_files() -> dict[str, Callable[[], str]]:
    """Relative path under tests/golden/ -> how to render it now."""
    files: dict[str, Callable[[], str]] = {}
    for name in PLANS:
        for suffix, render in PLAN_FORMATS.items():
            files[f"reports/{name}.{suffix}"] = functools.partial(_render_plan, name, render)
    for suffix, render_many in REVIEW_FORMATS.items():
        files[f"review/sample_plans.{suffix}"] = functools.partial(_render_review, render_many)
    return files


def _render_plan(name: str, render: Callable[[Report], str]) -> str:
    return render(plan_report(name))


def _render_review(render: Callable[[Sequence[Outcome]], str]) -> str:
    return render(sample_outcomes())


# --- reading a workbook back -------------------------------------------------------------------


def snapshot(data: bytes) -> dict[str, Any]:
    """What a reader of the workbook sees: cell values, panes, filters, formatting rules, charts."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheets: dict[str, Any] = {}
    for ws in book.worksheets:
        sheets[ws.title] = {
            "cells": [list(row) for row in ws.iter_rows(values_only=True)],
            "freeze_panes": ws.freeze_panes,
            "auto_filter": ws.auto_filter.ref,
            "conditional_formatting": sorted(
                [
                    str(cf.sqref),
                    rule.formula[0],
                    rule.dxf.fill.fgColor.rgb if rule.dxf and rule.dxf.fill else None,
                ]
                for cf in ws.conditional_formatting
                for rule in cf.rules
            ),
            "charts": [type(chart).__name__ for chart in ws._charts],
            "widths": {k: v.width for k, v in sorted(ws.column_dimensions.items()) if v.width},
        }
    properties = book.properties
    return {
        "sheets": sheets,
        "properties": [properties.creator, str(properties.created), str(properties.modified)],
    }


def snapshot_json(data: bytes) -> str:
    return json.dumps(snapshot(data), indent=1, ensure_ascii=False, default=str) + "\n"
