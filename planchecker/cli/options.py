"""What the command modules share: exit codes and option parsing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

EXIT_OK, EXIT_GAPS, EXIT_ERROR = 0, 1, 2


def parse_date(_ctx: Any, _param: Any, value: str | None) -> dt.date | None:
    """Click callback for date options: ISO dates only, with a Swedish message otherwise."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} är inget datum; skriv ÅÅÅÅ-MM-DD.") from None
