"""Scheduled validation (issue 5): time-aware rules on fixed dates, runs compared, JUnit XML."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import xmlschema
import yaml

from planchecker.batch.history import History
from planchecker.batch.schedule import run_schedule
from planchecker.checking.pipeline import Checker
from planchecker.checking.rulebook import PlanContext
from planchecker.common.model import Plan
from planchecker.reports.junit import render_junit

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sample_plans" / "source"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker()


def _rule_ids(checker: Checker, plan: Plan, as_of: dt.date, period: str | None = None) -> set[str]:
    report = checker.check(plan, "test", PlanContext(as_of=as_of, period=period))
    assert report.engine_errors == ()
    return {f.rule_id for f in report.findings if f.status == "fail"}


def _plan(year: int, ntype: str = "facknamnd", **lists: Any) -> Plan:
    return Plan.model_validate({"namnd": {"name": "Testnämnden", "type": ntype, "year": year}, **lists})


def test_an_activity_turns_overdue_the_day_after_its_end(checker: Checker) -> None:
    plan = _plan(2021, activities=[{"id": "A1", "text": "Uppdatera kontinuitetsplanen", "end": "2021-03-31",
                                    "status": "pagar"}])
    assert "ILS-AKT-FORSENAD" not in _rule_ids(checker, plan, dt.date(2021, 3, 31))
    assert "ILS-AKT-FORSENAD" in _rule_ids(checker, plan, dt.date(2021, 4, 1))
    done = _plan(2021, activities=[{"id": "A1", "text": "x", "end": "2021-03-31", "status": "klar"}])
    assert "ILS-AKT-FORSENAD" not in _rule_ids(checker, done, dt.date(2021, 4, 1))


def test_the_city_rsa_expires_at_the_mandate_period_boundary(checker: Checker) -> None:
    """Kommunstyrelsen's RSA from 2022 is current for a 2022 plan; for 2023 (year 1 of 2023–2026) it
    is due by 31 October, and from 2024 on it is simply outdated."""
    documents = [{"name": "RSA 2022", "type": "rsa", "decided": "2022-05-01"}]
    ks = "kommunstyrelse"
    assert not {"LEH-RSA-AKTUELL", "LEH-RSA-AKTUELL-AR1"} & _rule_ids(
        checker, _plan(2022, ks, documents=documents), dt.date(2022, 12, 31))
    plan_2023 = _plan(2023, ks, documents=documents)
    assert "LEH-RSA-AKTUELL-AR1" not in _rule_ids(checker, plan_2023, dt.date(2023, 10, 31))
    assert "LEH-RSA-AKTUELL-AR1" in _rule_ids(checker, plan_2023, dt.date(2023, 11, 1))
    assert "LEH-RSA-AKTUELL" in _rule_ids(checker, _plan(2024, ks, documents=documents), dt.date(2024, 6, 1))
    # Decided after the new fullmäktige took office (15 October 2022): counts for 2023–2026.
    autumn = [{"name": "RSA 2022", "type": "rsa", "decided": "2022-10-20"}]
    assert "LEH-RSA-AKTUELL" not in _rule_ids(checker, _plan(2024, ks, documents=autumn), dt.date(2024, 6, 1))


def test_a_namnd_rsa_ages_by_the_month(checker: Checker) -> None:
    """A nämnd's yearly RSA: a warning after 15 months, an error (and no warning) after 24."""
    plan = _plan(2023, documents=[{"name": "RSA 2022", "type": "rsa", "decided": "2022-05-01"}])
    assert not {"LEH-RSA-NAMND-AKTUELL", "LEH-RSA-NAMND-AKTUELL-15"} & _rule_ids(checker, plan, dt.date(2023, 8, 31))
    later = _rule_ids(checker, plan, dt.date(2023, 9, 1))
    assert "LEH-RSA-NAMND-AKTUELL-15" in later and "LEH-RSA-NAMND-AKTUELL" not in later
    old = _plan(2024, documents=[{"name": "RSA 2022", "type": "rsa", "decided": "2022-05-01"}])
    oldest = _rule_ids(checker, old, dt.date(2024, 6, 1))
    assert "LEH-RSA-NAMND-AKTUELL" in oldest and "LEH-RSA-NAMND-AKTUELL-15" not in oldest


def test_a_document_past_its_valid_date_expires(checker: Checker) -> None:
    plan = _plan(2021, documents=[{"name": "Kontinuitetsplan", "type": "kontinuitetsplan", "decided": "2020-01-10",
                                   "valid_until": "2021-06-30"}])
    assert "ILS-DOK-GILTIG" not in _rule_ids(checker, plan, dt.date(2021, 6, 30))
    assert "ILS-DOK-GILTIG" in _rule_ids(checker, plan, dt.date(2021, 7, 1))


def test_the_t2_lagesbild_rule_fires_only_for_t2(checker: Checker) -> None:
    plan = _plan(2019)
    as_of = dt.date(2019, 8, 31)
    assert "TS18-LAGESBILD-T2" in _rule_ids(checker, plan, as_of, "T2")
    assert "TS18-LAGESBILD-T2" not in _rule_ids(checker, plan, as_of, "T1")
    assert "TS18-LAGESBILD-T2" not in _rule_ids(checker, plan, as_of, "VB")
    assert "TS18-LAGESBILD-T2" not in _rule_ids(checker, plan, as_of, None)


def test_an_expired_waiver_no_longer_waives(checker: Checker) -> None:
    plan = Plan.model_validate(yaml.safe_load((SOURCES / "sodermalm-sdn-2020.yaml").read_text("utf-8")))
    valid = checker.check(plan, "s", PlanContext(as_of=dt.date(2020, 12, 31)))
    expired = checker.check(plan, "s", PlanContext(as_of=dt.date(2021, 1, 1)))
    keys = ("rule_id", "status", "subjects")  # the waiver's effect, whatever the rules' severities
    assert ("SAK20-CF-AKT", "waived", ()) in valid.flatten(keys)
    assert ("SAK20-CF-AKT", "fail", ()) in expired.flatten(keys)
    assert ("ILS-UNDANTAG-GILTIG", "fail", ("SAK20-CF-AKT",)) in expired.flatten(keys)


def _outcomes(checker: Checker, folder: Path, as_of: dt.date, period: str) -> list[Any]:
    return [checker.check_file(path, as_of=as_of, period=period) for path in sorted(folder.glob("*.yaml"))]


def test_two_scheduled_runs_report_exact_new_and_closed_gaps(checker: Checker, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("skarpnack-sdn-2021", "stockholm-vatten-2022"):
        shutil.copy(SOURCES / f"{name}.yaml", plans / f"{name}.yaml")
    history = tmp_path / "historik.db"
    as_of = dt.date(2021, 8, 31)
    first = run_schedule(_outcomes(checker, plans, as_of, "T2"), period="T2", as_of=as_of.isoformat(),
                         history_path=history, outdir=tmp_path / "run1")
    assert first.previous_run is None and first.diff is None

    # Skarpnäck closes K1 (adds a civilt försvar mål) but breaks a link (new dangling Mål-id).
    skarpnack = yaml.safe_load((plans / "skarpnack-sdn-2021.yaml").read_text("utf-8"))
    skarpnack["goals"].append({"id": "M-CF", "text": "Förvaltningen stärker sin förmåga vid höjd beredskap",
                               "topics": ["civilt_forsvar"]})
    skarpnack["activities"][0]["goal_id"] = "M-SAKNAS"
    (plans / "skarpnack-sdn-2021.yaml").write_text(yaml.safe_dump(skarpnack, allow_unicode=True), "utf-8")
    second = run_schedule(_outcomes(checker, plans, as_of, "T2"), period="T2", as_of=as_of.isoformat(),
                          history_path=history, outdir=tmp_path / "run2")

    assert second.previous_run == first.run_id and second.diff is not None
    new = {(g.plan, g.rule_id, g.subjects) for g in second.diff.new}
    closed = {(g.plan, g.rule_id, g.subjects) for g in second.diff.closed}
    first_activity = skarpnack["activities"][0]["id"]
    assert closed == {("Skarpnäcks stadsdelsnämnd", "SAK20-CF-MAL", "")}
    assert ("Skarpnäcks stadsdelsnämnd", "ILS-REF-AKT-MAL", first_activity) in new
    assert all(plan == "Skarpnäcks stadsdelsnämnd" for plan, _, _ in new)
    assert {g.rule_id for g in second.diff.still_open if g.plan.startswith("Stockholm Vatten")} >= {"SSK-ANA-DOK"}

    report = json.loads((tmp_path / "run2" / "granskning.json").read_text("utf-8"))
    assert report["run"]["previous_run"] == first.run_id
    assert {(c["plan"], c["rule_id"]) for c in report["changes"]["closed"]} == {
        ("Skarpnäcks stadsdelsnämnd", "SAK20-CF-MAL")}
    with History(history) as reopened:
        assert [r.id for r in reopened.runs()] == [first.run_id, second.run_id]


def test_junit_xml_validates_against_the_common_schema(checker: Checker, tmp_path: Path) -> None:
    schema = xmlschema.XMLSchema(str(ROOT / "tests" / "data" / "junit.xsd"))
    broken = tmp_path / "trasig.xlsx"
    broken.write_bytes(b"inte en arbetsbok")
    outcomes = [checker.check_file(p, as_of=dt.date(2021, 8, 31), period="T2")
                for p in [broken, *sorted(SOURCES.glob("*.yaml"))]]
    xml = render_junit(outcomes)
    schema.validate(xml)
    root = xmlschema.XMLResource(xml).root
    suites = root.findall("testsuite")
    assert len(suites) == 6
    assert int(root.get("failures")) > 0 and int(root.get("errors")) == 1
    broken_suite = next(s for s in suites if s.get("name") == "trasig.xlsx")
    assert broken_suite.find("testcase/error") is not None
    assert xml == render_junit(outcomes)


def test_schedule_commands_from_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from planchecker.cli.main import cli

    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(SOURCES / "skarpnack-sdn-2021.yaml", plans)
    (plans / "trasig.xlsx").write_bytes(b"ingen arbetsbok")
    db = tmp_path / "historik.db"
    args = ["schedule", "run", str(plans), "--period", "T2", "--as-of", "2021-08-31", "--history", str(db),
            "-o", str(tmp_path / "ut"), "--workers", "1"]
    runner = CliRunner()
    first = runner.invoke(cli, args)
    assert first.exit_code == 2, first.output  # one plan could not be read: the scheduler must alert
    assert "Skarpnäcks stadsdelsnämnd" in first.output and "kunde inte läsas" in first.output
    assert {p.name for p in (tmp_path / "ut").iterdir()} == {"granskning.json", "granskning.xlsx", "junit.xml"}
    (plans / "trasig.xlsx").unlink()
    second = runner.invoke(cli, args)
    assert second.exit_code == 1, second.output  # gaps remain
    assert "jämfört med körning 1" in second.output
    listed = runner.invoke(cli, ["schedule", "history", "--history", str(db)])
    assert listed.exit_code == 0 and "T2" in listed.output
    diff = runner.invoke(cli, ["schedule", "diff", "1", "2", "--history", str(db)])
    assert diff.exit_code == 0, diff.output
    # The four documented gaps K1–K4 of the Skarpnäck sample (sample_plans/README.md).
    assert "Kvarstående brister (4)" in diff.output and "Nya brister (0)" in diff.output
    missing = runner.invoke(cli, ["schedule", "diff", "1", "9", "--history", str(db)])
    assert missing.exit_code == 2 and "Körning 9 finns inte" in missing.output


def test_a_scheduled_run_speaks_swedish_and_accounts_for_every_plan(tmp_path: Path) -> None:
    import re

    from click.testing import CliRunner

    from planchecker.cli.main import cli

    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("skarpnack-sdn-2021.yaml", "alvsjo-sdn-2018.yaml"):
        shutil.copy(SOURCES / name, plans)
    (plans / "trasig.xlsx").write_bytes(b"ingen arbetsbok")
    db, out = tmp_path / "historik.db", tmp_path / "ut"
    args = ["schedule", "run", str(plans), "--period", "T2", "--history", str(db), "-o", str(out),
            "--workers", "1"]
    runner = CliRunner()
    first = runner.invoke(cli, args)
    assert first.exit_code == 2, first.output
    assert not re.search(r"\b(gaps|warning|error|ok|engine-error)\b", first.output), first.output
    assert re.search(r"^Skarpnäcks stadsdelsnämnd +brister ", first.output, re.M)
    # the reason is in the terminal, not only in junit.xml
    assert "\nKunde inte läsas eller kontrolleras:\n  trasig.xlsx: Text i stället för arbetsbok" \
        in first.output
    # without --as-of each plan is judged within its own year, as `check` does
    as_of = {p["file"]: p["report"]["plan"]["as_of"]
             for p in json.loads((out / "granskning.json").read_text())["plans"] if "report" in p}
    assert as_of == {"alvsjo-sdn-2018.yaml": "2018-12-31", "skarpnack-sdn-2021.yaml": "2021-12-31"}
    (plans / "alvsjo-sdn-2018.yaml").unlink()
    second = runner.invoke(cli, args)
    assert "\nSaknas i denna körning (1), fanns i körning 1:\n  Älvsjö stadsdelsnämnd " \
           "(alvsjo-sdn-2018.yaml)\n" in second.output
    listed = runner.invoke(cli, ["schedule", "history", "--history", str(db)])
    assert f"T2 per {dt.date.today().isoformat()} (högst planåret): {plans}" in listed.output
    diff = runner.invoke(cli, ["schedule", "diff", "1", "2", "--history", str(db)])
    assert "\nSaknas i denna körning (1):\n" in diff.output
    assert re.search(r"^Älvsjö stadsdelsnämnd +alvsjo-sdn-2018.yaml +brister", diff.output, re.M)
    assert "Åtgärdade brister (" in diff.output
    assert not re.search(r"\b(error|warning)\b", diff.output), diff.output
    help_text = " ".join(runner.invoke(cli, ["schedule", "diff", "--help"]).output.split())
    assert "den skapas bara av `schedule run`" in help_text and "Slutkoder:" in help_text


SKARPNACK_TWICE = (
    "Samma plan finns i 2 filer: skarpnack-sdn-2021.json och skarpnack-sdn-2021.xlsx "
    "(Skarpnäcks stadsdelsnämnd, planår 2021). Den räknas som en plan, enligt skarpnack-sdn-2021.json."
)


def test_a_plan_in_two_files_is_one_plan_in_every_scheduled_output(tmp_path: Path) -> None:
    """As in `review`: Skarpnäck saved as .json and as .xlsx is one plan with a warning naming both
    files, in the terminal, granskning.json, junit.xml and the history, whose diff counts it once."""
    from click.testing import CliRunner

    from planchecker.cli.main import cli

    samples = ROOT / "sample_plans"
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("skarpnack-sdn-2021.json", "skarpnack-sdn-2021.xlsx", "alvsjo-sdn-2018.xlsx"):
        shutil.copy(samples / name, plans)
    db, out = tmp_path / "historik.db", tmp_path / "ut"
    args = ["schedule", "run", str(plans), "--period", "T2", "--as-of", "2021-08-31", "--history", str(db),
            "-o", str(out), "--workers", "1"]
    runner = CliRunner()
    first = runner.invoke(cli, args)
    assert first.exit_code == 1, first.output
    assert len([line for line in first.output.splitlines() if line.startswith("Skarpnäcks")]) == 1
    assert f"\nVarningar:\n  {SKARPNACK_TWICE}\n" in first.output

    report = json.loads((out / "granskning.json").read_text("utf-8"))
    assert report["warnings"] == [SKARPNACK_TWICE]
    by_file = {plan["file"]: plan for plan in report["plans"]}
    assert by_file["skarpnack-sdn-2021.xlsx"]["same_plan_as"] == "skarpnack-sdn-2021.json"
    assert "same_plan_as" not in by_file["skarpnack-sdn-2021.json"]

    schema = xmlschema.XMLSchema(str(ROOT / "tests" / "data" / "junit.xsd"))
    xml = (out / "junit.xml").read_text("utf-8")
    schema.validate(xml)
    suites = xmlschema.XMLResource(xml).root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["Älvsjö stadsdelsnämnd 2018", "Skarpnäcks stadsdelsnämnd 2021"]
    assert suites[1].findtext("system-out") == f"Varning: {SKARPNACK_TWICE}"
    assert suites[0].find("system-out") is None

    second = runner.invoke(cli, args)
    assert second.exit_code == 1, second.output
    with History(db) as history:
        runs = history.runs()
        assert [r.plans for r in runs] == [2, 2]
        plans_recorded = history.plans(runs[-1].id)
        assert sorted((p.plan, p.file) for p in plans_recorded) == [
            ("Skarpnäcks stadsdelsnämnd", "skarpnack-sdn-2021.json"),
            ("Älvsjö stadsdelsnämnd", "alvsjo-sdn-2018.xlsx")]
        gaps = history.gaps(runs[-1].id)
        assert len(gaps) == len({g.key() for g in gaps})
    diff = runner.invoke(cli, ["schedule", "diff", "1", "2", "--history", str(db)])
    assert diff.exit_code == 0, diff.output
    # The four documented gaps K1–K4 of the Skarpnäck sample, once, plus Älvsjö's own.
    skarpnack_rows = [line for line in diff.output.splitlines() if line.startswith("Skarpnäcks")]
    assert len(skarpnack_rows) == 4, diff.output
