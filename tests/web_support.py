"""Shared pieces of the web tests: a hostile plan, a live server and multipart request bodies."""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server

from planchecker.common.model import Activity, Goal, Namnd, NamndType, Plan, Topic, Waiver
from planchecker.reading.template import write_plan_xlsx

SAMPLES = Path(__file__).resolve().parents[1] / "sample_plans"
SODERMALM = SAMPLES / "sodermalm-sdn-2020.xlsx"

XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '"><img src=x onerror="window.__xss=1">'


def xss_plan() -> Plan:
    """A plan whose texts, ids and name carry markup that would run if it reached the page as HTML.

    The activity's goal id points nowhere, so a finding names the hostile id as its subject and
    the result page has to show it.
    """
    return Plan(
        namnd=Namnd(name=f"Hackarnämnden {XSS_SCRIPT}", type=NamndType.stadsdelsnamnd, year=2021),
        goals=[Goal(id="M1", text=f"Trygg stad {XSS_SCRIPT} {XSS_IMG}",
                    topics=[Topic.krisberedskap])],
        activities=[Activity(id=f"A1{XSS_IMG}", goal_id=f"M9{XSS_SCRIPT}",
                             text=f"Öva {XSS_IMG}")],
        waivers=[Waiver(rule="SAK20-CF-AKT", motivation=f"Beslut {XSS_SCRIPT}",
                        decided_by=XSS_IMG)],
    )


def xss_plan_xlsx() -> bytes:
    return write_plan_xlsx(xss_plan())


@contextlib.contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """The app on a free port of 127.0.0.1 in a threaded werkzeug server; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="planchecker-web", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type, as a browser would send the upload form."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, data) in files.items():
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n')
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
