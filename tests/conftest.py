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

# The compiled-pattern cache (planchecker/topics/regexcache.py) of a test run, and of every process it
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


def pytest_sessionstart(session: object) -> None:
    """Under mutmut, start every test run from a fresh engine.

    mutmut forks each mutant's test run from a process that has already run the tests, so the
    durable_rules ruleset it inherits was compiled by the unmutated engine and a mutant of the
    compiler would never be exercised. A new Host compiles the rules again, with the mutant.
    """
    # Only mutants of the modules the ruleset is compiled from: recompiling costs a second or two.
    if os.environ.get("MUTANT_UNDER_TEST", "").startswith(("planchecker.checking.engine.", "planchecker.checking.rulebook.")):
        from planchecker.checking import engine

        engine._HOST = None
        engine._REGISTERED.clear()
