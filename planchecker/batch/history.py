"""The history of scheduled runs: SQLite (standard library), one transaction per run.

A run is written whole or not at all, so a crash mid-run leaves every earlier run intact. The
schema carries a version; an unknown future version is refused rather than misread.
"""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from planchecker.common.filenames import shown
from planchecker.common.problems import PlancheckerError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT NOT NULL,
    period TEXT NOT NULL,
    as_of TEXT NOT NULL,
    plans INTEGER NOT NULL,
    failed_files INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS plan_results (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    plan TEXT NOT NULL,
    file TEXT NOT NULL,
    verdict TEXT NOT NULL,
    error TEXT
);
CREATE TABLE IF NOT EXISTS gaps (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    plan TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    subjects TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS gaps_run ON gaps(run_id);
"""


@dataclass(frozen=True, order=True)
class Gap:
    """One failing finding of one plan, identified across runs by plan, rule and subjects."""

    plan: str
    rule_id: str
    subjects: str
    severity: str = ""
    message: str = ""

    def key(self) -> tuple[str, str, str]:
        return (self.plan, self.rule_id, self.subjects)


@dataclass(frozen=True, order=True)
class PlanResult:
    plan: str
    file: str
    verdict: str  # ok | gaps | engine-error | unreadable
    error: str | None = None


@dataclass(frozen=True)
class RunRecord:
    id: int
    label: str
    period: str
    as_of: str
    plans: int
    failed_files: int
    errors: int
    warnings: int


@dataclass(frozen=True)
class RunDiff:
    new: tuple[Gap, ...]
    closed: tuple[Gap, ...]
    still_open: tuple[Gap, ...]
    # Plans of the old run that this run has no report for: gone from the folder, or unreadable.
    missing: tuple[PlanResult, ...] = ()

    def by_plan(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for name, gaps in (("nya", self.new), ("åtgärdade", self.closed), ("kvarstående", self.still_open)):
            for gap in gaps:
                table.setdefault(gap.plan, {"nya": 0, "åtgärdade": 0, "kvarstående": 0})[name] += 1
        return dict(sorted(table.items()))


class HistoryError(PlancheckerError):
    pass


class History:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._conn = sqlite3.connect(path, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)
            self._check_version()
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"{shown(str(path))}: historikdatabasen kan inte öppnas: {exc}"
                               ) from None

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _check_version(self) -> None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self._conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) > SCHEMA_VERSION:
            raise HistoryError(
                f"{self.path}: historiken har schemaversion {row[0]}, denna planchecker förstår "
                f"{SCHEMA_VERSION}. Uppdatera planchecker."
            )

    def record(self, label: str, period: str, as_of: str, results: Sequence[PlanResult], gaps: Sequence[Gap]) -> int:
        """Store one run in a single transaction and return its id."""
        errors = sum(1 for g in gaps if g.severity == "error")
        warnings = sum(1 for g in gaps if g.severity == "warning")
        failed = sum(1 for r in results if r.verdict in ("unreadable", "engine-error"))
        try:
            return self._record(label, period, as_of, results, gaps, (failed, errors, warnings))
        except sqlite3.Error as exc:  # a full disk, a read-only file: the run is not recorded
            raise HistoryError(f"Kan inte skriva historiken {shown(str(self.path))}: {exc}. "
                               "Körningen sparades inte; rapportfilerna är skrivna.") from None

    def _record(self, label: str, period: str, as_of: str, results: Sequence[PlanResult],
                gaps: Sequence[Gap], counts: tuple[int, int, int]) -> int:
        failed, errors, warnings = counts
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO runs (label, period, as_of, plans, failed_files, errors, warnings)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (label, period, as_of, len(results), failed, errors, warnings),
            )
            run_id = int(cur.lastrowid or 0)
            cur.executemany(
                "INSERT INTO plan_results VALUES (?, ?, ?, ?, ?)",
                [(run_id, r.plan, r.file, r.verdict, r.error) for r in results],
            )
            cur.executemany(
                "INSERT INTO gaps VALUES (?, ?, ?, ?, ?, ?)",
                [(run_id, g.plan, g.rule_id, g.severity, g.subjects, g.message) for g in gaps],
            )
        return run_id

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        cur = self._conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # a failed statement may have ended it
                cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")

    def runs(self) -> list[RunRecord]:
        rows = self._conn.execute(
            "SELECT id, label, period, as_of, plans, failed_files, errors, warnings FROM runs ORDER BY id"
        ).fetchall()
        return [RunRecord(*row) for row in rows]

    def run(self, run_id: int) -> RunRecord:
        for record in self.runs():
            if record.id == run_id:
                return record
        raise HistoryError(f"Körning {run_id} finns inte i {self.path}.")

    def previous(self, period: str, before: int) -> RunRecord | None:
        row = self._conn.execute(
            "SELECT id, label, period, as_of, plans, failed_files, errors, warnings FROM runs"
            " WHERE period = ? AND id < ? ORDER BY id DESC LIMIT 1",
            (period, before),
        ).fetchone()
        return RunRecord(*row) if row else None

    def gaps(self, run_id: int) -> list[Gap]:
        rows = self._conn.execute(
            "SELECT plan, rule_id, subjects, severity, message FROM gaps WHERE run_id = ?", (run_id,)
        ).fetchall()
        return sorted(Gap(*row) for row in rows)

    def plans(self, run_id: int) -> list[PlanResult]:
        rows = self._conn.execute(
            "SELECT plan, file, verdict, error FROM plan_results WHERE run_id = ?", (run_id,)
        ).fetchall()
        return sorted(PlanResult(*row) for row in rows)

    def diff(self, old_run: int, new_run: int) -> RunDiff:
        return diff_gaps(self.gaps(old_run), self.plans(new_run), self.gaps(new_run),
                         self.plans(old_run))


def diff_gaps(old_gaps: Sequence[Gap], new_plans: Sequence[PlanResult], new_gaps: Sequence[Gap],
              old_plans: Sequence[PlanResult] = ()) -> RunDiff:
    """Gaps new since the old run, closed since it, and open in both. A plan that could not be read
    in the new run is left out, so an unreadable file never looks like closed gaps; it is listed
    as missing, with every plan of the old run that this run does not have at all."""
    readable_now = {p.plan for p in new_plans if p.verdict in ("ok", "gaps")}
    old = {g.key(): g for g in old_gaps if g.plan in readable_now}
    new = {g.key(): g for g in new_gaps}
    return RunDiff(
        new=tuple(sorted(g for k, g in new.items() if k not in old)),
        closed=tuple(sorted(g for k, g in old.items() if k not in new)),
        still_open=tuple(sorted(g for k, g in new.items() if k in old)),
        missing=tuple(sorted(p for p in old_plans
                             if p.verdict in ("ok", "gaps") and p.plan not in readable_now)),
    )


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Refuse a second scheduled run on the same history at the same time."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        handle = open(lock_path, "a+")  # noqa: SIM115 - kept open for the lock's lifetime
    except OSError as exc:
        raise HistoryError(f"Kan inte skriva låsfilen {shown(str(lock_path))}: "
                           f"{exc.strerror or exc}.") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise HistoryError(
                f"En annan schemalagd körning använder redan {path}. Försök igen när den är klar."
            ) from None
        yield
    finally:
        handle.close()
