"""50 uploads from 10 threads against a real server process on 127.0.0.1 (issue 8).

The server is `python -m planchecker.web --port 0` (the `serve` command) with TMPDIR pointed at a
folder of the test's own, so that "no temporary file is left behind" can be checked exactly.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import pytest

from planchecker.reports import writers
from planchecker.web import app as web
from tests.web_support import SAMPLES, multipart

PLANS = [SAMPLES / "sodermalm-sdn-2020.xlsx", SAMPLES / "skarpnack-sdn-2021.json",
         SAMPLES / "alvsjo-sdn-2018.xlsx", SAMPLES / "stockholm-vatten-2022.xlsx"]
UPLOADS, THREADS = 50, 10
STARTUP_SECONDS, TOTAL_SECONDS = 60.0, 180.0


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The serve command in a subprocess; yields its base URL and its (empty) TMPDIR."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONUNBUFFERED": "1"}
    with (tmp_path / "server.log").open("wb") as log:
        command = [sys.executable, "-m", "planchecker.web", "--port", "0"]
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=log,
                                   cwd=tmp_path)
    try:
        yield _address(process), tmpdir
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


def _address(process: subprocess.Popen[bytes]) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline().decode()
            found = re.search(r"http://127\.0\.0\.1:\d+", line)
            if found:
                return found[0]
        if process.poll() is not None:
            break
    raise AssertionError("planchecker serve started no server within the time limit")


def post(url: str, path: Path) -> tuple[int, str]:
    body, content_type = multipart({}, {"plan": (path.name, path.read_bytes())})
    request = urllib.request.Request(url + "/api/check", data=body, method="POST",
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


def test_fifty_uploads_from_ten_threads(server: tuple[str, Path]) -> None:
    url, tmpdir = server
    checker = web.checker_for(None)
    expected = {}
    for path in PLANS:
        report = checker.check_file(path).report
        assert report is not None
        expected[path.name] = writers.render_json(report)
    started = time.monotonic()
    results: list[tuple[str, int, str]] = []
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = {pool.submit(post, url, PLANS[n % len(PLANS)]): PLANS[n % len(PLANS)].name
                   for n in range(UPLOADS)}
        for future in as_completed(futures, timeout=TOTAL_SECONDS):
            results.append((futures[future], *future.result()))
    assert time.monotonic() - started < TOTAL_SECONDS
    assert len(results) == UPLOADS
    wrong = [(name, status) for name, status, body in results
             if status != 200 or body != expected[name]]
    assert wrong == []
    # No upload is left behind; pymp-* is multiprocessing's own folder for the socket of the
    # checks' fork server (webpool), there while the server runs and removed when it stops.
    assert [p for p in tmpdir.iterdir() if not p.name.startswith("pymp-")] == []
