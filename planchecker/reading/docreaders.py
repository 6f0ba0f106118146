"""Thin format readers: .docx, .html/.htm and .pdf (its text layer) to `Block`s.

Each reader only says what the format itself says (heading level, list depth, table cells, page)
and leaves the meaning to `docstructure`. The libraries are imported inside the readers: `check`
on an .xlsx plan must not pay for them at start-up (measured: importing python-docx costs 50 ms,
pdfplumber 76 ms).

Library choices, measured on the import corpus (benchmarks/imports/README.md):
- Word: python-docx (14 ms a document). It gives paragraphs and tables in body order with their
  style and numbering level, which is all the structure step needs. docx2python is faster (6 ms)
  but its text output dropped the list membership of style-numbered bullets and the heading
  levels, the two things the structure step reads.
- PDF: pdfplumber on pdfminer.six (24 ms a document). It gives each text line with its x position
  and font size (indentation and heading levels) and finds ruled tables. pypdf extracts text
  faster (4 ms) but as plain lines without sizes, positions or table cells, and costs more to
  import (122 ms).
- HTML: the standard library's html.parser. Saved pages need only tags and nesting; a
  dependency would add nothing the parser lacks, and its state is easy to bound.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import re
import statistics
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from typing import Any

from planchecker.reading.docblocks import BOLD_HEADING_MAX, Block, split_marker, squeeze


# out of memory (the process's budget) or stack: never a damaged document, whatever raised it
_OVER_BUDGET = (MemoryError, RecursionError)


class DocumentError(Exception):
    """The document cannot be read; `code` is a problem code, `detail` its Swedish text."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


# --- Word ---------------------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"(?i)(?:heading|rubrik)\s*([1-9])")
_LIST_STYLE = re.compile(r"(?i)list(?:a)?\s*(?:bullet|number|paragraph|punkt|nummer)?\s*([2-9])?")


def docx_blocks(data: bytes) -> list[Block]:
    """The blocks of a Word document, in body order (paragraphs and tables)."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except _OVER_BUDGET:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for broken parts
        raise DocumentError("bad-syntax", "Word-dokumentet kan inte läsas "
                            f"({type(exc).__name__})") from exc
    try:
        return _docx_body(document)
    except _OVER_BUDGET:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged part fails only when it is read
        raise DocumentError("bad-syntax", "Word-dokumentet är skadat och kan inte läsas "
                            f"({type(exc).__name__})") from exc


def _docx_body(document: Any) -> list[Block]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[Block] = []
    indented: list[tuple[int, int]] = []  # (block index, left indentation in EMU)
    paragraphs = tables = 0
    for part in document.iter_inner_content():
        if isinstance(part, Table):
            tables += 1
            blocks.append(Block("table", rows=_table_rows(part), place=f"tabell {tables}"))
        elif isinstance(part, Paragraph):
            text = squeeze(part.text)
            if not text:
                continue
            paragraphs += 1
            block = _docx_paragraph(part, text, f"stycke {paragraphs}")
            indent = part.paragraph_format.left_indent or 0
            if block.kind == "paragraph" and indent > 0:
                # a goal tree drawn with indentation instead of lists: a level per indentation
                indented.append((len(blocks), int(indent)))
                block = dataclasses.replace(block, kind="list")
            blocks.append(block)
    levels = {indent: level for level, indent in enumerate(sorted({i for _, i in indented}))}
    for index, indent in indented:
        blocks[index] = dataclasses.replace(blocks[index], level=levels[indent])
    return blocks


def _docx_paragraph(paragraph: Any, text: str, place: str) -> Block:
    style = paragraph.style.name if paragraph.style is not None else ""
    heading = _HEADING_STYLE.match(style)
    if heading:
        return Block("heading", text, level=int(heading.group(1)), place=place)
    if style.casefold() in ("title", "rubrik"):
        return Block("heading", text, level=1, place=place)
    properties = paragraph._p.pPr  # noqa: SLF001 - python-docx has no public numbering API
    numbering = properties.numPr if properties is not None else None
    if numbering is not None and numbering.numId is not None and numbering.numId.val != 0:
        level = numbering.ilvl.val if numbering.ilvl is not None else 0
        return Block("list", text, level=int(level), place=place)
    listed = _LIST_STYLE.fullmatch(style.strip())
    if listed and style.strip():
        return Block("list", text, level=int(listed.group(1) or 1) - 1, place=place)
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs and len(text) <= BOLD_HEADING_MAX and all(run.bold for run in runs):
        return Block("heading", text, level=9, place=place)  # bold line typed as a heading
    marker, rest = split_marker(text)
    if marker:
        return Block("list", rest, level=0, marker=marker, place=place)
    return Block("paragraph", text, place=place)


def _table_rows(table: Any) -> tuple[tuple[str, ...], ...]:
    # python-docx repeats a horizontally merged cell once per grid column it spans: keep one
    out = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is not previous:  # noqa: SLF001 - the cell's identity, not its text
                cells.append(squeeze(cell.text))
            previous = cell._tc  # noqa: SLF001
        out.append(tuple(cells))
    return tuple(out)


# --- HTML ---------------------------------------------------------------------------------------

_SKIP = {"script", "style", "head", "title", "noscript", "template", "svg"}
_VOID = {"br", "img", "meta", "link", "input", "hr", "col", "area", "base", "wbr", "source"}
_BREAKS = {"p", "div", "section", "article", "header", "footer", "main", "nav", "aside",
           "blockquote", "dd", "dt", "figure", "figcaption", "form", "center"}


class _PageParser(HTMLParser):
    def __init__(self, max_depth: int) -> None:
        super().__init__(convert_charrefs=True)
        self.max_depth = max_depth
        self.blocks: list[Block] = []
        self.stack: list[str] = []
        self.lists: list[list[Any]] = []  # [tag, type, next number]
        self.text: list[str] = []
        self.current: tuple[str, int, str | None] = ("paragraph", 0, None)
        self.table: list[list[str]] | None = None  # rows of cells
        self.tables: list[list[list[str]]] = []  # outer tables while an inner one is open
        self.cell: list[str] | None = None
        self.skipping = 0
        self.indents: list[float] = []  # the left indentation each open element adds (CSS)
        self.indented: list[tuple[int, float]] = []  # (block index, indentation) of indented text
        self.bold = 0  # open <b>/<strong>
        self.bold_text: list[str] = []  # the current block's text written in bold
        self.count = 0
        self.table_count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br":
                self._data(" ")
            return
        if len(self.stack) >= self.max_depth:
            raise DocumentError("hostile-content", "Webbsidan är nästlad i fler än "
                                f"{self.max_depth} nivåer och läses inte.")
        self.stack.append(tag)
        self.indents.append(_css_indent(dict(attrs).get("style")))
        if tag in _SKIP:
            self.skipping += 1
        elif tag in ("b", "strong"):
            self.bold += 1
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self.current = ("heading", int(tag[1]), None)
        elif tag in ("ul", "ol", "menu"):
            self._flush()
            kind = dict(attrs).get("type") or ("1" if tag == "ol" else "")
            self.lists.append([tag, kind, _list_start(dict(attrs).get("start"))])
        elif tag == "li":
            self._flush()
            marker = None
            if self.lists:
                entry = self.lists[-1]
                if entry[0] == "ol":
                    marker = _ol_marker(entry[1], entry[2])
                    entry[2] += 1
            self.current = ("list", max(len(self.lists) - 1, 0), marker)
        elif tag == "table":
            self._flush()
            if self.table is not None:
                self.tables.append(self.table)
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []
        elif tag in _BREAKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            return  # a stray end tag; browsers ignore it too
        while self.stack:
            open_tag = self.stack.pop()
            self._close(open_tag)
            self.indents.pop()
            if open_tag == tag:
                break

    def _close(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping -= 1
        elif tag in ("b", "strong"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li") or tag in _BREAKS:
            self._flush()
            self.current = ("paragraph", 0, None)
        elif tag in ("ul", "ol", "menu"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag in ("td", "th") and self.table is not None and self.cell is not None:
            if not self.table:
                self.table.append([])
            self.table[-1].append(squeeze("".join(self.cell)))
            self.cell = None
        elif tag == "table" and self.table is not None:
            self.table_count += 1
            rows = tuple(tuple(row) for row in self.table if row)
            self.blocks.append(Block("table", rows=rows, place=f"tabell {self.table_count}"))
            self.table = self.tables.pop() if self.tables else None

    def handle_data(self, data: str) -> None:
        self._data(data)

    def _data(self, data: str) -> None:
        if self.skipping:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.table is None:
            self.text.append(data)
            if self.bold:
                self.bold_text.append(data)

    def _flush(self) -> None:
        text = squeeze("".join(self.text))
        bold = squeeze("".join(self.bold_text)) == text
        self.text, self.bold_text = [], []
        if not text:
            return
        kind, level, marker = self.current
        if kind == "paragraph" and bold and len(text) <= BOLD_HEADING_MAX:
            kind, level = "heading", 9  # a bold line typed as a heading, as in Word
        self.count += 1
        place = f"stycke {self.count}"
        if kind == "heading":
            self.blocks.append(Block("heading", text, level=level, place=place))
        elif kind == "list":
            self.blocks.append(Block("list", text, level=level, marker=marker, place=place))
        else:
            typed, rest = split_marker(text)
            indent = sum(self.indents)
            if typed:
                self.blocks.append(Block("list", rest, marker=typed, place=place))
            elif indent > 0:  # a goal tree drawn with CSS indentation instead of lists
                self.indented.append((len(self.blocks), indent))
                self.blocks.append(Block("list", text, place=place))
            else:
                self.blocks.append(Block("paragraph", text, place=place))

    def close(self) -> None:
        super().close()
        while self.stack:
            self._close(self.stack.pop())
            self.indents.pop()
        self._flush()
        levels = {indent: level for level, indent in enumerate(sorted({i for _, i in self.indented}))}
        for index, indent in self.indented:
            self.blocks[index] = dataclasses.replace(self.blocks[index], level=levels[indent])


_INDENT = re.compile(r"(?i)(?:margin|padding)-left\s*:\s*([0-9]{1,4}(?:\.[0-9]{1,3})?)\s*(px|pt|em|rem)?")
_UNIT = {"px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0}


def _css_indent(style: str | None) -> float:
    """Pixels of left margin and padding an element's style attribute gives it."""
    if not style:
        return 0.0
    return sum(float(number) * _UNIT.get((unit or "px").lower(), 1.0)
               for number, unit in _INDENT.findall(style[:2000]))


_START = re.compile(r"[0-9]{1,6}")


def _list_start(value: str | None) -> int:
    """An <ol start>: ASCII digits only ("²".isdigit() is true but int() refuses it) and at
    most six of them (int() of thousands of digits is refused or slow); otherwise 1."""
    value = (value or "").strip()
    return int(value) if _START.fullmatch(value) else 1


def _ol_marker(kind: str, number: int) -> str:
    if kind in ("A", "a") and 1 <= number <= 26:
        letter = chr(ord("A") + number - 1)
        return (letter if kind == "A" else letter.lower()) + "."
    return f"{number}."


def html_blocks(data: bytes, max_depth: int) -> list[Block]:
    """The blocks of a saved web page; nesting deeper than `max_depth` is refused."""
    text = _decode_html(data)
    parser = _PageParser(max_depth)
    parser.feed(text)
    parser.close()
    return parser.blocks


_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset=["']?([A-Za-z0-9_\-]{1,40})""", re.I)


def _decode_html(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    declared = _CHARSET.search(data[:4096])
    for encoding in ("utf-8-sig", declared.group(1).decode("ascii") if declared else "cp1252"):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", "replace")


# --- PDF ----------------------------------------------------------------------------------------

_SAME_INDENT = 4.0  # points: list markers this close stand at the same level


def _indent_levels(positions: Iterable[float]) -> list[float]:
    """The distinct x positions of list markers, left to right: list level n stands at [n]."""
    levels: list[float] = []
    for x in sorted(positions):
        if not levels or x >= levels[-1] + _SAME_INDENT:
            levels.append(x)
    return levels


def pdf_blocks(data: bytes, max_pages: int) -> list[Block]:
    """The blocks of a PDF's text layer: headings by font size, lists by marker and indent."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    # pdfminer logs English warnings about damaged files to stderr; the reason reaches the
    # user as a DocumentError in Swedish instead
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise DocumentError("encrypted-document", "PDF-filen är lösenordsskyddad") from exc
    except _OVER_BUDGET:
        raise
    except (PDFSyntaxError, Exception) as exc:  # noqa: BLE001 - pdfminer raises many kinds
        # pdfplumber wraps pdfminer's PDFPasswordIncorrect in its own PdfminerException
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise DocumentError("encrypted-document", "PDF-filen är lösenordsskyddad") from exc
        raise DocumentError("bad-syntax", f"PDF-filen kan inte läsas ({type(exc).__name__})"
                            ) from exc
    try:
        try:
            pages = pdf.pages
        except _OVER_BUDGET:
            raise
        except Exception as exc:  # noqa: BLE001
            raise DocumentError("bad-syntax", "PDF-filens sidträd kan inte läsas") from exc
        if len(pages) > max_pages:
            raise DocumentError("too-large", f"PDF-filen har {len(pages)} sidor; högst "
                                f"{max_pages} läses. Skicka den del av dokumentet som är "
                                "verksamhetsplanen.")
        lines: list[tuple[int, dict[str, Any] | list[list[str]]]] = []
        for number, page in enumerate(pages, start=1):
            try:
                lines.extend((number, entry) for entry in _page_entries(page))
            except _OVER_BUDGET:
                raise
            except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on bad pages
                raise DocumentError("bad-syntax", f"PDF-filen är skadad: sida {number} kan "
                                    f"inte läsas ({type(exc).__name__})") from exc
    finally:
        # pdfplumber's close() flushes page caches and may re-read a broken page and raise;
        # that must not replace the reason found above
        with contextlib.suppress(Exception):
            pdf.close()
    return _pdf_layout(lines)


def _page_entries(page: Any) -> Iterator[dict[str, Any] | list[list[str]]]:
    """The page's text lines and ruled tables, top to bottom."""
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    entries: list[tuple[float, dict[str, Any] | list[list[str]]]] = []
    for table in tables:
        rows = [[squeeze(cell or "") for cell in row] for row in table.extract()]
        entries.append((table.bbox[1], rows))
    lines = [line for line in page.extract_text_lines(return_chars=True)
             if not any(x0 <= (line["x0"] + line["x1"]) / 2 <= x1
                        and top <= (line["top"] + line["bottom"]) / 2 <= bottom
                        for x0, top, x1, bottom in boxes)]
    used: set[int] = set()
    for top, rows, taken in _unruled_tables(lines):
        entries.append((top, rows))
        used |= taken
    for number, line in enumerate(lines):
        if number in used:
            continue
        chars = line["chars"]
        size = statistics.median(char["size"] for char in chars) if chars else 0.0
        bold = bool(chars) and all("bold" in str(char.get("fontname", "")).casefold()
                                   for char in chars if char["text"].strip())
        entries.append((line["top"], {"text": line["text"], "x0": line["x0"],
                                      "x1": line["x1"], "lead": _first_word_width(chars),
                                      "page_width": float(page.width),
                                      "top": line["top"], "bottom": line["bottom"],
                                      "size": round(size, 1), "bold": bold}))
    entries.sort(key=lambda entry: entry[0])
    for _, entry in entries:
        yield entry


_GRADE_HEADER = re.compile(r"(?i)sannolikhet|konsekvens")
_RISK_WORD = re.compile(r"(?i)\brisk")


def _rsa_header(text: str) -> bool:
    """Risk, then Sannolikhet or Konsekvens later in the line. Two searches, not one pattern:
    "risk.*" tried from every "risk" scans the rest of the line each time."""
    risk = _RISK_WORD.search(text)
    return risk is not None and _GRADE_WORD.search(text, risk.end()) is not None


_GRADE_WORD = re.compile(r"(?i)\b(?:sannolikhet|konsekvens)")


def _segments(line: dict[str, Any], starts: tuple[float, ...] = ()
              ) -> list[tuple[float, float, str]]:
    """A line's runs of text separated by gaps wider than two spaces, or by a space at one of
    the column `starts`: the cells of a table row laid out without ruling lines (x0, x1, text)."""
    out: list[list[Any]] = []
    for char in line["chars"]:
        if not char["text"].strip():
            continue
        gap = char["x0"] - out[-1][1] if out else 0.0
        at_column = gap > char["size"] * 0.15 and any(
            out[-1][1] <= start + 1 and char["x0"] >= start - 1 for start in starts)
        if out and gap <= char["size"] * 0.8 and not at_column:
            space = " " if gap > char["size"] * 0.15 else ""
            out[-1][1], out[-1][2] = char["x1"], out[-1][2] + space + char["text"]
        else:
            out.append([char["x0"], char["x1"], char["text"]])
    return [(x0, x1, squeeze(text)) for x0, x1, text in out]


def _unruled_tables(lines: list[dict[str, Any]]
                    ) -> Iterator[tuple[float, list[list[str]], set[int]]]:
    """RSA tables laid out without ruling lines (pdfplumber finds ruled tables only): a header
    line with Risk and Sannolikhet or Konsekvens in separate runs gives the column starts; the
    lines below belong to the table while their runs keep to the columns. A line with a grade
    anchors a row; the other lines are wrapped parts of the nearest row, above or below (cells may
    be top-aligned or centred)."""
    number = 0
    while number < len(lines):
        header = _segments(lines[number])
        if len(header) < 3 or not _rsa_header(lines[number]["text"]):
            number += 1
            continue
        starts = [x0 for x0, _, _ in header]
        body: list[tuple[float, list[str]]] = []  # (middle of the line, its cells)
        taken = {number}
        bottom, height = lines[number]["bottom"], lines[number]["bottom"] - lines[number]["top"]
        following = number + 1
        while following < len(lines):
            line = lines[following]
            cells = _in_columns(_segments(line, tuple(starts)), starts)
            if cells is None or line["top"] - bottom > height * 2:
                break
            body.append(((line["top"] + line["bottom"]) / 2, cells))
            taken.add(following)
            bottom = line["bottom"]
            following += 1
        graded = [k for k, (_, _, text) in enumerate(header) if _GRADE_HEADER.search(text)]
        rows = _rows_of(body, graded or list(range(1, len(starts))))
        if rows:
            yield lines[number]["top"], [[text for _, _, text in header], *rows], taken
        number = following


def _rows_of(body: list[tuple[float, list[str]]], graded: list[int]) -> list[list[str]]:
    """Table lines grouped into rows: each line with a grade (Sannolikhet, Konsekvens) anchors a
    row, and every other line joins the anchor nearest to it."""
    anchors = [index for index, (_, cells) in enumerate(body) if any(cells[k] for k in graded)]
    if not anchors:
        return []
    parts: dict[int, list[int]] = {anchor: [] for anchor in anchors}
    for index, (middle, _) in enumerate(body):
        nearest = min(anchors, key=lambda a: (abs(body[a][0] - middle), body[a][0] > middle))
        parts[nearest].append(index)
    rows = []
    for anchor in anchors:
        cells = [""] * len(body[anchor][1])
        for index in sorted(parts[anchor]):
            cells = [f"{old} {new}".strip() for old, new in zip(cells, body[index][1])]
        rows.append(cells)
    return rows


def _in_columns(segments: list[tuple[float, float, str]], starts: list[float]
                ) -> list[str] | None:
    """The runs placed in their columns, or None when a run crosses a column start (prose)."""
    cells = [""] * len(starts)
    for x0, x1, text in segments:
        column = max((k for k, start in enumerate(starts) if start <= x0 + 2), default=-1)
        if column < 0 or any(x0 + 2 < start < x1 - 2 for start in starts):
            return None
        cells[column] = f"{cells[column]} {text}".strip()
    return cells


def _first_word_width(chars: list[dict[str, Any]]) -> float:
    """How wide a line's first word is set: whether it would have fitted on the line above."""
    first = last = None
    for char in chars:
        if not char["text"].strip():
            if first is not None:
                break
            continue
        first = first if first is not None else char
        last = char
    return float(last["x1"] - first["x0"]) if first is not None and last is not None else 0.0


_WRAP_SLACK = 28.0  # points, about a centimetre: a right margin that much wider than the left


def _wrapped(previous: dict[str, Any], line: dict[str, Any], margin: float) -> bool:
    """Whether `previous` ended because the text column did: `line`'s first word, after a space,
    would not have fitted before the column's right edge. The edge is taken to stand as far
    from the page's right side as the left margin does from its left, less some slack for a
    wider right margin. A short line ended where its writer ended it."""
    right: float = previous["page_width"] - margin - _WRAP_SLACK
    reach: float = previous["x1"] + line["size"] * 0.25 + line["lead"]
    return reach > right


def _pdf_layout(entries: list[tuple[int, dict[str, Any] | list[list[str]]]]) -> list[Block]:
    lines = [entry for _, entry in entries if isinstance(entry, dict)]
    if not lines and not any(isinstance(entry, list) for _, entry in entries):
        raise DocumentError("scanned-document", "PDF-filen har inget textlager (troligen en "
                            "inskannad bild)")
    sizes = [line["size"] for line in lines]
    body = _body_size(_inside_edges(entries) or lines)
    heading_sizes = sorted({s for s in sizes if s > body + 0.5}, reverse=True)
    margin = min((line["x0"] for line in lines if line["size"] == body), default=0.0)
    # list levels: the distinct x positions where list items start, marked ("A.", "•") or,
    # in a goal tree drawn with indentation only, unmarked lines set in from the margin
    indents = _indent_levels(line["x0"] for line in lines
                             if split_marker(squeeze(line["text"]))[0]
                             or line["x0"] >= margin + _SAME_INDENT)
    running = _running_lines(entries)
    blocks: list[Block] = []
    tables = 0
    previous: dict[str, Any] | None = None
    pending: dict[str, Any] | None = None  # the block being built from lines

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            blocks.append(Block(pending["kind"], squeeze(pending["text"]),
                                level=pending["level"], marker=pending["marker"],
                                place=pending["place"]))
        pending = None

    for page, entry in entries:
        if isinstance(entry, list):
            flush()
            tables += 1
            rows = tuple(tuple(row) for row in entry)
            blocks.append(Block("table", rows=rows, place=f"sida {page}, tabell {tables}"))
            previous = None
            continue
        text = squeeze(entry["text"])
        if not text or _PAGE_NUMBER.fullmatch(text) or text in running:
            continue  # page numbers, running headers and footers
        place = f"sida {page}"
        if entry["size"] in heading_sizes or (entry["bold"] and len(text) <= 120
                                              and entry["size"] >= body):
            level = heading_sizes.index(entry["size"]) + 1 if entry["size"] in heading_sizes \
                else len(heading_sizes) + 1
            if pending and pending["kind"] == "heading" and pending["level"] == level \
                    and previous is not None and _continues(previous, entry) \
                    and not _new_sentence(previous["text"], text):
                pending["text"] += " " + text
            else:
                flush()
                pending = {"kind": "heading", "text": text, "level": level, "marker": None,
                           "place": place, "x0": entry["x0"]}
            previous = entry
            continue
        marker, rest = split_marker(text)
        if marker:
            flush()
            level = next((n for n, x in enumerate(indents) if entry["x0"] < x + _SAME_INDENT),
                         len(indents))
            pending = {"kind": "list", "text": rest, "level": min(level, 8), "marker": marker,
                       "place": place, "x0": entry["x0"]}
        elif pending and previous is not None and pending["kind"] != "heading" \
                and _continues(previous, entry) and not _is_label(text) \
                and not _is_label(pending["text"]) \
                and (pending["kind"] == "paragraph" and abs(entry["x0"] - pending["x0"]) < 3
                     or pending["kind"] == "list" and entry["x0"] > pending["x0"] + 2
                     # an item set in by indentation only wraps back to where it started; a
                     # line there that starts in lower case goes on with it, when the line
                     # before it ran to the column's edge ("utbildning av …" and "översyn av …"
                     # are two items)
                     or pending["kind"] == "list" and pending["marker"] is None
                     and abs(entry["x0"] - pending["x0"]) < 3 and text[:1].islower()
                     and _wrapped(previous, entry, margin)):
            pending["text"] += " " + text
        elif entry["x0"] >= margin + _SAME_INDENT:
            flush()
            level = next((n for n, x in enumerate(indents) if entry["x0"] < x + _SAME_INDENT),
                         len(indents))
            pending = {"kind": "list", "text": text, "level": min(level, 8), "marker": None,
                       "place": place, "x0": entry["x0"]}
        else:
            flush()
            pending = {"kind": "paragraph", "text": text, "level": 0, "marker": None,
                       "place": place, "x0": entry["x0"]}
        previous = entry
    flush()
    return blocks


_PAGE_NUMBER = re.compile(r"(?i)(?:sida\s*)?[0-9]{1,3}(?:\s*(?:\(|av|/)\s*[0-9]{1,3}\)?)?")


def _running_lines(entries: list[tuple[int, dict[str, Any] | list[list[str]]]]) -> set[str]:
    """Texts repeated on most pages (a running header or footer), when there are several pages.
    A page's first and last two lines are the candidates."""
    by_page: dict[int, list[str]] = {}
    for page, entry in entries:
        if isinstance(entry, dict):
            by_page.setdefault(page, []).append(squeeze(entry["text"]))
    if len(by_page) < 2:
        return set()
    seen: dict[str, int] = {}
    for texts in by_page.values():
        for text in set(texts[:2] + texts[-2:]):
            seen[text] = seen.get(text, 0) + 1
    return {text for text, pages in seen.items() if pages * 2 > len(by_page) and pages >= 2}


def _inside_edges(entries: list[tuple[int, dict[str, Any] | list[list[str]]]]
                  ) -> list[dict[str, Any]]:
    """The text lines without each page's first and last: where a running header or footer
    stands. In a document of one page or two, `_running_lines` cannot tell them by repetition,
    and a small-print header then weighed as body text: the real body size counted as a heading
    size and every list item was read as a heading."""
    by_page: dict[int, list[dict[str, Any]]] = {}
    for page, entry in entries:
        if isinstance(entry, dict):
            by_page.setdefault(page, []).append(entry)
    return [line for lines in by_page.values() for line in lines[1:-1]]


def _body_size(lines: list[dict[str, Any]]) -> float:
    """The body text's font size: the smallest size that holds a tenth of the text. Not the most
    common size: a short plan of headings and tables has more heading text than prose; footnotes
    and captions are smaller but rarely a tenth."""
    weight: dict[float, int] = {}
    for line in lines:
        weight[line["size"]] = weight.get(line["size"], 0) + len(line["text"])
    total = sum(weight.values())
    return min((size for size, chars in weight.items() if chars * 10 >= total), default=0.0)


def _is_label(text: str) -> bool:
    """ "Måluppfyllelse:", "Indikatorer:": a short line ending in a colon stands alone."""
    return text.rstrip().endswith(":") and len(text) <= 40


def _new_sentence(previous: str, text: str) -> bool:
    """A bold line that ends a sentence, then one that starts with a capital: two bold lines (two
    goals set in bold one under the other), not one heading wrapped."""
    previous, text = previous.rstrip(), text.lstrip()
    return previous.endswith((".", "!", "?")) and text[:1].isupper()


def _continues(previous: dict[str, Any], line: dict[str, Any]) -> bool:
    gap = line["top"] - previous["bottom"]
    return bool(-1.0 <= gap < max(line["size"], 1.0) * 0.8)
