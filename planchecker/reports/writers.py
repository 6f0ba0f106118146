"""Pure renderers from a Report (and from a review of many) to text: table (terminal), json and
markdown, and the wording every report shares. Nothing here does I/O; the CLI picks one and writes
it. The HTML report builds on this wording and lives in htmlreport (which imports this module, not
the other way round).
"""

from __future__ import annotations

import functools
import json
import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from planchecker.checking.findings import (
    COVERAGE_ITEMS,
    COVERAGE_LABELS,
    REPORT_VERSION,
    Finding,
    Report,
)
from planchecker.checking.rulebook import SEVERITY_LABELS
from planchecker.common.model import NAMND_TYPE_LABELS, NamndType
from planchecker.topics.classifier import MODEL_ALONE

if TYPE_CHECKING:
    from planchecker.checking.pipeline import Outcome
    from planchecker.reports.matrix import Review

STATUS_LABELS = {"fail": "brist", "waived": "undantag"}
ITEM_LABELS = {"goal": "Mål", "activity": "Aktivitet", "indicator": "Indikator"}
OTHER_AREA = "Övriga krav"
_VERDICT_LABELS = {
    "ok": "Inga fel hittades",
    "gaps": "Planen har brister",
    "engine-error": "Kontrollen kunde inte slutföras (motorfel) – resultatet är ofullständigt",
}
_COLOURS = {
    "error": "\033[31m",
    "warning": "\033[33m",
    "info": "\033[36m",
    "waived": "\033[2m",
    COVERAGE_LABELS["met"]: "\033[32m",
    COVERAGE_LABELS["missing"]: "\033[31m",
    COVERAGE_LABELS["waived"]: "\033[33m",
    COVERAGE_LABELS["not_applicable"]: "\033[2m",
}
_RESET = "\033[0m"
# Terminal columns that wrap; the others keep their width.
_WRAP_FINDINGS = [None, None, 60, 24, 40]


def render_json(report: Report) -> str:
    return json_text(report.to_records())


def render_json_bytes(report: Report) -> bytes:
    """`render_json` in UTF-8, for a file: an XL report is 18 MB, and decoding it only to encode
    it again costs 0.05 s."""
    return json_bytes(report.to_records())


# Passthrough: orjson refuses dates and dataclasses, as json does, instead of writing them its way.
_ORJSON_OPTIONS = (
    orjson.OPT_INDENT_2
    | orjson.OPT_APPEND_NEWLINE
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def json_text(data: Any) -> str:
    """`json.dumps(data, indent=2, ensure_ascii=False) + "\\n"`, character for character.

    json falls back to its pure-Python encoder when it indents (0.7 s of an XL report); orjson
    writes the same text in a fifteenth of the time for str keys and str, int, bool, None, list,
    tuple and dict values, escapes included (compared for every code point). What orjson refuses
    (a key that is not a str, an int beyond 64 bits, a lone surrogate, deep nesting, other types)
    goes to json, which writes it, or refuses it, as before. The records passed here hold nothing
    else: no plain Enum or UUID (orjson writes those, json refuses them), and floats only as the
    two-decimal scores in [0, 1] (both write those alike, tests/test_writers.py; orjson writes
    1e-7 for 1e-07 and null for NaN).
    """
    try:
        return orjson.dumps(data, option=_ORJSON_OPTIONS).decode("utf-8")
    except orjson.JSONEncodeError:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def json_bytes(data: Any) -> bytes:
    """`json_text(data)` in UTF-8, without decoding orjson's bytes only to encode them again."""
    try:
        return orjson.dumps(data, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- shared wording ------------------------------------------------------------------------------


def type_label(value: str) -> str:
    return (
        NAMND_TYPE_LABELS.get(NamndType(value), value) if value in NamndType.__members__ else value
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    """Plan text safe for a terminal: control characters (an escape sequence could move the
    cursor or clear the screen) become U+FFFD."""
    return _CONTROL.sub("\ufffd", text)


def header_lines(report: Report) -> list[str]:
    packs = ", ".join(p.title for p in report.packs) or "inga"
    name = plain(report.plan_name)
    notice = [f"Obs! {plain(report.notice)}", ""] if report.notice else []
    return [
        *notice,
        f"Plan: {name} ({type_label(report.plan_type)}), planår {report.plan_year}",
        f"Fil: {plain(report.file)}   Bedömd per: {report.as_of.isoformat()}"
        + (f"   Uppföljning: {report.period}" if report.period else ""),
        f"Regelpaket: {packs}",
        f"Regler som gäller planen: {report.rules_checked}",
    ]


# (singular, plural) of each severity as a count is written: "1 varning", "2 varningar".
_COUNT_WORDS = {
    "error": ("fel", "fel"),
    "warning": ("varning", "varningar"),
    "info": ("upplysning", "upplysningar"),
}


def counted(severity: str, number: int) -> str:
    singular, plural = _COUNT_WORDS[severity]
    return f"{number} {singular if number == 1 else plural}"


def verdict_text(report: Report) -> str:
    counts = ", ".join(counted(sev, report.count(sev)) for sev in ("error", "warning", "info"))
    waived = sum(1 for f in report.findings if f.status == "waived")
    return f"{_VERDICT_LABELS[report.verdict]}: {counts}, {waived} med undantag."


def share_text(met: int, total: int, waived: int = 0) -> str:
    """`10 av 12 (83 %)`, Swedish style; `–` when nothing applies. Requirements met only by an
    undantag are named: `2 av 2, varav 1 med undantag (100 %)`."""
    if not total:
        return "–"
    by_waiver = f", varav {waived} med undantag" if waived else ""
    return f"{met} av {total}{by_waiver} ({round(100 * met / total)} %)"


def report_share(report: Report, area: str | None = None) -> str:
    """A report's share of requirements met (of one fokusområde, or of all), undantag named."""
    return share_text(*report.requirements_met(area), report.requirements_waived(area))


def subjects_text(report: Report, finding: Finding) -> str:
    parts = []
    for subject in finding.subjects:
        location = report.location_of(subject)
        parts.append(f"{subject} (rad {location.row})" if location and location.row else subject)
    return ", ".join(parts)


def waiver_text(finding: Finding) -> str:
    waiver = finding.waiver
    if waiver is None:
        return ""
    until = f", giltigt till {waiver.valid_until.isoformat()}" if waiver.valid_until else ""
    by = f", beslutat av {waiver.decided_by}" if waiver.decided_by else ""
    return f"{waiver.motivation}{by}{until}"


# Beside a finding, the closest candidates are named; the rest are counted (all are in the JSON).
CANDIDATES_NAMED = 5
CANDIDATES_HEADING = "Kan gälla fokusområdet"
_ALTERNATIVES = re.compile(r"\{([^{},]*)[^{}]*\}")


def term_label(term: str) -> str:
    """A vocabulary term as a reader would say it: `{hot*,våld*} mot anställd*` → `hot mot
    anställd` (the first alternative, no wildcards)."""
    return " ".join(_ALTERNATIVES.sub(r"\1", term).replace("*", "").split())


def percent(score: float) -> str:
    return f"{round(100 * score)} %"


def _support(evidence: Sequence[str]) -> str:
    """What spoke for a candidate: `stöd i texten: belysning`, or for a line no term matched,
    the model's words once under one heading: `enligt modellen: Information +3,13, behöver +1,56`."""
    if evidence and all(e.startswith(MODEL_ALONE) for e in evidence):
        words = ", ".join(dict.fromkeys(e.removeprefix(MODEL_ALONE) for e in evidence))
        return f"enligt {MODEL_ALONE}{words}"
    return "stöd i texten: " + ", ".join(dict.fromkeys(term_label(t) for t in evidence))


def candidate_lines(report: Report, finding: Finding) -> list[str]:
    """One sentence per untagged item that came close to the missing fokusområde, closest first:
    `A3 (rad 4) kan gälla Krisberedskap – ange fokusområdet i kolumnen Fokusområde om så är
    fallet (stöd i texten: belysning, 35 %).`"""
    area = finding.area or ", ".join(t.value for t in finding.topics)
    lines = []
    for candidate in finding.candidates[:CANDIDATES_NAMED]:
        location = report.locations.get((candidate.kind, candidate.id))
        where = f" (rad {location.row})" if location and location.row else ""
        lines.append(
            f"{candidate.id}{where} kan gälla {area} – ange fokusområdet i kolumnen Fokusområde "
            f"om så är fallet ({_support(candidate.evidence)}, {percent(candidate.score)})."
        )
    rest = len(finding.candidates) - CANDIDATES_NAMED
    if rest > 0:
        lines.append(f"Ytterligare {rest} {'post' if rest == 1 else 'poster'} kan gälla "
                     "fokusområdet (alla finns i JSON-rapporten).")
    return lines


def finding_groups(report: Report) -> dict[str, list[Finding]]:
    """Findings by fokusområde in report order (already sorted by area, then severity)."""
    groups: dict[str, list[Finding]] = {}
    for finding in report.findings:
        groups.setdefault(finding.area or OTHER_AREA, []).append(finding)
    return groups


def severity_label(finding: Finding) -> str:
    return SEVERITY_LABELS[finding.severity] + (" (undantag)" if finding.status == "waived" else "")


def coverage_rows(report: Report) -> list[list[str]]:
    """Per fokusområde: the state for mål, aktivitet, indikator, all requirements, and met/total."""
    rows = []
    for area in report.areas:
        states = [COVERAGE_LABELS[report.area_status(area, item)] for item in COVERAGE_ITEMS]
        overall = COVERAGE_LABELS[report.area_status(area)]
        rows.append([area, *states, overall, report_share(report, area)])
    return rows


COVERAGE_HEADERS = [
    "Fokusområde",
    *(ITEM_LABELS[i] for i in COVERAGE_ITEMS),
    "Alla krav",
    "Uppfyllda krav",
]
FINDING_HEADERS = ["Nivå", "Regel", "Brist", "Gäller", "Källa"]


# --- terminal table ------------------------------------------------------------------------------


# What a terminal table writes for ej tillämpligt, to keep its columns narrow.
_TERMINAL_WORDS = {COVERAGE_LABELS["not_applicable"]: "–"}
_ANSI = re.compile(r"\033\[[0-9;]*m")  # a colour code: no width on a terminal


def _paint(text: str, key: str, colour: bool) -> str:
    return f"{_COLOURS[key]}{text}{_RESET}" if colour and key in _COLOURS else text


@functools.lru_cache(maxsize=4096)
def _wrap(text: str, width: int) -> str:
    # What tabulate's maxcolwidths does to a text cell, done once per distinct text: a large plan
    # repeats a few rule messages thousands of times, and re-wrapping them took 3.5 s of the
    # 3.6 s an XL table cost.
    wrapper = textwrap.TextWrapper(width=width)
    return "\n".join("\n".join(wrapper.wrap(line)) for line in text.splitlines() if line.strip())


def _wrap_rows(
    rows: Sequence[Sequence[object]], widths: Sequence[int | None]
) -> list[list[object]]:
    return [
        [_wrap(cell, width) if width is not None and isinstance(cell, str) else cell
         for cell, width in zip(row, widths, strict=True)]
        for row in rows
    ]


def _finding_widths(rows: Sequence[Sequence[object]], width: int | None) -> list[int | None]:
    """Wrap widths for Brist, Gäller and Källa that fit a terminal `width` characters wide
    (None: a file or a pipe, the usual widths). Nivå and Regel are never wrapped."""
    if width is None:
        return _WRAP_FINDINGS
    fixed = sum(max(len(_ANSI.sub("", str(row[i]))) for row in [FINDING_HEADERS, *rows])
                for i in (0, 1))
    spare = width - fixed - 2 * (len(FINDING_HEADERS) - 1)
    wanted = [w for w in _WRAP_FINDINGS if w is not None]  # 60, 24, 40
    if spare >= sum(wanted):
        return _WRAP_FINDINGS
    shares = [max(12, spare * w // sum(wanted)) for w in wanted]
    while sum(shares) > spare and max(shares) > 12:  # the minimum of 12 took more than there was
        shares[shares.index(max(shares))] -= 1
    return [None, None, *shares]


def _coverage_list(rows: Sequence[Sequence[object]], width: int) -> str:
    """The coverage table for a narrow terminal: each area on a line of its own, its states on
    the lines under it, wrapped between words, never inside one."""
    out: list[str] = []
    for row in rows:
        out.append(str(row[0]))
        # a no-break space keeps each "Mål uppfyllt" and "(100 %)" on one line
        states = " · ".join(f"{header} {cell}".replace(" ", _NBSP) for header, cell in
                            zip(COVERAGE_HEADERS[1:-1], row[1:-1], strict=True))
        states += f" · {COVERAGE_HEADERS[-1]}: {str(row[-1]).replace(' %', _NBSP + '%')}"
        out += textwrap.wrap(states, width, initial_indent="  ", subsequent_indent="  ",
                             break_long_words=False, break_on_hyphens=False)
    return "\n".join(out).replace(_NBSP, " ")


_NBSP = "\u00a0"


def render_table(report: Report, *, colour: bool = False, width: int | None = None) -> str:
    """Findings grouped by fokusområde then severity, the coverage, and a one-line verdict;
    the long texts wrapped to fit a terminal `width` characters wide when it is given."""
    # Imported here, not with the module: `check --format json` needs this module but not
    # tabulate, and every process start counts (issue 7).
    from tabulate import tabulate

    out = header_lines(report)
    if width is not None:
        out = [textwrap.fill(line, width, subsequent_indent="  ", break_on_hyphens=False)
               for line in out]
    for area, findings in finding_groups(report).items():
        rows = [
            [
                _paint(severity_label(f), "waived" if f.status == "waived" else f.severity, colour),
                f.rule_id,
                "\n".join([f.message, *(plain(line) for line in candidate_lines(report, f))]),
                plain(subjects_text(report, f)),
                f.source,
            ]
            for f in findings
        ]
        table = tabulate(_wrap_rows(rows, _finding_widths(rows, width)), headers=FINDING_HEADERS)
        out += ["", f"== {area} ==", table]
    if report.engine_errors:
        out += ["", "Motorfel:"] + [f"  - {e}" for e in report.engine_errors]
    if not report.findings:
        out += ["", "Inga brister hittades."]
    if report.areas:
        words = _TERMINAL_WORDS if width is not None else {}
        coverage = [[row[0], *(_paint(words.get(c, c), c, colour) for c in row[1:5]), row[5]]
                    for row in coverage_rows(report)]
        share_width = None if width is None else 16  # "2 av 2, varav 1 / med undantag / (100 %)"
        table = tabulate(_wrap_rows(coverage, [None] * 5 + [share_width]),
                         headers=COVERAGE_HEADERS)
        if width is not None and max(len(_ANSI.sub("", line)) for line in table.splitlines()) > width:
            table = _coverage_list(coverage, width)  # too narrow for a table: one area a block
        out += ["", "Täckning per fokusområde", table]
        if words:
            out.append("– = ej tillämpligt")
    out += ["", verdict_text(report)]
    return "\n".join(out) + "\n"


# --- markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]<>|#"})


def md(text: object) -> str:
    """Plan text as literal Markdown: no markup, no HTML, no table breaks."""
    return plain(" ".join(str(text).split())).translate(_MD_SPECIAL)


def md_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(md(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    return lines


def fact_rows(report: Report) -> list[tuple[str, object]]:
    """The facts every report format opens with, in the same words everywhere."""
    period = f", uppföljning {report.period}" if report.period else ""
    return [
        ("Nämnd", f"{report.plan_name} ({type_label(report.plan_type)})"),
        ("Planår", report.plan_year),
        ("Fil", report.file),
        ("Bedömd per", report.as_of.isoformat() + period),
        ("Regelpaket", ", ".join(p.title for p in report.packs) or "inga"),
        ("Regler som gäller planen", report.rules_checked),
        ("Andel uppfyllda krav", report_share(report)),
    ]


def render_markdown(report: Report) -> str:
    """A report to attach to a tjänsteutlåtande: facts, verdict, coverage, findings, waivers."""
    out = [f"# Granskning av verksamhetsplan: {md(report.plan_name)} {report.plan_year}", ""]
    if report.notice:
        out += [f"> **Obs!** {md(report.notice)}", ""]
    out += md_table(["Uppgift", "Värde"], [list(row) for row in fact_rows(report)])
    out += ["", f"**Resultat:** {md(verdict_text(report))}"]
    if report.engine_errors:
        out += ["", "## Motorfel", ""] + [f"- {md(e)}" for e in report.engine_errors]
    if report.areas:
        out += ["", "## Täckning per fokusområde", ""] + md_table(
            COVERAGE_HEADERS, coverage_rows(report)
        )
    out += ["", "## Brister"]
    if not report.findings:
        out += ["", "Inga brister hittades."]
    for area, findings in finding_groups(report).items():
        rows = [
            [severity_label(f), f.rule_id, f.message, subjects_text(report, f), f.source]
            for f in findings
        ]
        out += ["", f"### {md(area)}", ""] + md_table(FINDING_HEADERS, rows)
        for f in findings:
            if f.candidates:
                out += ["", f"{CANDIDATES_HEADING} ({md(f.rule_id)}):", ""]
                out += [f"- {md(line)}" for line in candidate_lines(report, f)]
    if report.waivers:
        out += ["", "## Undantag i planen", ""] + md_table(WAIVER_HEADERS, waiver_rows(report))
    return "\n".join(out) + "\n"


WAIVER_HEADERS = ["Regel", "Motivering", "Beslutat av", "Giltigt till", "Läge"]


def waiver_rows(report: Report) -> list[list[str]]:
    return [
        [
            w.rule,
            w.motivation,
            w.decided_by or "",
            w.valid_until.isoformat() if w.valid_until else "",
            state,
        ]
        for w, state in report.waivers
    ]


# --- many plans ------------------------------------------------------------------------------




def review_rows(
    review: Review, *, short: bool = False, colour: bool = False, numbered: bool | None = None
) -> tuple[list[str], list[list[str]]]:
    """The matrix, a row per file. `short` writes `–` for ej tillämpligt (for a terminal) and,
    unless `numbered` says otherwise, numbers the columns (the key is printed below)."""
    numbered = short if numbered is None else numbered
    columns = ([str(n) for n in range(1, len(review.columns) + 1)] if numbered
               else [c.label for c in review.columns])
    headers = ["Fil", "Nämnd", *columns, "Uppfyllda krav"]
    rows = []
    for row in review.rows:
        report = row.report
        if not row.ok or report is None:
            reason = (
                "kunde inte granskas (se nedan)" if short else f"kunde inte granskas: {row.error}"
            )
            rows.append([plain(row.file), reason] + [""] * (len(review.columns) + 1))
            continue
        states = [row.status(c) or "" for c in review.columns]
        cells = [_paint(_TERMINAL_WORDS.get(s, s) if short else s, s, colour) for s in states]
        name = plain(report.plan_name)
        rows.append([plain(row.file), name, *cells, report_share(report)])
    return headers, rows


def review_verdict(review: Review) -> str:
    checked = len(review.rows) - len(review.failed)
    with_errors = sum(1 for r in review.reports if r.count("error"))
    # A plan found in two files is one plan: the count of files is given only when they differ.
    files = f" i {review.files} filer" if review.files != len(review.rows) else ""
    text = f"{len(review.rows)} planer{files}: {checked} granskade, {with_errors} med fel"
    return text + (f", {len(review.failed)} kunde inte granskas." if review.failed else ".")


def render_review_table(review: Review, *, colour: bool = False, width: int | None = None
                        ) -> str:
    """The matrix for a terminal `width` characters wide: the columns named in their headers
    when that fits, otherwise numbered with a key below; always numbered when the width is
    unknown (output to a file or a pipe). Then the files that could not be checked, the
    verdict."""
    from tabulate import tabulate  # see render_table

    wrap = [None, 30, *([None] * len(review.columns)), None]
    table = None
    if width is not None:
        headers, rows = review_rows(review, short=True, colour=colour, numbered=False)
        named_wrap = [*wrap[:-1], 16]  # "29 av 31, varav 1 / med undantag (94 %)"
        named = tabulate(_wrap_rows(rows, named_wrap), headers=[_wrap_header(h) for h in headers])
        if max(len(_ANSI.sub("", line)) for line in named.splitlines()) <= width:
            table = [named]
    if table is None:
        headers, rows = review_rows(review, short=True, colour=colour)
        table = [tabulate(_wrap_rows(rows, wrap), headers=headers), ""]
        table += [f"{n:>3}  {c.key}" for n, c in enumerate(review.columns, start=1)]
    out = [*table, "     – = ej tillämpligt"]
    if review.failed:
        out += ["", "Kunde inte granskas:"] + [
            f"  {plain(row.file)}: {plain(row.error or '')}" for row in review.failed
        ]
    if review.noted:
        out += ["", "Att observera:"] + [
            f"  {plain(row.file)}: {plain(note)}" for row in review.noted for note in row.notes
        ]
    if review.warnings:
        out += ["", "Varningar:"] + [f"  {plain(w)}" for w in review.warnings]
    out += ["", review_verdict(review)]
    return "\n".join(out) + "\n"


def _wrap_header(text: str) -> str:
    """A header on as many lines as it has words over 12 characters; never a word broken."""
    return textwrap.fill(text, 12, break_long_words=False, break_on_hyphens=False)


def render_review_markdown(review: Review) -> str:
    headers, rows = review_rows(review)
    out = [
        "# Granskning av verksamhetsplaner",
        "",
        *md_table(headers, rows),
        "",
        md(review_verdict(review)),
    ]
    if review.noted:
        out += ["", "## Att observera", ""]
        out += [f"- {md(row.file)}: {md(note)}" for row in review.noted for note in row.notes]
    if review.warnings:
        out += ["", "## Varningar", ""] + [f"- {md(w)}" for w in review.warnings]
    shares = [(c, *review.column_share(c), review.column_waived(c)) for c in review.columns]
    out += ["", "## Andel uppfyllda krav per kolumn (hela staden)", ""]
    out += md_table(
        ["Kolumn", "Omfattar", "Uppfyllda krav"],
        [[c.label, c.key, share_text(m, t, w)] for c, m, t, w in shares],
    )
    return "\n".join(out) + "\n"


def outcome_records(outcomes: Sequence[Outcome], counted_as: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Every plan's report (or the problems that prevented one), sorted by file name; a file whose
    plan is counted from another file (`Review.counted_as`) says which, in `same_plan_as`."""
    counted_as = counted_as or {}
    return [
        ({"file": o.file, "report": o.report.to_records()}
         if o.report is not None
         else {"file": o.file, "problems": [p.to_record() for p in o.problems]})
        | ({"same_plan_as": counted_as[o.file]} if o.file in counted_as else {})
        for o in sorted(outcomes, key=lambda o: o.file)
    ]


def render_review_json(outcomes: Sequence[Outcome]) -> str:
    """Every file's report; a file holding a plan already counted from another file says which
    (`same_plan_as`), and `warnings` says it in words."""
    from planchecker.reports.matrix import build_review

    review = build_review(outcomes)
    plans = outcome_records(outcomes, review.counted_as())
    return json_text({"report_version": REPORT_VERSION, "plans": plans, "warnings": list(review.warnings)})
