"""The command line: formats, files written, exit codes and messages, asserted together."""

from __future__ import annotations

import gc
import io
import json
import re
import shutil
import sys
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner

from planchecker.cli import main as cli_module
from planchecker.cli.main import cli, main
from tests.golden_cases import GOLDEN, PLANS, SAMPLES

SODERMALM = SAMPLES / "sodermalm-sdn-2020.xlsx"
AS_OF = PLANS["sodermalm-sdn-2020"][1].isoformat()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def samples(tmp_path: Path) -> Path:
    folder = tmp_path / "planer"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("source", "dokument", "*.md"))
    return folder


@pytest.mark.parametrize(
    ("fmt", "golden"),
    [("table", "table.txt"), ("json", "json"), ("markdown", "md"), ("html", "html")],
)
def test_check_prints_each_format(runner: CliRunner, fmt: str, golden: str) -> None:
    result = runner.invoke(cli, ["check", str(SODERMALM), "--format", fmt, "--as-of", AS_OF])
    expected = (GOLDEN / "reports" / f"sodermalm-sdn-2020.{golden}").read_text(encoding="utf-8")
    assert (result.exit_code, result.stdout, result.stderr) == (1, expected, "")


def test_check_fail_on_decides_the_exit_code(runner: CliRunner) -> None:
    codes = {
        level: runner.invoke(
            cli, ["check", str(SODERMALM), "--fail-on", level, "--format", "json"]
        ).exit_code
        for level in ("error", "warning", "info", "never")
    }
    assert codes == {"error": 1, "warning": 1, "info": 1, "never": 0}


def test_check_writes_xlsx_to_a_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "rapport.xlsx"
    result = runner.invoke(
        cli, ["check", str(SODERMALM), "--format", "xlsx", "-o", str(out), "--fail-on", "never"]
    )
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"Skrev {out}\n")
    assert openpyxl.load_workbook(out).sheetnames == ["Sammanfattning", "Brister", "Täckning"]


def test_check_xlsx_needs_an_output_file(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", str(SODERMALM), "--format", "xlsx"])
    assert result.exit_code == 2
    assert "ange -o FIL.xlsx" in result.stderr and result.stdout == ""


def test_check_unreadable_plan_exits_2_without_traceback(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "trasig.xlsx"
    broken.write_text("Nämnd;Mål\n")
    result = runner.invoke(cli, ["check", str(broken)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Fel: Planen kunde inte läsas (1 fel):\n")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("plan", [SODERMALM, SAMPLES / "finns-inte.xlsx"])
def test_check_leaves_the_garbage_collector_on(runner: CliRunner, plan: Path) -> None:
    """`check` pauses the collector while it works; a test session (or a caller) must get it
    back, after a report and after an input error alike."""
    assert gc.isenabled()
    result = runner.invoke(cli, ["check", str(plan), "--format", "json"])
    assert result.exit_code in (1, 2) and gc.isenabled()


def test_schedule_is_a_command_though_imported_only_when_asked_for(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert "schedule" in result.stdout
    assert runner.invoke(cli, ["schedule", "history", "--help"]).exit_code == 0


def test_check_bad_date_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", str(SODERMALM), "--as-of", "31/12/2020"])
    assert (
        result.exit_code == 2 and "'31/12/2020' är inget datum; skriv ÅÅÅÅ-MM-DD." in result.stderr
    )


@pytest.mark.parametrize("command", ["check", "review"])
def test_help_documents_the_exit_codes(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert (
        "Slutkoder:" in result.stdout and "  2  " in result.stdout and "--fail-on" in result.stdout
    )


def test_main_never_shows_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "argv", ["planchecker", "check", str(tmp_path / "finns-inte.xlsx")])
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()
    assert exit_info.value.code == 2 and captured.out == ""
    assert "Filen finns inte" in captured.err and "Traceback" not in captured.err


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys, "stdout", Terminal())
    assert cli_module._use_colour()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli_module._use_colour()
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.delenv("NO_COLOR")
    assert not cli_module._use_colour()


# --- review -------------------------------------------------------------------------------------


def test_review_writes_the_workbook_and_prints_the_matrix(
    runner: CliRunner, samples: Path, tmp_path: Path
) -> None:
    out = tmp_path / "granskning.xlsx"
    result = runner.invoke(cli, ["review", str(samples), "-o", str(out)])
    expected = (GOLDEN / "review" / "sample_plans.table.txt").read_text(encoding="utf-8")
    assert (result.exit_code, result.stdout, result.stderr) == (1, expected, f"Skrev {out}\n")
    assert openpyxl.load_workbook(out).sheetnames == [
        "Sammanfattning",
        "Täckning",
        "Brister",
        "Diagram",
    ]


def test_review_with_a_broken_file_still_reports_every_plan(
    runner: CliRunner, samples: Path, tmp_path: Path
) -> None:
    (samples / "trasig.xlsx").write_bytes(b"PK\x03\x04 inte en riktig arbetsbok")
    out = tmp_path / "granskning.xlsx"
    result = runner.invoke(cli, ["review", str(samples), "-o", str(out), "--fail-on", "never"])
    assert result.exit_code == 2
    assert result.stderr == f"Skrev {out}\nFel: 1 av 7 filer kunde inte granskas.\n"
    # Skarpnäck's plan is there as .json and .xlsx: one row, from the .json.
    matrix_rows = [line.split()[0] for line in result.stdout.splitlines()[2:8]]
    assert matrix_rows == sorted(p.name for p in samples.iterdir() if p.name != "skarpnack-sdn-2021.xlsx")
    assert "trasig.xlsx                   kunde inte granskas (se nedan)\n" in result.stdout
    assert (
        "\nKunde inte granskas:\n  trasig.xlsx: Inte en Excel-arbetsbok: Filen är inte"
        in result.stdout
    )
    assert result.stdout.endswith(
        "\n6 planer i 7 filer: 5 granskade, 5 med fel, 1 kunde inte granskas.\n"
    )
    summary = {
        row[0]: row
        for row in openpyxl.load_workbook(out)["Sammanfattning"].iter_rows(values_only=True)
    }
    result_column = summary["Fil"].index("Resultat")
    assert str(summary["trasig.xlsx"][result_column]).startswith("Kunde inte granskas: Inte en Excel-arbetsbok")
    assert summary["alvsjo-sdn-2018.xlsx"][1] == "Älvsjö stadsdelsnämnd"


def test_review_markdown_and_json(runner: CliRunner, samples: Path) -> None:
    files = [str(samples / "alvsjo-sdn-2018.xlsx"), str(samples / "skarpnack-sdn-2021.json")]
    markdown = runner.invoke(cli, ["review", *files, "--format", "markdown", "--fail-on", "never"])
    assert markdown.exit_code == 0 and markdown.stderr == ""
    assert markdown.stdout.startswith("# Granskning av verksamhetsplaner\n\n| Fil | Nämnd |")
    assert "| alvsjo-sdn-2018.xlsx | Älvsjö stadsdelsnämnd | " in markdown.stdout
    as_json = runner.invoke(cli, ["review", *files, "--format", "json"])
    assert as_json.exit_code == 1
    plans = json.loads(as_json.stdout)["plans"]
    assert [(p["file"], p["report"]["verdict"]) for p in plans] == [
        ("alvsjo-sdn-2018.xlsx", "gaps"),
        ("skarpnack-sdn-2021.json", "gaps"),
    ]


def test_review_of_an_empty_folder_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["review", str(tmp_path), "--format", "table"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("Fel: Inga filer att granska i ")
    (tmp_path / "~$plan.xlsx").write_bytes(b"x")
    result = runner.invoke(cli, ["review", str(tmp_path), "--format", "table"])
    assert result.exit_code == 2
    assert result.stderr.endswith(" Hoppade över 1 post i mapparna: 1 låsfil som Excel skapar "
                                  "medan en fil är öppen (~$…).\n")


def test_review_accounts_for_every_file_in_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "planer"
    folder.mkdir()
    shutil.copy(SODERMALM, folder)
    (folder / "plan.ods").write_bytes(_ods())
    (folder / "plan.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    (folder / "plan.csv").write_text("Id;Mål\nM1;Trygg stad\nM2;Säker stad\n")
    (folder / "~$sodermalm-sdn-2020.xlsx").write_bytes(b"x")
    (folder / ".DS_Store").write_bytes(b"x")
    (folder / ".gammal.xlsx").write_bytes(b"x")
    (folder / "arkiv").mkdir()
    result = runner.invoke(cli, ["review", str(folder), "--format", "table", "--fail-on", "never"])
    assert result.exit_code == 2
    out = result.stdout
    for name in ("plan.csv", "plan.ods", "plan.xls"):
        assert re.search(rf"^{re.escape(name)} +kunde inte granskas \(se nedan\)", out, re.M)
    assert "  plan.ods: OpenDocument-kalkylblad: Filen är ett OpenDocument-kalkylblad (.ods). " \
           "Spara som .xlsx." in out
    assert "  plan.xls: Gammalt Excel-format: " in out and "  plan.csv: Text i stället" in out
    assert out.endswith("\n4 planer: 1 granskade, 1 med fel, 3 kunde inte granskas.\n")
    assert result.stderr == (
        "Hoppade över 4 poster i mapparna: 1 låsfil som Excel skapar medan en fil är öppen (~$…), "
        "2 dolda filer (namnen börjar med punkt), 1 undermapp (ange den för sig för att granska "
        "den).\nFel: 3 av 4 filer kunde inte granskas.\n")


def _ods() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def test_unwritable_output_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "fil"
    blocker.write_text("")
    result = runner.invoke(
        cli, ["check", str(SODERMALM), "--format", "html", "-o", str(blocker / "r.html")]
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"Fel: Kan inte skriva {blocker / 'r.html'}: ")


def test_check_refuses_a_renamed_sheet_and_notes_an_extra_column(runner: CliRunner,
                                                                 tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Nämnd"
    for row in (["Nämnd", "Skarpnäcks stadsdelsnämnd"], ["Typ", "Stadsdelsnämnd"], ["År", 2026]):
        book.active.append(row)
    book.create_sheet("Mål").append(["Nr", "Id", "Mål"])
    book["Mål"].append([1, "M1", "En trygg stad"])
    book.create_sheet("Aktiviteter 2027").append(["Id", "Mål-id", "Aktivitet"])
    book["Aktiviteter 2027"].append(["A1", "M1", "Öva"])
    book.save(tmp_path / "plan.xlsx")
    result = runner.invoke(cli, ["check", str(tmp_path / "plan.xlsx")])
    assert result.exit_code == 2
    assert "Obs: " in result.output and "kan båda vara Id; 'Id' läses" in result.output
    assert "Bladet 'Aktiviteter 2027' känns inte igen – menade du 'Aktiviteter'?" in result.output


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, click.Command]]:
    found = [(" ".join(path), command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            found += _commands(sub, (*path, name))
    return found


def test_every_command_has_help_for_every_option_and_its_exit_codes(runner: CliRunner) -> None:
    for name, command in _commands(cli):
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"planchecker {name} {param.opts[0]} has no help"
        shown = runner.invoke(cli, [*name.split(), "--help"], prog_name="planchecker")
        assert shown.exit_code == 0, name
        assert "Slutkoder:" in shown.output, f"planchecker {name} --help lists no exit codes"
        assert shown.output.startswith("Användning: planchecker"), shown.output
        assert "[OPTIONS]" not in shown.output and "Show this message" not in shown.output


@pytest.mark.parametrize(("args", "message"), [
    (["check"], "Fel: Argument saknas 'PLAN'."),
    (["review", "--workers", "x", "."],
     "Fel: Ogiltigt värde för '-j' / '--workers': 'x' är inget giltigt heltal."),
    (["check", "--fail-on", "allt", "plan.xlsx"], "Fel: Ogiltigt värde för '--fail-on': 'allt' "
     "är inte något av 'error', 'warning', 'info', 'never'."),
    (["schedule", "run", "."], "Fel: Flagga saknas '--period'. Välj bland:\n\tT1,"),
    (["chek"], "Fel: Kommandot 'chek' finns inte. Menade du 'check'?"),
    (["check", "--hjälp"], "Fel: Flaggan '--hjälp' finns inte. Menade du '--help'?"),
])
def test_clicks_own_texts_are_swedish(args: list[str], message: str,
                                      capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["planchecker", *args])
    monkeypatch.setenv("LANG", "C")
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Användning: planchecker ") and "[FLAGGOR]" in err
    assert "Skriv 'planchecker " in err and f"{message}\n" in err, err


def test_every_swedish_click_text_is_still_one_of_clicks() -> None:
    import ast

    from planchecker.cli import swedish as cli_swedish

    found: set[str | tuple[str, str]] = set()
    for module in cli_swedish._MODULES:
        assert module.__file__ is not None
        for node in ast.walk(ast.parse(Path(module.__file__).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
                if node.func.id == "_" and texts:
                    found.add(texts[0])
                elif node.func.id == "ngettext" and len(texts) >= 2:
                    found.add((texts[0], texts[1]))
    assert set(cli_swedish.MESSAGES) - found == set()
    assert set(cli_swedish.PLURALS) - found == set()


@pytest.mark.parametrize("width", [80, 100, 132])
def test_the_terminal_table_fits_the_terminal(runner: CliRunner, width: int) -> None:
    result = runner.invoke(cli, ["check", str(SODERMALM), "--fail-on", "never"],
                           env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "Täckning per fokusområde" in result.stdout and "– = ej tillämpligt" in lines


def test_the_review_matrix_names_its_columns_when_the_terminal_is_wide(runner: CliRunner,
                                                                       samples: Path) -> None:
    args = ["review", str(samples), "--format", "table", "--fail-on", "never"]
    wide = runner.invoke(cli, args, env={"COLUMNS": "260"}).stdout
    assert max(len(line) for line in wide.splitlines()) <= 260
    assert re.search(r"^Fil +Nämnd +Krisberedskap +Civilt +Säkerhetsskydd", wide, re.M), wide
    assert "RSA-täckning" in wide and "\n  1  " not in wide
    narrow = runner.invoke(cli, args, env={"COLUMNS": "120"}).stdout
    assert re.search(r"^Fil +Nämnd +1 +2 +3 ", narrow, re.M)
    assert ("\n  5  Hot och våld: Förebygga otillåten påverkan samt hot och våld mot anställda; "
            "Otillåten påverkan samt hot och våld mot anställda\n") in narrow


def test_review_tells_what_the_reader_passed_over(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "planer"
    folder.mkdir()
    book = openpyxl.load_workbook(SODERMALM)
    book["Mål"].insert_cols(1)
    book["Mål"]["A1"] = "Nr"
    book.save(folder / "plan.xlsx")
    result = runner.invoke(cli, ["review", str(folder), "--format", "table", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert ("\nAtt observera:\n  plan.xlsx: Två kolumner för samma uppgift: Kolumnerna 'Nr' (A) "
            "och 'Id' (B) kan båda vara Id; 'Id' läses.") in result.stdout
