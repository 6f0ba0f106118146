"""The plan readers: round trips through .xlsx/.json/.yaml, and every refusal with its location."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from planchecker import reading
from planchecker.model import (
    Activity,
    Document,
    DocumentType,
    Goal,
    Indicator,
    Namnd,
    NamndType,
    Plan,
    Risk,
    Status,
    Topic,
    Waiver,
)
from planchecker.reading import Limits, read_plan
from planchecker.template import write_plan_xlsx

NAMND_ROWS: list[list[Any]] = [
    ["Nämnd", "Skarpnäcks stadsdelsnämnd"],
    ["Typ", "Stadsdelsnämnd"],
    ["År", 2026],
]
GOAL_ROWS: list[list[Any]] = [["Id", "Mål"], ["M1", "En trygg och säker stad"]]


def small_plan() -> Plan:
    return Plan(
        namnd=Namnd(name="Skarpnäcks stadsdelsnämnd", type=NamndType.stadsdelsnamnd, year=2026,
                    sakerhetskanslig=True),
        goals=[
            Goal(id="M1", text="En trygg och säker stad", level="KF-mål",
                 topics=[Topic.brottsforebyggande]),
            Goal(id="M2", text="Krisberedskapen stärks", level="Nämndmål",
                 topics=[Topic.krisberedskap, Topic.civilt_forsvar], parent="M1"),
        ],
        indicators=[Indicator(id="I1", goal_id="M2", text="Andel chefer som övat", target="95",
                              unit="procent")],
        activities=[
            Activity(id="A1", goal_id="M2", text="Genomföra krisledningsövning",
                     topics=[Topic.krisberedskap], responsible="Säkerhetssamordnare",
                     start=dt.date(2026, 2, 1), end=dt.date(2026, 11, 30), status=Status.pagar,
                     risk_ids=["R1", "R2"]),
            Activity(id="A2", text="=SUMMA(A1:A3) är ingen formel"),
            Activity(id="A3", text="-5 grader: värmebölja?", goal_id="M1", status=Status.klar),
            Activity(id="A4", text="@kommunikation informerar", responsible="+46 8 508 000 00"),
        ],
        risks=[
            Risk(id="R1", text="Långvarigt elavbrott", function="Hemtjänst", probability=3,
                 consequence=4, measure="Reservkraft"),
            Risk(id="R2", text="Pandemi", probability=2, consequence=5),
        ],
        documents=[Document(name="RSA 2026", type=DocumentType.rsa, decided=dt.date(2025, 11, 20),
                            valid_until=dt.date(2027, 12, 31), decided_by="Nämnden")],
        waivers=[Waiver(rule="SAK-2020-KRIS-MAL", motivation="Nytt mål beslutas i mars",
                        decided_by="Nämnden", valid_until=dt.date(2026, 4, 30))],
    )


def workbook(tmp_path: Path, sheets: dict[str, list[list[Any]]], name: str = "plan.xlsx") -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def flat(path: Path, **kwargs: Any) -> list[tuple[Any, ...]]:
    return read_plan(path, **kwargs).flatten()


def plan_document(plan: Plan) -> dict[str, Any]:
    data = plan.model_dump(mode="json")
    for name in ("goals", "indicators", "activities", "risks", "documents", "waivers"):
        for item in data[name]:
            del item["location"]
    return data


# --- round trips ---------------------------------------------------------------------------------


def test_xlsx_round_trip_keeps_the_plan_and_sets_locations(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.xlsx", write_plan_xlsx(small_plan()))
    result = read_plan(path)
    assert result.problems == []
    assert result.plan is not None
    assert result.plan.without_locations() == small_plan()
    assert result.plan.activities[2].location is not None
    assert result.plan.activities[2].location.model_dump(exclude_none=True) == {
        "file": str(path), "sheet": "Aktiviteter", "row": 4}


def test_json_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.json", json.dumps(plan_document(small_plan()), ensure_ascii=False))
    result = read_plan(path)
    assert result.problems == []
    assert result.plan is not None
    assert result.plan.without_locations() == small_plan()
    assert result.plan.risks[1].location is not None
    assert (result.plan.risks[1].location.sheet, result.plan.risks[1].location.row) == ("risks", 2)


def test_yaml_round_trip_with_fokusomrade_names(tmp_path: Path) -> None:
    document = plan_document(small_plan())
    document["goals"][1]["topics"] = ["Krisberedskap", "civilt försvar"]
    path = write(tmp_path, "plan.yaml", yaml.safe_dump(document, allow_unicode=True))
    result = read_plan(path)
    assert result.problems == []
    assert result.plan is not None
    assert result.plan.without_locations() == small_plan()


# --- files that are not plans --------------------------------------------------------------------


def valid_xlsx(tmp_path: Path) -> bytes:
    return workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": GOAL_ROWS}, "valid.xlsx").read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("plan.xlsx", bytes(range(256)) * 4, "not-a-workbook"),
        ("plan.xlsx", b"", "empty-file"),
        ("plan.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old-excel-format"),
        ("plan.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)
         + "EncryptedPackage".encode("utf-16-le") + bytes(100), "encrypted-workbook"),
        ("plan.xlsx", b"<!DOCTYPE html>\n<html><body><table></table></body></html>",
         "text-disguised"),
        ("plan.xlsx", "Id;Mål;Nivå\nM1;Trygg stad;KF-mål\nM2;Säker stad;KF-mål\n",
         "text-disguised"),
        ("plan.xlsx", '{"namnd": {}}', "text-disguised"),
        ("plan.pdf", b"%PDF-1.4\x00\x01", "unsupported-format"),
        ("plan.json", '{"namnd": {"name": "X",, }', "bad-syntax"),
        ("plan.yaml", "namnd: [unclosed\n", "bad-syntax"),
        ("plan.yaml", "- en lista\n- inte en plan\n", "bad-structure"),
    ],
)
def test_file_refused_with_code(tmp_path: Path, name: str, content: bytes | str, code: str
                                ) -> None:
    assert flat(write(tmp_path, name, content)) == [(code, None, None, None)]


def test_truncated_zip_is_not_a_workbook(tmp_path: Path) -> None:
    data = valid_xlsx(tmp_path)
    result = read_plan(write(tmp_path, "plan.xlsx", data[: len(data) // 2]))
    assert result.flatten() == [("not-a-workbook", None, None, None)]
    assert "trasigt" in result.problems[0].message


def test_ods_is_recognised(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert flat(write(tmp_path, "plan.xlsx", buffer.getvalue())) == [
        ("ods-workbook", None, None, None)]


def test_missing_file(tmp_path: Path) -> None:
    assert flat(tmp_path / "saknas.xlsx") == [("file-not-found", None, None, None)]


def test_xlsx_content_wins_over_suffix(tmp_path: Path) -> None:
    assert read_plan(write(tmp_path, "plan.json", valid_xlsx(tmp_path))).ok


# --- hostile files ------------------------------------------------------------------------------


def zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_xml_bomb_refused_before_parsing(tmp_path: Path) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><workbook>&lol;</workbook>'
    path = write(tmp_path, "plan.xlsx", zip_with({"xl/workbook.xml": bomb}))
    result = read_plan(path)
    assert result.flatten() == [("hostile-content", None, None, None)]
    assert "xl/workbook.xml" in result.problems[0].message


def test_zip_bomb_refused_by_ratio(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.xlsx", zip_with({"xl/worksheets/sheet1.xml": bytes(5_000_000)}))
    assert flat(path) == [("hostile-content", None, None, None)]


def test_limits_are_parameters(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.xlsx", valid_xlsx(tmp_path))
    assert flat(path, limits=Limits(max_file_size=1000)) == [("too-large", None, None, None)]
    assert flat(path, limits=Limits(max_uncompressed=1000)) == [("too-large", None, None, None)]
    assert flat(path, limits=Limits(max_members=3)) == [("hostile-content", None, None, None)]


def test_too_many_rows(tmp_path: Path) -> None:
    rows = [*GOAL_ROWS, ["M2", "Mål två"], ["M3", "Mål tre"]]
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": rows})
    assert flat(path, limits=Limits(max_rows=3)) == [("too-large", "Mål", 4, None)]


def test_yaml_alias_bomb_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    result = read_plan(write(tmp_path, "plan.yaml", "\n".join(lines) + "\n"))
    assert result.flatten() == [("hostile-content", None, None, None)]


def test_unexpected_exception_becomes_internal_error(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(data: bytes) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(reading, "_sniff", broken)
    result = read_plan(write(tmp_path, "plan.xlsx", valid_xlsx(tmp_path)))
    assert result.flatten() == [("internal-error", None, None, None)]
    assert "RuntimeError" in result.problems[0].message


# --- workbooks with problems, each with its place -------------------------------------------------


def test_empty_workbook(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Blad1": [["hej"]]})
    assert flat(path) == [("empty-workbook", None, None, None)]


def test_missing_mal_sheet(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS})
    assert flat(path) == [("missing-sheet", "Mål", None, None)]


def test_missing_id_column(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS,
                               "Mål": [["Mål", "Nivå"], ["En trygg stad", "KF-mål"]]})
    result = read_plan(path)
    assert result.flatten() == [("missing-column", "Mål", 1, "Id")]
    assert result.problems[0].message == "Kolumnen Id saknas i bladet Mål."


def test_header_typo_is_a_missing_column(tmp_path: Path) -> None:
    activities = [["Aktivitet-id", "Mål-id", "Aktivitet"], ["A1", "M1", "Öva krisledning"]]
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": GOAL_ROWS, "Aktiviteter": activities})
    assert flat(path) == [("missing-column", "Aktiviteter", 1, "Id")]


def test_duplicate_id_names_the_first_row(tmp_path: Path) -> None:
    goals = [*GOAL_ROWS, ["M2", "Mål två"], ["M1", "Samma id igen"]]
    result = read_plan(workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": goals}))
    assert result.flatten() == [("duplicate-id", "Mål", 4, "Id")]
    assert result.problems[0].location.letter == "A"
    assert result.problems[0].message == "Id M1 förekommer redan på rad 2."


@pytest.mark.parametrize(
    ("probability", "code"), [(7, "out-of-range"), (0, "out-of-range"), ("hög", "bad-number"),
                              (2.5, "bad-number")])
def test_sannolikhet_must_be_1_to_5(tmp_path: Path, probability: Any, code: str) -> None:
    risks = [["Id", "Risk", "Sannolikhet", "Konsekvens"], ["R1", "Elavbrott", probability, 3]]
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": GOAL_ROWS, "RSA": risks})
    result = read_plan(path)
    assert result.flatten() == [(code, "RSA", 2, "Sannolikhet")]
    assert result.problems[0].location.letter == "C"


def test_unparseable_date(tmp_path: Path) -> None:
    activities = [["Id", "Aktivitet", "Start", "Slut"],
                  ["A1", "Öva", "våren 2026", "2026-02-30"]]
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": GOAL_ROWS, "Aktiviteter": activities})
    result = read_plan(path)
    assert result.flatten() == [("bad-date", "Aktiviteter", 2, "Start"),
                                ("bad-date", "Aktiviteter", 2, "Slut")]
    assert "'våren 2026'" in result.problems[0].message


def test_formula_without_cached_value(tmp_path: Path) -> None:
    goals = [*GOAL_ROWS, ["M2", "=1+1"]]  # openpyxl saves formulas without a result
    result = read_plan(workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": goals}))
    assert result.flatten() == [("formula-without-value", "Mål", 3, "Mål")]
    assert result.problems[0].location.letter == "B"


def test_formula_in_an_ignored_column_is_fine(tmp_path: Path) -> None:
    goals = [["Id", "Mål", "Egen kolumn"], ["M1", "Trygg stad", "=1+1"]]
    assert read_plan(workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": goals})).ok


@pytest.mark.parametrize(
    ("sheet", "rows", "expected"),
    [
        ("Nämnd", [["Nämnd", "X"], ["Typ", "Landsting"], ["År", 2026]],
         ("bad-choice", "Nämnd", 2, "Typ")),
        ("Aktiviteter", [["Id", "Aktivitet", "Status"], ["A1", "Öva", "Nästan klar"]],
         ("bad-choice", "Aktiviteter", 2, "Status")),
        ("Aktiviteter", [["Id", "Aktivitet", "Fokusområde"],
                         ["A1", "Öva", "Krisberedskap, Rymden"]],
         ("bad-choice", "Aktiviteter", 2, "Fokusområde")),
        ("Dokument", [["Dokument", "Typ"], ["Plan", "Receptsamling"]],
         ("bad-choice", "Dokument", 2, "Typ")),
    ],
)
def test_unknown_choice(tmp_path: Path, sheet: str, rows: list[list[Any]],
                        expected: tuple[Any, ...]) -> None:
    sheets = {"Nämnd": NAMND_ROWS, "Mål": GOAL_ROWS, sheet: rows}
    result = read_plan(workbook(tmp_path, sheets))
    assert result.flatten() == [expected]
    assert "Tillåtna:" in result.problems[0].message


def test_unknown_fokusomrade_lists_the_labels(tmp_path: Path) -> None:
    goals = [["Id", "Mål", "Fokusområde"], ["M1", "Trygg stad", "Rymden"]]
    result = read_plan(workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": goals}))
    assert result.problems[0].message.startswith("'Rymden' är inget giltigt värde. Tillåtna: ")
    assert "Civilt försvar" in result.problems[0].message


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    namnd = [["Nämnd", "X"], ["Typ", "Okänd"]]
    goals = [["Id", "Mål"], ["M1", None], ["M1", "Dubblett"]]
    risks = [["Id", "Risk", "Sannolikhet", "Konsekvens"], ["R1", "Brand", 9, "x"]]
    path = workbook(tmp_path, {"Nämnd": namnd, "Mål": goals, "RSA": risks})
    result = read_plan(path)
    assert result.problems[0].location.letter == "B"  # the value cell, not the label
    assert result.flatten() == [
        ("bad-choice", "Nämnd", 2, "Typ"),
        ("missing-field", "Nämnd", None, "År"),
        ("missing-value", "Mål", 2, "Mål"),
        ("duplicate-id", "Mål", 3, "Id"),
        ("out-of-range", "RSA", 2, "Sannolikhet"),
        ("bad-number", "RSA", 2, "Konsekvens"),
    ]


def test_problems_are_capped(tmp_path: Path) -> None:
    goals = [["Id", "Mål", "Fokusområde"], *[[f"M{i}", "Mål", "Rymden"] for i in range(300)]]
    result = read_plan(workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": goals}))
    assert len(result.problems) == 201
    assert result.flatten()[-1] == ("too-many-problems", None, None, None)
    assert result.plan is None


# --- odd but valid workbooks --------------------------------------------------------------------


def test_odd_but_valid_workbook(tmp_path: Path) -> None:
    nfd = functools.partial(unicodedata.normalize, "NFD")
    namnd = [["Verksamhetsplan 2026"], ["Nämnd"], ["Nämnd", "Facknämnden"],
             [" typ ", "facknämnd"], ["År", "2026"], ["Säkerhetskänslig", "Ja"]]
    goals = [["Mål för 2026"], [], [nfd("Id"), nfd("Mål"), "Kommentar", "Fokusomraden"],
             [3.0, "Trygg stad", "ignoreras", "Brottsförebyggande och trygghet"],
             [None, None, "bara en kommentar"], [4, "Säker stad", None, None]]
    activities = [["ID", "Mål\u00a0id", "AKTIVITET", "Start", "Slut", "Risk-id"],
                  ["A1", 3, "Öva", "2026-03-31", "2026-04-01 00:00:00", "R1; R2"]]
    risks = [["Id", "Risk", "Sannolikhet", "Konsekvens"], ["R1", "Brand", "3", 4.0],
             ["R2", "Storm", 1, 1]]
    documents = [["Dokument", "Typ", "Giltig\u00a0till"], ["SBA", "sba", dt.datetime(2027, 1, 1)]]
    sheets = {nfd("Nämnd"): namnd, "mål": goals, "Aktivitet": activities, "Risker": risks,
              "Dokument ": documents}
    result = read_plan(workbook(tmp_path, sheets))
    assert result.problems == []
    plan = result.plan
    assert plan is not None
    assert plan.namnd == Namnd(name="Facknämnden", type=NamndType.facknamnd, year=2026,
                               sakerhetskanslig=True)
    assert [(g.id, g.text, g.topics) for g in plan.goals] == [
        ("3", "Trygg stad", [Topic.brottsforebyggande]), ("4", "Säker stad", [])]
    assert plan.goals[1].location is not None and plan.goals[1].location.row == 6
    assert plan.activities[0].model_dump(exclude={"location"}) == {
        "id": "A1", "goal_id": "3", "text": "Öva", "topics": [], "responsible": None,
        "start": dt.date(2026, 3, 31), "end": dt.date(2026, 4, 1), "status": None,
        "risk_ids": ["R1", "R2"]}
    assert [(r.probability, r.consequence) for r in plan.risks] == [(3, 4), (1, 1)]
    assert plan.documents[0].valid_until == dt.date(2027, 1, 1)
    assert plan.documents[0].location is not None
    assert plan.documents[0].location.sheet == "Dokument "


def test_two_sheets_meaning_the_same_are_refused(tmp_path: Path) -> None:
    header = [["Id", "Aktivitet"]]
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": GOAL_ROWS, "Aktivitet": header,
                               "Aktiviteter": header})
    assert flat(path) == [("bad-structure", "Aktiviteter", None, None)]


# --- json and yaml problems -----------------------------------------------------------------------


def test_json_problems_name_list_row_and_field(tmp_path: Path) -> None:
    document = plan_document(small_plan())
    document["activities"][1]["status"] = "Nästan"
    del document["activities"][2]["text"]
    document["risks"][0]["probability"] = 9
    document["goals"][1]["id"] = "M1"
    document["documents"][0]["decided"] = "i fjol"
    document["namnd"]["type"] = "Okänd"
    result = read_plan(write(tmp_path, "plan.json", json.dumps(document)))
    assert sorted(result.flatten(), key=str) == sorted([
        ("duplicate-id", "goals", 2, "id"),
        ("bad-choice", "namnd", None, "type"),
        ("bad-choice", "activities", 2, "status"),
        ("missing-field", "activities", 3, "text"),
        ("out-of-range", "risks", 1, "probability"),
        ("bad-date", "documents", 1, "decided"),
    ], key=str)
    assert all(p.message.isprintable() for p in result.problems)


def test_yaml_wrong_shape_reports_field(tmp_path: Path) -> None:
    text = "namnd: {name: X, type: facknamnd, year: 2026}\ngoals: {M1: fel}\nfoo: 1\n"
    result = read_plan(write(tmp_path, "plan.yml", text))
    assert result.flatten() == [("bad-value", "goals", None, None),
                                ("bad-structure", "foo", None, None)]
