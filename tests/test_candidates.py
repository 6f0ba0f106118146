"""Items that came close: a missing mål or aktivitet finding names the untagged items whose text
came close to the fokusområde, in every report format and on the web page, without changing
any verdict."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from planchecker.checking.findings import Candidate, Finding, NearMisses, Report
from planchecker.common.model import Activity, Goal, Indicator, Namnd, NamndType, Plan, Risk, Topic
from planchecker.reading.template import write_plan_xlsx
from planchecker.reports import htmlreport, writers
from planchecker.reports.workbook import plan_workbook
from planchecker.topics.classifier import Classification, ItemTopics, Thresholds, TopicScore
from planchecker.web import app as web
from tests.golden_cases import checker
from tests.web_support import multipart

HOT, SAK = Topic.hot_och_vald, Topic.sakerhetsskydd
HOT_AREA = "Otillåten påverkan samt hot och våld mot anställda"
SSK_AREA = "Säkerhetsskydd och informationssäkerhet"
# Weak terms of hot_och_vald and sakerhetsskydd: alone they come close without deciding.
DEBRIEF = "Avlastningssamtal efter svåra möten med besökare"
ACCESS = "Tillträdeskontroll vid entréerna"
SENTENCE = "A1 (rad {row}) kan gälla {area} – ange fokusområdet i kolumnen Fokusområde om så är fallet"


def _plan(*activities: Activity) -> Plan:
    return Plan(
        namnd=Namnd(name="Provnämnden", type=NamndType.stadsdelsnamnd, year=2020),
        goals=[Goal(id="M1", text="Ekonomi i balans"),
               Goal(id="M2", text="Tillbud rapporteras i KIA")],
        activities=[*activities],
    )


NEAR_PLAN = _plan(
    Activity(id="A1", goal_id="M1", text=DEBRIEF),
    Activity(id="A2", goal_id="M1", text=ACCESS),
    # The same text as A1, but the nämnd has said what it serves: never a candidate.
    Activity(id="A3", goal_id="M1", text=DEBRIEF, topics=[Topic.krisberedskap]),
)


def _report(plan: Plan, folder: Path, name: str = "plan.xlsx") -> Report:
    path = folder / name
    path.write_bytes(write_plan_xlsx(plan))
    report = checker().check_file(path).report
    assert report is not None
    return report


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return _report(NEAR_PLAN, tmp_path_factory.mktemp("near"))


def _finding(report: Report, rule_id: str) -> Finding:
    return next(f for f in report.findings if f.rule_id == rule_id)


def _row(report: Report, item_id: str) -> int:
    location = report.location_of(item_id)
    assert location is not None and location.row is not None
    return location.row


def test_missing_activity_names_the_untagged_items_that_came_close(report: Report) -> None:
    hot = _finding(report, "SAK20-HOT-AKT")
    assert hot.candidates == (Candidate("activity", "A1", HOT, 0.35, ("avlastningssamtal",)),)
    ssk = _finding(report, "SAK20-SSK-AKT")
    assert ssk.candidates == (Candidate("activity", "A2", SAK, 0.35, ("tillträdeskontroll",)),)
    goal = _finding(report, "SAK20-HOT-MAL")
    assert goal.candidates == (Candidate("goal", "M2", HOT, 0.45, ("KIA", "tillbud")),)
    # The program-wide mål rule (any of the program's areas) names the same goal.
    assert _finding(report, "SAK20-MAL").candidates == goal.candidates
    # Other findings (documents, other areas) name nobody.
    named = {"SAK20-HOT-AKT", "SAK20-SSK-AKT", "SAK20-HOT-MAL", "SAK20-MAL"}
    assert all(not f.candidates for f in report.findings if f.rule_id not in named)


def test_a_tagged_item_is_never_a_candidate(report: Report) -> None:
    assert all(c.id != "A3" for f in report.findings for c in f.candidates)
    a3 = next(i for i in report.items if i.id == "A3")
    assert a3.source == "tagged" and a3.judged.scores == ()


def test_no_candidate_when_the_area_is_covered(tmp_path: Path) -> None:
    covered = _report(_plan(
        Activity(id="A1", goal_id="M1", text=DEBRIEF),
        Activity(id="A4", goal_id="M1", text="Handlingsplan mot hot och våld mot anställda"),
    ), tmp_path)
    assert not any(f.rule_id == "SAK20-HOT-AKT" for f in covered.findings)
    assert all(c.id != "A1" for f in covered.findings for c in f.candidates)
    assert "A1 (rad" not in writers.render_markdown(covered)


def test_candidates_do_not_change_any_verdict(report: Report, tmp_path: Path) -> None:
    plain = _report(_plan(
        Activity(id="A1", goal_id="M1", text="Ekonomin följs upp"),
        Activity(id="A2", goal_id="M1", text="Ekonomin följs upp igen"),
        Activity(id="A3", goal_id="M1", text=DEBRIEF, topics=[Topic.krisberedskap]),
    ), tmp_path)
    assert report.verdict == plain.verdict
    assert ([(f.rule_id, f.status, f.subjects) for f in report.findings]
            == [(f.rule_id, f.status, f.subjects) for f in plain.findings])
    assert report.coverage_record() == plain.coverage_record()


def _sentences(report: Report) -> list[str]:
    return [SENTENCE.format(row=_row(report, "A1"), area=HOT_AREA),
            SENTENCE.format(row=_row(report, "A2"), area=SSK_AREA).replace("A1", "A2", 1),
            "stöd i texten: avlastningssamtal, 35 %"]


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_candidates_are_named_in_every_text_format(report: Report, fmt: str) -> None:
    render = {"table": writers.render_table, "markdown": writers.render_markdown,
              "html": htmlreport.render_html}[fmt]
    text = render(report)
    # The terminal table wraps its cells: compare with the line breaks taken out.
    flat = " ".join(text.split()) if fmt == "table" else text
    for sentence in _sentences(report):
        assert sentence in flat


def test_candidates_and_scores_are_in_the_json_report(report: Report) -> None:
    record = json.loads(writers.render_json(report))
    assert record["report_version"] == 2
    hot = next(f for f in record["findings"] if f["rule_id"] == "SAK20-HOT-AKT")
    assert hot["candidates"] == [{
        "kind": "activity", "id": "A1", "topic": "hot_och_vald", "confidence": 0.35,
        "evidence": ["avlastningssamtal"],
        "location": {"file": "plan.xlsx", "sheet": "Aktiviteter", "row": _row(report, "A1")},
    }]
    items = {i["id"]: i for i in record["items"]}
    assert items["A1"]["topic_source"] == "none"
    assert items["A1"]["topic_scores"] == [{
        "topic": "hot_och_vald", "confidence": 0.35, "judgment": "near",
        "evidence": ["avlastningssamtal"], "against": []}]
    assert items["A3"]["topic_scores"] == []


def test_candidates_are_in_the_workbook(report: Report) -> None:
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(report)), read_only=True)
    rows = list(book["Brister"].iter_rows(values_only=True))
    column = rows[0].index(writers.CANDIDATES_HEADING)
    by_rule = {row[0]: row[column] or "" for row in rows[1:]}
    first, second, evidence = _sentences(report)
    assert first in by_rule["SAK20-HOT-AKT"] and evidence in by_rule["SAK20-HOT-AKT"]
    assert second in by_rule["SAK20-SSK-AKT"]
    assert by_rule["LEH-RSA-DOK"] == ""


def test_candidates_are_on_the_web_result_page(tmp_path: Path) -> None:
    client = web.create_app().test_client()
    body, content_type = multipart({}, {"plan": ("plan.xlsx", write_plan_xlsx(NEAR_PLAN))})
    response = client.post("/check", data=body, content_type=content_type)
    assert response.status_code == 200
    page = response.data.decode()
    assert writers.CANDIDATES_HEADING in page
    report = _report(NEAR_PLAN, tmp_path)
    for sentence in _sentences(report):
        assert sentence in page


def test_many_candidates_are_counted_beyond_the_named_ones(tmp_path: Path) -> None:
    many = _report(_plan(*(Activity(id=f"A{n}", goal_id="M1", text=f"{DEBRIEF} {n}")
                           for n in range(1, 9))), tmp_path)
    hot = _finding(many, "SAK20-HOT-AKT")
    assert [c.id for c in hot.candidates] == [f"A{n}" for n in range(1, 9)]
    lines = writers.candidate_lines(many, hot)
    assert len(lines) == writers.CANDIDATES_NAMED + 1
    assert lines[-1] == "Ytterligare 3 poster kan gälla fokusområdet (alla finns i JSON-rapporten)."


def test_evidence_is_written_as_a_reader_would_say_it() -> None:
    assert writers.term_label("{hot*,våld*} mot {anställd*,personal*}") == "hot mot anställd"
    assert writers.term_label("{arbetar,arbeta,arbetet} ensam*") == "arbetar ensam"
    assert writers.term_label("KIA") == "KIA"


def test_a_hostile_candidate_id_is_neither_a_formula_nor_markup(tmp_path: Path) -> None:
    hostile = "=HYPERLINK(\"http://x\")<b>"
    report = _report(_plan(Activity(id=hostile, goal_id="M1", text=DEBRIEF)), tmp_path)
    assert _finding(report, "SAK20-HOT-AKT").candidates[0].id == hostile
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(report)), read_only=True)
    rows = list(book["Brister"].iter_rows(values_only=True))
    column = rows[0].index(writers.CANDIDATES_HEADING)
    cell = next(row[column] for row in rows[1:] if row[0] == "SAK20-HOT-AKT")
    assert cell.startswith("\u200b=HYPERLINK")
    html = htmlreport.render_html(report)
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "\\<b\\>" in writers.render_markdown(report)


def _near(item_id: str, *scores: tuple[Topic, float]) -> ItemTopics:
    near = tuple(TopicScore(topic, score, (f"ord-{topic.value}",)) for topic, score in scores)
    return ItemTopics("goal", item_id, (), "none", Classification(near, Thresholds(0.6, 0.3), (), near, ()))


def test_candidates_are_named_closest_first_each_once_with_its_best_topic() -> None:
    """The "kan gälla" list a reader works down: the closest first, equal scores in id order
    (M2 before M10), and an item near several of the rule's topics once, under its best one; on
    equal scores the topic the program lists first, whatever order the scorer gave them in."""
    rule = checker().catalogue.get_rule("SAK20-MAL")  # a mål for any area of the program
    assert rule.topics.index(Topic.krisberedskap) < rule.topics.index(HOT)
    near = NearMisses([
        _near("M10", (SAK, 0.40)),
        _near("M2", (SAK, 0.40)),
        _near("M5", (SAK, 0.50)),
        _near("M7", (Topic.krisberedskap, 0.31), (HOT, 0.55)),
        _near("M8", (HOT, 0.35), (Topic.krisberedskap, 0.35)),
    ])
    assert [(c.id, c.topic, c.score) for c in near.candidates(rule)] == [
        ("M7", HOT, 0.55), ("M5", SAK, 0.50), ("M2", SAK, 0.40), ("M10", SAK, 0.40),
        ("M8", Topic.krisberedskap, 0.35),
    ]
    assert near.candidates(rule)[0].evidence == ("ord-hot_och_vald",)


def test_every_kind_of_item_keeps_its_row_and_items_are_listed_by_kind(tmp_path: Path) -> None:
    """A finding on a risk names its row in the RSA sheet like any other item, and the report
    lists mål, indikatorer, aktiviteter, risker in that order whatever their ids."""
    plan = Plan(
        namnd=Namnd(name="Provnämnden", type=NamndType.stadsdelsnamnd, year=2020),
        goals=[Goal(id="Z1", text="Ekonomi i balans")],
        indicators=[Indicator(id="Y1", goal_id="Z1", text="Andel budget i balans")],
        activities=[Activity(id="X1", goal_id="Z1", text="Månadsuppföljning av ekonomin")],
        risks=[Risk(id="W1", text="Långvarigt elavbrott", probability=4, consequence=5)],
    )
    report = _report(plan, tmp_path)
    assert [(i.kind, i.id) for i in report.items] == [
        ("goal", "Z1"), ("indicator", "Y1"), ("activity", "X1"), ("risk", "W1")]
    rows = {i: (loc.sheet, loc.row) if (loc := report.location_of(i)) else None for i in ("Z1", "Y1", "X1", "W1")}
    assert rows == {"Z1": ("Mål", 2), "Y1": ("Indikatorer", 2), "X1": ("Aktiviteter", 2), "W1": ("RSA", 2)}
    uncovered = next(f for f in report.findings if f.subjects == ("W1",))
    assert "W1 (rad 2)" in writers.render_markdown(report), uncovered


def test_a_line_no_term_matched_is_named_by_the_model(tmp_path: Path) -> None:
    # No vocabulary term in it (a training line, D2006): the model leans to informationssäkerhet,
    # not surely enough to decide, and the missing aktivitet names the line with the model's words.
    text = "Information om arbetet med dataskyddsförordningen (GDPR)"
    report = _report(_plan(Activity(id="A1", goal_id="M1", text=text)), tmp_path)
    finding = _finding(report, "SAK20-SSK-AKT")
    (candidate,) = finding.candidates
    assert (candidate.id, candidate.topic) == ("A1", Topic.informationssakerhet)
    assert 0.3 <= candidate.score < 0.5
    assert re.fullmatch(r"modellen: Information \+\d,\d\d", candidate.evidence[0])
    (line,) = writers.candidate_lines(report, finding)
    assert line.startswith(SENTENCE.format(row=_row(report, "A1"), area=SSK_AREA))
    # The model's words once under one heading, not "modellen:" before each.
    assert f"(enligt {candidate.evidence[0]}, " in line
    assert line.count("modellen") == 1
    # It came near only: the aktivitet does not serve the area, and the finding stands.
    a1 = next(i for i in report.items if i.id == "A1")
    assert Topic.informationssakerhet not in a1.topics


def _leaning(leans: dict[str, tuple[tuple[Topic, float], ...]]
             ) -> Callable[[ItemTopics], tuple[TopicScore, ...]]:
    def lean(item: ItemTopics) -> tuple[TopicScore, ...]:
        return tuple(TopicScore(topic, score, (f"modellen: ord-{item.id} +1,00",))
                     for topic, score in leans.get(item.id, ()))
    return lean


def test_the_item_the_model_leans_to_most_is_named_after_those_that_came_close() -> None:
    """The closest item beside the near ones: the single one the model leans to most for one of
    the rule's topics (ties: the topic the rule lists first, then id order), never twice, never a
    tagged item, and nothing without a model."""
    rule = checker().catalogue.get_rule("SAK20-HOT-MAL")
    tagged = ItemTopics("goal", "M9", (Topic.krisberedskap,), "tagged",
                        Classification((), Thresholds(0.5, 0.3), (), (), ()))
    items = [_near("M1", (HOT, 0.40)), _near("M2"), _near("M3"), _near("M4"), tagged]
    leans = {"M1": ((HOT, 0.29),), "M2": ((HOT, 0.12), (SAK, 0.28)), "M3": ((HOT, 0.20),),
             "M4": ((HOT, 0.20),), "M9": ((HOT, 0.29),)}
    # M1 leans most and already came near: named once, under its near score.
    assert [(c.id, c.score) for c in NearMisses(items, _leaning(leans)).candidates(rule)] == [
        ("M1", 0.40)]
    del leans["M1"]  # now M3 and M4 lean most, equally (M2 leans more, but to the wrong topic)
    assert NearMisses(items, _leaning(leans)).candidates(rule) == (
        Candidate("goal", "M1", HOT, 0.40, ("ord-hot_och_vald",)),
        Candidate("goal", "M3", HOT, 0.20, ("modellen: ord-M3 +1,00",)))
    assert [c.id for c in NearMisses(items).candidates(rule)] == ["M1"]
    assert NearMisses([_near("M2")], _leaning({})).candidates(rule) == ()


def test_a_missing_area_names_the_closest_line_even_when_no_term_came_near(tmp_path: Path) -> None:
    """No term of hot och våld in the plan, so nothing came near; the model still leans to one
    aktivitet, which is named with its words, in the text report as in the JSON."""
    plan = Plan(
        namnd=Namnd(name="Provnämnden", type=NamndType.stadsdelsnamnd, year=2020),
        goals=[Goal(id="M1", text="Ekonomi i balans")],
        activities=[Activity(id="A1", goal_id="M1", text="Månadsuppföljning av ekonomin"),
                    Activity(id="A2", goal_id="M1",  # a training line, B0250
                             text="Om en medarbetare inte kommer tillbaka efter tjänsteärende")],
    )
    report = _report(plan, tmp_path)
    hot = _finding(report, "SAK20-HOT-AKT")
    assert [c.id for c in hot.candidates] == ["A2"]
    assert hot.candidates[0].evidence[0].startswith("modellen: ")
    assert hot.candidates[0].score < 0.3  # a lean, under the scale's "near"
    lines = writers.candidate_lines(report, hot)
    assert lines[0].startswith(f"A2 (rad {_row(report, 'A2')}) kan gälla {HOT_AREA}")
    assert "enligt modellen: " in lines[0]


def test_a_lean_keeps_its_score_whatever_thresholds_the_scorer_has() -> None:
    """benchmarks.topic_cv tries the model without judging unmatched lines at all: the lean's
    place on the scale does not depend on those thresholds (it once divided by their gap)."""
    from planchecker.topics.classifier import ModelScorer, VocabularyScorer, default_vocabulary_dir
    from planchecker.topics.topicmodel import MODEL_FILE, TopicModel
    from planchecker.topics.vocabulary import load_vocabulary

    folder = default_vocabulary_dir()
    vocabulary = VocabularyScorer(*load_vocabulary(folder))
    model = TopicModel.read(folder / MODEL_FILE)
    text = "Om en medarbetare inte kommer tillbaka efter tjänsteärende"
    shipped = ModelScorer(vocabulary, model).leaning(text, "activity")
    bare = ModelScorer(vocabulary, model, unmatched_decides=None, unmatched_near=None)
    assert shipped and bare.leaning(text, "activity") == shipped
    assert ModelScorer(vocabulary, model, ranked_near=None).leaning(text, "activity") == ()
