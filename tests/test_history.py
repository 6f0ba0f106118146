"""The run history: one transaction per run, diffs between runs, a lock, a crash leaves it intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from planchecker.batch.history import Gap, History, HistoryError, PlanResult, exclusive_lock


def _gap(plan: str, rule: str, subjects: str = "", severity: str = "error") -> Gap:
    return Gap(plan, rule, subjects, severity, "meddelande")


def test_two_runs_give_new_closed_and_still_open_gaps(tmp_path: Path) -> None:
    with History(tmp_path / "h.db") as history:
        plans = [PlanResult("Älvsjö", "a.xlsx", "gaps"), PlanResult("Skarpnäck", "s.xlsx", "gaps")]
        first = history.record("r1", "T2", "2021-08-31", plans, [
            _gap("Älvsjö", "R-1"), _gap("Älvsjö", "R-2", "R4"), _gap("Skarpnäck", "R-1")])
        second = history.record("r2", "T2", "2021-08-31", plans, [
            _gap("Älvsjö", "R-2", "R4"), _gap("Skarpnäck", "R-1"), _gap("Skarpnäck", "R-3", "A7")])
        diff = history.diff(first, second)
        assert [g.key() for g in diff.new] == [("Skarpnäck", "R-3", "A7")]
        assert [g.key() for g in diff.closed] == [("Älvsjö", "R-1", "")]
        assert [g.key() for g in diff.still_open] == [("Skarpnäck", "R-1", ""), ("Älvsjö", "R-2", "R4")]
        assert history.previous("T2", second).id == first  # type: ignore[union-attr]
        assert history.previous("T1", second) is None
        assert diff.by_plan() == {"Skarpnäck": {"nya": 1, "åtgärdade": 0, "kvarstående": 1},
                                  "Älvsjö": {"nya": 0, "åtgärdade": 1, "kvarstående": 1}}


def test_an_unreadable_plan_does_not_look_like_closed_gaps(tmp_path: Path) -> None:
    with History(tmp_path / "h.db") as history:
        first = history.record("r1", "T1", "2021-04-30", [PlanResult("A", "a.xlsx", "gaps")], [_gap("A", "R-1")])
        second = history.record("r2", "T1", "2021-04-30", [PlanResult("A", "a.xlsx", "unreadable", "trasig")], [])
        diff = history.diff(first, second)
        assert diff.closed == () and diff.new == ()


def test_a_crash_inside_a_run_leaves_earlier_runs_intact(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    with History(path) as history:
        history.record("r1", "T2", "2021-08-31", [PlanResult("A", "a.xlsx", "gaps")], [_gap("A", "R-1")])

        class Boom(Exception):
            pass

        def exploding_gaps() -> list[Gap]:
            raise Boom

        with pytest.raises(Boom), history._transaction() as cur:
            cur.execute("INSERT INTO runs (label, period, as_of, plans, failed_files, errors, warnings)"
                        " VALUES ('r2', 'T2', '2021-08-31', 1, 0, 0, 0)")
            exploding_gaps()
    with History(path) as reopened:
        assert [r.label for r in reopened.runs()] == ["r1"]
        assert [g.rule_id for g in reopened.gaps(1)] == ["R-1"]


def test_a_newer_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    History(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(HistoryError, match="schemaversion 99"):
        History(path)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    path.write_bytes(b"det h\xc3\xa4r \xc3\xa4r ingen databas" * 100)
    with pytest.raises(HistoryError, match="historikdatabasen kan inte öppnas"):
        History(path)


def test_a_second_run_at_the_same_time_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    with exclusive_lock(path):
        with pytest.raises(HistoryError, match="En annan schemalagd körning"), exclusive_lock(path):
            pass
    with exclusive_lock(path):  # released again
        pass


def test_a_killed_process_mid_run_leaves_the_history_intact(tmp_path: Path) -> None:
    """A real SIGKILL in the middle of writing a run (issue 5)."""
    import signal
    import subprocess
    import sys
    import textwrap
    import time

    path = tmp_path / "h.db"
    with History(path) as history:
        history.record("r1", "T2", "2021-08-31", [PlanResult("A", "a.xlsx", "gaps")], [_gap("A", "R-1")])
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from planchecker.batch.history import History, Gap, PlanResult
        h = History(Path({str(path)!r}))
        with h._transaction() as cur:
            cur.execute("INSERT INTO runs (label, period, as_of, plans, failed_files, errors, warnings)"
                        " VALUES ('r2', 'T2', '2021-08-31', 1, 0, 0, 0)")
            cur.executemany("INSERT INTO gaps VALUES (2, 'A', 'R', 'error', '', 'm')", [()] * 50000)
            print("mitt i", flush=True)
            time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "mitt i"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    time.sleep(0.1)
    with History(path) as reopened:
        assert [r.label for r in reopened.runs()] == ["r1"]
        assert len(reopened.gaps(1)) == 1
        reopened.record("r2", "T2", "2021-08-31", [PlanResult("A", "a.xlsx", "ok")], [])
        assert [r.label for r in reopened.runs()] == ["r1", "r2"]
