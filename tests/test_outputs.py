"""Output files: atomic replacement, and special files written in place."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from planchecker.common import outputs
from planchecker.common.outputs import write_atomic


def test_an_interrupted_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "granskning.xlsx"
    target.write_bytes(b"gammal rapport")

    def fail(*_args: object) -> None:
        raise OSError("disken tog slut")

    monkeypatch.setattr(outputs.os, "replace", fail)
    with pytest.raises(OSError, match="disken tog slut"):
        write_atomic(target, b"ny rapport")
    assert target.read_bytes() == b"gammal rapport"
    assert [p.name for p in tmp_path.iterdir()] == ["granskning.xlsx"]  # no temp file left


def test_a_special_file_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    """`-o /dev/null` must never turn the device into a regular file (a FIFO stands in here)."""
    fifo = tmp_path / "rör"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, b"rapport")
    reader.join(timeout=10)
    assert received == [b"rapport"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_broken_reference_quotes_the_id_that_does_not_resolve() -> None:
    import datetime as dt

    from planchecker.checking.pipeline import check_plan
    from planchecker.common.model import Activity, Goal, Indicator, Namnd, NamndType, Plan

    plan = Plan(namnd=Namnd(name="Testnämnden", type=NamndType.stadsdelsnamnd, year=2026),
                goals=[Goal(id="M1", text="Trygg stad", parent="M7")],
                indicators=[Indicator(id="I1", goal_id="M9", text="Andel")],
                activities=[Activity(id="A1", goal_id="M9", text="Öva", risk_ids=["R8", "R9"]),
                            Activity(id="A2", goal_id="M1", text="Öva mer")])
    report = check_plan(plan, as_of=dt.date(2026, 3, 1))
    messages = sorted((f.subjects, f.message.split(". ")[0]) for f in report.findings
                      if f.category == "broken_reference")
    assert messages == [
        (("A1",), "Mål-id 'M9' finns inte i planen"),
        (("A1",), "Risk-id 'R8' och 'R9' finns inte i planen"),
        (("I1",), "Mål-id 'M9' finns inte i planen"),
        (("M1",), "Överordnat mål 'M7' finns inte i planen"),
    ]
