"""Rule files: validation messages name file, line and rule id; applicability; mandate periods."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planchecker.checking.rulebook import PlanContext, RuleFileError, load_catalogue, mandate_period
from planchecker.common.model import Plan

GOOD_RULE = """\
  - id: X-KRIS-MAL
    title: Mål för krisberedskap
    message: Planen saknar mål för krisberedskap.
    severity: error
    area: Kris
    source: {document: Testprogrammet, paragraph: "1 §", url: "https://example.org"}
    check: {kind: item_for_area, item: goal}
"""

HEAD = """\
id: test-pack
title: Testpaket
source: {document: Testprogrammet, paragraph: "hela", url: "https://example.org"}
years: {from: 2020, to: 2023}
areas:
  Kris: [krisberedskap]
rules:
"""


def _catalogue_dir(tmp_path: Path, *bodies: str) -> Path:
    names = []
    for number, body in enumerate(bodies):
        name = f"pack{number}.yaml"
        (tmp_path / name).write_text(body, encoding="utf-8")
        names.append(name)
    (tmp_path / "index.yaml").write_text("packs:\n" + "".join(f"  - {n}\n" for n in names), encoding="utf-8")
    return tmp_path


def _error(tmp_path: Path, *bodies: str) -> str:
    with pytest.raises(RuleFileError) as caught:
        load_catalogue(_catalogue_dir(tmp_path, *bodies))
    return caught.value.format_message()


def test_a_good_pack_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue(_catalogue_dir(tmp_path, HEAD + GOOD_RULE))
    rule = catalogue.get_rule("X-KRIS-MAL")
    assert rule.rule.category == "missing_goal"
    assert [t.value for t in rule.topics] == ["krisberedskap"]


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    message = _error(tmp_path, HEAD + GOOD_RULE + "  - id: [oavslutad\n")
    assert message.startswith("pack0.yaml:16: felaktig YAML")


def test_unknown_check_kind_names_rule_and_line(tmp_path: Path) -> None:
    body = HEAD + GOOD_RULE.replace("item_for_area", "finns_mal")
    message = _error(tmp_path, body)
    assert message.startswith("pack0.yaml:8: X-KRIS-MAL: check:")
    assert "finns_mal" in message


def test_unknown_fokusomrade_is_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, HEAD + GOOD_RULE.replace("area: Kris", "area: Brand"))
    assert "X-KRIS-MAL: area: okänt fokusområde 'Brand'" in message


def test_unknown_topic_in_areas_is_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, HEAD.replace("[krisberedskap]", "[brand]") + GOOD_RULE)
    assert "pack0.yaml" in message and "areas.Kris" in message


def test_duplicate_rule_ids_across_files_are_refused(tmp_path: Path) -> None:
    second = HEAD.replace("test-pack", "other-pack") + GOOD_RULE
    message = _error(tmp_path, HEAD + GOOD_RULE, second)
    assert message == "other-pack.yaml: X-KRIS-MAL: id 'X-KRIS-MAL' används redan i test-pack.yaml"


def test_missing_source_url_is_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, HEAD + GOOD_RULE.replace('url: "https://example.org"}', 'url: "lagen"}'))
    assert "X-KRIS-MAL: source.url" in message


def test_unknown_rule_id_is_a_swedish_error(tmp_path: Path) -> None:
    catalogue = load_catalogue(_catalogue_dir(tmp_path, HEAD + GOOD_RULE))
    with pytest.raises(Exception, match="Det finns ingen regel med id 'NOPE'"):
        catalogue.get_rule("NOPE")


@pytest.mark.parametrize(
    ("year", "period"),
    [(2015, (2015, 2018)), (2018, (2015, 2018)), (2019, (2019, 2022)), (2022, (2019, 2022)),
     (2023, (2023, 2026)), (2027, (2027, 2030)), (2031, (2031, 2034))],
)
def test_mandate_periods_are_computed(year: int, period: tuple[int, int]) -> None:
    assert mandate_period(year) == period


def test_applicability_by_year_and_type(tmp_path: Path) -> None:
    body = HEAD + GOOD_RULE + "    applies: {namnd_types: [stadsdelsnamnd]}\n"
    rule = load_catalogue(_catalogue_dir(tmp_path, body)).get_rule("X-KRIS-MAL")
    ctx = PlanContext(as_of=dt.date(2021, 1, 1))

    def plan(kind: str, year: int) -> Plan:
        return Plan.model_validate({"namnd": {"name": "N", "type": kind, "year": year}})

    assert rule.applies_to(plan("stadsdelsnamnd", 2021), ctx)
    assert not rule.applies_to(plan("facknamnd", 2021), ctx)
    assert not rule.applies_to(plan("stadsdelsnamnd", 2024), ctx)


def test_default_as_of_is_end_of_plan_year_for_past_plans() -> None:
    plan = Plan.model_validate({"namnd": {"name": "N", "type": "facknamnd", "year": 2018}})
    assert PlanContext.default_for(plan, today=dt.date(2026, 11, 22)).as_of == dt.date(2018, 12, 31)
    future = Plan.model_validate({"namnd": {"name": "N", "type": "facknamnd", "year": 2027}})
    assert PlanContext.default_for(future, today=dt.date(2026, 11, 22)).as_of == dt.date(2026, 11, 22)


def test_the_bundled_catalogue_loads() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.rules) >= 1
    assert all(r.rule.source.url is None or r.rule.source.url.startswith("https://") for r in catalogue.rules)


def test_every_fokusomrade_name_in_the_rules_can_be_typed_in_a_plan() -> None:
    """A nämnd may write any program's area name in the Fokusområde column."""
    from planchecker.common.model import parse_fokusomraden

    for pack in load_catalogue().packs:
        for name, topics in pack.areas.items():
            parsed, unknown = parse_fokusomraden(name)
            assert unknown == [], (pack.id, name)
            # An area may be wider than its name (area 5 of 2018–2021 also counts
            # informationssäkerhet) or a law's area may share a program's name (one coverage row)
            # while checking part of it: the typed name must lead into the area either way.
            assert set(parsed) & set(topics), (pack.id, name)


def test_coverage_shows_sakerhetsskydd_och_informationssakerhet_once() -> None:
    """The säkerhetsprogram's area 3, the säkerhetsskydd law and the cybersäkerhetslag are one row."""
    from planchecker.checking.pipeline import Checker

    plan = Plan.model_validate({"namnd": {"name": "Kommunstyrelsen", "type": "kommunstyrelse", "year": 2026}})
    report = Checker().check(plan, "ks.json", PlanContext(as_of=dt.date(2026, 12, 31)))
    assert report.areas.count("Säkerhetsskydd och informationssäkerhet") == 1
    assert "Informationssäkerhet" not in report.areas and "Säkerhetsskydd" not in report.areas
    # All three sources' aktivitet rules report under that one row.
    in_row = {f.rule_id for f in report.findings if f.area == "Säkerhetsskydd och informationssäkerhet"}
    assert {"SAK20-SSK-AKT", "SSK-AKT", "CSL-INFO-AKT"} <= in_row


def test_no_rule_cites_a_program_of_a_later_period_than_the_plans_it_judges() -> None:
    """A finding on a 2018 plan must not cite the säkerhetsprogram 2020–2023 as its source."""
    import re

    wrong = []
    for bound in load_catalogue().rules:
        for first, last in re.findall(r"(20\d\d)[–-](20\d\d)", bound.rule.source.cite()):
            if int(first) > bound.years.first:
                wrong.append((bound.id, bound.years.label(), f"{first}–{last}"))
    assert wrong == []


def test_rule_file_errors_are_one_line_each_with_file_line_rule_and_field(tmp_path: Path) -> None:
    """The exact wording of a broken rule file's errors, one per line (a blank first line counts)."""
    first = GOOD_RULE.replace('url: "https://example.org"}', 'url: "lagen"}')
    second = GOOD_RULE.replace("X-KRIS-MAL", "X-KRIS-AKT").replace("severity: error", "severity: fatal")
    message = _error(tmp_path, "\n" + HEAD + first + second)
    assert message.splitlines() == [
        "pack0.yaml:9: X-KRIS-MAL: source.url: String should match pattern '^https://'",
        "pack0.yaml:16: X-KRIS-AKT: severity: Input should be 'error', 'warning' or 'info'",
    ]


def test_an_error_of_the_whole_pack_names_the_file(tmp_path: Path) -> None:
    message = _error(tmp_path, HEAD + GOOD_RULE.replace("area: Kris", "area: Brand"))
    assert message == "pack0.yaml: -: (filen): X-KRIS-MAL: area: okänt fokusområde 'Brand' (kända: Kris)"


def test_a_rule_whose_id_line_cannot_be_found_is_named_without_a_line(tmp_path: Path) -> None:
    rule = (  # a flow mapping: the id is not on a line of its own
        '  - {id: X-KRIS-MAL, title: "Mål för krisberedskap", message: "Planen saknar mål för kris.",'
        ' severity: fatal, area: Kris, check: {kind: item_for_area, item: goal},'
        ' source: {document: Testprogrammet, paragraph: "1 §", url: "https://example.org"}}\n'
    )
    message = _error(tmp_path, HEAD + rule)
    assert message == "pack0.yaml: X-KRIS-MAL: severity: Input should be 'error', 'warning' or 'info'"


def test_a_rule_entry_that_is_no_mapping_is_named_by_its_position(tmp_path: Path) -> None:
    message = _error(tmp_path, HEAD + "  - bara text\n")
    assert message == "pack0.yaml: -: rules.0: Input should be a valid dictionary or instance of Rule"


def test_a_rule_with_an_empty_id_is_named_by_its_place_not_as_none(tmp_path: Path) -> None:
    # `id: ~` is YAML's null: the message must point at the entry's place, not call the rule "None"
    message = _error(tmp_path, HEAD + GOOD_RULE.replace("id: X-KRIS-MAL", "id: ~"))
    assert message.startswith("pack0.yaml: -: rules.0.id: ")
    assert "None" not in message


def test_an_error_outside_the_rules_gets_no_line_even_beside_a_rule_without_an_id(
        tmp_path: Path) -> None:
    # The line of an error is looked up by the rule's id. A pack-level error has no rule, so it
    # must not borrow the line of the first `id:` left empty.
    message = _error(tmp_path, HEAD.replace("title: Testpaket\n", "")
                     + GOOD_RULE.replace("id: X-KRIS-MAL", "id:"))
    assert message.splitlines() == [
        "pack0.yaml: -: title: Field required",
        "pack0.yaml: -: rules.0.id: Input should be a valid string",
    ]
