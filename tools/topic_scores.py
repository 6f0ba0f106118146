"""Print per-topic precision, recall, F1 and support of the topic classifier, and its speed.

Scores both tests/data/topics_labelled.tsv (the set the vocabulary was built against) and
tests/data/topics_heldout.tsv (written after tuning). Both are now also training lines of the topic
model (tools/train_topic_model.py), so their figures are training figures: the held-out measure is
the frozen test split of the real corpus (python -m benchmarks.topics). The timing classifies 30,000 activity texts
with a freshly loaded classifier: once all distinct (nothing cached) and once as a real plan
would repeat them. tests/test_topics.py asserts the thresholds using the same functions.

    .venv/bin/python tools/topic_scores.py [--misses]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tabulate import tabulate  # noqa: E402

from planchecker.common.model import Topic  # noqa: E402
from planchecker.topics.classifier import Classifier, default_vocabulary_dir  # noqa: E402

DATA = ROOT / "tests" / "data"
LABELLED = DATA / "topics_labelled.tsv"
HELDOUT = DATA / "topics_heldout.tsv"
NONE_ROW = "none"


@dataclass(frozen=True)
class Labelled:
    text: str
    topics: frozenset[Topic]


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.support if self.support else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def load_labelled(path: Path) -> list[Labelled]:
    """Rows of `text<TAB>topics`; topics comma-separated codes or `none`. Header line skipped."""
    rows: list[Labelled] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        text, _, codes = line.partition("\t")
        if not text.strip() or not codes.strip():
            raise ValueError(f"{path.name}:{number}: väntade 'text<TAB>ämnen'")
        names = [] if codes.strip() == NONE_ROW else [c.strip() for c in codes.split(",")]
        unknown = [name for name in names if name not in Topic.__members__]
        if unknown:
            raise ValueError(f"{path.name}:{number}: okänt ämne {', '.join(unknown)}")
        rows.append(Labelled(text, frozenset(Topic(name) for name in names)))
    return rows


def score(classifier: Classifier, rows: Sequence[Labelled]) -> dict[str, Scores]:
    """Per-topic counts, plus a `none` row for lines whose gold and predicted sets are empty."""
    table = {topic.value: Scores() for topic in Topic} | {NONE_ROW: Scores()}
    for row in rows:
        predicted = set(classifier.classify(row.text).topics)
        for topic in Topic:
            counts = table[topic.value]
            counts.tp += topic in predicted and topic in row.topics
            counts.fp += topic in predicted and topic not in row.topics
            counts.fn += topic not in predicted and topic in row.topics
        none = table[NONE_ROW]
        none.tp += not predicted and not row.topics
        none.fp += not predicted and bool(row.topics)
        none.fn += bool(predicted) and not row.topics
    return table


def micro(table: dict[str, Scores]) -> Scores:
    topics = [table[topic.value] for topic in Topic]
    return Scores(sum(s.tp for s in topics), sum(s.fp for s in topics), sum(s.fn for s in topics))


def render(table: dict[str, Scores]) -> str:
    rows = [[name, s.precision, s.recall, s.f1, s.support, s.fp, s.fn]
            for name, s in [*table.items(), ("micro (7 ämnen)", micro(table))]]
    headers = ["ämne", "precision", "recall", "F1", "support", "fp", "fn"]
    return str(tabulate(rows, headers=headers, tablefmt="github", floatfmt=".3f"))


def misses(classifier: Classifier, rows: Sequence[Labelled]) -> list[str]:
    lines = []
    for row in rows:
        result = classifier.classify(row.text)
        if set(result.topics) != row.topics:
            gold = ",".join(sorted(t.value for t in row.topics)) or NONE_ROW
            got = ",".join(t.value for t in result.topics) or NONE_ROW
            lines.append(f"  {gold} -> {got}: {row.text}  {list(result.evidence)}")
    return lines


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds; the CPU figure is the steadier one on a shared machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def timing(texts: Sequence[str], count: int = 30_000) -> list[list[str]]:
    """Seconds to classify `count` activity texts with a fresh classifier, distinct and repeated."""
    distinct = [f"{texts[i % len(texts)]} (aktivitet {i})" for i in range(count)]
    repeated = [texts[i % len(texts)] for i in range(count)]
    rows = []
    for label, batch in (("30 000 olika texter (ingen cache)", distinct),
                         (f"30 000 texter, {len(texts)} olika (cache)", repeated)):
        classifier = Classifier.load(default_vocabulary_dir())
        wall, cpu = _timed(lambda: [classifier.classify(t, "activity") for t in batch])  # noqa: B023
        rows.append([label, f"{wall:.3f}", f"{cpu:.3f}", f"{1e6 * cpu / count:.1f}"])
    return rows


def main(argv: Sequence[str]) -> int:
    load_wall, _ = _timed(lambda: Classifier.load(default_vocabulary_dir()))
    classifier = Classifier.load(default_vocabulary_dir())
    all_texts: list[str] = []
    for path in (LABELLED, HELDOUT):
        if not path.exists():
            print(f"{path.name}: saknas\n")
            continue
        rows = load_labelled(path)
        all_texts += [row.text for row in rows]
        negatives = sum(not row.topics for row in rows)
        print(f"{path.name}: {len(rows)} rader, varav {negatives} utan ämne\n")
        print(render(score(classifier, rows)) + "\n")
        if "--misses" in argv:
            print("\n".join(misses(classifier, rows)) + "\n")
    print(f"Laddning av vokabulären: {load_wall:.3f} s\n")
    headers = ["körning", "vägg (s)", "CPU (s)", "µs CPU per text"]
    print(tabulate(timing(all_texts), headers=headers, tablefmt="github"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
