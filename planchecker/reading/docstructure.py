"""Blocks → plan items: finds mål, indikatorer, aktiviteter and RSA risks by a document's structure.

Published plans show what a line is by where it stands and by a few label words, not by columns:

- a mål is a heading or list item that starts with a goal label ("Mål 2:", "Nämndmål", "KF-mål",
  "Verksamhetsmål", "Inriktningsmål"), or any item under a heading that is only such a label;
- under a mål, a label ("Måluppfyllelse", "Indikatorer", "Aktiviteter", "Uppdrag", "Åtgärder")
  opens a list whose items are of that kind; lettering (A., B., …) restarts under each mål;
- a list item may carry its own label ("Indikator: …", "Aktivitet: …"), as planning-system
  exports write goal trees; deeper list items belong to the nearest shallower mål;
- running text overrides position: "bidrar till mål 3", "(mål 1, indikator 10)";
- a table is read by its header row: Risk with Sannolikhet/Konsekvens is an RSA table;
  Aktivitet/Uppdrag/Åtgärd, Indikator/Mätetal, Mål columns make those items.

Whatever is guessed rather than read from a label is listed in `Inferred.notes`, so the planner
can check it; tables and items that could not be placed are listed too. Nothing here knows about
file formats.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from planchecker.common.model import NamndType, fold
from planchecker.reading.docblocks import Block, split_marker, squeeze

ItemKind = Literal["goal", "indicator", "activity", "risk"]
KIND_LABELS: dict[ItemKind, str] = {"goal": "mål", "indicator": "indikatorer",
                                    "activity": "aktiviteter", "risk": "risker"}

def _tolerant(pattern: str) -> str:
    """The pattern with each å, ä, ö outside a [...] class also matching a, a, o: OCR and old
    exports drop the marks ("Namndmal", "Maluppfyllelse"), and a label must still be a label.
    One character stays one character, so match positions hold in the original text."""
    out, in_class = [], False
    for index, char in enumerate(pattern):
        escaped = index > 0 and pattern[index - 1] == "\\"
        if char == "[" and not escaped:
            in_class = True
        elif char == "]" and not escaped:
            in_class = False
        plain = {"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O"}.get(char)
        out.append(f"[{char}{plain}]" if plain and not in_class else char)
    return "".join(out)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(_tolerant(pattern))


_GOAL_WORDS = (r"(?:kf|kommunfullmäktiges|fullmäktiges|nämndens|bolagets|styrelsens)?[ -]?"
               r"(?:nämndmål|verksamhetsområdesmål|verksamhetsmål|inriktningsmål|effektmål|"
               r"förmågemål|delmål|resultatmål|bolagsmål|"
               r"övergripande mål|strategiska? mål|mål)")
# "Mål 3:", "Nämndmål 2.1 –", "KF-mål:", "Mål:" … and the rest of the line
_GOAL = _compile(rf"(?i)({_GOAL_WORDS})(?:\s+(?:nr\.?\s*)?([0-9]{{1,2}}(?:\.[0-9]{{1,2}}){{0,3}}[a-z]?))?"
                   r"\s*(?:[:.\-–—)]\s*|\s+(?=\S)|$)")
_INDICATOR_WORDS = _compile(r"(?i)(?:indikator(?:er|n)?|måluppfyllelse|mätetal|nyckeltal|"
                              r"mätbara mål|mätbart mål|"
                              r"mått|målvärden?|resultatmått)\b")
_ACTIVITY_WORDS = _compile(r"(?i)(?:aktivitet(?:er|en)?|uppdrag(?:en)?|åtgärd(?:er|en)?|"
                             r"insats(?:er|en)?|handlingsplan)\b")
_LABEL_END = re.compile(r"\s*(?:[:.\-–—]\s*|\s*$)")
_GOAL_REF = _compile(r"(?i)\b(?:bidrar till|kopplat? till|hör till|avser)?\s*\(?\s*mål\s+"
                       r"(?:nr\.?\s*)?([0-9]{1,2}(?:\.[0-9]{1,2})?[a-z]?)\b")
_RISK_REF = re.compile(r"(?i)\brisk(?:en)?\s+(?:nr\.?\s*)?(R?[0-9]{1,3})\b")
# every run bounded and the number starting after a non-digit: with "[0-9]+" a search over a
# line of digits tried every start and scanned to the end (5,000 digits took a second)
_TARGET = _compile(r"(?i)(?:målvärde\s{0,3}:?\s{0,3}([^.;]{1,60})|"
                     r"((?:(?:minst|högst|över|under|mer än|mindre än|ska vara)\s{0,3})?"
                     r"(?<![0-9])[0-9]{1,12}(?:[.,][0-9]{1,6})?\s{0,3}(?:%|procent)))")
_GOAL_WORD = _compile(r"(?i)\bmål\b")
_NOT_A_NAME = _compile(r"(?i)nämndmål|nämndens mål")
# "nämnden" alone (in "beslutad av nämnden") names no one
_BARE_NAMES = {"namnd", "namnden", "namndens", "namnds", "styrelse", "styrelsen", "styrelsens"}
_YEAR = re.compile(r"\b(20[0-9]{2})\b")
_NAMND_NAME = _compile(r"(?i)\b((?:[A-ZÅÄÖ][\w\-]*\s+(?:och\s+)?){0,4}?"
                       r"(?:[\w\-]*nämnd(?:en|ens|s)?|"
                       r"kommunstyrelsen?|[\w\-]*styrelsen?|[A-ZÅÄÖ][\w\-]*\s+AB))\b")
_INDICATOR_START = _compile(r"(?i)^(?:andel|antal|nöjd|index|nki|kostnad|tid|"
                              r"resultat|genomsnitt|procent)\b")
# a measure named inside the line; "index" also ends a compound ("trygghetsindex", "NKI-index").
# No leading \w*: on a line-long word it would be tried from every start.
_MEASURE = _compile(r"(?i)index\b|\b(?:andel(?:en)?|antal(?:et)?|procent(?:enheter)?)\b")
_FIGURE = re.compile(r"[0-9]")
_PROBABILITY_WORDS = {"mycket låg": 1, "mycket liten": 1, "låg": 2, "liten": 2, "medel": 3,
                      "måttlig": 3, "medelhög": 3, "hög": 4, "stor": 4, "mycket hög": 5,
                      "mycket stor": 5, "allvarlig": 4, "mycket allvarlig": 5, "begränsad": 2,
                      "mycket begränsad": 1, "katastrofal": 5, "kännbar": 3}
_PROBABILITY_WORDS = {fold(word): grade for word, grade in _PROBABILITY_WORDS.items()}


@dataclass
class Item:
    """One item found in the document; `parent` is the index of its mål in `Inferred.items`."""

    kind: ItemKind
    text: str
    place: str
    parent: int | None = None
    number: str | None = None  # the document's own number for a mål ("3" in "Mål 3")
    level: str | None = None  # for a mål: its label ("Nämndmål", "KF-mål")
    target: str | None = None
    responsible: str | None = None
    risk_refs: list[str] = field(default_factory=list)
    risk_id: str | None = None
    probability: int | None = None
    consequence: int | None = None
    function: str | None = None
    measure: str | None = None


@dataclass(frozen=True)
class Note:
    """Something the planner should look at: what, where and why."""

    place: str
    text: str
    reason: str


@dataclass
class Inferred:
    """What the structure step found: items in document order, notes, and the plan's heading."""

    items: list[Item] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    name: str | None = None
    namnd_type: NamndType | None = None
    year: int | None = None

    def counts(self) -> dict[ItemKind, int]:
        found = Counter(item.kind for item in self.items)
        return {kind: found[kind] for kind in KIND_LABELS}


@dataclass
class _Goal:
    index: int
    depth: tuple[int, int]  # (heading level or 10, list level): smaller is higher in the tree


def infer(blocks: Sequence[Block]) -> Inferred:
    """The plan items in `blocks`, each linked to its mål, with notes on what was guessed."""
    return _Walker().walk(blocks)


class _Walker:
    def __init__(self) -> None:
        self.out = Inferred()
        self.goals: list[_Goal] = []  # open mål, outermost first
        self.mode: ItemKind | None = None  # the kind a label opened for the following items
        self.mode_depth: tuple[int, int] = (0, 0)
        self.goal_section: tuple[int, int] | None = None  # a heading "Nämndmål" opens a goal list
        self.goal_section_label: str | None = None
        self.goal_section_heading: str | None = None  # set when the section's mål are guessed
        self.heading_level = 0
        self.blocks: Sequence[Block] = ()
        self.index = 0  # of the block being read, for a look at the ones after it

    # --- the walk ---------------------------------------------------------------------------

    def walk(self, blocks: Sequence[Block]) -> Inferred:
        self._title(blocks[:25])
        self.blocks = blocks
        for self.index, block in enumerate(blocks):
            if block.kind == "table":
                self._table(block)
            elif block.kind == "heading":
                self._heading(block)
            else:
                self._line(block)
        if not self.out.items:
            self._umbrella_lists()
        self._link_by_reference()
        return self.out

    def _heading(self, block: Block) -> None:
        text = squeeze(block.text)
        depth = (block.level, 0)
        self.heading_level = block.level
        # a heading closes the mål and sections at its level and below
        self.goals = [g for g in self.goals if g.depth[0] < block.level]
        if self.mode and self.mode_depth[0] >= block.level:
            self.mode = None
        if self.goal_section and self.goal_section[0] >= block.level:
            self.goal_section = None
        _, text = split_marker(text)
        labelled = _labelled_goal(text)
        if labelled:
            label, rest = labelled
            self._add_goal(text=rest, label=label.group(1), number=label.group(2),
                           place=block.place, depth=depth)
            return
        goal = _goal_label(text)
        rest = text[goal.end():].strip() if goal else ""
        if goal:  # a heading that is only "Nämndmål" / "Mål och indikatorer"
            self.goal_section, self.goal_section_label = depth, _label_name(goal.group(1))
            self.goal_section_heading = None
            self.mode = self._label_kind(rest) if rest else None
            return
        kind = self._label_kind(text) if _names_a_kind(text) else None
        if _only_label(text) and _GOAL_WORD.search(text):
            if kind == "activity" and self._flat_list_follows(block.level):
                # "Mål och uppdrag" over one flat list: the uppdrag. Under "Nämndens mål och
                # aktiviteter" each mål stands as a heading or bold line with its items below.
                self.mode, self.mode_depth = kind, depth
                return
            # "Nämndens mål och aktiviteter": the mål follow, each with its items
            self.goal_section, self.goal_section_label = depth, None
            self.goal_section_heading = None
            self.mode = None
        elif _goal_area_heading(text):
            # "Fokusområden", "Nämndens inriktning", "Måluppföljning": what is listed under
            # such a heading is the plan's mål, though no line says "mål"
            self.goal_section, self.goal_section_label = depth, None
            self.goal_section_heading = text
            self.mode = None
        elif kind:
            self.mode, self.mode_depth = kind, depth
        elif self.goal_section and self.goal_section[0] < block.level:
            # "Nämndmål" then a sub-heading: the sub-heading is a mål. Under a section heading
            # with no goal label of its own ("5. Mål och aktiviteter för perioden"), a
            # sub-heading whose lines carry their own goal label ("5.1 Bostadsbränder", then
            # "Förmågemål: …") is the area those mål belong to. Not when the label is of a lower
            # rank ("Verksamhetsmål: …"): that is the sub-heading's own child, as in the
            # KF-mål → nämndmål → verksamhetsmål tree.
            if self.goal_section_label is None and self._labelled_goal_follows(block.level):
                self.out.notes.append(Note(block.place, text, "Rubriken står under en "
                                           "målrubrik men lästes som ett område, inte som mål: "
                                           "raderna under den har egna mål med etikett; "
                                           "kontrollera."))
                return
            self._add_goal(text=text, label=self.goal_section_label, number=None,
                           place=block.place, depth=depth, guessed=True)

    def _line(self, block: Block) -> None:
        marker, text = (block.marker, squeeze(block.text))
        if marker is None:
            marker, text = split_marker(text)
        if not text:
            return
        in_list = block.kind == "list" or marker is not None
        depth = (self.heading_level + 1, block.level + 1 if in_list else 0)
        # the open mål deeper than this line are closed by it
        if in_list:
            self.goals = [g for g in self.goals if g.depth < depth]
        labelled = _labelled_goal(text)
        if labelled and (in_list or _is_short(text)):
            label, goal_text = labelled
            self._add_goal(text=goal_text, label=label.group(1), number=label.group(2),
                           place=block.place, depth=depth)
            return
        goal = _goal_label(text)
        goal_text = text[goal.end():].strip() if goal else ""
        label_kind, rest = self._labelled(text)
        if label_kind and not rest:
            self.mode, self.mode_depth = label_kind, depth
            return
        if label_kind and rest:
            self._add_item(label_kind, rest, block.place)
            return
        if goal and not goal_text:  # "Mål:" alone opens a list of mål
            self.goal_section, self.goal_section_label = depth, _label_name(goal.group(1))
            return
        if not in_list:
            self._prose(text, block)
            return
        if self.mode and self.goals:
            self._add_item(self.mode, text, block.place)
        elif self.goal_section and not self.mode and (not self.goals
                                                      or self.goals[-1].depth[1] > 0):
            # a list under "Nämndmål" is a list of mål, unless it stands under a mål heading
            self._add_goal(text=text, label=self.goal_section_label, number=None,
                           place=block.place, depth=depth, guessed=False)
            if self.goal_section_heading:
                self.out.notes.append(Note(block.place, text, "Tolkad som mål eftersom raden "
                                           f"står under rubriken ”{self.goal_section_heading}”;"
                                           " kontrollera."))
        elif self.mode:
            self._add_item(self.mode, text, block.place)
        elif self.goals or _GOAL_REF.search(text):
            kind = _guess_kind(text)
            self._add_item(kind, text, block.place)
            self.out.notes.append(Note(block.place, text, "Raden står i en lista utan rubrik "
                                       f"som säger vad den är; tolkad som {_kind_word(kind)}."))
        else:
            self.out.notes.append(Note(block.place, text, "Listraden står utanför mål och "
                                       "aktivitetslistor och lästes inte."))

    def _prose(self, text: str, block: Block) -> None:
        """A paragraph: prose describing the mål, unless it carries a label or a target."""
        if self.mode in ("indicator", "activity") and self.goals and _is_short(text):
            # "Måluppfyllelse:" followed by plain lines, one per indicator (PDF without bullets)
            self._add_item(self.mode, text, block.place)

    def _labelled_goal_follows(self, level: int) -> bool:
        """Whether the section a heading at `level` opens has a line or sub-heading that carries
        a goal label with its goal ("Förmågemål: Krisledningen är utbildad och övad"), the label
        not of a lower rank ("Verksamhetsmål", "Delmål")."""
        for index in range(self.index + 1, len(self.blocks)):
            block = self.blocks[index]
            if block.kind == "heading" and block.level <= level:
                return False
            if block.kind == "table":
                continue
            labelled = _labelled_goal(split_marker(squeeze(block.text))[1])
            if labelled and not _lower_rank(labelled[0].group(1)):
                return True
        return False

    def _flat_list_follows(self, level: int) -> bool:
        """Whether the section a heading at `level` opens holds one flat, unlabelled list: no
        sub-heading or bold line, every list item at one level and none starting with a label."""
        levels: set[int] = set()
        for index in range(self.index + 1, len(self.blocks)):
            block = self.blocks[index]
            if block.kind == "heading":
                if block.level <= level:
                    break
                return False
            if block.kind == "table":
                return False
            marker, text = (block.marker, block.text) if block.marker else split_marker(
                squeeze(block.text))
            if block.kind == "list" or marker is not None:
                if _goal_label(text) or self._labelled(text)[0]:
                    return False
                levels.add(block.level)
        return len(levels) == 1

    def _labelled(self, text: str) -> tuple[ItemKind | None, str]:
        for kind, words in (("indicator", _INDICATOR_WORDS), ("activity", _ACTIVITY_WORDS)):
            match = words.match(text)
            if match:
                end = _LABEL_END.match(text, match.end())
                if end and (end.group().strip() or end.end() == len(text)):
                    return kind, text[end.end():].strip()  # type: ignore[return-value]
        return None, text

    def _label_kind(self, text: str) -> ItemKind | None:
        folded = text.casefold()
        if _INDICATOR_WORDS.search(folded):
            return "indicator"
        if _ACTIVITY_WORDS.search(folded):
            return "activity"
        return None  # risks come from RSA tables only

    def _umbrella_lists(self) -> None:
        """A document where nothing carried a label: a flat list directly under a heading that
        neither labels it nor names goals ("Trygg och säker kommun", "Verksamhetsplan och
        internbudget för 2023") is read by what its lines say, each guess noted.

        Lines that are mostly noun phrases of three words or more, without a verb ("Utbildning
        av organisationen"), are aktiviteter: in the topic corpus's documents outside the import
        test split, 14 of 15 runs of such lines are aktiviteter or insatser. A list of one- or
        two-word names ("Förskola", "Grundskola") is an organisation, not a plan. Lines that
        mostly start with a verb or state something ("Öka …", "Kommunen ska …") are as often
        aktiviteter as mål (19 of 45 runs are mål), so they are read as mål only under a heading
        that names the steering document itself (a plan, budget, policy, program, strategi or
        analys), where all 3 such runs are its mål. Otherwise the list is left unread.

        Documents that are no plan have such lists too, and are refused: nothing is read in a
        document whose title names a meeting ("Kallelse", "Protokoll", "Föredragningslista"),
        nor a list under a heading that says what else it is ("Innehåll", "Dagordning",
        "Närvarande"), nor one with a meeting's items ("Val av justerare"), a party marker
        after a name or mostly page numbers at the line ends (a table of contents). A list
        that goes on into nested items is not one flat list, and stays unread too."""
        if _meeting_document(self.blocks):
            return
        count = len(self.blocks)
        guessed: dict[tuple[str, str], Note] = {}
        for start in range(count):
            block = self.blocks[start]
            if block.kind != "heading":
                continue
            lines: list[tuple[str, Block]] = []
            end = start + 1
            while end < count and self.blocks[end].kind == "list" \
                    and self.blocks[end].level == 0:
                following = self.blocks[end]
                marker, text = (following.marker, squeeze(following.text))
                if marker is None:
                    marker, text = split_marker(text)
                if text:
                    lines.append((text, following))
                end += 1
            if len(lines) < 2 or (end < count and self.blocks[end].kind == "list"):
                continue
            heading = squeeze(split_marker(squeeze(block.text))[1])
            if _not_a_plan_list(heading, [text for text, _ in lines]):
                continue
            under = f"direkt under rubriken ”{heading}”" if heading else "direkt under en rubrik"
            forms = Counter(_line_form(text) for text, _ in lines)
            if forms["noun"] * 2 > len(lines):
                kind: ItemKind = "activity"
                reason = (f"Tolkad som aktivitet: listan står {under}, "
                          "dokumentet har inga mål eller listor med etikett, och raderna "
                          "beskriver arbete utan verb, som aktiviteter och insatser brukar; "
                          "kontrollera.")
            elif forms["verb"] * 2 > len(lines) and _names_steering_document(heading):
                kind = "goal"
                reason = (f"Tolkad som mål: listan står {under}, som "
                          "namnger planen, dokumentet har inga mål eller listor med etikett, "
                          "och raderna är formulerade som mål; kontrollera.")
            else:
                continue
            for text, line in lines:
                self.out.items.append(Item(kind, text, line.place))
                guessed[(line.place, text)] = Note(line.place, text, reason)
        # the lines were noted as unread; now they are read: each note says so where it stood
        notes = [guessed.pop((note.place, note.text), note) for note in self.out.notes]
        self.out.notes = notes + list(guessed.values())

    # --- items ------------------------------------------------------------------------------

    def _add_goal(self, *, text: str, label: str | None, number: str | None, place: str,
                  depth: tuple[int, int], guessed: bool = False) -> None:
        self.goals = [g for g in self.goals if g.depth < depth]
        parent = self.goals[-1].index if self.goals else None
        item = Item("goal", text, place, parent=parent, number=number,
                    level=_label_name(label) if label else None)
        self.out.items.append(item)
        self.goals.append(_Goal(len(self.out.items) - 1, depth))
        self.mode = None
        if guessed:
            self.out.notes.append(Note(place, text, "Tolkad som mål av sin plats under en "
                                       "målrubrik; kontrollera."))

    def _add_item(self, kind: ItemKind, text: str, place: str) -> None:
        if kind == "goal":
            self._add_goal(text=text, label=None, number=None, place=place, depth=(99, 99))
            return
        parent = self.goals[-1].index if self.goals else None
        item = Item(kind, text, place, parent=parent)
        if kind == "indicator":
            item.target = _target(text)
        item.risk_refs = [_risk_id(found) for found in _RISK_REF.findall(text)]
        self.out.items.append(item)
        if parent is None and kind != "risk":
            self.out.notes.append(Note(place, text, f"{_kind_word(kind).capitalize()} utan "
                                       "mål: inget mål står före raden."))

    # --- tables -----------------------------------------------------------------------------

    def _table(self, block: Block) -> None:
        rows = [tuple(squeeze(cell) for cell in row) for row in block.rows]
        rows = [row for row in rows if any(row)]
        if len(rows) < 2:
            if rows:
                self.out.notes.append(Note(block.place, " | ".join(rows[0])[:200],
                                           "Tabellen har bara en rad och lästes inte."))
            return
        header = [fold(cell) for cell in rows[0]]
        columns = _table_columns(header)
        body = rows[1:]
        if "risk" in columns and ("probability" in columns or "consequence" in columns):
            self._risk_table(block, columns, body)
        elif "activity" in columns or "indicator" in columns or "goal" in columns:
            self._item_table(block, columns, body)
        else:
            self.out.notes.append(Note(block.place, " | ".join(rows[0])[:200],
                                       "Tabellen liknar ingen mål-, aktivitets-, indikator- "
                                       "eller RSA-tabell och lästes inte."))

    def _risk_table(self, block: Block, columns: dict[str, int],
                    body: Iterable[tuple[str, ...]]) -> None:
        measures = 0
        for number, row in enumerate(body, start=2):
            place = f"{block.place}, rad {number}"
            text = _cell(row, columns.get("risk"))
            if not text:
                continue
            item = Item("risk", text, place)
            item.risk_id = _cell(row, columns.get("id")) or None
            item.probability = _grade(_cell(row, columns.get("probability")))
            item.consequence = _grade(_cell(row, columns.get("consequence")))
            item.function = _cell(row, columns.get("function")) or None
            item.measure = _cell(row, columns.get("measure")) or None
            if item.probability is None or item.consequence is None:
                self.out.notes.append(Note(place, text, "Sannolikhet eller konsekvens saknas "
                                           "eller är inte ett tal 1–5; fyll i."))
            self.out.items.append(item)
            if item.measure:  # the Åtgärd column is the aktivitet that meets the risk
                if not measures:
                    self.out.notes.append(Note(block.place, item.measure, "Åtgärderna i "
                                               "RSA-tabellen är inlagda som aktiviteter "
                                               "kopplade till sin risk."))
                measures += 1
                action = Item("activity", item.measure, place, parent=None)
                action.risk_refs = ["?risk"]  # resolved to this risk's id when ids are given
                self.out.items.append(action)

    def _item_table(self, block: Block, columns: dict[str, int],
                    body: Iterable[tuple[str, ...]]) -> None:
        goal_col = columns.get("goal")
        kind_col: tuple[ItemKind, int] | None = None
        for kind in ("activity", "indicator"):
            if kind in columns:
                kind_col = ("activity" if kind == "activity" else "indicator", columns[kind])
                break
        current: int | None = self.goals[-1].index if self.goals else None
        for number, row in enumerate(body, start=2):
            place = f"{block.place}, rad {number}"
            goal_text = _cell(row, goal_col)
            if goal_text:
                current = self._table_goal(goal_text, place)
            if kind_col is None:
                continue
            kind, column = kind_col
            text = _cell(row, column)
            if not text:
                continue
            item = Item(kind, text, place, parent=current)
            if kind == "indicator":
                item.target = _cell(row, columns.get("target")) or _target(text)
            item.responsible = _cell(row, columns.get("responsible")) or None
            refs = _cell(row, columns.get("risk"))
            item.risk_refs = [_risk_id(r) for r in re.findall(r"R?[0-9]{1,3}", refs)]
            self.out.items.append(item)

    def _table_goal(self, text: str, place: str) -> int | None:
        """The mål a table cell names: by number ("Mål 2", "2"), by text, or a new mål."""
        ref = _GOAL_REF.search(text) or re.fullmatch(r"\s*([0-9]{1,2})\s*", text)
        known = self._goal_by_number(ref.group(1)) if ref else None
        if known is None:
            known = self._goal_by_text(text)
        if known is not None:
            return known
        label = _goal_label(text)
        rest = text[label.end():].strip() if label else text
        if not rest:
            self.out.notes.append(Note(place, text, "Raden hänvisar till ett mål som inte finns "
                                       "i dokumentet; fyll i Mål-id."))
            return None
        self.out.items.append(Item("goal", rest, place, number=label.group(2) if label else None,
                                   level=_label_name(label.group(1)) if label else None))
        return len(self.out.items) - 1

    def _goal_by_text(self, text: str) -> int | None:
        """A mål already found whose text is `text` (with or without its label)."""
        label = _goal_label(text)
        wanted = {fold(text), fold(text[label.end():])} if label else {fold(text)}
        for index, item in enumerate(self.out.items):
            if item.kind == "goal" and fold(item.text) in wanted:
                return index
        return None

    def _goal_by_number(self, number: str) -> int | None:
        for index, item in enumerate(self.out.items):
            if item.kind == "goal" and item.number == number:
                return index
        return None

    # --- after the walk ---------------------------------------------------------------------

    def _link_by_reference(self) -> None:
        """ "bidrar till mål 3" in an item's text links it to the mål numbered 3."""
        for item in self.out.items:
            if item.kind in ("indicator", "activity"):
                match = _GOAL_REF.search(item.text)
                if match:
                    goal = self._goal_by_number(match.group(1))
                    if goal is not None:
                        item.parent = goal

    def _title(self, blocks: Sequence[Block]) -> None:
        for block in blocks:
            if block.kind == "table":
                continue
            text = squeeze(block.text)[:300]  # the name pattern backtracks; keep it short
            if self.out.year is None and re.search(r"(?i)plan|program|budget", text):
                year = _YEAR.search(text)
                if year:
                    self.out.year = int(year.group(1))
            if self.out.name is None:
                name = _NAMND_NAME.search(text)
                if name and not _NOT_A_NAME.search(name.group(1)) \
                        and fold(name.group(1)) not in _BARE_NAMES:
                    self.out.name = _name_case(name.group(1))
        if self.out.name:
            self.out.namnd_type = namnd_type_of(self.out.name)


def _goal_label(text: str) -> re.Match[str] | None:
    """A goal label at the start of `text` ("Mål 3:", "Nämndmål –"); not the section title
    "Mål och aktiviteter för perioden", where the label runs on into lower-case words."""
    match = _GOAL.match(text)
    if match is None:
        return None
    separator = text[match.start(2) if match.group(2) else match.end(1):match.end()]
    rest = text[match.end():]
    if not match.group(2) and not separator.strip() and rest[:1].islower():
        return None
    return match


def _labelled_goal(text: str) -> tuple[re.Match[str], str] | None:
    """A goal label at the start of `text` and the goal after it ("Mål 3: Trygg skola"); not a
    label followed by nothing or by more labels ("Nämndmål och indikatorer")."""
    goal = _goal_label(text)
    if goal is None:
        return None
    rest = text[goal.end():].strip()
    if not rest or _only_label(rest):
        return None
    return goal, rest


# labels of goals below a nämnd's own: a verksamhet's goal, a sub-goal
_LOWER_RANKS = ("verksamhetsmal", "delmal", "resultatmal")


def _lower_rank(label: str) -> bool:
    """Whether a goal label names a goal below the nämnd's own ("Verksamhetsmål", "Delmål")."""
    return fold(label).replace(" ", "").endswith(_LOWER_RANKS)


def namnd_type_of(name: str) -> NamndType | None:
    folded = fold(name)
    if "stadsdelsnamnd" in folded or "stadsdelsforvaltning" in folded:
        return NamndType.stadsdelsnamnd
    if "kommunstyrelse" in folded:
        return NamndType.kommunstyrelse
    if folded.endswith(" ab") or "styrelse" in folded or "bolag" in folded:
        return NamndType.bolagsstyrelse
    if "namnd" in folded:
        return NamndType.facknamnd
    return None


def _name_case(name: str) -> str:
    name = squeeze(name)
    if fold(name).endswith("namndens"):  # "Miljönämndens verksamhetsplan": the genitive
        name = name[:-1]
    for prefix in ("verksamhetsplan for ", "verksamhetsplan ", "for "):
        if fold(name).startswith(prefix):
            name = name[len(prefix):]
    return name[:1].upper() + name[1:]


def _table_columns(header: Sequence[str]) -> dict[str, int]:
    """Header texts (folded) → which plan field each column holds; first match wins."""
    tests: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("id", ("id", "nr", "nummer", "risk nr", "risknr", "risk id", "#")),
        ("probability", ("sannolikhet",)),
        ("consequence", ("konsekvens",)),
        ("measure", ("atgard", "atgarder", "forslag pa atgard", "riskreducerande atgard",
                     "planerad atgard")),
        ("function", ("samhallsviktig",)),
        ("risk", ("risk", "handelse", "hot", "riskbeskrivning", "oonskad handelse")),
        ("target", ("malvarde", "malniva")),
        ("indicator", ("indikator", "matetal", "nyckeltal", "matt", "maluppfyllelse")),
        ("activity", ("aktivitet", "uppdrag", "insats", "atgard")),
        ("goal", ("mal", "namndmal", "kf mal", "verksamhetsmal", "inriktningsmal", "bidrar till",
                  "effektmal")),
        ("responsible", ("ansvarig", "ansvar")),
    )
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        for name, starts in tests:
            if name in columns:
                continue
            if any(cell == s or cell.startswith(s + " ") or cell.startswith(s + "/")
                   or (len(s) > 4 and cell.startswith(s)) for s in starts):
                columns[name] = index
                break
    return columns


def _cell(row: Sequence[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _grade(text: str) -> int | None:
    text = text.strip()
    number = re.match(r"([1-5])(?:[.,]0)?\b", text)
    if number:
        return int(number.group(1))
    return _PROBABILITY_WORDS.get(fold(text).rstrip(" ."))


def _risk_id(found: str) -> str:
    return found.upper() if found.upper().startswith("R") else f"R{found}"


def _target(text: str) -> str | None:
    match = _TARGET.search(text)
    if not match:
        return None
    return squeeze(match.group(1) or match.group(2))


_FILLERS = {fold(word) for word in (
    "och", "samt", "för", "med", "nämndens", "våra", "planerade", "prioriterade", "mål",
    "indikatorer", "indikator", "aktiviteter", "aktivitet", "uppdrag", "åtgärder",
    "måluppfyllelse", "mätetal", "nyckeltal", "insatser", "år", "uppföljning", "av",
    "inriktning",  # "Mål och inriktning", a common section heading above a plan's goals
    "verksamheten", "verksamhetens", "kommunens", "året", "perioden")}  # "Mål för verksamheten"


# Headings over a list of mål that do not say "mål", as published plans write them: Boden's and
# Vårgårda's "fokusområden", Malmö's "målområden", "Nämndens inriktning", "Prioriterade områden",
# Vårgårda's "Måluppföljning"; with the fillers above ("Nämndens", "för", a year) around them
_GOAL_AREAS = {fold(word) for word in (
    "fokusområde", "fokusområden", "fokusområdena", "målområde", "målområden", "målområdena",
    "utvecklingsområden", "utvecklingsområdena", "områden", "inriktning", "inriktningar",
    "verksamhetsinriktning", "måluppföljning", "målsättningar", "prioriteringar")}
_AREA_FILLERS = {fold(word) for word in ("prioriterade", "strategiska", "politiska",
                                         "styrelsens", "bolagets", "per", "den",
                                         "december", "till", "fullmäktiges",
                                         "kommunfullmäktiges")}


def _goal_area_heading(text: str) -> bool:
    """ "Fokusområden 2024", "Nämndens inriktning", "Prioriterade områden": a heading over mål
    that names them by another word. "områden" alone needs "prioriterade" or "strategiska"
    before it: "Nämndens områden" is an organisation chart's heading."""
    if len(text) > 80:
        return False
    words = re.sub(r"[0-9:.\-–—,()]", " ", fold(text)).split()
    areas = [word for word in words if word in _GOAL_AREAS]
    if not areas or not all(word in _GOAL_AREAS or word in _FILLERS or word in _AREA_FILLERS
                            for word in words):
        return False
    return areas != ["omraden"] or bool({"prioriterade", "strategiska"} & set(words))


def _names_a_kind(text: str) -> bool:
    """Whether a heading says what the lines under it are: only labels ("Planerade
    aktiviteter 2024"), or a label among its first words ("Aktiviteter för ökad trygghet",
    "Nämndens uppdrag inom trygghet"). A heading that only mentions a label further on, as a
    goal set in bold may ("Brotten ska minska genom förebyggande insatser"), does not."""
    if _only_label(text):
        return True
    words = text.split()
    if len(text) > 60 or not words:
        return False
    rest = " ".join(words[1:]) if fold(words[0]) in _FILLERS else text
    return bool(_INDICATOR_WORDS.match(rest) or _ACTIVITY_WORDS.match(rest))


def _only_label(text: str) -> bool:
    """Whether a heading's text is only labels: "Mål och indikatorer", "Aktiviteter 2022"."""
    words = re.sub(r"[0-9:.\-–—,()]", " ", fold(text)).split()
    return bool(words) and all(word in _FILLERS for word in words)


def _label_name(label: str | None) -> str | None:
    if not label:
        return None
    label = squeeze(label.replace("  ", " "))
    return label[:1].upper() + label[1:]


def _is_short(text: str) -> bool:
    return len(text) <= 300


def _guess_kind(text: str) -> ItemKind:
    """An unlabelled line under a mål: an indikator when it measures (starts "Andel", "Antal" …,
    has a target, or gives an index, a share or a count with a figure: "trygghetsindex steg
    från 47 till 60"), else an aktivitet."""
    if _INDICATOR_START.match(text) or _TARGET.search(text):
        return "indicator"
    if _MEASURE.search(text) and _FIGURE.search(text):
        return "indicator"
    return "activity"


# A heading that names the steering document itself: "Verksamhetsplan och internbudget för
# 2023", "Risk- och sårbarhetsanalys för Göteborgssamhället", "Policy vid hot och våld",
# "Strategin", "Programmet"; a compound only with a joining -s ("handlingsprogram") or a known
# first part ("internbudget"): "Flygplan" names no plan
_STEERING_DOCUMENT = _compile(
    r"(?i)\b(?:\w{0,40}s|intern|kris|nämnd|mål|skol|ekonomi|bolags)?"
    r"(?:plan(?:en|er|erna)?|budget(?:en|ar)?|policy(?:n|er)?|program(?:met|men)?|"
    r"strategi(?:n|er|erna)?|analys(?:en|er)?)\b")


def _names_steering_document(heading: str) -> bool:
    return bool(_STEERING_DOCUMENT.search(heading[:200]))  # \w{0,40} backtracks: keep it short


# Headings of what is no plan though it is a list under a heading: a meeting's agenda and its
# attendees, a table of contents, an appendix list
_NOT_A_PLAN_HEADINGS = {fold(word) for word in (
    "innehåll", "innehållsförteckning", "föredragningslista", "dagordning", "ärendelista",
    "ärenden", "kallelse", "protokoll", "närvarande", "övriga närvarande", "deltagare",
    "ledamöter", "ersättare", "tjänstgörande ledamöter", "justering", "bilagor", "sändlista",
    "beslutsunderlag", "källor", "referenser")}
# a meeting document's title: its lists are its agenda and attendees
_MEETING_TITLE = _compile(r"(?i)^(?:kallelse|protokoll|protokollsutdrag|föredragningslista|"
                          r"dagordning|minnesanteckningar|mötesanteckningar)\b")
_MEETING_ITEMS = _compile(r"(?i)\b(?:val av justerare|justering av protokoll|"
                          r"(?:godkännande|fastställande) av (?:dagordning|föredragningslist)|"
                          r"mötets öppnande|sammanträdets öppnande|övriga frågor|"
                          r"anmälan av (?:eventuellt )?jäv)")
# "(S)", "(KD)", "(M), ordförande": a political party after a member's name
_PARTY = re.compile(r"\((?:S|M|C|V|L|KD|MP|SD|FP|FI|SPI)\)")
# "Inledning och bakgrund 3", "Ekonomi ........ 12": a table of contents line
_PAGE_AT_END = re.compile(r"(?:\s|\.{2,}|…)([0-9]{1,3})$")


def _meeting_document(blocks: Sequence[Block]) -> bool:
    """Whether the document's first heading names a meeting document ("Kallelse till
    sammanträde …", "Protokoll från kulturnämndens sammanträde")."""
    title = next((block for block in blocks[:25] if block.kind == "heading"), None)
    return title is not None and bool(_MEETING_TITLE.match(squeeze(title.text)[:200]))


def _not_a_plan_list(heading: str, lines: Sequence[str]) -> bool:
    """Whether a list under `heading` is something else than a plan's items: a table of
    contents, an agenda, a list of who attended."""
    words = " ".join(re.sub(r"[0-9:.\-–—,()]", " ", fold(heading)).split())
    if words in _NOT_A_PLAN_HEADINGS:
        return True
    if any(_PARTY.search(text) or _MEETING_ITEMS.search(text) for text in lines):
        return True
    # a table of contents: most lines end in a page number, and the pages run forward ("Larma
    # 112", "Ring 112" is no table of contents)
    # only a line's end is searched: over a whole line of dots the search takes quadratic time
    pages = [int(found.group(1)) for found in (_PAGE_AT_END.search(text[-12:]) for text in lines)
             if found]
    return len(pages) * 2 > len(lines) and pages == sorted(pages) and len(set(pages)) > 1
# a finite verb that makes a line a statement: "Kommunen ska …", "Vansbro kommun är …". Not
# folded: folded, "år" (a year) and "far" would be "är" and "får".
_FINITE = {"ska", "skall", "är", "har", "blir", "kan", "får", "ges", "finns", "bidrar",
           "erbjuder", "sker"}
# adjectives end in -a too when plural or definite ("Regelbundna övningar", "Nya rutiner"): the
# common ones a plan's noun phrase starts with, and endings no infinitive in a plan has
_ADJECTIVES = {fold(word) for word in (
    "nya", "gamla", "stora", "små", "goda", "bra", "egna", "olika", "flera", "andra", "alla",
    "många", "båda", "samtliga", "övriga", "vissa", "sådana", "gemensamma", "regelbundna",
    "särskilda", "trygga", "säkra", "hela", "nästa", "första", "sista", "enda", "unga",
    "fortsatta", "samma", "extra", "svåra", "breda", "fria", "varma",
    "hållbara", "tillgängliga", "ordinarie")}
_ADJECTIVE_ENDINGS = ("iska", "ella", "ala", "iga", "liga", "bara")
_VERBS_LIKE_ADJECTIVES = {fold(word) for word in ("tala", "betala", "samtala", "förtydliga",
                                                  "stiga", "vidga")}
# infinitives too short to tell by their ending, and "Att …" before one
_SHORT_VERBS = {fold(word) for word in ("ge", "ta", "nå", "få", "gå", "se", "att")}


def _line_form(text: str) -> Literal["name", "verb", "noun"]:
    """What a list line is made of: "name" for one or two words ("Förskola", "Reservkraft": a
    unit or a thing, and nouns end in -a too), "verb" when it starts with a verb ("Öka …",
    "Ge …", "Att …"; an infinitive ends in -a) or states something with a finite verb
    ("… ska …"), else "noun": a noun phrase describing work ("Utbildning av organisationen")."""
    words = [word.strip(".,:;()”\"'") for word in fold(text).replace("/", " ").split()]
    if len(words) < 3:
        return "name"
    first = words[0]
    if first in _SHORT_VERBS or _infinitive(first) \
            or any(word.strip(".,:;()”\"'") in _FINITE for word in text.casefold().split()):
        return "verb"
    return "noun"


def _infinitive(word: str) -> bool:
    """Whether a folded first word reads as an infinitive ("oka", "forbattra"): it ends in -a
    and is no adjective ("nya", "sociala", "regelbundna")."""
    if not word.endswith("a") or len(word) <= 2 or word in _ADJECTIVES:
        return False
    return word in _VERBS_LIKE_ADJECTIVES or not word.endswith(_ADJECTIVE_ENDINGS)


def _kind_word(kind: ItemKind) -> str:
    return {"goal": "mål", "indicator": "indikator", "activity": "aktivitet",
            "risk": "risk"}[kind]
