"""The topic model beside the vocabulary: real lines, its evidence, its weights file, the corpus.

The lines below are verbatim lines of public plans and RSA reports from the training part of the
corpus (tests/data/topics_corpus/), or phrasings named in shared/topics.md; the frozen test split
is only ever scored in aggregate.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from benchmarks.topic_corpus import load_lines
from benchmarks.topics import score_lines
from planchecker.common.model import Activity, Goal, Namnd, NamndType, Plan, Topic
from planchecker.reading.template import write_plan_xlsx
from planchecker.reports.writers import render_json
from planchecker.topics.classifier import (
    MODEL_ALONE,
    MODEL_DECIDES,
    MODEL_DECIDES_UNMATCHED,
    MODEL_NEAR_UNMATCHED,
    Classifier,
    ModelScorer,
    _near_on_vocabulary_scale,
    default_vocabulary_dir,
    model_features,
)
from planchecker.topics.topicmodel import (
    MODEL_FILE,
    TopicModel,
    VocabularyHits,
    features,
    stem,
    word_features,
)
from planchecker.topics.vocabulary import fold_text
from tests.golden_cases import checker
from tools import train_topic_model

KRIS, CIV, SAK, INFO, OLY, HOT, BRO = (
    Topic.krisberedskap, Topic.civilt_forsvar, Topic.sakerhetsskydd, Topic.informationssakerhet,
    Topic.forebygga_olyckor, Topic.hot_och_vald, Topic.brottsforebyggande,
)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load(default_vocabulary_dir())


def topics_of(classifier: Classifier, text: str, kind: str) -> set[Topic]:
    return set(classifier.classify(text, kind).topics)  # type: ignore[arg-type]


# Everyday wording of real plans that the vocabulary of the lines' authors missed.
REAL_TOPIC_LINES = [
    ("Trygg och säker kommun", "goal", BRO),  # the umbrella goal: trygghet at least
    ("Det ska vara tryggt och säkert att bo, arbeta och vistas i Nacka.", "goal", BRO),
    ("Extremt snöfall", "risk", KRIS),  # a hazard in one or two words on an RSA row
    ("Sjukdomar", "risk", KRIS),
    ("Telefoni, mobiltelefoni, internet och IT-system", "risk", KRIS),
    ("Robust kommunikation", "activity", KRIS),
    ("Stärkt lagerhållning", "activity", KRIS),
    ("Din hemberedskap", "goal", KRIS),
    ("Bombhot", "activity", HOT),
    ("Misstänkta försändelser", "activity", HOT),
    ("Åtgärder vid hot och trakasserier via e-post, sms eller sociala medier", "goal", HOT),
    ("Vår målsättning är att antalet oönskade händelser ska minska.", "goal", OLY),
    ("Kommunalt handlingsprogram", "goal", OLY),
    ("Störningsjour och trygghetsbil under kvällar/nätter och helger", "activity", BRO),
    ("Om det uppkommer önskemål om grannsamverkan så lovar vi att bistå.", "activity", BRO),
    ("Konfidentialitet: att informationen endast finns tillgänglig för behöriga.", "activity",
     INFO),
    # Corpus part D's training lines (2026-12): logs, classified papers, falls, the siren.
    ("Kontroll av loggar i journalsystemet", "activity", INFO),
    ("Säkrare inloggning för medarbetare", "activity", INFO),
    ("Hemliga handlingar förvaras inlåsta", "activity", SAK),
    ("Fallförebyggande insatser i hemtjänsten", "activity", OLY),
    ("Information om beredskapslarm till invånarna", "activity", CIV),
]


@pytest.mark.parametrize(("text", "kind", "topic"), REAL_TOPIC_LINES, ids=lambda v: str(v)[:30])
def test_real_lines_find_their_topic(classifier: Classifier, text: str, kind: str,
                                     topic: Topic) -> None:
    assert topic in topics_of(classifier, text, kind)


# False friends of real plans: the year of the pandemic, "behöriga lärare", care and school.
REAL_NONE_LINES = [
    ("2020 präglades av pandemin.", "activity"),
    ("Alla verksamheter påverkades av pandemin.", "activity"),
    ("Fler behöriga lärare", "goal"),
    ("Trygg förskolemiljö för alla barn", "goal"),
    # The false friend cut out is still the context that cancels "känner sig trygga".
    ("Trygg förskolemiljö där alla barn känner sig trygga", "goal"),
    ("Trygg och säker vård för alla patienter", "goal"),
    ("Trygghetslarm installeras hos brukare inom hemtjänsten", "activity"),
    # Lighting as energy, where the model alone would call every "belysning" trygghet.
    ("Belysningen i skolorna byts till LED", "activity"),
]


@pytest.mark.parametrize(("text", "kind"), REAL_NONE_LINES, ids=lambda v: str(v)[:30])
def test_false_friends_stay_none(classifier: Classifier, text: str, kind: str) -> None:
    assert topics_of(classifier, text, kind) == set()


def test_a_hazard_word_counts_only_on_a_risk_row(classifier: Classifier) -> None:
    assert topics_of(classifier, "El", "risk") == {KRIS}
    assert topics_of(classifier, "El", "activity") == set()


def test_a_term_meets_its_plural(classifier: Classifier) -> None:
    # "trygghetskamera" in the vocabulary; the plural drops the final -a.
    assert topics_of(classifier, "Fler trygghetskameror vid pendeltågsstationen", "activity") == {BRO}


def test_the_model_decides_a_weak_only_line_and_names_its_words(classifier: Classifier) -> None:
    # "trygghet" alone is a weak term (trygghet in care, school and work is not the topic): the
    # vocabulary alone does not decide this line, the model weighing its words does.
    line = "Hållbart arbete för trygghet"
    vocabulary_only = Classifier.load(_vocabulary_without_model())
    assert topics_of(vocabulary_only, line, "goal") == set()
    judged = classifier.classify(line, "goal")
    assert judged.topics == (BRO,)
    assert "trygghet" in judged.evidence  # the word as written in the line
    # The rest is the vocabulary's term and the model's words, each as the line writes them.
    words = [e for e in judged.evidence if not e.startswith("{")]
    assert len(words) >= 2 and all(word in line.split() for word in words)


def test_the_model_raises_a_weak_score_only_and_keeps_the_terms(classifier: Classifier) -> None:
    # "trygg" is weak: the vocabulary alone scores it 0.35 (near). The model leans towards
    # brottsförebyggande (p about 0.41) but is not sure: still near, never lower than the
    # vocabulary's score, and the evidence keeps the term. A training line (B0110).
    line = "Utveckla Trygg i Danderyd"
    vocabulary_only = Classifier.load(_vocabulary_without_model())
    before = vocabulary_only.classify(line, "activity").scores
    after = classifier.classify(line, "activity")
    assert [(s.topic, s.score) for s in before] == [(BRO, 0.35)]
    scorer = _scorer(classifier)
    cleaned, hits, _ = scorer.vocabulary.judged(line, "activity")
    (leaning,) = [s for s in scorer.model.score(model_features(cleaned, "activity", hits))
                  if s.topic == BRO]
    assert 0.3 < leaning.score < MODEL_DECIDES
    assert after.topics == () and [s.topic for s in after.near] == [BRO]
    assert 0.35 <= after.near[0].score < classifier.thresholds.decide
    assert after.near[0].evidence[0] == "Trygg"


def test_a_strong_term_decides_without_the_model(classifier: Classifier) -> None:
    judged = classifier.classify("Ta fram kontinuitetsplaner för hemtjänsten", "activity")
    assert judged.topics == (KRIS,)
    assert judged.evidence == ("kontinuitetsplan",)


def test_a_term_an_expert_adds_counts_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "vocabulary"
    shutil.copytree(default_vocabulary_dir(), folder)
    path = folder / "civilt_forsvar.yaml"
    line = "Se över kaffeförrådet i kommunhuset"
    assert topics_of(Classifier.load(folder), line, "activity") == set()
    path.write_text(path.read_text(encoding="utf-8") + "  - {term: kaffeförråd}\n", encoding="utf-8")
    edited = Classifier.load(folder)
    assert (folder / MODEL_FILE).exists()
    assert topics_of(edited, line, "activity") == {CIV}


def _vocabulary_without_model() -> Path:
    target = Path(__file__).parent / ".vocabulary_without_model"
    if not target.exists():
        shutil.copytree(default_vocabulary_dir(), target,
                        ignore=shutil.ignore_patterns(MODEL_FILE))
    return target


@pytest.fixture(autouse=True, scope="module")
def _clean_copy() -> object:
    yield None
    shutil.rmtree(Path(__file__).parent / ".vocabulary_without_model", ignore_errors=True)


def test_swedish_stems_meet_inflections() -> None:
    assert stem("kontinuitetsplaner") == stem("kontinuitetsplanen") == "kontinuitetsplan"
    assert stem("risker") == stem("riskerna") == "risk"
    assert stem("hot") == "hot"  # short words are left alone
    assert set(word_features(" trygghetsvandringar och ")) == {"s:trygghetsvandring", "p:trygg"}


def test_common_words_are_no_evidence_alone() -> None:
    # Snowball's Swedish stop words, folded: the model had weighed "ha", "nu" and "mellan" as
    # signs of a topic from the few training lines they stood in.
    line = fold_text("Vi ska nu ha samverkan mellan förvaltningarna där det fungerar")
    assert set(word_features(line)) == {
        "s:samverkan", "p:samve", "s:forvaltning", "p:forva", "s:funger", "p:funge"}


def test_shipped_weights_are_what_the_trainer_writes() -> None:
    # Byte for byte: the same corpus and vocabulary give the same file. After editing the
    # vocabulary, run `python -m tools.train_topic_model`.
    shipped = (default_vocabulary_dir() / MODEL_FILE).read_text(encoding="utf-8")
    assert train_topic_model.build() == shipped


def test_the_trainer_never_reads_the_test_split() -> None:
    trained = {example.text for example in train_topic_model.examples()}
    test_lines = [line for line in load_lines() if line.split == "test"]
    assert test_lines and not any(line.text in trained for line in test_lines)


def test_a_broken_weights_file_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "vocabulary"
    shutil.copytree(default_vocabulary_dir(), folder)
    (folder / MODEL_FILE).write_text('{"format": 1, "topics": ["krisberedskap"]}', encoding="utf-8")
    with pytest.raises(ValueError, match=f"{MODEL_FILE}: kan inte läsas som ämnesmodell"):
        Classifier.load(folder)
    data = json.loads((default_vocabulary_dir() / MODEL_FILE).read_text(encoding="utf-8"))
    data["format"] = 99
    (folder / MODEL_FILE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="okänt format 99"):
        Classifier.load(folder)


def test_model_scores_are_probabilities() -> None:
    model = TopicModel.read(default_vocabulary_dir() / MODEL_FILE)
    scores = model.score({"s:trygghet": "trygghet", "k:goal": ""})
    assert [s.topic for s in scores] == list(Topic)
    assert all(0 < s.score < 1 for s in scores)


def _test_split_figures(classifier: Classifier) -> tuple[float, float, float]:
    # Only the three figures leave this function: a failing assertion prints its operands, and
    # the scores object carries the missed lines, which whoever tunes must never read.
    scores = score_lines(classifier, [line for line in load_lines() if line.split == "test"])
    return scores.topic_found, scores.none_right, scores.macro_f1


def test_the_frozen_test_split_stays_above_todays_floor(classifier: Classifier) -> None:
    # Aggregate figures only. The floor is what the classifier measured on the split as it grew
    # with corpus parts K and L (3,680 lines, 2026-12-06, the model retrained on their training
    # parts: found 0.756, none right 0.965, macro-F1 0.816), rounded down: a change that loses
    # ground on real lines nobody tuned on fails here. K's and L's test documents are harder than
    # the earlier ones (IT incidents told as news, school and care routines): found on the split
    # fell from 0.777.
    found, none_right, macro_f1 = _test_split_figures(classifier)
    assert found >= 0.75
    assert none_right >= 0.96
    assert macro_f1 >= 0.81


def test_cross_validation_shows_the_lines_no_term_matched() -> None:
    from benchmarks.topic_cv import cross_validate

    rows = {row[0]: row for row in cross_validate(2, [0.5], only_unmatched=True)}
    assert list(rows) == ["vocabulary", "vocabulary, ingen term", "model 0.50",
                          "model 0.50, ingen term"]
    everything, unmatched = rows["vocabulary"], rows["vocabulary, ingen term"]
    assert 0 < unmatched[1] < everything[1]  # type: ignore[operator]
    # Only lines where no term matched: the vocabulary alone gives none of them a topic.
    assert (unmatched[4], unmatched[5]) == ("0.000", "1.000")
    assert rows["model 0.50, ingen term"][1] == unmatched[1]


def test_learning_curve_adds_documents_and_ends_at_the_shipped_judge() -> None:
    from benchmarks.topic_cv import cross_validate, curve_rows, in_share

    documents = sorted({line.doc_id for line in load_lines() if line.split == "train"})
    half, most = ({d for d in documents if in_share(d, share)} for share in (0.5, 0.75))
    assert half < most < set(documents)  # a larger share only adds documents
    rows = curve_rows(2, [0.5, 1.0])
    assert [row[0] for row in rows] == ["0.50", "1.00"]
    assert 0 < rows[0][1] < rows[1][1]  # type: ignore[operator]
    # The whole share is the classifier as shipped, as the plain cross-validation shows it.
    shipped = {row[0]: row for row in cross_validate(2, [MODEL_DECIDES], False,
                                                      [MODEL_DECIDES_UNMATCHED])}
    assert rows[1][2:] == shipped[f"model {MODEL_DECIDES:.2f}, ensam "
                                  f"{MODEL_DECIDES_UNMATCHED:.2f}"][2:]


def test_cross_validation_counts_the_closest_item_beside_saknar_findings() -> None:
    from benchmarks.topic_cv import ranked_rows

    without, with_closest = ranked_rows(2, [None, 0.2], plans_per_fold=15)
    assert without[0] == "ingen" and with_closest[0] == "0.20"
    # The closest item is information: the same findings, false and true, with or without it.
    assert (without[1], without[3]) == (with_closest[1], with_closest[3])
    assert without[3] > 0  # type: ignore[operator]
    # Naming one more item per finding can only add findings that name something.
    assert with_closest[2] >= without[2] and with_closest[4] > without[4]  # type: ignore[operator]


# Verbatim training-corpus lines where no vocabulary term matches at all: before the model judged
# such lines (issue 13) every one of them stayed without a topic, whatever its words.
UNMATCHED_TOPIC_LINES = [
    ("Tillgänglighet – Att information finns tillgänglig för dem som behöver och har rätt att "
     "ta del av den.", "activity", INFO),  # D2106
    ("Regionen ska vara förberedd på att hantera oförutsedda händelser.", "activity", KRIS),  # G3018
    ("Räddningsnämnden har inget att erinra utan önskar Brandkåren Attunda och "
     "medlemskommunerna lycka till i det fortsatta arbetet.", "activity", OLY),  # B092
]
MODEL_EVIDENCE = re.compile(rf"^{re.escape(MODEL_ALONE)}\S+ \+\d+,\d\d$")


def _scorer(classifier: Classifier) -> ModelScorer:
    assert isinstance(classifier.scorer, ModelScorer)
    return classifier.scorer


@pytest.mark.parametrize(("text", "kind", "topic"), UNMATCHED_TOPIC_LINES,
                         ids=lambda v: str(v)[:30])
def test_the_model_alone_decides_a_line_no_term_matched(classifier: Classifier, text: str,
                                                        kind: str, topic: Topic) -> None:
    scorer = _scorer(classifier)
    assert scorer.vocabulary.score(text, kind) == ()  # type: ignore[arg-type]  # no term at all
    without = Classifier(ModelScorer(scorer.vocabulary, scorer.model, unmatched_decides=None))
    assert without.classify(text, kind).scores == ()  # type: ignore[arg-type]
    judged = classifier.classify(text, kind)  # type: ignore[arg-type]
    assert judged.topics == (topic,)
    (score,) = judged.scores
    assert classifier.thresholds.decide <= score.score <= 0.99
    # No term backs the judgment, and the evidence says so: each piece is the model's, a word of
    # the line as written with its weight, strongest first.
    assert score.evidence and all(MODEL_EVIDENCE.match(e) for e in score.evidence)
    words = [e.removeprefix(MODEL_ALONE).rsplit(" ", 1) for e in score.evidence]
    assert all(word.strip(".,:") in text for word, _ in words)
    weights = [float(weight.replace(",", ".")) for _, weight in words]
    assert weights == sorted(weights, reverse=True) and weights[-1] > 0


def test_the_model_alone_must_be_surer_than_beside_a_weak_term(classifier: Classifier) -> None:
    # A training line (D2006) where the model leans to informationssäkerhet with p between 0.5,
    # enough beside a weak term, and MODEL_DECIDES_UNMATCHED: alone it does not decide, but the
    # line came near (MODEL_NEAR_UNMATCHED), to be named beside a "saknar" finding.
    line = "Information om arbetet med dataskyddsförordningen (GDPR)"
    scorer = _scorer(classifier)
    assert scorer.unmatched_decides == MODEL_DECIDES_UNMATCHED
    assert scorer.unmatched_near == MODEL_NEAR_UNMATCHED
    assert MODEL_DECIDES_UNMATCHED is not None and MODEL_NEAR_UNMATCHED is not None
    assert MODEL_NEAR_UNMATCHED < MODEL_DECIDES < MODEL_DECIDES_UNMATCHED
    judged = classifier.classify(line, "activity")
    assert judged.topics == ()
    (near,) = judged.near
    assert near.topic == INFO and judged.judgment(near) == "near"
    assert classifier.thresholds.near <= near.score < classifier.thresholds.decide
    assert near.evidence[0].startswith("modellen: Information +")
    assert all(MODEL_EVIDENCE.match(e) for e in near.evidence)
    no_hints = Classifier(ModelScorer(scorer.vocabulary, scorer.model, unmatched_near=None))
    assert no_hints.classify(line, "activity").scores == ()
    at_half = Classifier(ModelScorer(scorer.vocabulary, scorer.model, unmatched_decides=0.5))
    assert at_half.classify(line, "activity").topics == (INFO,)


@pytest.mark.parametrize(("probability", "expected"),
                         [(0.45, 0.3), (0.6, 0.4), (0.7, 0.47), (0.7499, 0.49)])
def test_a_near_probability_stays_under_the_decision_on_the_scale(probability: float,
                                                                  expected: float) -> None:
    # From MODEL_NEAR_UNMATCHED (0.45) to MODEL_DECIDES_UNMATCHED (0.75) onto near 0.3 .. 0.49:
    # however close to deciding, and however it rounds, a near judgment never decides.
    assert _near_on_vocabulary_scale(probability, 0.45, 0.75) == expected


def test_the_near_threshold_must_lie_under_the_one_that_decides(classifier: Classifier) -> None:
    scorer = _scorer(classifier)
    with pytest.raises(ValueError, match="nära"):
        ModelScorer(scorer.vocabulary, scorer.model, unmatched_decides=0.6, unmatched_near=0.6)
    # Without judgment of unmatched lines there is nothing to come near: accepted, and no hint.
    silent = Classifier(ModelScorer(scorer.vocabulary, scorer.model, unmatched_decides=None,
                                    unmatched_near=0.45))
    assert silent.classify("Information om arbetet med dataskyddsförordningen (GDPR)",
                           "activity").scores == ()


def test_a_cancelled_term_is_not_overruled_by_the_model(classifier: Classifier) -> None:
    # "pandemin" in a line about the year is a term its context cancels: the vocabulary has
    # judged against krisberedskap, and even a model sure of the opposite does not decide it.
    scorer = _scorer(classifier)
    eager = TopicModel.of({KRIS: 5.0}, {})  # p > 0.99 for krisberedskap on any line
    judged = Classifier(ModelScorer(scorer.vocabulary, eager)).classify(
        "2020 präglades av pandemin.", "activity")
    assert judged.topics == ()
    assert [(s.topic, s.score, s.against) for s in judged.scores] == [(KRIS, 0.15, ("pandemi",))]
    # The same model does decide a line no term matched: the guard above is the cancelled term.
    assert Classifier(ModelScorer(scorer.vocabulary, eager)).classify(
        "Ekonomi i balans", "goal").topics == (KRIS,)


def test_a_model_only_judgment_in_the_json_report(tmp_path: Path) -> None:
    text, _, topic = UNMATCHED_TOPIC_LINES[1]
    plan = Plan(namnd=Namnd(name="Provnämnden", type=NamndType.stadsdelsnamnd, year=2020),
                goals=[Goal(id="M1", text="Ekonomi i balans")],
                activities=[Activity(id="A1", goal_id="M1", text=text)])
    path = tmp_path / "plan.xlsx"
    path.write_bytes(write_plan_xlsx(plan))
    report = checker().check_file(path).report
    assert report is not None
    record = json.loads(render_json(report))
    schema = json.loads((Path(__file__).resolve().parents[1] / "schemas" / "report.schema.json")
                        .read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(record)
    item = next(i for i in record["items"] if i["id"] == "A1")
    assert item["topics"] == [topic.value] and item["topic_source"] == "inferred"
    (score,) = item["topic_scores"]
    assert score["topic"] == topic.value and score["judgment"] == "serves"
    assert 0.5 <= score["confidence"] <= 0.99
    assert score["evidence"] and all(MODEL_EVIDENCE.match(e) for e in score["evidence"])
    assert sorted(item["evidence"]) == sorted(score["evidence"])


def test_cross_validation_tries_the_model_alone_and_the_first_vocabulary() -> None:
    from benchmarks.topic_cv import cross_validate, vocabulary_at

    # The first vocabulary is read from the git history: a shallow clone or an archive has none.
    history = subprocess.run(["git", "cat-file", "-e", "a234388^{commit}"], check=False,
                             capture_output=True, cwd=Path(__file__).resolve().parents[1])
    if history.returncode != 0:
        pytest.skip("git-historiken med commit a234388 (den första vokabulären) saknas")
    with vocabulary_at("a234388") as folder:
        first = sorted(path.name for path in folder.iterdir())
        assert "krisberedskap.yaml" in first and MODEL_FILE not in first
        rows = {row[0]: row for row in cross_validate(2, [0.5], True, [None, 0.75], folder)}
    assert list(rows) == ["vocabulary", "vocabulary, ingen term", "model 0.50",
                          "model 0.50, ingen term", "model 0.50, ensam 0.75",
                          "model 0.50, ensam 0.75, ingen term"]
    # The first vocabulary leaves topic lines without a term; the model alone finds some of them.
    assert rows["model 0.50, ingen term"][4] == "0.000"
    assert float(rows["model 0.50, ensam 0.75, ingen term"][4]) > 0  # type: ignore[arg-type]


def test_the_fast_path_for_unmatched_lines_scores_as_the_features_do() -> None:
    # sure_of_words sums cached per-word weights instead of building the features; it must judge
    # every line as sure() does, repeated words and shared stems included.
    model = TopicModel.read(default_vocabulary_dir() / MODEL_FILE)
    lines = [(line.text, line.classifier_kind) for line in load_lines()]
    lines += [("Risker och riskerna: risk risk trygghet tryggare", "risk")]
    no_hits = VocabularyHits({}, frozenset())
    compared = 0
    for text, kind in lines:
        folded = fold_text(text)
        for probability in (0.3, 0.75):
            slow = model.sure(features(folded, kind, no_hits), probability)
            fast = model.sure_of_words(folded, kind, probability)
            assert [s.topic for s in fast] == [s.topic for s in slow], text
            assert [s.score for s in fast] == pytest.approx([s.score for s in slow], abs=1e-9)
            compared += bool(slow)
    assert compared > 500  # and sure of something on many of them
