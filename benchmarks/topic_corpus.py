"""The real topic corpus in tests/data/topics_corpus/: lines from public documents, two labels each.

Files (TAB-separated, UTF-8, header row; see tests/data/topics_corpus/README.md):
- documents_<part>.tsv  doc_id, organisation, title, year, doc_type, url
- lines_<part>.tsv      line_id, doc_id, row_kind, text, label_a   (the gatherer's label)
- labels_b.tsv          line_id, label_b                           (the independent second reader)
- adjudicated.tsv       line_id, label, reason                     (decides where a and b differ)
- split.tsv             doc_id, split                              (train | test, frozen)

A label is `none` or topic codes separated by commas. The gold label of a line is the adjudicated
one where there is one, else the label both readers gave.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from planchecker.common.model import Topic

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "topics_corpus"
NONE_LABEL = "none"
ROW_KINDS = ("mal", "aktivitet", "indikator", "risk", "rubrik", "text")
# The classifier's row kinds: headings and prose are read as goal and activity texts would be.
CLASSIFIER_KIND = {
    "mal": "goal", "rubrik": "goal", "aktivitet": "activity", "text": "activity",
    "indikator": "indicator", "risk": "risk",
}
TEST_SHARE = 0.37

Label = frozenset[Topic]


class CorpusError(ValueError):
    pass


@dataclass(frozen=True)
class Document:
    doc_id: str
    organisation: str
    title: str
    year: str
    doc_type: str
    url: str


@dataclass(frozen=True)
class Line:
    line_id: str
    doc_id: str
    row_kind: str
    text: str
    label_a: Label
    label_b: Label | None
    adjudicated: Label | None
    split: str  # "train" | "test" | "" before the split is frozen

    @property
    def gold(self) -> Label:
        if self.adjudicated is not None:
            return self.adjudicated
        if self.label_b is None or self.label_b == self.label_a:
            return self.label_a
        raise CorpusError(f"{self.line_id}: etiketterna skiljer sig och ingen avgörande finns")

    @property
    def agreed(self) -> bool:
        return self.label_b is not None and self.label_a == self.label_b

    @property
    def classifier_kind(self) -> str:
        return CLASSIFIER_KIND[self.row_kind]


def parse_label(value: str, where: str) -> Label:
    value = value.strip()
    if value == NONE_LABEL:
        return frozenset()
    codes = [code.strip() for code in value.split(",") if code.strip()]
    unknown = [code for code in codes if code not in Topic.__members__]
    if not codes or unknown:
        raise CorpusError(f"{where}: okänd etikett {value!r}")
    return frozenset(Topic(code) for code in codes)


def format_label(label: Iterable[Topic]) -> str:
    codes = sorted(topic.value for topic in label)
    return ",".join(codes) if codes else NONE_LABEL


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def load_documents(corpus: Path = CORPUS) -> dict[str, Document]:
    documents: dict[str, Document] = {}
    for path in sorted(corpus.glob("documents_*.tsv")):
        for row in _rows(path):
            doc = Document(**{field: (row.get(field) or "").strip() for field in Document.__annotations__})
            if doc.doc_id in documents:
                raise CorpusError(f"{path.name}: dokumentet {doc.doc_id} finns två gånger")
            documents[doc.doc_id] = doc
    return documents


def _column(corpus: Path, name: str, key: str, value: str) -> dict[str, str]:
    path = corpus / name
    return {row[key].strip(): row[value].strip() for row in _rows(path)} if path.exists() else {}


def load_lines(corpus: Path = CORPUS) -> list[Line]:
    documents = load_documents(corpus)
    labels_b = _column(corpus, "labels_b.tsv", "line_id", "label_b")
    adjudicated = _column(corpus, "adjudicated.tsv", "line_id", "label")
    split = _column(corpus, "split.tsv", "doc_id", "split")
    lines: list[Line] = []
    seen: set[str] = set()
    for path in sorted(corpus.glob("lines_*.tsv")):
        for number, row in enumerate(_rows(path), start=2):
            where = f"{path.name}:{number}"
            line_id, doc_id = row["line_id"].strip(), row["doc_id"].strip()
            if line_id in seen:
                raise CorpusError(f"{where}: raden {line_id} finns två gånger")
            seen.add(line_id)
            if doc_id not in documents:
                raise CorpusError(f"{where}: okänt dokument {doc_id}")
            if row["row_kind"].strip() not in ROW_KINDS:
                raise CorpusError(f"{where}: okänd radtyp {row['row_kind']!r}")
            lines.append(Line(
                line_id=line_id,
                doc_id=doc_id,
                row_kind=row["row_kind"].strip(),
                text=row["text"].strip(),
                label_a=parse_label(row["label_a"], where),
                label_b=parse_label(labels_b[line_id], f"labels_b.tsv {line_id}")
                if line_id in labels_b else None,
                adjudicated=parse_label(adjudicated[line_id], f"adjudicated.tsv {line_id}")
                if line_id in adjudicated else None,
                split=split.get(doc_id, ""),
            ))
    return lines


def in_test_split(doc_id: str, test_share: float = TEST_SHARE) -> bool:
    """Each document's part follows from a hash of its id alone: nothing about its content decides,
    and documents added later never move the ones already placed."""
    digest = hashlib.sha256(f"planchecker-topics:{doc_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") < test_share * 2**64


def write_split(corpus: Path = CORPUS) -> Path:
    """Add the documents not yet in split.tsv to it; a document already placed never moves."""
    path = corpus / "split.tsv"
    placed = _column(corpus, "split.tsv", "doc_id", "split")
    for doc_id in sorted(load_documents(corpus)):
        placed.setdefault(doc_id, "test" if in_test_split(doc_id) else "train")
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("doc_id\tsplit\n")
        for doc_id in sorted(placed):
            handle.write(f"{doc_id}\t{placed[doc_id]}\n")
    return path
