"""Input problems: a small closed set of codes with Swedish titles and templates.

Readers never raise for bad input; they return every problem they found, each with a Location,
so that a nämnd fixes its workbook in one round instead of one error at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from planchecker.common.model import Location

if TYPE_CHECKING:
    from planchecker.common.model import Plan

# code -> (Swedish title, str.format template filled from the problem's `values`)
PROBLEM_CODES: dict[str, tuple[str, str]] = {
    "file-not-found": ("Filen finns inte", "Filen finns inte eller kan inte läsas."),
    "unsupported-format": (
        "Okänt filformat",
        "Filformatet {suffix!s} stöds inte. Spara planen som .xlsx, .json eller .yaml.",
    ),
    "not-a-workbook": (
        "Inte en Excel-arbetsbok",
        "Filen är inte en giltig .xlsx-arbetsbok ({detail}). Öppna den i Excel och spara som .xlsx.",
    ),
    "old-excel-format": (
        "Gammalt Excel-format",
        "Filen är i det gamla binära Excel-formatet (.xls). Öppna den i Excel och spara som .xlsx.",
    ),
    "encrypted-workbook": (
        "Lösenordsskyddad arbetsbok",
        "Arbetsboken är krypterad eller lösenordsskyddad. Ta bort lösenordet och spara igen.",
    ),
    "ods-workbook": (
        "OpenDocument-kalkylblad",
        "Filen är ett OpenDocument-kalkylblad (.ods). Spara som .xlsx.",
    ),
    "text-disguised": (
        "Text i stället för arbetsbok",
        "Filen ser ut som {what}, inte som en .xlsx-arbetsbok. Öppna den i Excel och spara som .xlsx.",
    ),
    "prose-document": (
        "Plan i dokumentform",
        "Filen är {what} men heter som en arbetsbok eller JSON/YAML-plan. Ge den dess egen "
        "filändelse (.docx eller .pdf): då tolkas planen ur dokumentet, och "
        "`planchecker import` skriver den som en förifylld Excel-mall att kontrollera.",
    ),
    "empty-file": ("Tom fil", "Filen är tom. Spara planen på nytt och skicka den igen."),
    "too-large": ("För stor fil", "{detail}"),
    "hostile-content": ("Otillåtet innehåll", "{detail}"),
    "bad-syntax": ("Felaktig syntax", "Filen kan inte tolkas: {detail}"),
    "bad-structure": ("Felaktig struktur", "{detail}"),
    "missing-sheet": ("Blad saknas", "Bladet {sheet!s} saknas. Det är obligatoriskt."),
    "unknown-sheet": (
        "Okänt blad",
        "Bladet '{title!s}' känns inte igen – menade du '{suggestion!s}'? Byt namn på bladet till "
        "{suggestion!s}; annars skulle planen granskas som om bladet {suggestion!s} saknades.",
    ),
    "unread-sheet": (
        "Blad som inte läses",
        "Bladet '{title!s}' känns inte igen och läses inte; bara bladet {read!s} läses. Flytta "
        "raderna dit eller ta bort bladet.",
    ),
    "unknown-sheet-content": (
        "Blad som inte läses",
        "Bladet '{title!s}' känns inte igen och läses inte. Planens blad heter {names!s}.",
    ),
    "ambiguous-column": (
        "Två kolumner för samma uppgift",
        "Kolumnerna '{first!s}' ({first_letter!s}) och '{second!s}' ({second_letter!s}) kan båda "
        "vara {column!s}; '{used!s}' läses. Byt namn på eller ta bort den andra.",
    ),
    "empty-workbook": ("Tom arbetsbok", "Arbetsboken innehåller inga ifyllda blad."),
    "missing-column": ("Kolumn saknas", "Kolumnen {column!s} saknas i bladet {sheet!s}."),
    "missing-field": ("Uppgift saknas", "Uppgiften {field!s} saknas."),
    "missing-value": ("Värde saknas", "Cellen är tom men måste fyllas i."),
    "duplicate-id": ("Dubbelt id", "Id {value!s} förekommer redan på rad {first_row!s}."),
    "bad-date": (
        "Felaktigt datum",
        "{value!r} är inget datum. Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2021-03-31.",
    ),
    "bad-number": ("Felaktigt tal", "{value!r} är inget heltal."),
    "out-of-range": ("Värde utanför intervallet", "{value!s} ligger utanför {low!s}–{high!s}."),
    "bad-choice": ("Okänt värde", "{value!r} är inget giltigt värde. Tillåtna: {allowed!s}."),
    "unknown-topic": (
        "Okänt fokusområde",
        "{part!r}{where!s} är inget fokusområde{hint!s}{more!s} Tillåtna: {allowed!s}.",
    ),
    "bad-value": ("Felaktigt värde", "{detail}"),
    "formula-without-value": (
        "Formel utan beräknat värde",
        "Cellen innehåller en formel utan sparat värde. Öppna filen i Excel, spara och försök igen.",
    ),
    "no-plan-structure": ("Ingen planstruktur", "{detail}"),
    "document-question": ("Uppgift saknas i dokumentet", "{detail}"),
    "scanned-document": (
        "Inget textlager",
        "{detail}. Kör dokumentet genom textigenkänning (OCR) eller skicka originalet "
        "(Word eller PDF exporterad från planeringssystemet).",
    ),
    "encrypted-document": (
        "Lösenordsskyddat dokument",
        "{detail}. Ta bort lösenordet och spara igen.",
    ),
    "too-many-problems": (
        "För många fel",
        "Fler än {limit!s} fel hittades; resten visas inte.",
    ),
    "over-budget": ("Gräns för tid eller minne", "{detail}"),
    "internal-error": (
        "Internt fel",
        "Ett oväntat fel inträffade i planchecker ({detail}). Rapportera felet.",
    ),
}


@dataclass(frozen=True)
class InputProblem:
    """One problem with the input, with where it is and what it was."""

    code: str
    location: Location
    values: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_CODES:
            raise ValueError(f"unknown problem code {self.code!r}")

    @property
    def title(self) -> str:
        return PROBLEM_CODES[self.code][0]

    @property
    def message(self) -> str:
        template = PROBLEM_CODES[self.code][1]
        values = {"sheet": self.location.sheet, "column": self.location.column, **self.values}
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return template

    def describe(self) -> str:
        return f"{self.location.describe()}: {self.title}: {self.message}"

    def flatten(self, keys: Iterable[str]) -> tuple[Any, ...]:
        row = {
            "code": self.code,
            "file": self.location.file,
            "sheet": self.location.sheet,
            "row": self.location.row,
            "column": self.location.column,
        }
        return tuple(row[k] for k in keys)

    def to_record(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "message": self.message,
            "location": self.location.model_dump(exclude_none=True),
        }


@dataclass(frozen=True)
class ReadResult:
    """What a reader returns: a plan when the file was readable, and every problem found."""

    plan: Plan | None
    problems: list[InputProblem]
    notes: list[InputProblem] = field(default_factory=list)  # told, but the plan was checked
    # Set when the plan was read from a published document (.docx, .pdf, .html) whose structure
    # was inferred: a docimport.Imported (what was found, where, and what to check).
    imported: Any = None

    @property
    def notice(self) -> str | None:
        """The line a report opens with when the structure was inferred; else None."""
        return self.imported.notice() if self.imported is not None else None

    @property
    def ok(self) -> bool:
        return self.plan is not None and not self.problems

    def flatten(self, keys: Iterable[str] = ("code", "sheet", "row", "column")) -> list[tuple[Any, ...]]:
        keys = tuple(keys)
        return [p.flatten(keys) for p in self.problems]


class PlancheckerError(click.ClickException):
    """A user-facing failure: Swedish message, exit code 2 (could not check)."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        click.echo(f"Fel: {self.format_message()}", err=True, file=file)


class InputError(PlancheckerError):
    """The plan file could not be read; carries every problem found."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems
        lines = [f"Planen kunde inte läsas ({len(problems)} fel):"]
        lines += [f"  - {p.describe()}" for p in problems]
        super().__init__("\n".join(lines))
