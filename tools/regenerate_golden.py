"""Rewrite the golden files under tests/golden/ from the current code, rules and sample plans.

Run after an intended change in a report format, the rules or the sample plans, then read the diff
before committing it. Tests never regenerate these files; they only compare.

    .venv/bin/python tools/regenerate_golden.py           # write the files that changed
    .venv/bin/python tools/regenerate_golden.py --check   # write nothing; exit 1 if any is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.golden_cases import GOLDEN, golden_files  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="skriv inget; slutkod 1 om någon fil är inaktuell"
    )
    args = parser.parse_args(argv)
    stale = []
    for relative, render in sorted(golden_files().items()):
        path = GOLDEN / relative
        text = render()
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(relative)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    verb = "inaktuell" if args.check else "skrev"
    for relative in stale:
        print(f"{verb}: tests/golden/{relative}")
    if not stale:
        print("alla golden-filer är aktuella")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
