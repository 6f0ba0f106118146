"""`python -m benchmarks.topics`: how well topics are judged on the real corpus, test and train.

Prints, for the frozen test split and for the training part (tests/data/topics_corpus/):
- precision, recall and F1 per topic against the gold label, and macro-F1 over the seven topics;
- lenient share right: a predicted topic counts if either reader gave it, and "none" is right if
  either reader said none;
- the share of topic lines where a gold topic was found, and of none lines left as none;
- on plans assembled from the split's lines with known gaps: F1 of the "saknar mål/aktivitet inom
  fokusområdet" findings, against the same plans with every line tagged with its gold topics, and
  how many false "saknar" findings there were; of those, how many a line that both readers gave
  the area's topic contradicts (the issue's "a test-split line clearly serves the area").

    python -m benchmarks.topics [--misses] [--agreement] [--plans N] [--part D]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tabulate import tabulate

from benchmarks.topic_corpus import Line, format_label, load_documents, load_lines
from planchecker.checking.pipeline import Checker
from planchecker.common.model import Activity, Goal, Namnd, NamndType, Plan, Topic
from planchecker.topics.classifier import (
    NONE,
    Classification,
    Classifier,
    TopicScore,
    default_vocabulary_dir,
)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    # Of the false "saknar" findings, those where the plan has a line that both readers, each on
    # their own, gave the area's topic: the "a line clearly serves the area".
    fp_clear: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class LineScores:
    lines: int
    per_topic: dict[Topic, Counts]
    lenient: float
    topic_found: float
    none_right: float
    misses: tuple[str, ...]

    @property
    def macro_f1(self) -> float:
        scored = [c for c in self.per_topic.values() if c.tp + c.fn]
        return sum(c.f1 for c in scored) / len(scored) if scored else 1.0


def predict(classifier: Classifier, line: Line) -> frozenset[Topic]:
    return frozenset(classifier.classify(line.text, line.classifier_kind).topics)  # type: ignore[arg-type]


def lenient_right(predicted: frozenset[Topic], line: Line) -> bool:
    readers = [line.label_a] + ([line.label_b] if line.label_b is not None else [])
    if not predicted:
        return any(not label for label in readers)
    either = frozenset().union(*readers)
    return predicted <= either


def score_lines(classifier: Classifier, lines: Sequence[Line]) -> LineScores:
    per_topic = {topic: Counts() for topic in Topic}
    lenient = found = with_topic = none_right = without = 0
    misses: list[str] = []
    for line in lines:
        predicted, gold = predict(classifier, line), line.gold
        for topic in Topic:
            counts = per_topic[topic]
            counts.tp += topic in predicted and topic in gold
            counts.fp += topic in predicted and topic not in gold
            counts.fn += topic not in predicted and topic in gold
        lenient += lenient_right(predicted, line)
        if gold:
            with_topic += 1
            found += bool(predicted & gold)
        else:
            without += 1
            none_right += not predicted
        if predicted != gold:
            misses.append(f"  {line.line_id} [{line.row_kind}] {format_label(gold)} -> "
                          f"{format_label(predicted)}: {line.text}")
    return LineScores(
        lines=len(lines),
        per_topic=per_topic,
        lenient=lenient / len(lines) if lines else 1.0,
        topic_found=found / with_topic if with_topic else 1.0,
        none_right=none_right / without if without else 1.0,
        misses=tuple(misses),
    )


class _Untagged(Classifier):
    """Infers nothing: the oracle plans' topics come only from their Fokusområde tags."""

    def __init__(self) -> None:  # noqa: D107 - no vocabulary needed
        pass

    def classify(self, text: str, kind: object = None) -> Classification:
        return NONE

    def classify_many(self, texts: Sequence[str], kinds: Sequence[object]
                      ) -> list[Classification]:
        return [NONE] * len(texts)

    def leaning(self, text: str, kind: object = None) -> tuple[TopicScore, ...]:
        return ()


GOAL_KINDS = ("mal", "rubrik")
ACTIVITY_KINDS = ("aktivitet", "text")


def assemble_plans(lines: Sequence[Line], count: int, seed: int = 2027, clearly: bool = False
                   ) -> list[tuple[Plan, Plan]]:
    """Pairs (as written, oracle) of plans drawn from `lines`, each with some topics left out.

    Every plan leaves out each topic with probability 0.4, so its gaps are known by construction;
    the oracle twin carries each line's gold topics in the Fokusområde column, or with `clearly`
    only the topics both readers gave the line (the same plans: the draw depends on the seed and
    the gold labels alone).
    """
    rng = random.Random(seed)
    pairs: list[tuple[Plan, Plan]] = []
    for number in range(count):
        left_out = {topic for topic in Topic if rng.random() < 0.4}
        pool = [line for line in lines if not line.gold & left_out]
        goals = rng.sample([ln for ln in pool if ln.row_kind in GOAL_KINDS],
                           k=min(6, sum(ln.row_kind in GOAL_KINDS for ln in pool)))
        acts = rng.sample([ln for ln in pool if ln.row_kind in ACTIVITY_KINDS],
                          k=min(10, sum(ln.row_kind in ACTIVITY_KINDS for ln in pool)))
        namnd = Namnd(name=f"Provnämnd {number + 1}", type=NamndType.stadsdelsnamnd, year=2021)

        def plan(tagged: bool) -> Plan:
            def topics(line: Line) -> list[Topic]:
                if not tagged:
                    return []
                return sorted(line.label_a & (line.label_b or frozenset()) if clearly else line.gold)

            return Plan(
                namnd=namnd,  # noqa: B023 - used at once
                goals=[Goal(id=f"M{i + 1}", text=ln.text, topics=topics(ln))
                       for i, ln in enumerate(goals)],  # noqa: B023
                activities=[Activity(id=f"A{i + 1}", text=ln.text, topics=topics(ln))
                            for i, ln in enumerate(acts)],  # noqa: B023
            )

        pairs.append((plan(tagged=False), plan(tagged=True)))
    return pairs


def _missing(checker: Checker, plan: Plan, number: int) -> set[tuple[int, str]]:
    report = checker.check(plan, f"plan-{number}.json")
    area_rules = {r.rule_id for r in report.requirements if r.check == "item_for_area"
                  and r.item in ("goal", "activity")}
    return {(number, f.rule_id) for f in report.findings if f.rule_id in area_rules}


def score_plans(checker: Checker, oracle: Checker, pairs: Sequence[tuple[Plan, Plan]],
                clearly_tagged: Sequence[Plan] = ()) -> Counts:
    """Counts of "saknar mål/aktivitet" findings against the oracle twins; with `clearly_tagged`
    (the same plans tagged only with the topics both readers gave, `assemble_plans(clearly=True)`)
    also the false ones that a line clearly serving the area contradicts."""
    counts = Counts()
    for number, (written, tagged) in enumerate(pairs):
        got, expected = _missing(checker, written, number), _missing(oracle, tagged, number)
        counts.tp += len(got & expected)
        counts.fp += len(got - expected)
        counts.fn += len(expected - got)
        if clearly_tagged:
            counts.fp_clear += len(got - _missing(oracle, clearly_tagged[number], number))
    return counts


def kappa(pairs: Sequence[tuple[object, object]]) -> float:
    """Cohen's kappa of two readers' categorical judgments."""
    if not pairs:
        return 1.0
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def agreement_table(lines: Sequence[Line]) -> tuple[list[list[object]], int]:
    both = [line for line in lines if line.label_b is not None]
    rows: list[list[object]] = []
    for topic in Topic:
        judged = [(topic in ln.label_a, topic in ln.label_b) for ln in both]  # type: ignore[operator]
        rows.append([topic.value, sum(a for a, _ in judged), sum(b for _, b in judged),
                     sum(a and b for a, b in judged), f"{kappa(judged):.3f}"])
    any_topic = [(bool(ln.label_a), bool(ln.label_b)) for ln in both]
    rows.append(["något ämne / inget", sum(a for a, _ in any_topic), sum(b for _, b in any_topic),
                 sum(a and b for a, b in any_topic), f"{kappa(any_topic):.3f}"])
    sets = [(format_label(ln.label_a), format_label(ln.label_b or frozenset())) for ln in both]
    rows.append(["hela etiketten", "", "", sum(a == b for a, b in sets), f"{kappa(sets):.3f}"])
    return rows, len(both)


def _print_scores(name: str, scores: LineScores, show_misses: bool) -> None:
    print(f"== {name}: {scores.lines} rader")
    table = [[t.value, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", c.tp + c.fn, c.fp, c.fn]
             for t, c in scores.per_topic.items()]
    print(tabulate(table, headers=["ämne", "precision", "recall", "F1", "stöd", "fp", "fn"],
                   tablefmt="github"))
    print(f"macro-F1 {scores.macro_f1:.3f} · lenient rätt {scores.lenient:.3f} · "
          f"rader med ämne funna {scores.topic_found:.3f} · rader utan ämne rätt {scores.none_right:.3f}")
    if show_misses:
        print("\n".join(scores.misses))
    print()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.topics", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true", help="visa varje rad i träningsdelen som bedöms fel (testdelens rader visas aldrig)")
    parser.add_argument("--agreement", action="store_true", help="visa överensstämmelsen mellan läsarna")
    parser.add_argument("--plans", type=int, default=200, help="antal sammansatta planer (0 = inga)")
    parser.add_argument("--part", metavar="BOKSTÄVER",
                        help="bara korpusens delar med dessa bokstäver, till exempel D (en del som "
                             "lades till sist har ingen sett när klassificeraren justerades)")
    args = parser.parse_args(argv)

    lines = load_lines()
    documents = load_documents()
    if args.part:
        parts = set(args.part.upper())
        lines = [line for line in lines if line.doc_id[:1] in parts]
        documents = {k: d for k, d in documents.items() if k[:1] in parts}
    if not lines:
        print("Korpusen är tom.")
        return 1
    if any(not line.split for line in lines):
        print("Uppdelningen är inte frusen: kör write_split() i benchmarks/topic_corpus.py först.")
        return 1
    test = [ln for ln in lines if ln.split == "test"]
    train = [ln for ln in lines if ln.split == "train"]
    test_docs = {ln.doc_id for ln in test}
    print(f"Korpus: {len(lines)} rader ur {len(documents)} dokument; test {len(test)} rader ur "
          f"{len(test_docs)} dokument, träning {len(train)} rader. "
          f"Utan ämne: {sum(not ln.gold for ln in lines) / len(lines):.1%}.\n")
    if args.agreement:
        rows, judged = agreement_table(lines)
        print(f"== Överensstämmelse mellan läsare A och B ({judged} rader)")
        print(tabulate(rows, headers=["ämne", "A", "B", "båda", "Cohens kappa"], tablefmt="github"))
        print()

    classifier = Classifier.load(default_vocabulary_dir())
    # The test split's lines are never printed: whoever tunes must not read them.
    _print_scores("Testdelen (frusen)", score_lines(classifier, test), show_misses=False)
    _print_scores("Träningsdelen", score_lines(classifier, train), args.misses)

    if args.plans:
        checker, oracle = Checker(classifier=classifier), Checker(classifier=_Untagged())
        for name, part in (("test", test), ("träning", train)):
            clearly = [tagged for _, tagged in assemble_plans(part, args.plans, clearly=True)]
            counts = score_plans(checker, oracle, assemble_plans(part, args.plans), clearly)
            print(f"Sammansatta planer ({name}, {args.plans} st): 'saknar mål/aktivitet' "
                  f"precision {counts.precision:.3f} recall {counts.recall:.3f} F1 {counts.f1:.3f}; "
                  f"falska 'saknar' {counts.fp} (där båda läsarna gav en rad i planen området: "
                  f"{counts.fp_clear}), missade {counts.fn} (av {counts.tp + counts.fn} verkliga luckor)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
