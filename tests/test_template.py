"""The Excel template and plan writer: valid when read back, drop-downs, and stable bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from planchecker.common.model import (
    DOCUMENT_TYPE_LABELS,
    STATUS_LABELS,
    TOPIC_LABELS,
    Activity,
    Goal,
    Namnd,
    NamndType,
    Plan,
    Topic,
)
from planchecker.reading import contract
from planchecker.reading.reader import read_plan
from planchecker.reading.template import deterministic_xlsx, write_plan_xlsx, write_template

DATA_SHEETS = [sheet.name for sheet in contract.SHEETS]


def load(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_template_reads_back_with_only_the_placeholder_name_refused(tmp_path: Path) -> None:
    path = tmp_path / "mall.xlsx"
    path.write_bytes(write_template(year=2027))
    result = read_plan(path)
    assert result.flatten() == [("bad-value", "Nämnd", 2, "Nämnd")]
    assert result.problems[0].message == ("'Nämndens namn' är mallens platshållare; skriv "
                                          "nämndens eller bolagets namn.")
    book = openpyxl.load_workbook(path)
    book["Nämnd"]["B2"] = "Skarpnäcks stadsdelsnämnd"
    book.save(path)
    result = read_plan(path)
    assert result.problems == [] and result.notes == []
    assert result.plan is not None
    assert result.plan.namnd == Namnd(name="Skarpnäcks stadsdelsnämnd",
                                      type=NamndType.stadsdelsnamnd, year=2027)
    assert (result.plan.goals, result.plan.activities, result.plan.risks) == ([], [], [])


def test_every_rule_id_the_template_gives_as_an_example_exists() -> None:
    import re

    from planchecker.checking.rulebook import load_catalogue

    catalogue = load_catalogue()
    texts = [c.help for s in contract.SHEETS for c in s.columns] + [s.help for s in contract.SHEETS]
    with zipfile.ZipFile(io.BytesIO(write_template())) as archive:
        texts += [archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml")]
    examples = {m for t in texts for m in re.findall(r"\b[A-Z]{2,}\d*(?:-[A-Z0-9]+){2,}\b", t)}
    assert examples, "the template no longer gives a rule id as an example"
    assert {e for e in examples if catalogue.find(e) is None} == set()


def test_template_bytes_are_deterministic() -> None:
    first = write_template()
    assert write_template() == first
    assert write_template(year=2030) != first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2
    assert "<dc:creator>planchecker</dc:creator>" in core


def test_deterministic_xlsx_fixes_any_openpyxl_output() -> None:
    def saved() -> bytes:
        book = openpyxl.Workbook()
        book.active["A1"] = "hej"
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    first = saved()
    fixed = deterministic_xlsx(first)
    assert load(fixed).active["A1"].value == "hej"
    assert deterministic_xlsx(fixed) == fixed
    with zipfile.ZipFile(io.BytesIO(first)) as before, zipfile.ZipFile(io.BytesIO(fixed)) as after:
        assert before.namelist() == after.namelist()


def test_template_layout() -> None:
    book = load(write_template())
    assert book.sheetnames == ["Instruktioner", *DATA_SHEETS, "Listor"]
    assert book["Listor"].sheet_state == "hidden"
    for name in DATA_SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
    headers = [cell.value for cell in book["Aktiviteter"][1]]
    assert headers == [column.header for column in contract.ACTIVITIES.columns]
    assert book["Aktiviteter"].column_dimensions["C"].width == 60
    assert book["Aktiviteter"].column_dimensions["F"].number_format == "yyyy-mm-dd"


def dropdowns(sheet: Any, book: Any) -> dict[str, tuple[list[str], bool]]:
    """Cell range -> (offered values, whether other values are refused)."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        list_sheet, _, cells = validation.formula1.partition("!")
        values = [row[0].value for row in book[list_sheet][cells.replace("$", "")]]
        found[str(validation.sqref)] = (values, bool(validation.showErrorMessage))
    return found


def test_template_dropdowns() -> None:
    book = load(write_template())
    assert dropdowns(book["Nämnd"], book) == {
        "B3": (["Stadsdelsnämnd", "Facknämnd", "Bolagsstyrelse", "Kommunstyrelse"], True),
        "B5": (["ja", "nej"], True),
    }
    topics = (list(TOPIC_LABELS.values()), False)  # several fokusområden may share a cell
    assert dropdowns(book["Mål"], book) == {"D2:D1048576": topics}
    assert dropdowns(book["Aktiviteter"], book) == {
        "D2:D1048576": topics, "H2:H1048576": (list(STATUS_LABELS.values()), True)}
    assert dropdowns(book["Dokument"], book) == {
        "B2:B1048576": (list(DOCUMENT_TYPE_LABELS.values()), True)}


def test_instructions_explain_every_column() -> None:
    sheet = load(write_template())["Instruktioner"]
    texts = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    for table in contract.SHEETS:
        assert any(text.startswith(f"Bladet {table.name} ") for text in texts)
        for column in table.columns:
            assert column.help in texts
    assert "Bladet Mål (obligatoriskt)" in texts
    assert "Bladet RSA (kan lämnas tomt)" in texts


@pytest.mark.parametrize("text", ["=1+1", "=HYPERLINK(\"http://x\")", "+46 8", "-5 grader",
                                  "@chef"])
def test_formula_like_text_stays_literal(tmp_path: Path, text: str) -> None:
    plan = Plan(namnd=Namnd(name=text, type=NamndType.facknamnd, year=2026),
                goals=[Goal(id="M1", text=text)])
    data = write_plan_xlsx(plan)
    cell = load(data)["Mål"]["B2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    path = tmp_path / "plan.xlsx"
    path.write_bytes(data)
    result = read_plan(path)
    assert result.plan is not None
    assert result.plan.without_locations() == plan


def test_written_cells_are_typed_for_people() -> None:
    plan = Plan(
        namnd=Namnd(name="N", type=NamndType.bolagsstyrelse, year=2026, sakerhetskanslig=True),
        activities=[Activity(id="A1", text="Öva", topics=[Topic.krisberedskap, Topic.hot_och_vald],
                             start=dt.date(2026, 3, 1), risk_ids=["R1", "R2"])],
    )
    book = load(write_plan_xlsx(plan))
    assert [row[1].value for row in book["Nämnd"].iter_rows(min_row=2)] == [
        "N", "Bolagsstyrelse", 2026, "ja"]
    row = {c.header: cell for c, cell in zip(contract.ACTIVITIES.columns, book["Aktiviteter"][2],
                                             strict=False)}
    assert row["Fokusområde"].value == "Krisberedskap, Hot och våld"
    assert row["Start"].value == dt.datetime(2026, 3, 1)
    assert row["Start"].number_format == "yyyy-mm-dd"
    assert row["Risk-id"].value == "R1, R2"


def test_larger_plan_round_trip(tmp_path: Path) -> None:
    activities = [Activity(id=f"A{i}", goal_id="M1", text=f"Aktivitet {i}",
                           topics=[Topic.forebygga_olyckor], start=dt.date(2026, 1, 1))
                  for i in range(1, 501)]
    plan = Plan(namnd=Namnd(name="N", type=NamndType.facknamnd, year=2026),
                goals=[Goal(id="M1", text="Mål")], activities=activities)
    path = tmp_path / "plan.xlsx"
    path.write_bytes(write_plan_xlsx(plan))
    result = read_plan(path)
    assert result.plan is not None
    assert result.plan.without_locations() == plan
    assert result.plan.activities[-1].location is not None
    assert result.plan.activities[-1].location.row == 501
