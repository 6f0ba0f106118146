"""The Excel contract: which sheets and columns a plan workbook has, as data.

The reader, the template and the instruction sheet are all generated from `SHEETS`, so a column
renamed here is renamed everywhere. Names typed by people are matched through `model.fold` plus a
small alias table (singular/plural, common variants) rather than stemming: a wrong guess about what
a header means would silently read the wrong column. What a cell of each kind may hold is in
`cells.py`.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from planchecker.common import model
from planchecker.reading.cells import YES_NO_LABELS, clean_text, parse_yes_no

Kind = Literal["text", "id", "ids", "date", "int", "topics", "choice"]


@dataclass(frozen=True)
class Column:
    """One column of a sheet (or one field row of the Nämnd sheet)."""

    header: str
    field: str
    kind: Kind
    help: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    # Model value -> Swedish label; the labels are what drop-downs offer and what the writer writes.
    labels: Mapping[Any, str] = dataclasses.field(default_factory=dict, hash=False)
    # Swedish label or code -> model value (None when unknown); only for kind "choice".
    parse: Callable[[str], Any] | None = None
    bounds: tuple[int, int] | None = None
    width: int = 14

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.labels.values())


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook; `plan_field` is the Plan attribute it fills."""

    name: str
    plan_field: str
    help: str
    columns: tuple[Column, ...]
    required: bool = False
    aliases: tuple[str, ...] = ()
    form: bool = False  # field/value rows (the Nämnd sheet) instead of a table

    def column(self, field_name: str) -> Column | None:
        return next((c for c in self.columns if c.field == field_name), None)


def _id(help_text: str) -> Column:
    return Column("Id", "id", "id", help_text, required=True, aliases=("Nr", "Nummer"), width=10)


def _goal_link(help_text: str) -> Column:
    return Column("Mål-id", "goal_id", "id", help_text, aliases=("Målid", "Mål nr"), width=10)


def _topics() -> Column:
    return Column(
        "Fokusområde",
        "topics",
        "topics",
        "Ett eller flera fokusområden i säkerhets- eller trygghetsprogrammet, åtskilda med komma "
        "eller semikolon. Det som står här gäller alltid före tolkningen av radens text. Lämna "
        "tomt om raden inte hör till något fokusområde; då bedöms texten, och rapporten visar vad "
        "som avgjorde.",
        aliases=("Fokusområden",),
        labels=model.TOPIC_LABELS,
        width=30,
    )


def _date(header: str, field_name: str, help_text: str, *aliases: str) -> Column:
    return Column(header, field_name, "date", help_text, aliases=aliases, width=12)


def _text(header: str, field_name: str, help_text: str, *aliases: str, **kw: Any) -> Column:
    return Column(header, field_name, "text", help_text, aliases=aliases, **kw)


# What the template's Nämnd sheet holds until the nämnd writes its own name: never a name.
PLACEHOLDER_NAME = "Nämndens namn"

_DATE_HELP = "Datum som ÅÅÅÅ-MM-DD, t.ex. 2026-03-31."

NAMND = Sheet(
    "Nämnd",
    "namnd",
    "Uppgifter om nämnden eller bolaget som planen gäller. Skriv värdet i kolumnen Värde.",
    (
        _text("Nämnd", "name", "Nämndens eller bolagets namn.", "Namn", "Bolag", required=True),
        Column(
            "Typ",
            "type",
            "choice",
            "Vilken sorts nämnd eller styrelse planen gäller.",
            required=True,
            aliases=("Nämndtyp",),
            labels=model.NAMND_TYPE_LABELS,
            parse=model.parse_namnd_type,
        ),
        Column(
            "År",
            "year",
            "int",
            "Planåret, t.ex. 2026.",
            required=True,
            aliases=("Planår",),
            bounds=(2000, 2100),
        ),
        Column(
            "Säkerhetskänslig verksamhet",
            "sakerhetskanslig",
            "choice",
            "Skriv ja om nämnden bedriver säkerhetskänslig verksamhet enligt "
            "säkerhetsskyddslagen, annars nej.",
            aliases=("Säkerhetskänslig",),
            labels=YES_NO_LABELS,
            parse=parse_yes_no,
        ),
    ),
    required=True,
    aliases=("Nämnden", "Bolag"),
    form=True,
)

GOALS = Sheet(
    "Mål",
    "goals",
    "Planens mål: KF-mål, nämndmål och andra mål som aktiviteter och indikatorer hör till.",
    (
        _id("Målets id, unikt i bladet, t.ex. M1."),
        _text("Mål", "text", "Målets formulering.", "Målformulering", required=True, width=60),
        _text("Nivå", "level", "Målets nivå, t.ex. KF-mål, inriktningsmål eller nämndmål."),
        _topics(),
        Column(
            "Överordnat mål",
            "parent",
            "id",
            "Id för det mål som detta mål bidrar till. Lämna tomt för ett översta mål.",
            aliases=("Överordnat mål-id", "Överordnat"),
        ),
    ),
    required=True,
)

INDICATORS = Sheet(
    "Indikatorer",
    "indicators",
    "Indikatorer som mäter om målen nås.",
    (
        _id("Indikatorns id, unikt i bladet, t.ex. I1."),
        _goal_link("Id för målet som indikatorn mäter. Tomt betyder inget mål."),
        _text("Indikator", "text", "Vad som mäts.", "Indikatorer", required=True, width=60),
        _text("Målvärde", "target", "Värdet som ska nås, t.ex. 95 eller 'minst 2 övningar'."),
        _text("Enhet", "unit", "Måttets enhet, t.ex. procent eller antal."),
    ),
    aliases=("Indikator",),
)

ACTIVITIES = Sheet(
    "Aktiviteter",
    "activities",
    "Aktiviteter som nämnden genomför under året.",
    (
        _id("Aktivitetens id, unikt i bladet, t.ex. A1."),
        _goal_link("Id för målet som aktiviteten bidrar till. Tomt betyder inget mål."),
        _text("Aktivitet", "text", "Vad som ska göras.", "Aktiviteter", required=True, width=60),
        _topics(),
        _text("Ansvarig", "responsible", "Ansvarig funktion eller enhet.", width=20),
        _date("Start", "start", _DATE_HELP, "Startdatum"),
        _date("Slut", "end", _DATE_HELP, "Slutdatum"),
        Column(
            "Status",
            "status",
            "choice",
            "Aktivitetens status.",
            labels=model.STATUS_LABELS,
            parse=model.parse_status,
        ),
        Column(
            "Risk-id",
            "risk_ids",
            "ids",
            "Id för de RSA-risker som aktiviteten möter, åtskilda med komma eller semikolon.",
            aliases=("Risk-ider", "Riskid", "RSA-id", "Risker"),
        ),
    ),
    aliases=("Aktivitet",),
)

RISKS = Sheet(
    "RSA",
    "risks",
    "Risker ur nämndens risk- och sårbarhetsanalys (RSA).",
    (
        _id("Riskens id, unikt i bladet, t.ex. R1."),
        _text("Risk", "text", "Den oönskade händelsen eller hotet.", "Risker", required=True,
              width=50),
        _text(
            "Samhällsviktig verksamhet",
            "function",
            "Den samhällsviktiga verksamhet som påverkas.",
            "Samhällsviktig funktion",
            width=30,
        ),
        Column(
            "Sannolikhet",
            "probability",
            "int",
            "Heltal 1–5 (1 = mycket låg, 5 = mycket hög).",
            required=True,
            bounds=(1, 5),
            width=12,
        ),
        Column(
            "Konsekvens",
            "consequence",
            "int",
            "Heltal 1–5 (1 = mycket begränsad, 5 = katastrofal).",
            required=True,
            aliases=("Konsekvenser",),
            bounds=(1, 5),
            width=12,
        ),
        _text("Åtgärd", "measure", "Planerad åtgärd mot risken.", "Åtgärder", width=50),
    ),
    aliases=("Risk", "Risker", "Risk- och sårbarhetsanalys"),
)

DOCUMENTS = Sheet(
    "Dokument",
    "documents",
    "Styrdokument som nämnden har beslutat, t.ex. RSA, kontinuitetsplan eller SBA.",
    (
        _text("Dokument", "name", "Dokumentets namn.", "Dokumentnamn", required=True, width=40),
        Column(
            "Typ",
            "type",
            "choice",
            "Vilken sorts dokument det är.",
            required=True,
            aliases=("Dokumenttyp",),
            labels=model.DOCUMENT_TYPE_LABELS,
            parse=model.parse_document_type,
            width=40,
        ),
        _date("Beslutad", "decided", _DATE_HELP, "Beslutsdatum", "Beslutat"),
        _date("Giltig till", "valid_until", _DATE_HELP, "Giltigt till"),
        _text("Beslutad av", "decided_by", "Vem som beslutade, t.ex. nämnden.", "Beslutat av"),
    ),
    aliases=("Styrdokument",),
)

WAIVERS = Sheet(
    "Undantag",
    "waivers",
    "Beslutade undantag från en regel i planchecker. Ett undantag visas i rapporten.",
    (
        _text("Regel", "rule", "Regelns id, t.ex. SAK20-KRIS-MAL.", "Regel-id", required=True),
        _text("Motivering", "motivation", "Varför regeln inte gäller.", required=True, width=60),
        _text("Beslutad av", "decided_by", "Vem som beslutade undantaget.", "Beslutat av"),
        _date("Giltig till", "valid_until", _DATE_HELP, "Giltigt till"),
    ),
)

SHEETS: tuple[Sheet, ...] = (NAMND, GOALS, INDICATORS, ACTIVITIES, RISKS, DOCUMENTS, WAIVERS)


def header_key(value: Any) -> str:
    """Matching key for a sheet or header name; a trailing `*` or `:` (required mark) is dropped."""
    return model.fold(clean_text(str(value))).rstrip(" *:")


_SHEET_KEYS = {header_key(name): s for s in SHEETS for name in (s.name, *s.aliases)}
_COLUMN_KEYS = {
    s.name: {header_key(name): c for c in s.columns for name in (c.header, *c.aliases)}
    for s in SHEETS
}


def match_sheet(title: str) -> Sheet | None:
    return _SHEET_KEYS.get(header_key(title))


# "Aktiviteter 2027", "Mål (utkast)", "RSA_v2": a contract name with a year, a version or a note.
_DECORATED = re.compile(r"[ (\[]")


def near_sheet(title: str) -> Sheet | None:
    """The contract sheet a sheet name not matched by `match_sheet` most likely meant, if any:
    the name begins with a contract name ("Aktiviteter 2027"), or is a near spelling of one
    ("Aktivitter"). Only for suggestions: a near name is never read as that sheet."""
    key = header_key(title)
    if not key or key in _SHEET_KEYS:
        return None
    for name, sheet in _SHEET_KEYS.items():
        if key.startswith(name) and _DECORATED.match(key, len(name)):
            return sheet
    close = difflib.get_close_matches(key, list(_SHEET_KEYS), n=1, cutoff=0.75)
    return _SHEET_KEYS[close[0]] if close else None


def match_column(sheet: Sheet, value: Any) -> Column | None:
    if value is None or isinstance(value, bool):
        return None
    return _COLUMN_KEYS[sheet.name].get(header_key(value))


def is_exact_header(column: Column, value: Any) -> bool:
    """Whether a header cell names the column by its own header, not by an alias ("Id", not
    "Nr"): an exact name wins over an alias when both stand in one header row."""
    return header_key(value) == header_key(column.header)


def sheet_for(plan_field: str) -> Sheet | None:
    return next((s for s in SHEETS if s.plan_field == plan_field), None)
