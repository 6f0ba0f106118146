"""Golden tests: each bundled sample plan has exactly the gaps sample_plans/README.md documents."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from planchecker.checking.pipeline import Checker
from planchecker.common.model import Plan
from planchecker.reading.reader import read_plan

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_plans"

# (rule_id, status, subjects) of every failing or waived finding at error and warning level,
# as documented gap by gap in sample_plans/README.md (Ä1…V3).
EXPECTED: dict[str, set[tuple[str, str, tuple[str, ...]]]] = {
    "alvsjo-sdn-2018": {
        ("LEH-RSA-NAMND-AKTUELL", "fail", ()),  # Ä1 RSA older than 24 months
        # Ä2 (no mål for säkerhetsskydd) is met: area 5 of the 2018–2021 program counts the
        # informationssäkerhet mål M8.
        ("ILS-MAL-AKT", "fail", ("M8",)),  # Ä3 informationssäkerhet mål without aktivitet
    },
    "utbildningsnamnden-2018": {
        ("ILS-REF-AKT-MAL", "fail", ("A27",)),  # U1 dangling Mål-id M99
        ("ILS-MAL-IND", "fail", ("M5",)),  # U2 mål without indikator (warning)
        # U3 (only informationssäkerhet aktiviteter under M9) is met: area 5 counts them.
    },
    "sodermalm-sdn-2020": {
        ("SAK20-CF-AKT", "waived", ()),  # S1 no civilt försvar aktivitet, waived
        ("ILS-REF-AKT-RISK", "fail", ("A10",)),  # S2 Risk-id R11 does not exist
        # S3 (no utbildnings- och övningsplan) is no gap: the plan is kommunstyrelsen's document.
    },
    "skarpnack-sdn-2021": {
        ("SAK20-CF-MAL", "fail", ()),  # K1 no civilt försvar mål
        ("ILS-REF-MAL-OVERORDNAT", "fail", ("M1",)),  # K2 parent KF4 does not exist
        ("LEH-RSA-NAMND-AKTUELL", "fail", ()),  # K3 RSA older than 24 months
        ("OKCF-KRIGSORG-DOK", "fail", ()),  # K4 no decision on krigsorganisation (warning)
    },
    "stockholm-vatten-2022": {
        ("SSK-ANA-DOK", "fail", ()),  # V1 no säkerhetsskyddsanalys
        ("SAK20-HOT-AKT", "fail", ()),  # V2 no hot och våld aktivitet
        ("SAK20-RISK", "fail", ("R3",)),  # V3 significant risk R3 not met
    },
}


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_plan_has_exactly_its_documented_gaps(checker: Checker, name: str) -> None:
    outcome = checker.check_file(SAMPLES / f"{name}.xlsx")
    assert outcome.problems == ()
    report = outcome.report
    assert report is not None and report.engine_errors == ()
    found = {
        (f.rule_id, f.status, f.subjects) for f in report.findings if f.severity in ("error", "warning")
    }
    assert found == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_xlsx_reads_as_its_source(name: str) -> None:
    source = Plan.model_validate(yaml.safe_load((SAMPLES / "source" / f"{name}.yaml").read_text("utf-8")))
    read = read_plan(SAMPLES / f"{name}.xlsx")
    assert read.problems == []
    assert read.plan is not None and read.plan.without_locations() == source


def test_json_twin_equals_its_excel_plan() -> None:
    from_json = read_plan(SAMPLES / "skarpnack-sdn-2021.json")
    from_xlsx = read_plan(SAMPLES / "skarpnack-sdn-2021.xlsx")
    assert from_json.plan is not None and from_xlsx.plan is not None
    assert from_json.plan.without_locations() == from_xlsx.plan.without_locations()


def test_generated_samples_are_up_to_date() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_sample_plans.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
