"""Per-size benchmark: the read-alone floor, each pipeline stage, the whole `check` process, RSS.

Every figure comes from a fresh process (start to exit, timed from the parent), best of N:
- floor: python + openpyxl read-only iterating every row of every sheet, nothing else;
- calamine: the same with python-calamine alone (what planchecker's fast reader costs at least);
- stages: one process timing, in-process, import, setup (rules, vocabulary, ruleset), read_plan,
  classify_plan, build_facts, engine.run_plan, build_report + render_json, with the cyclic
  collector paused after setup as `check` pauses it;
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
import datetime, gc, json, sys, time
marks = [(time.perf_counter(), time.process_time())]
wall, cpu = {}, {}
def lap(name):
    marks.append((time.perf_counter(), time.process_time()))
    wall[name] = marks[-1][0] - marks[-2][0]
    cpu[name] = marks[-1][1] - marks[-2][1]
from pathlib import Path
from planchecker.checking import engine
from planchecker.reports import writers
from planchecker.checking.pipeline import Checker
from planchecker.checking.facts import build_facts
from planchecker.checking.findings import build_report
from planchecker.reading.reader import read_plan
from planchecker.topics.classifier import classify_plan
lap("import")
checker = Checker()
lap("setup")
gc.disable()  # as `check` and Checker.check_file do while a plan is checked
path = Path(sys.argv[1])
plan = read_plan(path).plan
lap("read")
context = checker.context_for(plan, as_of=datetime.date.fromisoformat(sys.argv[2]))
items = classify_plan(plan, checker.classifier)
lap("classify")
facts = build_facts(plan, items, context)
lap("facts")
result = engine.run_plan(checker.catalogue, facts)
lap("engine")
report = build_report(plan, path.name, checker.catalogue, context, items, result.findings,
                      result.errors, checker.classifier.leaning)
text = writers.render_json(report)
lap("report")
print(json.dumps({"wall": wall, "cpu": cpu, "facts": len(facts), "findings": len(report.findings),
                  "verdict": report.verdict}))
"""

CHECK_CODE = "from planchecker.cli.main import main; main()"

SETUP_CODE = """\
import json, time
from planchecker.topics import regexcache
from planchecker.checking.pipeline import Checker
imported = time.perf_counter()
Checker()
print(json.dumps({"seconds": time.perf_counter() - imported,
                  "compiled": regexcache.default().misses}))
"""
STAGES = ("read", "classify", "facts", "engine", "report")

# Targets from issue 7, as ratios within one run.
CHECK_OVER_FLOOR = 1.5
STRETCH_OVER_FLOOR = 0.5
GROWTH_EXPONENT = 1.15


@dataclass(frozen=True)
class Sample:
    seconds: float  # wall, start to exit
    cpu_seconds: float  # user + system of the child itself
    max_rss_mb: float
    stdout: str
    busy_cores: float | None  # cores busy on the whole machine meanwhile (any process)


def _cpu_jiffies() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat; None off Linux."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _busy_cores(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1]) * (os.cpu_count() or 1)


def measure(args: Sequence[str], timeout: float = 900, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> Sample:
    """Run one child process; its wall time (start to exit), CPU time and own peak RSS."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        jiffies, start = _cpu_jiffies(), time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, text=True, env=env, cwd=cwd)
        # Files instead of pipes: the child cannot block on a full pipe, so the parent may wait
        # with os.wait4, which returns this child's own rusage (RUSAGE_CHILDREN is a running max).
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        seconds = time.perf_counter() - start
        busy = _busy_cores(jiffies, _cpu_jiffies())
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode not in (0, 1):  # 1 is `check` finding gaps
        raise RuntimeError(f"child exited {proc.returncode}: {stderr.strip()[-2000:]}")
    return Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout, busy)


@dataclass
class SizeResult:
    """Best-of-N figures of one size, in wall-clock seconds and in CPU seconds, by name: floor,
    calamine, check (whole processes), import, setup and the STAGES (inside one process)."""

    size: Size
    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    rows: int = 0
    floor_rss: float = 0.0
    check_rss: float = 0.0
    facts: int = 0
    findings: int = 0
    verdict: str = ""
    mismatch: str | None = None  # the stages process and `check` disagree (should never happen)
    busy: list[float] = field(default_factory=list)  # busy cores on the machine, per child run

    def note(self, sample: Sample) -> Sample:
        if sample.busy_cores is not None:
            self.busy.append(sample.busy_cores)
        return sample

    def keep_best(self, name: str, wall: float, cpu: float) -> None:
        self.wall[name] = min(self.wall.get(name, math.inf), wall)
        self.cpu[name] = min(self.cpu.get(name, math.inf), cpu)

    def pipeline(self, times: dict[str, float]) -> float:
        """read + classify + facts + engine + report, in-process (no start-up, no imports)."""
        return sum(times[stage] for stage in STAGES)

    def ratio(self, times: dict[str, float]) -> float:
        return times["check"] / times["floor"]


def run_size(size: Size, repeat: int, cache: Path) -> SizeResult:
    """Best of `repeat` for every figure of one size; the runs of each kind are interleaved."""
    path, as_of = str(plan_path(size, cache=cache)), AS_OF.isoformat()
    python = sys.executable
    result = SizeResult(size)
    with tempfile.TemporaryDirectory() as tmp:
        # never -o /dev/null: the CLI writes atomically, renaming a temporary file over its target
        output = Path(tmp) / "report.json"
        check_args = [python, "-c", CHECK_CODE, "check", path, "--format", "json", "-o",
                      str(output), "--fail-on", "never", "--as-of", as_of]
        for _ in range(repeat):
            floor = result.note(measure([python, "-c", FLOOR_CODE, path]))
            result.rows = int(floor.stdout)
            result.keep_best("floor", floor.seconds, floor.cpu_seconds)
            result.floor_rss = max(result.floor_rss, floor.max_rss_mb)
            other = result.note(measure([python, "-c", CALAMINE_CODE, path]))
            result.keep_best("calamine", other.seconds, other.cpu_seconds)
            stages = json.loads(
                result.note(measure([python, "-c", STAGES_CODE, path, as_of])).stdout)
            for name, seconds in stages["wall"].items():
                result.keep_best(name, seconds, stages["cpu"][name])
            result.facts, result.findings = stages["facts"], stages["findings"]
            result.verdict = stages["verdict"]
            check = result.note(measure(check_args))
            result.keep_best("check", check.seconds, check.cpu_seconds)
            result.check_rss = max(result.check_rss, check.max_rss_mb)
        report = json.loads(output.read_text(encoding="utf-8"))
    if (len(report["findings"]), report["verdict"]) != (result.findings, result.verdict):
        result.mismatch = (f"check gave {len(report['findings'])} findings ({report['verdict']}), "
                           f"the stages process {result.findings} ({result.verdict})")
    return result


@dataclass(frozen=True)
class SetupResult:
    warm: float  # Checker() with the compiled-pattern cache the other figures use
    cold: float  # with an empty cache: the first run after an install or a vocabulary change
    compiled_warm: int  # the most patterns a warm run compiled afresh (0 when the cache works)


def run_setup(repeat: int) -> SetupResult:
    """`Checker()` in fresh processes, best of `repeat`, with a warm and with an empty cache."""
    warm, cold, compiled = math.inf, math.inf, 0
    for _ in range(repeat):
        data = json.loads(measure([sys.executable, "-c", SETUP_CODE]).stdout)
        warm, compiled = min(warm, data["seconds"]), max(compiled, data["compiled"])
        with tempfile.TemporaryDirectory() as empty:
            env = {**os.environ, "PLANCHECKER_CACHE_DIR": empty}
            data = json.loads(measure([sys.executable, "-c", SETUP_CODE], env=env).stdout)
            cold = min(cold, data["seconds"])
    return SetupResult(warm, cold, compiled)


def report_setup(result: SetupResult, repeat: int) -> list[str]:
    lines = [f"Setup (Checker() in a fresh process, after its imports, best of {repeat}): "
             f"{result.warm:.3f} s with the compiled-pattern cache, as in every figure here; "
             f"{result.cold:.3f} s with an empty one (the first run after an install or a "
             "vocabulary change)."]
    if result.compiled_warm:
        lines.append(f"warning: the warm setup compiled {result.compiled_warm} patterns: the "
                     "cache is not being kept, so the other figures include compiling")
    return lines


def growth(results: Sequence[SizeResult], value: Callable[[SizeResult], float]) -> float | None:
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
    rows = []
    for r in results:
        calamine = r.wall.get("calamine")
        rows.append([r.size.name, r.size.n, r.rows, _fmt(r.wall["floor"]), _fmt(calamine),
                     _fmt(calamine / r.wall["floor"] if calamine else None, 2),
                     _fmt(r.wall["check"]), _fmt(r.ratio(r.wall), 2), _fmt(r.ratio(r.cpu), 2),
                     f"{r.floor_rss:.0f}", f"{r.check_rss:.0f}"])
    headers = ["size", "n", "rows", "floor s", "calamine s", "cal/floor", "check s",
               "check/floor", "(cpu)", "floor RSS MB", "check RSS MB"]
    return tabulate(rows, headers=headers, tablefmt=tablefmt, disable_numparse=True)


def stage_table(results: Sequence[SizeResult], tablefmt: str) -> str:
    rows = [[r.size.name, *(_fmt(r.wall[key]) for key in ("import", "setup", *STAGES)),
             _fmt(r.pipeline(r.wall)), r.facts, r.findings, r.verdict] for r in results]
    headers = ["size", "import", "setup", "read_plan", "classify", "facts", "engine", "report",
               "pipeline", "facts n", "findings", "verdict"]
    return tabulate(rows, headers=headers, tablefmt=tablefmt, disable_numparse=True)


_GROWTH: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("floor (openpyxl)", ("floor",)),
    ("read_plan", ("read",)),
    ("classify", ("classify",)),
    ("facts + engine", ("facts", "engine")),
    ("report", ("report",)),
    ("pipeline (in-process)", STAGES),
    ("check (process)", ("check",)),
)


def _summed(keys: tuple[str, ...], clock: str) -> Callable[[SizeResult], float]:
    def value(result: SizeResult) -> float:
        times = result.wall if clock == "wall" else result.cpu
        return sum(times[key] for key in keys)

    return value


def growth_table(results: Sequence[SizeResult], tablefmt: str) -> str | None:
    rows = []
    for name, keys in _GROWTH:
        wall, cpu = growth(results, _summed(keys, "wall")), growth(results, _summed(keys, "cpu"))
        if wall is None or cpu is None:
            return None
        rows.append([name, _fmt(wall, 2), _fmt(cpu, 2)])
    return tabulate(rows, headers=["M → XL", "exponent", "(cpu)"], tablefmt=tablefmt,
                    disable_numparse=True)


def size_targets(results: Sequence[SizeResult]) -> list[str]:
    """PASS/FAIL lines for the per-size targets of issue 7 (judged on wall time; CPU beside)."""
    lines = []
    for r in results:
        if r.size.name not in ("L", "XL"):
            continue
        wall, cpu = r.ratio(r.wall), r.ratio(r.cpu)
        for limit, label in ((CHECK_OVER_FLOOR, ""), (STRETCH_OVER_FLOOR, "stretch: ")):
            lines.append(f"{label}check {r.size.name} ≤ {limit} × floor: {wall:.2f} "
                         f"{verdict(wall <= limit)} (cpu {cpu:.2f})")
    exponent = growth(results, lambda r: r.pipeline(r.wall))
    cpu_exponent = growth(results, lambda r: r.pipeline(r.cpu))
    if exponent is not None and cpu_exponent is not None:
        lines.append(f"growth M → XL ≤ n^{GROWTH_EXPONENT} (pipeline): n^{exponent:.2f} "
                     f"{verdict(exponent <= GROWTH_EXPONENT)} (cpu n^{cpu_exponent:.2f})")
    return lines


def report_sizes(results: Sequence[SizeResult], repeat: int, tablefmt: str) -> list[str]:
    """The printed figures: processes, stages, growth, and the per-size target lines."""
    out = [f"Whole processes, best of {repeat} (seconds, start to exit; (cpu) = the same ratio in "
           "CPU time, steadier on a busy machine):",
           process_table(results, tablefmt), "",
           f"Stages inside one process, best of {repeat} (seconds):",
           stage_table(results, tablefmt)]
    table = growth_table(results, tablefmt)
    if table:
        out += ["", "Growth exponents (1.00 = linear in n = mål + aktiviteter + risks):", table]
    out += [f"warning: {r.size.name}: {r.mismatch}" for r in results if r.mismatch]
    loads = ", ".join(f"{r.size.name} {sum(r.busy) / len(r.busy):.2f}" for r in results if r.busy)
    if loads:
        out += ["", f"Busy cores on the machine during these runs (of {os.cpu_count()}; the runs "
                f"themselves keep about 1 busy, more means other load): {loads}"]
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

    from planchecker.checking.pipeline import Checker
    from planchecker.reports import writers

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
