"""Vocabulary files → topic classifier for plan lines (tagged / inferred / inherited, with evidence).

The vocabulary is data: `rules/vocabulary/<topic>.yaml` (one per topic code) and `negatives.yaml`.
A term is written the way a säkerhetssamordnare would write it, and compiled here:

- a space or hyphen between words matches an optional space (IT-säkerhet, IT säkerhet, ITsäkerhet);
- `*` ends a word with any letters (`höjd* beredskap` matches "höjda beredskapen");
- `{a,b,c}` gives alternatives for one position (`hot mot {anställd*,förtroendevald*}`);
- `och` also matches "&";
- å/ä/ö match the base letter and the substitutes OCR leaves behind (sdkerhet, sikerhet, 6ver...);
- `match`: `stem` (default: starts at a word start, open ending), `word` (whole words), `infix`
  (also inside a compound: "handbrandsläckare"), `abbr` (whole word on the unfolded text,
  case-sensitive unless `case_sensitive: false`, which matches the folded text instead);
- `kinds` limits a term to some row kinds (RSA hazards count only on risk rows), `unless` lists
  phrases that cancel the term in that line, and a `weak` term counts only beside a strong term of
  the same topic (KIA, tillbud, polis).

Negatives are phrases cut out of the folded line, whole words at a time, before terms are sought.
All spellings are compiled into character tries, one regex per scan, so a line costs a few
microseconds however large the vocabulary grows.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planchecker.model import Plan, Topic

Kind = Literal["goal", "indicator", "activity", "risk"]
KINDS: tuple[Kind, ...] = ("goal", "indicator", "activity", "risk")
NEGATIVES_FILE = "negatives.yaml"
_TOPIC_ORDER = {topic: index for index, topic in enumerate(Topic)}

# What OCR made of å/ä/ö in the seed documents (sdkerhet, sikerhet, sédkerhet, niarhet, 6ver, ...).
_OCR = {"ä": "(?:[aeid&4]|i[ad]|e[ad]|da)", "ö": "[o6d0ge]", "å": "(?:[aed]|ea)"}
_LETTER = "[a-z0-9&]"
_WILD = _LETTER + "*"
_SEP = " ?"
_RIGHT = f"(?!{_LETTER})"
_TOKEN = re.compile(r"\{[^{}]*\}|[^\s{}]+")
Groups = dict[str, tuple[int, ...]]


class TermSpec(BaseModel):
    """One vocabulary term; see the module docstring for the syntax."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    term: str = Field(min_length=1, description="Termen som den skrivs, med * och {a,b}.")
    match: Literal["stem", "word", "infix", "abbr"] = "stem"
    case_sensitive: bool = Field(default=True, description="Endast för abbr.")
    kinds: tuple[Kind, ...] | None = Field(default=None, description="Gäller bara dessa radtyper.")
    unless: tuple[str, ...] = Field(default=(), description="Fraser som tar bort termen på raden.")
    weak: bool = Field(default=False, description="Räknas bara bredvid en stark term.")
    note: str | None = None


class TopicVocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: Topic
    description: str = Field(min_length=1)
    terms: tuple[TermSpec, ...] = Field(min_length=1)


class NegativeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    phrase: str = Field(min_length=1)
    match: Literal["stem", "word", "infix"] = "stem"
    reason: str = Field(min_length=1)


class NegativesVocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    negatives: tuple[NegativeSpec, ...]


# After NFKD and dropping the combining marks, every character that is not a folded letter becomes
# a space (dashes and quotes included, so they cannot join two words). "#" survives folding: it
# marks a cut (a negative, a cell boundary) that no phrase may span.
_COMBINING = re.compile("[\u0300-\u036f]+")
_KEEP = b"abcdefghijklmnopqrstuvwxyz0123456789&#"
_BYTES = bytes(c if c in _KEEP else 0x20 for c in range(256))


def fold_text(text: str) -> str:
    """Lower case, diacritics and punctuation folded away, padded with one space on each side."""
    text = text.casefold()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    plain = text.encode("ascii", "replace").translate(_BYTES).decode("ascii")
    return " " + " ".join(plain.split()) + " "


def _word_atoms(word: str) -> tuple[str, ...]:
    if word == "och":
        return ("(?:och|&)",)
    atoms: list[str] = []
    for ch in word:
        if ch == "*":
            atoms.append(_WILD)
        elif ch in _OCR:
            atoms.append(_OCR[ch])
        else:
            atoms.extend(re.escape(c) for c in fold_text(ch).strip())
    return tuple(atoms)


def _expansions(phrase: str) -> list[tuple[str, ...]]:
    """Every spelling a phrase stands for, braces expanded, as sequences of regex atoms."""
    text = unicodedata.normalize("NFC", phrase).casefold()
    if _TOKEN.sub("", text).strip():
        raise ValueError(f"obalanserade klamrar i {phrase!r}")
    sequences: list[tuple[str, ...]] | None = None
    for token in _TOKEN.findall(text):
        if token.startswith("{"):
            alternatives = [alt for alt in token[1:-1].split(",") if alt.strip()]
            if not alternatives:
                raise ValueError(f"tomma klamrar i {phrase!r}")
            slots = [[seq for alt in alternatives for seq in _expansions(alt)]]
        else:
            slots = [[_word_atoms(w)] for w in re.split(r"[^\w&*]+", token) if w]
        for options in slots:
            sequences = options if sequences is None else [
                (*seq, _SEP, *option) for seq in sequences for option in options]
        if sequences is not None and len(sequences) > 5000:
            raise ValueError(f"för många varianter i {phrase!r}")
    if not sequences or any(set(seq) <= {_WILD, _SEP} for seq in sequences):
        raise ValueError(f"tom term {phrase!r}")
    return sequences


class _Trie:
    """Spellings sharing a prefix share a path, so the regex engine rejects a position at once."""

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.ends: dict[str, list[int]] = {}

    def add(self, atoms: Sequence[str], end: str, entry: int) -> None:
        node = self
        for atom in atoms:
            node = node.children.setdefault(atom, _Trie())
        node.ends.setdefault(end, []).append(entry)

    def order(self) -> list[str]:
        # Literal atoms first: re skips a branch whose first literal does not match in one step.
        return sorted(self.children, key=lambda atom: (len(atom.lstrip("\\")) > 1, atom))

    def pattern(self, groups: Groups | None, right: str, inherited: tuple[int, ...] = ()) -> str:
        """The regex below this node; with `groups`, each terminal gets an empty named group."""
        # An open-ended term is also matched by every longer spelling through its node.
        here = (*inherited, *self.ends.get("open", ()))
        branches = [a + self.children[a].pattern(groups, right, here) for a in self.order()]
        if "word" in self.ends:
            branches.append(right + _group(groups, (*here, *self.ends["word"])))
        if "open" in self.ends:
            branches.append(_group(groups, here))
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _group(groups: Groups | None, entries: tuple[int, ...]) -> str:
    if groups is None:
        return ""
    name = f"g{len(groups)}"
    groups[name] = tuple(dict.fromkeys(entries))
    return f"(?P<{name}>)"


@dataclass(frozen=True)
class _Finder:
    """Finds vocabulary entries in folded text in two steps, because capture groups make re slow.

    `scan` has no groups and every branch starts with a literal (the space before a word, or the
    first letter of an infix), so re jumps between candidate positions; the grouped patterns are
    tried only where `scan` hit, to name the entries found there.
    """

    scan: re.Pattern[str]
    at_start: re.Pattern[str] | None
    anywhere: re.Pattern[str] | None
    groups: Groups

    @classmethod
    def build(cls, starts: _Trie, anywhere: _Trie, right: str = _RIGHT) -> _Finder | None:
        groups: Groups = {}
        branches = [f" (?=(?:{starts.pattern(None, right)}))"] if starts.children else []
        # Consuming the first atom keeps re's first-character skip; the rest is zero-width so that
        # overlapping terms are all seen.
        branches += [f"{a}(?={anywhere.children[a].pattern(None, right)})" for a in anywhere.order()]
        if not branches:
            return None
        named = [re.compile(t.pattern(groups, right)) if t.children else None for t in (starts, anywhere)]
        return cls(re.compile("|".join(branches)), named[0], named[1], groups)

    def find(self, text: str) -> Iterator[tuple[int, int, tuple[int, ...]]]:
        """(start, end, entry indexes) of each hit; `end` is where the longest spelling ended."""
        for hit in self.scan.finditer(text):
            start = hit.start()
            named = self.at_start if text[start] == " " else self.anywhere
            found = named.match(text, start + 1 if named is self.at_start else start) if named else None
            if found is not None:
                yield found.start(), found.end(), self.groups[found.lastgroup or ""]


def _finder(entries: Sequence[tuple[Sequence[tuple[str, ...]], str]]) -> _Finder | None:
    """The finder for (spellings, match) entries on folded text."""
    starts, anywhere = _Trie(), _Trie()
    for index, (spellings, match) in enumerate(entries):
        for atoms in spellings:
            root = anywhere if match == "infix" else starts
            root.add(atoms, "word" if match == "word" else "open", index)
    return _Finder.build(starts, anywhere)


def _abbr_spelling(spec: TermSpec) -> tuple[str, ...]:
    if any(ch in spec.term for ch in "*{},"):
        raise ValueError("en förkortning kan inte innehålla * eller {}")
    text = unicodedata.normalize("NFC", spec.term).strip()
    atoms = [r"[\s\-]?" if ch in " -" else re.escape(ch) for ch in text]
    # The word boundary is checked after the first letter, so that the first atom stays a literal.
    return (atoms[0], r"(?<!\w.)", *atoms[1:])


def _unless_pattern(phrases: Sequence[str]) -> re.Pattern[str] | None:
    finder = _finder([(_expansions(phrase), "word") for phrase in phrases]) if phrases else None
    return finder.scan if finder else None


@dataclass(frozen=True)
class _Term:
    topic: Topic
    spec: TermSpec
    unless: re.Pattern[str] | None

    @property
    def on_raw_text(self) -> bool:
        return self.spec.match == "abbr" and self.spec.case_sensitive

    def spellings(self) -> list[tuple[str, ...]]:
        if self.on_raw_text:
            return [_abbr_spelling(self.spec)]
        return _expansions(self.spec.term)


@dataclass(frozen=True)
class Classification:
    """The topics a line serves and the vocabulary terms that showed it."""

    topics: tuple[Topic, ...]
    evidence: tuple[str, ...]


NONE = Classification((), ())


@dataclass(frozen=True)
class _Scanner:
    """The compiled vocabulary for one set of row kinds."""

    folded: _Finder | None
    raw: _Finder | None
    terms: tuple[_Term, ...]

    @classmethod
    def build(cls, terms: Sequence[_Term]) -> _Scanner:
        folded = [t for t in terms if not t.on_raw_text]
        raw = [t for t in terms if t.on_raw_text]
        entries = [(t.spellings(), "word" if t.spec.match == "abbr" else t.spec.match) for t in folded]
        trie = _Trie()
        for index, term in enumerate(raw, start=len(folded)):
            trie.add(term.spellings()[0], "word", index)
        raw_finder = _Finder.build(_Trie(), trie, right=r"(?!\w)")
        return cls(_finder(entries), raw_finder, (*folded, *raw))

    def hits(self, raw: str, cleaned: str) -> list[_Term]:
        found: list[_Term] = []
        for finder, text in ((self.folded, cleaned), (self.raw, raw)):
            for _, _, entries in finder.find(text) if finder else ():
                found += (self.terms[i] for i in entries)
        return [t for t in found if t.unless is None or not t.unless.search(cleaned)]


class _Negatives:
    """False friends cut out of the folded line, whole words at a time."""

    def __init__(self, specs: Sequence[NegativeSpec]) -> None:
        self._specs = tuple(specs)
        self._finder = _finder([(_expansions(s.phrase), s.match) for s in specs])

    def cut(self, folded: str) -> str:
        if self._finder is None or not self._finder.scan.search(folded):
            return folded
        pieces: list[str] = []
        last = 0
        for start, end, entries in sorted(self._finder.find(folded)):
            match = self._specs[entries[0]].match
            if start < last:
                continue
            if match != "word":
                end = folded.find(" ", end)
            if match == "infix":
                start = folded.rfind(" ", 0, start) + 1
            pieces += [folded[last:start], " # "]
            last = end
        return "".join(pieces) + folded[last:]


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path.name}: kan inte läsas som YAML: {exc}") from None


def _entry_name(data: Any, loc: tuple[int | str, ...]) -> str:
    if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data, dict):
        entries = data.get(loc[0])
        if isinstance(entries, list) and loc[1] < len(entries):
            entry = entries[loc[1]]
            label = entry.get("term") or entry.get("phrase") if isinstance(entry, dict) else entry
            return f"{loc[0]}[{loc[1]}] ({label!r})"
    return str(loc[0]) if loc else "filen"


def _validate(model: type[BaseModel], path: Path, data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        field = ".".join(str(part) for part in loc[2:]) or "värde"
        raise ValueError(f"{path.name}: {_entry_name(data, loc)}: {field}: {error['msg']}") from None


def _compile_terms(path: Path, vocab: TopicVocabulary) -> list[_Term]:
    terms: list[_Term] = []
    for index, spec in enumerate(vocab.terms):
        entry = f"{path.name}: terms[{index}] ({spec.term!r})"
        if any(spec.term == t.spec.term for t in terms):
            raise ValueError(f"{entry}: termen förekommer två gånger")
        try:
            term = _Term(vocab.topic, spec, _unless_pattern(spec.unless))
            re.compile("|".join("".join(s) for s in term.spellings()))
        except (ValueError, re.error) as exc:
            raise ValueError(f"{entry}: {exc}") from None
        terms.append(term)
    return terms


def _load_negatives(path: Path) -> _Negatives:
    vocab: NegativesVocabulary = _validate(NegativesVocabulary, path, _read_yaml(path))
    for index, spec in enumerate(vocab.negatives):
        try:
            _expansions(spec.phrase)
        except ValueError as exc:
            raise ValueError(f"{path.name}: negatives[{index}] ({spec.phrase!r}): {exc}") from None
    return _Negatives(vocab.negatives)


class Classifier:
    """Topic inference from the vocabulary; one instance serves any number of plans."""

    def __init__(self, terms: Sequence[_Term], negatives: _Negatives) -> None:
        self._negatives = negatives
        built: dict[tuple[int, ...], _Scanner] = {}
        self._scanners: dict[str | None, _Scanner] = {}
        for kind in (None, *KINDS):
            active = tuple(i for i, t in enumerate(terms) if not t.spec.kinds or kind in t.spec.kinds)
            if active not in built:
                built[active] = _Scanner.build([terms[i] for i in active])
            self._scanners[kind] = built[active]
        # Plans repeat texts (one activity text under many goals), so results are cached per
        # distinct normalised text and row kind.
        self._cached = functools.lru_cache(maxsize=131072)(self._classify)

    @classmethod
    def load(cls, vocabulary_dir: Path) -> Classifier:
        """Read and validate every vocabulary file; a bad file raises ValueError naming it."""
        expected = {f"{topic.value}.yaml" for topic in Topic} | {NEGATIVES_FILE}
        present = {p.name for p in vocabulary_dir.glob("*.yaml")} if vocabulary_dir.is_dir() else set()
        for name in sorted(present - expected):
            raise ValueError(f"{name}: okänd vokabulärfil (väntade {', '.join(sorted(expected))})")
        for name in sorted(expected - present):
            raise ValueError(f"{name}: vokabulärfilen saknas i {vocabulary_dir}")
        terms: list[_Term] = []
        for topic in Topic:
            path = vocabulary_dir / f"{topic.value}.yaml"
            vocab: TopicVocabulary = _validate(TopicVocabulary, path, _read_yaml(path))
            if vocab.topic is not topic:
                raise ValueError(f"{path.name}: topic: filen gäller {topic.value}, inte {vocab.topic.value}")
            terms.extend(_compile_terms(path, vocab))
        return cls(terms, _load_negatives(vocabulary_dir / NEGATIVES_FILE))

    def classify(self, text: str, kind: Kind | None = None) -> Classification:
        """Topics served by one line of plan text; `kind` enables the terms limited to a row kind."""
        normalised = " ".join(unicodedata.normalize("NFC", text).split())
        return self._cached(normalised, kind) if normalised else NONE

    def _classify(self, raw: str, kind: Kind | None) -> Classification:
        hits = self._scanners[kind].hits(raw, self._negatives.cut(fold_text(raw)))
        strong = {term.topic for term in hits if not term.spec.weak}
        if not strong:
            return NONE
        topics = tuple(sorted(strong, key=_TOPIC_ORDER.__getitem__))
        return Classification(topics, tuple(sorted({t.spec.term for t in hits if t.topic in strong})))


@dataclass(frozen=True)
class ItemTopics:
    """The topics of one plan item and how they were decided."""

    kind: str  # "goal" | "indicator" | "activity" | "risk"
    id: str
    topics: tuple[Topic, ...]
    source: str  # "tagged" | "inferred" | "inherited" | "none"
    evidence: tuple[str, ...]


def _decide(
    kind: Kind, item_id: str, tagged: Iterable[Topic], inferred: Classification,
    inherited: tuple[Topic, ...] = (),
) -> ItemTopics:
    # Tagged and inherited topics carry no evidence: the plan, or the goal's row, says why.
    tags = tuple(sorted(set(tagged), key=_TOPIC_ORDER.__getitem__))
    if tags:
        return ItemTopics(kind, item_id, tags, "tagged", ())
    if inferred.topics:
        return ItemTopics(kind, item_id, inferred.topics, "inferred", inferred.evidence)
    if inherited:
        return ItemTopics(kind, item_id, inherited, "inherited", ())
    return ItemTopics(kind, item_id, (), "none", ())


def classify_plan(plan: Plan, classifier: Classifier) -> list[ItemTopics]:
    """Topics for every goal, indicator, activity and risk, in that kind order and plan order.

    Goals: tagged, else inferred. Activities: tagged, else inferred, else inherited from their
    goal. Indicators: inferred, else inherited (they have no Fokusområde column). Risks: inferred
    from text, function and measure, with the terms limited to risk rows.
    """
    goals = [_decide("goal", g.id, g.topics, classifier.classify(g.text, "goal")) for g in plan.goals]
    of_goal = {item.id: item.topics for item in goals}
    indicators = [
        _decide("indicator", i.id, (), classifier.classify(i.text, "indicator"),
                of_goal.get(i.goal_id or "", ()))
        for i in plan.indicators
    ]
    activities = [
        _decide("activity", a.id, a.topics, classifier.classify(a.text, "activity"),
                of_goal.get(a.goal_id or "", ()))
        for a in plan.activities
    ]
    risks = [
        # The cells are joined with a cut mark so that no phrase is read across two of them.
        _decide("risk", r.id, (), classifier.classify(
            " # ".join(part for part in (r.text, r.function, r.measure) if part), "risk"))
        for r in plan.risks
    ]
    return goals + indicators + activities + risks


def default_vocabulary_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "rules" / "vocabulary"
