"""Broken and hostile input (issue 6): a corpus of files built in code, each refused with its code,
message and place, quickly, and with exit code 2 from `planchecker check`; bombs refused in
bounded time and memory; a batch that reports every good plan whatever the bad ones do; output
written atomically; vocabulary files with a term that does not compile.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from benchmarks import hostile
from benchmarks.hostile import SHEET_HEAD, sheet_part, valid_workbook, with_parts
from planchecker.batch.review import collect_plans, review_plans
from planchecker.checking import pipeline as checking
from planchecker.cli.main import cli
from planchecker.common import outputs
from planchecker.reading import sniffing
from planchecker.reading.limits import Limits
from planchecker.reading.problem_sink import ProblemSink
from planchecker.reading.reader import read_plan
from planchecker.reports.matrix import build_review
from planchecker.topics.classifier import Classifier, default_vocabulary_dir
from tests.golden_cases import SAMPLES, checker

MB = 1024 * 1024
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>Id</t></is></c>'
          b'<c r="B1" t="inlineStr"><is><t>M\xc3\xa5l</t></is></c></row>')


# --- builders -----------------------------------------------------------------------------------


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


NAMND = [["Nämnd", "Skarpnäcks stadsdelsnämnd"], ["Typ", "Stadsdelsnämnd"], ["År", 2026]]
GOALS = [["Id", "Mål"], ["M1", "En trygg och säker stad"]]
MORE_GOALS = [[f"M{number}", f"Mål {number}"] for number in range(2, 10)]


def with_goal_sheet(rows: bytes, after: bytes = b"") -> bytes:
    """The valid plan with its Mål sheet's rows replaced by `rows` (XML), `after` following them."""
    base = valid_workbook()
    sheet = SHEET_HEAD + rows + b"</sheetData>" + after + b"</worksheet>"
    return with_parts(base, {sheet_part(base, "Mål"): sheet})


def with_part_xml(name: str, prefix: bytes) -> bytes:
    """The valid plan with `prefix` put before the root element of part `name`."""
    base = valid_workbook()
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        content = archive.read(name)
    declaration, rest = content.partition(b"?>")[::2] if content.startswith(b"<?") else (
        b"", content)
    return with_parts(base, {name: declaration + (b"?>" if declaration else b"") + prefix + rest})


def patch_member(data: bytes, name: str, *, flags: int | None = None,
                 declared_size: int | None = None) -> bytes:
    """`data` with a member's general-purpose flags or declared unpacked size rewritten in both
    its local header and its central directory entry (what a hand-crafted zip can claim)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        local = archive.getinfo(name).header_offset
    central = data.index(b"PK\x01\x02")  # the first central directory entry; 46 bytes + name
    while data[central + 46: central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    for offset, flag_at, size_at in ((local, 6, 22), (central, 8, 24)):
        if flags is not None:
            struct.pack_into("<H", out, offset + flag_at, flags)
        if declared_size is not None:
            struct.pack_into("<I", out, offset + size_at, declared_size)
    return bytes(out)


def ods() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def ole(*streams: str) -> bytes:
    """An OLE compound file as far as the reader looks: magic number and directory names."""
    return OLE + bytes(504) + b"".join(s.encode("utf-16-le").ljust(64, b"\0") for s in streams)


def many_merges(count: int) -> bytes:
    merges = b"".join(b'<mergeCell ref="C%d:D%d"/>' % (i, i) for i in range(1, count + 1))
    return with_goal_sheet(HEADER, b'<mergeCells count="%d">%s</mergeCells>' % (count, merges))


def yaml_plan(extra: str) -> bytes:
    return ("namnd: {name: Skarpnäck, type: stadsdelsnamnd, year: 2026}\n" + extra).encode()


def deep_json(depth: int) -> bytes:
    return b'{"namnd": ' + b"[" * depth + b"]" * depth + b"}"


# --- the corpus -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A broken or hostile file and how it must be refused."""

    id: str
    name: str  # the file name, whose suffix matters
    build: Callable[[], bytes]
    code: str
    fragment: str  # in the Swedish message
    where: tuple[str | None, int | None, str | None] = (None, None, None)  # sheet, row, column
    env: dict[str, str] = field(default_factory=dict)


CORPUS = [
    # files that are not .xlsx workbooks
    Case("empty", "plan.xlsx", lambda: b"", "empty-file", "tom"),
    Case("blank-lines", "plan.xlsx", lambda: b"\r\n  \r\n", "empty-file", "tom"),
    Case("xls", "plan.xls", lambda: ole("Workbook", "SummaryInformation"), "old-excel-format",
         "spara som .xlsx"),
    Case("encrypted-xlsx", "plan.xlsx", lambda: ole("EncryptionInfo", "EncryptedPackage"),
         "encrypted-workbook", "Ta bort lösenordet"),
    Case("zip-password", "plan.xlsx",
         lambda: patch_member(valid_workbook(), "xl/workbook.xml", flags=0x1),
         "encrypted-workbook", "Ta bort lösenordet"),
    Case("doc", "plan.xlsx", lambda: ole("WordDocument"), "not-a-workbook", "Word-dokument"),
    Case("ods", "plan.ods", ods, "ods-workbook", "Spara som .xlsx"),
    Case("xlsb", "plan.xlsx", lambda: zip_of({"[Content_Types].xml": b"<Types/>",
                                              "xl/workbook.bin": bytes(64)}),
         "not-a-workbook", ".xlsb"),
    Case("docx", "plan.xlsx", lambda: zip_of({"[Content_Types].xml": b"<Types/>",
                                              "word/document.xml": b"<w:document/>"}),
         "prose-document", "ett Word-dokument (.docx) men heter som en arbetsbok"),
    Case("csv", "plan.xlsx",
         lambda: "Id;Mål;Nivå\nM1;Trygg stad;KF-mål\nM2;Säker stad;KF-mål\n".encode("cp1252"),
         "text-disguised", "CSV"),
    Case("unicode-text", "plan.xlsx", lambda: "Id\tMål\r\nM1\tTrygg stad\r\n".encode("utf-16"),
         "text-disguised", "CSV"),
    Case("html", "plan.xls",
         lambda: b"<html xmlns:x='urn:schemas-microsoft-com:office:excel'><body><table><tr>"
                 b"<td>Id</td><td>M\xc3\xa5l</td></tr></table></body></html>",
         "text-disguised", "webbsida"),
    Case("xml-2003", "plan.xlsx",
         lambda: b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook '
                 b'xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
         "text-disguised", "Excel 2003 XML"),
    Case("pdf", "plan.xlsx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "prose-document", "Filen är en PDF-fil"),
    Case("png", "plan.xlsx", lambda: b"\x89PNG\r\n\x1a\n" + bytes(64), "not-a-workbook", "bild"),
    Case("truncated", "plan.xlsx", lambda: valid_workbook()[:4000], "not-a-workbook", "avkortad"),
    Case("corrupt-member", "plan.xlsx",
         lambda: patch_member(valid_workbook(), "xl/workbook.xml", declared_size=10),
         "not-a-workbook", "trasigt"),
    Case("zip-without-workbook", "plan.xlsx", lambda: zip_of({"readme.txt": b"hej"}),
         "not-a-workbook", "ingen Excel-arbetsbok"),
    Case("pipe", "plan.xlsx", lambda: b"", "file-not-found", "kan inte läsas"),  # see _make
    # hostile zips
    Case("zip-bomb", "plan.xlsx", lambda: hostile.zip_bomb(8 * MB), "hostile-content", "zip-bomb"),
    Case("shared-string-bomb", "plan.xlsx", lambda: hostile.shared_string_bomb(30 * MB),
         "hostile-content", "zip-bomb"),
    Case("lying-size", "plan.xlsx",
         lambda: patch_member(hostile.zip_bomb(8 * MB), sheet_part(valid_workbook(), "Mål"),
                              declared_size=1000),
         "not-a-workbook", "trasigt"),
    Case("lying-shared-strings", "plan.xlsx",  # declared larger than the prolog check reads
         lambda: patch_member(hostile.shared_string_bomb(8 * MB), "xl/sharedStrings.xml",
                              declared_size=200_000),
         "not-a-workbook", "trasigt"),
    Case("bzip2-bomb", "plan.xlsx", lambda: hostile.bzip2_bomb(4 * MB), "not-a-workbook",
         "metod som Excel inte använder"),
    Case("members", "plan.xlsx",
         lambda: zip_of({f"xl/media/{i}.bin": b"" for i in range(5001)}, zipfile.ZIP_STORED),
         "hostile-content", "5001 delar"),
    Case("unpacked-size", "plan.xlsx", valid_workbook, "too-large", "uppackad",
         env={"PLANCHECKER_MAX_UNPACKED_MB": "0.01"}),
    Case("file-size", "plan.xlsx", valid_workbook, "too-large", "högst 5 kB",
         env={"PLANCHECKER_MAX_FILE_MB": "0.005"}),
    # hostile XML
    Case("billion-laughs", "plan.xlsx", hostile.billion_laughs, "hostile-content", "DTD"),
    Case("external-entity", "plan.xlsx", hostile.external_entity, "hostile-content", "DTD"),
    Case("external-dtd", "plan.xlsx",
         lambda: with_part_xml("xl/workbook.xml",
                               b'<!DOCTYPE workbook SYSTEM "http://example.org/x.dtd">'),
         "hostile-content", "xl/workbook.xml"),
    Case("dtd-in-content-types", "plan.xlsx",
         lambda: with_part_xml("[Content_Types].xml", b'<!DOCTYPE Types [<!ENTITY a "b">]>'),
         "hostile-content", "[Content_Types].xml"),
    Case("dtd-after-padding", "plan.xlsx",
         lambda: with_part_xml("xl/styles.xml", b"<!--" + b" " * 20_000 + b'-->'
                               b'<!DOCTYPE s [<!ENTITY a "b">]>'),
         "hostile-content", "xl/styles.xml"),
    Case("dtd-in-utf16", "plan.xlsx",
         lambda: with_parts(valid_workbook(), {"docProps/custom.xml": (
             '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE p [<!ENTITY a "b">]><p>&a;</p>'
         ).encode("utf-16")}),
         "hostile-content", "docProps/custom.xml"),
    Case("long-prolog", "plan.xlsx",
         lambda: with_part_xml("xl/workbook.xml", b"<!--" + b"x" * 70_000 + b"-->"),
         "hostile-content", "före sitt första element"),
    # broken or oversized sheets
    Case("row-beyond-excel", "plan.xlsx",
         lambda: with_goal_sheet(HEADER + b'<row r="50000000"><c r="A50000000"><v>1</v></c></row>'),
         "not-a-workbook", "ogiltigt radnummer"),
    Case("rows-out-of-order", "plan.xlsx",
         lambda: with_goal_sheet(HEADER.replace(b'r="1"', b'r="5"', 1)
                                 + b'<row r="2"><c r="A2"><v>1</v></c></row>'),
         "not-a-workbook", "ogiltigt radnummer"),
    Case("bad-shared-string", "plan.xlsx",
         lambda: with_goal_sheet(HEADER + b'<row r="2"><c r="A2" t="s"><v>99999</v></c></row>'),
         "not-a-workbook", "kan inte tolkas"),
    Case("error-value", "plan.xlsx",
         lambda: with_goal_sheet(HEADER + b'<row r="2"><c r="A2" t="inlineStr"><is><t>M1</t></is>'
                                 b'</c><c r="B2" t="e"><f>A1/0</f><v>#REF!</v></c></row>'),
         "bad-value", "#REF!", ("Mål", 2, "Mål")),
    Case("formula-without-value", "plan.xlsx",
         lambda: workbook({"Nämnd": NAMND, "Mål": [*GOALS, ["M2", '=CONCAT("a","b")']]}),
         "formula-without-value", "formel utan sparat värde", ("Mål", 3, "Mål")),
    Case("too-many-rows", "plan.xlsx",
         lambda: workbook({"Nämnd": NAMND, "Mål": [*GOALS, *MORE_GOALS]}),
         "too-large", "fler än 5 ifyllda rader", ("Mål", 6, None),
         env={"PLANCHECKER_MAX_ROWS": "5"}),
    Case("long-cell", "plan.xlsx",
         lambda: workbook({"Nämnd": NAMND, "Mål": [*GOALS, ["M2", "Trygg " * 10]]}),
         "bad-value", "högst 40 tas emot", ("Mål", 3, "Mål"),
         env={"PLANCHECKER_MAX_CELL_CHARS": "40"}),
    Case("merges", "plan.xlsx", lambda: many_merges(100_001), "too-large",
         "sammanfogade cellområden", ("Mål", None, None)),
    Case("same-sheet-twice", "plan.xlsx",
         lambda: workbook({"Nämnd": NAMND, "Mål": GOALS, "Risker": [["Id", "Risk"]],
                           "RSA": [["Id", "Risk"]]}),
         "bad-structure", "betyder samma sak", ("RSA", None, None)),
    Case("no-mal-sheet", "plan.xlsx", lambda: workbook({"Nämnd": NAMND}), "missing-sheet",
         "Bladet Mål saknas", ("Mål", None, None)),
    # JSON and YAML
    Case("json-syntax", "plan.json", lambda: b'{"namnd": {"name": "X", }}', "bad-syntax",
         "JSON-fel på rad 1, tecken 25 (här ska ett namn inom citattecken stå"),
    Case("json-binary", "plan.json", lambda: bytes(range(256)), "bad-syntax", "binära data"),
    Case("json-duplicate-key", "plan.json",
         lambda: b'{"namnd": {"name": "A", "type": "facknamnd", "year": 2026}, "goals": [], '
                 b'"goals": []}',
         "bad-syntax", "'goals' förekommer två gånger"),
    Case("json-deep", "plan.json", lambda: deep_json(100_000), "bad-syntax", "djupt nästlad"),
    Case("json-huge-number", "plan.json", lambda: b'{"namnd": ' + b"9" * 5000 + b"}",
         "bad-syntax", "orimligt långt tal"),
    Case("json-is-html", "plan.json", lambda: b"<!DOCTYPE html><html></html>", "bad-syntax",
         "webbsida"),
    Case("yaml-impossible-date", "plan.yaml",
         lambda: yaml_plan("activities:\n  - {id: A1, text: Öva, start: 2026-02-30}\n"),
         "bad-date", "'2026-02-30' är inget datum", ("activities", 1, "start")),
    Case("yaml-duplicate-key", "plan.yaml", lambda: yaml_plan("goals: []\ngoals: []\n"),
         "bad-syntax", "rad 3"),
    Case("yaml-python-tag", "plan.yaml",
         lambda: yaml_plan("goals: !!python/object/apply:os.system ['echo pwned']\n"),
         "bad-syntax", "YAML-fel på rad 2, tecken 8 (en tagg (!!) som inte tillåts"),
    Case("html-dot-leaders", "plan.html", hostile.dot_leader_html, "no-plan-structure",
         "hittades inga mål"),
    Case("yaml-alias-bomb", "plan.yaml", hostile.yaml_alias_bomb, "hostile-content", "YAML-alias"),
    Case("yaml-self-alias", "plan.yml", lambda: yaml_plan("goals: &g [*g]\n"), "hostile-content",
         "YAML-alias"),
    Case("yaml-long-text", "plan.yaml",
         lambda: yaml_plan("goals: [{id: M1, text: " + "x" * 50 + "}]\n"), "bad-value",
         "50 tecken", env={"PLANCHECKER_MAX_CELL_CHARS": "40"}),
]


def _make(case: Case, folder: Path) -> Path:
    path = folder / case.name
    if case.id == "pipe":
        os.mkfifo(path)  # reading a FIFO would wait for a writer forever
    else:
        path.write_bytes(case.build())
    return path


@pytest.fixture()
def cached_rules(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`planchecker check` with the rule catalogue and vocabulary loaded once per test session
    (a second each otherwise); everything after loading them is the real command."""
    shared = checker()

    class _Vocabulary:
        @staticmethod
        def load(_folder: Path) -> Classifier:
            return shared.classifier

    monkeypatch.setattr(checking, "load_catalogue", lambda _rules=None: shared.catalogue)
    monkeypatch.setattr(checking, "Classifier", _Vocabulary)
    yield


def test_the_corpus_is_at_least_thirty_distinct_files() -> None:
    assert len({case.id for case in CORPUS}) == len(CORPUS) >= 30


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.id)
def test_refused_with_code_message_and_place(case: Case, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    path = _make(case, tmp_path)
    start = time.process_time()  # CPU time: other processes on the machine do not count
    result = read_plan(path)
    elapsed = time.process_time() - start
    assert result.plan is None
    assert result.flatten()[0] == (case.code, *case.where)
    assert case.fragment in result.problems[0].message
    assert all(p.location.file == str(path) for p in result.problems)
    assert "internal-error" not in {p.code for p in result.problems}
    assert elapsed < 1.0


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.id)
def test_check_exits_2_naming_file_and_problem(case: Case, tmp_path: Path,
                                               cached_rules: None) -> None:
    path = _make(case, tmp_path)
    result = CliRunner().invoke(cli, ["check", str(path)], env=case.env)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("Fel: Planen kunde inte läsas")
    assert f"{path}" in result.stderr and case.fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_limit_in_the_environment_is_refused_by_the_cli(tmp_path: Path,
                                                            cached_rules: None) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(valid_workbook())
    result = CliRunner().invoke(cli, ["check", str(path)], env={"PLANCHECKER_MAX_ROWS": "många"})
    assert result.exit_code == 2
    assert "PLANCHECKER_MAX_ROWS är 'många'; den ska vara ett positivt heltal" in result.stderr


# --- hostile XML: refused before parsing, and by the parser as well ------------------------------


def test_openpyxl_parses_with_defusedxml() -> None:
    """The second line of defence: if a DTD slipped past sniffing, openpyxl's parser refuses
    entities (it uses defusedxml only when it is installed and OPENPYXL_DEFUSEDXML allows)."""
    assert openpyxl.DEFUSEDXML is True


def test_external_entity_never_reaches_a_message(tmp_path: Path) -> None:
    secret = tmp_path / "hemlig.txt"
    secret.write_text("LÖSENORD-4711", encoding="utf-8")
    path = tmp_path / "plan.xlsx"
    path.write_bytes(hostile.external_entity(secret.as_uri()))
    result = read_plan(path)
    assert [p.code for p in result.problems] == ["hostile-content"]
    assert "LÖSENORD" not in repr(result)


@pytest.mark.parametrize("builder", [hostile.billion_laughs, hostile.external_entity])
def test_dtd_is_refused_from_the_archive_alone(builder: Callable[[], bytes]) -> None:
    sink = ProblemSink("plan.xlsx", Limits())
    with zipfile.ZipFile(io.BytesIO(builder())) as archive:
        assert sniffing.archive_is_safe(archive, sink) is False
    assert [(p.code, "DTD" in p.message) for p in sink.items] == [("hostile-content", True)]


@pytest.mark.parametrize(
    ("label", "build"),
    [
        ("zip bomb, 64 MB sheet", lambda: hostile.zip_bomb(64 * MB)),
        ("30 MB shared string", lambda: hostile.shared_string_bomb(30 * MB)),
        ("billion laughs", hostile.billion_laughs),
        ("bzip2 member, 64 MB", lambda: hostile.bzip2_bomb(64 * MB)),
        ("YAML aliases", hostile.yaml_alias_bomb),
    ],
)
def test_bombs_are_refused_in_bounded_time_and_memory(label: str, build: Callable[[], bytes],
                                                      tmp_path: Path) -> None:
    data = build()
    path = tmp_path / ("plan.yaml" if label.startswith("YAML") else "plan.xlsx")
    path.write_bytes(data)
    tracemalloc.start()
    try:
        start = time.process_time()
        result = read_plan(path)
        elapsed = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.plan is None and result.problems
    assert elapsed < 1.0, label
    assert peak < len(data) + 8 * MB, label  # the file itself, plus a little


# --- batch safety ---------------------------------------------------------------------------------

BAD_IN_BATCH = ["empty", "encrypted-xlsx", "truncated", "csv", "zip-bomb", "billion-laughs",
                "bzip2-bomb", "yaml-alias-bomb", "json-deep"]


def test_review_reports_every_good_plan_and_one_error_row_per_bad_file(tmp_path: Path) -> None:
    folder = tmp_path / "planer"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("source", "*.md"))
    good = sorted(p.name for p in collect_plans([folder]))
    cases = {case.id: case for case in CORPUS}
    bad = []
    for number, case_id in enumerate(BAD_IN_BATCH):
        case = cases[case_id]
        name = f"{number:02d}-{case.id}{Path(case.name).suffix}"
        (folder / name).write_bytes(case.build())
        bad.append(name)
    outcomes = review_plans(collect_plans([folder]), checker().catalogue, workers=2)
    assert sorted(o.file for o in outcomes) == sorted(good + bad)
    by_file = {o.file: o for o in outcomes}
    assert all(by_file[name].report is not None for name in good)
    for case_id, name in zip(BAD_IN_BATCH, bad, strict=True):
        outcome = by_file[name]
        assert (outcome.report, outcome.problems[0].code) == (None, cases[case_id].code), name
    review = build_review(outcomes)
    assert sorted(row.file for row in review.failed) == sorted(bad)
    # Skarpnäck's plan stands twice (.json twin and .xlsx): one row, naming both files.
    assert len(review.rows) == len(good) + len(bad) - 1
    twins = [row for row in review.rows if row.same_plan_in]
    assert [(row.file, *row.same_plan_in) for row in twins] == [
        ("skarpnack-sdn-2021.json", "skarpnack-sdn-2021.xlsx")]


def test_write_atomic_keeps_the_old_file_when_the_rename_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "granskning.xlsx"
    target.write_bytes(b"den gamla, hela rapporten")

    def interrupted(_source: str, _target: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        outputs.write_atomic(target, b"en ny rapport")
    assert target.read_bytes() == b"den gamla, hela rapporten"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["granskning.xlsx"]


def test_write_atomic_keeps_the_old_file_when_the_write_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "granskning.json"
    target.write_bytes(b"{}")

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", disk_full)
    with pytest.raises(OSError):
        outputs.write_atomic(target, b'{"ny": true}' * 1000)
    assert target.read_bytes() == b"{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["granskning.json"]


def test_write_atomic_replaces_the_file_when_all_goes_well(tmp_path: Path) -> None:
    target = tmp_path / "ut" / "rapport.md"
    outputs.write_atomic(target, b"# Rapport\n")
    outputs.write_atomic(target, b"# Ny rapport\n")
    assert target.read_bytes() == b"# Ny rapport\n"
    assert [p.name for p in target.parent.iterdir()] == ["rapport.md"]


# --- rule and vocabulary files --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "reason"),
    [("{brand,larm", "obalanserade klamrar"), ("{}", "tomma klamrar"), ("* *", "")],
)
def test_vocabulary_term_that_does_not_compile_names_file_and_entry(
        tmp_path: Path, term: str, reason: str) -> None:
    folder = tmp_path / "vocabulary"
    shutil.copytree(default_vocabulary_dir(), folder)
    path = folder / "forebygga_olyckor.yaml"
    vocabulary = yaml.safe_load(path.read_text(encoding="utf-8"))
    vocabulary["terms"].append({"term": term})
    path.write_text(yaml.safe_dump(vocabulary, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        Classifier.load(folder)
    entry = f"forebygga_olyckor.yaml: terms[{len(vocabulary['terms']) - 1}] ({term!r})"
    assert str(caught.value).startswith(entry)
    assert reason in str(caught.value)


def test_hostile_benchmark_prints_time_and_memory_for_each_case(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert hostile.main(["--quick"]) == 0
    out = capsys.readouterr().out
    expected = [("zip bomb", "hostile-content"), ("shared string", "hostile-content"),
                ("billion laughs", "hostile-content"), ("external entity", "hostile-content"),
                ("bzip2 member", "not-a-workbook"), ("valid plan", "ok")]
    for label, code in expected:
        row = next(line for line in out.splitlines() if label in line)
        assert code in row and len(row.split()) > 8, row
    assert "peak RSS MB" in out


def test_write_atomic_honours_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "rapport.json"
    old = os.umask(0o022)
    try:
        outputs.write_atomic(target, b"{}")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        os.umask(0o077)
        outputs.write_atomic(tmp_path / "privat.json", b"{}")
        assert stat.S_IMODE((tmp_path / "privat.json").stat().st_mode) == 0o600
        target.chmod(0o640)
        outputs.write_atomic(target, b"[]")  # a report written over another keeps its mode
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    finally:
        os.umask(old)
