"""The real topic corpus (tests/data/topics_corpus/) keeps the shape issue 13 asks of it, and the
measuring command's arithmetic is right on small hand-made cases."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.topic_corpus import Line, load_documents, load_lines, parse_label
from benchmarks.topics import kappa, lenient_right
from planchecker.common.model import Topic


@pytest.fixture(scope="module")
def lines() -> list[Line]:
    return load_lines()


def test_corpus_is_large_and_varied(lines: list[Line]) -> None:
    documents = load_documents()
    assert len(lines) >= 1500
    assert len({line.doc_id for line in lines}) >= 80
    assert all(documents[d].url.startswith(("http://", "https://")) for d in documents)
    assert max(Counter(line.doc_id for line in lines).values()) <= 40
    assert len({line.text for line in lines}) == len(lines), "samma text två gånger"


def test_at_least_two_fifths_have_no_topic(lines: list[Line]) -> None:
    assert sum(not line.gold for line in lines) / len(lines) >= 0.40


def test_every_line_has_two_labels_and_a_gold_one(lines: list[Line]) -> None:
    assert all(line.label_b is not None for line in lines)
    for line in lines:
        line.gold  # raises where the readers differ and nothing decides


def test_split_is_frozen_by_document(lines: list[Line]) -> None:
    documents = load_documents()
    assert {line.split for line in lines} == {"train", "test"}
    test_docs = {line.doc_id for line in lines if line.split == "test"}
    assert len(test_docs) / len(documents) >= 0.30


def _line(a: str, b: str) -> Line:
    return Line("X1", "D1", "mal", "text", parse_label(a, "a"), parse_label(b, "b"), None, "test")


def test_lenient_rule() -> None:
    kris, info = Topic.krisberedskap, Topic.informationssakerhet
    assert lenient_right(frozenset(), _line("none", "krisberedskap"))
    assert not lenient_right(frozenset(), _line("krisberedskap", "krisberedskap"))
    assert lenient_right(frozenset({kris}), _line("none", "krisberedskap"))
    assert lenient_right(frozenset({kris, info}), _line("krisberedskap", "informationssakerhet"))
    assert not lenient_right(frozenset({info}), _line("krisberedskap", "krisberedskap"))


def test_kappa() -> None:
    assert kappa([(True, True), (False, False)]) == 1.0
    # Observed 0.5, expected 0.5 by chance: no agreement beyond chance.
    assert kappa([(True, True), (True, False), (False, True), (False, False)]) == 0.0
    assert kappa([("a", "a"), ("a", "a"), ("b", "a"), ("b", "b")]) == pytest.approx(0.5)


def test_figures_for_one_part_of_the_corpus_count_only_its_lines(
        lines: list[Line], capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.topics import main

    assert main(["--part", "c", "--plans", "0"]) == 0
    out = capsys.readouterr().out
    part = [line for line in lines if line.doc_id.startswith("C")]
    test = [line for line in part if line.split == "test"]
    assert out.startswith(f"Korpus: {len(part)} rader ur "
                          f"{len({line.doc_id for line in part})} dokument; test {len(test)} rader")
    assert f"== Testdelen (frusen): {len(test)} rader" in out


def test_false_missing_findings_that_a_clearly_serving_line_contradicts() -> None:
    """A false "saknar" counts as clearly false only where the plan has a line that both readers
    gave the area's topic: here the goal (agreed), not the activity (one reader only)."""
    from benchmarks.topics import _Untagged, score_plans
    from planchecker.checking.pipeline import Checker
    from planchecker.common.model import Activity, Goal, Namnd, NamndType, Plan

    def plan(goal_topics: list[Topic], activity_topics: list[Topic]) -> Plan:
        return Plan(namnd=Namnd(name="Provnämnd", type=NamndType.stadsdelsnamnd, year=2021),
                    goals=[Goal(id="M1", text="God förmåga", topics=goal_topics)],
                    activities=[Activity(id="A1", text="Öva", topics=activity_topics)])

    kris = [Topic.krisberedskap]
    written, gold, agreed = plan([], []), plan(kris, kris), plan(kris, [])
    # The written plan's checker infers nothing, so every area the gold twin serves is a false
    # "saknar" there: the goal's and the activity's for krisberedskap.
    checker = Checker(classifier=_Untagged())
    counts = score_plans(checker, checker, [(written, gold)], [agreed])
    assert 0 < counts.fp_clear < counts.fp
    assert score_plans(checker, checker, [(written, gold)], [gold]).fp_clear == counts.fp
    assert score_plans(checker, checker, [(written, gold)]).fp_clear == 0
