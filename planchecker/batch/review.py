"""Check many plans in parallel, one process per CPU core; one plan's failure never loses another.

Processes, not threads: durable_rules keeps its rulesets in process-global state and is not
thread-safe. Each worker builds its Checker once (the initializer); the parent only schedules.

What can go wrong, and what becomes of it (every other plan is still reported):
- a file that cannot be read: its Outcome carries the input problems (from the reader);
- an exception while checking: caught in the worker, the file's Outcome carries `internal-error`;
- a worker that dies (segfault, os._exit, out of memory): the pool breaks and every plan that was
  in flight is re-run alone in a fresh pool, so the crash is pinned on the one file that causes it;
- a plan that runs longer than the timeout: the pool is torn down, that plan gets an error and the
  others in flight are re-queued.
At most one plan per worker is in flight, so a plan's clock starts when a worker is free for it.
To keep workers from waiting on the parent meanwhile, a worker sends its Outcome back pickled, as
bytes: the parent gives that worker its next plan before it unpickles the last one (3 ms for an M
plan), and its cyclic collector is paused while results pile up (it walked them all again and
again: 8 ms a plan, as much as the rest of the parent's work).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from planchecker.checking.pipeline import Checker, Outcome, collector_paused
from planchecker.checking.rulebook import Catalogue
from planchecker.common.filenames import shown_name
from planchecker.common.model import Location
from planchecker.common.problems import InputProblem
from planchecker.common.processes import (
    die_with_parent,
    limit_memory,
    over_budget,
    signals_deferred,
    stop_on_signals,
)
from planchecker.reading.limits import Limits, memory_text

PLAN_SUFFIXES = (".xlsx", ".json", ".yaml", ".yml", ".docx", ".pdf", ".html", ".htm")
DEFAULT_TIMEOUT = 120.0

# The Checker of this worker process, built once by `_init_worker`. Only workers set it.
_WORKER_CHECKER: Checker | None = None


@dataclass(frozen=True)
class ReviewOptions:
    as_of: dt.date | None = None
    period: str | None = None
    timeout: float = DEFAULT_TIMEOUT  # seconds per plan (PLANCHECKER_MAX_SECONDS)
    memory: int | None = None  # bytes per worker above its start (PLANCHECKER_MAX_MEMORY_MB)

    @classmethod
    def from_limits(cls, limits: Limits, as_of: dt.date | None = None,
                    period: str | None = None, timeout: float | None = None) -> ReviewOptions:
        """The budgets of `limits`, the time budget replaced by `timeout` when given."""
        return cls(as_of, period, float(timeout or limits.max_seconds), limits.max_memory)


# What a worker runs for one plan; a module-level function, so that it can be sent to a process.
Task = Callable[[Path, ReviewOptions], Outcome]


def collect_plans(paths: Sequence[Path]) -> list[Path]:
    """Files named directly, plus the plan files (by suffix) directly inside each folder.

    For callers that want plans only; `review` and `schedule run` use `collect_files`, which
    accounts for every file in a folder.
    """
    found = collect_files(paths).files
    return [p for p in found if p.suffix.lower() in PLAN_SUFFIXES or p in paths]


# Why a folder entry is not checked: (singular, plural), for "Hoppade över 2 låsfiler …".
SKIP_REASONS: dict[str, tuple[str, str]] = {
    "lock": ("låsfil som Excel skapar medan en fil är öppen (~$…)",
             "låsfiler som Excel skapar medan en fil är öppen (~$…)"),
    "hidden": ("dold fil (namnet börjar med punkt)", "dolda filer (namnen börjar med punkt)"),
    "folder": ("undermapp (ange den för sig för att granska den)",
               "undermappar (ange dem för sig för att granska dem)"),
}


@dataclass(frozen=True)
class Collected:
    """The files to check, and how many entries of the folders were passed over, by reason."""

    files: list[Path]
    skipped: dict[str, int] = field(default_factory=dict)

    def skipped_text(self) -> str | None:
        """The summary line for what was passed over, or None when nothing was."""
        if not self.skipped:
            return None
        total = sum(self.skipped.values())
        parts = [f"{n} {SKIP_REASONS[reason][0 if n == 1 else 1]}"
                 for reason, n in self.skipped.items()]
        return f"Hoppade över {total} {'post' if total == 1 else 'poster'} i mapparna: " + \
            ", ".join(parts) + "."


def collect_files(paths: Sequence[Path]) -> Collected:
    """Files named directly, plus every file directly inside each folder, sorted by name.

    Every file in a folder is checked, whatever its name ends with, so that an .ods, .xls or
    .csv gets a row saying why it could not be checked rather than vanishing from the totals.
    Only Excel's lock files (`~$plan.xlsx`), hidden files and sub-folders are passed over, and
    they are counted.
    """
    found: list[Path] = []
    skipped: dict[str, int] = {}
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for entry in path.iterdir():
            reason = ("lock" if entry.name.startswith("~$") else
                      "hidden" if entry.name.startswith(".") else
                      "folder" if entry.is_dir() else None)
            if reason is None:
                found.append(entry)
            else:
                skipped[reason] = skipped.get(reason, 0) + 1
    files = sorted(dict.fromkeys(found), key=lambda p: (p.name, str(p)))
    return Collected(files, {r: skipped[r] for r in SKIP_REASONS if r in skipped})


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def failed_outcome(path: Path, detail: str, code: str = "internal-error") -> Outcome:
    name = shown_name(path)
    problem = InputProblem(code, Location(file=name), {"detail": detail})
    return Outcome(name, None, (problem,))


# --- the worker side -----------------------------------------------------------------------------


def _init_worker(catalogue: Catalogue, memory: int | None, run: int) -> None:
    global _WORKER_CHECKER
    die_with_parent(run)  # a worker whose run is gone has no one to report to
    _WORKER_CHECKER = Checker(catalogue)
    if memory is not None:  # after the Checker: the budget is for the plans
        limit_memory(memory)


def check_in_worker(path: Path, options: ReviewOptions) -> Outcome:
    """The task each worker runs: check one file with this process's Checker, never raise."""
    try:
        assert _WORKER_CHECKER is not None, "worker not initialised"
        return _WORKER_CHECKER.check_file(path, as_of=options.as_of, period=options.period)
    except MemoryError:  # past the budget: answered below, once what it held is free again
        pass
    except Exception as exc:  # noqa: BLE001 - one plan's failure must not stop the review
        if not over_budget(exc):
            return failed_outcome(path, f"{type(exc).__name__}: {exc}")
    limits = replace(Limits(), max_memory=options.memory or Limits().max_memory)
    return failed_outcome(path, memory_text(limits), "over-budget")


def _pickled(task: Task, path: Path, options: ReviewOptions) -> bytes:
    """What a worker runs: `task`, its Outcome pickled here so the parent can unpickle it later.

    A report names the rule packs that applied. Worker and parent hold the same catalogue, so
    the packs travel as their ids rather than as 50 kB of rules to pickle and rebuild (a fifth
    of the parent's unpickling; pickle's persistent ids would do it too, but calling back into
    Python for every object made pickling 2.7 times slower).
    """
    outcome = task(path, options)
    packs: tuple[str, ...] = ()
    if outcome.report is not None:
        packs = tuple(pack.id for pack in outcome.report.packs)
        outcome = replace(outcome, report=replace(outcome.report, packs=()))
    return pickle.dumps((outcome, packs), protocol=pickle.HIGHEST_PROTOCOL)


def _unpickled(data: bytes, catalogue: Catalogue) -> Outcome:
    outcome: Outcome
    packs: tuple[str, ...]
    outcome, packs = pickle.loads(data)
    if outcome.report is None:
        return outcome
    by_id = {pack.id: pack for pack in catalogue.packs}
    return replace(outcome, report=replace(outcome.report, packs=tuple(by_id[p] for p in packs)))


# --- the parent side ------------------------------------------------------------------------------


@dataclass
class _Pool:
    """One ProcessPoolExecutor run over a queue of plans, until the queue is empty or the pool
    has to go (a worker crashed, or a plan ran out of time)."""

    catalogue: Catalogue
    options: ReviewOptions
    workers: int
    results: dict[Path, Outcome]
    on_done: Callable[[], None]
    task: Task
    arrived: list[tuple[Path, bytes]] = field(default_factory=list)  # results not yet unpickled
    exit_codes: list[int] = field(default_factory=list)  # of workers that died, once it is over

    def run(self, queue: deque[Path]) -> list[Path]:
        """Work through `queue`; returns the plans that were in flight when a worker crashed."""
        context = _process_context()
        executor = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=_init_worker,
            initargs=(self.catalogue, self.options.memory, os.getpid()),
        )
        in_flight: dict[Future[bytes], tuple[Path, float]] = {}
        clean = False
        try:
            while queue or in_flight or self.arrived:
                if not self._submit(executor, queue, in_flight):
                    # Broke between two plans: suspect what was running, or else the next plan,
                    # so that every round settles at least one plan.
                    self._unpack()
                    return [path for path, _ in in_flight.values()] or [queue.popleft()]
                self._unpack()  # after _submit: the workers are busy while this runs
                if not in_flight:
                    break
                done, _ = wait(
                    in_flight, timeout=self._wait_time(in_flight), return_when=FIRST_COMPLETED
                )
                if self._collect(done, in_flight):
                    self._unpack()
                    return [path for path, _ in in_flight.values()]
                if self._expire(in_flight, queue):
                    self._unpack()
                    return []
            clean = True
        finally:
            self.exit_codes = _stop(executor, clean)
        return []

    def _submit(
        self,
        executor: ProcessPoolExecutor,
        queue: deque[Path],
        in_flight: dict[Future[bytes], tuple[Path, float]],
    ) -> bool:
        """Give every idle worker a plan; False when the pool broke meanwhile."""
        while queue and len(in_flight) < self.workers:
            path = queue[0]
            try:
                with signals_deferred():  # submit may start a worker
                    future = executor.submit(_pickled, self.task, path, self.options)
            except BrokenProcessPool:
                return False
            queue.popleft()
            in_flight[future] = (path, time.monotonic())
        return True

    def _wait_time(self, in_flight: dict[Future[bytes], tuple[Path, float]]) -> float:
        oldest = min(started for _, started in in_flight.values())
        return max(0.0, oldest + self.options.timeout - time.monotonic())

    def _collect(
        self, done: set[Future[bytes]], in_flight: dict[Future[bytes], tuple[Path, float]]
    ) -> bool:
        """Record finished plans; True when the pool broke (the broken ones stay in `in_flight`)."""
        broken = False
        for future in done:
            path, _ = in_flight[future]
            try:
                self.arrived.append((path, future.result()))
            except BrokenProcessPool:
                broken = True
                continue
            except Exception as exc:  # noqa: BLE001 - e.g. a result that could not be sent back
                self._finish(path, failed_outcome(path, f"{type(exc).__name__}: {exc}"))
            del in_flight[future]
        return broken

    def _unpack(self) -> None:
        for path, data in self.arrived:
            try:
                outcome = _unpickled(data, self.catalogue)
            except Exception as exc:  # noqa: BLE001 - a result that cannot be rebuilt here
                outcome = failed_outcome(path, f"{type(exc).__name__}: {exc}")
            self._finish(path, outcome)
        self.arrived.clear()

    def _expire(
        self, in_flight: dict[Future[bytes], tuple[Path, float]], queue: deque[Path]
    ) -> bool:
        """Fail the plans over time; True when the pool must go (the others are re-queued)."""
        now = time.monotonic()
        late = [f for f, (_, started) in in_flight.items() if now - started >= self.options.timeout]
        if not late:
            return False
        for future in late:
            path, _ = in_flight.pop(future)
            self._finish(path, failed_outcome(path, _over_time(self.options.timeout), "over-budget"))
        queue.extendleft(reversed([path for path, _ in in_flight.values()]))
        in_flight.clear()
        return True

    def _finish(self, path: Path, outcome: Outcome) -> None:
        self.results[path] = outcome
        self.on_done()


# How a worker ends when an allocation fails outside Python (Rust aborts; the OOM killer kills).
_OUT_OF_MEMORY = (-signal.SIGABRT, -signal.SIGKILL)


def _crash_outcome(path: Path, exit_codes: list[int], options: ReviewOptions) -> Outcome:
    if options.memory is not None and any(code in _OUT_OF_MEMORY for code in exit_codes):
        limits = replace(Limits(), max_memory=options.memory)
        return failed_outcome(path, memory_text(limits), "over-budget")
    return failed_outcome(path, "arbetsprocessen avbröts oväntat när filen kontrollerades")


def _over_time(seconds: float) -> str:
    return (f"Planen tog för lång tid att granska (mer än {seconds:g} s) och avbröts. Dela upp "
            "planen på flera filer, eller höj tidsgränsen (--timeout, PLANCHECKER_MAX_SECONDS).")


def _process_context() -> multiprocessing.context.BaseContext:
    """Fresh processes, never forks of this one (durable's global state must not be copied).

    A fork server that has imported the checker once starts workers fastest; where there is none
    (Windows), every worker is spawned and imports it itself.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # forkserver_guard first: the fork server dies with this process (see `processes`)
    context.set_forkserver_preload(["planchecker.common.forkserver_guard", "planchecker.checking.pipeline"])
    return context


def _stop(executor: ProcessPoolExecutor, clean: bool) -> list[int]:
    """Shut the pool down; after a crash or a timeout without waiting for a stuck worker (its
    processes are ours to end: ProcessPoolExecutor has no public way to kill them in 3.11).
    Returns the exit codes of the workers that had died before we ended them."""
    if clean:
        executor.shutdown(wait=True)
        return []
    processes = list(getattr(executor, "_processes", {}).values())
    died = [p.exitcode for p in processes if p.exitcode is not None]
    # Killed before the shutdown frees the pool's queues: a worker still starting would
    # otherwise find their semaphores gone and print a traceback on our stderr.
    for process in processes:
        if process.is_alive():
            process.kill()
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)
    return died


def review_plans(
    paths: Sequence[Path],
    catalogue: Catalogue,
    options: ReviewOptions | None = None,
    *,
    workers: int | None = None,
    on_done: Callable[[], None] = lambda: None,
    task: Task = check_in_worker,
) -> list[Outcome]:
    """Check every plan; one Outcome per path, sorted by file name, whatever finished first.

    `on_done` is called once per plan as it is finished (for a progress bar).
    """
    options = options or ReviewOptions()
    workers = max(1, min(workers or default_workers(), len(paths) or 1))
    results: dict[Path, Outcome] = {}
    queue: deque[Path] = deque(paths)
    suspects: deque[Path] = deque()
    # On SIGTERM or SIGHUP, Stopped leaves through the pool's `finally`, which kills its workers.
    with collector_paused(), stop_on_signals():
        _review(queue, suspects, results, catalogue, options, workers, on_done, task)
    return [results[path] for path in sorted(results, key=lambda p: (p.name, str(p)))]


def _review(queue: deque[Path], suspects: deque[Path], results: dict[Path, Outcome],
            catalogue: Catalogue, options: ReviewOptions, workers: int,
            on_done: Callable[[], None], task: Task) -> None:
    while queue or suspects:
        if suspects:
            # Alone in its own pool, a crash can only be this plan's.
            path = suspects.popleft()
            pool = _Pool(catalogue, options, 1, results, on_done, task)
            for path in pool.run(deque([path])):
                results[path] = _crash_outcome(path, pool.exit_codes, options)
                on_done()
        else:
            suspects.extend(_Pool(catalogue, options, workers, results, on_done, task).run(queue))
