"""Where the readers put what they find wrong: one sink per file, capped, every problem located.

Each reader module (sniffing, sheets, documents) adds coded problems here instead of raising, so a
nämnd sees every problem in its file at once; `TooManyProblems` ends a hopeless file early.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planchecker.common.model import Location
from planchecker.common.problems import InputProblem
from planchecker.reading.limits import Limits


class TooManyProblems(Exception):
    """The sink is full; `too-many-problems` has been added and reading stops."""


class Unreadable(Exception):
    """openpyxl or the zip layer failed on this file; the message is a Swedish detail."""


class ProblemSink:
    """The problems found in one file, each with a Location naming that file."""

    def __init__(self, file: str, limits: Limits) -> None:
        self.file = file
        self.name = Path(file).name  # for messages; the Location keeps the path as given
        self.limits = limits
        self.items: list[InputProblem] = []
        self.notes: list[InputProblem] = []  # worth telling, but the plan is still checked

    def problem(self, code: str, *, sheet: str | None = None, row: int | None = None,
                column: str | None = None, letter: str | None = None, **values: Any
                ) -> InputProblem:
        where = Location(file=self.file, sheet=sheet, row=row, column=column, letter=letter)
        return InputProblem(code, where, values)

    def add(self, code: str, **kwargs: Any) -> None:
        if len(self.items) >= self.limits.max_problems:
            self.items.append(self.problem("too-many-problems", limit=self.limits.max_problems))
            raise TooManyProblems
        self.items.append(self.problem(code, **kwargs))

    def note(self, code: str, **kwargs: Any) -> None:
        """Something the user should know that does not stop the plan being checked."""
        if len(self.notes) < self.limits.max_problems:
            self.notes.append(self.problem(code, **kwargs))
