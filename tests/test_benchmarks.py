"""Smoke test of benchmarks/: the generator writes valid plans; the quick run prints its figures.

No timing is asserted here: the figures depend on the machine. The quick run is bounded by a hard
time budget so that a benchmark that hangs fails the suite instead of stalling it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from benchmarks.generate import SIZES, Size, build_plan, plan_path
from planchecker.reading.reader import read_plan

ROOT = Path(__file__).parent.parent
TINY = Size("T", goals=3, activities=5, risks=4)
QUICK_BUDGET_SECONDS = 120


def test_generated_plan_reads_back_as_the_same_valid_plan(tmp_path: Path) -> None:
    path = plan_path(TINY, seed=7, cache=tmp_path)
    result = read_plan(path)
    assert result.problems == []
    assert result.plan is not None
    assert result.plan.without_locations() == build_plan(TINY, seed=7)
    plan = result.plan
    assert (len(plan.goals), len(plan.activities), len(plan.risks)) == (3, 5, 4)


def test_generator_is_deterministic_and_seeded() -> None:
    assert build_plan(SIZES["S"], seed=1) == build_plan(SIZES["S"], seed=1)
    assert build_plan(SIZES["S"], seed=1) != build_plan(SIZES["S"], seed=2)


def test_generated_plan_has_links_risks_and_documents() -> None:
    plan = build_plan(SIZES["M"])
    goal_ids = {goal.id for goal in plan.goals}
    assert (len(plan.goals), len(plan.activities), len(plan.risks)) == (50, 300, 100)
    assert sum(a.goal_id in goal_ids for a in plan.activities) > 250
    assert sum(bool(a.risk_ids) for a in plan.activities) > 20
    assert plan.documents and plan.indicators


def test_quick_run_prints_every_figure(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--cache", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=QUICK_BUDGET_SECONDS, check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Machine: ")
    number = r"\d+\.\d+"
    optional = rf"(?:{number}|–)"
    # size, n, rows, floor, calamine, cal/floor, check, check/floor, (cpu), RSS floor, RSS check
    process_row = (rf"^S\s+60\s+\d+\s+{number}\s+{optional}\s+{optional}\s+{number}\s+{number}"
                   rf"\s+{number}\s+\d+\s+\d+$")
    assert re.search(process_row, out, re.MULTILINE), out
    # size, import, setup, five stages, pipeline, facts, findings, verdict
    stage_row = rf"^S(?:\s+{number}){{8}}\s+\d+\s+\d+\s+(?:ok|gaps)$"
    assert re.search(stage_row, out, re.MULTILINE), out
    assert "Targets (issue 7):" in out
    # setup with the run's own warm pattern cache, and with an empty one
    assert re.search(rf"^Setup .*: {number} s with the compiled-pattern cache.*; {number} s with "
                     "an empty one", out, re.MULTILINE), out
    assert "warning" not in out, out


def test_batch_prints_best_of_interleaved_runs_and_memory(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--batch", "--batch-plans", "4", "--batch-repeat",
         "2", "--workers", "2", "--cache", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=QUICK_BUDGET_SECONDS, check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    number = r"\d+\.\d+"
    assert "best of 2 interleaved runs" in out, out
    assert re.search(rf"^1\s+{number}\s+{number}\s+1\.00\s", out, re.MULTILINE), out
    assert re.search(rf"^2\s+{number}\s+{number}\s+{number}\s", out, re.MULTILINE), out
    assert re.search(rf"1 worker {number}, {number}; 2 workers {number}, {number}$", out,
                     re.MULTILINE), out
    assert "durable_rules sessions still alive after the last plan: 0" in out, out
    assert "batch speed-up on 2 workers" in out, out


# An older checkout as benchmarks.versus meets it: its planchecker has none of this tree's modules,
# and its benchmarks/run.py times its stages its own way (flat wall seconds, as the first one did).
_OLD_RUN = '''\
STAGES_CODE = """\\
import json, sys
import planchecker
assert sys.argv[1].endswith(".xlsx") and sys.argv[2] == "2022-09-01"
print(json.dumps({"import": 0.5, "setup": 0.25, "read": 1.0, "classify": 2.0, "facts": 0.5,
                  "engine": 0.5, "report": 0.25, "verdict": "gaps"}))
"""
STAGES = ("read", "classify", "facts", "engine", "report")
'''


def test_versus_times_each_tree_with_its_own_stages_program(tmp_path: Path) -> None:
    old = tmp_path / "old"
    (old / "planchecker").mkdir(parents=True)
    (old / "planchecker" / "__init__.py").write_text("", encoding="utf-8")
    (old / "benchmarks").mkdir()
    (old / "benchmarks" / "run.py").write_text(_OLD_RUN, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.versus", str(old), "--size", "S", "--repeat", "1",
         "--cache", str(tmp_path / "plans")],
        cwd=ROOT, capture_output=True, text=True, timeout=QUICK_BUDGET_SECONDS, check=False,
    )
    assert done.returncode == 0, done.stderr
    number = r"\d+\.\d+"
    # The old tree's own figures, beside this tree's measured ones; no CPU figure from the old.
    assert re.search(rf"^classify\s+2\.000\s+{number}\s+{number}\s+–\s+{number}\s+–$",
                     done.stdout, re.MULTILINE), done.stdout
    assert re.search(rf"^whole check\s+5\.000\s+{number}\s+{number}\s+–", done.stdout,
                     re.MULTILINE), done.stdout


def test_versus_refuses_a_folder_without_a_stages_program(tmp_path: Path) -> None:
    (tmp_path / "planchecker").mkdir()
    (tmp_path / "planchecker" / "__init__.py").write_text("", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "benchmarks.versus", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "benchmarks/run.py" in done.stderr
