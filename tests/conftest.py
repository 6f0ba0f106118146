"""Shared test settings: the hypothesis profiles.

`ci` (the default) is derandomized, so every run tries the same examples, and small enough that
tests/test_fuzz.py runs in well under a minute. `long` is for a developer's machine:

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz.py \
        --hypothesis-show-statistics
"""

from __future__ import annotations

import os
import tempfile

import planchecker  # noqa: F401 - first, so that openpyxl keeps its standard parser (see there)
from hypothesis import HealthCheck, settings

# The compiled-pattern cache (planchecker/regexcache.py) of a test run, and of every process it
# starts, lives in a folder of its own: tests never write to the user's ~/.cache.
os.environ["PLANCHECKER_CACHE_DIR"] = tempfile.mkdtemp(prefix="planchecker-cache-")

# Generated workbooks are slow to build compared with what hypothesis expects of a strategy.
_SLOW_DATA = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci", derandomize=True, database=None, max_examples=200, deadline=2000,
    suppress_health_check=_SLOW_DATA, print_blob=True,
)
settings.register_profile(
    "long", max_examples=10_000, deadline=2000, suppress_health_check=_SLOW_DATA, print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
