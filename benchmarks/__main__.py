"""`python -m benchmarks`: every figure of issue 7 in one run, with PASS/FAIL per target.

    python -m benchmarks                  all sizes (S, M, L, XL) and the 500-plan batch
    python -m benchmarks --quick          size S, one run each, no batch (a smoke test)
    python -m benchmarks --sizes M,XL     only these sizes (M and XL give the growth exponent)
    python -m benchmarks --batch          only the batch benchmark
    python -m benchmarks --no-batch       sizes only
    python -m benchmarks --profile XL     cProfile of one in-process check of XL, then exit
"""

from __future__ import annotations

import argparse
import compileall
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks import batch, run
from benchmarks.generate import DEFAULT_CACHE, SIZES


def _sizes(text: str) -> list[str]:
    names = [name.strip().upper() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in SIZES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown size(s) {', '.join(unknown)}; use S, M, L, XL")
    return names


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_sizes, default=list(SIZES), help="default S,M,L,XL")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--quick", action="store_true", help="size S, one run, no batch")
    parser.add_argument("--batch", action="store_true", help="run only the batch benchmark")
    parser.add_argument("--no-batch", action="store_true", help="skip the batch benchmark")
    parser.add_argument("--batch-plans", type=int, default=500, help="plans in the batch")
    parser.add_argument("--workers", type=int, default=None, help="batch workers (default: all)")
    parser.add_argument("--batch-repeat", type=int, default=2,
                        help="best of N interleaved batch runs per setting (default 2)")
    parser.add_argument("--profile", type=_sizes, metavar="SIZE", help="profile one size and exit")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="generated workbooks")
    parser.add_argument("--tablefmt", default="simple", help="tabulate format, e.g. github")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat, args.no_batch = ["S"], 1, not args.batch
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.profile:
        print(run.profile(SIZES[args.profile[0]], args.cache))
        return 0
    # An installed planchecker has its bytecode, as openpyxl in site-packages has; an editable
    # checkout run with PYTHONDONTWRITEBYTECODE=1 would compile the package afresh in every
    # child process (~35 ms), a cost no user pays. Compile it once so both sides are as installed.
    compileall.compile_dir(str(Path(run.__file__).parents[1] / "planchecker"), quiet=1)
    # Every child shares one compiled-pattern cache of the run's own (planchecker/topics/regexcache.py),
    # warmed before anything is timed, so that no figure depends on the user's ~/.cache.
    with tempfile.TemporaryDirectory(prefix="planchecker-bench-cache-") as cache:
        os.environ["PLANCHECKER_CACHE_DIR"] = cache
        run.measure([sys.executable, "-c", run.SETUP_CODE])
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    print(f"Machine: {run.machine()}")
    targets: list[str] = []
    if not args.batch:
        print("... setup", file=sys.stderr, flush=True)
        setup = run.run_setup(args.repeat)
        print()
        print("\n".join(run.report_setup(setup, args.repeat)))
        results = []
        for name in args.sizes:
            print(f"... {name}", file=sys.stderr, flush=True)
            results.append(run.run_size(SIZES[name], args.repeat, args.cache))
        print()
        print("\n".join(run.report_sizes(results, args.repeat, args.tablefmt)))
        targets += run.size_targets(results)
    if args.batch or not args.no_batch:
        print("... batch", file=sys.stderr, flush=True)
        result = batch.run_batch(args.batch_plans, args.workers, args.cache, args.batch_repeat)
        print()
        print("\n".join(batch.report(result, args.tablefmt)))
        targets += batch.targets(result)
    print()
    print("Targets (issue 7):")
    print("\n".join(f"  {line}" for line in targets) or "  (none apply to the sizes run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
