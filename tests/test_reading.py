"""The plan readers: round trips through .xlsx/.json/.yaml, and every refusal with its location."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from benchmarks.hostile import with_parts
from planchecker.common.model import (
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
from planchecker.reading import limits as limits_module
from planchecker.reading import sniffing
from planchecker.reading.limits import MB, LimitsError
from planchecker.reading.reader import Limits, read_plan
from planchecker.reading.template import write_plan_xlsx

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
        ("plan.pdf", b"%PDF-1.4\x00\x01", "bad-syntax"),  # read as a document, broken
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
    assert "avkortad" in result.problems[0].message


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

    monkeypatch.setattr(sniffing, "sniff", broken)
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
         ("unknown-topic", "Aktiviteter", 2, "Fokusområde")),
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
    assert result.problems[0].message.startswith("'Rymden' är inget fokusområde. Tillåtna: ")
    assert "Civilt försvar" in result.problems[0].message


def test_fokusomrade_typo_names_the_wrong_part_and_suggests_the_nearest(tmp_path: Path) -> None:
    goals = [["Id", "Mål", "Fokusområde"], ["M1", "Trygg stad", "Krisberedskap; Civilt forsvr"]]
    result = read_plan(workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": goals}))
    assert result.flatten() == [("unknown-topic", "Mål", 2, "Fokusområde")]
    assert result.problems[0].message.startswith(
        "'Civilt forsvr' i 'Krisberedskap; Civilt forsvr' är inget fokusområde – menade du "
        "'Civilt försvar'? Tillåtna: Krisberedskap, ")


def test_size_limit_message_gives_the_real_size(tmp_path: Path) -> None:
    path = write(tmp_path, "plan.xlsx", b"PK\x03\x04" + b"x" * (21 * MB - 4))
    result = read_plan(path, limits=Limits(max_file_size=20 * MB))
    assert result.problems[0].message.startswith("plan.xlsx är 21,0 MB; högst 20 MB tas emot.")
    path = write(tmp_path, "plan.xlsx", b"PK\x03\x04" + b"x" * (20 * MB + 10))
    result = read_plan(path, limits=Limits(max_file_size=20 * MB))
    assert result.problems[0].message.startswith("plan.xlsx är 20,1 MB; högst 20 MB tas emot.")


# A document under its own name (.docx, .pdf) is read as one (tests/test_docimport.py); under a
# workbook's name it is refused with the advice to give it its own name.
@pytest.mark.parametrize("name, what", [("plan.xlsx", "en PDF-fil"),
                                        ("plan.xlsx", "ett Word-dokument (.docx)")])
def test_a_plan_as_a_document_is_told_to_use_the_template(tmp_path: Path, name: str,
                                                          what: str) -> None:
    if what.startswith("en PDF"):
        data = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj <<>> endobj\n"
    else:
        data = zip_with({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    result = read_plan(write(tmp_path, name, data))
    assert result.flatten() == [("prose-document", None, None, None)]
    assert result.problems[0].message == (
        f"Filen är {what} men heter som en arbetsbok eller JSON/YAML-plan. Ge den dess egen "
        "filändelse (.docx eller .pdf): då tolkas planen ur dokumentet, och `planchecker import` "
        "skriver den som en förifylld Excel-mall att kontrollera.")


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


# --- odd but valid workbooks (issue 6) ------------------------------------------------------------


def saved(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_merged_cells_read_as_people_see_them(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    namnd = book.active
    namnd.title = "Nämnd"
    for row in [["Verksamhetsplan"], ["Nämnd", None, "Skarpnäcks stadsdelsnämnd"],
                ["Typ", None, "Stadsdelsnämnd"], ["År", None, 2026]]:
        namnd.append(row)
    namnd.merge_cells("A1:C1")  # a title across the sheet
    for row in (2, 3, 4):
        namnd.merge_cells(f"A{row}:B{row}")  # labels two cells wide: their values are in C
    goals = book.create_sheet("Mål")
    for row in [["Mål 2026"], ["Id", "Mål", "Nivå"], ["M1", "En trygg och säker stad", None]]:
        goals.append(row)
    goals.merge_cells("A1:C1")
    goals.merge_cells("B3:C3")  # text across two columns stays in its first column
    activities = book.create_sheet("Aktiviteter")
    activities.append(["Id", "Mål-id", "Aktivitet"])
    for number in (1, 2, 3):
        activities.append([f"A{number}", "M1" if number == 1 else None, f"Aktivitet {number}"])
    activities.merge_cells("B2:B4")  # one Mål-id for the three activities under it
    result = read_plan(write(tmp_path, "plan.xlsx", saved(book)))
    assert result.problems == []
    assert result.plan is not None
    assert result.plan.namnd.name == "Skarpnäcks stadsdelsnämnd"
    assert [(g.id, g.text, g.level) for g in result.plan.goals] == [
        ("M1", "En trygg och säker stad", None)]
    assert [(a.id, a.goal_id) for a in result.plan.activities] == [
        ("A1", "M1"), ("A2", "M1"), ("A3", "M1")]


def test_hidden_sheets_and_rows_are_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in {"Nämnd": NAMND_ROWS, "Mål": [*GOAL_ROWS, ["M2", "Dolt mål"]],
                        "RSA": [["Id", "Risk", "Sannolikhet", "Konsekvens"],
                                ["R1", "Elavbrott", 3, 4]]}.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book["Mål"].row_dimensions[3].hidden = True
    book["RSA"].sheet_state = "hidden"
    result = read_plan(write(tmp_path, "plan.xlsx", saved(book)))
    assert result.plan is not None
    assert [g.id for g in result.plan.goals] == ["M1", "M2"]
    assert [(r.id, r.score) for r in result.plan.risks] == [("R1", 12)]


def test_text_is_cleaned_the_same_way_everywhere(tmp_path: Path) -> None:
    """NFD å, no-break spaces, zero-width spaces, stray control characters, numbers as text."""
    nfd = functools.partial(unicodedata.normalize, "NFD")
    goals = [["Id", "Mål", "Fokusområde", None, None],
             [nfd("Må1") + "\u00a0", nfd("Trygg stad i Älvsjö"), "Krisberedskap\u00a0", None, " "],
             [3.0, "Säker\u200b stad", nfd("civilt försvar"), None, "\u00a0"]]
    activities = [["Id", "Mål-id", "Aktivitet"], ["A1", "Må1", "Öva"], ["A2", "3", "Öva igen"]]
    risks = [["Id", "Risk", "Sannolikhet", "Konsekvens"], ["R1", "Brand", " 3 ", "4,0"]]
    namnd = [["Nämnd", nfd("Älvsjö stadsdelsnämnd")], ["Typ", nfd("stadsdelsnämnd")],
             ["År", "2026"]]
    path = workbook(tmp_path, {"Nämnd": namnd, "Mål": goals, "Aktiviteter": activities,
                               "RSA": risks})
    result = read_plan(path)
    assert result.problems == []
    plan = result.plan
    assert plan is not None
    assert plan.namnd.name == "Älvsjö stadsdelsnämnd" and plan.namnd.year == 2026
    assert [(g.id, g.text, g.topics) for g in plan.goals] == [
        ("Må1", "Trygg stad i Älvsjö", [Topic.krisberedskap]),
        ("3", "Säker stad", [Topic.civilt_forsvar])]
    assert {a.goal_id for a in plan.activities} <= {g.id for g in plan.goals}
    assert (plan.risks[0].probability, plan.risks[0].consequence) == (3, 4)


def test_very_long_text_within_the_limit_is_kept(tmp_path: Path) -> None:
    text = "Krisledningsövning för hela förvaltningen. " * 744  # 32,736 characters
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": [*GOAL_ROWS, ["M2", text]]})
    result = read_plan(path)
    assert result.plan is not None
    assert result.plan.goals[1].text == text.strip()


def sheet_xml(rows: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
            b'formats.org/spreadsheetml/2006/main"><sheetData>' + rows
            + b"</sheetData></worksheet>")


def test_formulas_with_cached_values_read_their_values(tmp_path: Path) -> None:
    """As Excel saves them: the formula in <f>, its last result in <v>."""
    base = valid_xlsx(tmp_path)
    risks = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Id</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>Risk</t></is></c>'
             '<c r="C1" t="inlineStr"><is><t>Sannolikhet</t></is></c>'
             '<c r="D1" t="inlineStr"><is><t>Konsekvens</t></is></c></row>'
             '<row r="2"><c r="A2" t="str"><f>"R"&amp;ROW()-1</f><v>R1</v></c>'
             '<c r="B2" t="str"><f>CONCAT("Lång","varigt elavbrott")</f><v>Långvarigt elavbrott'
             '</v></c><c r="C2"><f>1+2</f><v>3</v></c><c r="D2"><f>C2+1</f><v>4</v></c></row>'
             ).encode()
    data = with_parts(base, {"xl/worksheets/rsa.xml": sheet_xml(risks)})
    data = with_parts(data, {
        "xl/workbook.xml": _with_sheet(data, "xl/workbook.xml", b'<sheet name="RSA" sheetId="9" '
                                       b'r:id="rIdRsa"/></sheets>', b"</sheets>"),
        "xl/_rels/workbook.xml.rels": _with_sheet(
            data, "xl/_rels/workbook.xml.rels", b'<Relationship Id="rIdRsa" Type="http://schemas'
            b'.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets'
            b'/rsa.xml"/></Relationships>', b"</Relationships>"),
        "[Content_Types].xml": _with_sheet(
            data, "[Content_Types].xml", b'<Override PartName="/xl/worksheets/rsa.xml" Content'
            b'Type="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            b"</Types>", b"</Types>"),
    })
    result = read_plan(write(tmp_path, "plan.xlsx", data))
    assert result.problems == []
    assert result.plan is not None
    assert [(r.id, r.text, r.probability, r.consequence) for r in result.plan.risks] == [
        ("R1", "Långvarigt elavbrott", 3, 4)]


def _with_sheet(data: bytes, part: str, addition: bytes, closing: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(part).replace(closing, addition)


def test_xlsm_reads_the_data_and_never_the_macros(tmp_path: Path) -> None:
    data = valid_xlsx(tmp_path)
    macro_type = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    types = re.sub(rb"application/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet\."
                   rb"main\+xml", macro_type, types)
    types = types.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.'
                          b'ms-office.vbaProject"/></Types>')
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Auto_Open\"" + bytes(512)
    rels = _with_sheet(data, "xl/_rels/workbook.xml.rels", b'<Relationship Id="rIdVba" Type="'
                       b'http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
                       b'Target="vbaProject.bin"/></Relationships>', b"</Relationships>")
    xlsm = with_parts(data, {"[Content_Types].xml": types, "xl/vbaProject.bin": vba,
                             "xl/_rels/workbook.xml.rels": rels})
    assert macro_type in types
    result = read_plan(write(tmp_path, "plan.xlsm", xlsm))
    assert result.problems == []
    assert result.plan is not None and [g.id for g in result.plan.goals] == ["M1"]


def test_json_text_is_cleaned_too(tmp_path: Path) -> None:
    document = plan_document(small_plan())
    document["goals"][0]["text"] = unicodedata.normalize("NFD", "Trygg stad\u0000 i Årsta\ud800")
    path = write(tmp_path, "plan.json", json.dumps(document))  # ensure_ascii: "\ud800" escapes
    result = read_plan(path)
    assert result.plan is not None
    assert result.plan.goals[0].text == "Trygg stad i Årsta\ufffd"


def test_utf16_json_is_read(tmp_path: Path) -> None:
    text = json.dumps(plan_document(small_plan()), ensure_ascii=False)
    result = read_plan(write(tmp_path, "plan.json", text.encode("utf-16")))
    assert result.plan is not None and result.plan.without_locations() == small_plan()


# --- limits from the environment ------------------------------------------------------------------


def test_limits_default_without_environment() -> None:
    assert Limits.from_env({}) == Limits()
    assert Limits.from_env({"PLANCHECKER_MAX_ROWS": " "}) == Limits()


def test_limits_from_environment() -> None:
    limits = Limits.from_env({
        "PLANCHECKER_MAX_FILE_MB": "0.5", "PLANCHECKER_MAX_UNPACKED_MB": "50",
        "PLANCHECKER_MAX_RATIO": "20", "PLANCHECKER_MAX_ROWS": "5000",
        "PLANCHECKER_MAX_CELL_CHARS": "1000", "PLANCHECKER_OTHER": "x"})
    assert (limits.max_file_size, limits.max_uncompressed, limits.max_ratio, limits.max_rows,
            limits.max_text_length) == (512 * 1024, 50 * MB, 20, 5000, 1000)
    assert limits.max_members == Limits().max_members


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("PLANCHECKER_MAX_ROWS", "0", "PLANCHECKER_MAX_ROWS är '0'; den ska vara ett positivt heltal"),
     ("PLANCHECKER_MAX_RATIO", "1e3", "ett positivt heltal, t.ex. 100000."),
     ("PLANCHECKER_MAX_CELL_CHARS", "-5", "PLANCHECKER_MAX_CELL_CHARS är '-5'"),
     ("PLANCHECKER_MAX_FILE_MB", "tjugo", "ett positivt antal megabyte, t.ex. 20 eller 0.5."),
     ("PLANCHECKER_MAX_UNPACKED_MB", "inf", "PLANCHECKER_MAX_UNPACKED_MB är 'inf'")],
)
def test_bad_limit_in_the_environment_is_a_clear_error(name: str, value: str, message: str
                                                       ) -> None:
    with pytest.raises(LimitsError) as caught:
        Limits.from_env({name: value})
    assert message in caught.value.format_message()
    assert caught.value.exit_code == 2


def test_read_plan_uses_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    goals = [*GOAL_ROWS, ["M2", "Två"], ["M3", "Tre"]]
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": goals})
    assert read_plan(path).ok
    monkeypatch.setenv("PLANCHECKER_MAX_ROWS", "3")
    assert flat(path) == [("too-large", "Mål", 4, None)]
    assert flat(path, limits=Limits()) == []  # limits passed in win
    monkeypatch.setenv("PLANCHECKER_MAX_ROWS", "två")
    with pytest.raises(LimitsError):
        read_plan(path)


def test_limits_table_in_the_docs_matches_the_defaults() -> None:
    doc = limits_module.__doc__ or ""
    for name, (field_name, unit) in limits_module.ENV_VARS.items():
        default = getattr(Limits(), field_name)
        shown = f"{default // MB} MB" if unit == MB else str(default)
        assert re.search(rf"\|\s*{re.escape(shown)}(?::1)?\s*\|\s*`{name}`", doc), name


ACTIVITY_ROWS: list[list[Any]] = [["Id", "Mål-id", "Aktivitet"], ["A1", "M1", "Öva krisledning"]]


def test_renamed_contract_sheet_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": GOAL_ROWS,
                               "Aktiviteter 2027": ACTIVITY_ROWS})
    result = read_plan(path)
    assert result.plan is None
    assert result.flatten() == [("unknown-sheet", "Aktiviteter 2027", None, None)]
    assert result.problems[0].message.startswith(
        "Bladet 'Aktiviteter 2027' känns inte igen – menade du 'Aktiviteter'?")


def test_unknown_sheet_is_recognised_by_its_header_row(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": GOAL_ROWS, "Blad3": ACTIVITY_ROWS})
    result = read_plan(path)
    assert result.flatten() == [("unknown-sheet", "Blad3", None, None)]
    assert "menade du 'Aktiviteter'?" in result.problems[0].message


def test_unknown_sheet_beside_its_contract_sheet_is_a_note(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": GOAL_ROWS,
                               "Aktiviteter": ACTIVITY_ROWS, "Aktiviteter 2025": ACTIVITY_ROWS,
                               "Anteckningar": [["Datum", "Vad"], ["3 mars", "möte"]],
                               "Instruktioner": [["Så fyller du i"], ["Bladet Mål..."]]})
    result = read_plan(path)
    assert result.ok
    assert [(n.code, n.location.sheet) for n in result.notes] == [
        ("unread-sheet", "Aktiviteter 2025"), ("unknown-sheet-content", "Anteckningar")]
    assert result.notes[0].message == (
        "Bladet 'Aktiviteter 2025' känns inte igen och läses inte; bara bladet Aktiviteter läses. "
        "Flytta raderna dit eller ta bort bladet.")


def test_an_extra_leftmost_column_never_takes_over_id(tmp_path: Path) -> None:
    goals = [["Nr", "Id", "Mål"], [1, "M1", "En trygg och säker stad"]]
    activities = [["Nr", "Id", "Mål-id", "Aktivitet"], [1, "A1", "M1", "Öva krisledning"]]
    path = workbook(tmp_path, {"Nämnd": NAMND_ROWS, "Mål": goals, "Aktiviteter": activities})
    result = read_plan(path)
    assert result.ok, result.problems
    assert result.plan is not None
    assert [g.id for g in result.plan.goals] == ["M1"]
    assert [(a.id, a.goal_id) for a in result.plan.activities] == [("A1", "M1")]
    assert [(n.code, n.location.sheet, n.location.row) for n in result.notes] == [
        ("ambiguous-column", "Mål", 1), ("ambiguous-column", "Aktiviteter", 1)]
    assert result.notes[0].message == ("Kolumnerna 'Nr' (A) och 'Id' (B) kan båda vara Id; 'Id' "
                                       "läses. Byt namn på eller ta bort den andra.")


def test_prose_with_its_own_suffix_is_an_unsupported_format(tmp_path: Path) -> None:
    result = read_plan(write(tmp_path, "LÄSMIG.md", "# Planerna\n\nHär ligger nämndernas planer.\n"))
    assert result.problems[0].message == ("Filformatet .md stöds inte. Spara planen som .xlsx, "
                                          ".json eller .yaml.")
    assert flat(write(tmp_path, "plan.txt", "bara text\n")) == [("text-disguised", None, None, None)]
