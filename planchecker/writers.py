"""Pure renderers from a Report to text: table (terminal), json. Nothing here does I/O."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from tabulate import tabulate

from planchecker.findings import Finding, Report
from planchecker.model import NAMND_TYPE_LABELS, NamndType
from planchecker.rulebook import SEVERITY_LABELS

_STATUS_LABELS = {"fail": "brister", "waived": "undantag"}
_VERDICT_LABELS = {
    "ok": "Inga fel hittades",
    "gaps": "Planen har brister",
    "engine-error": "Kontrollen kunde inte slutföras (motorfel) – resultatet är ofullständigt",
}
_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m", "waived": "\033[2m"}
_RESET = "\033[0m"


def render_json(report: Report) -> str:
    return json.dumps(report.to_records(), indent=2, ensure_ascii=False) + "\n"


def type_label(value: str) -> str:
    return NAMND_TYPE_LABELS.get(NamndType(value), value) if value in NamndType.__members__ else value


def header_lines(report: Report) -> list[str]:
    packs = ", ".join(p.title for p in report.packs) or "inga"
    lines = [
        f"Plan: {report.plan_name} ({type_label(report.plan_type)}), planår {report.plan_year}",
        f"Fil: {report.file}   Bedömd per: {report.as_of.isoformat()}"
        + (f"   Uppföljning: {report.period}" if report.period else ""),
        f"Regelpaket: {packs}",
        f"Regler som gäller planen: {report.rules_checked}",
    ]
    return lines


def verdict_line(report: Report) -> str:
    counts = ", ".join(
        f"{report.count(sev)} {SEVERITY_LABELS[sev].lower()}" for sev in ("error", "warning", "info")
    )
    waived = sum(1 for f in report.findings if f.status == "waived")
    return f"{_VERDICT_LABELS[report.verdict]}: {counts}, {waived} med undantag."


def _subjects_text(report: Report, finding: Finding) -> str:
    parts = []
    for subject in finding.subjects:
        location = report.location_of(subject)
        parts.append(f"{subject} (rad {location.row})" if location and location.row else subject)
    return ", ".join(parts)


def _paint(text: str, key: str, colour: bool) -> str:
    return f"{_COLOURS[key]}{text}{_RESET}" if colour else text


def render_table(report: Report, *, colour: bool = False) -> str:
    """Findings grouped by fokusområde then severity, with a header and a one-line verdict."""
    out = header_lines(report)
    groups: dict[str, list[Finding]] = {}
    for finding in report.findings:
        groups.setdefault(finding.area or "Övriga krav", []).append(finding)
    for area, findings in groups.items():
        rows: list[list[Any]] = []
        for f in findings:
            key = "waived" if f.status == "waived" else f.severity
            label = SEVERITY_LABELS[f.severity] + (" (undantag)" if f.status == "waived" else "")
            rows.append([_paint(label, key, colour), f.rule_id, f.message, _subjects_text(report, f), f.source])
        out += ["", f"== {area} ==", tabulate(rows, headers=["Nivå", "Regel", "Brist", "Gäller", "Källa"])]
    if report.engine_errors:
        out += ["", "Motorfel:"] + [f"  - {e}" for e in report.engine_errors]
    if not report.findings:
        out += ["", "Inga brister hittades."]
    out += ["", verdict_line(report)]
    return "\n".join(out) + "\n"


def render_summary_counts(report: Report) -> str:
    kinds = Counter(item.kind for item in report.items)
    rows = [
        ["Mål", kinds.get("goal", 0)],
        ["Indikatorer", kinds.get("indicator", 0)],
        ["Aktiviteter", kinds.get("activity", 0)],
        ["RSA-risker", kinds.get("risk", 0)],
    ]
    return tabulate(rows, headers=["Blad", "Rader"]) + "\n"
