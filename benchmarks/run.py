"""Per-size benchmark: the read-alone floor, each pipeline stage, the whole `check` process, RSS.

Every figure comes from a fresh process (start to exit, timed from the parent), best of N:
- floor: python + openpyxl read-only iterating every row of every sheet, nothing else;
- calamine: the same with python-calamine, when it is installed (a candidate faster reader);
- stages: one process timing, in-process, import, setup (rules, vocabulary, ruleset), read_plan,
  classify_plan, build_facts, engine.run_plan, build_report + render_json;
- check: `planchecker check FILE --format json -o OUT`, the command a user runs.
Peak RSS is each child's own ru_maxrss (os.wait4), not the running maximum over all children.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tabulate import tabulate

from benchmarks.generate import AS_OF, Size, plan_path

# Child programs are -c strings, so that the floor process imports openpyxl and nothing else.
FLOOR_CODE = """\
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
rows = sum(1 for sheet in book.worksheets for _ in sheet.iter_rows(values_only=True))
book.close()
print(rows)
"""

CALAMINE_CODE = """\
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
print(sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names))
"""

STAGES_CODE = """\
import datetime, json, sys, time
clock = [time.perf_counter()]
def lap():
    clock.append(time.perf_counter())
    return clock[-1] - clock[-2]
from pathlib import Path
from planchecker import engine, writers
from planchecker.checking import Checker
from planchecker.facts import build_facts
from planchecker.findings import build_report
from planchecker.reading import read_plan
from planchecker.topics import classify_plan
out = {"import": lap()}
checker = Checker()
out["setup"] = lap()
path = Path(sys.argv[1])
plan = read_plan(path).plan
out["read"] = lap()
context = checker.context_for(plan, as_of=datetime.date.fromisoformat(sys.argv[2]))
items = classify_plan(plan, checker.classifier)
out["classify"] = lap()
facts = build_facts(plan, items, context)
out["facts"] = lap()
result = engine.run_plan(checker.catalogue, facts)
out["engine"] = lap()
report = build_report(plan, path.name, checker.catalogue, context, items, result.findings,
                      result.errors)
text = writers.render_json(report)
out["report"] = lap()
out.update(facts_count=len(facts), findings=len(report.findings), verdict=report.verdict)
print(json.dumps(out))
"""

CHECK_CODE = "from planchecker.cli import main; main()"
STAGES = ("read", "classify", "facts", "engine", "report")

# Targets from issue 7, as ratios within one run.
CHECK_OVER_FLOOR = 1.5
STRETCH_OVER_FLOOR = 0.5
GROWTH_EXPONENT = 1.15


@dataclass(frozen=True)
class Sample:
    seconds: float
    max_rss_mb: float
    stdout: str


def measure(args: Sequence[str], timeout: float = 900) -> Sample:
    """Run one child process; its wall time (start to exit) and its own peak RSS (os.wait4)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, text=True)
        # Files instead of pipes: the child cannot block on a full pipe, so the parent may wait
        # with os.wait4, which returns this child's own rusage (RUSAGE_CHILDREN is a running max).
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode not in (0, 1):  # 1 is `check` finding gaps
        raise RuntimeError(f"child exited {proc.returncode}: {stderr.strip()[-2000:]}")
    return Sample(seconds, usage.ru_maxrss / 1024, stdout)


@dataclass
class SizeResult:
    size: Size
    rows: int = 0
    floor: float = math.inf
    calamine: float | None = None
    check: float = math.inf
    floor_rss: float = 0.0
    check_rss: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    facts: int = 0
    findings: int = 0
    verdict: str = ""
    mismatch: str | None = None  # the stages process and `check` disagree (should never happen)

    @property
    def pipeline(self) -> float:
        """read + classify + facts + engine + report, in-process (no start-up, no imports)."""
        return sum(self.stages[stage] for stage in STAGES)

    @property
    def ratio(self) -> float:
        return self.check / self.floor


def _best(stages: dict[str, float], sample: dict[str, Any]) -> None:
    for key in ("import", "setup", *STAGES):
        stages[key] = min(stages.get(key, math.inf), sample[key])


def has_calamine() -> bool:
    import importlib.util

    return importlib.util.find_spec("python_calamine") is not None


def run_size(size: Size, repeat: int, cache: Path, calamine: bool) -> SizeResult:
    """Best of `repeat` for every figure of one size; the runs of each kind are interleaved."""
    path, as_of = str(plan_path(size, cache=cache)), AS_OF.isoformat()
    python = sys.executable
    result = SizeResult(size)
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "report.json"  # never /dev/null: the CLI replaces its target atomically
        check_args = [python, "-c", CHECK_CODE, "check", path, "--format", "json", "-o",
                      str(output), "--fail-on", "never", "--as-of", as_of]
        for _ in range(repeat):
            floor = measure([python, "-c", FLOOR_CODE, path])
            result.rows = int(floor.stdout)
            result.floor = min(result.floor, floor.seconds)
            result.floor_rss = max(result.floor_rss, floor.max_rss_mb)
            if calamine:
                seconds = measure([python, "-c", CALAMINE_CODE, path]).seconds
                result.calamine = min(result.calamine or math.inf, seconds)
            stages = json.loads(measure([python, "-c", STAGES_CODE, path, as_of]).stdout)
            _best(result.stages, stages)
            result.facts, result.findings = stages["facts_count"], stages["findings"]
            result.verdict = stages["verdict"]
            check = measure(check_args)
            result.check = min(result.check, check.seconds)
            result.check_rss = max(result.check_rss, check.max_rss_mb)
        report = json.loads(output.read_text(encoding="utf-8"))
    if (len(report["findings"]), report["verdict"]) != (result.findings, result.verdict):
        result.mismatch = (f"check gave {len(report['findings'])} findings ({report['verdict']}), "
                           f"the stages process {result.findings} ({result.verdict})")
    return result


def growth(results: Sequence[SizeResult], value: Any) -> float | None:
    """log(t_XL / t_M) / log(n_XL / n_M): 1.0 is linear growth."""
    by_name = {r.size.name: r for r in results}
    if "M" not in by_name or "XL" not in by_name:
        return None
    small, large = by_name["M"], by_name["XL"]
    return math.log(value(large) / value(small)) / math.log(large.size.n / small.size.n)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def process_table(results: Sequence[SizeResult], tablefmt: str) -> str:
    rows = [[r.size.name, r.size.n, r.rows, _fmt(r.floor), _fmt(r.calamine),
             _fmt(r.calamine / r.floor if r.calamine else None, 2), _fmt(r.check),
             _fmt(r.ratio, 2), f"{r.floor_rss:.0f}", f"{r.check_rss:.0f}"] for r in results]
    headers = ["size", "n", "rows", "floor s", "calamine s", "cal/floor", "check s",
               "check/floor", "floor RSS MB", "check RSS MB"]
    return tabulate(rows, headers=headers, tablefmt=tablefmt, disable_numparse=True)


def stage_table(results: Sequence[SizeResult], tablefmt: str) -> str:
    rows = [[r.size.name, *(_fmt(r.stages[key]) for key in ("import", "setup", *STAGES)),
             _fmt(r.pipeline), r.facts, r.findings, r.verdict] for r in results]
    headers = ["size", "import", "setup", "read_plan", "classify", "facts", "engine", "report",
               "pipeline", "facts n", "findings", "verdict"]
    return tabulate(rows, headers=headers, tablefmt=tablefmt, disable_numparse=True)


_GROWTH: tuple[tuple[str, Any], ...] = (
    ("floor (openpyxl)", lambda r: r.floor),
    ("read_plan", lambda r: r.stages["read"]),
    ("classify", lambda r: r.stages["classify"]),
    ("facts + engine", lambda r: r.stages["facts"] + r.stages["engine"]),
    ("report", lambda r: r.stages["report"]),
    ("pipeline (in-process)", lambda r: r.pipeline),
    ("check (process)", lambda r: r.check),
)


def growth_table(results: Sequence[SizeResult], tablefmt: str) -> str | None:
    if growth(results, _GROWTH[0][1]) is None:
        return None
    rows = [[name, _fmt(growth(results, value), 2)] for name, value in _GROWTH]
    return tabulate(rows, headers=["M → XL", "exponent"], tablefmt=tablefmt,
                    disable_numparse=True)


def size_targets(results: Sequence[SizeResult]) -> list[str]:
    """PASS/FAIL lines for the per-size targets of issue 7."""
    lines = []
    for r in results:
        if r.size.name in ("L", "XL"):
            lines.append(f"check {r.size.name} ≤ {CHECK_OVER_FLOOR} × floor: {r.ratio:.2f} "
                         f"{verdict(r.ratio <= CHECK_OVER_FLOOR)}")
            lines.append(f"stretch: check {r.size.name} ≤ {STRETCH_OVER_FLOOR} × floor: "
                         f"{r.ratio:.2f} {verdict(r.ratio <= STRETCH_OVER_FLOOR)}")
    exponent = growth(results, lambda r: r.pipeline)
    if exponent is not None:
        lines.append(f"growth M → XL ≤ n^{GROWTH_EXPONENT} (pipeline): n^{exponent:.2f} "
                     f"{verdict(exponent <= GROWTH_EXPONENT)}")
    return lines


def report_sizes(results: Sequence[SizeResult], repeat: int, tablefmt: str) -> list[str]:
    """The printed figures: processes, stages, growth, and the per-size target lines."""
    out = [f"Whole processes, best of {repeat} (seconds, start to exit):",
           process_table(results, tablefmt), "",
           f"Stages inside one process, best of {repeat} (seconds):",
           stage_table(results, tablefmt)]
    table = growth_table(results, tablefmt)
    if table:
        out += ["", "Growth exponents (1.00 = linear in n = mål + aktiviteter + risks):", table]
    out += [f"warning: {r.size.name}: {r.mismatch}" for r in results if r.mismatch]
    return out


def machine() -> str:
    """nproc, RAM, Python and CPU model, for the README's record of where figures came from."""
    import platform

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        ram = f"{pages / 2**30:.1f} GiB RAM"
    except (OSError, ValueError):
        ram = "unknown RAM"
    return (f"{os.cpu_count()} CPUs ({cpu}), {ram}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def profile(size: Size, cache: Path, top: int = 25) -> str:
    """cProfile of one in-process check of `size` (read to JSON), top functions by own time."""
    import cProfile
    import io
    import pstats

    from planchecker import writers
    from planchecker.checking import Checker

    path = plan_path(size, cache=cache)
    checker = Checker()
    profiler = cProfile.Profile()
    profiler.enable()
    outcome = checker.check_file(path, as_of=AS_OF)
    assert outcome.report is not None, outcome.problems
    writers.render_json(outcome.report)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return text.getvalue()
