"""The upload page through Flask's test client: routes, headers, limits, errors, escaping (#8)."""

from __future__ import annotations

import base64
import io
import json
import logging
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from planchecker.checking.findings import Report
from planchecker.checking.pipeline import Checker
from planchecker.reading.reader import Limits, read_plan
from planchecker.reports import htmlreport, writers
from planchecker.web import app as web
from planchecker.web import pool as webpool
from tests.web_support import SAMPLES, SODERMALM, XSS_IMG, XSS_SCRIPT, multipart, xss_plan_xlsx

SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "report.schema.json"
ROUTES_GET = ["/", "/rules", "/health", "/static/app.css", "/template.xlsx", "/finns-inte"]


@pytest.fixture(scope="module")
def app() -> Flask:
    return web.create_app()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def expected() -> Report:
    """The report the CLI's `check` builds for the Södermalm sample (same Checker, same file)."""
    report = web.checker_for(None).check_file(SODERMALM).report
    assert report is not None
    return report


def upload(client: FlaskClient, data: bytes, name: str, url: str = "/check", **fields: str) -> Any:
    # A ready-made body: werkzeug's own test encoder leaves a temporary file open for large ones.
    body, content_type = multipart(fields, {"plan": (name, data)})
    return client.post(url, data=body, content_type=content_type)


class _Page(HTMLParser):
    """The parts of a page the accessibility and escaping tests look at."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.scripts += tag == "script"

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def parse(html: bytes) -> _Page:
    page = _Page()
    page.feed(html.decode())
    return page


def error_texts(html: bytes) -> list[str]:
    """The messages in the error summary, unescaped, as a person reads them."""
    import html as html_lib

    summary = re.search(rb'<div class="error-summary"[^>]*role="alert".*?</div>', html, re.S)
    assert summary is not None, "no error summary with role=alert"
    items = re.findall(rb'<li><a href="#\w+">(.*?)</a></li>', summary[0])
    return [html_lib.unescape(item.decode()) for item in items]


def downloads_of(html: bytes) -> dict[str, tuple[str, bytes]]:
    """format -> (download file name, decoded bytes) of the result page's data: links."""
    found = {}
    links = re.findall(rb'href="data:[^,"]*;base64,([^"]+)" download="([^"]+)"', html)
    for payload, filename in links:
        name = filename.decode()
        found[name.rsplit(".", 1)[1]] = (name, base64.b64decode(payload))
    return found


# --- pages ---------------------------------------------------------------------------------------


def test_start_page_explains_the_packs_and_offers_the_template_and_a_plain_form(
    client: FlaskClient,
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.data.decode()
    import html as html_lib

    text = html_lib.unescape(html)
    for pack in web.checker_for(None).catalogue.packs:
        assert f"<h3>{pack.title}</h3>" in text and pack.source.cite() in text
    assert html.count("<h1>") == 1 and '<html lang="sv">' in html
    page = parse(response.data)
    form = page.all("form")[0]
    assert (form["method"], form["action"]) == ("post", "/check")
    assert form["enctype"] == "multipart/form-data"
    controls = [a["id"] for tag, a in page.tags if tag in {"input", "select"}]
    labels = {a["for"] for a in page.all("label")}
    assert controls == ["plan", "as_of", "period"] and labels == set(controls)
    assert any(a.get("href") == "/template.xlsx" for a in page.all("a"))
    assert page.scripts == 0 and not any("style" in a for _, a in page.tags)


def test_result_page_shows_the_same_report_as_the_cli(
    client: FlaskClient, expected: Report
) -> None:
    response = upload(client, SODERMALM.read_bytes(), SODERMALM.name)
    assert response.status_code == 200
    html = response.data.decode()
    assert "Södermalms stadsdelsnämnd" in html and "planår 2020" in html
    assert writers.verdict_text(expected) in html
    for pack in expected.packs:
        assert pack.title in html
    for finding in expected.findings:
        assert finding.rule_id in html and escape(finding.message) in html
    for row in writers.coverage_rows(expected):
        assert f'<th scope="row">{row[0]}</th>' in html
    assert '<caption>' in html and html.count("<h1>") == 1


def test_result_page_downloads_are_the_cli_reports(client: FlaskClient, expected: Report) -> None:
    files = downloads_of(upload(client, SODERMALM.read_bytes(), SODERMALM.name).data)
    assert sorted(files) == ["html", "json", "xlsx"]
    assert files["json"][1].decode() == writers.render_json(expected)
    assert files["html"][1].decode() == htmlreport.render_html(expected)
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"][1]), read_only=True)
    cells = {str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r}
    book.close()
    assert {f.rule_id for f in expected.findings} <= cells
    assert files["xlsx"][0] == "granskning-södermalms-stadsdelsnämnd-2020.xlsx"


def test_as_of_and_period_reach_the_check(client: FlaskClient) -> None:
    data = SODERMALM.read_bytes()
    response = upload(client, data, SODERMALM.name, as_of="2020-03-01", period="T1")
    report = json.loads(downloads_of(response.data)["json"][1])
    assert (report["plan"]["as_of"], report["plan"]["period"]) == ("2020-03-01", "T1")


def test_rules_page_lists_every_rule_with_its_source(client: FlaskClient) -> None:
    html = client.get("/rules").data.decode()
    import html as html_lib

    text = html_lib.unescape(html)
    for bound in web.checker_for(None).catalogue.rules:
        assert f'<th scope="row" class="rule-id">{bound.id}</th>' in html
        assert bound.rule.source.cite() in text


def test_template_download_is_a_readable_plan_workbook(client: FlaskClient, tmp_path: Path) -> None:
    response = client.get("/template.xlsx?year=2027")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition == "attachment; filename=verksamhetsplan-mall-2027.xlsx"
    path = tmp_path / "mall.xlsx"
    path.write_bytes(response.data)
    read = read_plan(path)  # a readable workbook whose only fault is the placeholder name
    assert [p.code for p in read.problems] == ["bad-value"]
    assert "'Nämndens namn' är mallens platshållare" in read.problems[0].message
    assert openpyxl.load_workbook(path)["Nämnd"]["B4"].value == 2027
    assert client.get("/template.xlsx?year=1800").status_code == 400


def test_health_reports_version_and_rule_count(client: FlaskClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "ok" and body["version"]
    assert body["rules"] == len(web.checker_for(None).catalogue.rules)


# --- the JSON API --------------------------------------------------------------------------------


def test_api_returns_the_report_contract(client: FlaskClient, expected: Report) -> None:
    response = upload(client, SODERMALM.read_bytes(), SODERMALM.name, url="/api/check")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.data.decode() == writers.render_json(expected)
    jsonschema.validate(response.get_json(), json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_api_refuses_a_broken_plan_with_the_swedish_problems(client: FlaskClient) -> None:
    plan = {"namnd": {"name": "X", "type": "stadsdelsnamnd", "year": "nästa"}}
    response = upload(client, json.dumps(plan).encode(), "plan.json", url="/api/check")
    assert response.status_code == 400
    body = response.get_json()
    assert body["message"].startswith("Planen kunde inte läsas (1 fel):")
    problems = [(p["code"], p["location"]["file"]) for p in body["problems"]]
    assert problems == [("bad-number", "plan.json")]


def test_api_without_a_file_is_400_json(client: FlaskClient) -> None:
    response = client.post("/api/check", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Välj en fil" in response.get_json()["message"]


# --- bad input: the CLI's message, the right status --------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (b"PK\x03\x04 inte en riktig arbetsbok", "trasig.xlsx", 400, "not-a-workbook"),
        (b"", "tom.xlsx", 400, "empty-file"),
        (b"Id;Text\nM1;Ett mal\nM2;Ett till\n", "export.csv", 415, "text-disguised"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "gammal.xls", 415, "old-excel-format"),
        (b"\x00\x01binary", "plan.pdf", 415, "unsupported-format"),
    ],
)
def test_a_bad_file_shows_the_cli_message_with_its_status(
    client: FlaskClient, tmp_path: Path, data: bytes, name: str, status: int, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    problems = read_plan(path).problems
    assert [p.code for p in problems] == [code]
    response = upload(client, data, name)
    assert response.status_code == status
    assert error_texts(response.data) == [f"{name}: {problems[0].title}: {problems[0].message}"]
    assert b"Traceback" not in response.data


def test_errors_are_tied_to_the_field_and_announced(client: FlaskClient) -> None:
    response = upload(client, b"", "tom.xlsx", as_of="2021-02-30")
    assert response.status_code == 400
    page = parse(response.data)
    alert = [a for a in page.all("div") if a.get("role") == "alert"]
    assert alert and alert[0]["id"] == "upload-error"
    as_of = next(a for a in page.all("input") if a.get("id") == "as_of")
    assert as_of["aria-invalid"] == "true" and "upload-error" in (as_of["aria-describedby"] or "")
    assert as_of["value"] == "2021-02-30"
    assert error_texts(response.data) == [
        "Bedöm per datum: '2021-02-30' är inget datum. "
        "Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2021-03-31."
    ]
    assert "<title>Fel: " in response.data.decode()


def test_missing_file_and_unknown_period_are_form_errors(client: FlaskClient) -> None:
    response = client.post("/check", data={"period": "T9"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert error_texts(response.data) == ["Välj en fil med verksamhetsplanen att ladda upp.",
                                          "Uppföljningstillfälle: välj T1, T2, VB eller inget."]


def test_reader_limits_apply_to_uploads_413(tmp_path: Path) -> None:
    """A file over Limits.max_file_size, inside the request allowance, is refused by the reader."""
    limits = Limits(max_file_size=1024 * 1024)
    data = b"PK\x03\x04" + bytes(1024 * 1024 + 100)
    (tmp_path / "stor.xlsx").write_bytes(data)
    [problem] = read_plan(tmp_path / "stor.xlsx", limits=limits).problems
    response = upload(web.create_app(limits=limits).test_client(), data, "stor.xlsx")
    assert response.status_code == 413 and problem.code == "too-large"
    assert error_texts(response.data) == [f"stor.xlsx: {problem.title}: {problem.message}"]


@pytest.mark.parametrize("url", ["/check", "/api/check"])
def test_a_body_over_max_content_length_is_refused_before_reading(url: str) -> None:
    app = web.create_app(limits=Limits(max_file_size=1024 * 1024))
    response = upload(app.test_client(), bytes(2 * 1024 * 1024), "stor.xlsx", url=url)
    assert response.status_code == 413
    api = url.startswith("/api")
    text = response.get_json()["message"] if api else error_texts(response.data)[0]
    assert ("Uppladdningen: För stor fil: Filen är för stor: omkring 2,1 MB; högst 1 MB tas emot."
            in text)


# --- escaping ----------------------------------------------------------------------------------


def test_plan_text_is_escaped_on_the_result_page(client: FlaskClient) -> None:
    response = upload(client, xss_plan_xlsx(), "xss.xlsx")
    assert response.status_code == 200
    html = response.data.decode()
    assert XSS_SCRIPT not in html and XSS_IMG not in html and "<img" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;" in html
    assert parse(response.data).scripts == 0


def test_plan_text_is_escaped_in_error_messages(client: FlaskClient) -> None:
    bad = json.dumps({"namnd": {"name": "X", "type": "stadsdelsnamnd", "year": XSS_IMG}}).encode()
    response = upload(client, bad, f"{XSS_SCRIPT}.json")
    assert response.status_code == 400
    html = response.data.decode()
    assert "<script" not in html and "<img" not in html
    assert any("onerror" in text for text in error_texts(response.data))


def test_upload_name_is_a_plain_file_name() -> None:
    assert web.upload_name("C:\\Users\\anna\\Södermalm 2020.xlsx") == "Södermalm 2020.xlsx"
    assert web.upload_name("../../etc/passwd") == "passwd"
    assert web.upload_name('"><img src=x>.xlsx') == '___img src_x_.xlsx'
    assert web.upload_name("..") == "plan"
    long_name = web.upload_name("a" * 500 + ".xlsx")
    assert len(long_name) <= 120 and long_name.endswith(".xlsx")


# --- headers and error pages -------------------------------------------------------------------


@pytest.mark.parametrize("url", ROUTES_GET)
def test_security_headers_on_every_response(client: FlaskClient, url: str) -> None:
    headers = client.get(url).headers
    for name, value in web.SECURITY_HEADERS.items():
        assert headers[name] == value
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_result_pages_are_never_cached(client: FlaskClient) -> None:
    for data, name in ((SODERMALM.read_bytes(), SODERMALM.name), (b"", "tom.xlsx")):
        assert upload(client, data, name).headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("method", "url", "status", "title"),
    [("get", "/finns-inte", 404, "Sidan finns inte"), ("get", "/check", 405, "Otillåten metod"),
     ("put", "/", 405, "Otillåten metod")],
)
def test_http_errors_are_swedish_pages(
    client: FlaskClient, method: str, url: str, status: int, title: str
) -> None:
    response = getattr(client, method)(url)
    html = response.data.decode()
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in html and '<html lang="sv">' in html


def test_api_errors_are_json(client: FlaskClient) -> None:
    response = client.get("/api/check")
    assert response.status_code == 405 and response.get_json()["error"] == "Otillåten metod"
    assert "POST" in response.headers["Allow"]


def test_an_internal_error_is_a_swedish_page_and_logs_no_content(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Hemlig " + "plantext"

    def explode(*_args: Any) -> Any:
        raise RuntimeError(secret)

    monkeypatch.setattr(web, "check_upload", explode)
    client = web.create_app().test_client()
    with caplog.at_level(logging.ERROR):
        response = upload(client, SODERMALM.read_bytes(), SODERMALM.name)
    assert response.status_code == 500
    assert "<h1>Något gick fel</h1>" in response.data.decode() and b"Traceback" not in response.data
    assert "RuntimeError" in caplog.text and secret not in caplog.text


# --- nothing is kept -----------------------------------------------------------------------------


def test_uploads_live_in_a_temporary_folder_that_is_gone_after_the_response(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: list[Path] = []
    handed_over = webpool.CheckPool.check

    def spy(pool: webpool.CheckPool, path: Path, *args: Any) -> Any:
        seen.append(path)  # what the worker process is given to read
        assert path.exists() and path.parent.parent == tmp_path
        return handed_over(pool, path, *args)

    monkeypatch.setattr(webpool.CheckPool, "check", spy)
    for data, name in [(SODERMALM.read_bytes(), SODERMALM.name), (b"trasig", "trasig.xlsx"),
                       ((SAMPLES / "skarpnack-sdn-2021.json").read_bytes(), "skarpnack.json")]:
        assert upload(client, data, name).status_code in {200, 400, 415}
    assert [p.name for p in seen] == [SODERMALM.name, "trasig.xlsx", "skarpnack.json"]
    # pymp-*: the socket folder of the checks' fork server, if it started in this test
    assert [p for p in tmp_path.iterdir() if not p.name.startswith("pymp-")] == []


def test_one_checker_per_process() -> None:
    assert web.checker_for(None) is web.checker_for(None)
    assert isinstance(web.checker_for(None), Checker)


def test_status_for_problem_codes(tmp_path: Path) -> None:
    def problems_of(data: bytes, name: str) -> list[Any]:
        path = tmp_path / name
        path.write_bytes(data)
        return read_plan(path, limits=Limits(max_file_size=10)).problems

    assert web.status_for(problems_of(b"x" * 100, "a.xlsx")) == 413
    assert web.status_for(problems_of(b"PK\x03\x04", "a.xlsx")) == 400
    assert web.status_for(problems_of(b"a;b\nc;d\n", "a.csv")) == 415


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from planchecker.checking.rulebook import default_rules_dir

    monkeypatch.setenv("PLANCHECKER_RULES_DIR", str(default_rules_dir()))
    monkeypatch.setenv("PLANCHECKER_MAX_FILE_MB", "1.5")
    app = web.create_app()
    assert app.extensions["planchecker"].rules_dir == default_rules_dir()
    assert app.config["MAX_CONTENT_LENGTH"] == int(1.5 * 1024 * 1024) + 256 * 1024
    monkeypatch.delenv("PLANCHECKER_RULES_DIR")  # the start page then uses the shared checker
    assert "Högst 1,5 MB." in web.create_app().test_client().get("/").data.decode()


def test_a_report_too_large_to_embed_is_not_embedded(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planchecker.web import views as webviews

    monkeypatch.setattr(webviews, "INLINE_DOWNLOAD_LIMIT", 10_000)
    html = upload(client, SODERMALM.read_bytes(), SODERMALM.name).data.decode()
    assert sorted(downloads_of(html.encode())) == ["html", "xlsx"]
    assert "Rapporten som JSON: för stor (" in html and "POST /api/check" in html


def test_serve_says_so_when_the_port_is_taken() -> None:
    import socket

    from click.testing import CliRunner

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(web.serve_command, ["--port", str(port)])
    assert result.exit_code == 2
    assert f"Fel: Kan inte lyssna på 127.0.0.1:{port}: porten används redan" in result.output


def test_the_result_page_tells_what_the_reader_passed_over(client: FlaskClient) -> None:
    book = openpyxl.load_workbook(SODERMALM)
    book.copy_worksheet(book["Aktiviteter"]).title = "Aktiviteter (gammal)"
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(client, buffer.getvalue(), "plan.xlsx")
    assert response.status_code == 200
    html = response.data.decode()
    assert '<h2 id="notes-heading">Att observera</h2>' in html
    assert str(escape("plan.xlsx, blad Aktiviteter (gammal): Blad som inte läses: Bladet "
                      "'Aktiviteter (gammal)' känns inte igen och läses inte; bara bladet "
                      "Aktiviteter läses.")) in html
    plain = upload(client, SODERMALM.read_bytes(), SODERMALM.name).data.decode()
    assert "Att observera" not in plain
