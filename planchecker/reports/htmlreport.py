"""The HTML report: one self-contained file to attach to a tjänsteutlåtande.

Inline CSS only, no scripts, no external assets (fonts, images, stylesheets), so it opens the same
offline, in a mail client and in an archive years later. Every value is escaped with html.escape:
plan text is data, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from planchecker.checking.findings import COVERAGE_LABELS, Report
from planchecker.reports.writers import (
    CANDIDATES_HEADING,
    COVERAGE_HEADERS,
    FINDING_HEADERS,
    WAIVER_HEADERS,
    candidate_lines,
    coverage_rows,
    fact_rows,
    finding_groups,
    severity_label,
    subjects_text,
    verdict_text,
    waiver_rows,
)

_CSS = """
body { font-family: Arial, Helvetica, sans-serif; margin: 2em; color: #1a1a1a; max-width: 75em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; margin-top: 1.6em; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; width: 100%; }
th, td { border: 1px solid #b0b0b0; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #d9e1f2; }
table.facts { width: auto; } table.facts th { background: #f2f2f2; }
.verdict { font-weight: bold; padding: 0.5em; background: #f7f7f7;
  border-left: 0.4em solid #808080; }
.verdict.gaps { border-color: #9c0006; } .verdict.ok { border-color: #006100; }
.verdict.engine-error { border-color: #9c5700; }
td.met { background: #c6efce; color: #006100; } td.missing { background: #ffc7ce; color: #9c0006; }
td.waived { background: #ffeb9c; color: #9c5700; }
td.not_applicable { background: #ededed; color: #595959; }
td.error { color: #9c0006; font-weight: bold; } td.warning { color: #9c5700; }
p.candidates { margin: 0.5em 0 0.2em; font-style: italic; } ul.candidates { margin: 0; }
@media print { body { margin: 0; } a { color: inherit; text-decoration: none; } }
""".strip()

_STATUS_CLASS = {label: code for code, label in COVERAGE_LABELS.items()}


@dataclass(frozen=True)
class _Link:
    """Text that links to a source (a link, not an asset: nothing is loaded when the file opens)."""

    text: str
    url: str

    def __str__(self) -> str:
        if not self.url.startswith(("https://", "http://")):
            return escape(self.text)
        return f'<a href="{escape(self.url)}">{escape(self.text)}</a>'


@dataclass(frozen=True)
class _WithList:
    """Text followed by a headed list (a finding's message and the items that may serve it)."""

    text: str
    heading: str
    lines: tuple[str, ...]

    def __str__(self) -> str:
        if not self.lines:
            return escape(self.text)
        items = "".join(f"<li>{escape(line)}</li>" for line in self.lines)
        return (f"{escape(self.text)}<p class=\"candidates\">{escape(self.heading)}:</p>"
                f"<ul class=\"candidates\">{items}</ul>")


def _cell(value: object, tag: str = "td", css: str | None = None) -> str:
    attr = f' class="{escape(css)}"' if css else ""
    content = str(value) if isinstance(value, _Link | _WithList) else escape(str(value))
    return f"<{tag}{attr}>{content}</{tag}>"


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    css: str,
    classes: Sequence[Sequence[str | None]] | None = None,
) -> list[str]:
    """A table; `classes` gives each cell's CSS class (same shape as `rows`)."""
    head = "<thead><tr>" + "".join(_cell(h, "th") for h in headers) + "</tr></thead>"
    lines = [f'<table class="{css}">', head, "<tbody>"]
    for index, row in enumerate(rows):
        row_classes = classes[index] if classes else [None] * len(row)
        lines.append(
            "<tr>"
            + "".join(_cell(v, css=c) for v, c in zip(row, row_classes, strict=True))
            + "</tr>"
        )
    return lines + ["</tbody>", "</table>"]


def _facts(report: Report) -> list[str]:
    body = "".join(f"<tr>{_cell(k, 'th')}{_cell(v)}</tr>" for k, v in fact_rows(report))
    return [f'<table class="facts"><tbody>{body}</tbody></table>']


def _findings(report: Report) -> list[str]:
    out = ["<h2>Brister</h2>"]
    if not report.findings:
        out.append("<p>Inga brister hittades.</p>")
    for area, findings in finding_groups(report).items():
        rows = [
            [
                severity_label(f),
                f.rule_id,
                _WithList(f.message, CANDIDATES_HEADING, tuple(candidate_lines(report, f))),
                subjects_text(report, f),
                _Link(f.source, f.url),
            ]
            for f in findings
        ]
        # The severity cell is coloured for failing errors and warnings; waived ones stay plain.
        classes = [[f.severity if f.status == "fail" else None] + [None] * 4 for f in findings]
        out += [f"<h3>{escape(area)}</h3>", *_table(FINDING_HEADERS, rows, "findings", classes)]
    return out


def render_html(report: Report) -> str:
    title = f"Granskning av verksamhetsplan: {report.plan_name} {report.plan_year}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="sv">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        *([f'<p class="notice"><strong>Obs!</strong> {escape(report.notice)}</p>']
          if report.notice else []),
        *_facts(report),
        f'<p class="verdict {escape(report.verdict)}">{escape(verdict_text(report))}</p>',
    ]
    if report.engine_errors:
        out += [
            "<h2>Motorfel</h2>",
            "<ul>",
            *(f"<li>{escape(e)}</li>" for e in report.engine_errors),
            "</ul>",
        ]
    if report.areas:
        rows = coverage_rows(report)
        classes = [[None, *(_STATUS_CLASS.get(c) for c in row[1:5]), None] for row in rows]
        out += [
            "<h2>Täckning per fokusområde</h2>",
            *_table(COVERAGE_HEADERS, rows, "coverage", classes),
        ]
    out += _findings(report)
    if report.waivers:
        out += [
            "<h2>Undantag i planen</h2>",
            *_table(WAIVER_HEADERS, waiver_rows(report), "waivers"),
        ]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
