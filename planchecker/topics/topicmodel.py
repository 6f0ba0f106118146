"""A small learned topic model beside the vocabulary: one logistic model per topic.

The vocabulary (rules/vocabulary/*.yaml) finds the phrases a säkerhetssamordnare names; on real
plans that is three lines in four. The rest are worded in everyday language ("trygg och säker
kommun", "Extremt snöfall", "Robust kommunikation", "hot/våld"), and whether a word like
"trygghet" or "pandemin" serves a topic depends on the words around it. The model weighs both:

- the vocabulary's own judgment, per topic (a strong or a weak term found) and per term, so a
  term an expert adds to the YAML counts at once through its topic's weight;
- word stems and word beginnings of the folded line (compounds share their first part:
  "trygghetsvandring", "krisledningsövning"), which meet inflections and compounds alike;
- the row kind (a one-word line in an RSA table is a hazard; the same word in prose is not).

Its weights are data (`topic_model.json` beside the vocabulary), written by
`python -m tools.train_topic_model` from the training part of the corpus and the authors' own
labelled lines, byte for byte the same on every run. Scoring is a few dictionary look-ups per word:
deterministic, no dependency, no download.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planchecker.common.model import Topic

MODEL_FILE = "topic_model.json"
FORMAT = 1

# Swedish inflection and derivation endings, longest first; what is left must keep 4 letters.
_SUFFIXES = tuple(sorted((
    "heterna", "heten", "heter", "arnas", "ernas", "ornas", "andet", "arna", "erna", "orna",
    "ande", "ende", "aste", "ades", "ats", "ade", "are", "ast", "het", "ens", "ets", "ers",
    "ars", "ors", "en", "et", "ar", "er", "or", "as", "es", "ad", "at", "a", "e", "s",
), key=len, reverse=True))
_MIN_STEM = 4
_PREFIX = 5
# Tried and left out (issue 13, 2026-12-05, grouped CV of the 1,658 training lines): character
# 4-grams and 4-5-grams within words, and the last 4-6 letters of a stem as a compound's head.
# With the model judging weak-only lines at 0.5 (as shipped then: found 0.841, none right 0.985;
# since then it also judges lines no term matched, see classifier.MODEL_DECIDES_UNMATCHED),
# 4-grams gave 0.846 / 0.983 and 4-5-grams 0.849 / 0.978, the same trade as lowering the
# threshold to 0.3-0.4 without them (0.844-0.849 / 0.978-0.981). Letting the model also judge
# lines no term matched gained 0.008-0.022 found for 0.006-0.029 of the none lines, again the
# curve that thresholds reach without them (0.856 / 0.973). On four other partitions into folds
# 4-grams moved found by 0.001-0.008 at 0.5: never a point. With the first vocabulary
# (a234388: 202 of the 780 topic lines matched no term, standing in for wording no term knows)
# they did no better either: judging unmatched lines at 0.8 found 0.756 / none 0.967 with them,
# 0.736 / 0.977 without.
# Also left out (2026-12-06, grouped CV of the 2,087 training lines at the shipped thresholds):
# training every line a second time without its vocabulary features, so that the words must
# carry a topic alone as on a line no term matched. At equal none right it found what
# MODEL_DECIDES_UNMATCHED finds without it by walking its threshold (present vocabulary: 0.841 /
# 0.976 at 0.60 without, 0.840 / 0.976 at 0.90 with half the lines trained twice; first
# vocabulary: 0.751 / 0.963 against 0.754 / 0.963, 0.723 / 0.972 against 0.724 / 0.972), but for
# one point no neighbour repeated (first vocabulary, none right 0.969: 0.729 without, 0.748 with).
# Features seen in fewer than two or three documents (instead of lines) moved nothing either.
# With the 3,089 training lines of parts A-F (grouped CV, shipped thresholds): word bigrams
# moved found 0.792 -> 0.790 (first vocabulary 0.707 -> 0.704); the words of the nearest heading
# or goal above the line in its document 0.788 -> 0.785, and that heading's topics as judged by the
# vocabulary 0.788 -> 0.792 / 0.796 on two dealings, none right within 0.001. In a plan an
# aktivitet or indikator already inherits its goal's topics whole (classifier.classify_plan),
# which is more than such a feature would add.
#
# Words too common in plans to say anything alone (they still count inside features of others):
# the project's first list, and the Snowball project's Swedish stop words (snowballstem.org,
# BSD licence), folded as the lines are. Without them the model gave weight to "ha", "nu",
# "där" or "mellan" because of the handful of lines they stood in. The Snowball list was
# taken whole, not picked from the weights: in grouped CV (three dealings of the folds) topic
# lines found rose 0.002-0.007 with the first vocabulary, none right within 0.001, and the
# present vocabulary stayed within 0.001 on both.
_STOP = frozenset("""
och att det som en ett den de for med till pa av ar i om har inte kan ska vara eller sa sin sitt
sina vid under efter mot fran alla samt dessa detta denna var vi man nar hur vilka vilket ocksa
""".split()) | frozenset("""
jag hon han sig men hade icke mig du henne da nu hans honom skulle hennes dar min ej kunde nagot
ut upp dem vad over an dig ha allt mycket sedan ju sjalv at utan varit ingen mitt ni bli blev oss
din nagon nagra deras blir mina samma vilken er sadan blivit dess inom mellan sadant varfor varje
ditt vem sitta sadana vart dina vars ert era vilkas
""".split())


_SUFFIX_LENGTHS = tuple(sorted({len(suffix) for suffix in _SUFFIXES}, reverse=True))
_SUFFIX_SET = frozenset(_SUFFIXES)


def stem(word: str) -> str:
    """A light Swedish stem: the longest listed ending cut while four letters remain."""
    for length in _SUFFIX_LENGTHS:
        if len(word) - length >= _MIN_STEM and word[-length:] in _SUFFIX_SET:
            return word[:-length]
    return word


@functools.lru_cache(maxsize=65536)
def _keys(word: str) -> tuple[str, ...]:
    if word in _STOP or len(word) < 2 or word.isdigit():
        return ()
    if len(word) > _PREFIX + 2:
        return ("s:" + stem(word), "p:" + word[:_PREFIX])
    return ("s:" + stem(word),)


def word_features(folded: str) -> dict[str, str]:
    """Features of the words of a folded line, each with the word that gave it (its evidence)."""
    found: dict[str, str] = {}
    for word in folded.split():
        for key in _keys(word):
            found.setdefault(key, word)
    return found


@dataclass(frozen=True)
class VocabularyHits:
    """What the vocabulary found in one line: per topic, its terms and whether one was strong."""

    terms: Mapping[Topic, tuple[str, ...]]
    strong: frozenset[Topic]
    # Each term as a report shows it (vocabulary.shown_term); the features are named by the term.
    shown: Mapping[str, str] = field(default_factory=dict)


def features(folded: str, kind: str | None, hits: VocabularyHits) -> dict[str, str]:
    """Every feature of one line, mapped to the readable evidence it stands for."""
    found = word_features(folded)
    for topic, terms in hits.terms.items():
        level = "v:" if topic in hits.strong else "w:"
        found[level + topic.value] = hits.shown.get(terms[0], terms[0])
        for term in terms:
            found["t:" + term] = hits.shown.get(term, term)
    found["k:" + (kind or "none")] = ""
    return found


@dataclass(frozen=True)
class ModelScore:
    topic: Topic
    score: float
    evidence: tuple[str, ...]  # the words and terms that spoke most for the topic


class TopicModel:
    """Weights per topic and feature, as trained by tools/train_topic_model.py."""

    def __init__(self, bias: Sequence[float], rows: Mapping[str, tuple[tuple[int, float], ...]],
                 evidence_count: int = 3) -> None:
        """`bias` per topic in Topic order; `rows` per feature only its non-zero weights, as
        (topic index, weight): a line's features are a dozen look-ups and a few additions."""
        self._topics = tuple(Topic)
        self._bias = list(bias)
        self._rows = dict(rows)
        self._evidence_count = evidence_count
        # For sure_of_words: bias and row kind per kind, and each word's weights summed.
        self._of_kind: dict[str | None, tuple[float, ...]] = {}
        self._words: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {}
        self._raises: dict[str, float] = {}

    @classmethod
    def of(cls, bias: Mapping[Topic, float], weights: Mapping[str, Mapping[Topic, float]]
           ) -> TopicModel:
        """A model from weights per topic, as the trainer holds them."""
        index = {t: i for i, t in enumerate(Topic)}
        return cls([float(bias.get(t, 0.0)) for t in Topic],
                   {f: tuple((index[t], w) for t, w in by_topic.items() if w)
                    for f, by_topic in weights.items()})

    @classmethod
    def read(cls, path: Path) -> TopicModel:
        """Read a weights file; a broken one raises ValueError naming it."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"okänt format {data.get('format')!r}, väntade {FORMAT}")
            if data["topics"] != [t.value for t in Topic]:
                raise ValueError(f"ämnena {data['topics']!r} är inte {[t.value for t in Topic]!r}")
            count = len(Topic)
            bias = [float(b) for b in data["bias"]]
            rows: dict[str, tuple[tuple[int, float], ...]] = {}
            for feature, row in data["weights"].items():
                if len(row) != count:
                    raise ValueError(f"{feature!r} har {len(row)} vikter, inte {count}")
                rows[feature] = tuple((i, float(w)) for i, w in enumerate(row) if w)
            if len(bias) != count:
                raise ValueError(f"bias har {len(bias)} värden, inte {count}")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
                AttributeError, ValueError) as exc:
            raise ValueError(f"{path.name}: kan inte läsas som ämnesmodell: {exc}") from None
        return cls(bias, rows)

    def score(self, found: Mapping[str, str]) -> list[ModelScore]:
        """A probability per topic, in topic order (no evidence: see `evidence`)."""
        return [ModelScore(topic, _probability(total), ())
                for topic, total in zip(self._topics, self._totals(found), strict=True)]

    def sure(self, found: Mapping[str, str], probability: float) -> list[ModelScore]:
        """The topics whose probability is at least `probability`, with their evidence."""
        # Compared as log-odds: most lines are sure of nothing, and then no exp() is needed.
        threshold = _log_odds(probability)
        return [ModelScore(topic, _probability(total), self.evidence(found, topic))
                for topic, total in zip(self._topics, self._totals(found), strict=True)
                if total >= threshold]

    def sure_of_words(self, folded: str, kind: str | None, probability: float
                      ) -> list[ModelScore]:
        """`sure(features(folded, kind, <no hits>), probability)`, without evidence, for a line
        no term matched, without building its features: a third or more of a plan's lines get
        here, and a bound rules out most of them (nine in ten on the generated XL plan) before
        any sum per topic."""
        threshold = _log_odds(probability)
        base = self._of_kind.get(kind)
        if base is None:
            base = self._of_kind[kind] = tuple(self._totals({"k:" + (kind or "none"): ""}))
        # Local references: a thread that starts the caches anew leaves this call's own intact.
        words, raises = self._words, self._raises
        split = folded.split()
        try:
            raised = sum(map(raises.__getitem__, split))
        except KeyError:
            if len(words) >= _MAX_WORDS:  # a server reading plan after plan
                words, raises = self._words, self._raises = {}, {}
            for word in split:
                if word not in raises:  # written last by _learn
                    self._learn(word, words, raises)
            raised = sum(map(raises.__getitem__, split))
        # No topic's total can pass the best start plus every positive weight of the line.
        if max(base) + raised < threshold:
            return []
        keys: list[str] = []
        vectors: list[tuple[float, ...]] = [base]
        for word in split:
            known = words[word]
            if known[1]:
                keys += known[0]
                vectors.append(known[1])
        if len(set(keys)) == len(keys):
            totals: list[float] = list(map(sum, zip(*vectors)))
        else:  # a word repeated, or two sharing a stem or beginning: each feature counts once
            totals = self._totals({**word_features(folded), "k:" + (kind or "none"): ""})
        return [ModelScore(topic, _probability(total), ())
                for topic, total in zip(self._topics, totals, strict=True) if total >= threshold]

    def _learn(self, word: str, words: dict[str, tuple[tuple[str, ...], tuple[float, ...]]],
               raises: dict[str, float]) -> None:
        """A word's features that have weights, those weights summed per topic (() when it has
        none), and the most it can raise any topic: each feature's largest positive weight."""
        keys = []
        vector = [0.0] * len(self._topics)
        most = 0.0
        for key in _keys(word):
            row = self._rows.get(key)
            if row:
                keys.append(key)
                most += max(0.0, *(weight for _, weight in row))
                for i, weight in row:
                    vector[i] += weight
        words[word] = (tuple(keys), tuple(vector) if keys else ())
        raises[word] = most

    def _totals(self, found: Mapping[str, str]) -> list[float]:
        totals = list(self._bias)
        rows = self._rows
        for feature in found:
            row = rows.get(feature)
            if row:
                for i, weight in row:
                    totals[i] += weight
        return totals

    def evidence(self, found: Mapping[str, str], topic: Topic) -> tuple[str, ...]:
        """The words and terms that raised `topic` most in this line, strongest first."""
        i = self._topics.index(topic)
        parts = []
        for feature, shown in found.items():
            for j, weight in self._rows.get(feature, ()):
                if j == i and weight > 0 and shown:
                    parts.append((weight, shown))
        parts.sort(key=lambda part: (-part[0], part[1]))
        return tuple(dict.fromkeys(shown for _, shown in parts))[: self._evidence_count]

    def weighed(self, found: Mapping[str, str], topic: Topic) -> tuple[tuple[str, float], ...]:
        """The words of this line that raised `topic`, each with the sum of its features' weights
        (a word gives a stem and a beginning), strongest first."""
        i = self._topics.index(topic)
        by_word: dict[str, float] = {}
        for feature, shown in found.items():
            if not shown:
                continue
            for j, weight in self._rows.get(feature, ()):
                if j == i:
                    by_word[shown] = by_word.get(shown, 0.0) + weight
        ranked = sorted(((round(w, 2), shown) for shown, w in by_word.items() if round(w, 2) > 0),
                        key=lambda part: (-part[0], part[1]))
        return tuple((shown, weight) for weight, shown in ranked[: self._evidence_count])


_MAX_WORDS = 65536


@functools.lru_cache(maxsize=64)
def _log_odds(probability: float) -> float:
    return math.log(probability / (1 - probability))


def _probability(total: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, total))))


def dump_weights(bias: Mapping[Topic, float], weights: Mapping[str, Mapping[Topic, float]],
                 about: Mapping[str, object], digits: int = 2, smallest: float = 0.05) -> str:
    """The weights file's text: sorted, rounded, one feature a line, so diffs stay readable.

    A weight under `smallest` is left out: it moves no judgment, and every weight kept is work for
    every line the model reads.
    """
    topics = list(Topic)

    def rounded(value: float) -> float:
        result = round(value, digits)
        return 0.0 if abs(result) < smallest else result

    rows = {feature: [rounded(by_topic.get(t, 0.0)) for t in topics]
            for feature, by_topic in sorted(weights.items())}
    rows = {feature: row for feature, row in rows.items() if any(row)}
    lines = ["{", f'"format": {FORMAT},', f'"about": {json.dumps(dict(about), ensure_ascii=False, sort_keys=True)},',
             f'"topics": {json.dumps([t.value for t in topics])},',
             f'"bias": {json.dumps([rounded(bias[t]) for t in topics])},', '"weights": {']
    entries = [f"{json.dumps(feature, ensure_ascii=False)}: {json.dumps(row)}"
               for feature, row in rows.items()]
    lines.append(",\n".join(entries))
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"
