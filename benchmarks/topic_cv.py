"""`python -m benchmarks.topic_cv`: grouped cross-validation on the training part of the corpus.

Decisions about the classifier (features, the model's threshold, vocabulary additions) are taken
on these figures, never on the frozen test split. The training part's documents are dealt into
`--folds` groups by a hash of their id (a document's lines stay together, as they would on a plan
no one here has seen); for each group the model is trained on the other groups and the authors'
own lines, written and read back as the shipped weights are, and judges the group's lines. The
figures pool the held-out lines of every group, for each model threshold given with `--decides`
and for the vocabulary alone. With `--unmatched`, each judge gets a second row over only the
held-out lines where no vocabulary term matched (none found, none cancelled): the lines the
shipped classifier leaves without a topic whatever their words, so that their "topic lines
found" is how much of them a judge reaches.

With `--unmatched-decides`, each model threshold is also tried with the model judging the lines
no term matched, at each probability given ("ingen" for not at all; the default is "ingen" and
the shipped classifier.MODEL_DECIDES_UNMATCHED).

With `--hints`, the table is of the near misses instead: for each probability given, the model
names a topic a held-out line no term matched came near to from that probability up to the one at
which it decides (classifier.MODEL_DECIDES_UNMATCHED). Counted over the held-out lines: such hints,
how many name a topic the line serves (its gold label), how many topic lines the classifier missed
are hinted at their own topic (the "saknar" findings a hint lets the nämnd correct), and how many
lines without a topic get a hint (a candidate named for nothing).

With `--ranked`, the table is of the item named as closest beside a "saknar mål/aktivitet"
finding (classifier.RANKED_NEAR): plans are assembled from each group's held-out lines as in
`python -m benchmarks.topics`, checked with the model trained on the other groups, and for each
probability given it counts the false "saknar" findings (the area has a line serving it) that name
an item serving the area, and the true ones that name any item, against the same plans without
the closest item ("ingen").

With `--curve`, the table is a learning curve: for each share given, every group is judged by a
model trained on only that share of the other groups' documents (the same documents at every
share, chosen by a hash of their id, so a larger share adds documents to a smaller one). A curve
that has flattened says that more lines of the kind the corpus holds will not move the figures.

`--vocabulary DIR` or `--vocabulary-at COMMIT` trains and judges with another vocabulary (the
files of rules/vocabulary/ at that commit, read with git). The first vocabulary (a234388) stands in
for wording no term knows: the present one was written from these very training lines, so in CV
almost every topic line matches a term, while on unseen text many do not.

    python -m benchmarks.topic_cv [--folds 5] [--decides 0.5,0.6,0.7] [--unmatched]
        [--unmatched-decides ingen,0.7,0.8,0.9] [--vocabulary DIR | --vocabulary-at COMMIT]
        [--partition N] [--hints ingen,0.4,0.5,0.6] [--ranked ingen,0.1,0.2,0.3]
        [--curve 0.25,0.5,0.75,1]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tabulate import tabulate

from benchmarks.topic_corpus import Line, load_lines
from benchmarks.topics import score_lines
from planchecker.topics.classifier import (
    MODEL_ALONE,
    MODEL_DECIDES,
    MODEL_DECIDES_UNMATCHED,
    MODEL_NEAR_UNMATCHED,
    RANKED_NEAR,
    Classifier,
    ModelScorer,
    VocabularyScorer,
    default_vocabulary_dir,
)
from planchecker.topics.topicmodel import TopicModel, dump_weights
from planchecker.topics.vocabulary import load_vocabulary
from tools.train_topic_model import Example, examples, train


def fold_of(doc_id: str, folds: int, partition: int = 0) -> int:
    """The fold of a document; `partition` 0 is the one every earlier decision was taken on, others
    deal the documents anew (to see whether a difference survives another dealing)."""
    key = doc_id if partition == 0 else f"{partition}:{doc_id}"
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % folds


def _model(vocabulary: VocabularyScorer, rows: Sequence[Example]) -> TopicModel:
    bias, weights = train(vocabulary, rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.json"
        path.write_text(dump_weights(bias, weights, {}), encoding="utf-8")
        return TopicModel.read(path)


def in_share(doc_id: str, share: float) -> bool:
    """Whether a training document is among the first `share` of them (for --curve); the order is
    a hash of its id, so the documents of a smaller share are always among those of a larger."""
    digest = hashlib.sha256(f"curve:{doc_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") < share * 2**64


def _trains(doc_id: str, fold: int, folds: int, partition: int, share: float) -> bool:
    """Whether a training document trains the model that judges group `fold`."""
    return fold_of(doc_id, folds, partition) != fold and (share >= 1 or in_share(doc_id, share))


def _held_out(vocabulary: VocabularyScorer, folds: int, partition: int, share: float = 1.0
              ) -> Iterator[tuple[TopicModel, list[Line]]]:
    """For each group of training documents: the model trained on the other groups (only their
    documents `in_share`) and the authors' own lines (which always train), and the group's
    held-out lines."""
    training = [line for line in load_lines() if line.split == "train"]
    authors = examples()[len(training):]
    for fold in range(folds):
        train_rows = [Example(line.text, line.classifier_kind, line.gold)  # type: ignore[arg-type]
                      for line in training if _trains(line.doc_id, fold, folds, partition, share)]
        yield (_model(vocabulary, [*train_rows, *authors]),
               [line for line in training if fold_of(line.doc_id, folds, partition) == fold])


def _probabilities(text: str) -> list[float | None]:
    """A comma-separated list of probabilities, "ingen" for none."""
    return [None if value.strip() == "ingen" else float(value) for value in text.split(",")]


def unmatched(vocabulary: VocabularyScorer, line: Line) -> bool:
    """No vocabulary term matched the line, none found and none cancelled by its context."""
    text = " ".join(unicodedata.normalize("NFC", line.text).split())
    _, hits, cancelled = vocabulary.judged(text, line.classifier_kind)  # type: ignore[arg-type]
    return not hits and not cancelled


@contextmanager
def vocabulary_at(commit: str) -> Iterator[Path]:
    """A temporary directory holding rules/vocabulary/*.yaml as they were at `commit`."""
    root = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                              text=True).stdout

    with tempfile.TemporaryDirectory() as folder:
        for name in git("ls-tree", "--name-only", f"{commit}:rules/vocabulary").split():
            if name.endswith(".yaml"):
                (Path(folder) / name).write_text(
                    git("show", f"{commit}:rules/vocabulary/{name}"), encoding="utf-8")
        yield Path(folder)


def _name(weak: float, unmatched_at: float | None) -> str:
    name = f"model {weak:.2f}"
    return name if unmatched_at is None else f"{name}, ensam {unmatched_at:.2f}"


def cross_validate(folds: int, thresholds: Sequence[float], only_unmatched: bool = False,
                   unmatched_thresholds: Sequence[float | None] = (None,),
                   vocabulary_dir: Path | None = None, partition: int = 0
                   ) -> list[list[object]]:
    """Rows of (name, lines, lenient, macro-F1, topic lines found, none lines right); with
    `only_unmatched` a second row per judge over the lines no vocabulary term matched. Each model
    threshold is tried with each of `unmatched_thresholds` (None: no judgment of those lines)."""
    vocabulary = VocabularyScorer(*load_vocabulary(vocabulary_dir or default_vocabulary_dir()))
    judges = [(t, u) for t in thresholds for u in unmatched_thresholds]
    names = ["vocabulary", *(_name(t, u) for t, u in judges)]
    pooled: dict[str, list[tuple[Classifier, Line]]] = {name: [] for name in names}
    for model, out in _held_out(vocabulary, folds, partition):
        pooled["vocabulary"] += [(Classifier(vocabulary), line) for line in out]
        for t, u in judges:
            scorer = Classifier(ModelScorer(vocabulary, model, t, u))
            pooled[_name(t, u)] += [(scorer, line) for line in out]
    rows: list[list[object]] = []
    for name, pairs in pooled.items():
        parts = [(name, pairs)]
        if only_unmatched:
            parts.append((f"{name}, ingen term",
                          [(c, line) for c, line in pairs if unmatched(vocabulary, line)]))
        for label, part in parts:
            scores = _pooled_scores(part)
            rows.append([label, scores.lines, f"{scores.lenient:.3f}", f"{scores.macro_f1:.3f}",
                         f"{scores.topic_found:.3f}", f"{scores.none_right:.3f}"])
    return rows


def hint_rows(folds: int, nears: Sequence[float | None], vocabulary_dir: Path | None = None,
              partition: int = 0) -> list[list[object]]:
    """Rows of (near probability, hints, hints right, share right, missed topic lines hinted at
    their topic, of missed topic lines, lines without a topic hinted) over the held-out lines,
    the model deciding as shipped (MODEL_DECIDES beside weak terms, MODEL_DECIDES_UNMATCHED
    alone)."""
    vocabulary = VocabularyScorer(*load_vocabulary(vocabulary_dir or default_vocabulary_dir()))
    counts = {near: [0, 0, 0, 0, 0] for near in nears}  # hints, right, missed hinted, missed, none
    for model, out in _held_out(vocabulary, folds, partition):
        for near in nears:
            classifier = Classifier(ModelScorer(vocabulary, model, MODEL_DECIDES,
                                                MODEL_DECIDES_UNMATCHED, near))
            tally = counts[near]
            for line in out:
                judged = classifier.classify(line.text, line.classifier_kind)  # type: ignore[arg-type]
                hinted = {s.topic for s in judged.near
                          if s.evidence and s.evidence[0].startswith(MODEL_ALONE)}
                tally[0] += len(hinted)
                tally[1] += len(hinted & line.gold)
                if line.gold and not set(judged.topics) & line.gold:
                    tally[3] += 1
                    tally[2] += bool(hinted & line.gold)
                if not line.gold:
                    tally[4] += bool(hinted)
    return [["ingen" if near is None else f"{near:.2f}", hints, right,
             f"{right / hints:.3f}" if hints else "–", f"{missed_hinted} av {missed}", on_none]
            for near, (hints, right, missed_hinted, missed, on_none) in counts.items()]


def ranked_rows(folds: int, floors: Sequence[float | None], plans_per_fold: int = 60,
                vocabulary_dir: Path | None = None, partition: int = 0) -> list[list[object]]:
    """Rows of (floor, false "saknar", of them naming an item that serves the area, true
    "saknar", of them naming any item, that share) over plans assembled from held-out lines."""
    from benchmarks.candidates import HintCounts, count_hints
    from benchmarks.topics import _Untagged, assemble_plans
    from planchecker.checking.pipeline import Checker

    vocabulary = VocabularyScorer(*load_vocabulary(vocabulary_dir or default_vocabulary_dir()))
    base = Checker()
    oracle = Checker(base.catalogue, _Untagged())
    totals = {floor: HintCounts() for floor in floors}
    for fold, (model, out) in enumerate(_held_out(vocabulary, folds, partition)):
        pairs = assemble_plans(out, plans_per_fold, seed=2027 + fold)
        for floor in floors:
            checker = Checker(base.catalogue, Classifier(ModelScorer(
                vocabulary, model, ranked_near=floor)))
            totals[floor].add(count_hints(checker, oracle, pairs))
    return [["ingen" if floor is None else f"{floor:.2f}", c.false_missing, c.false_missing_served,
             c.true_missing, c.true_missing_named,
             f"{c.true_missing_named / c.true_missing:.3f}" if c.true_missing else "–"]
            for floor, c in totals.items()]


def curve_rows(folds: int, shares: Sequence[float], vocabulary_dir: Path | None = None,
               partition: int = 0) -> list[list[object]]:
    """Rows of (share, corpus lines per model on average, lenient, macro-F1, topic lines found,
    none lines right) over every held-out line, each group judged as shipped by a model trained on
    `share` of the other groups' documents."""
    vocabulary = VocabularyScorer(*load_vocabulary(vocabulary_dir or default_vocabulary_dir()))
    documents = [line.doc_id for line in load_lines() if line.split == "train"]
    rows: list[list[object]] = []
    for share in shares:
        pairs: list[tuple[Classifier, Line]] = []
        for model, out in _held_out(vocabulary, folds, partition, share):
            pairs += [(Classifier(ModelScorer(vocabulary, model)), line) for line in out]
        trained = sum(_trains(doc_id, fold, folds, partition, share)
                      for fold in range(folds) for doc_id in documents)
        scores = _pooled_scores(pairs)
        rows.append([f"{share:.2f}", round(trained / folds), f"{scores.lenient:.3f}",
                     f"{scores.macro_f1:.3f}", f"{scores.topic_found:.3f}",
                     f"{scores.none_right:.3f}"])
    return rows


class _ByLine(Classifier):
    """Each line judged by the classifier of its own fold."""

    def __init__(self, pairs: Sequence[tuple[Classifier, Line]]) -> None:  # noqa: D107
        self._by = {(line.text, line.classifier_kind): classifier for classifier, line in pairs}

    def classify(self, text: str, kind: object = None):  # type: ignore[no-untyped-def, override]
        return self._by[(text, kind)].classify(text, kind)  # type: ignore[index, arg-type]

    def classify_many(self, texts, kinds):  # type: ignore[no-untyped-def, override]
        return [self.classify(text, kind) for text, kind in zip(texts, kinds)]


def _pooled_scores(pairs: Sequence[tuple[Classifier, Line]]):  # type: ignore[no-untyped-def]
    return score_lines(_ByLine(pairs), [line for _, line in pairs])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.topic_cv", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5, help="antal grupper av dokument")
    # The shipped threshold (classifier.MODEL_DECIDES) first, so that a plain run shows it.
    parser.add_argument("--decides", default="0.5,0.6,0.7",
                        help="modellens trösklar att pröva, kommaseparerade")
    parser.add_argument("--unmatched", action="store_true",
                        help="också en rad per bedömare för raderna där ingen term i vokabulären "
                             "träffade")
    # Before and as shipped (classifier.MODEL_DECIDES_UNMATCHED), so that a plain run shows both.
    parser.add_argument("--unmatched-decides", default=f"ingen,{MODEL_DECIDES_UNMATCHED}",
                        help="modellens trösklar för rader där ingen term träffade, "
                             "kommaseparerade; ingen för att inte bedöma dem")
    parser.add_argument("--hints", metavar="TRÖSKLAR",
                        help="visa i stället modellens nära träffar på rader där ingen term "
                             "träffade, från var och en av dessa sannolikheter (kommaseparerade; "
                             f"ingen för inga; levereras: {MODEL_NEAR_UNMATCHED})")
    parser.add_argument("--ranked", metavar="TRÖSKLAR",
                        help="visa i stället posten som namnges som närmast vid ett 'saknar'-fynd, "
                             "från var och en av dessa sannolikheter (kommaseparerade; ingen för "
                             f"ingen; levereras: {RANKED_NEAR})")
    parser.add_argument("--curve", metavar="ANDELAR",
                        help="visa i stället en inlärningskurva: modeller tränade på dessa andelar "
                             "av träningsdokumenten (kommaseparerade, t.ex. 0.25,0.5,1)")
    parser.add_argument("--partition", type=int, default=0,
                        help="en annan fördelning av dokumenten på grupperna (0: den vanliga)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--vocabulary", type=Path, metavar="KATALOG",
                       help="vokabulär att träna och bedöma med i stället för rules/vocabulary/")
    where.add_argument("--vocabulary-at", metavar="COMMIT",
                       help="rules/vocabulary/ som den var vid en commit (läses med git)")
    args = parser.parse_args(argv)
    thresholds = [float(value) for value in args.decides.split(",")]
    unmatched_thresholds = _probabilities(args.unmatched_decides)

    def run(vocabulary_dir: Path | None, label: str) -> None:
        dealt = f", fördelning {args.partition}" if args.partition else ""
        print(f"Korsvalidering i träningsdelen, {args.folds} grupper av dokument{dealt}, {label}:")
        if args.ranked:
            floors = _probabilities(args.ranked)
            print(tabulate(ranked_rows(args.folds, floors, vocabulary_dir=vocabulary_dir,
                                       partition=args.partition),
                           disable_numparse=True,
                           headers=["närmast från", "falska 'saknar'", "med en post som tjänar",
                                    "riktiga 'saknar'", "med en namngiven post", "andel"]))
            return
        if args.curve:
            shares = [float(value) for value in args.curve.split(",")]
            print(tabulate(curve_rows(args.folds, shares, vocabulary_dir, args.partition),
                           disable_numparse=True,
                           headers=["andel dokument", "korpusrader per modell", "lenient",
                                    "macro-F1", "ämne funnet", "utan ämne rätt"]))
            return
        if args.hints:
            nears = _probabilities(args.hints)
            print(tabulate(hint_rows(args.folds, nears, vocabulary_dir, args.partition),
                           disable_numparse=True,
                           headers=["nära från", "nära träffar", "rätt ämne", "andel rätt",
                                    "missade ämnesrader nämnda", "rader utan ämne nämnda"]))
            return
        print(tabulate(cross_validate(args.folds, thresholds, args.unmatched,
                                      unmatched_thresholds, vocabulary_dir, args.partition),
                       disable_numparse=True,
                       headers=["bedömare", "rader", "lenient", "macro-F1", "ämne funnet",
                                "utan ämne rätt"]))

    if args.vocabulary_at:
        with vocabulary_at(args.vocabulary_at) as folder:
            run(folder, f"vokabulären vid {args.vocabulary_at}")
    else:
        run(args.vocabulary, f"vokabulären i {args.vocabulary or 'rules/vocabulary/'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
