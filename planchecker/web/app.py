"""The upload page: a nämnd uploads its verksamhetsplan in a browser and reads its gap report.

Thin by design: the routes hand the upload to a worker process (`webpool`), which reads it with
`read_plan` (under the same `Limits` as the CLI) and checks it under the time and memory budgets;
the result is rendered with the writers; nothing here decides whether a plan meets a rule.

Uploads are saved into a `TemporaryDirectory` for exactly as long as the worker needs them and
are never logged or kept. The three downloadable reports (xlsx, html, json) are rendered at check
time and carried by the result page itself as `data:` links with a `download` attribute, so the
server keeps no report either, and any worker of a multi-process server (gunicorn -w 4) can serve
any request: there is no token that only one worker's memory could redeem.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.metadata
import io
import json
import logging
import os
import re
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Any

import click
from flask import Flask, Response, current_app, g, render_template, request, send_file
from jinja2 import DictLoader
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from planchecker.checking.findings import Report
from planchecker.checking.pipeline import Checker
from planchecker.common.model import Location
from planchecker.common.problems import InputError, InputProblem, PlancheckerError
from planchecker.common.processes import Stopped, stop_on_signals
from planchecker.reading.limits import Limits, megabytes, megabytes_over
from planchecker.reports import writers
from planchecker.web import pool as webpool
from planchecker.web import views as webviews
from planchecker.web.pages import CSS, TEMPLATES

# Room for the multipart framing and the small form fields around a file at the size limit.
_FORM_OVERHEAD = 256 * 1024
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
PERIODS = (("", "Inget särskilt"), ("T1", "Tertialrapport 1 (T1)"),
           ("T2", "Tertialrapport 2 (T2)"), ("VB", "Verksamhetsberättelse (VB)"))
# Which input problems mean "too large" and "not a type we read"; every other one is 400.
_STATUS_BY_CODE = {"too-large": 413, "unsupported-format": 415, "old-excel-format": 415,
                   "ods-workbook": 415, "text-disguised": 415}
_HTTP_TEXTS = {
    400: ("Felaktig begäran", "Begäran kunde inte tolkas. Gå till startsidan och försök igen."),
    404: ("Sidan finns inte", "Adressen finns inte här. Kontrollera adressen eller gå till "
          "startsidan."),
    405: ("Otillåten metod", "Sidan kan inte nås på det sättet. Använd formuläret på startsidan."),
    503: ("Servern är upptagen", "Servern granskar många planer just nu. Försök igen om en "
          "stund."),
    500: ("Något gick fel", "Ett oväntat fel inträffade i planchecker. Ingen fil har sparats. "
          "Försök igen och rapportera felet om det återkommer."),
}
_log = logging.getLogger(__name__)

# --- one Checker per process ---------------------------------------------------------------------

# durable_rules keeps its rulesets in process-global state, so the Checker is process-global too.
# It is built on first use, i.e. after a pre-forking server (gunicorn) has forked its workers.
_CHECKERS: dict[Path | None, Checker] = {}
_CHECKERS_LOCK = threading.Lock()


def checker_for(rules_dir: Path | None) -> Checker:
    with _CHECKERS_LOCK:
        if rules_dir not in _CHECKERS:
            _CHECKERS[rules_dir] = Checker(rules_dir=rules_dir)
        return _CHECKERS[rules_dir]


@dataclasses.dataclass(frozen=True)
class Settings:
    rules_dir: Path | None
    limits: Limits
    version: str

    @property
    def checker(self) -> Checker:
        return checker_for(self.rules_dir)


def _version() -> str:
    try:
        return importlib.metadata.version("planchecker")
    except importlib.metadata.PackageNotFoundError:
        return "okänd version"


# --- the application -----------------------------------------------------------------------------


def create_app(*, rules_dir: Path | None = None, limits: Limits | None = None) -> Flask:
    """The WSGI application; with no arguments it reads PLANCHECKER_RULES_DIR and the
    PLANCHECKER_MAX_* limits (a bad value raises LimitsError: the server does not start)."""
    env_rules = os.environ.get("PLANCHECKER_RULES_DIR")
    rules_dir = rules_dir or (Path(env_rules) if env_rules else None)
    settings = Settings(rules_dir, limits or Limits.from_env(), _version())
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings.limits.max_file_size + _FORM_OVERHEAD
    app.jinja_loader = DictLoader(TEMPLATES)
    app.extensions["planchecker"] = settings
    app.after_request(_secure)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _internal_error)
    _routes(app, settings)
    return app


def _routes(app: Flask, settings: Settings) -> None:
    @app.get("/")
    def start() -> Response:
        return _page("start.html", 200, **_start_context(settings))

    @app.post("/check")
    def check() -> Response:
        return _check_page(settings)

    @app.post("/api/check")
    def api_check() -> Response:
        return _check_api(settings)

    @app.get("/rules")
    def rules() -> Response:
        return _page("rules.html", 200, **webviews.rules_view(settings.checker.catalogue))

    @app.get("/template.xlsx")
    def template_xlsx() -> Response:
        from planchecker.reading.template import write_template

        year = request.args.get("year", type=int) or dt.date.today().year + 1
        if not 2000 <= year <= 2100:
            return _error_page(400)
        return send_file(io.BytesIO(write_template(year)), mimetype=webviews.XLSX_MIME,
                         as_attachment=True, download_name=f"verksamhetsplan-mall-{year}.xlsx")

    @app.get("/health")
    def health() -> Response:
        catalogue = settings.checker.catalogue
        return _json({"status": "ok", "version": settings.version, "rules": len(catalogue.rules),
                      "packs": len(catalogue.packs), "catalogue": catalogue.fingerprint})

    @app.get("/static/app.css")
    def stylesheet() -> Response:
        response = Response(CSS, mimetype="text/css")
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response


def _secure(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    # Result pages and API answers hold plan content: no proxy or browser cache may keep them.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _settings() -> Settings:
    settings: Settings = current_app.extensions["planchecker"]
    return settings


def _page(template: str, status: int, **context: Any) -> Response:
    page = template.removesuffix(".html")
    html = render_template(template, page=page, version=_settings().version, **context)
    return Response(html, status=status, mimetype="text/html")


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=2) + "\n", status=status,
                    mimetype="application/json")


# --- checking an upload --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FieldError:
    field: str  # the id of the form control the error belongs to
    text: str


@dataclasses.dataclass(frozen=True)
class Upload:
    """The form, read: the options when they are valid, else the errors to show beside the form."""

    upload: FileStorage | None
    as_of: dt.date | None
    period: str | None
    errors: tuple[FieldError, ...]


def read_form() -> Upload:
    errors: list[FieldError] = []
    upload = request.files.get("plan")
    if upload is None or not upload.filename:
        errors.append(FieldError("plan", "Välj en fil med verksamhetsplanen att ladda upp."))
    as_of, text = None, request.form.get("as_of", "").strip()
    if text:
        try:
            as_of = dt.date.fromisoformat(text)
        except ValueError:
            errors.append(FieldError("as_of", f"Bedöm per datum: {text[:40]!r} är inget datum. "
                                     "Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2021-03-31."))
    period = request.form.get("period", "").strip()
    if period not in dict(PERIODS):
        errors.append(FieldError("period", "Uppföljningstillfälle: välj T1, T2, VB eller inget."))
    return Upload(upload, as_of, period or None, tuple(errors))


# File systems take 255 bytes a name, not 255 characters: 84 CJK characters are 252 in UTF-8.
_NAME_CHARACTERS, _NAME_BYTES = 120, 200


def upload_name(raw: str) -> str:
    """The uploaded file's own name, made safe as a file name inside our temporary folder: no
    folders, no odd characters, at most 120 characters and 200 bytes in UTF-8, suffix kept."""
    name = re.split(r"[/\\]", raw)[-1]
    name = re.sub(r"[^\w .,()+-]", "_", name).strip(" .")
    if len(name) > _NAME_CHARACTERS or len(name.encode("utf-8")) > _NAME_BYTES:
        stem, dot, suffix = name.rpartition(".")
        if not dot or len(suffix) > 8:
            stem, dot, suffix = name, "", ""
        stem = stem[:_NAME_CHARACTERS - 10]
        room = _NAME_BYTES - len((dot + suffix).encode("utf-8"))
        name = stem.encode("utf-8")[:room].decode("utf-8", "ignore") + dot + suffix
    return name or "plan"


def check_upload(settings: Settings, upload: FileStorage, as_of: dt.date | None,
                 period: str | None) -> tuple[Report | None, list[InputProblem], Any]:
    """Read the upload under the limits and check it, in a worker process under the time and
    memory budgets (webpool); the upload is deleted as soon as the worker is done with it.
    The third value is the docimport.Imported of a published document (else None), for its
    pre-filled template."""
    name = upload_name(upload.filename or "")
    pool = webpool.pool_for(settings.rules_dir, settings.checker.catalogue, settings.limits)
    with tempfile.TemporaryDirectory(prefix="planchecker-") as folder:
        path = Path(folder) / name
        upload.save(path)
        upload.close()  # werkzeug keeps a large upload in a temporary file of its own: gone now
        outcome = pool.check(path, name, as_of, period)
    # What the reader passed over (an unknown sheet, a second Id column): shown on the result page.
    g.reading_notes = [n.describe() for n in outcome.notes]
    return outcome.report, list(outcome.problems), outcome.imported


def status_for(problems: list[InputProblem]) -> int:
    statuses = {_STATUS_BY_CODE.get(p.code, 400) for p in problems}
    return 413 if 413 in statuses else 415 if 415 in statuses else 400


def _check_page(settings: Settings) -> Response:
    form = read_form()
    if form.errors or form.upload is None:
        return _form_page(settings, "Formuläret behöver rättas", list(form.errors), 400)
    report, problems, imported = check_upload(settings, form.upload, form.as_of, form.period)
    if report is None:
        errors = [FieldError("plan", p.describe()) for p in problems]
        return _form_page(settings, f"Planen kunde inte läsas ({len(problems)} fel)", errors,
                          status_for(problems))
    view = webviews.result_view(report, settings.checker.catalogue)
    if imported is not None:
        view["downloads"].insert(0, webviews.imported_download(imported, report))
    return _page("result.html", 200, **view, notes=g.get("reading_notes", []))


def _check_api(settings: Settings) -> Response:
    form = read_form()
    if form.errors or form.upload is None:
        return _json({"error": "Felaktig begäran", "message": " ".join(e.text for e in form.errors),
                      "problems": []}, 400)
    report, problems, _ = check_upload(settings, form.upload, form.as_of, form.period)
    if report is None:
        return _json({"error": "Planen kunde inte läsas", "message": InputError(problems).message,
                      "problems": [p.to_record() for p in problems]}, status_for(problems))
    return Response(writers.render_json(report), mimetype="application/json")


def _form_page(settings: Settings, heading: str, errors: list[FieldError], status: int,
               form: dict[str, str] | None = None) -> Response:
    """The start page again, with the errors above the form and tied to the fields they concern."""
    if form is None:
        form = {"as_of": request.form.get("as_of", "")[:40],
                "period": request.form.get("period", "")}
    context = _start_context(settings, form, errors)
    return _page("start.html", status, **context, error_heading=heading)


def _start_context(settings: Settings, form: dict[str, str] | None = None,
                   errors: list[FieldError] | None = None) -> dict[str, Any]:
    errors = errors or []
    return {"title": "Granska en verksamhetsplan", "periods": PERIODS,
            "packs": webviews.packs_view(settings.checker.catalogue),
            "max_size": megabytes(settings.limits.max_file_size),
            "form": form or {"as_of": "", "period": ""}, "errors": errors,
            "invalid": {e.field for e in errors}, "has_errors": bool(errors)}


# --- errors --------------------------------------------------------------------------------------


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/health"


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if isinstance(error, RequestEntityTooLarge):
        return _too_large()
    response = _error_page(status)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _error_page(status: int) -> Response:
    title, message = _HTTP_TEXTS.get(status, (f"Fel {status}", _HTTP_TEXTS[400][1]))
    if _wants_json():
        return _json({"error": title, "message": message, "problems": []}, status)
    return _page("error.html", status, title=title, message=message, has_errors=True)


def _too_large() -> Response:
    """The body exceeded MAX_CONTENT_LENGTH: refused before any of it was read or stored."""
    limit = _settings().limits.max_file_size
    sent = request.content_length  # the whole request, a little more than the file
    size = f"omkring {megabytes_over(sent)}; " if sent and sent > limit else ""
    detail = (f"Filen är för stor: {size}högst {megabytes(limit)} tas emot. Ta bort bilder och "
              "andra blad än planens och spara igen.")
    problem = InputProblem("too-large", Location(file="Uppladdningen"), {"detail": detail})
    if _wants_json():
        return _json({"error": "Planen kunde inte läsas", "message": InputError([problem]).message,
                      "problems": [problem.to_record()]}, 413)
    # The form fields are not read back either: that would read the body just refused.
    errors = [FieldError("plan", problem.describe())]
    return _form_page(_settings(), "Planen kunde inte läsas (1 fel)", errors, 413, form={})


def _internal_error(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _http_error(error)
    if isinstance(error, webpool.Busy):
        response = _error_page(503)
        response.headers["Retry-After"] = "30"
        return response
    # Frames only: an exception's message may quote plan content, which must never reach a log.
    frames = "".join(traceback.format_tb(error.__traceback__))
    _log.error("internt fel i planchecker: %s\n%s", type(error).__name__, frames)
    return _error_page(500)


# --- planchecker serve ---------------------------------------------------------------------------


# waitress: pure Python, so the same server runs on Linux and on a Windows server; its threads only
# move bytes, the checks run in webpool's worker processes. Its timeouts and sizes, set here:
_CHANNEL_TIMEOUT = 30  # s without a byte from the client (slow headers or body) before it is cut
_HEADER_BYTES = 64 * 1024
_CONNECTIONS = 200


@click.command("serve", epilog="""\b
Slutkoder:
  0  servern avslutades med Ctrl+C eller SIGTERM
  2  servern kunde inte starta (t.ex. porten upptagen) eller felaktigt kommando""")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adress att lyssna på.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port att lyssna på (0: valfri ledig port).")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Egen regelkatalog (med index.yaml).")
@click.option("--checks", type=click.IntRange(min=1), default=None,
              help="Högst så många planer granskas samtidigt, var och en i en egen process "
              "(standard: PLANCHECKER_WEB_CHECKS, annars antalet processorkärnor).")
@click.option("--debug", is_flag=True,
              help="Flasks utvecklingsserver i stället för waitress (bara på den egna datorn).")
def serve_command(host: str, port: int, rules_dir: Path | None, checks: int | None,
                  debug: bool) -> None:
    """Starta webbsidan där en plan laddas upp och granskas, på waitress med tidsgränser för
    anslutningar och en gräns för samtidiga granskningar. I drift: bakom en omvänd proxy (se
    README)."""
    app = create_app(rules_dir=rules_dir)
    settings: Settings = app.extensions["planchecker"]
    checker_for(settings.rules_dir)  # a bad rule file stops the start
    pool = webpool.pool_for(settings.rules_dir, settings.checker.catalogue, settings.limits,
                            checks)
    try:
        if debug:
            _serve_debug(app, host, port)
        else:
            _serve_waitress(app, host, port, pool.size, settings)
    finally:
        pool.close()


def _serve_waitress(app: Flask, host: str, port: int, checks: int, settings: Settings) -> None:
    from waitress.server import create_server

    sockets: dict[int, Any] = {}  # waitress's own map, so that a failed start can be undone
    try:
        server = create_server(
            app, map=sockets, host=host, port=port, threads=checks + 4, channel_timeout=_CHANNEL_TIMEOUT,
            max_request_header_size=_HEADER_BYTES, connection_limit=_CONNECTIONS,
            max_request_body_size=settings.limits.max_file_size + _FORM_OVERHEAD,
            clear_untrusted_proxy_headers=True, ident="planchecker")
    except OSError:
        for dispatcher in list(sockets.values()):  # its wake-up pipe, made before the bind
            dispatcher.close()
        raise PlancheckerError(f"Kan inte lyssna på {host}:{port}: porten används redan eller "
                               "adressen finns inte på den här datorn.") from None
    actual = server.effective_port
    click.echo(f"planchecker lyssnar på http://{host}:{actual}/ (avsluta med Ctrl+C)")
    with stop_on_signals():
        try:
            server.run()
        except (KeyboardInterrupt, Stopped):
            click.echo("Avslutar.")
        finally:
            server.close()


def _serve_debug(app: Flask, host: str, port: int) -> None:
    from werkzeug.serving import make_server

    try:
        server = make_server(host, port, app, threaded=True)
    except (OSError, SystemExit):
        # werkzeug prints why in English and exits 1 when it cannot bind; we exit 2, in Swedish.
        raise PlancheckerError(f"Kan inte lyssna på {host}:{port}: porten används redan eller "
                               "adressen finns inte på den här datorn.") from None
    click.echo(f"planchecker lyssnar på http://{host}:{server.port}/ (utvecklingsserver; avsluta "
               "med Ctrl+C)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Avslutar.")
    finally:
        server.server_close()


if __name__ == "__main__":
    serve_command()
