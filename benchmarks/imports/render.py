"""Plan specs → the blocks of a published layout, the gold items, and .docx/.html/.pdf bytes.

A spec is a plain dict (see corpus.py): the plan's title, its mål tree with indikatorer and
aktiviteter, and RSA rows. A *layout* decides how the spec is laid out, as the published plans
it was taken from were: headings with lettered "Måluppfyllelse" lists, a planning-system goal
tree of labelled nested bullets, tables, or aktiviteter gathered in their own section linked by
"bidrar till mål N". The writers are deterministic (fixed dates and metadata), so the fixtures
are the same bytes on every run. Test-only: python-docx and fpdf2 write the files.
"""

from __future__ import annotations

import functools
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planchecker.reading.docblocks import Block


@dataclass(frozen=True)
class Gold:
    kind: str
    text: str
    parent: str | None  # the parent mål's text


Spec = dict[str, Any]
_LETTERS = "ABCDEFGHIJ"


def _goals(spec: Spec) -> list[tuple[dict[str, Any], str | None, int]]:
    """Every mål with its parent's text and its depth, in document order."""
    out: list[tuple[dict[str, Any], str | None, int]] = []

    def walk(goals: list[dict[str, Any]], parent: str | None, depth: int) -> None:
        for goal in goals:
            out.append((goal, parent, depth))
            walk(goal.get("children", []), goal["text"], depth + 1)

    walk(spec["goals"], None, 0)
    return out


def gold(spec: Spec) -> list[Gold]:
    items: list[Gold] = []
    for goal, parent, _ in _goals(spec):
        items.append(Gold("goal", goal["text"], parent))
        items += [Gold("indicator", text, goal["text"]) for text in goal.get("indicators", [])]
        for text in goal.get("activities", []):
            suffix = f" (bidrar till mål {goal['number']})" if spec["layout"] == "sections" else ""
            items.append(Gold("activity", text + suffix, goal["text"]))
    items += [Gold("activity", text, None) for text in spec.get("activities", [])]
    for risk in spec.get("risks", []):
        items.append(Gold("risk", risk[0], None))
        if risk[3]:
            items.append(Gold("activity", risk[3], None))
    return items


def _lettered(spec: Spec) -> list[Block]:
    blocks = [Block("heading", spec["title"], level=1), Block("heading", "Nämndens mål", level=2)]
    for goal, _, depth in _goals(spec):
        label = goal.get("label", "Mål")
        blocks.append(Block("heading", f"{label} {goal['number']}: {goal['text']}",
                            level=3 + depth))
        if goal.get("prose"):
            blocks.append(Block("paragraph", goal["prose"]))
        if goal.get("indicators"):
            blocks.append(Block("paragraph", "Måluppfyllelse:"))
            blocks += [Block("list", text, marker=f"{_LETTERS[n]}.")
                       for n, text in enumerate(goal["indicators"])]
        if goal.get("activities"):
            blocks.append(Block("paragraph", "Aktiviteter"))
            blocks += [Block("list", text, marker="•") for text in goal["activities"]]
    return blocks


def _tree(spec: Spec) -> list[Block]:
    blocks = [Block("heading", spec["title"], level=1), Block("heading", "Mål", level=2)]
    for goal, _, depth in _goals(spec):
        label = goal.get("label", "Nämndmål")
        blocks.append(Block("list", f"{label}: {goal['text']}", level=depth, marker="•"))
        blocks += [Block("list", f"Indikator: {text}", level=depth + 1, marker="•")
                   for text in goal.get("indicators", [])]
        if goal.get("indicators") or goal.get("activities"):
            blocks.append(Block("list", "Målvärde", level=depth + 1, marker="•"))
        blocks += [Block("list", f"Aktivitet: {text}", level=depth + 1, marker="•")
                   for text in goal.get("activities", [])]
    return blocks


def _tables(spec: Spec) -> list[Block]:
    blocks = [Block("heading", spec["title"], level=1),
              Block("heading", "Mål och indikatorer", level=2)]
    rows: list[tuple[str, ...]] = [("Nämndmål", "Indikator", "Målvärde")]
    for goal, _, _ in _goals(spec):
        indicators = goal.get("indicators") or [""]
        for n, text in enumerate(indicators):
            rows.append((goal["text"] if n == 0 else "", text, goal.get("target", "") if text
                         else ""))
    blocks.append(Block("table", rows=tuple(rows)))
    activities = [("Aktivitet", "Bidrar till mål", "Ansvarig")]
    for goal, _, _ in _goals(spec):
        activities += [(text, f"Mål {goal['number']}", "Förvaltningen")
                       for text in goal.get("activities", [])]
    if len(activities) > 1:
        # the goals table carries no numbers, so the links are by text: repeat the goal text
        activities = [("Aktivitet", "Nämndmål", "Ansvarig")] + [
            (text, goal["text"], "Förvaltningen")
            for goal, _, _ in _goals(spec) for text in goal.get("activities", [])]
        blocks += [Block("heading", "Aktiviteter", level=2), Block("table", rows=tuple(activities))]
    return blocks


def _sections(spec: Spec) -> list[Block]:
    blocks = [Block("heading", spec["title"], level=1), Block("heading", "Mål", level=2)]
    for goal, _, depth in _goals(spec):
        blocks.append(Block("heading", f"Mål {goal['number']}. {goal['text']}", level=3 + depth))
        if goal.get("prose"):
            blocks.append(Block("paragraph", goal["prose"]))
        if goal.get("indicators"):
            blocks.append(Block("paragraph", "Indikatorer:"))
            blocks += [Block("list", text, marker="–") for text in goal["indicators"]]
    blocks.append(Block("heading", "Aktiviteter", level=2))
    for goal, _, _ in _goals(spec):
        blocks += [Block("list", f"{text} (bidrar till mål {goal['number']})", marker="•")
                   for text in goal.get("activities", [])]
    return blocks


def _ils(spec: Spec) -> list[Block]:
    """Stockholm's ILS export: inriktningsmål > verksamhetsområdesmål > nämndmål headings, each
    nämndmål with an indicator table (Årsmål) and an activity table (dates), no goal column."""
    blocks = [Block("heading", spec["title"], level=1)]
    labels = ("Inriktningsmål", "Verksamhetsområdesmål", "Nämndmål")
    for goal, _, depth in _goals(spec):
        blocks.append(Block("heading", f"{labels[min(depth, 2)]} {goal['number']}: {goal['text']}",
                            level=2 + depth))
        if goal.get("prose"):
            blocks.append(Block("paragraph", goal["prose"]))
        if goal.get("indicators"):
            rows = [("Indikator", "Årsmål", "Periodicitet")]
            rows += [(text, goal.get("target", ""), "Tertial") for text in goal["indicators"]]
            blocks.append(Block("table", rows=tuple(rows)))
        if goal.get("activities"):
            rows = [("Aktivitet", "Startdatum", "Slutdatum")]
            rows += [(text, "2021-01-01", "2021-12-31") for text in goal["activities"]]
            blocks.append(Block("table", rows=tuple(rows)))
    return blocks


def _formaga(spec: Spec) -> list[Block]:
    """A regional plan: areas as numbered headings, "Förmågemål:" then numbered "Mätbara mål"
    and "Aktiviteter" lists."""
    blocks = [Block("heading", spec["title"], level=1),
              Block("heading", "5. Mål och aktiviteter för perioden", level=2)]
    for n, (goal, _, _) in enumerate(_goals(spec), start=1):
        blocks.append(Block("heading", f"5.{n} {goal['area']}", level=3))
        blocks.append(Block("paragraph", f"Förmågemål: {goal['text']}"))
        if goal.get("indicators"):
            blocks.append(Block("paragraph", "Mätbara mål:"))
            blocks += [Block("list", text, marker=f"{k}.")
                       for k, text in enumerate(goal["indicators"], start=1)]
        if goal.get("activities"):
            blocks.append(Block("paragraph", "Aktiviteter:"))
            blocks += [Block("list", text, marker=f"{k}.")
                       for k, text in enumerate(goal["activities"], start=1)]
    return blocks


def _bold(spec: Spec) -> list[Block]:
    """Goals as bold lines without any label, each followed by bullets that are not labelled
    either (indicators and activities mixed): the structure a reader must guess."""
    blocks = [Block("heading", spec["title"], level=1),
              Block("heading", "Nämndens mål och aktiviteter", level=2)]
    for goal, _, _ in _goals(spec):
        blocks.append(Block("heading", goal["text"], level=9))  # level 9: a bold paragraph
        if goal.get("prose"):
            blocks.append(Block("paragraph", goal["prose"]))
        blocks += [Block("list", text, marker="•") for text in goal.get("indicators", [])]
        blocks += [Block("list", text, marker="•") for text in goal.get("activities", [])]
    return blocks


def _indented(spec: Spec) -> list[Block]:
    """A planning system's export where the goal tree is drawn with indentation only: no
    bullets, no list markup; goals carry their label, indicators and activities do not."""
    blocks = [Block("heading", spec["title"], level=1), Block("heading", "Mål och uppföljning",
                                                             level=2)]
    for goal, _, depth in _goals(spec):
        blocks.append(Block("list", f"{goal.get('label', 'Nämndmål')}: {goal['text']}",
                            level=depth))
        blocks += [Block("list", text, level=depth + 1)
                   for text in goal.get("indicators", []) + goal.get("activities", [])]
    return blocks


def _goallist(spec: Spec) -> list[Block]:
    """The goals as a plain bulleted list under one heading, as most web pages and programmes
    show them (the real-text corpus: Värmdö, Umeå, Lund, Skara, Huddinge …)."""
    blocks = [Block("heading", spec["title"], level=1),
              Block("heading", spec.get("heading") or "Mål", level=2)]
    blocks += [Block("list", goal["text"], marker="•") for goal, _, _ in _goals(spec)]
    return blocks


def _activitylist(spec: Spec) -> list[Block]:
    """Only the title: the uppdrag, löften or åtgärder follow as the free activity list."""
    return [Block("heading", spec["title"], level=1)]


LAYOUTS: dict[str, Callable[[Spec], list[Block]]] = {
    "goallist": _goallist, "activitylist": _activitylist,
    "indented": _indented,
    "lettered": _lettered, "tree": _tree, "tables": _tables, "sections": _sections,
    "ils": _ils, "formaga": _formaga, "bold": _bold}


_PREAMBLE = [
    Block("heading", "Inledning", level=2),
    Block("paragraph", "Verksamhetsplanen beskriver hur nämnden ska nå kommunfullmäktiges mål "
          "och hur arbetet följs upp under året."),
    Block("paragraph", "Nämnden ansvarar bland annat för:"),
    Block("list", "myndighetsutövning inom sitt område", marker="•"),
    Block("list", "samverkan med andra nämnder och bolag", marker="•"),
    Block("heading", "Ekonomi", level=2),
    Block("table", rows=(("Budget (mnkr)", "2021", "2022"), ("Intäkter", "12,0", "12,5"),
                         ("Kostnader", "-48,2", "-49,0"))),
]
_FOLLOWUP = [
    Block("heading", "Uppföljning", level=2),
    Block("paragraph", "Planen följs upp vid:"),
    Block("list", "tertialrapport 1 och 2", marker="•"),
    Block("list", "verksamhetsberättelsen", marker="•"),
]


def layout(spec: Spec) -> list[Block]:
    """The spec laid out as published; with "noise", the introduction, budget and follow-up
    sections that real plans have around their goals (their lists are not plan items)."""
    blocks = LAYOUTS[spec["layout"]](spec)
    if spec.get("activities"):  # activities under no goal: a bulleted list under its heading
        heading = spec.get("heading") if spec["layout"] == "activitylist" else ""
        blocks.append(Block("heading", heading or "Aktiviteter", level=2))
        blocks += [Block("list", text, marker="•") for text in spec["activities"]]
    if spec.get("noise"):
        blocks = blocks[:1] + _PREAMBLE + blocks[1:] + _FOLLOWUP
    if spec.get("risks"):
        blocks.append(Block("heading", "Risk- och sårbarhetsanalys", level=2))
        blocks.append(Block("paragraph", spec.get("rsa_intro", "Risker som nämnden har "
                                                  "identifierat i sin risk- och sårbarhetsanalys.")))
        rows = [("Risk", "Sannolikhet", "Konsekvens", "Åtgärd")]
        rows += [(r[0], str(r[1]), str(r[2]), r[3]) for r in spec["risks"]]
        blocks.append(Block("table", rows=tuple(rows)))
    return blocks


OCR_DAMAGE = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O"})


def damaged(blocks: list[Block]) -> list[Block]:
    """The blocks as an OCR pass or an old export leaves them: å, ä and ö without their marks
    (one of the source documents of this project reads like that)."""
    import dataclasses

    return [dataclasses.replace(b, text=b.text.translate(OCR_DAMAGE),
                                rows=tuple(tuple(c.translate(OCR_DAMAGE) for c in row)
                                           for row in b.rows)) for b in blocks]


# --- writers ------------------------------------------------------------------------------------


def write_docx(blocks: list[Block]) -> bytes:
    import datetime as dt

    import docx

    document = docx.Document()
    document.core_properties.created = document.core_properties.modified = dt.datetime(2000, 1, 1)
    document.core_properties.author = "planchecker"
    for block in blocks:
        if block.kind == "heading" and block.level == 9:
            document.add_paragraph().add_run(block.text).bold = True
        elif block.kind == "heading":
            document.add_heading(block.text, level=min(block.level, 9))
        elif block.kind == "list" and block.marker in ("•", "–"):
            style = "List Bullet" if block.level == 0 else f"List Bullet {min(block.level + 1, 3)}"
            document.add_paragraph(block.text, style=style)
        elif block.kind == "list" and block.marker is None:
            from docx.shared import Pt

            paragraph = document.add_paragraph(block.text)  # indented, not a list
            if block.level:
                paragraph.paragraph_format.left_indent = Pt(18 * block.level)
        elif block.kind == "list":
            document.add_paragraph(f"{block.marker} {block.text}")  # lettered by hand
        elif block.kind == "table":
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(block.rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        else:
            document.add_paragraph(block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info))
    return out.getvalue()


def write_html(blocks: list[Block]) -> bytes:
    out = ['<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Plan</title>'
           '</head><body><div class="page">']
    depth = -1
    for block in blocks:
        if block.kind == "list" and block.marker is None:  # indented with CSS, not a list
            out.append(f'<div style="margin-left: {20 * block.level}px">'
                       f"{html.escape(block.text)}</div>")
            continue
        if block.kind != "list":
            while depth >= 0:
                out.append("</li></ul>" if depth else "</li></ul>")
                depth -= 1
        if block.kind == "heading" and block.level == 9:
            out.append(f"<p><strong>{html.escape(block.text)}</strong></p>")
        elif block.kind == "heading":
            out.append(f"<h{min(block.level, 6)}>{html.escape(block.text)}</h{min(block.level, 6)}>")
        elif block.kind == "paragraph":
            out.append(f"<p>{html.escape(block.text)}</p>")
        elif block.kind == "table":
            out.append("<table>")
            for n, row in enumerate(block.rows):
                cell = "th" if n == 0 else "td"
                out.append("<tr>" + "".join(f"<{cell}>{html.escape(v)}</{cell}>" for v in row)
                           + "</tr>")
            out.append("</table>")
        else:
            lettered = block.marker is not None and block.marker[:1].isalpha()
            while depth > block.level:
                out.append("</li></ul>")
                depth -= 1
            if depth == block.level:
                out.append("</li>")
            while depth < block.level:
                out.append('<ol type="A">' if lettered else "<ul>")
                depth += 1
                if depth < block.level:
                    out.append("<li>")
            out.append(f"<li>{html.escape(block.text)}")
    while depth >= 0:
        out.append("</li></ul>")
        depth -= 1
    out.append("</div></body></html>")
    return "\n".join(out).encode("utf-8")


_TAIL = (" och följs upp i tertialrapporterna och i verksamhetsberättelsen enligt stadens "
         "anvisningar för uppföljning")


def stressed(spec: Spec) -> Spec:
    """The spec with every indikator and aktivitet long enough to wrap onto a second line, as
    real ones often are."""
    import copy

    spec = copy.deepcopy(spec)

    def walk(goals: list[dict[str, Any]]) -> None:
        for goal in goals:
            goal["indicators"] = [text + _TAIL for text in goal.get("indicators", [])]
            goal["activities"] = [text + _TAIL for text in goal.get("activities", [])]
            walk(goal.get("children", []))

    walk(spec["goals"])
    return spec


# A TrueType font with the typographic characters published texts use (” “ ’ … −), which the PDF
# core fonts (Latin-1) cannot write: fpdf2 bundles no font, so the DejaVu Sans that Debian,
# Ubuntu and Fedora install is looked for. Only a line that needs it is set in it, so every other
# fixture stays the same bytes (and the same as the sample PDF in sample_plans/dokument/).
_UNICODE_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),
                      Path("/usr/share/fonts/dejavu-sans-fonts"), Path("/usr/share/fonts/dejavu"),
                      Path("/usr/share/fonts/TTF"))
# Without that font the fixture writes these characters as their ASCII equivalents, and the
# benchmark compares texts with the same mapping (`fixture_key`), so a line is still matched.
TYPOGRAPHIC = str.maketrans({"\u201d": '"', "\u201c": '"', "\u201e": '"', "\u2019": "'",
                             "\u2018": "'", "\u2026": "...", "\u2212": "-", "\u2013": "-",
                             "\u2014": "-", "\u2022": "-"})


@functools.cache
def unicode_font() -> tuple[Path, Path] | None:
    """DejaVu Sans, regular and bold, when the machine has it."""
    for folder in _UNICODE_FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def write_pdf(blocks: list[Block], running: bool = False, v_align: str = "") -> bytes:
    """With `running`, each page has the running header and footer of an exported plan; with
    `v_align` ("TOP" or "MIDDLE"), RSA tables have no ruling lines and their cells are aligned
    so."""
    from fpdf import FPDF

    class _Pdf(FPDF):  # type: ignore[misc]
        def header(self) -> None:
            if running:
                self.set_font("Helvetica", "", 8)
                self.cell(0, 5, "Verksamhetsplan - beslutad av nämnden", new_x="LMARGIN",
                          new_y="NEXT")
                self.ln(3)

        def footer(self) -> None:
            if running:
                self.set_y(-15)
                self.set_font("Helvetica", "", 8)
                self.cell(0, 5, f"Sida {self.page_no()} av {{nb}}", align="C")

    pdf = _Pdf(format="A4")
    pdf.set_creation_date(__import__("datetime").datetime(2000, 1, 1,
                                                         tzinfo=__import__("datetime").timezone.utc))
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    font = unicode_font()

    def set_font(style: str, size: float, *texts: str) -> bool:
        """Helvetica, or DejaVu Sans when a text has a character Latin-1 lacks; True when the
        texts are then to be written as they are."""
        unicode = font is not None and not all(_fits_latin1(text) for text in texts)
        if unicode and font is not None and "dejavu" not in pdf.fonts:
            # added only when used: an added font changes the file even if nothing is set in it
            pdf.add_font("DejaVu", "", str(font[0]))
            pdf.add_font("DejaVu", "B", str(font[1]))
        pdf.set_font("DejaVu" if unicode else "Helvetica", style, size)
        return unicode

    sizes = {1: 18, 2: 15, 3: 13, 4: 12, 5: 11.5}
    for block in blocks:
        if block.kind == "table":
            values = [value for row in block.rows for value in row]
            unicode = set_font("", 9, *values)
        elif block.kind == "heading":
            unicode = set_font("B", 10 if block.level == 9 else sizes.get(block.level, 11),
                               block.text)
        else:
            unicode = set_font("", 10, block.text)
        text = block.text if unicode else _latin1(block.text)
        if block.kind == "heading" and block.level == 9:
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        elif block.kind == "heading":
            pdf.ln(2)
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        elif block.kind == "paragraph":
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        elif block.kind == "list" and block.marker is None:
            pdf.set_x(pdf.l_margin + 8 * block.level)
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        elif block.kind == "list":
            indent = 8 * block.level
            marker = "-" if block.marker in ("•", "–", None) else block.marker
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(6, 5, marker)
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        else:
            unruled = bool(v_align) and "Sannolikhet" in block.rows[0]
            options = {"borders_layout": "NONE", "v_align": v_align} if unruled else {}
            with pdf.table(first_row_as_headings=True, **options) as table:
                for row in block.rows:
                    table_row = table.row()
                    for value in row:
                        table_row.cell(value if unicode else _latin1(value))
            pdf.ln(2)
    return bytes(pdf.output())


def _fits_latin1(text: str) -> bool:
    """Whether the core fonts write `text` (with dashes and bullets as "-") unchanged."""
    try:
        text.replace("–", "-").replace("—", "-").replace("•", "-").encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _latin1(text: str) -> str:
    text = text.translate(TYPOGRAPHIC)
    return text.encode("latin-1", "replace").decode("latin-1")


def fixture_key(text: str) -> str:
    """A text folded as the benchmark compares it: typographic characters as the fixture writes
    them when it has no Unicode font (a no-op on the characters it can write)."""
    return text.translate(TYPOGRAPHIC)


WRITERS: dict[str, Callable[[list[Block]], bytes]] = {
    "docx": write_docx, "html": write_html, "pdf": write_pdf}
SUFFIXES = {"docx": ".docx", "html": ".html", "pdf": ".pdf"}
