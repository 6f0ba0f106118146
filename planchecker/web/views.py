"""What the upload page's templates show: the catalogue and a Report turned into plain values.

Pure functions, no Flask: the wording comes from the writers (the same verdict, coverage words and
finding texts as the CLI's table, Markdown and HTML reports); the templates in webpages.py only lay
the values out, and Jinja2 escapes every one of them.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from planchecker.checking.findings import COVERAGE_LABELS, Finding, Report
from planchecker.checking.rulebook import BASIS_LABELS, SEVERITY_LABELS, Catalogue
from planchecker.reading.limits import MB, megabytes
from planchecker.reports import htmlreport, writers

# A report format larger than this is not embedded in the result page (a 30,000-row plan's JSON
# report is ~14 MB); the page then points to the API and the command line instead.
INLINE_DOWNLOAD_LIMIT = 8 * MB
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = (
    ("xlsx", "Excel", XLSX_MIME),
    ("html", "HTML", "text/html;charset=utf-8"),
    ("json", "JSON", "application/json"),
)
_STATE_OF_LABEL = {label: code for code, label in COVERAGE_LABELS.items()}


def link(url: str | None) -> str | None:
    """Only web addresses become links; anything else (say `javascript:`) stays text."""
    return url if url is not None and url.startswith(("https://", "http://")) else None


def packs_view(catalogue: Catalogue) -> list[dict[str, Any]]:
    return [{"title": p.title, "source": p.source.cite(), "url": link(p.source.url),
             "years": p.years.label(), "count": len(p.rules)} for p in catalogue.packs]


def rules_view(catalogue: Catalogue) -> dict[str, Any]:
    packs = []
    for pack in catalogue.packs:
        rules = [{"id": b.id, "title": b.rule.title, "message": b.rule.message,
                  "area": b.rule.area, "years": b.years.label(),
                  "severity": SEVERITY_LABELS[b.rule.severity],
                  "basis": BASIS_LABELS[b.rule.basis], "basis_note": b.rule.basis_note,
                  "source": b.rule.source.cite(), "url": link(b.rule.source.url)}
                 for b in catalogue.rules if b.pack.id == pack.id]
        packs.append({"title": pack.title, "source": pack.source.cite(),
                      "url": link(pack.source.url), "years": pack.years.label(), "rules": rules})
    return {"title": "Regler och källor", "packs": packs, "total": len(catalogue.rules)}


def result_view(report: Report, catalogue: Catalogue) -> dict[str, Any]:
    groups = writers.finding_groups(report).items()
    return {
        "title": f"Granskning av {report.plan_name} {report.plan_year}",
        "plan": {"name": report.plan_name, "year": report.plan_year},
        "verdict": report.verdict,
        "verdict_text": writers.verdict_text(report),
        "notice": report.notice,
        "facts": facts(report),
        "engine_errors": report.engine_errors,
        "downloads": downloads(report),
        "coverage": coverage(report),
        "coverage_headers": writers.COVERAGE_HEADERS,
        "candidates_heading": writers.CANDIDATES_HEADING,
        "groups": [{"area": area, "findings": [finding_view(report, catalogue, f) for f in found]}
                   for area, found in groups],
        "waivers": writers.waiver_rows(report),
        "waiver_headers": writers.WAIVER_HEADERS,
    }


def facts(report: Report) -> list[tuple[str, object]]:
    """The same facts, in the same words, as every report format."""
    return writers.fact_rows(report)


def coverage(report: Report) -> list[dict[str, Any]]:
    """writers.coverage_rows, with each state's code alongside its word (for the cell's colour)."""
    return [{"area": row[0],
             "cells": [{"text": cell, "state": _STATE_OF_LABEL.get(cell, "")} for cell in row[1:5]],
             "share": row[5]}
            for row in writers.coverage_rows(report)]


def finding_view(report: Report, catalogue: Catalogue, finding: Finding) -> dict[str, Any]:
    bound = catalogue.find(finding.rule_id)
    return {
        "severity": writers.severity_label(finding),
        "css": "waived" if finding.status == "waived" else finding.severity,
        "rule_id": finding.rule_id,
        "title": finding.title,
        "message": finding.message,
        "subjects": writers.subjects_text(report, finding),
        "source": finding.source,
        "url": link(finding.url),
        "waiver": writers.waiver_text(finding),
        "candidates": writers.candidate_lines(report, finding),
        "description": bound.rule.description.strip() if bound else "",
    }


def render_format(report: Report, fmt: str) -> bytes:
    if fmt == "xlsx":
        from planchecker.reports.workbook import plan_workbook

        return plan_workbook(report)
    text = htmlreport.render_html(report) if fmt == "html" else writers.render_json(report)
    return text.encode("utf-8")


def imported_download(imported: Any, report: Report) -> dict[str, str]:
    """The pre-filled template of a plan read from a published document, as a data: link."""
    from planchecker.reading.docimport import imported_workbook

    data = imported_workbook(imported)
    slug = re.sub(r"\W+", "-", report.plan_name.lower()).strip("-")[:60] or "plan"
    return {"label": "Förifylld Excel-mall med var varje rad stod i dokumentet",
            "size": megabytes(len(data)), "name": f"plan-{slug}-{report.plan_year}.xlsx",
            "href": f"data:{XLSX_MIME};base64," + base64.b64encode(data).decode("ascii"),
            "note": ""}


def downloads(report: Report) -> list[dict[str, str]]:
    """Each report format as a data: link, or a note when it is too large to embed."""
    slug = re.sub(r"\W+", "-", report.plan_name.lower()).strip("-")[:60] or "plan"
    files = []
    for fmt, label, mime in FORMATS:
        data = render_format(report, fmt)
        entry = {"label": f"Rapporten som {label}", "size": megabytes(len(data)),
                 "name": f"granskning-{slug}-{report.plan_year}.{fmt}", "href": "", "note": ""}
        if len(data) <= INLINE_DOWNLOAD_LIMIT:
            entry["href"] = f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
        else:
            entry["note"] = (f"för stor ({megabytes(len(data))}) för att laddas ner från sidan. "
                             f"Använd POST /api/check eller planchecker check --format {fmt}.")
        files.append(entry)
    return files
