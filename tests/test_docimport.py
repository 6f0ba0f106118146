"""Published plan documents (.docx, .pdf, .html) read into the plan model (issue 17).

The structure step is tested on blocks written by hand; the format readers on documents written
in code (python-docx, fpdf2, an HTML string) by benchmarks/imports/render.py; `planchecker import`
and `check` end to end; hostile documents refused with their code (benchmarks/hostile.py
measures how fast).
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import os
import random
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.hostile import (
    deep_html,
    docx_bomb,
    lzw_bomb_stream,
    pdf_lzw_bomb,
    pdf_object_flood,
    pdf_run_length_bomb,
    pdf_stream,
    pdf_stream_bomb,
)
from benchmarks.imports.__main__ import predicted, score
from benchmarks.imports.corpus import CORPUS
from benchmarks.imports.render import WRITERS, gold, layout, write_docx, write_html, write_pdf
from planchecker.cli.main import cli
from planchecker.reading import sniffing
from planchecker.reading.docblocks import Block, split_marker
from planchecker.reading.docimport import (
    CHECK_SHEET,
    PLACE_HEADER,
    NamndHints,
    _lzw_size,
    _run_length_size,
    import_blocks,
    imported_workbook,
    pdf_is_safe,
)
from planchecker.reading.docreaders import (
    DocumentError,
    _rsa_header,
    docx_blocks,
    html_blocks,
    pdf_blocks,
)
from planchecker.reading.docstructure import infer
from planchecker.reading.limits import Limits
from planchecker.reading.problem_sink import ProblemSink
from planchecker.reading.reader import read_document, read_plan

TITLE = Block("heading", "Verksamhetsplan 2022 för Skarpnäcks stadsdelsnämnd", level=1)


def kinds(blocks: list[Block]) -> list[tuple[str, str, str | None]]:
    """(kind, text, parent mål's text) of each item the structure step finds."""
    found = infer(blocks).items
    return [(i.kind, i.text, found[i.parent].text if i.parent is not None else None)
            for i in found]


# --- the structure step, on blocks ----------------------------------------------------------------


def test_lettered_maluppfyllelse_under_goal_headings_are_indicators_of_that_goal() -> None:
    blocks = [TITLE,
              Block("heading", "Mål 1: Stadsdelen är trygg", level=2),
              Block("paragraph", "Nämnden arbetar förebyggande med polisen."),
              Block("paragraph", "Måluppfyllelse:"),
              Block("paragraph", "A. Andelen trygga invånare ska vara minst 80 %."),
              Block("paragraph", "B. Antal trygghetsvandringar."),
              Block("heading", "Mål 2: Verksamheten klarar en kris", level=2),
              Block("paragraph", "Måluppfyllelse:"),
              Block("paragraph", "A. Andel enheter med kontinuitetsplan.")]
    assert kinds(blocks) == [
        ("goal", "Stadsdelen är trygg", None),
        ("indicator", "Andelen trygga invånare ska vara minst 80 %.", "Stadsdelen är trygg"),
        ("indicator", "Antal trygghetsvandringar.", "Stadsdelen är trygg"),
        ("goal", "Verksamheten klarar en kris", None),
        ("indicator", "Andel enheter med kontinuitetsplan.", "Verksamheten klarar en kris"),
    ]
    assert infer(blocks).items[1].target == "minst 80 %"


def test_a_goal_tree_of_labelled_bullets_links_by_indentation() -> None:
    blocks = [TITLE, Block("heading", "Mål", level=2),
              Block("list", "KF-mål: En trygg stad", level=0),
              Block("list", "Nämndmål: Krisledningen är övad", level=1),
              Block("list", "Indikator: Antal övningar", level=2),
              Block("list", "Målvärde", level=2),
              Block("list", "Aktivitet: Öva krisledningen", level=2),
              Block("list", "Nämndmål: Skolorna är trygga", level=1),
              Block("list", "Aktivitet: Trygghetsvandringar", level=2)]
    assert kinds(blocks) == [
        ("goal", "En trygg stad", None),
        ("goal", "Krisledningen är övad", "En trygg stad"),
        ("indicator", "Antal övningar", "Krisledningen är övad"),
        ("activity", "Öva krisledningen", "Krisledningen är övad"),
        ("goal", "Skolorna är trygga", "En trygg stad"),
        ("activity", "Trygghetsvandringar", "Skolorna är trygga"),
    ]
    assert [g.level for g in infer(blocks).items if g.kind == "goal"] == \
        ["KF-mål", "Nämndmål", "Nämndmål"]


def test_running_text_links_an_activity_to_the_goal_it_names() -> None:
    blocks = [TITLE, Block("heading", "Mål 1. Trygg stad", level=2),
              Block("heading", "Mål 2. Robust verksamhet", level=2),
              Block("heading", "Aktiviteter", level=2),
              Block("list", "Ta fram kontinuitetsplaner (bidrar till mål 2)"),
              Block("list", "Trygghetsvandringar, bidrar till mål 1")]
    assert kinds(blocks)[2:] == [
        ("activity", "Ta fram kontinuitetsplaner (bidrar till mål 2)", "Robust verksamhet"),
        ("activity", "Trygghetsvandringar, bidrar till mål 1", "Trygg stad"),
    ]


def test_rsa_table_gives_risks_and_their_measures_as_activities() -> None:
    rows = (("Nr", "Risk", "Sannolikhet", "Konsekvens", "Åtgärd"),
            ("R7", "Elavbrott", "3", "hög", "Reservkraft"),
            ("R8", "Översvämning", "", "2", ""))
    inferred = infer([TITLE, Block("table", rows=rows, place="tabell 1")])
    risk, action, incomplete = inferred.items
    assert (risk.kind, risk.risk_id, risk.probability, risk.consequence) == ("risk", "R7", 3, 4)
    assert (action.kind, action.text) == ("activity", "Reservkraft")
    assert incomplete.probability is None
    assert any("Sannolikhet eller konsekvens saknas" in n.reason and n.place == "tabell 1, rad 3"
               for n in inferred.notes)


def test_name_type_and_year_come_from_the_title() -> None:
    inferred = infer([TITLE, Block("heading", "Mål 1: Trygg", level=2)])
    assert (inferred.name, inferred.namnd_type, inferred.year) == \
        ("Skarpnäcks stadsdelsnämnd", "stadsdelsnamnd", 2022)


def test_an_unlabelled_list_under_a_goal_is_guessed_and_noted() -> None:
    inferred = infer([TITLE, Block("heading", "Mål 1: Trygg", level=2),
                      Block("list", "Genomföra trygghetsvandringar", place="stycke 3"),
                      Block("list", "Andel trygga invånare", place="stycke 4")])
    assert [i.kind for i in inferred.items] == ["goal", "activity", "indicator"]
    assert [n.place for n in inferred.notes] == ["stycke 3", "stycke 4"]


def test_split_marker_keeps_years_and_plain_text() -> None:
    assert split_marker("A. Andel trygga") == ("A.", "Andel trygga")
    assert split_marker("2. Robust") == ("2.", "Robust")
    assert split_marker("2022 års mål") == (None, "2022 års mål")
    assert split_marker("Andel trygga") == (None, "Andel trygga")


# --- each format, end to end ----------------------------------------------------------------------


@pytest.mark.parametrize("doc_format", ["docx", "html", "pdf"])
@pytest.mark.parametrize("spec", [s for s in CORPUS if s["id"] in
                                  ("heby-effektmal", "linkoping-krisberedskap", "vasterviks-rsa")],
                         ids=lambda s: s["id"])
def test_each_format_reads_every_gold_item_with_its_kind_and_goal(
        tmp_path: Path, doc_format: str, spec: dict[str, object]) -> None:
    path = tmp_path / f"plan.{doc_format}"
    path.write_bytes(WRITERS[doc_format](layout(spec)))
    result = read_plan(path)
    assert result.problems == [] and result.plan is not None
    counts = score(predicted(result.plan), gold(spec))
    assert counts["found"] == counts["gold"] == counts["matched"] == counts["kind"] == \
        counts["link"]
    assert result.notice and "inte ur en ifylld mall" in result.notice


def test_fixtures_are_deterministic() -> None:
    spec = CORPUS[0]
    for write in (write_docx, write_html, write_pdf):
        assert write(layout(spec)) == write(layout(spec))


# --- planchecker import and check ---------------------------------------------------------------


def test_import_writes_the_template_with_places_and_what_to_check(tmp_path: Path) -> None:
    document = tmp_path / "plan.docx"
    document.write_bytes(write_docx(layout(next(s for s in CORPUS if s["id"] == "vasterviks-rsa"))))
    result = CliRunner().invoke(cli, ["import", str(document), "-o", str(tmp_path / "ut.xlsx")])
    assert result.exit_code == 0, result.output
    assert "Hittade: 1 mål, 1 indikatorer, 4 aktiviteter, 4 risker." in result.stderr
    book = openpyxl.load_workbook(tmp_path / "ut.xlsx")
    goals = list(book["Mål"].iter_rows(values_only=True))
    assert goals[0][-1] == PLACE_HEADER and goals[1][1].startswith("Samhällsviktig")
    assert goals[1][-1] == "tabell 1, rad 2"
    risks = list(book["RSA"].iter_rows(values_only=True))
    assert [r[0] for r in risks[1:]] == ["R1", "R2", "R3", "R4"]
    assert any("RSA-tabellen" in str(row[2]) for row in book[CHECK_SHEET].iter_rows(values_only=True))
    # the imported template is a plan that reads back to the same plan as the document
    assert read_plan(tmp_path / "ut.xlsx").plan.without_locations() == \
        read_plan(document).plan.without_locations()
    # and its own review sheet is the template's, not a plan sheet the reader warns of
    assert read_plan(tmp_path / "ut.xlsx").notes == []


def test_check_reads_a_document_and_says_its_structure_was_inferred(tmp_path: Path) -> None:
    document = tmp_path / "plan.html"
    document.write_bytes(write_html(layout(CORPUS[0])))
    result = CliRunner().invoke(cli, ["check", str(document), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Obs! Planens struktur har tolkats ur en webbsida")
    assert "2 mål, 3 indikatorer, 3 aktiviteter, 0 risker" in result.stdout


def test_a_document_without_name_asks_for_it(tmp_path: Path) -> None:
    document = tmp_path / "plan.html"
    document.write_bytes(write_html([Block("heading", "Mål 1: Trygg", level=2)]))
    result = CliRunner().invoke(cli, ["import", str(document)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "ange --namnd" in result.stderr and "ange --ar" in result.stderr
    result = CliRunner().invoke(cli, ["import", str(document), "--namnd", "Kulturnämnden",
                                      "--typ", "facknämnd", "--ar", "2024"])
    assert result.exit_code == 0, result.output
    assert read_plan(tmp_path / "plan.xlsx").plan.namnd.name == "Kulturnämnden"


def test_a_document_without_plan_structure_is_refused(tmp_path: Path) -> None:
    document = tmp_path / "brev.html"
    document.write_bytes(write_html([TITLE, Block("paragraph", "Hej! Här kommer protokollet.")]))
    result = read_plan(document)
    assert [p.code for p in result.problems] == ["no-plan-structure"]


def test_a_pdf_without_text_is_called_scanned(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 50, 50)
    document = tmp_path / "skannad.pdf"
    document.write_bytes(bytes(pdf.output()))
    result = read_plan(document)
    assert [p.code for p in result.problems] == ["scanned-document"]
    assert "textigenkänning" in result.problems[0].message


def test_an_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="ägare", user_password="hemligt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Mål 1: Trygg")
    document = tmp_path / "låst.pdf"
    document.write_bytes(bytes(pdf.output()))
    assert [p.code for p in read_plan(document).problems] == ["encrypted-document"]


# --- hostile documents ----------------------------------------------------------------------------


# How fast each is refused is measured by benchmarks/hostile.py, not asserted here.
def _codes(path: Path) -> list[str]:
    return [p.code for p in read_plan(path).problems]


def test_docx_zip_bomb_is_refused_by_the_workbook_zip_checks(tmp_path: Path) -> None:
    document = tmp_path / "bomb.docx"
    document.write_bytes(docx_bomb())
    assert _codes(document) == ["hostile-content"]


def test_docx_with_a_dtd_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", '<!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>')
    document = tmp_path / "dtd.docx"
    document.write_bytes(buffer.getvalue())
    assert [p.code for p in read_plan(document).problems] == ["hostile-content"]


def test_pdf_stream_bomb_is_refused_before_the_pdf_reader(tmp_path: Path) -> None:
    document = tmp_path / "bomb.pdf"
    document.write_bytes(pdf_stream_bomb())
    assert _codes(document) == ["hostile-content"]


def test_pdf_with_too_many_objects_is_refused(tmp_path: Path) -> None:
    document = tmp_path / "objekt.pdf"
    document.write_bytes(pdf_object_flood())
    assert _codes(document) == ["hostile-content"]


def test_deeply_nested_html_is_refused(tmp_path: Path) -> None:
    document = tmp_path / "djup.html"
    document.write_bytes(deep_html())
    assert _codes(document) == ["hostile-content"]


def test_an_oversized_web_page_is_refused(tmp_path: Path) -> None:
    document = tmp_path / "stor.html"
    document.write_bytes(b"<html><body><p>" + b"a " * (6 * 1024 * 1024) + b"</p></body></html>")
    assert [p.code for p in read_plan(document).problems] == ["too-large"]


# --- the upload page ------------------------------------------------------------------------------


def test_upload_page_checks_a_document_and_offers_the_prefilled_template() -> None:
    import base64
    import re

    from planchecker.web import app as web
    from tests.web_support import multipart

    data = write_docx(layout(next(s for s in CORPUS if s["id"] == "vasterviks-rsa")))
    body, content_type = multipart({}, {"plan": ("plan.docx", data)})
    response = web.create_app().test_client().post("/check", data=body,
                                                   content_type=content_type)
    assert response.status_code == 200
    page = response.data.decode()
    assert "Obs!</strong> Planens struktur har tolkats ur ett Word-dokument" in page
    links = dict((name, payload) for payload, name in re.findall(
        r'href="data:[^,"]*;base64,([^"]+)" download="([^"]+)"', page))
    template = next(name for name in links if name.startswith("plan-"))
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(links[template])))
    assert CHECK_SHEET in book.sheetnames and book["RSA"].max_row == 5


def test_the_excel_report_of_a_document_opens_with_the_notice(tmp_path: Path) -> None:
    document = tmp_path / "plan.pdf"
    document.write_bytes(write_pdf(layout(CORPUS[0])))
    out = tmp_path / "rapport.xlsx"
    result = CliRunner().invoke(cli, ["check", str(document), "--format", "xlsx", "-o", str(out),
                                      "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    summary = openpyxl.load_workbook(out).worksheets[0]
    assert summary["A3"].value == "Obs!" and "tolkats ur en PDF-fil" in summary["B3"].value


# --- fuzz -----------------------------------------------------------------------------------------

_WORDS = st.sampled_from(["Mål 1:", "Nämndmål", "KF-mål:", "Måluppfyllelse:", "Aktiviteter",
                          "Indikator:", "A.", "B.", "•", "bidrar till mål 2", "Risk", "Trygg",
                          "Andel", "Genomföra", "2022", "Sannolikhet", "Konsekvens", "", "3"])
_TEXT = st.lists(_WORDS, max_size=6).map(" ".join)
_BLOCK = st.one_of(
    st.builds(Block, kind=st.just("heading"), text=_TEXT, level=st.integers(1, 9)),
    st.builds(Block, kind=st.just("list"), text=_TEXT, level=st.integers(0, 5),
              marker=st.sampled_from([None, "A.", "•", "1."])),
    st.builds(Block, kind=st.just("paragraph"), text=_TEXT),
    st.builds(Block, kind=st.just("table"),
              rows=st.lists(st.lists(_TEXT, min_size=1, max_size=5).map(tuple), max_size=4)
              .map(tuple)))


@given(st.lists(_BLOCK, max_size=30))
def test_structure_step_takes_any_blocks_and_links_only_to_goals(blocks: list[Block]) -> None:
    inferred = infer(blocks)
    for item in inferred.items:
        assert item.parent is None or inferred.items[item.parent].kind == "goal"


@given(st.lists(st.sampled_from(["<ul>", "</ul>", "<li>", "</li>", "<ol type='A'>", "</ol>",
                                 "<h2>", "</h2>", "<table>", "<tr>", "<td>", "</td>", "</table>",
                                 "<p>", "<b>", "</b>", "Mål 1: Trygg", "Aktiviteter", "x",
                                 "<script>", "</script>", "&amp;", "<br>"]), max_size=60))
def test_html_reader_takes_any_tag_soup(parts: list[str]) -> None:
    from planchecker.reading.docreaders import html_blocks

    for block in html_blocks("".join(parts).encode(), max_depth=200):
        assert block.kind in ("heading", "list", "paragraph", "table")


def test_labels_without_their_marks_are_still_labels() -> None:
    # OCR and old exports drop the marks of å, ä and ö: "Namndmal", "Maluppfyllelse"
    blocks = [Block("heading", "Verksamhetsplan 2021 Kulturnamnden", level=1),
              Block("heading", "Namndmal 1: Biblioteken ar trygga", level=2),
              Block("paragraph", "Maluppfyllelse:"),
              Block("list", "Andel trygga besokare"),
              Block("paragraph", "Atgarder:"),
              Block("list", "Utbilda personalen i hot och vald")]
    inferred = infer(blocks)
    assert kinds(blocks) == [
        ("goal", "Biblioteken ar trygga", None),
        ("indicator", "Andel trygga besokare", "Biblioteken ar trygga"),
        ("activity", "Utbilda personalen i hot och vald", "Biblioteken ar trygga")]
    assert (inferred.name, inferred.year) == ("Kulturnamnden", 2021)


def test_a_long_pdf_drops_running_headers_and_page_numbers_and_places_items_by_page(
        tmp_path: Path) -> None:
    from benchmarks.imports.render import stressed

    spec = stressed({"layout": "lettered", "title": "Verksamhetsplan 2022 Kulturnämnden",
                     "goals": [{"number": str(n), "label": "Mål", "text": f"Mål nummer {n} nås",
                                "indicators": [f"Andel nöjda besökare {n}"],
                                "activities": [f"Genomföra insats {n}"]} for n in range(1, 16)]})
    document = tmp_path / "lang.pdf"
    document.write_bytes(write_pdf(layout(spec), running=True))
    result = read_plan(document)
    assert result.problems == [] and result.plan is not None
    assert score(predicted(result.plan), gold(spec))["found"] == len(gold(spec)) == 45
    notes = " ".join(n.text for n in result.imported.inferred.notes)
    assert "beslutad av nämnden" not in notes and "Sida 2" not in notes
    assert result.imported.places[("Mål", "M15")].startswith("sida ")
    assert result.imported.places[("Mål", "M15")] != "sida 1"


SAMPLE_DOCUMENTS = Path(__file__).resolve().parents[1] / "sample_plans" / "dokument"


@pytest.mark.parametrize(("name", "spec_id", "write"), [
    ("jarfalla-ks-2021.docx", "jarfalla-sakerhet", write_docx),
    ("spanga-tensta-sdn-2021.pdf", "stockholm-ils-sdn", write_pdf)])
def test_sample_documents_are_the_corpus_documents_and_import(
        tmp_path: Path, name: str, spec_id: str, write: object) -> None:
    spec = next(s for s in CORPUS if s["id"] == spec_id)
    assert (SAMPLE_DOCUMENTS / name).read_bytes() == write(layout(spec))  # type: ignore[operator]
    result = CliRunner().invoke(cli, ["import", str(SAMPLE_DOCUMENTS / name),
                                      "-o", str(tmp_path / "plan.xlsx")])
    assert result.exit_code == 0, result.output
    assert read_plan(tmp_path / "plan.xlsx").plan is not None


@pytest.mark.parametrize("v_align", ["TOP", "MIDDLE"])
def test_an_rsa_table_without_ruling_lines_in_a_pdf_is_read_row_by_row(v_align: str) -> None:
    from planchecker.reading.docreaders import pdf_blocks

    rows = (("Risk", "Sannolikhet", "Konsekvens", "Åtgärd"),
            ("Långvarigt elavbrott i hela kommunen under flera dygn", "3", "4",
             "Reservkraft till äldreboenden och skolor i hela kommunen"),
            ("Brand", "2", "4", "Öva utrymning"))
    blocks = [TITLE, Block("paragraph", "Riskerna nedan bedöms efter sannolikhet och konsekvens "
                           "enligt stadens metod för risk- och sårbarhetsanalys."),
              Block("table", rows=rows),
              Block("paragraph", "Texten efter tabellen är lång nog att gå över flera kolumner "
                    "men hör inte till tabellen.")]
    found = infer(pdf_blocks(write_pdf(blocks, v_align=v_align), 500)).items
    assert [(i.kind, i.text, i.probability, i.consequence) for i in found] == [
        ("risk", rows[1][0], 3, 4), ("activity", rows[1][3], None, None),
        ("risk", "Brand", 2, 4), ("activity", "Öva utrymning", None, None)]


def test_a_pdf_with_too_many_pages_is_refused_before_its_text_is_read(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(201):
        pdf.add_page()
    document = tmp_path / "tjock.pdf"
    document.write_bytes(bytes(pdf.output()))
    assert _codes(document) == ["too-large"]
    assert "201 sidor; högst 200" in read_plan(document).problems[0].message


def test_options_win_over_the_title_and_a_bad_type_is_refused(tmp_path: Path) -> None:
    document = SAMPLE_DOCUMENTS / "jarfalla-ks-2021.docx"
    out = tmp_path / "plan.xlsx"
    result = CliRunner().invoke(cli, ["import", str(document), "-o", str(out), "--ar", "2022",
                                      "--typ", "Facknämnd"])
    assert result.exit_code == 0, result.output
    namnd = read_plan(out).plan.namnd
    assert (namnd.name, namnd.type, namnd.year) == ("Järfälla kommunstyrelse", "facknamnd", 2022)
    result = CliRunner().invoke(cli, ["import", str(document), "--typ", "landsting"])
    assert result.exit_code == 2 and "'landsting' är ingen nämndtyp" in result.output


def test_a_line_that_is_only_a_goal_label_opens_a_list_of_goals() -> None:
    blocks = [TITLE, Block("paragraph", "Nämndmål:"),
              Block("list", "Stadsdelen är trygg"), Block("list", "Verksamheten är robust")]
    assert kinds(blocks) == [("goal", "Stadsdelen är trygg", None),
                             ("goal", "Verksamheten är robust", None)]


def test_the_json_report_of_a_document_follows_the_report_schema() -> None:
    import json

    import jsonschema

    schema = json.loads((SAMPLE_DOCUMENTS.parents[1] / "schemas" / "report.schema.json")
                        .read_text(encoding="utf-8"))
    result = CliRunner().invoke(cli, ["check", str(SAMPLE_DOCUMENTS / "spanga-tensta-sdn-2021.pdf"),
                                      "--format", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    jsonschema.validate(report, schema)
    assert report["plan"]["inferred_structure"].startswith("Planens struktur har tolkats ur en PDF")


# --- damaged documents (reviewer's findings) -------------------------------------------------------

DAMAGE_BLOCKS = [Block("heading", "Verksamhetsplan 2024", level=1),
                 Block("heading", "Mål 1: Trygg", level=2),
                 Block("list", "Aktivitet ett", marker="•"),
                 Block("table", rows=(("Risk", "Sannolikhet"), ("Brand", "3")))]


def _read_or_refuse(reader: Any, data: bytes) -> str:
    """ "read" or the DocumentError's code; any other exception fails the test."""
    try:
        reader(data)
    except DocumentError as exc:
        assert exc.detail and exc.code
        return exc.code
    return "read"


def test_byte_flipped_pdfs_are_read_or_refused_never_an_internal_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = write_pdf(DAMAGE_BLOCKS)
    rng = random.Random(1)
    outcomes = []
    for _ in range(40):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        outcomes.append(_read_or_refuse(lambda d: pdf_blocks(d, 50), bytes(damaged)))
    assert "bad-syntax" in outcomes
    assert capsys.readouterr().err == ""  # pdfminer's English warnings stay out of the terminal


def test_byte_flipped_word_documents_are_read_or_refused_never_an_internal_error() -> None:
    source = zipfile.ZipFile(io.BytesIO(write_docx(DAMAGE_BLOCKS)))
    rng = random.Random(1)
    outcomes = []
    for _ in range(60):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name in source.namelist():
                part = bytearray(source.read(name))
                if name.endswith(".xml") and rng.random() < 0.5:
                    for _ in range(rng.randint(1, 3)):
                        part[rng.randrange(len(part))] = rng.choice(b'<>/"= abc0')
                archive.writestr(name, bytes(part))
        outcomes.append(_read_or_refuse(docx_blocks, out.getvalue()))
    assert "bad-syntax" in outcomes


def test_a_damaged_pdf_is_refused_with_a_reason_naming_the_file(tmp_path: Path) -> None:
    data = bytearray(write_pdf(DAMAGE_BLOCKS))
    start = data.index(b"/Type /Pages")  # a page tree that no longer says what it is
    data[start:start + 12] = b"/Type /Xxxxx"
    document = tmp_path / "plan.pdf"
    document.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["check", str(document)])
    assert result.exit_code == 2, result.output
    assert "plan.pdf" in result.output and "internt fel" not in result.output.casefold()


@pytest.mark.parametrize("start, marker", [("²", "1."), ("7" * 5000, "1."), ("١٢", "1."),
                                           ("12", "12."), ("", "1.")])
def test_an_ordered_list_start_is_ascii_digits_or_one(start: str, marker: str) -> None:
    page = f'<ol start="{start}"><li>Första punkten</li></ol>'.encode()
    assert [block.marker for block in html_blocks(page, 50)] == [marker]


def test_an_rsa_id_that_cannot_be_an_id_is_replaced_and_noted() -> None:
    long_id, invisible_id, longest = "X" * 250, "\u200b", "Y" * 200
    blocks = [Block("heading", "Verksamhetsplan 2024 för Kulturnämnden", level=1),
              Block("heading", "Mål 1: Trygg stad", level=2),
              Block("table", rows=(("Id", "Risk", "Sannolikhet", "Konsekvens"),
                                   (long_id, "Brand", "3", "3"),
                                   (invisible_id, "Översvämning", "2", "4"),
                                   (longest, "Strömavbrott", "2", "2"),
                                   (longest, "Vattenläcka", "2", "2")))]
    sink = ProblemSink("plan.docx", Limits())
    imported = import_blocks(blocks, "docx", sink, NamndHints(type="facknämnd"))
    assert imported is not None, sink.items
    ids = [risk.id for risk in imported.plan.risks]
    assert ids[:3] == ["R1", "R2", longest] and len(ids[3]) == 200 and ids[3].endswith("-2")
    book = openpyxl.load_workbook(io.BytesIO(imported_workbook(imported)))
    reasons = [row[2] for row in book[CHECK_SHEET].iter_rows(min_row=2, values_only=True)]
    assert sum("id i dokumentet" in str(reason) for reason in reasons) == 2


def _infer_seconds(line: str) -> tuple[float, list[str]]:
    blocks = [Block("heading", "Mål 1: Trygg stad", level=2), Block("list", line)]
    started = time.perf_counter()
    found = infer(blocks)
    return time.perf_counter() - started, [item.kind for item in found.items]


@pytest.mark.parametrize("line", ["1" * 20_000, "risk " * 4_000])
def test_a_20_kb_line_of_digits_or_repeated_words_takes_no_longer_than_prose(line: str) -> None:
    # a linear pattern handles any 20 KB line about as fast as prose; the quadratic one took
    # about 20 s on the digits, thousands of times the prose (a ratio, not a wall-clock limit)
    prose_line = ("Andel trygga invånare ska öka till 80 % " * 500)[:20_000]
    prose, kinds_of_prose = _infer_seconds(prose_line)
    hostile, kinds_of_hostile = _infer_seconds(line)
    assert kinds_of_prose == ["goal", "indicator"] and kinds_of_hostile == ["goal", "activity"]
    assert hostile < 50 * prose + 0.5


def test_an_rsa_header_line_is_risk_then_a_grade_word() -> None:
    assert _rsa_header("Risk   Sannolikhet   Konsekvens")
    assert not _rsa_header("Konsekvens och sannolikhet för en risk")
    assert not _rsa_header("risk " * 4_000)


def test_a_pdf_bomb_under_ascii_layers_is_measured_and_refused() -> None:
    limits = dataclasses.replace(Limits(), max_uncompressed=1024 * 1024)
    deflated = zlib.compress(b"\0" * (2 * 1024 * 1024), 9)
    hexed, a85 = deflated.hex().encode() + b">", base64.a85encode(deflated) + b"~>"
    for filters, stream in [(b"[/ASCIIHexDecode /FlateDecode]", hexed),
                            (b"[/AHx /Fl]", hexed),
                            (b"[/ASCII85Decode /FlateDecode]", a85),
                            (b"[/ASCIIHexDecode /ASCIIHexDecode /FlateDecode]",
                             hexed[:-1].hex().encode() + b">")]:
        sink = ProblemSink("bomb.pdf", limits)
        assert not pdf_is_safe(pdf_stream(filters, stream), sink), filters
        assert "PDF-bomb" in sink.items[0].message
    small = zlib.compress("Mål 1: Trygg stad".encode() * 10)
    assert pdf_is_safe(pdf_stream(b"[/ASCIIHexDecode /FlateDecode]",
                                        small.hex().encode() + b">"),
                       ProblemSink("plan.pdf", limits))


def test_a_pdf_filter_chain_that_cannot_be_measured_is_refused() -> None:
    sink = ProblemSink("chain.pdf", Limits())
    data = pdf_stream(b"[/LZWDecode /FlateDecode]", b"\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01")
    assert not pdf_is_safe(data, sink)
    assert [problem.code for problem in sink.items] == ["hostile-content"]
    assert "LZWDecode FlateDecode" in sink.items[0].message


@pytest.mark.parametrize("bomb", [pdf_lzw_bomb, pdf_run_length_bomb])
def test_a_single_lzw_or_run_length_stream_is_measured_and_a_bomb_refused(
        bomb: Any) -> None:
    limits = dataclasses.replace(Limits(), max_uncompressed=1024 * 1024)
    data = bomb(3 * 1024 * 1024)
    assert len(data) < 100_000
    sink = ProblemSink("bomb.pdf", limits)
    assert not pdf_is_safe(data, sink)
    assert "PDF-bomb" in sink.items[0].message
    assert pdf_is_safe(bomb(512 * 1024), ProblemSink("plan.pdf", limits))


@given(st.integers(min_value=1, max_value=200_000))
def test_the_lzw_measure_counts_what_pdfminer_unpacks(unpacked: int) -> None:
    from pdfminer.lzw import lzwdecode

    stream = lzw_bomb_stream(unpacked)
    assert _lzw_size(stream, 10**9) == len(lzwdecode(stream)) >= unpacked


@given(st.binary(max_size=300))
def test_the_lzw_and_run_length_measures_agree_with_pdfminer_on_any_bytes(tail: bytes) -> None:
    from pdfminer.lzw import lzwdecode
    from pdfminer.runlength import rldecode

    for stream in (tail, b"\x80" + tail):  # b"\x80": a clear code first, as encoders write
        try:
            unpacked = len(lzwdecode(stream))
        except Exception:  # noqa: BLE001 - pdfminer gives up on it: nothing to compare
            pass
        else:
            assert _lzw_size(stream, 10**9) == unpacked
    try:
        unpacked = len(rldecode(tail))
    except (StopIteration, RuntimeError):  # a run cut short: pdfminer fails on the stream
        return
    assert _run_length_size(tail, 10**9) == unpacked


def test_a_flate_stream_that_breaks_off_counts_what_it_gave() -> None:
    # pdfminer keeps what a damaged stream gave before the break: a bomb with a broken tail
    limits = dataclasses.replace(Limits(), max_uncompressed=1024 * 1024)
    broken = zlib.compress(b"\0" * (2 * 1024 * 1024), 9)[:-8] + b"\xff" * 16
    sink = ProblemSink("bomb.pdf", limits)
    assert not pdf_is_safe(pdf_stream(b"/FlateDecode", broken), sink)


def test_import_runs_under_the_memory_budget_as_check_does(tmp_path: Path) -> None:
    document = tmp_path / "plan.pdf"
    document.write_bytes(write_pdf(layout(CORPUS[0])))
    command = [str(Path(sys.executable).parent / "planchecker"), "import", str(document),
               "--namnd", "Kulturnämnden", "--typ", "facknämnd", "--ar", "2024"]
    tight = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,
                           env={**os.environ, "PLANCHECKER_MAX_MEMORY_MB": "1"})
    assert tight.returncode == 2, tight.stderr
    assert "Planen tog för mycket minne att granska (mer än 1 MB) och avbröts." in tight.stderr
    assert "internt fel" not in tight.stderr and not document.with_suffix(".xlsx").exists()
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(document.with_suffix(".xlsx"))[CHECK_SHEET].max_row > 1


def test_a_zip_whose_text_mentions_a_word_part_is_not_taken_for_a_document(
        tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("notes.txt", "se word/document.xml")
    path = tmp_path / "x.zip"
    path.write_bytes(buffer.getvalue())
    result = read_plan(path)
    assert [problem.code for problem in result.problems] == ["not-a-workbook"]
    output = CliRunner().invoke(cli, ["check", str(path)]).output
    assert "(0 fel)" not in output and "(1 fel)" in output


def test_reading_something_that_is_no_document_always_says_why() -> None:
    sink = ProblemSink("anteckningar.txt", Limits())
    assert read_document(b"Bara text.", ".txt", "text", sink) is None
    assert len(sink.items) == 1 and sink.items[0].message


# --- plans as published without the word "mål" over their goals ----------------------------------


def test_a_list_of_aktiviteter_without_any_mal_is_imported_and_the_check_finds_no_mal(
        tmp_path: Path) -> None:
    # medborgarlöften, a list of uppdrag: a plan section with no mål is still a plan
    document = tmp_path / "loften.docx"
    document.write_bytes(write_docx([
        Block("heading", "Medborgarlöften 2023–2024", level=1),
        Block("heading", "Aktiviteter", level=2),
        Block("list", "Kommunen och polisen ska verka för en trygg trafikmiljö i centrum.",
              marker="•"),
        Block("list", "Polisen ska vara synlig och närvarande i byarna.", marker="•")]))
    result = CliRunner().invoke(cli, ["import", str(document), "--namnd", "Kommunstyrelsen",
                                      "--typ", "kommunstyrelse", "--ar", "2023"])
    assert result.exit_code == 0, result.output
    assert "Hittade: 0 mål, 0 indikatorer, 2 aktiviteter, 0 risker." in result.stderr
    assert "Inga mål hittades i dokumentet" in result.stderr
    # told only once the template is written
    assert result.stderr.index("Skrev ") < result.stderr.index("Hittade: ")
    book = openpyxl.load_workbook(tmp_path / "loften.xlsx")
    assert any("Inga mål hittades" in str(row[2])
               for row in book[CHECK_SHEET].iter_rows(values_only=True))
    imported = read_document(document.read_bytes(), ".docx", "zip",
                             ProblemSink("loften.docx", Limits()),
                             NamndHints("Kommunstyrelsen", "kommunstyrelse", 2023))
    assert imported is not None and "Inga mål hittades i dokumentet." in imported.notice()
    report = CliRunner().invoke(cli, ["check", str(tmp_path / "loften.xlsx"),
                                      "--format", "json"])
    findings = {f["rule_id"]: f["status"] for f in json.loads(report.stdout)["findings"]}
    assert findings["TRY20-MAL"] != "uppfylld"


def test_a_document_with_nothing_plan_like_is_refused_with_exit_2(tmp_path: Path) -> None:
    document = tmp_path / "protokoll.html"
    document.write_bytes(write_html([TITLE, Block("heading", "Närvarande", level=2),
                                     Block("list", "Anna Andersson (S), ordförande"),
                                     Block("paragraph", "Mötet öppnades kl. 18.")]))
    result = CliRunner().invoke(cli, ["import", str(document), "--namnd", "Kulturnämnden",
                                      "--typ", "facknämnd", "--ar", "2024"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Ingen planstruktur" in result.stderr and "inga aktiviteter" in result.stderr
    assert not (tmp_path / "protokoll.xlsx").exists()


@pytest.mark.parametrize("heading", ["Fokusområden", "Nämndens inriktning 2024",
                                     "Prioriterade områden", "Måluppföljning",
                                     "Mål för verksamheten", "Kommunens fokusområden för 2023"])
def test_a_list_under_a_heading_that_names_goals_otherwise_is_a_list_of_goals(
        heading: str) -> None:
    blocks = [TITLE, Block("heading", heading, level=2),
              Block("list", "Social hållbarhet", marker="•", place="stycke 3"),
              Block("list", "Klimat, miljö och energi", marker="•", place="stycke 4")]
    inferred = infer(blocks)
    assert [(i.kind, i.text) for i in inferred.items] == [("goal", "Social hållbarhet"),
                                                          ("goal", "Klimat, miljö och energi")]
    if heading != "Mål för verksamheten":  # the guess is said where no label says "mål"
        assert [n.place for n in inferred.notes] == ["stycke 3", "stycke 4"]
        assert heading in inferred.notes[0].reason


@pytest.mark.parametrize("heading", ["Nämndens områden", "Inledning", "Organisation",
                                     "Verksamhetens områden och enheter"])
def test_a_list_under_an_ordinary_heading_is_not_read_as_goals(heading: str) -> None:
    blocks = [TITLE, Block("heading", heading, level=2),
              Block("list", "Förskola", marker="•"), Block("list", "Grundskola", marker="•")]
    assert kinds(blocks) == []


def test_mal_och_uppdrag_over_one_flat_list_is_the_uppdrag() -> None:
    flat = [TITLE, Block("heading", "Mål och uppdrag", level=2),
            Block("list", "Det aktiva skolvalet ska följas upp", marker="•"),
            Block("list", "Förskoleklass ska erbjudas utökat språkstöd", marker="•")]
    assert [k for k, _, _ in kinds(flat)] == ["activity", "activity"]
    # the same heading over goals with their items: the goals stay goals
    tree = [TITLE, Block("heading", "Mål och uppdrag", level=2),
            Block("list", "Alla barn ska nå målen", marker="•"),
            Block("list", "Uppdrag: följa upp skolvalet", level=1, marker="•")]
    assert kinds(tree) == [("goal", "Alla barn ska nå målen", None),
                           ("activity", "följa upp skolvalet", "Alla barn ska nå målen")]
    bold = [TITLE, Block("heading", "Nämndens mål och aktiviteter", level=2),
            Block("heading", "Fler ska känna sig trygga", level=9),
            Block("list", "Genomföra trygghetsvandringar", marker="•")]
    assert [k for k, _, _ in kinds(bold)] == ["goal", "activity"]


def test_a_bold_goal_that_mentions_insatser_is_still_a_goal() -> None:
    goal = "Brottsligheten ska minska genom förebyggande insatser i hela kommunen"
    blocks = [TITLE, Block("heading", "Nämndens mål och aktiviteter", level=2),
              Block("heading", goal, level=9),
              Block("list", "Genomföra trygghetsvandringar", marker="•")]
    assert kinds(blocks) == [("goal", goal, None),
                             ("activity", "Genomföra trygghetsvandringar", goal)]
    # a heading that starts with its label still opens a list of that kind
    labelled = [TITLE, Block("heading", "Mål 1: Trygg stad", level=2),
                Block("heading", "Aktiviteter för ökad trygghet", level=3),
                Block("list", "Trygghetsvandringar", marker="•")]
    assert kinds(labelled)[-1] == ("activity", "Trygghetsvandringar", "Trygg stad")


@pytest.mark.parametrize("doc_format", ["docx", "html", "pdf"])
def test_a_long_bold_goal_is_read_as_a_goal_in_every_format(doc_format: str) -> None:
    goal = ("Vi ska tillsammans med polisen och civilsamhället arbeta för att alla invånare, "
            "oavsett var de bor, ska känna sig trygga i sitt bostadsområde, i centrum och "
            "i kollektivtrafiken under dygnets alla timmar.")
    assert 120 < len(goal) <= 300
    blocks = [TITLE, Block("heading", "Nämndens mål och aktiviteter", level=2),
              Block("heading", goal, level=9),
              Block("list", "Genomföra trygghetsvandringar med polisen", marker="•"),
              Block("list", "Öka belysningen i parkerna", marker="•")]
    read = {"docx": docx_blocks, "html": lambda d: html_blocks(d, 100),
            "pdf": lambda d: pdf_blocks(d, 10)}[doc_format](WRITERS[doc_format](blocks))
    assert [k for k, _, _ in kinds(read)] == ["goal", "activity", "activity"]
    assert kinds(read)[1][2] == goal


def test_an_unlabelled_line_with_an_index_or_share_and_a_figure_is_guessed_an_indicator() -> None:
    blocks = [TITLE, Block("heading", "Mål 1: Trygg kommun", level=2),
              Block("list", "Enligt medborgarundersökningen steg trygghetsindex från 47 till 60"),
              Block("list", "Då sjönk index till 55."),
              Block("list", "Andelen trygga ska öka till 80 procent"),
              Block("list", "Ta fram ett nytt index för trygghet")]
    assert [k for k, _, _ in kinds(blocks)] == ["goal", "indicator", "indicator", "indicator",
                                                "activity"]


# Göteborg's trygghetsprogram (B010): its insatsområden as bullets under the programme's name
_INSATSER = ["Trygghetsfrämjande arbete och åtgärder", "Motverka hot och våld",
             "Motverka organiserad brottslighet", "Utbildning av organisationen",
             "Samverkanspart med polis, bostadsbolag och myndigheter",
             "Effektiv Samordning för Trygghet (EST)"]
# Utbildningsnämnden's decision (A046): its goals under "Verksamhetsplan och internbudget för 2023"
_NAMNDMAL = ["Bibehålla och utveckla utbildningsnämndens tillitskultur",
             "Ge alla elever en god skolmiljö avseende trygghet, trivsel, delaktighet och "
             "jämställdhet",
             "Öka matchningen mellan utbildning och arbetsliv inom gymnasieskola och "
             "vuxenutbildning"]


def _under(heading: str, lines: list[str]) -> list[Block]:
    return [Block("heading", "Trygg och säker kommun", level=1),
            Block("heading", heading, level=2)] + [
        Block("list", text, marker="•", place=f"stycke {n}") for n, text in enumerate(lines, 3)]


@pytest.mark.parametrize("doc_format", ["docx", "html", "pdf"])
def test_noun_phrase_lines_under_an_umbrella_heading_are_guessed_activities(
        tmp_path: Path, doc_format: str) -> None:
    # the document was refused ("Ingen planstruktur"): nothing in it carries a label
    document = tmp_path / f"program.{doc_format}"
    document.write_bytes(WRITERS[doc_format](_under("Trygg och säker kommun", _INSATSER)))
    sink = ProblemSink(str(document), Limits.from_env())
    data = document.read_bytes()
    imported = read_document(data, document.suffix, sniffing.sniff(data), sink,
                             NamndHints("Kommunstyrelsen", "kommunstyrelse", 2023))
    assert imported is not None, [p.describe() for p in sink.items]
    assert [a.text for a in imported.plan.activities] == _INSATSER and not imported.plan.goals
    guessed = [n for n in imported.inferred.notes if "Tolkad som aktivitet" in n.reason]
    assert len(guessed) == len(_INSATSER)
    assert "Trygg och säker kommun" in guessed[0].reason


def test_goal_like_lines_under_a_heading_naming_the_plan_are_guessed_goals() -> None:
    inferred = infer(_under("Verksamhetsplan och internbudget för 2023", _NAMNDMAL))
    assert [(i.kind, i.text) for i in inferred.items] == [("goal", t) for t in _NAMNDMAL]
    assert [n.place for n in inferred.notes] == ["stycke 3", "stycke 4", "stycke 5"]
    assert all("Tolkad som mål" in n.reason for n in inferred.notes)


def test_goal_like_lines_under_an_ordinary_heading_and_lists_of_names_stay_unread() -> None:
    # verb-led lines are aktiviteter about as often as mål: only a heading naming the plan
    # decides it; one- or two-word names are an organisation, not a plan
    assert infer(_under("Trygg och säker kommun", _NAMNDMAL)).items == []
    assert infer(_under("Verksamhetsplan 2024", ["Förskola", "Grundskola"])).items == []
    # a document with anything labelled keeps its labels: the list under the title stays out
    labelled = _under("Trygg och säker kommun", _INSATSER) + [
        Block("heading", "Mål 1: Ingen ska utsättas för hot och våld", level=2)]
    assert [i.kind for i in infer(labelled).items] == ["goal"]


def test_an_area_heading_over_a_labelled_goal_is_not_itself_a_goal() -> None:
    # a regional plan (the `formaga` layout): "5.1 Bostadsbränder", then "Förmågemål: …"; the
    # fillers "för perioden" made the section heading open a goal list and the area a goal
    blocks = [TITLE, Block("heading", "5. Mål och aktiviteter för perioden", level=2),
              Block("heading", "5.1 Bostadsbränder", level=3),
              Block("paragraph", "Förmågemål: Färre bostadsbränder i kommunen"),
              Block("paragraph", "Aktiviteter:"),
              Block("list", "Hembesök i utsatta områden", marker="1."),
              Block("heading", "5.2 Utbildning och övning", level=3),
              Block("paragraph", "Förmågemål: Krisledningen är utbildad och övad")]
    assert kinds(blocks) == [
        ("goal", "Färre bostadsbränder i kommunen", None),
        ("activity", "Hembesök i utsatta områden", "Färre bostadsbränder i kommunen"),
        ("goal", "Krisledningen är utbildad och övad", None)]
    # a sub-heading with unlabelled items under it is still the goal
    plain = [TITLE, Block("heading", "Nämndens mål och aktiviteter", level=2),
             Block("heading", "Färre bostadsbränder", level=3),
             Block("list", "Hembesök i utsatta områden", marker="•")]
    assert kinds(plain)[0] == ("goal", "Färre bostadsbränder", None)


def test_a_one_page_pdf_with_a_small_print_running_header_reads_its_list_as_items() -> None:
    # Region Gotland's risk- och sårbarhetsanalys (B043) on one page, a running header in 8 pt: the
    # header weighed as body text, 10 pt became a heading size and the goals read as one heading
    goals = ["Öka medvetenheten och kunskapen hos beslutsfattare och verksamhetsansvariga.",
             "Ge underlag för planering och åtgärder som minskar riskerna och sårbarheten.",
             "Utveckla förmågan att hantera kriser."]
    blocks = [Block("heading", "Risk- och sårbarhetsanalys 2019-2022", level=1),
              Block("heading", "Mål", level=2)] + [Block("list", g, marker="•") for g in goals]
    read = pdf_blocks(write_pdf(blocks, running=True), 10)
    assert [(b.kind, b.text) for b in read if b.kind == "list"] == [("list", g) for g in goals]
    assert [i.text for i in infer(read).items] == goals


def test_an_indented_pdf_item_that_wraps_stays_one_item() -> None:
    # the `indented` layout: no bullets, so a wrapped line starts where its item started
    tail = (" och följs upp i tertialrapporterna och i verksamhetsberättelsen enligt stadens "
            "anvisningar för uppföljning")
    items = ["Utbilda personalen i hot och våld" + tail, "Se över entréernas utformning" + tail]
    blocks = [TITLE, Block("heading", "Mål och uppföljning", level=2),
              Block("list", "Nämndmål: Biblioteken är trygga mötesplatser", level=0)] + [
        Block("list", text, level=1) for text in items]
    found = infer(pdf_blocks(write_pdf(blocks), 10)).items
    assert [(i.kind, i.text) for i in found] == [
        ("goal", "Biblioteken är trygga mötesplatser"), ("activity", items[0]),
        ("activity", items[1])]


_READERS = {"docx": docx_blocks, "html": lambda d: html_blocks(d, 100),
            "pdf": lambda d: pdf_blocks(d, 10)}


@pytest.mark.parametrize("doc_format", ["docx", "html", "pdf"])
def test_a_namndmal_heading_over_its_verksamhetsmal_stays_a_goal_in_every_format(
        doc_format: str) -> None:
    # the ordinary goal tree: under "Nämndmål" each sub-heading is a nämndmål and its
    # "Verksamhetsmål: …" lines are its children; a lower-rank label under it made the
    # sub-heading an area, and the verksamhetsmål lost their parent
    blocks = [Block("heading", "Verksamhetsplan 2024 Barn- och utbildningsnämnden", level=1),
              Block("heading", "Nämndmål", level=2),
              Block("heading", "Alla elever känner sig trygga i skolan", level=3),
              Block("list", "Verksamhetsmål: Kränkningarna ska minska", marker="•"),
              Block("heading", "Ingen ska utsättas för hot och våld", level=3),
              Block("list", "Delmål 1: Färre hot mot personal", marker="•")]
    found = kinds(_READERS[doc_format](WRITERS[doc_format](blocks)))
    assert found == [
        ("goal", "Alla elever känner sig trygga i skolan", None),
        ("goal", "Kränkningarna ska minska", "Alla elever känner sig trygga i skolan"),
        ("goal", "Ingen ska utsättas för hot och våld", None),
        ("goal", "Färre hot mot personal", "Ingen ska utsättas för hot och våld")]
    # under a section heading without a label of its own, a lower-rank label does not make the
    # sub-heading an area either
    unlabelled = [blocks[0], Block("heading", "Mål och aktiviteter för perioden", level=2),
                  *blocks[2:]]
    assert kinds(_READERS[doc_format](WRITERS[doc_format](unlabelled))) == found


def test_an_area_heading_that_is_not_read_as_a_goal_is_noted() -> None:
    blocks = [TITLE, Block("heading", "5. Mål och aktiviteter för perioden", level=2),
              Block("heading", "5.1 Bostadsbränder", level=3, place="stycke 3"),
              Block("paragraph", "Förmågemål: Färre bostadsbränder i kommunen")]
    notes = infer(blocks).notes
    assert [(n.place, n.text) for n in notes] == [("stycke 3", "Bostadsbränder")]
    assert "område" in notes[0].reason


_AGENDA = [Block("heading", "Kallelse till sammanträde med kommunstyrelsen", level=1),
           Block("paragraph", "Tid: 14 mars 2024 kl. 13.00. Plats: Kommunhuset, sal A."),
           Block("heading", "Föredragningslista", level=2)] + [
    Block("list", text, marker=f"{n}.") for n, text in enumerate(
        ["Val av justerare", "Godkännande av dagordningen", "Anmälan av delegationsbeslut",
         "Information från kommundirektören", "Revidering av krisledningsplan för kommunen"], 1)]
_CONTENTS = [Block("heading", "Årsredovisning 2023 för Tekniska nämnden", level=1),
             Block("heading", "Innehåll", level=2)] + [
    Block("list", text, marker=f"{n}.") for n, text in enumerate(
        ["Inledning och bakgrund 3", "Ekonomiskt utfall för året 5",
         "Personal och arbetsmiljö 8", "Uppföljning av internkontroll 11"], 1)] + [
    Block("heading", "1. Inledning och bakgrund", level=2),
    Block("paragraph", "Nämnden redovisar här årets verksamhet och hur budgeten har hållits.")]
_ATTENDEES = [Block("heading", "Protokoll från kulturnämndens sammanträde", level=1),
              Block("heading", "Närvarande", level=2)] + [
    Block("list", text, marker="•") for text in
    ["Johan Berg (S), ordförande", "Erik Lund (M), vice ordförande", "Per Holm (C), ledamot"]] + [
    Block("paragraph", "Mötet öppnades kl. 18.")]


@pytest.mark.parametrize("doc_format", ["docx", "html", "pdf"])
@pytest.mark.parametrize("name", ["dagordning", "innehall", "narvarande"])
def test_an_agenda_a_table_of_contents_or_an_attendee_list_is_refused_as_no_plan(
        tmp_path: Path, doc_format: str, name: str) -> None:
    # noun phrases under a heading, as a plan's insatser are, but no plan: the import must say
    # "Ingen planstruktur", not fill the template with the agenda's items as aktiviteter
    blocks = {"dagordning": _AGENDA, "innehall": _CONTENTS, "narvarande": _ATTENDEES}[name]
    document = tmp_path / f"{name}.{doc_format}"
    document.write_bytes(WRITERS[doc_format](blocks))
    result = CliRunner().invoke(cli, ["import", str(document), "--namnd", "Kommunstyrelsen",
                                      "--typ", "kommunstyrelse", "--ar", "2024"])
    assert result.exit_code == 2, result.output
    assert "Ingen planstruktur" in result.stderr
    assert not (tmp_path / f"{name}.xlsx").exists()


def test_each_sign_of_a_non_plan_list_alone_keeps_it_unread() -> None:
    # the same insatser read under their heading; each sign alone stops it
    assert len(infer(_under("Trygg och säker kommun", _INSATSER)).items) == len(_INSATSER)
    for heading in ("Innehållsförteckning", "Dagordning", "Övriga närvarande", "Bilagor"):
        assert infer(_under(heading, _INSATSER)).items == [], heading
    for line in ("Val av justerare", "Anna Andersson (KD), ersättare",
                 "Godkännande av föredragningslistan"):
        assert infer(_under("Trygg och säker kommun", [line, *_INSATSER])).items == [], line
    paged = [f"{text} {page}" for page, text in enumerate(_INSATSER, 3)]
    assert infer(_under("Trygg och säker kommun", paged)).items == []
    # page numbers after long dot leaders, as a word processor fills them in
    leaders = [f"{text} {'.' * 60} {page}" for page, text in enumerate(_INSATSER, 3)]
    assert infer(_under("Trygg och säker kommun", leaders)).items == []
    # a meeting document's title: nothing in it is read by this rule
    meeting = [Block("heading", "Protokollsutdrag kommunstyrelsen 2024-03-14", level=1),
               *_under("Trygg och säker kommun", _INSATSER)[1:]]
    assert infer(meeting).items == []


def test_a_nested_list_under_an_umbrella_heading_stays_unread() -> None:
    # only the first level-0 run was read, the rest of the list silently not
    blocks = _under("Trygg och säker kommun", _INSATSER[3:]) + [
        Block("list", "Samverkan med skolorna i varje kommundel", level=1, marker="•")] + [
        Block("list", text, marker="•") for text in _INSATSER[:3]]
    assert infer(blocks).items == []
    # the flat list alone is read
    assert len(infer(_under("Trygg och säker kommun", _INSATSER)).items) == len(_INSATSER)


def test_umbrella_notes_stand_in_document_order_and_an_empty_heading_is_worded() -> None:
    blocks = [Block("heading", "Trygg och säker kommun", level=1),
              Block("list", "Trygghetsvandringar i centrum", marker="•", place="stycke 2"),
              Block("heading", "", level=2, place="stycke 3"),
              *[Block("list", text, marker="•", place=f"stycke {n}")
                for n, text in enumerate(_INSATSER, 4)],
              Block("list", "Trygghetsvandringar i Limmared", level=1, marker="•",
                    place="stycke 10"),
              Block("paragraph", "Mötena sker två halvdagar om året.")]
    # the nested item ends the run: the list is not flat, so nothing is read
    assert infer(blocks).items == []
    flat = blocks[:-2] + blocks[-1:]
    inferred = infer(flat)
    assert [i.text for i in inferred.items] == _INSATSER
    assert [n.place for n in inferred.notes] == ["stycke 2"] + [f"stycke {n}" for n in range(4, 10)]
    assert "lästes inte" in inferred.notes[0].reason
    assert all("”" not in n.reason and "direkt under en rubrik" in n.reason
               for n in inferred.notes[1:])


def test_a_line_form_is_told_by_its_words_not_by_folded_look_alikes() -> None:
    # "år" folded is "ar", as "är" is; plural adjectives end in -a as infinitives do
    noun_phrases = ["Krisledningsövning två gånger per år",
                    "Regelbundna övningar med krisledningen",
                    "Gemensamma rutiner för larm och inpassering",
                    "Nya rutiner för besökare i stadshuset",
                    "Sociala insatser för unga i riskzon"]
    inferred = infer(_under("Trygg och säker kommun", noun_phrases))
    assert [(i.kind, i.text) for i in inferred.items] == [("activity", t) for t in noun_phrases]
    # verb-led lines under a heading naming the plan by its definite form are its mål; under
    # "Flygplan" (no plan) they stay unread
    for heading in ("Strategin", "Policyn", "Programmet", "Handlingsprogrammet"):
        assert [i.kind for i in infer(_under(heading, _NAMNDMAL)).items] == ["goal"] * 3, heading
    assert infer(_under("Flygplan och drönare", _NAMNDMAL)).items == []


def test_indented_pdf_items_in_lower_case_that_do_not_wrap_stay_separate_items() -> None:
    # a short line ends where its writer ended it: the next lower-case line is the next item
    items = ["utbildning av personalen i hot och våld", "översyn av entréernas utformning",
             "samverkan med polisen kring stängningstiderna"]
    blocks = [TITLE, Block("heading", "Mål och uppföljning", level=2),
              Block("list", "Nämndmål: Biblioteken är trygga mötesplatser", level=0)] + [
        Block("list", text, level=1) for text in items]
    found = infer(pdf_blocks(write_pdf(blocks), 10)).items
    assert [(i.kind, i.text) for i in found] == [
        ("goal", "Biblioteken är trygga mötesplatser")] + [("activity", t) for t in items]
    # one that fills its line and wraps still goes on with its next line
    long = ("utbildning av personalen i hot och våld, bemötande och konflikthantering för alla "
            "som arbetar i bibliotekens publika delar under kvällstid")
    found = infer(pdf_blocks(write_pdf(blocks[:3] + [Block("list", long, level=1),
                                                     Block("list", items[1], level=1)]), 10)).items
    assert [i.text for i in found] == ["Biblioteken är trygga mötesplatser", long, items[1]]


def test_a_list_whose_lines_end_in_the_same_number_is_no_table_of_contents() -> None:
    # a fire-safety leaflet's steps: "112" at the end of each line is no page number
    steps = ["Utrymning av huset och larm till 112", "Information till grannar och larm via 112",
             "Släckning av branden om det går, annars larm till 112"]
    assert [i.kind for i in infer(_under("Trygg och säker kommun", steps)).items] == [
        "activity"] * 3
