"""Batch benchmark: many M plans through `planchecker.batch.review`, all cores against one, and memory.

Throughput is measured on the review API in a fresh process per setting (start to exit). Memory is
measured inside one worker-like process that checks the plans one after another with one Checker,
as a review worker does, reading /proc/self/statm after plan 50 and after the last plan: if
durable_rules state (or anything else) were kept per plan, RSS would grow with the batch.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tabulate import tabulate

from benchmarks.generate import AS_OF, batch_paths
from benchmarks.run import Sample, measure, verdict

SPEEDUP_TARGET = 1.7  # on 2 cores
RSS_GROWTH_TARGET = 1.1
RSS_MARKS = (1, 50, 100, 200, 300, 400, 500)

RSS_CODE = """\
import datetime, gc, json, os, sys
from pathlib import Path
from planchecker.checking import engine
from planchecker.reports import writers
from planchecker.checking.pipeline import Checker
folder, count, as_of = Path(sys.argv[1]), int(sys.argv[2]), datetime.date.fromisoformat(sys.argv[3])
marks = {int(m) for m in sys.argv[4].split(",")} | {count}
page = os.sysconf("SC_PAGE_SIZE")
checker = Checker()
rss = {}
for number, path in enumerate(sorted(folder.glob("*.xlsx"))[:count], 1):
    outcome = checker.check_file(path, as_of=as_of)
    assert outcome.report is not None, outcome.problems
    writers.render_json(outcome.report)
    if number in marks:
        with open("/proc/self/statm") as statm:
            rss[number] = int(statm.read().split()[1]) * page / 2**20
print(json.dumps({"rss": rss, "live_sessions": engine.live_sessions()}))
"""


@dataclass(frozen=True)
class BatchResult:
    plans: int
    workers: int
    serial_seconds: float
    parallel_seconds: float
    serial_busy: float | None  # busy cores on the machine during each run (any process)
    parallel_busy: float | None
    rss_mb: dict[int, float]
    live_sessions: int
    serial_runs: tuple[float, ...]  # every run, in the order run (the best are above)
    parallel_runs: tuple[float, ...]

    @property
    def speedup(self) -> float:
        return self.serial_seconds / self.parallel_seconds

    @property
    def rss_growth(self) -> float:
        return self.rss_mb[self.plans] / self.rss_mb[min(50, self.plans)]


def worker_rss(folder: Path, count: int) -> tuple[dict[int, float], int]:
    """RSS (MB) after plan 1, 50, 100, … and the last, inside one process checking `count` plans."""
    marks = ",".join(str(m) for m in RSS_MARKS if m <= count)
    sample = measure([sys.executable, "-c", RSS_CODE, str(folder), str(count), AS_OF.isoformat(),
                      marks])
    data = json.loads(sample.stdout)
    return {int(k): v for k, v in data["rss"].items()}, int(data["live_sessions"])

REVIEW_CODE = """\
import datetime, json, sys, time
from pathlib import Path
from planchecker.batch.review import ReviewOptions, collect_plans, review_plans
from planchecker.checking.rulebook import load_catalogue
folder, count, workers = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
options = ReviewOptions(as_of=datetime.date.fromisoformat(sys.argv[4]))
paths = collect_plans([folder])[:count]
start = time.perf_counter()
outcomes = review_plans(paths, load_catalogue(), options, workers=workers)
seconds = time.perf_counter() - start
print(json.dumps({"plans": len(outcomes), "seconds": seconds,
                  "reports": sum(o.report is not None for o in outcomes)}))
"""


def review_run(folder: Path, count: int, workers: int) -> Sample:
    """A whole `review_plans` process (start to exit) over `count` plans."""
    sample = measure([sys.executable, "-c", REVIEW_CODE, str(folder), str(count), str(workers),
                      AS_OF.isoformat()])
    data = json.loads(sample.stdout)
    if data["reports"] != count:
        raise RuntimeError(f"review gave {data['reports']} reports for {count} plans")
    return sample


def run_batch(count: int, workers: int | None, cache: Path, repeat: int = 2) -> BatchResult:
    """Best of `repeat` runs with one worker and with `workers`, interleaved (1, n, 1, n, …):
    this machine's speed drifts from minute to minute, and one run of each measured speed-ups
    from 1.54 to 2.01 on the same code the same day."""
    from planchecker.batch.review import default_workers

    folder = batch_paths(count, cache=cache)[0].parent
    workers = workers or default_workers()
    serial: list[Sample] = []
    parallel: list[Sample] = []
    for _ in range(max(1, repeat)):
        serial.append(review_run(folder, count, 1))
        parallel.append(review_run(folder, count, workers))
    best_serial = min(serial, key=lambda sample: sample.seconds)
    best_parallel = min(parallel, key=lambda sample: sample.seconds)
    rss, live = worker_rss(folder, count)
    return BatchResult(count, workers, best_serial.seconds, best_parallel.seconds,
                       best_serial.busy_cores, best_parallel.busy_cores, rss, live,
                       tuple(s.seconds for s in serial), tuple(s.seconds for s in parallel))


def report(result: BatchResult, tablefmt: str) -> list[str]:
    rows = [[1, f"{result.serial_seconds:.2f}", f"{result.plans / result.serial_seconds:.1f}",
             "1.00", _busy(result.serial_busy)],
            [result.workers, f"{result.parallel_seconds:.2f}",
             f"{result.plans / result.parallel_seconds:.1f}", f"{result.speedup:.2f}",
             _busy(result.parallel_busy)]]
    rss = [[number, f"{mb:.1f}"] for number, mb in sorted(result.rss_mb.items())]
    runs = (f"Every run, in order (seconds): 1 worker {_seconds(result.serial_runs)}; "
            f"{result.workers} workers {_seconds(result.parallel_runs)}")
    return [f"Batch: {result.plans} M plans through planchecker.batch.review (process start to exit), "
            f"best of {len(result.serial_runs)} interleaved runs:",
            tabulate(rows, headers=["workers", "seconds", "plans/s", "speed-up", "busy cores"],
                     tablefmt=tablefmt, disable_numparse=True), runs, "",
            "RSS of one worker-like process checking the plans one after another:",
            tabulate(rss, headers=["after plan", "RSS MB"], tablefmt=tablefmt,
                     disable_numparse=True),
            f"durable_rules sessions still alive after the last plan: {result.live_sessions}"]


def _seconds(runs: Sequence[float]) -> str:
    return ", ".join(f"{seconds:.2f}" for seconds in runs)


def _busy(cores: float | None) -> str:
    return "–" if cores is None else f"{cores:.2f}"


def targets(result: BatchResult) -> list[str]:
    lines = [f"batch speed-up on {result.workers} workers ≥ {SPEEDUP_TARGET} (target set for 2 "
             f"cores): {result.speedup:.2f} {verdict(result.speedup >= SPEEDUP_TARGET)}"]
    # One worker plus the scheduling parent keep a little over one core busy; much more means
    # other load, which a wall-clock speed-up on few cores cannot survive. (With every core in use,
    # the parallel run cannot tell its own load from others'.)
    if (result.serial_busy or 0) > 1.4:
        lines.append("  (the machine had other load during the batch: the speed-up is unreliable; "
                     "rerun on an idle machine)")
    if result.plans >= 50:
        lines.append(f"RSS at plan {result.plans} ≤ {RSS_GROWTH_TARGET} × RSS at plan 50: "
                     f"{result.rss_growth:.3f} {verdict(result.rss_growth <= RSS_GROWTH_TARGET)}")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m benchmarks.batch`: the batch alone, as `python -m benchmarks --batch`."""
    from benchmarks.__main__ import main as run_all

    sys.exit(run_all(["--batch", *(argv if argv is not None else sys.argv[1:])]))


if __name__ == "__main__":
    main()
