"""What users read cites official sources and carries no working notes.

Two guards over everything a user sees (rule files, the generated rules reference, the schemas,
every report format in the golden files, and the web pages): links go only to the hosts listed in
rules/sources.yaml, and none of the notes the rule authors kept while researching (source-file
names, requirement-catalogue ids, confidence letters, "obekräftad") leaks into them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from planchecker.checking.rulebook import Catalogue, load_catalogue
from planchecker.web import app as web
from tests.web_support import SODERMALM, multipart

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = load_catalogue()
ALLOWED: list[str] = yaml.safe_load((ROOT / "rules" / "sources.yaml").read_text(encoding="utf-8"))[
    "allowed_hosts"
]

_URL = re.compile(r"https?://[^\s<>\"')\]]+")

# Working notes of the rule authors. Each pattern is what such a note looks like in running text.
WORKING_NOTES: dict[str, re.Pattern[str]] = {
    "källfilens namn": re.compile(r"\(seed|\bseed 00[0-9]|\bseeds?/"),
    "kravkatalogens namn": re.compile(r"domain\.md"),
    "osäkerhetsmarkering": re.compile(r"obekräftad|sekundärkäll|bekräftat via", re.IGNORECASE),
    "konfidensbokstav": re.compile(r"\((?:[CSU]|C\s*/\s*U)\)|, [CSU](?:,|\))|\bsäkerhet [CSU]\b|confidence\W+[CSU]\b"),
}
# Requirement-catalogue ids look like STH-SP20-02 or OK-KB-03: letters, parts, two digits last.
_CATALOGUE_ID = re.compile(r"(?<![\w-])[A-ZÅÄÖ]{2,}(?:-[A-ZÅÄÖ0-9]+)*-\d{2}(?![\w-])")


def host_allowed(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == allowed or host.endswith("." + allowed) for allowed in ALLOWED)


def _rule_ids(catalogue: Catalogue) -> set[str]:
    return {key for bound in catalogue.rules for key in (bound.id, *bound.rule.aliases)}


RULE_IDS = _rule_ids(CATALOGUE)


def working_notes(text: str) -> list[str]:
    """The working notes in a text, named by kind, with the words around them."""
    found = [
        f"{kind}: …{text[max(0, m.start() - 40):m.end() + 40]}…"
        for kind, pattern in WORKING_NOTES.items()
        for m in pattern.finditer(text)
    ]
    found += [f"kravkatalogens id: {m.group()}" for m in _CATALOGUE_ID.finditer(text) if m.group() not in RULE_IDS]
    return found


def _without_comments(text: str, marker: str) -> str:
    """A source text with its comment lines blanked: comments are for developers, not users."""
    return "\n".join("" if line.lstrip().startswith(marker) else line for line in text.splitlines())


def user_facing_files() -> Iterator[tuple[Path, str]]:
    for path in sorted((ROOT / "rules").rglob("*.yaml")):
        yield path, _without_comments(path.read_text(encoding="utf-8"), "#")
    for path in [ROOT / "rules" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        yield path, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "schemas").glob("*.json")):
        yield path, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "tests" / "golden").rglob("*")):
        if path.is_file():
            yield path, path.read_text(encoding="utf-8", errors="replace")


# --- the checks themselves ----------------------------------------------------------------------


def test_the_patterns_catch_the_notes_they_are_for() -> None:
    notes = [
        "remissvar Södermalm (seed 001)",
        "(domain.md OK-CF-01, C, 2018–2023)",
        "2 kap. (§ obekräftad)",
        "Varning, eftersom kravet bara är bekräftat via sekundärkällor.",
        "Källa: LEH (säkerhet S)",
        "enligt STH-SP20-02",
    ]
    assert all(working_notes(note) for note in notes), [n for n in notes if not working_notes(n)]
    clean = "Lag (2023:196) 4 §; SAK20-RSA-BOLAG-AKTUELL-15 och LEH-RSA-NAMND-AKTUELL-15 (Lagkrav)."
    assert working_notes(clean) == []


def test_the_allowlist_tells_official_hosts_from_mirrors() -> None:
    assert host_allowed("https://rkrattsbaser.gov.se/sfst?bet=2006:544")
    assert host_allowed("https://stadshusab.stockholm.se/ekonomi-och-styrning/ils/")
    for mirror in ("https://5dok.org/document/x.html", "https://docplayer.se/amp/1.html",
                   "https://slideplayer.se/amp/1", "https://abcdocz.com/doc/1", "https://notstockholm.se/"):
        assert not host_allowed(mirror), mirror


# --- provenance (item 10) -----------------------------------------------------------------------


def test_every_source_link_goes_to_an_allowed_host() -> None:
    links = [(p.id, p.source.url) for p in CATALOGUE.packs]
    links += [(b.id, b.rule.source.url) for b in CATALOGUE.rules]
    bad = [(owner, url) for owner, url in links if url is not None and not host_allowed(url)]
    assert bad == []


@pytest.mark.parametrize("path", [ROOT / "docs" / "rules.md", *sorted((ROOT / "rules").glob("*.yaml"))],
                         ids=lambda p: p.name)
def test_no_file_users_read_links_outside_the_allowlist(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".yaml":
        text = _without_comments(text, "#")
    assert [u for u in _URL.findall(text) if not host_allowed(u)] == []


def test_every_rule_says_what_it_rests_on() -> None:
    missing = [b.id for b in CATALOGUE.rules if len(b.rule.basis_note) < 10]
    assert missing == []


# --- no working notes (item 11) ---------------------------------------------------------------


def test_no_working_notes_in_files_users_read() -> None:
    problems = [f"{path.relative_to(ROOT)}: {note}" for path, text in user_facing_files()
                for note in working_notes(text)]
    assert problems == []


def test_no_working_notes_in_the_program_text_users_see() -> None:
    problems = []
    for path in sorted((ROOT / "planchecker").rglob("*.py")):
        code = _without_comments(path.read_text(encoding="utf-8"), "#")
        problems += [f"{path.name}: {note}" for note in working_notes(code)
                     if not note.startswith("kravkatalogens id")]
    assert problems == []


def test_no_working_notes_on_the_web_pages() -> None:
    client = web.create_app().test_client()
    pages = {url: client.get(url).data.decode() for url in ("/", "/rules")}
    body, content_type = multipart({}, {"plan": (SODERMALM.name, SODERMALM.read_bytes())})
    pages["/check"] = client.post("/check", data=body, content_type=content_type).data.decode()
    problems = [f"{url}: {note}" for url, html in pages.items() for note in working_notes(html)]
    assert problems == []
    assert [u for html in pages.values() for u in _URL.findall(html)
            if not host_allowed(u) and "localhost" not in u] == []
