"""Compiled regular expressions kept between runs, as Python keeps bytecode in `__pycache__`.

Python's regex parser and compiler are written in Python: the vocabulary's 43 scanner patterns
(70,000 characters of tries) took 0.2 s to compile in every process, a sixth of a whole `check`
of a 3,000-aktivitet plan. What a pattern compiles to is a list of opcodes that depends only on
the pattern and on the Python build, and `_sre.compile` (where `re.compile` ends, and which
validates the opcodes, so a damaged file cannot crash the interpreter) turns it back into the
same pattern object in 6 ms for all 43. So the opcodes are kept in one file in the user's cache
folder, valid for one Python version and regex engine. Building the tries those patterns come
from took another 0.09 s, so the file also keeps what a caller derived from its inputs (`derived`),
under a key the caller makes from everything the result depends on. A missing, stale, damaged or
unwritable file only means compiling as before: the cache can make a start slower, never wrong.

Where: `PLANCHECKER_CACHE_DIR`, else `$XDG_CACHE_HOME/planchecker`, else `~/.cache/planchecker`.
The file is trusted as the user's own, as `.pyc` files are: `_sre` refuses opcodes that could
crash it, but whoever can write the folder can change what a pattern matches.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import os
import re
import sys
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from planchecker.common.outputs import write_atomic

# The internals re.compile itself uses (CPython 3.11 to 3.13); elsewhere plain re.compile, no cache.
_sre: Any
_compiler: Any
_parser: Any
try:
    _sre, _compiler, _parser = (importlib.import_module(name)
                                for name in ("_sre", "re._compiler", "re._parser"))
except ImportError:
    _sre = _compiler = _parser = None

# 3: opcodes as the base64 of their machine words, not a JSON list of numbers. Read as numbers
# the 1.8 million opcodes of the vocabulary's scanners held 40 MB of Python integers until the
# process ended (past PLANCHECKER_MAX_MEMORY_MB's 40 before a plan was read) and took 0.08 s
# to parse; as text they hold 10 MB, and each pattern's numbers live only while it is built.
_FORMAT = 3
_WORD = next((code for code in "ILQ" if array(code).itemsize == getattr(_sre, "CODESIZE", 4)),
             "I")
# A vocabulary edited many times would otherwise keep every old pattern: past this many entries
# the file is rewritten with only the patterns this process has used.
_MAX_ENTRIES = 1000
# The file for the bundled vocabulary is under 0.5 MB; a far larger one is not ours to read.
_MAX_FILE_BYTES = 16 * 1024 * 1024

# One entry per pattern source: (flags, code, groups, groupindex, indexgroup), as _sre.compile
# takes them.
_Entry = tuple[int, str, int, dict[str, int], list[str | None]]  # the opcodes in base64


def _version() -> str:
    magic = getattr(_sre, "MAGIC", None)
    return f"{sys.implementation.name}-{sys.version}-{magic}-{sys.byteorder}-{_WORD}-{_FORMAT}"


def cache_dir(environ: dict[str, str] | os._Environ[str] = os.environ) -> Path | None:
    if environ.get("PLANCHECKER_CACHE_DIR"):
        return Path(environ["PLANCHECKER_CACHE_DIR"])
    if environ.get("XDG_CACHE_HOME"):
        return Path(environ["XDG_CACHE_HOME"]) / "planchecker"
    try:
        return Path.home() / ".cache" / "planchecker"
    except RuntimeError:  # no home folder (a service user): no cache
        return None


class PatternCache:
    """Patterns by source, loaded from and saved to one file; `compile` is `re.compile`."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, _Entry] = {}
        self.results: dict[str, Any] = {}  # `derived` values by key
        self.used: set[str] = set()
        self.dirty = False
        self.misses = 0
        self._read = False
        self._read_file()

    def _read_file(self) -> None:
        if self._read:
            return
        self._read = True
        if self.path is not None and _sre is not None:
            entries, results = _load(self.path)
            self.entries, self.results = entries | self.entries, results | self.results

    def release(self) -> None:
        """Let go of what was read from the file once the patterns are built (10 MB for the
        vocabulary of 2026-12); it is read again if more are asked for."""
        self.save()
        self.entries, self.results, self._read = {}, {}, False

    def compile(self, source: str) -> re.Pattern[str]:
        self._read_file()
        self.used.add(source)
        entry = self.entries.get(source)
        if entry is not None:
            pattern = _from_entry(source, entry)
            if pattern is not None:
                return pattern
            del self.entries[source]
        self.misses += 1
        if _sre is None:
            return re.compile(source)
        entry = _compiled(source)
        self.entries[source] = entry
        self.dirty = True
        pattern = _from_entry(source, entry)
        return pattern if pattern is not None else re.compile(source)

    def derived(self, key: Any, build: Callable[[], Any]) -> Any:
        """`build()`, or what it returned for the same `key` before; a value as JSON gives it
        back (tuples come back as lists, whether built now or read from the file)."""
        digest = hashlib.sha256(orjson.dumps(key)).hexdigest()
        self._read_file()
        self.used.add(digest)
        if digest not in self.results:
            self.misses += 1
            self.results[digest] = orjson.loads(orjson.dumps(build()))
            self.dirty = True
        return self.results[digest]

    def save(self) -> None:
        """Write the file if anything was compiled afresh; a failure to write is no error."""
        if not self.dirty or self.path is None:
            return
        if len(self.entries) + len(self.results) > _MAX_ENTRIES:
            self.entries = {s: e for s, e in self.entries.items() if s in self.used}
            self.results = {k: v for k, v in self.results.items() if k in self.used}
        data = {"version": _version(), "entries": self.entries, "derived": self.results}
        try:
            # The standard library's encoder, not orjson: out of memory (under
            # PLANCHECKER_MAX_MEMORY_MB) it raises MemoryError, where orjson's crashed the process
            # with SIGSEGV on the file of a large vocabulary (5 MB).
            write_atomic(self.path, json.dumps(data, ensure_ascii=False,
                                               separators=(",", ":")).encode())
        except (OSError, MemoryError):
            return
        self.dirty = False


def _compiled(source: str) -> _Entry:
    # re._compiler.compile, stopping short of building the pattern so that its opcodes can be kept.
    parsed = _parser.parse(source, 0)
    code = _compiler._code(parsed, 0)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    words = base64.b64encode(array(_WORD, code).tobytes()).decode("ascii")
    return parsed.state.flags, words, parsed.state.groups - 1, groupindex, indexgroup


def _from_entry(source: str, entry: _Entry) -> re.Pattern[str] | None:
    try:
        flags, words, groups, groupindex, indexgroup = entry
        code = array(_WORD, base64.b64decode(words, validate=True)).tolist()
        pattern: re.Pattern[str] = _sre.compile(source, flags, code, groups, groupindex,
                                                tuple(indexgroup))
    except Exception:  # noqa: BLE001 - opcodes _sre refuses: compile afresh instead
        return None
    return pattern if pattern.pattern == source else None


def _load(path: Path) -> tuple[dict[str, _Entry], dict[str, Any]]:
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            return {}, {}
        data: Any = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}, {}
    if not isinstance(data, dict) or data.get("version") != _version():
        return {}, {}
    entries, results = data.get("entries"), data.get("derived")
    if not isinstance(entries, dict) or not isinstance(results, dict):
        return {}, {}
    return ({source: tuple(entry) for source, entry in entries.items()
             if isinstance(entry, list) and len(entry) == 5}, results)


_DEFAULT: PatternCache | None = None


def default() -> PatternCache:
    """The process's cache, in `cache_dir()`; loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        folder = cache_dir()
        _DEFAULT = PatternCache(folder / "regex.json" if folder is not None else None)
    return _DEFAULT
