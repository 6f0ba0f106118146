"""The upload page in a real browser: Playwright driving Debian's chromium, plus axe-core (issue 8).

Skipped only when /usr/bin/chromium is missing (CI installs it with .ci/install-browser). Playwright
never downloads a browser here: it is pointed at the system chromium.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright

from planchecker.checking.findings import Report
from planchecker.reading.reader import read_plan
from planchecker.reports import htmlreport, writers
from planchecker.web import app as web
from tests.web_support import SODERMALM, XSS_IMG, XSS_SCRIPT, live_server, xss_plan_xlsx

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debians chromium saknas (/usr/bin/chromium); installera den med .ci/install-browser",
)
BROKEN = {"name": "tom.xlsx", "mimeType": "application/octet-stream", "buffer": b""}
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with live_server(web.create_app()) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watch:
    """What a page did besides rendering: dialogs it opened, and its console (where CSP reports)."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        self.console.append(message.text)


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def expected() -> Report:
    report = web.checker_for(None).check_file(SODERMALM).report
    assert report is not None
    return report


def submit(page: Page, base_url: str, file: Path | dict[str, Any]) -> int:
    """Open the start page, choose the file, press the button; the HTTP status of the answer."""
    page.goto(base_url + "/")
    page.get_by_label("Verksamhetsplan").set_input_files(file)  # type: ignore[arg-type]
    with page.expect_response(lambda response: response.url.endswith("/check")) as answer:
        page.get_by_role("button", name="Granska planen").click()
    page.wait_for_load_state()
    return answer.value.status


def serious_violations(page: Page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']]}"
            for v in violations if v["impact"] in BLOCKING_IMPACTS]


def test_start_page_offers_the_template(page: Page, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Granska en verksamhetsplan"
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner Excel-mallen (.xlsx)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("verksamhetsplan-mall-")
    book = openpyxl.load_workbook(path, read_only=True)
    assert {"Nämnd", "Mål", "Aktiviteter"} <= set(book.sheetnames)
    book.close()
    # readable as it comes; only the placeholder name must be replaced before it is checked
    assert [p.code for p in read_plan(path).problems] == ["bad-value"]


def test_upload_a_plan_read_the_findings_and_download_the_excel_report(
    page: Page, base_url: str, tmp_path: Path, expected: Report
) -> None:
    assert submit(page, base_url, SODERMALM) == 200
    assert "Södermalms stadsdelsnämnd" in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("p.verdict").inner_text() == writers.verdict_text(expected)
    findings = page.locator("li.finding")
    assert findings.count() == len(expected.findings)
    for finding in expected.findings:
        card = findings.filter(has_text=f"({finding.rule_id})")
        assert card.is_visible() and finding.message in card.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Rapporten som Excel").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".xlsx"
    book = openpyxl.load_workbook(path, read_only=True)
    cells = {str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r}
    book.close()
    assert {f.rule_id for f in expected.findings} <= cells


def test_the_json_and_html_downloads_work_too(page: Page, base_url: str, expected: Report) -> None:
    submit(page, base_url, SODERMALM)
    for label, text in (("Rapporten som JSON", writers.render_json(expected)),
                        ("Rapporten som HTML", htmlreport.render_html(expected))):
        with page.expect_download() as download:
            page.get_by_role("link", name=label).click()
        assert Path(download.value.path()).read_text(encoding="utf-8") == text


def test_a_broken_file_shows_the_swedish_error(page: Page, base_url: str) -> None:
    status = submit(page, base_url, {"name": "trasig.xlsx", "mimeType": "application/octet-stream",
                                     "buffer": b"PK\x03\x04 inte en arbetsbok"})
    assert status == 400
    alert = page.get_by_role("alert")
    assert "Planen kunde inte läsas (1 fel)" in alert.inner_text()
    assert "trasig.xlsx: Inte en Excel-arbetsbok" in alert.inner_text()
    field = page.get_by_label("Verksamhetsplan")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.title().startswith("Fel: ")


def test_an_xss_plan_renders_as_text_and_runs_nothing(page: Page, base_url: str) -> None:
    watch = Watch(page)
    status = submit(page, base_url, {"name": "xss.xlsx", "mimeType": "application/octet-stream",
                                     "buffer": xss_plan_xlsx()})
    assert status == 200
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert watch.dialogs == []
    assert XSS_SCRIPT in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_text(XSS_IMG).first.is_visible()
    assert page.locator("main img, main script").count() == 0
    assert not [m for m in watch.console if "Content Security Policy" in m], watch.console


@pytest.mark.parametrize("which", ["start", "result", "error", "rules"])
def test_axe_finds_no_serious_or_critical_violations(page: Page, base_url: str, which: str) -> None:
    if which == "start":
        page.goto(base_url + "/")
    elif which == "result":
        submit(page, base_url, SODERMALM)
    elif which == "error":
        submit(page, base_url, BROKEN)
    else:
        page.goto(base_url + "/rules")
    assert serious_violations(page) == []


def test_the_form_works_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        assert submit(page, base_url, SODERMALM) == 200
        assert page.locator("li.finding").count() > 0
    finally:
        context.close()


def open_page(page: Page, base_url: str, which: str) -> None:
    """The start or rules page, or the result page of a good (result) or broken (error) plan."""
    if which in {"start", "rules"}:
        page.goto(base_url + ("/" if which == "start" else "/rules"))
    else:
        submit(page, base_url, SODERMALM if which == "result" else BROKEN)


@pytest.mark.parametrize("which", ["start", "result", "error", "rules"])
def test_no_horizontal_scrolling_at_200_percent_zoom(page: Page, base_url: str, which: str) -> None:
    """A 1280 px wide window at 200 % zoom is 640 CSS px wide (WCAG 1.4.4 and 1.4.10)."""
    page.set_viewport_size({"width": 640, "height": 900})
    open_page(page, base_url, which)
    widths = page.evaluate("[document.documentElement.scrollWidth, "
                           "document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths


def test_keyboard_reaches_the_skip_link_first_and_focus_is_visible(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent, "
                            "getComputedStyle(document.activeElement).outlineStyle, "
                            "document.activeElement.getBoundingClientRect().left]")
    assert focused[0] == "Hoppa till huvudinnehållet" and focused[1] != "none" and focused[2] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.get_by_label("Verksamhetsplan").focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_downloaded_excel_report_is_the_cli_workbook(
    page: Page, base_url: str, expected: Report
) -> None:
    from planchecker.reports.workbook import plan_workbook

    submit(page, base_url, SODERMALM)
    with page.expect_download() as download:
        page.get_by_role("link", name="Rapporten som Excel").click()
    data = Path(download.value.path()).read_bytes()
    assert data == plan_workbook(expected)
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames


# Breaking is switched off while the page is measured: an element that overflows then holds a
# word that only fits when broken mid-word. Scroll containers (.scroll) may overflow by design.
_NO_BREAKING = """() => {
  const style = document.createElement('style');
  style.textContent = '* { overflow-wrap: normal !important; word-break: normal !important; '
    + 'hyphens: manual !important; }';
  document.head.appendChild(style);
  const broken = [];
  for (const el of document.querySelectorAll('main *')) {
    if (el.closest('.scroll') || el.clientWidth === 0) continue;
    const over = (e) => e.scrollWidth > e.clientWidth + 1;
    if (over(el) && ![...el.children].some(over)) broken.push(el.textContent.trim().slice(0, 60));
  }
  const widths = [document.documentElement.scrollWidth, document.documentElement.clientWidth];
  style.remove();
  return [widths, broken];
}"""


@pytest.mark.parametrize("which", ["start", "result", "error", "rules"])
def test_a_phone_never_scrolls_sideways_nor_breaks_a_word(page: Page, base_url: str,
                                                          which: str) -> None:
    """390 CSS px: an ordinary phone held upright."""
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, base_url, which)
    widths = page.evaluate("[document.documentElement.scrollWidth, "
                           "document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    unbroken_widths, needs_breaking = page.evaluate(_NO_BREAKING)
    assert unbroken_widths[0] <= unbroken_widths[1] and needs_breaking == [], needs_breaking
    if which == "result":  # the coverage table became cards that still name every column
        cell = page.locator("table.coverage td").first
        label = page.evaluate("(el) => getComputedStyle(el, '::before').content", cell.element_handle())
        assert label == '"Mål: "'
