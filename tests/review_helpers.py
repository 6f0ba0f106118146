"""Worker tasks that misbehave on purpose, for tests/test_review.py.

They live in an importable module (not in the test file) because the review's worker processes are
spawned: a task must be importable by name in a fresh interpreter.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from planchecker.batch.review import ReviewOptions, check_in_worker
from planchecker.checking.pipeline import Outcome


def misbehaving_task(path: Path, options: ReviewOptions) -> Outcome:
    """`crash*` kills its worker, `hang*` never returns, `boom*` raises; others are checked."""
    if path.name.startswith("crash"):
        os._exit(3)
    if path.name.startswith("hang"):
        time.sleep(3600)
    if path.name.startswith("boom"):
        raise RuntimeError("avsiktligt fel i testet")
    return check_in_worker(path, options)
