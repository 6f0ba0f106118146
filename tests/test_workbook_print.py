"""The report workbooks as they print: set up for paper (landscape A4, every column on one page
wide, the header row on every page, the chart on a page of its own, rows tall enough for their
wrapped text), and printed for real by LibreOffice headless to PDF where it is installed (CI
installs it with .ci/install-libreoffice)."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from planchecker.checking.pipeline import Outcome
from planchecker.reports.workbook import plan_workbook, review_workbook
from tests.golden_cases import plan_report, sample_outcomes

SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice saknas (soffice); installera den med .ci/install-libreoffice",
)


@pytest.fixture(scope="module")
def many_outcomes() -> list[Outcome]:
    """The sample plans five times over, as five nämnder each (a review counts one plan once):
    enough findings for several printed pages."""
    return [dataclasses.replace(o, file=f"{n}-{o.file}", report=dataclasses.replace(
                o.report, plan_name=f"{o.report.plan_name} {n}"))
            for n in range(1, 6) for o in sample_outcomes() if o.report is not None]


def test_every_sheet_is_set_up_for_paper(many_outcomes: list[Outcome]) -> None:
    for data in (review_workbook(many_outcomes), plan_workbook(plan_report("sodermalm-sdn-2020"))):
        book = openpyxl.load_workbook(io.BytesIO(data))
        for ws in book.worksheets:
            setup = ws.page_setup
            assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
            tables = ws.title not in ("Sammanfattning", "Diagram") or ws.max_column > 2
            if ws.title != "Diagram" and ws["A1"].font.b and tables:
                assert ws.print_title_rows == "$1:$1", ws.title


def test_rows_are_tall_enough_for_their_wrapped_text(many_outcomes: list[Outcome]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(many_outcomes)))
    ws = book["Brister"]
    checked = 0
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                width = ws.column_dimensions[cell.column_letter].width
                lines = -(-len(cell.value) // int(width))  # at the very least
                if lines > 1:
                    height = ws.row_dimensions[cell.row].height
                    assert height is not None and height >= lines * 15, (cell.coordinate, height)
                    checked += 1
    assert checked > 50


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A LibreOffice profile of this module's own, made once (its first start costs seconds):
    another run may be printing with the user's profile at the same time."""
    return (tmp_path_factory.mktemp("lo-profile")).as_uri()


def _pdf_pages(data: bytes, tmp_path: Path, profile: str) -> list[tuple[float, float, str]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    source = tmp_path / "granskning.xlsx"
    source.write_bytes(data)
    assert SOFFICE is not None
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pages = []
    for page in extract_pages(tmp_path / "granskning.pdf"):
        # top to bottom, so that the page header (the sheet's name) comes first
        boxes = sorted((e for e in page if isinstance(e, LTTextContainer)), key=lambda e: -e.y1)
        text = " ".join(" ".join(e.get_text().split()) for e in boxes)
        pages.append((page.width, page.height, text))
    return pages


@needs_libreoffice
def test_the_review_workbook_prints_well_in_libreoffice(many_outcomes: list[Outcome],
                                                        tmp_path: Path, profile: str) -> None:
    pages = _pdf_pages(review_workbook(many_outcomes), tmp_path, profile)
    assert all(width > height for width, height, _ in pages), "not landscape"
    # The header line names the sheet (&A); every page of a table repeats its header row and,
    # fitted to the width, shows its last column too.
    by_sheet: dict[str, list[str]] = {}
    for _, _, text in pages:
        sheet = next(s for s in ("Sammanfattning", "Täckning", "Brister", "Diagram")
                     if text.startswith(s))
        by_sheet.setdefault(sheet, []).append(text)
    assert len(by_sheet["Brister"]) >= 2
    for text in by_sheet["Brister"]:
        assert "Regel" in text and "Källa" in text and "Undantag" in text
    for text in by_sheet["Täckning"]:
        assert "Nämnd" in text and "Övriga krav" in text
    # The chart alone on the last page of its sheet: its title, none of the table's text.
    chart_page = by_sheet["Diagram"][-1]
    assert "Andel uppfyllda krav (hela staden)" in chart_page and "Omfattar" not in chart_page


@needs_libreoffice
def test_the_plan_workbook_prints_on_landscape_pages(tmp_path: Path, profile: str) -> None:
    pages = _pdf_pages(plan_workbook(plan_report("sodermalm-sdn-2020")), tmp_path, profile)
    assert pages and all(width > height for width, height, _ in pages)
    findings = [text for _, _, text in pages if text.startswith("Brister")]
    assert findings and all("Regel" in t and "Undantag" in t for t in findings)


