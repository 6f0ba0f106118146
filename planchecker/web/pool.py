"""The web page's checks, each in a worker process under the time and memory budgets.

The same design as `review` (see limits.py): a request thread hands the uploaded file to a worker
process and waits at most PLANCHECKER_MAX_SECONDS; a worker over time is killed and replaced, a
worker over its memory budget fails that upload alone. So one hostile upload can neither take the
server's process down nor keep a thread burning CPU after its client has left, and durable_rules
(not thread-safe, one process-wide lock) runs in the workers, one plan each at a time, while the
server's threads only move bytes. The number of workers bounds the checks running at once; a
request that finds none free within `QUEUE_SECONDS` gets 503 rather than a growing queue.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import queue
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from planchecker.batch import review
from planchecker.checking.pipeline import Outcome
from planchecker.checking.rulebook import Catalogue
from planchecker.common.problems import InputProblem
from planchecker.common.processes import over_budget
from planchecker.reading.limits import Limits, LimitsError, memory_text
from planchecker.reading.reader import read_plan

QUEUE_SECONDS = 30.0  # how long a request waits for a free worker before 503


@dataclass(frozen=True)
class UploadOutcome(Outcome):
    """An Outcome with what the web page also shows: the structure read from a published
    document (docimport.Imported), for its pre-filled template."""

    imported: Any = None


class Busy(Exception):
    """Every worker was busy for QUEUE_SECONDS."""


@dataclass
class CheckPool:
    """At most `size` checks at a time, each in a worker process of its own."""

    catalogue: Catalogue
    limits: Limits
    size: int

    def __post_init__(self) -> None:
        # A slot is a one-worker pool, started when first needed; None until then or after its
        # worker had to be killed.
        self._slots: queue.Queue[ProcessPoolExecutor | None] = queue.Queue()
        for _ in range(self.size):
            self._slots.put(None)

    def check(self, path: Path, name: str, as_of: dt.date | None, period: str | None,
              wait: float = QUEUE_SECONDS) -> UploadOutcome:
        try:
            executor = self._slots.get(timeout=wait)
        except queue.Empty:
            raise Busy from None
        try:
            if executor is not None and not _alive(executor):
                # Its worker died while idle (killed, OOM killer): that upload is not to blame.
                review._stop(executor, clean=False)
                executor = None
            executor = executor or self._start()
            options = review.ReviewOptions(as_of, period, float(self.limits.max_seconds),
                                           self.limits.max_memory)
            task = functools.partial(_check_upload, name=name, limits=self.limits)
            try:
                future = executor.submit(review._pickled, task, path, options)
            except BrokenProcessPool:  # the death was noticed between the two checks: start anew
                review._stop(executor, clean=False)
                executor = self._start()
                future = executor.submit(review._pickled, task, path, options)
            try:
                outcome = review._unpickled(future.result(timeout=self.limits.max_seconds),
                                            self.catalogue)
            except FutureTimeout:
                review._stop(executor, clean=False)
                executor = None
                outcome = review.failed_outcome(Path(name), review._over_time(options.timeout),
                                                "over-budget")
            except BrokenProcessPool:
                codes = review._stop(executor, clean=False)
                executor = None
                outcome = review._crash_outcome(Path(name), codes, options)
            if isinstance(outcome, UploadOutcome):
                return outcome
            return UploadOutcome(outcome.file, outcome.report, outcome.problems, outcome.notes)
        finally:
            self._slots.put(executor)

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(1, mp_context=review._process_context(),
                                   initializer=review._init_worker,
                                   initargs=(self.catalogue, self.limits.max_memory, os.getpid()))

    def close(self) -> None:
        """End the workers that are idle; the pool stays usable (a slot starts a new worker)."""
        idle = []
        while True:
            try:
                idle.append(self._slots.get_nowait())
            except queue.Empty:
                break
        for executor in idle:
            if executor is not None:
                review._stop(executor, clean=False)
            self._slots.put(None)


def _check_upload(path: Path, options: review.ReviewOptions, *, name: str,
                  limits: Limits) -> UploadOutcome:
    """In the worker: read the upload under the server's limits and check it; problems and
    report name the file as the user knows it, not our temporary path."""
    checker = review._WORKER_CHECKER
    assert checker is not None, "worker not initialised"
    out_of_memory = False
    try:
        read = read_plan(path, limits=limits)
        notes = tuple(_renamed(n, name) for n in read.notes)
        if read.plan is None or read.problems:
            return UploadOutcome(name, None, tuple(_renamed(p, name) for p in read.problems),
                                 notes)
        context = checker.context_for(read.plan, options.as_of, options.period)
        report = checker.check(read.plan, name, context)
        if read.imported is not None:  # a published document: say that its structure was inferred
            report = replace(report, notice=read.notice)
        return UploadOutcome(name, report, notes=notes, imported=read.imported)
    except MemoryError:
        out_of_memory = True
    except Exception as exc:  # noqa: BLE001 - our own bug: a report of it, not an HTTP 500
        if not over_budget(exc):
            failed = review.failed_outcome(Path(name), f"{type(exc).__name__}: {exc}")
            return UploadOutcome(failed.file, None, failed.problems)
        out_of_memory = True
    assert out_of_memory
    failed = review.failed_outcome(Path(name), memory_text(limits), "over-budget")
    return UploadOutcome(failed.file, None, failed.problems)


def _alive(executor: ProcessPoolExecutor) -> bool:
    # ProcessPoolExecutor notices a dead worker only in its own thread, maybe after the next
    # submit; its processes are ours to look at (review._stop does the same).
    processes = getattr(executor, "_processes", None) or {}
    return not getattr(executor, "_broken", False) and all(
        process.is_alive() for process in processes.values())


def _checks_from_env() -> int:
    text = os.environ.get("PLANCHECKER_WEB_CHECKS", "").strip()
    if not text:
        return 0
    if not text.isdigit() or int(text) < 1:
        raise LimitsError(f"Miljövariabeln PLANCHECKER_WEB_CHECKS är {text!r}; den ska vara ett "
                          "positivt heltal, t.ex. 2.")
    return int(text)


def _renamed(problem: InputProblem, name: str) -> InputProblem:
    return replace(problem, location=problem.location.model_copy(update={"file": name}))


_POOLS: dict[tuple[Path | None, Limits, int], CheckPool] = {}
_POOLS_LOCK = threading.Lock()


def pool_for(rules_dir: Path | None, catalogue: Catalogue, limits: Limits,
             size: int | None = None) -> CheckPool:
    """The process's pool for these settings, made on first use (after a pre-forking server
    has forked)."""
    size = size or _checks_from_env() or review.default_workers()
    key = (rules_dir, limits, size)
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = CheckPool(catalogue, limits, size)
        return _POOLS[key]
