"""`python -m benchmarks.versus BASE_DIR`: each pipeline stage of this checkout against another
checkout (say a `git worktree` or `git archive` of main or of an older commit), in one run.

Each tree is timed by its own stages program (`STAGES_CODE` in that tree's benchmarks/run.py),
run in a fresh process inside that tree, so that an older commit, whose modules have other
names and places, is timed as its own benchmark would time it. Both check the same generated
plan. The two run interleaved (base, this, base, this, ...), each with its own vocabulary cache,
and the best of N of each is printed with the ratio this/base. The machines here are noisy, so
only a ratio within one run means anything (see benchmarks/README.md).

    git archive main | tar -x -C /tmp/base
    python -m benchmarks.versus /tmp/base --size XL --repeat 3
"""

from __future__ import annotations

import argparse
import ast
import compileall
import json
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tabulate import tabulate

from benchmarks.generate import AS_OF, DEFAULT_CACHE, SIZES, plan_path
from benchmarks.run import measure

HERE = Path(__file__).resolve().parents[1]
CLOCKS = ("wall", "cpu")
# The stages before the pipeline's own; every tree since issue 7 times both.
START = ("import", "setup")


@dataclass(frozen=True)
class Tree:
    """A checkout and the stages program of its own benchmarks/run.py."""

    name: str
    root: Path
    code: str  # STAGES_CODE, run as `python -c CODE PLAN AS_OF` inside `root`
    stages: tuple[str, ...]  # STAGES: the pipeline stages it times, in order


def _constant(source: str, name: str, path: Path) -> object:
    """The literal value assigned to `name` at the top of a module, read without running it
    (importing the tree's benchmarks would import that tree's planchecker into this process)."""
    for node in ast.parse(source, filename=str(path)).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == name):
            return ast.literal_eval(node.value)
    raise ValueError(f"{path} has no {name} = ... literal")


def load_tree(name: str, root: Path) -> Tree:
    """The tree at `root` with its own stages program; ValueError if it has none."""
    root = root.resolve()
    run = root / "benchmarks" / "run.py"
    if not (root / "planchecker" / "__init__.py").is_file() or not run.is_file():
        raise ValueError(f"{root} is not a planchecker checkout with benchmarks/run.py")
    source = run.read_text(encoding="utf-8")
    code, stages = _constant(source, "STAGES_CODE", run), _constant(source, "STAGES", run)
    if not isinstance(code, str) or not isinstance(stages, tuple):
        raise ValueError(f"{run}: STAGES_CODE is not a string or STAGES not a tuple")
    return Tree(name, root, code, tuple(str(stage) for stage in stages))


def _imports_own_package(tree: Tree) -> None:
    """Fail unless a child run in `tree` imports that tree's planchecker: `python -c` puts the
    working folder first on sys.path, ahead of this checkout's editable install. Checked in a
    process of its own, so that the timed program is the tree's, unchanged."""
    done = subprocess.run([sys.executable, "-c", "import planchecker; print(planchecker.__file__)"],
                          cwd=tree.root, capture_output=True, text=True, check=True)
    found = Path(done.stdout.strip()).resolve()
    if not found.is_relative_to(tree.root):
        raise RuntimeError(f"{tree.name}: a child in {tree.root} imported {found}")


def _stages(tree: Tree, plan: str, cache_dir: str) -> dict[str, dict[str, float]]:
    """{clock: {stage: seconds}} of one fresh process running the tree's own stages program."""
    env = {**os.environ, "PLANCHECKER_CACHE_DIR": cache_dir}
    sample = measure([sys.executable, "-c", tree.code, plan, AS_OF.isoformat()], env=env,
                     cwd=tree.root)
    figures = json.loads(sample.stdout)
    if "wall" not in figures:  # the first benchmark (before 0f6ba3e) printed wall seconds flat
        figures = {"wall": figures}
    # Only seconds: the flat form also carried counts (facts_count, findings) as integers.
    return {clock: {stage: value for stage, value in figures[clock].items()
                    if isinstance(value, float)}
            for clock in CLOCKS if clock in figures}


def compare(trees: Sequence[Tree], plan: str, repeat: int
            ) -> dict[tuple[str, str], dict[str, float]]:
    """Best seconds per (tree name, clock) and stage, over `repeat` interleaved runs."""
    best: dict[tuple[str, str], dict[str, float]] = {
        (tree.name, clock): {} for tree in trees for clock in CLOCKS}
    for tree in trees:
        _imports_own_package(tree)
        # As benchmarks/__main__ does: an installed package has its bytecode.
        compileall.compile_dir(str(tree.root / "planchecker"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        for tree in trees:  # a first run of each fills its vocabulary cache, and is not counted
            _stages(tree, plan, f"{tmp}/{tree.name}")
        for _ in range(repeat):
            for tree in trees:
                for clock, stages in _stages(tree, plan, f"{tmp}/{tree.name}").items():
                    kept = best[(tree.name, clock)]
                    for stage, seconds in stages.items():
                        kept[stage] = min(kept.get(stage, math.inf), seconds)
    return best


def table(base: Tree, this: Tree, best: dict[tuple[str, str], dict[str, float]]
          ) -> list[list[str]]:
    """A row per stage timed by either tree ("–" where one does not time it or has no CPU
    figure), and a last row for the whole check: the sum of the stages both trees time."""
    order = [*START, *this.stages, *(s for s in base.stages if s not in this.stages)]
    shared = [s for s in order
              if all(s in best[(t.name, "wall")] for t in (base, this))]

    def cells(values: tuple[float | None, float | None]) -> list[str]:
        old, new = values
        ratio = f"{new / old:.2f}" if old and new is not None else "–"
        return [f"{v:.3f}" if v is not None else "–" for v in values] + [ratio]

    rows = []
    for stage in order:
        row = [stage]
        for clock in CLOCKS:
            row += cells((best[(base.name, clock)].get(stage), best[(this.name, clock)].get(stage)))
        rows.append(row)
    # The whole check as one process runs it: the sum of its stages' best times (each stage's
    # best, so a little under any single run, alike on both sides).
    row = ["whole check"]
    for clock in CLOCKS:
        sums = tuple(sum(best[(t.name, clock)][s] for s in shared)
                     if all(s in best[(t.name, clock)] for s in shared) else None
                     for t in (base, this))
        row += cells(sums)  # type: ignore[arg-type]
    rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.versus", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", type=Path, help="the other checkout (its top folder)")
    parser.add_argument("--size", default="XL", choices=sorted(SIZES))
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="generated workbooks")
    args = parser.parse_args(argv)
    try:
        base, this = load_tree("base", args.base), load_tree("this", HERE)
    except (OSError, SyntaxError, ValueError) as exc:
        parser.error(str(exc))
    # This tree's generator writes the plan; both trees check the same file.
    plan = str(plan_path(SIZES[args.size], cache=args.cache))
    best = compare([base, this], plan, args.repeat)
    print(f"{args.size}: best of {args.repeat} interleaved runs, seconds (wall clock and CPU), "
          f"each tree timed by its own benchmarks/run.py")
    print(tabulate(table(base, this, best), disable_numparse=True,
                   headers=["stage", "wall base", "wall this", "this/base",
                            "cpu base", "cpu this", "this/base"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
