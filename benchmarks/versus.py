"""`python -m benchmarks.versus BASE_DIR`: each pipeline stage of this checkout against another
checkout (say a `git worktree` or `git archive` of main), in one run.

The two run interleaved (base, this, base, this, ...), each in a fresh process with its own
vocabulary cache, and the best of N of each is printed with the ratio this/base. The machines
here are noisy, so only a ratio within one run means anything (see benchmarks/README.md).

    git archive main | tar -x -C /tmp/base
    python -m benchmarks.versus /tmp/base --size XL --repeat 3
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tabulate import tabulate

from benchmarks.generate import AS_OF, DEFAULT_CACHE, SIZES, plan_path
from benchmarks.run import STAGES, STAGES_CODE, measure

HERE = Path(__file__).resolve().parents[1]


def _stages(tree: Path, plan: str, cache_dir: str) -> dict[str, dict[str, float]]:
    """{"wall": {stage: seconds}, "cpu": {stage: seconds}} of one fresh process in `tree`."""
    # Run in the tree: `python -c` puts the working folder first on sys.path, ahead of this
    # checkout's editable install.
    env = {**os.environ, "PLANCHECKER_CACHE_DIR": cache_dir}
    check = f"import planchecker\nassert planchecker.__file__.startswith({str(tree)!r})\n"
    code = STAGES_CODE.replace('lap("import")', check + 'lap("import")')
    sample = measure([sys.executable, "-c", code, plan, AS_OF.isoformat()], env=env, cwd=tree)
    figures = json.loads(sample.stdout)
    return {clock: {name: float(value) for name, value in figures[clock].items()}
            for clock in ("wall", "cpu")}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.versus", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", type=Path, help="the other checkout (its top folder)")
    parser.add_argument("--size", default="XL", choices=sorted(SIZES))
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="generated workbooks")
    args = parser.parse_args(argv)
    if not (args.base / "planchecker" / "__init__.py").is_file():
        parser.error(f"{args.base} is not a planchecker checkout")
    plan = str(plan_path(SIZES[args.size], cache=args.cache))
    trees = {"base": args.base.resolve(), "this": HERE}
    best: dict[tuple[str, str], dict[str, float]] = {
        (name, clock): {} for name in trees for clock in ("wall", "cpu")}
    with tempfile.TemporaryDirectory() as tmp:
        for name in trees:  # a first run of each fills its vocabulary cache, and is not counted
            _stages(trees[name], plan, f"{tmp}/{name}")
        for _ in range(args.repeat):
            for name, tree in trees.items():
                for clock, stages in _stages(tree, plan, f"{tmp}/{name}").items():
                    kept = best[(name, clock)]
                    for stage, seconds in stages.items():
                        kept[stage] = min(kept.get(stage, math.inf), seconds)
    rows = []
    for stage in ("import", "setup", *STAGES):
        row = [stage]
        for clock in ("wall", "cpu"):
            base, this = best[("base", clock)][stage], best[("this", clock)][stage]
            row += [f"{base:.3f}", f"{this:.3f}", f"{this / base:.2f}"]
        rows.append(row)
    # The whole check as one process runs it: the sum of its stages' best times (each stage's
    # best, so a little under any single run, alike on both sides).
    row = ["whole check"]
    for clock in ("wall", "cpu"):
        base, this = (sum(best[(name, clock)][s] for s in ("import", "setup", *STAGES))
                      for name in ("base", "this"))
        row += [f"{base:.3f}", f"{this:.3f}", f"{this / base:.2f}"]
    rows.append(row)
    print(f"{args.size}: best of {args.repeat} interleaved runs, seconds (wall clock and CPU)")
    print(tabulate(rows, headers=["stage", "wall base", "wall this", "this/base",
                                  "cpu base", "cpu this", "this/base"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
