"""The on-disk cache of compiled vocabulary patterns: same patterns, same topics, never an error.

A warm cache must be indistinguishable from compiling afresh; a damaged, foreign or unwritable
cache must only cost the compile time it would have saved.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
from array import array
from pathlib import Path

import orjson
import pytest

from planchecker.common.model import Topic
from planchecker.topics import regexcache
from planchecker.topics.classifier import Classifier, default_vocabulary_dir
from tools.topic_scores import HELDOUT, LABELLED, load_labelled

SOURCES = [r" (?=(?:kris|brand(?!x)))", r"(?P<g0>)ab(?P<g1>)c+", r"(?:(?!\w)|[åäö]{2,5})"]


def same(a: re.Pattern[str], b: re.Pattern[str]) -> bool:
    return (a.pattern, a.flags, a.groups, a.groupindex) == (b.pattern, b.flags, b.groups,
                                                            b.groupindex)


def test_patterns_read_back_are_the_patterns_compiled(tmp_path: Path) -> None:
    path = tmp_path / "regex.json"
    first = regexcache.PatternCache(path)
    fresh = [first.compile(source) for source in SOURCES]
    first.save()
    second = regexcache.PatternCache(path)
    again = [second.compile(source) for source in SOURCES]
    assert second.misses == 0 and first.misses == len(SOURCES)
    for source, a, b in zip(SOURCES, fresh, again, strict=True):
        assert same(a, re.compile(source)) and same(b, re.compile(source))
    text = " brandx kris ab abccc åäö "
    assert [[m.span() for m in p.finditer(text)] for p in again] == [
        [m.span() for m in re.compile(s).finditer(text)] for s in SOURCES]


def test_derived_values_come_back_as_json_and_are_built_once(tmp_path: Path) -> None:
    path = tmp_path / "regex.json"
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        return ("scan", None, {"g0": (1, 2)})

    first = regexcache.PatternCache(path)
    assert first.derived(["finder", 1], build) == ["scan", None, {"g0": [1, 2]}]
    first.save()
    second = regexcache.PatternCache(path)
    assert second.derived(["finder", 1], build) == ["scan", None, {"g0": [1, 2]}]
    assert second.derived(["finder", 2], build) == ["scan", None, {"g0": [1, 2]}]
    assert len(calls) == 2  # key 1 once, key 2 once


@pytest.mark.parametrize("content", [
    b"not json at all \xff",
    b"[]",
    orjson.dumps({"version": "another python", "entries": {}, "derived": {}}),
    # opcodes _sre refuses, under this Python's own version
    orjson.dumps({"version": regexcache._version(), "derived": {}, "entries": {
        SOURCES[0]: [0, base64.b64encode(array(regexcache._WORD, [999999, 1, 2]).tobytes()).decode(),
                     0, {}, [None]]}}),
    orjson.dumps({"version": regexcache._version(), "derived": {},
                  "entries": {SOURCES[0]: [0, "not base64 ~~", 0, {}, [None]]}}),
    orjson.dumps({"version": regexcache._version(), "derived": {},
                  "entries": {SOURCES[0]: [0, [17, 1, 2], 0, {}, [None]]}}),
], ids=["garbage", "not-an-object", "other-version", "bad-opcodes", "bad-shape", "numbers"])
def test_a_damaged_or_foreign_file_is_compiled_over(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "regex.json"
    path.write_bytes(content)
    cache = regexcache.PatternCache(path)
    assert same(cache.compile(SOURCES[0]), re.compile(SOURCES[0]))
    assert cache.misses == 1
    cache.save()
    assert regexcache.PatternCache(path).entries.keys() == {SOURCES[0]}


def test_a_file_far_larger_than_ours_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "regex.json"
    cache = regexcache.PatternCache(path)
    cache.compile(SOURCES[0])
    cache.save()
    data = orjson.loads(path.read_bytes())
    assert regexcache.PatternCache(path).entries.keys() == {SOURCES[0]}
    # the same valid file, padded past the limit: only its size can refuse it
    path.write_bytes(orjson.dumps({**data, "padding": "x" * regexcache._MAX_FILE_BYTES}))
    assert regexcache.PatternCache(path).entries == {}


def test_an_unwritable_folder_is_no_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    cache = regexcache.PatternCache(blocker / "sub" / "regex.json")  # a folder under a file
    assert same(cache.compile(SOURCES[1]), re.compile(SOURCES[1]))
    cache.save()
    assert cache.dirty  # nothing written, nothing raised


def test_old_entries_are_dropped_once_the_file_grows_past_its_cap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regexcache, "_MAX_ENTRIES", 2)
    path = tmp_path / "regex.json"
    old = regexcache.PatternCache(path)
    old.compile("old1")
    old.compile("old2")
    old.save()
    new = regexcache.PatternCache(path)
    new.compile("new")
    new.save()
    assert set(regexcache.PatternCache(path).entries) == {"new"}


def test_cache_dir_follows_the_environment(tmp_path: Path) -> None:
    assert regexcache.cache_dir({"PLANCHECKER_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert regexcache.cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "planchecker"


def _classifier_with(monkeypatch: pytest.MonkeyPatch, cache: regexcache.PatternCache
                     ) -> Classifier:
    monkeypatch.setattr(regexcache, "_DEFAULT", cache)
    return Classifier.load(default_vocabulary_dir())


def test_a_warm_cache_classifies_every_labelled_line_as_compiling_afresh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "regex.json"
    uncached = _classifier_with(monkeypatch, regexcache.PatternCache(None))
    cold = _classifier_with(monkeypatch, regexcache.PatternCache(path))
    warm_cache = regexcache.PatternCache(path)
    warm = _classifier_with(monkeypatch, warm_cache)
    assert warm_cache.misses == 0 and path.stat().st_size > 100_000
    rows = load_labelled(LABELLED) + load_labelled(HELDOUT)
    for row in rows:
        for kind in (None, "goal", "activity", "risk"):
            expected = uncached.classify(row.text, kind)  # type: ignore[arg-type]
            assert cold.classify(row.text, kind) == expected  # type: ignore[arg-type]
            assert warm.classify(row.text, kind) == expected, row.text  # type: ignore[arg-type]


def test_a_new_process_compiles_nothing_once_the_cache_is_warm(tmp_path: Path) -> None:
    code = ("from planchecker.topics import regexcache; from planchecker.checking.pipeline import Checker; "
            "Checker(); print(regexcache.default().misses)")
    env = {**os.environ, "PLANCHECKER_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.strip() for _ in range(2)]
    assert int(runs[0]) > 0 and runs[1] == "0"


def test_an_edited_vocabulary_is_not_served_the_old_scanners(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "regex.json"
    _classifier_with(monkeypatch, regexcache.PatternCache(path))  # warm with the bundled files
    edited = tmp_path / "vocabulary"
    shutil.copytree(default_vocabulary_dir(), edited)
    kris = edited / "krisberedskap.yaml"
    kris.write_text(kris.read_text(encoding="utf-8") + "  - term: zyxwberedskap\n",
                    encoding="utf-8")
    monkeypatch.setattr(regexcache, "_DEFAULT", regexcache.PatternCache(path))
    classifier = Classifier.load(edited)
    assert regexcache.default().misses > 0
    assert classifier.classify("Vi övar zyxwberedskap i år").topics == (Topic.krisberedskap,)
