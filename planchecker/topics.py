"""Topic classification of plan items: tagged (Fokusområde cell), inferred from the item's own text
with the vocabulary (planchecker/vocabulary.py, rules/vocabulary/*.yaml), or inherited from its mål.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from planchecker import regexcache
from planchecker.model import Plan, Topic
from planchecker.topicmodel import MODEL_FILE, TopicModel, VocabularyHits, features
from planchecker.vocabulary import KINDS, Kind, Negatives, Scanner, Term, fold_text, load_vocabulary

_TOPIC_ORDER = {topic: index for index, topic in enumerate(Topic)}
# Measured by cross-validation over the corpus training part's documents: at 0.7 the model adds
# a tenth more topic lines found without one more none line judged wrong.
MODEL_DECIDES = 0.7


@dataclass(frozen=True)
class Classification:
    """The topics a line serves and the vocabulary terms that showed it."""

    topics: tuple[Topic, ...]
    evidence: tuple[str, ...]


NONE = Classification((), ())


class Classifier:
    """Topic inference from the vocabulary; one instance serves any number of plans."""

    def __init__(self, terms: Sequence[Term], negatives: Negatives,
                 model: TopicModel | None = None) -> None:
        self._negatives = negatives
        self._model = model
        # Terms limited to some row kinds get small scanners of their own, run beside the general
        # one.
        self._general = Scanner.build([t for t in terms if not t.spec.kinds])
        self._extra = {
            kind: Scanner.build(limited)
            for kind in KINDS
            if (limited := [t for t in terms if t.spec.kinds and kind in t.spec.kinds])
        }
        # Plans repeat texts (one activity text under many goals), so results are cached per
        # distinct normalised text and row kind.
        self._cached = functools.lru_cache(maxsize=131072)(self._classify)

    @classmethod
    def load(cls, vocabulary_dir: Path) -> Classifier:
        """Read and validate every vocabulary file; a bad file raises ValueError naming it."""
        weights = vocabulary_dir / MODEL_FILE
        model = TopicModel.read(weights) if weights.exists() else None
        classifier = cls(*load_vocabulary(vocabulary_dir), model)
        regexcache.default().save()  # the next process reads the scanners instead of compiling
        return classifier

    def classify(self, text: str, kind: Kind | None = None) -> Classification:
        """Topics served by one line; `kind` adds the terms limited to that row kind."""
        normalised = " ".join(unicodedata.normalize("NFC", text).split())
        return self._cached(normalised, kind) if normalised else NONE

    def _classify(self, raw: str, kind: Kind | None) -> Classification:
        cleaned = self._negatives.cut(fold_text(raw))
        hits = self._hits(raw, cleaned, kind)
        if self._model is not None and hits:
            return self._judge(raw, cleaned, kind, hits)
        strong = {term.topic for term in hits if term.strong}
        if not strong:
            return NONE
        topics = tuple(sorted(strong, key=_TOPIC_ORDER.__getitem__))
        evidence = tuple(sorted({t.spec.term for t in hits if t.topic in strong}))
        return Classification(topics, evidence)


    def line_features(self, text: str, kind: Kind | None) -> dict[str, str]:
        """The model's features of one line (see planchecker.topicmodel), with their evidence."""
        normalised = " ".join(unicodedata.normalize("NFC", text).split())
        cleaned = self._negatives.cut(fold_text(normalised))
        return self._features(cleaned, kind, self._hits(normalised, cleaned, kind))

    def _hits(self, raw: str, cleaned: str, kind: Kind | None) -> list[Term]:
        hits = self._general.hits(raw, cleaned)
        if kind in self._extra:
            hits += self._extra[kind].hits(raw, cleaned)
        return hits

    @staticmethod
    def _features(cleaned: str, kind: Kind | None, hits: Sequence[Term]) -> dict[str, str]:
        terms: dict[Topic, set[str]] = {}
        for term in hits:
            terms.setdefault(term.topic, set()).add(term.spec.term)
        found = VocabularyHits({t: tuple(sorted(v)) for t, v in terms.items()},
                               frozenset(term.topic for term in hits if term.strong))
        return features(cleaned, kind, found)

    def _judge(self, raw: str, cleaned: str, kind: Kind | None, hits: Sequence[Term]
               ) -> Classification:
        # A strong term decides its topic. A line with weak terms only (trygghet, beredskap,
        # lägesbild, polis, tillbud ...) is weighed by the model, word by word, and a topic it is
        # sure of (MODEL_DECIDES) is decided with the words that weighed most as evidence.
        # Measured by cross-validation: every gain of running the model on all lines came from
        # these lines, and they are few, so the model costs almost nothing on a large plan.
        assert self._model is not None
        strong = {term.topic for term in hits if term.strong}
        if strong:
            topics = tuple(sorted(strong, key=_TOPIC_ORDER.__getitem__))
            return Classification(topics, tuple(sorted({t.spec.term for t in hits
                                                        if t.topic in strong})))
        found = self._features(cleaned, kind, hits)
        decided = [s.topic for s in self._model.score(found) if s.score >= MODEL_DECIDES]
        if not decided:
            return NONE
        shown = _as_written(raw)
        evidence = {shown.get(e, e) for topic in decided for e in self._model.evidence(found, topic)}
        return Classification(tuple(decided), tuple(sorted(evidence)))


def _as_written(raw: str) -> dict[str, str]:
    """Folded words mapped to the words of the line as written, for evidence a reader knows."""
    written: dict[str, str] = {}
    for token in raw.split():
        for word in fold_text(token).split():
            written.setdefault(word, token.strip(".,:;!?()[]\"'”“"))
    return written


@dataclass(frozen=True)
class ItemTopics:
    """The topics of one plan item and how they were decided."""

    kind: str  # "goal" | "indicator" | "activity" | "risk"
    id: str
    topics: tuple[Topic, ...]
    source: str  # "tagged" | "inferred" | "inherited" | "none"
    evidence: tuple[str, ...]


def _decide(
    kind: Kind, item_id: str, tagged: Iterable[Topic], classifier: Classifier, text: str,
    inherited: tuple[Topic, ...] = (),
) -> ItemTopics:
    # Tagged and inherited topics carry no evidence: the plan, or the goal's row, says why. A
    # tagged item's text is not classified at all (a fifth of a generated plan's aktiviteter).
    tags = tuple(sorted(set(tagged), key=_TOPIC_ORDER.__getitem__))
    if tags:
        return ItemTopics(kind, item_id, tags, "tagged", ())
    inferred = classifier.classify(text, kind)
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
    goals = [_decide("goal", g.id, g.topics, classifier, g.text) for g in plan.goals]
    of_goal = {item.id: item.topics for item in goals}
    indicators = [
        _decide("indicator", i.id, (), classifier, i.text, of_goal.get(i.goal_id or "", ()))
        for i in plan.indicators
    ]
    activities = [
        _decide("activity", a.id, a.topics, classifier, a.text, of_goal.get(a.goal_id or "", ()))
        for a in plan.activities
    ]
    risks = [
        # The cells are joined with a cut mark so that no phrase is read across two of them.
        _decide("risk", r.id, (), classifier,
                " # ".join(part for part in (r.text, r.function, r.measure) if part))
        for r in plan.risks
    ]
    return goals + indicators + activities + risks


def default_vocabulary_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "rules" / "vocabulary"
