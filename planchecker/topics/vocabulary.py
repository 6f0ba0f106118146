"""The topic vocabulary: the YAML term syntax, its validation, and its compilation into fast scanners.

The vocabulary is data: `rules/vocabulary/<topic>.yaml` (one per topic code) and `negatives.yaml`.
A term is written the way a säkerhetssamordnare would write it, and compiled here:

- a space or hyphen between words matches an optional space (IT-säkerhet, IT säkerhet, ITsäkerhet);
- `*` ends a word with any letters (`höjd* beredskap` matches "höjda beredskapen");
- `{a,b,c}` gives alternatives for one position (`hot mot {anställd*,förtroendevald*}`); an empty
  alternative makes the position optional (`mat {och,} värme` also matches "mat värme");
- `och` also matches "&";
- å/ä/ö match the base letter and the substitutes OCR leaves behind (sdkerhet, sikerhet, 6ver...);
- `match`: `stem` (default: starts at a word start, open ending, and a final -a or -e may be
  left out so that the term meets its plural: "kamera" meets "kameror"), `word` (whole words), `infix`
  (also inside a compound: "handbrandsläckare"), `abbr` (whole word on the unfolded text,
  case-sensitive unless `case_sensitive: false`, which matches the folded text instead);
- `kinds` limits a term to some row kinds (RSA hazards count only on risk rows), `unless` lists
  phrases that cancel the term in that line, and a `weak` term counts only beside a strong term of
  the same topic (KIA, tillbud, polis); alone it only comes close (see topics.VocabularyScorer).

Negatives are phrases cut out of the folded line, whole words at a time, before terms are sought.
All spellings are compiled into character tries, one regex per scan, so a line costs a few
microseconds however large the vocabulary grows.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planchecker.common.model import Topic
from planchecker.topics import regexcache

Kind = Literal["goal", "indicator", "activity", "risk"]
KINDS: tuple[Kind, ...] = ("goal", "indicator", "activity", "risk")

NEGATIVES_FILE = "negatives.yaml"

# What OCR made of å/ä/ö in the seed documents (sdkerhet, sikerhet, sédkerhet, niarhet, 6ver, ...).
_OCR = {"ä": "(?:[aeid&4]|i[ad]|e[ad]|da)", "ö": "[o6d0ge]", "å": "(?:[aed]|ea)"}
_LETTER = "[a-z0-9&]"
_WILD = _LETTER + "*"
_SEP = " ?"
_RIGHT = f"(?!{_LETTER})"
_TOKEN = re.compile(r"\{[^{}]*\}|[^\s{}]+")
_Groups = dict[str, tuple[int, ...]]
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


# Characters outside Latin that could join two words when dropped (dashes, quotes, bullets) become
# spaces; NFKD then splits off the diacritics, which the ASCII encoding drops. Every byte that is
# not a folded letter becomes a space. "#" survives folding: it marks a cut (a negative, a cell
# boundary) that no phrase may span.
_SEPARATORS = re.compile("[^\\x00-\\x7f\\u00c0-\\u024f\\u0300-\\u036f]")
_KEEP = b"abcdefghijklmnopqrstuvwxyz0123456789&#"
_FOLDED_LETTERS = _KEEP.decode()  # every character of a folded line besides the space
_BYTES = bytes(c if c in _KEEP else 0x20 for c in range(256))
_BYTES_KEEP_NEWLINE = bytes(c if c in _KEEP or c == 0x0A else 0x20 for c in range(256))


def fold_text(text: str) -> str:
    """Lower case, diacritics and punctuation folded away, padded with one space on each side."""
    return _fold_lines(text, _BYTES)[0]  # a newline is folded to a space like any separator


def fold_texts(texts: Sequence[str]) -> list[str]:
    """`fold_text` of each of `texts`, folded in one pass: seven calls a line were a fifth of
    folding a plan's lines. Each step folds a character alone (NFKD's reordering moves only
    combining marks, which folding drops), so lines joined by a newline fold as they would apart."""
    if not texts or any("\n" in text for text in texts):
        return [fold_text(text) for text in texts]
    return _fold_lines("\n".join(texts), _BYTES_KEEP_NEWLINE)


def _fold_lines(text: str, table: bytes) -> list[str]:
    text = text.casefold()
    if not text.isascii():
        if _SEPARATORS.search(text):
            text = _SEPARATORS.sub(" ", text)
        text = unicodedata.normalize("NFKD", text)
    plain = text.encode("ascii", "ignore").translate(table).decode("ascii")
    return [" " + " ".join(line.split()) + " " for line in plain.split("\n")]


def _compile(source: str) -> re.Pattern[str]:
    # The scanners are large tries that Python's regex compiler takes 0.2 s over: see regexcache.
    return regexcache.default().compile(source)


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
            atoms.extend(_letter_atoms(ch))
    return tuple(atoms)


@functools.cache
def _letter_atoms(ch: str) -> tuple[str, ...]:
    # Folding one character at a time was a tenth of start-up; the vocabulary has few distinct ones.
    return tuple(re.escape(c) for c in fold_text(ch).strip())


@functools.cache
def _expansions(phrase: str) -> tuple[tuple[str, ...], ...]:
    """Every spelling a phrase stands for, braces expanded, as sequences of regex atoms."""
    text = unicodedata.normalize("NFC", phrase).casefold()
    if _TOKEN.sub("", text).strip():
        raise ValueError(f"obalanserade klamrar i {phrase!r}")
    sequences: list[tuple[str, ...]] | None = None
    for token in _TOKEN.findall(text):
        if token.startswith("{"):
            written = token[1:-1].split(",")
            alternatives = [alt for alt in written if alt.strip()]
            if not alternatives:
                raise ValueError(f"tomma klamrar i {phrase!r}")
            slots = [[seq for alt in alternatives for seq in _expansions(alt)]]
            if len(alternatives) < len(written):  # "{och,}": the group may be left out
                slots[0].append(())
        else:
            slots = [[_word_atoms(w)] for w in re.split(r"[^\w&*]+", token) if w]
        for options in slots:
            sequences = options if sequences is None else [
                (*seq, _SEP, *option) if seq and option else seq or option
                for seq in sequences for option in options]
        if sequences is not None and len(sequences) > 5000:
            raise ValueError(f"för många varianter i {phrase!r}")
    if not sequences or any(set(seq) <= {_WILD, _SEP} for seq in sequences):
        raise ValueError(f"tom term {phrase!r}")
    return tuple(sequences)


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

    def pattern(self, groups: _Groups, right: str, inherited: tuple[int, ...] = ()) -> str:
        """The regex below this node, each terminal an empty named group entered in `groups`."""
        # An open-ended term is also matched by every longer spelling through its node.
        here = (*inherited, *self.ends.get("open", ()))
        branches = [a + self.children[a].pattern(groups, right, here) for a in self.order()]
        if "word" in self.ends:
            branches.append(right + _group(groups, (*here, *self.ends["word"])))
        if "open" in self.ends:
            branches.append(_group(groups, here))
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    def scan(self, right: str) -> str:
        """The regex below this node without groups: whether some spelling goes on from here."""
        # A spelling that ends at this node answers that: an open end succeeds at once (nothing
        # below needs trying), and a word end is tried before the longer spellings below it.
        if "open" in self.ends:
            return ""
        branches = [right] if "word" in self.ends else []
        branches += [a + self.children[a].scan(right) for a in self.order()]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    def pattern_from(self, letter: str, groups: _Groups, right: str) -> str | None:
        """The regex of the spellings whose first atom can match `letter`, in `pattern`'s order
        (None if there are none). An atom that is not a plain letter (å's OCR class
        "(?:[aed]|ea)") is taken for every letter written in it: too many is only slower."""
        atoms = [a for a in self.order() if a == letter or (len(a) > 1 and letter in a)]
        if not atoms:
            return None
        branches = [a + self.children[a].pattern(groups, right) for a in atoms]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _group(groups: _Groups, entries: tuple[int, ...]) -> str:
    name = f"g{len(groups)}"
    groups[name] = tuple(dict.fromkeys(entries))
    return f"(?P<{name}>)"


# (start, end, entry indexes) of one hit in a line.
_Hit = tuple[int, int, tuple[int, ...]]


@dataclass(frozen=True)
class _Finder:
    """Finds vocabulary entries in folded text in two steps, because capture groups make re slow.

    `scan` has no groups and every branch starts with a literal (the space before a word, or the
    first letter of an infix), so re jumps between candidate positions; the grouped patterns are
    tried only where `scan` hit, to name the entries found there.
    """

    scan: re.Pattern[str]
    # By the word's first letter: a match object carries a slot for every group of its pattern,
    # and one pattern for the whole vocabulary had 8,000 of them (find 45 µs a line, not 11).
    at_start: dict[str, re.Pattern[str]]
    anywhere: re.Pattern[str] | None
    groups: _Groups

    def find(self, text: str) -> list[_Hit]:
        """(start, end, entry indexes) of each hit; `end` is where the longest spelling ended."""
        return list(self._hits(text))

    def find_many(self, texts: Sequence[str], separator: str = "\n") -> list[list[_Hit]]:
        """`find` for each of `texts`, scanned in one pass, joined by a `separator` that no
        spelling can match (a folded line has no newline; an abbreviation's spelling matches
        neither a NUL nor across one), so that none reaches from one line into the next."""
        if any(separator in text for text in texts):
            return [self.find(text) for text in texts]
        found: list[list[_Hit]] = [[] for _ in texts]
        starts = _starts(texts)
        for start, end, entries in self._hits(separator.join(texts)):
            line = bisect.bisect_right(starts, start) - 1
            found[line].append((start - starts[line], end - starts[line], entries))
        return found

    def _hits(self, text: str) -> Iterator[_Hit]:
        at_start, anywhere, groups = self.at_start, self.anywhere, self.groups
        for hit in self.scan.finditer(text):
            start = hit.start()
            if text[start] == " ":
                start += 1
                named = at_start.get(text[start])
            else:
                named = anywhere
            matched = named.match(text, start) if named else None
            if matched is not None:
                yield matched.start(), matched.end(), groups[matched.lastgroup or ""]


def _starts(texts: Sequence[str]) -> list[int]:
    """Where each text begins in the texts joined by a one-character separator."""
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    return starts


def _scan_pattern(starts: _Trie, anywhere: _Trie, right: str) -> str | None:
    """The regex without groups that finds where an entry starts (see _Finder)."""
    branches = [f" (?=(?:{starts.scan(right)}))"] if starts.children else []
    # Consuming the first atom keeps re's first-character skip; the rest is zero-width so that
    # overlapping terms are all seen.
    branches += [f"{atom}(?={anywhere.children[atom].scan(right)})"
                 for atom in anywhere.order()]
    return "|".join(branches) if branches else None


_Entries = Sequence[tuple[Sequence[tuple[str, ...]], str]]


def _tries(entries: _Entries) -> tuple[_Trie, _Trie]:
    """(spellings, match) entries as a trie of word starts and a trie of infixes.

    `abbr` is an abbreviation on the unfolded text: sought anywhere (its spelling checks the word
    boundary itself), ending at a word's end.
    """
    starts, anywhere = _Trie(), _Trie()
    for index, (spellings, match) in enumerate(entries):
        for atoms in spellings:
            root = anywhere if match in ("infix", "abbr") else starts
            root.add(atoms, "word" if match in ("word", "abbr") else "open", index)
    return starts, anywhere


def _finder(written: Any, entries: Callable[[], _Entries], right: str = _RIGHT
            ) -> _Finder | None:
    """The finder for the (spellings, match) `entries()`, which follow from what is `written`
    (the terms or phrases as written, and how they match); None when there are none."""

    def sources() -> tuple[str, dict[str, str], str | None, _Groups] | None:
        starts, anywhere = _tries(entries())
        scan = _scan_pattern(starts, anywhere, right)
        if scan is None:
            return None
        groups: _Groups = {}
        at_start = {letter: pattern for letter in _FOLDED_LETTERS
                    if (pattern := starts.pattern_from(letter, groups, right))}
        inside = anywhere.pattern(groups, right) if anywhere.children else None
        return scan, at_start, inside, groups

    # Keyed by what is written, not by the spellings: a start that finds the finder in the cache
    # then never multiplies out a term's {a,b} groups (a third of a warm start).
    built = _derived("finder", written, right, build=sources)
    if built is None:
        return None
    scan, at_start, inside, groups = built
    return _Finder(_compile(scan), {letter: _compile(p) for letter, p in at_start.items()},
                   _compile(inside) if inside else None,
                   {name: tuple(found) for name, found in groups.items()})


def _derived(*key: Any, build: Callable[[], Any]) -> Any:
    # The tries and the pattern text built from them depend on the entries and on this module's
    # code; the cache keeps the text so that a new process only compiles it (see regexcache).
    return regexcache.default().derived([_code_version(), *key], build)


@functools.cache
def _code_version() -> str:
    try:
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:  # no source to hash (a frozen build): a key no stored result can have
        return os.urandom(16).hex()


def _abbr_spelling(spec: TermSpec) -> tuple[str, ...]:
    if any(ch in spec.term for ch in "*{},"):
        raise ValueError("en förkortning kan inte innehålla * eller {}")
    text = unicodedata.normalize("NFC", spec.term).strip()
    atoms = [r"[\s\-]?" if ch in " -" else re.escape(ch) for ch in text]
    # The word boundary is checked after the first letter, so that the first atom stays a literal.
    return (atoms[0], r"(?<!\w.)", *atoms[1:])


def _unless_pattern(phrases: Sequence[str]) -> re.Pattern[str] | None:
    # Whether a phrase occurs, not which one: the scan alone says that. Compiling the named
    # patterns of a whole finder as well doubled the cost, 0.015 s of every start.
    if not phrases:
        return None
    scan = _derived("unless", phrases, build=lambda: _scan_pattern(
        *_tries([(_expansions(phrase), "word") for phrase in phrases]), _RIGHT))
    return _compile(scan) if scan else None


@dataclass(frozen=True)
class Term:
    topic: Topic
    spec: TermSpec
    unless: re.Pattern[str] | None

    @functools.cached_property
    def shown(self) -> str:
        """The term as evidence in a report (`shown_term`), the same for every line it is found in."""
        return shown_term(self.spec.term)

    @functools.cached_property
    def patterned(self) -> bool:
        """Whether the term is a pattern ({a,b} or *): a line says one of its forms, not the term."""
        return "{" in self.spec.term or "*" in self.spec.term

    @property
    def on_raw_text(self) -> bool:
        return self.spec.match == "abbr" and self.spec.case_sensitive

    @property
    def strong(self) -> bool:
        return not self.spec.weak

    def spellings(self) -> tuple[tuple[str, ...], ...]:
        if self.on_raw_text:
            return (_abbr_spelling(self.spec),)
        if self.spec.match == "stem":
            return _inflected(_expansions(self.spec.term))
        return _expansions(self.spec.term)


_GROUP = re.compile(r"\{([^{}]*)\}")


def shown_term(term: str) -> str:
    """A term as a report shows it: each {a,b} group by its first alternative not said already in
    the term, a * kept as the reader's sign of "any ending". "{i samarbete med,tillsammans med}
    {polis,polisen}" is shown as "i samarbete med polis", "{hot,våld} {och,eller} {hot,våld}" as
    "hot och våld", "{utsätt*,utsatt*} för {hot,våld}" as "utsätt* för hot": every alternative is
    for the vocabulary's author, and reports that quoted them all were hard to read. A term's
    first alternative is its common wording (see krisberedskap.yaml)."""
    if "{" not in term:
        return term
    said = set(_GROUP.sub(" ", term).replace("*", "").split())

    def first_unsaid(group: re.Match[str]) -> str:
        options = [option.strip() for option in group.group(1).split(",")]
        chosen = next((o for o in options if o.replace("*", "") not in said), options[0])
        said.add(chosen.replace("*", ""))
        return chosen

    return " ".join(_GROUP.sub(first_unsaid, term).split())


def _inflected(spellings: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """An open-ended term also meets its plural: a final -a or -e is dropped ("kamera" meets
    "kameror", "utrymningsledare" meets "utrymningsledarna") when five letters remain."""
    extra = []
    for atoms in spellings:
        if atoms[-1] in ("a", "e") and len(atoms) > 5 and all(
                len(atom) == 1 for atom in atoms[-6:-1]):
            extra.append(atoms[:-1])
    return spellings + tuple(extra) if extra else spellings



@dataclass(frozen=True)
class Scanner:
    """The compiled vocabulary for one set of row kinds."""

    folded: _Finder | None
    raw: _Finder | None
    folded_terms: tuple[Term, ...]
    raw_terms: tuple[Term, ...]

    @classmethod
    def build(cls, terms: Sequence[Term]) -> Scanner:
        folded = tuple(t for t in terms if not t.on_raw_text)
        raw = tuple(t for t in terms if t.on_raw_text)
        matches = ["word" if t.spec.match == "abbr" else t.spec.match for t in folded]
        return cls(
            _finder([(t.spec.term, m) for t, m in zip(folded, matches)],
                    lambda: [(t.spellings(), m) for t, m in zip(folded, matches)]),
            _finder([(t.spec.term, "abbr") for t in raw],
                    lambda: [(t.spellings(), "abbr") for t in raw], r"(?!\w)"),
            folded, raw)

    def judged(self, raw: str, cleaned: str, context: str | None = None,
               words: dict[int, str] | None = None) -> tuple[list[Term], list[Term]]:
        """(terms found, terms found but cancelled by their `unless` context) in one line.

        Terms are sought in `cleaned`; `unless` phrases in `context` (default `cleaned`). Given
        `words`, each pattern term found ({a,b} or *) is entered there by its id with the folded
        words it was found in, from the first word its match touches to the last.
        """
        where_found = self.folded.find(cleaned) if self.folded is not None else []
        raw_found = self.raw.find(raw) if self.raw is not None else []
        return self._judged(raw, cleaned, context, words, where_found, raw_found)

    def judged_many(self, raws: Sequence[str], cleaned: Sequence[str],
                    contexts: Sequence[str | None], words: Sequence[dict[int, str] | None]
                    ) -> list[tuple[list[Term], list[Term]]]:
        """`judged` for each line, the folded terms sought in all of them in one pass."""
        where_found = (self.folded.find_many(cleaned) if self.folded is not None
                       else [[] for _ in raws])
        # Abbreviations are sought in the lines as written, joined by NUL, not by a newline: a
        # spelling "CERT-SE" lets white space stand for its hyphen.
        raw_found = (self.raw.find_many(raws, "\0") if self.raw is not None
                     else [[] for _ in raws])
        return [self._judged(*line)
                for line in zip(raws, cleaned, contexts, words, where_found, raw_found)]

    def _judged(self, raw: str, cleaned: str, context: str | None,
                words: dict[int, str] | None, where_found: list[_Hit], raw_found: list[_Hit]
                ) -> tuple[list[Term], list[Term]]:
        terms = self.folded_terms
        found = [terms[i] for _, _, entries in where_found for i in entries]
        if words is not None and found:
            for start, end, entries in where_found:
                for i in entries:
                    if terms[i].patterned and id(terms[i]) not in words:
                        last = cleaned.find(" ", end)  # a folded line ends with a space
                        words[id(terms[i])] = cleaned[cleaned.rfind(" ", 0, start) + 1:last]
        if raw_found:
            terms = self.raw_terms
            found += [terms[i] for _, _, entries in raw_found for i in entries]
        if not found:
            return found, []
        where = cleaned if context is None else context
        cancelled = [t for t in found if t.unless is not None and t.unless.search(where)]
        if not cancelled:
            return found, cancelled
        gone = {id(t) for t in cancelled}
        return [t for t in found if id(t) not in gone], cancelled


class Negatives:
    """False friends cut out of the folded line, whole words at a time."""

    def __init__(self, specs: Sequence[NegativeSpec]) -> None:
        self._specs = tuple(specs)
        self._finder = _finder([(s.phrase, s.match) for s in specs],
                               lambda: [(_expansions(s.phrase), s.match) for s in specs])

    def cut_many(self, folded: Sequence[str]) -> list[str]:
        """`cut` of each folded line; the lines without a false friend found in one pass."""
        if self._finder is None:
            return list(folded)
        starts = _starts(folded)
        found = {bisect.bisect_right(starts, hit.start()) - 1
                 for hit in self._finder.scan.finditer("\n".join(folded))}
        return [self.cut(line) if i in found else line for i, line in enumerate(folded)]

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
        # libyaml's loader where PyYAML was built with it: the pure-Python one dominates load time.
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
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
        entry = _entry_name(data, loc)
        raise ValueError(f"{path.name}: {entry}: {field}: {error['msg']}") from None


def _compile_terms(path: Path, vocab: TopicVocabulary) -> list[Term]:
    seen: set[str] = set()
    for index, spec in enumerate(vocab.terms):
        if spec.term in seen:
            raise ValueError(
                f"{path.name}: terms[{index}] ({spec.term!r}): termen förekommer två gånger")
        seen.add(spec.term)
    # The spellings of a file's terms are checked once for what is written in it: multiplying
    # out every term's {a,b} groups was a third of each start.
    _derived("checked", path.name, [(t.term, t.match, t.case_sensitive, t.unless)
                                    for t in vocab.terms],
             build=lambda: _check_terms(path, vocab))
    return [Term(vocab.topic, spec, _unless_pattern(spec.unless)) for spec in vocab.terms]


def _check_terms(path: Path, vocab: TopicVocabulary) -> bool:
    """Raise ValueError naming the first term (or `unless` phrase) that cannot be spelled."""
    for index, spec in enumerate(vocab.terms):
        try:
            Term(vocab.topic, spec, None).spellings()
            for phrase in spec.unless:
                _expansions(phrase)
        except (ValueError, re.error) as exc:
            raise ValueError(f"{path.name}: terms[{index}] ({spec.term!r}): {exc}") from None
    return True


def _load_negatives(path: Path) -> Negatives:
    vocab: NegativesVocabulary = _validate(NegativesVocabulary, path, _read_yaml(path))
    for index, spec in enumerate(vocab.negatives):
        try:
            _expansions(spec.phrase)
        except ValueError as exc:
            raise ValueError(f"{path.name}: negatives[{index}] ({spec.phrase!r}): {exc}") from None
    return Negatives(vocab.negatives)


def load_vocabulary(vocabulary_dir: Path) -> tuple[list[Term], Negatives]:
    """Read, validate and compile every vocabulary file; a bad file raises ValueError naming it."""
    expected = {f"{topic.value}.yaml" for topic in Topic} | {NEGATIVES_FILE}
    present = {p.name for p in vocabulary_dir.glob("*.yaml")}
    for name in sorted(present - expected):
        raise ValueError(f"{name}: okänd vokabulärfil (väntade {', '.join(sorted(expected))})")
    for name in sorted(expected - present):
        raise ValueError(f"{name}: vokabulärfilen saknas i {vocabulary_dir}")
    terms: list[Term] = []
    for topic in Topic:
        path = vocabulary_dir / f"{topic.value}.yaml"
        vocab: TopicVocabulary = _validate(TopicVocabulary, path, _read_yaml(path))
        if vocab.topic is not topic:
            raise ValueError(
                f"{path.name}: topic: filen gäller {topic.value}, inte {vocab.topic.value}")
        terms.extend(_compile_terms(path, vocab))
    return terms, _load_negatives(vocabulary_dir / NEGATIVES_FILE)
