"""A published plan document as a neutral list of blocks, whatever format it came in.

Each format reader (`docreaders`) is thin: it turns a .docx, .html or .pdf into `Block`s (a
heading and its level, a list item and its level and marker, a paragraph, a table's rows) with
the place where it stood. Everything that decides what a block *means* (mål, indikator,
aktivitet, risk) lives in `docstructure`, which sees only blocks, so it is the same for every
format and is tested on blocks written by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "list", "paragraph", "table"]

# A marker typed (or exported) at the start of a list item: "A.", "b)", "1.", "1.2", "•", "-".
_MARKER = re.compile(r"(?:[A-Za-zÅÄÖåäö][.)]|\(?[0-9]{1,2}(?:\.[0-9]{1,2}){0,3}[.)]?|[•\u2022\u25cf\u25aa\u2013\u2014\-*o\uf0b7\u00b7\u25e6])\s+")


# A paragraph set wholly in bold, up to this long, is read as a heading (level 9): plans typed
# without styles set their goals so, and a goal sentence can run to two or three lines. (A PDF
# measures each line against it, and joins the lines of one bold sentence.)
BOLD_HEADING_MAX = 300


@dataclass(frozen=True)
class Block:
    """One structural piece of a document.

    `level` is the heading level (1 = title level) for headings and the list depth (0 = outer)
    for list items; `marker` is the list item's own bullet or number as written ("A.", "3.",
    "•") when the format shows it. `rows` holds a table's cells, header row first. `place` is
    where a person finds the block: "sida 3" in a PDF, "stycke 12" or "tabell 2, rad 4" in Word.
    """

    kind: BlockKind
    text: str = ""
    level: int = 0
    marker: str | None = None
    rows: tuple[tuple[str, ...], ...] = field(default=())
    place: str = ""


def split_marker(text: str) -> tuple[str | None, str]:
    """("A.", "Andel ...") for "A. Andel ..."; (None, text) when the text has no list marker.

    Used by the readers of formats that keep a typed marker in the text (PDF, HTML without
    <ol>, Word paragraphs lettered by hand).
    """
    match = _MARKER.match(text)
    if not match or match.end() >= len(text):
        return None, text
    marker = match.group().strip()
    if marker[:1].isdigit() and "." not in marker and ")" not in marker:
        return None, text  # "2022 års mål": a year, not a number marker
    return marker, text[match.end():].strip()


def squeeze(text: str) -> str:
    """Runs of white space as one space, ends trimmed (layout leaves many)."""
    return " ".join(text.split())
