"""The package's layout: stages that import one way only, and the public names that stay put.

The contracts live in pyproject.toml ([tool.importlinter]) and are explained in
docs/architecture.md. Regression tests for issue 18 (subpackages by stage, one-way imports).
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import planchecker

ROOT = Path(__file__).resolve().parents[1]

LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def test_import_contracts_hold() -> None:
    """Layers (a lower stage never imports a higher one; every subpackage has its layer), no
    cycles at any level, and durable_rules imported by checking.engine alone."""
    result = subprocess.run(
        [sys.executable, "-c", LINT, "pyproject.toml", "--no-cache", "--no-logo"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert (result.returncode, "Contracts: 3 kept, 0 broken." in result.stdout) == (0, True), \
        result.stdout + result.stderr


def test_public_entry_points_stay() -> None:
    """What users and deployments name keeps working: the console script, the package's
    re-exports, and `planchecker.web:create_app` for gunicorn."""
    from planchecker.checking.pipeline import check_plan
    from planchecker.cli.main import main
    from planchecker.reading.reader import read_plan
    from planchecker.web import create_app
    from planchecker.web.app import create_app as app_factory

    script = importlib.metadata.entry_points(group="console_scripts")["planchecker"]
    assert (script.load(), planchecker.check_plan, planchecker.read_plan, create_app) == \
        (main, check_plan, read_plan, app_factory)


def test_python_m_web_runs_the_serve_command() -> None:
    result = subprocess.run([sys.executable, "-m", "planchecker.web", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, "--port" in result.stdout, result.stderr) == (0, True, "")
