"""Train the topic model's weights (rules/vocabulary/topic_model.json) from labelled lines.

    .venv/bin/python -m tools.train_topic_model [--check]

Trains on the training part of the real corpus (tests/data/topics_corpus/, never its frozen test
split) and on the lines the authors labelled (tests/data/topics_labelled.tsv, topics_heldout.tsv).
One logistic model per topic, by stochastic gradient descent in a fixed order with a fixed number
of passes: the same data and vocabulary give the same file byte for byte. Run it again after
editing the vocabulary; `--check` only says whether the shipped file is up to date (exit 1 if not).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.topic_corpus import load_lines  # noqa: E402
from planchecker.common.model import Topic  # noqa: E402
from planchecker.topics.classifier import VocabularyScorer, default_vocabulary_dir, model_features  # noqa: E402
from planchecker.topics.topicmodel import MODEL_FILE, dump_weights  # noqa: E402
from planchecker.topics.vocabulary import Kind, load_vocabulary  # noqa: E402

DATA = ROOT / "tests" / "data"
AUTHORS = (DATA / "topics_labelled.tsv", DATA / "topics_heldout.tsv")
PASSES = 30
RATE = 0.2
L2 = 3e-4
# Features seen in fewer lines than this are left out: they would only memorise a line.
MIN_LINES = 3


@dataclass(frozen=True)
class Example:
    text: str
    kind: Kind | None
    topics: frozenset[Topic]


def examples() -> list[Example]:
    rows = [Example(line.text, line.classifier_kind, line.gold)  # type: ignore[arg-type]
            for line in load_lines() if line.split == "train"]
    for path in AUTHORS:
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            text, _, codes = line.partition("\t")
            labels = frozenset() if codes.strip() == "none" else frozenset(
                Topic(code.strip()) for code in codes.split(","))
            rows.append(Example(text, None, labels))
    return rows


def line_features(vocabulary: VocabularyScorer, text: str, kind: Kind | None) -> list[str]:
    """The features ModelScorer sees for this line (see planchecker.topics.classifier.model_features)."""
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    cleaned, hits, _ = vocabulary.judged(normalised, kind)
    return sorted(model_features(cleaned, kind, hits))


def train(vocabulary: VocabularyScorer, rows: Sequence[Example]
          ) -> tuple[dict[Topic, float], dict[str, dict[Topic, float]]]:
    encoded = [(line_features(vocabulary, row.text, row.kind), row.topics) for row in rows]
    seen: dict[str, int] = {}
    for found, _ in encoded:
        for feature in found:
            seen[feature] = seen.get(feature, 0) + 1
    # Vocabulary features are kept however rare: an expert's term counts from its first line.
    kept = {f for f, n in seen.items() if n >= MIN_LINES or f[:2] in ("v:", "w:", "t:", "k:")}
    data = [([f for f in found if f in kept], topics) for found, topics in encoded]
    topics = list(Topic)
    bias = {t: 0.0 for t in topics}
    weights: dict[str, dict[Topic, float]] = {f: {t: 0.0 for t in topics} for f in sorted(kept)}
    # A fixed order that mixes the sources: by a hash of the text, not by chance.
    order = sorted(range(len(data)), key=lambda i: hashlib.sha256(
        f"{i}:{rows[i].text}".encode()).hexdigest())
    for step in range(PASSES):
        rate = RATE / (1 + step)
        for index in order:
            found, gold = data[index]
            for topic in topics:
                total = bias[topic] + sum(weights[f][topic] for f in found)
                error = 1 / (1 + math.exp(-max(-30.0, min(30.0, total)))) - (topic in gold)
                bias[topic] -= rate * error
                for f in found:
                    w = weights[f]
                    w[topic] -= rate * (error + L2 * w[topic])
    return bias, weights


def build() -> str:
    vocabulary_dir = default_vocabulary_dir()
    vocabulary = VocabularyScorer(*load_vocabulary(vocabulary_dir))
    rows = examples()
    bias, weights = train(vocabulary, rows)
    fingerprint = hashlib.sha256(b"".join(
        p.read_bytes() for p in sorted(vocabulary_dir.glob("*.yaml")))).hexdigest()[:16]
    about = {"lines": len(rows), "passes": PASSES, "rate": RATE, "l2": L2,
             "vocabulary": fingerprint, "trainer": "tools/train_topic_model.py"}
    return dump_weights(bias, weights, about)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.train_topic_model", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="skriv inget, avsluta med 1 om den levererade filen inte stämmer")
    args = parser.parse_args(argv)
    target = default_vocabulary_dir() / MODEL_FILE
    text = build()
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target.name} stämmer inte med träningsdata och vokabulär: kör "
                  "python -m tools.train_topic_model")
            return 1
        print(f"{target.name} är aktuell.")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"Skrev {target} ({text.count(chr(10))} rader).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
