"""Many plans in parallel: which files, the order of results, failures that stay with their file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planchecker.batch.review import ReviewOptions, collect_plans, review_plans
from planchecker.checking.pipeline import Outcome
from planchecker.reports.matrix import build_review, describe_failure
from tests.golden_cases import SAMPLES, checker, sample_outcomes
from tests.review_helpers import misbehaving_task


def _records(outcomes: list[Outcome]) -> list[tuple[str, object]]:
    return [
        (o.file, o.report.to_records() if o.report else [p.to_record() for p in o.problems])
        for o in outcomes
    ]


def test_collect_plans_reads_a_folder_flat_and_sorted(tmp_path: Path) -> None:
    for name in ["b.yaml", "a.xlsx", "c.json", "d.yml", "notes.txt", ".hidden.xlsx", "~$a.xlsx"]:
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.xlsx").write_text("x")
    explicit = tmp_path / "sub" / "deep.xlsx"
    found = collect_plans([tmp_path, explicit, tmp_path / "a.xlsx"])
    assert [p.name for p in found] == ["a.xlsx", "b.yaml", "c.json", "d.yml", "deep.xlsx"]


def test_parallel_review_equals_checking_one_by_one() -> None:
    paths = collect_plans([SAMPLES])
    finished: list[int] = []
    parallel = review_plans(
        paths, checker().catalogue, workers=2, on_done=lambda: finished.append(1)
    )
    assert [o.file for o in parallel] == sorted(p.name for p in paths)
    assert _records(parallel) == _records(sample_outcomes())
    assert len(finished) == len(paths)
    # the rule packs of each report came back as ids and are the parent's own catalogue's
    catalogue_packs = {id(pack) for pack in checker().catalogue.packs}
    assert all(o.report is not None and o.report.packs for o in parallel)
    assert all(id(pack) in catalogue_packs for o in parallel if o.report for pack in o.report.packs)


def test_failures_stay_with_their_file_and_the_rest_is_reported(tmp_path: Path) -> None:
    """A crashed worker, a plan over time and an exception each become that file's error row."""
    good = [SAMPLES / "sodermalm-sdn-2020.xlsx", SAMPLES / "skarpnack-sdn-2021.json"]
    bad = [tmp_path / "crash.xlsx", tmp_path / "hang.yaml", tmp_path / "boom.json"]
    outcomes = review_plans(
        [*bad, *good],
        checker().catalogue,
        ReviewOptions(timeout=15),  # generous: a fresh worker pool loads the rules first
        workers=2,
        task=misbehaving_task,
    )
    by_file = {o.file: o for o in outcomes}
    assert list(by_file) == [
        "boom.json",
        "crash.xlsx",
        "hang.yaml",
        "skarpnack-sdn-2021.json",
        "sodermalm-sdn-2020.xlsx",
    ]
    details = {
        f: [p.values["detail"] for p in by_file[f].problems]
        for f in ("boom.json", "crash.xlsx", "hang.yaml")
    }
    assert details["boom.json"] == ["RuntimeError: avsiktligt fel i testet"]
    over_time = ("Planen tog för lång tid att granska (mer än 15 s) och avbröts. Dela upp planen "
                 "på flera filer, eller höj tidsgränsen (--timeout, PLANCHECKER_MAX_SECONDS).")
    assert details["hang.yaml"] == [over_time]
    assert [p.code for p in by_file["hang.yaml"].problems] == ["over-budget"]
    # A worker killed by os._exit is usually reported as a broken pool, but CPython's executor
    # sometimes leaves its future pending until the timeout: either way it is this file's one row.
    assert details["crash.xlsx"] in (
        ["arbetsprocessen avbröts oväntat när filen kontrollerades"],
        [over_time],
    )
    assert all(by_file[p.name].report is not None for p in good)


def test_unreadable_file_is_a_row_with_its_problems(tmp_path: Path) -> None:
    broken = tmp_path / "trasig.xlsx"
    broken.write_bytes(b"inte en arbetsbok")
    shutil.copy(SAMPLES / "alvsjo-sdn-2018.xlsx", tmp_path)
    outcomes = review_plans(collect_plans([tmp_path]), checker().catalogue, workers=1)
    review = build_review(outcomes)
    assert [(r.file, r.ok) for r in review.rows] == [
        ("alvsjo-sdn-2018.xlsx", True),
        ("trasig.xlsx", False),
    ]
    assert review.failed[0].error == describe_failure(outcomes[1])
    assert review.failed[0].error is not None and review.failed[0].error.startswith(
        "Text i stället för arbetsbok"
    )


def test_review_shares_and_worst() -> None:
    review = build_review(sample_outcomes())
    assert review.worst() == "error"
    for column in review.columns:
        met, total = review.column_share(column)
        assert 0 <= met <= total and total > 0
        by_area = [r.requirements_met(a) for r in review.reports for a in column.areas]
        if column.areas:  # a fokusområde column sums the areas it joins
            assert (met, total) == tuple(map(sum, zip(*by_area, strict=True)))
    # every applicable requirement of every plan is in exactly one column
    for report in review.reports:
        counted = [r.rule_id for c in review.columns for r in c.requirements(report)]
        assert sorted(counted) == sorted(r.rule_id for r in report.requirements if r.counts)


def test_the_matrix_shows_every_gap_and_joins_program_generations() -> None:
    review = build_review(sample_outcomes())
    labels = [c.label for c in review.columns]
    hot = next(c for c in review.columns if c.label == "Hot och våld")
    assert set(hot.areas) >= {"Förebygga otillåten påverkan samt hot och våld mot anställda",
                              "Otillåten påverkan samt hot och våld mot anställda"}
    assert labels[-5:] == ["RSA-täckning", "Dokument", "Hänvisningar", "Försenat", "Övriga krav"]
    assert len(labels) == len(set(labels))
    by_file = {row.file: row for row in review.rows}
    # a plan whose only gaps lie outside the fokusområden still shows them
    for row in by_file.values():
        assert row.report is not None
        failing = {f.rule_id for f in row.report.findings if f.status == "fail"
                   and f.category != "notice"}
        shown = {r.rule_id for c in review.columns if row.status(c) == "saknas"
                 for r in c.requirements(row.report)}
        assert failing <= shown, row.file


def test_engine_error_is_a_failed_row() -> None:
    outcome = sample_outcomes()[0]
    assert outcome.report is not None
    broken = Outcome(outcome.file, _with_engine_error(outcome.report))
    row = build_review([broken]).rows[0]
    assert not row.ok and row.error == "Motorfel: sentinel did not fire"
    assert all(row.status(c) is None for c in build_review([outcome]).columns)


def _with_engine_error(report: object) -> object:
    import dataclasses

    return dataclasses.replace(report, engine_errors=("sentinel did not fire",))  # type: ignore[type-var]


@pytest.mark.parametrize("workers", [1, 3])
def test_results_do_not_depend_on_the_number_of_workers(workers: int) -> None:
    paths = collect_plans([SAMPLES])[:3]
    assert _records(review_plans(paths, checker().catalogue, workers=workers)) == _records(
        [checker().check_file(p) for p in paths]
    )
