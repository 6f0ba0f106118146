"""Topic classification: scores on labelled plan lines, the vocabulary syntax, and classify_plan."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from planchecker.common.model import Activity, Goal, Indicator, Namnd, Plan, Risk, Topic
from planchecker.topics.classifier import (
    Classifier,
    Thresholds,
    TopicScore,
    VocabularyScorer,
    classify_plan,
    default_vocabulary_dir,
    fold_text,
)
from planchecker.topics.vocabulary import (
    Scanner,
    Term,
    TermSpec,
    fold_text,
    fold_texts,
    load_vocabulary,
)
from tools.topic_scores import HELDOUT, LABELLED, load_labelled, micro, render, score

KRIS, CIV, SAK, INFO, OLY, HOT, BRO = (
    Topic.krisberedskap, Topic.civilt_forsvar, Topic.sakerhetsskydd, Topic.informationssakerhet,
    Topic.forebygga_olyckor, Topic.hot_och_vald, Topic.brottsforebyggande,
)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load(default_vocabulary_dir())


def topics_of(classifier: Classifier, text: str, kind: str | None = None) -> set[Topic]:
    return set(classifier.classify(text, kind).topics)  # type: ignore[arg-type]


# --- scores on the labelled sets -------------------------------------------------------------


def test_labelled_set_is_large_and_varied() -> None:
    rows = load_labelled(LABELLED)
    assert len(rows) >= 180
    assert sum(not row.topics for row in rows) >= 50
    assert all(sum(topic in row.topics for row in rows) >= 25 for topic in Topic)
    assert len({row.text for row in rows}) == len(rows)


def test_heldout_set_does_not_repeat_labelled_lines() -> None:
    heldout = load_labelled(HELDOUT)
    assert len(heldout) >= 30
    assert not {row.text for row in heldout} & {row.text for row in load_labelled(LABELLED)}


@pytest.mark.parametrize("topic", list(Topic), ids=lambda t: t.value)
def test_labelled_precision_and_recall_per_topic(classifier: Classifier, topic: Topic) -> None:
    table = score(classifier, load_labelled(LABELLED))
    scores = table[topic.value]
    assert scores.precision >= 0.9 and scores.recall >= 0.9, "\n" + render(table)


def test_heldout_precision_and_recall(classifier: Classifier) -> None:
    # Thirty lines give each topic a support of three to six, so the threshold is on the pooled
    # (micro) counts; the per-topic table is printed on failure and by tools/topic_scores.py.
    table = score(classifier, load_labelled(HELDOUT))
    pooled = micro(table)
    assert pooled.precision >= 0.8 and pooled.recall >= 0.8, "\n" + render(table)


# --- what the vocabulary must catch ----------------------------------------------------------


# The evidence names the term that matched; a pattern term ({a,b} or *) by the words the line
# used for it.
@pytest.mark.parametrize(
    ("text", "topic", "term"),
    [
        ("Kontinuitetsplanerna ses över", KRIS, "kontinuitetsplan"),
        ("Kontinuitetsplanering i hemtjänsten", KRIS, "kontinuitetsplan"),
        ("Verksamhetskontinuitetsplan för IT", KRIS, "kontinuitetsplan"),
        ("Systematiskt brandskyddsarbete", OLY, "brandskydd"),
        ("Krigsplacera personalen", CIV, "krigsplacer"),
        ("Andel krigsplacerade", CIV, "krigsplacer"),
        ("Säkerhetsskyddsanalysen uppdateras", SAK, "säkerhetsskydd"),
        ("Hot- och våldssituationer", HOT, "Hot- och våldssituationer"),
        ("Trygghetsvandringar i Husby", BRO, "trygghetsvandring"),
        ("Förebygga ungdomsbrottslighet", BRO, "brottslig"),
        ("Fallolyckorna ska minska", OLY, "Fallolyckorna"),
        ("Beredskapen inför höjda beredskapen", CIV, "höjda beredskapen"),
    ],
)
def test_inflections_and_compounds(
    classifier: Classifier, text: str, topic: Topic, term: str
) -> None:
    result = classifier.classify(text)
    assert topic in result.topics
    assert term in result.evidence


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("sakerhetsskyddsanalys", SAK),  # no å/ä/ö at all
        ("Minska hot och vald mot anstallda", HOT),
        ("forebygga olyckor i skolan", OLY),
        ("Sdkerhetsskyddet ses över", SAK),  # OCR: ä -> d
        ("sikerhetsskyddslagen", SAK),  # ä -> i
        ("sékerhetsskyddsplan", SAK),  # ä -> é
        ("informationssédkerhet", INFO),  # ä -> éd
        ("planering infor hojd beredskap", CIV),
        ("Civilt férsvar enligt 6verenskommelsen", CIV),  # ö -> é, ö -> 6
        ("Forebygga risker for véald och hot om vald", HOT),  # å -> éa
        ("SÄKERHETSSKYDDSANALYS", SAK),
        ("Brottsférebyggande rddet", BRO),
    ],
)
def test_text_without_diacritics_and_ocr_damage(
    classifier: Classifier, text: str, topic: Topic
) -> None:
    assert topic in topics_of(classifier, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Genomföra RSA", {KRIS}),
        ("RSA:n revideras", {KRIS}),
        ("Revidera TiB-instruktionen", {KRIS}),
        ("POSOM-gruppen övas", {KRIS}),
        ("KLN sammanträder", {KRIS}),
        ("Krav enligt LEH", {KRIS}),
        ("SBA-rond", {OLY}),
        ("Tillsyn enligt LSO", {OLY}),
        ("Rutin för SUA", {SAK}),
        ("LIS införs", {INFO}),
        ("ISMS enligt standard", {INFO}),
        ("Införa MFA", {INFO}),
        ("Förbereda för NIS2", {INFO}),
        ("Uppföljning av SÖK", {BRO}),
        ("Lokala BRÅ", {BRO}),
        # A term whose only capital begins the line, the rest of the line in small letters.
        ("Rakel används vid övningen", {KRIS}),
        ("Brå-rapporten läses av nämnden", {BRO}),
        ("EST i stadsdelen", {BRO}),
        ("SSPF-möten", {BRO}),
        ("Öka rapporteringen i KIA", set()),  # KIA carries every kind of incident: weak alone
        ("Lis Andersson är enhetschef", set()),  # a name, not LIS
        ("Sök bidrag från fonden", set()),  # "sök" is a verb
        ("Det är BRA att vi ses", set()),  # BRA is not BRÅ
        ("Ny Kia till hemtjänsten", set()),
    ],
)
def test_abbreviations(classifier: Classifier, text: str, expected: set[Topic]) -> None:
    assert topics_of(classifier, text) == expected


def test_weak_term_is_evidence_only_beside_a_strong_one(classifier: Classifier) -> None:
    result = classifier.classify("Hot mot personal rapporteras i KIA")
    assert result.topics == (HOT,)
    assert "KIA" in result.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Trygghetslarm installeras inom tre dagar",
        "Rekrytera beredskapshem och jourhem",
        "Socialjourens beredskapsjour",
        "Stärka stadens brand som attraktiv arbetsgivare",
        "Ökad patientsäkerhet i hemsjukvården",
        "Rättssäker handläggning",
        "Säker skolväg för alla barn",
        "Trygg förskolemiljö",
        "Trygghet i vården",
        "Trygga anställningar",
        "Personalkontinuiteten i hemtjänsten",
        "Buffert mot en ekonomisk kris",
        "Krissamtal med klienter",
        "Handlingsprogram för jämställdhet",
        "Placering av barn i HVB",
        "Nytt hotell vid torget",
        "Rätt till offentlig försvarare",
        "Dataskyddsförordningen följs",
        "Stärkt barnskydd",
        "Incidenter rapporteras enligt lex Sarah",
        "Stöd till våldsutsatta i nära relationer",
        "Ekonomi i balans",
        "Förskolans pedagogik utvecklas",
        "Fler bostäder",
        "Minskad klimatpåverkan",
        "Digitalisering av e-tjänster",
    ],
)
def test_false_friends_and_unrelated_text_get_no_topic(classifier: Classifier, text: str) -> None:
    assert topics_of(classifier, text) == set()


def test_boundaries_from_topics_md(classifier: Classifier) -> None:
    assert topics_of(classifier, "Utrymningsövning på förskolan") == {OLY}
    assert topics_of(classifier, "Utrymning och inkvartering vid höjd beredskap") == {CIV}
    assert topics_of(classifier, "Ransomware-attack mot verksamhetssystemet") == {INFO}
    assert topics_of(classifier, "Avbrott i telefoni och mobilnät") == {KRIS}
    assert topics_of(classifier, "En trygg, säker och välskött stad") == {BRO}
    assert topics_of(classifier, "Förebygga våld i nära relationer") == {BRO}


def test_hazard_words_count_on_risk_rows_only(classifier: Classifier) -> None:
    assert topics_of(classifier, "Brand i tillagningsköket") == {OLY}
    assert topics_of(classifier, "Brand i tillagningsköket", "risk") == {KRIS, OLY}
    assert topics_of(classifier, "Smittspridning bland brukare") == set()
    assert topics_of(classifier, "Smittspridning bland brukare", "risk") == {KRIS}


def test_result_is_ordered_deterministic_and_whitespace_insensitive(classifier: Classifier) -> None:
    text = "Fokus: hot och våld, RSA, civilt försvar och trygghetsvandringar"
    first = classifier.classify(text)
    assert first.topics == (KRIS, CIV, HOT, BRO)
    assert list(first.evidence) == sorted(first.evidence)
    assert Classifier.load(default_vocabulary_dir()).classify(text) == first
    spaced = "  Fokus:  hot och våld, RSA,\ncivilt försvar och trygghetsvandringar "
    assert classifier.classify(spaced) == first


def test_fold_text() -> None:
    assert fold_text("Säkerhetsskydd – IT-säkerhet!") == " sakerhetsskydd it sakerhet "
    assert fold_text("Ö6 é &") == " o6 e & "


# Lines a plan may hold side by side: separators, combining marks, OCR damage, a line that ends
# where a phrase of the next begins, a line with a newline of its own, and empty lines.
_SIDE_BY_SIDE = [
    "Säkerhetsskydd – IT-säkerhet!", "Ö6 é &", "Cafe\u0301 • ﬁler", "Arbetet mot hot och",
    "våld mot personal", "sakerhetsskydd", "Trygg förskolemiljö och känner sig trygga", "",
    "Krisberedskap\nRSA", "Rakel används vid övningen", "hot och våld", "Brå-rapporten",
    "Incidenter rapporteras till CERT", "SE-nummer anges", "Övning\0med LSO", " ",
]


def test_lines_folded_together_fold_as_they_would_apart() -> None:
    assert fold_texts(_SIDE_BY_SIDE) == [fold_text(text) for text in _SIDE_BY_SIDE]
    one_line_each = [text for text in _SIDE_BY_SIDE if "\n" not in text]  # folded in one pass
    assert fold_texts(one_line_each) == [fold_text(text) for text in one_line_each]
    assert fold_texts([]) == [] and fold_texts([""]) == [fold_text("")]


def test_lines_judged_together_are_judged_as_they_would_be_apart(classifier: Classifier) -> None:
    texts = _SIDE_BY_SIDE * 2  # each line a second time, after the others
    kinds = (["goal", "activity", "risk", None] * len(texts))[:len(texts)]
    together = classifier.classify_many(texts, kinds)
    apart = Classifier.load(default_vocabulary_dir())
    assert together == [apart.classify(text, kind) for text, kind in zip(texts, kinds)]
    # No phrase reaches from one line into the next ("hot och" + "våld", "CERT" + "SE"), but
    # each is found alone.
    assert together[3].topics == () and together[10].topics == (HOT,)
    assert together[12].topics == () and classifier.classify("CERT-SE").topics == (INFO,)
    vocabulary = VocabularyScorer(*load_vocabulary(default_vocabulary_dir()))
    words: list[dict[int, str]] = [{} for _ in texts]
    alone: list[dict[int, str]] = [{} for _ in texts]
    assert vocabulary.judged_many(texts, kinds, words) == [
        vocabulary.judged(text, kind, found) for text, kind, found in zip(texts, kinds, alone)]
    assert words == alone


# --- classify_plan -------------------------------------------------------------------------------


def test_classify_plan_sources() -> None:
    plan = Plan(
        namnd=Namnd(name="Exempelnämnden", type="facknamnd", year=2025),
        goals=[
            Goal(id="M1", text="Verksamheten är förberedd", topics=["civilt_forsvar"]),
            Goal(id="M2", text="Kontinuitetsplaner finns för samhällsviktig verksamhet"),
            Goal(id="M3", text="Ekonomi i balans"),
        ],
        indicators=[
            Indicator(id="I1", goal_id="M2", text="Andel enheter med genomförd utrymningsövning"),
            Indicator(id="I2", goal_id="M1", text="Andel enheter som svarat"),
            Indicator(id="I3", goal_id="M3", text="Budgetavvikelse"),
        ],
        activities=[
            Activity(id="A1", goal_id="M3", text="Trygghetsvandring", topics=["hot_och_vald"]),
            Activity(id="A2", goal_id="M3", text="Genomföra RSA"),
            Activity(id="A3", goal_id="M2", text="Ta fram underlag"),
            Activity(id="A4", goal_id="M3", text="Ta fram underlag"),
            Activity(id="A5", goal_id="M9", text="Ta fram underlag"),
        ],
        risks=[
            Risk(id="R1", text="Långvarigt bortfall", function="Hemtjänst",
                 probability=2, consequence=4),
            Risk(id="R2", text="Felaktiga utbetalningar", probability=3, consequence=2),
        ],
    )
    items = classify_plan(plan, Classifier.load(default_vocabulary_dir()))
    got = [(item.kind, item.id, item.topics, item.source) for item in items]
    assert got == [
        ("goal", "M1", (CIV,), "tagged"),
        ("goal", "M2", (KRIS,), "inferred"),
        ("goal", "M3", (), "none"),
        ("indicator", "I1", (OLY,), "inferred"),
        ("indicator", "I2", (CIV,), "inherited"),
        ("indicator", "I3", (), "none"),
        ("activity", "A1", (HOT,), "tagged"),
        ("activity", "A2", (KRIS,), "inferred"),
        ("activity", "A3", (KRIS,), "inherited"),
        ("activity", "A4", (), "none"),
        ("activity", "A5", (), "none"),
        ("risk", "R1", (KRIS,), "inferred"),
        ("risk", "R2", (), "none"),
    ]


def test_classify_plan_evidence() -> None:
    plan = Plan(
        namnd=Namnd(name="Exempelnämnden", type="facknamnd", year=2025),
        goals=[Goal(id="M1", text="Kontinuitetsplanerna övas")],
        activities=[Activity(id="A1", goal_id="M1", text="Ta fram underlag")],
        risks=[Risk(id="R1", text="Dataintrång", measure="Säkerhetskopiering",
                    probability=1, consequence=5)],
    )
    items = classify_plan(plan, Classifier.load(default_vocabulary_dir()))
    got = [(i.kind, i.id, i.topics, i.source, i.evidence) for i in items]
    assert got == [
        ("goal", "M1", (KRIS,), "inferred", ("kontinuitetsplan",)),
        ("activity", "A1", (KRIS,), "inherited", ()),
        ("risk", "R1", (INFO,), "inferred", ("dataintrång", "säkerhetskopi")),
    ]
    assert items[0].judged.scores == (TopicScore(KRIS, 0.7, ("kontinuitetsplan",)),)
    assert items[1].judged.scores == ()
    assert items[2].judged.scores == (
        TopicScore(INFO, 0.85, ("dataintrång", "säkerhetskopi")),)


# --- vocabulary validation -------------------------------------------------------------------


@pytest.fixture
def vocabulary(tmp_path: Path) -> Path:
    target = tmp_path / "vocabulary"
    shutil.copytree(default_vocabulary_dir(), target)
    return target


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize(
    ("entry", "label", "detail"),
    [
        ("{term: brandlarmscentral, match: regex}", "brandlarmscentral", "match"),
        ("{term: brandpost, colour: red}", "brandpost", "colour"),
        ('{term: "brand {i,på"}', "brand {i,på", "obalanserade klamrar"),
        ('{term: "*"}', "*", "tom term"),
        ("{term: sprinkler}", "sprinkler", "termen förekommer två gånger"),
        ('{term: "SB*", match: abbr}', "SB*", "en förkortning kan inte"),
        ("{term: brandpost, kinds: [mål]}", "brandpost", "kinds"),
    ],
)
def test_bad_vocabulary_entry_names_file_and_entry(
    vocabulary: Path, entry: str, label: str, detail: str
) -> None:
    _append(vocabulary / "forebygga_olyckor.yaml", f"  - {entry}\n")
    message = rf"forebygga_olyckor\.yaml: terms\[\d+\] \({re.escape(repr(label))}\): {detail}"
    with pytest.raises(ValueError, match=message):
        Classifier.load(vocabulary)


def test_an_empty_alternative_makes_its_group_optional() -> None:
    term = Term(Topic.krisberedskap, TermSpec(term="{vatten,mat} {och,} värme", match="word"), None)
    scanner = Scanner.build([term])

    def found(text: str) -> list[Term]:
        return scanner.judged(text, fold_text(text))[0]

    assert found("Brist på mat och värme") == [term]
    assert found("Brist på vatten, värme") == [term]
    assert found("Brist på vatten eller värme") == []
    with pytest.raises(ValueError, match="tom term"):
        Term(Topic.krisberedskap, TermSpec(term="{och,}"), None).spellings()


def test_unreadable_yaml_names_the_file(vocabulary: Path) -> None:
    _append(vocabulary / "forebygga_olyckor.yaml", "  - {term: brandpost\n")
    with pytest.raises(ValueError, match=r"forebygga_olyckor\.yaml: kan inte läsas som YAML"):
        Classifier.load(vocabulary)


def test_bad_negative_and_file_set_are_refused(vocabulary: Path) -> None:
    _append(vocabulary / "negatives.yaml", "  - {phrase: hotellrum}\n")
    with pytest.raises(ValueError, match=r"negatives\.yaml: negatives\[\d+\] \('hotellrum'\)"):
        Classifier.load(vocabulary)
    shutil.copy(default_vocabulary_dir() / "negatives.yaml", vocabulary / "negatives.yaml")
    (vocabulary / "extra.yaml").write_text("topic: krisberedskap\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"extra\.yaml: okänd vokabulärfil"):
        Classifier.load(vocabulary)
    (vocabulary / "extra.yaml").unlink()
    (vocabulary / "sakerhetsskydd.yaml").unlink()
    with pytest.raises(ValueError, match=r"sakerhetsskydd\.yaml: vokabulärfilen saknas"):
        Classifier.load(vocabulary)


def test_topic_must_match_file_name(vocabulary: Path) -> None:
    path = vocabulary / "civilt_forsvar.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("topic: civilt_forsvar", "topic: krisberedskap"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"civilt_forsvar\.yaml: topic: filen gäller civilt_"):
        Classifier.load(vocabulary)


# --- scores, judgments and the scorer interface ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # One strong term decides; more distinct terms of the topic make it surer.
        ("Kontinuitetsplanerna ses över", None, [(KRIS, 0.7, "serves", "kontinuitetsplan", "")]),
        ("Hot mot personal rapporteras i KIA", None, [(HOT, 0.85, "serves", "KIA", "")]),
        # The model alone already leaned to hot och våld here; the term makes it the vocabulary's.
        ("Hot mot kommunala tjänstemän ska polisanmälas", None,
         [(HOT, 0.85, "serves", "polisanmäl", ""), (BRO, 0.35, "near", "polis", "")]),
        # A weak term alone comes close: the lines a säkerhetssamordnare should look at.
        ("Belysningen i parken ses över", None, [(BRO, 0.35, "near", "belysning", "")]),
        ("Tillbud rapporteras i KIA", None, [(HOT, 0.45, "near", "tillbud", "")]),
        # A term its context cancels was judged, and lost.
        ("Trygghetsinsatser för brukare i hemtjänsten", None,
         [(BRO, 0.15, "below", "", "trygghetsinsats")]),
        # Lighting as energy is not lighting for trygghet (corpus README, unclear points 9 and 11).
        ("Belysning byts till LED", None, [(BRO, 0.15, "below", "", "belysning")]),
        # The staff's own safety routines; protective equipment is not personskydd.
        ("Riktlinjer för personsäkerhet", None, [(HOT, 0.7, "serves", "personsäkerhet", "")]),
        ("Pågående dödligt våld", None, [(HOT, 0.7, "serves", "pågående dödligt våld", "")]),
        ("Personskyddsutrustning i hemtjänsten", None, []),
        # Informationsklassning in other word orders; classifying buildings is not (the weak
        # term is judged, and its context cancels it).
        ("Rutin för klassning av information", None,
         [(INFO, 0.7, "serves", "klassning av information", "")]),
        ("Klassning av fastigheter", None, [(INFO, 0.15, "below", "", "klassning")]),
        ("Brand i tillagningsköket", "risk",
         [(KRIS, 0.7, "serves", "brand", ""), (OLY, 0.7, "serves", "Brand", "")]),
        ("Ekonomi i balans", None, []),
    ],
)
def test_scores_and_judgments(
    text: str, kind: str | None, expected: list[tuple[Topic, float, str, str, str]],
) -> None:
    """(topic, score, judgment, one of its evidence terms, one term against it) per topic, on the
    vocabulary's own scale (the model's part is tested in tests/test_topicmodel.py)."""
    classifier = Classifier(VocabularyScorer(*load_vocabulary(default_vocabulary_dir())))
    result = classifier.classify(text, kind)  # type: ignore[arg-type]
    assert [(s.topic, s.score, result.judgment(s)) for s in result.scores] == [
        (topic, score, judgment) for topic, score, judgment, _, _ in expected]
    for got, (_, _, _, evidence, against) in zip(result.scores, expected, strict=True):
        assert (evidence in got.evidence) if evidence else got.evidence == ()
        assert (against in got.against) if against else got.against == ()
    assert result.topics == tuple(t for t, _, judgment, _, _ in expected if judgment == "serves")
    assert [s.topic for s in result.near] == [t for t, _, j, _, _ in expected if j == "near"]


def test_scores_are_deterministic_across_loads(classifier: Classifier) -> None:
    texts = [row.text for row in load_labelled(LABELLED)]
    again = Classifier.load(default_vocabulary_dir())
    assert [classifier.classify(t) for t in texts] == [again.classify(t) for t in texts]
    near = [t for t in texts if classifier.classify(t).near]
    assert near, "the labelled lines include some that only came close"


class _FixedScorer:
    """A stand-in model: what a learned scorer hands the Classifier."""

    thresholds = Thresholds(decide=0.6, near=0.2)

    def score(self, text: str, kind: str | None) -> list[TopicScore]:
        if "övning" in text:
            return [TopicScore(BRO, 0.25, ("övning",)), TopicScore(KRIS, 0.6000000001, ("övning",))]
        return [TopicScore(INFO, 1.5, ("fel",))] if "fel" in text else []


def test_another_scorer_plugs_in_with_its_own_thresholds() -> None:
    classifier = Classifier(_FixedScorer())
    result = classifier.classify("Gemensam övning")
    # Sorted in topic order, rounded to two decimals, judged by the scorer's thresholds.
    assert [(s.topic, s.score) for s in result.scores] == [(KRIS, 0.6), (BRO, 0.25)]
    assert result.topics == (KRIS,)
    assert [s.topic for s in result.near] == [BRO]
    assert classifier.classify("Ingenting").scores == ()
    with pytest.raises(ValueError, match="utanför 0–1"):
        classifier.classify("Något fel")


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        Thresholds(decide=0.3, near=0.5)
    with pytest.raises(ValueError):
        Thresholds(decide=1.2, near=0.5)


def test_a_tagged_item_keeps_no_judgment_of_its_text() -> None:
    plan = Plan(
        namnd=Namnd(name="Exempelnämnden", type="facknamnd", year=2025),
        goals=[Goal(id="M1", text="Polisen besöker skolan", topics=["krisberedskap"]),
               Goal(id="M2", text="Polisen besöker skolan")],
    )
    # The vocabulary alone, whose weak "polis" comes near: whether the model, retrained, would
    # decide the line is beside the point here.
    vocabulary = Classifier(VocabularyScorer(*load_vocabulary(default_vocabulary_dir())))
    tagged, untagged = classify_plan(plan, vocabulary)
    assert tagged.judged.scores == () and tagged.near([BRO]) == ()
    assert [s.topic for s in untagged.near([BRO, KRIS])] == [BRO]
    assert untagged.near([KRIS]) == ()


def test_a_pattern_term_is_shown_by_the_words_the_line_used(classifier: Classifier) -> None:
    """Not by its headword: "{systemavbrott,…,personalbortfall}" found in a line that says
    personalbortfall is shown as personalbortfall, and a word said twice by the words where the
    pattern matched, as written there."""
    risk = classifier.classify("Pandemi med personalbortfall inom äldreomsorgen", "risk")
    assert "personalbortfall" in risk.evidence and "systemavbrott" not in risk.evidence
    twice = classifier.classify("Beredskapen inför höjda beredskapen")
    assert "höjda beredskapen" in twice.evidence
    assert "{" not in " ".join(twice.evidence) and "*" not in " ".join(twice.evidence)


def test_a_pattern_term_has_a_headword() -> None:
    from planchecker.topics.vocabulary import shown_term

    assert shown_term("{i samarbete med,tillsammans med} {polis,polisen}") == "i samarbete med polis"
    assert shown_term("{hot,våld} {och,eller} {hot,våld}") == "hot och våld"
    assert shown_term("{utsätt*,utsatt*} för {hot,våld}") == "utsätt* för hot"
    assert shown_term("krisberedskap") == "krisberedskap"
