"""How much a plan file may hold before it is refused, and how to change it.

A plan that passes these limits is read in bounded time and memory; anything larger is refused as
`too-large` (honest but too big) or `hostile-content` (built to exhaust the reader), with a Swedish
message naming the file. The zip-level limits are checked from the archive's directory and the
first bytes of each part, before any parser sees them.

| Limit                                   | Default   | Environment variable          |
|-----------------------------------------|-----------|-------------------------------|
| file size on disk                       | 20 MB     | `PLANCHECKER_MAX_FILE_MB`     |
| unpacked size of all workbook parts     | 200 MB    | `PLANCHECKER_MAX_UNPACKED_MB` |
| compression ratio of a part over 1 MB   | 100:1     | `PLANCHECKER_MAX_RATIO`       |
| rows per sheet (with content)           | 100000    | `PLANCHECKER_MAX_ROWS`        |
| cells per sheet (counted in its XML)    | 2000000   | `PLANCHECKER_MAX_CELLS`       |
| characters per cell or JSON/YAML text   | 32767     | `PLANCHECKER_MAX_CELL_CHARS`  |
| parts in the zip archive                | 5000      | -                             |
| merged cell ranges per sheet            | 100000    | -                             |
| styles.xml, when openpyxl must read     | 10 MB     | -                             |
| shared strings, when openpyxl must read | 2000000   | -                             |
| values in a JSON/YAML plan (aliases     | 1000000   | -                             |
| counted expanded)                       |           |                               |
| problems reported per file              | 200       | -                             |
| pages in a PDF                          | 200       | -                             |
| objects in a PDF                        | 200000    | -                             |
| size of a saved web page (.html)        | 10 MB     | -                             |
| element nesting in a web page           | 200       | -                             |
| time to check one plan (seconds)        | 120       | `PLANCHECKER_MAX_SECONDS`     |
| memory to check one plan                | 1024 MB   | `PLANCHECKER_MAX_MEMORY_MB`   |

A Word document (.docx) is a zip like a workbook and is held to the same zip limits. A PDF's
streams are unpacked with a cap before the PDF reader sees them and count against the unpacked
size limit. The paragraphs of a document count as rows.

The cell limit is checked by counting the `<c` tags of a sheet's XML before any parser reads it
(an empty cell that only carries formatting counts too). A sheet with error values or formulas
saved without a result is read by openpyxl, which loads the workbook's styles and shared strings
whole (a 120 MB styles.xml took 1.4 GB): such a sheet is refused when those parts are over the
two limits marked "when openpyxl must read"; every other sheet is read by calamine, which is
bounded by the cell limit.

MB is 1024 * 1024 bytes; the MB variables take decimals ("0.5"). 32,767 characters is Excel's own
cap on a cell. The last two are budgets rather than limits on the file: every check of one plan
runs in a process of its own (`check` forks one, `review`/`schedule` and the web page use worker
processes), whose address space is capped at what it had before the plan plus the memory budget
(Linux, RLIMIT_AS), and which the process that waits for it kills when the time is up. So an input
that no limit above foresaw ends as a Swedish "tog för lång tid / för mycket minne" for that
file alone, never as a hang or as an out-of-memory kill of the whole run. An unset or empty variable keeps the default; any other value that is not a
positive number is refused with `LimitsError` (exit code 2), never silently ignored.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from planchecker.common.problems import PlancheckerError

MB = 1024 * 1024


class LimitsError(PlancheckerError):
    """A limit set in the environment is not a usable number."""


@dataclass(frozen=True)
class Limits:
    """How much a plan file may hold; more is refused as `too-large` or `hostile-content`."""

    max_file_size: int = 20 * MB  # bytes on disk
    max_uncompressed: int = 200 * MB  # sum of the zip members' unpacked sizes
    max_ratio: int = 100  # unpacked:packed, checked for members above ratio_min_size
    ratio_min_size: int = 1 * MB
    max_members: int = 5_000  # parts in the zip archive
    max_rows: int = 100_000  # rows with content per sheet
    # `<c` tags per sheet: 20 columns filled on each of 100,000 rows; 4.9 M cells took 48 s
    max_cells: int = 2_000_000
    max_text_length: int = 32_767  # characters per cell or JSON/YAML string (Excel's own cap)
    max_merged_ranges: int = 100_000  # merged cell ranges per sheet
    # what openpyxl may load whole for a sheet calamine cannot be trusted with; real plans'
    # styles.xml are 2-200 kB, and openpyxl takes ~12 bytes of memory per byte of it
    max_styles_size: int = 10 * MB
    max_shared_strings: int = 2_000_000  # <si> entries; ~150 bytes each in openpyxl
    max_nodes: int = 1_000_000  # values in a JSON/YAML document, YAML aliases counted expanded
    max_problems: int = 200  # problems reported before `too-many-problems`
    # pages in a PDF: plans run to 20-80 pages; pdfminer reads 0.05-0.4 s a page on this machine
    max_pages: int = 200
    max_pdf_objects: int = 200_000  # "n 0 obj" in a PDF; real plans have a few thousand
    max_html_size: int = 10 * MB  # a saved web page
    max_nesting: int = 200  # open elements in a web page; real pages nest 20-40 deep
    max_seconds: int = 120  # wall-clock time to read and check one plan
    max_memory: int = 1024 * MB  # address space one plan's check may add to its process

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, changed by the `PLANCHECKER_MAX_*` variables that are set."""
        environ = os.environ if environ is None else environ
        changes: dict[str, int] = {}
        for name, (field, unit) in ENV_VARS.items():
            text = environ.get(name, "").strip()
            if text:
                changes[field] = _parse(name, text, unit)
        return dataclasses.replace(cls(), **changes)


# variable -> (Limits field, bytes per unit; 1 for a count)
ENV_VARS: dict[str, tuple[str, int]] = {
    "PLANCHECKER_MAX_FILE_MB": ("max_file_size", MB),
    "PLANCHECKER_MAX_UNPACKED_MB": ("max_uncompressed", MB),
    "PLANCHECKER_MAX_RATIO": ("max_ratio", 1),
    "PLANCHECKER_MAX_ROWS": ("max_rows", 1),
    "PLANCHECKER_MAX_CELLS": ("max_cells", 1),
    "PLANCHECKER_MAX_CELL_CHARS": ("max_text_length", 1),
    "PLANCHECKER_MAX_SECONDS": ("max_seconds", 1),
    "PLANCHECKER_MAX_MEMORY_MB": ("max_memory", MB),
}

_COUNT = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(?:[.,][0-9]+)?")


def _parse(name: str, text: str, unit: int) -> int:
    if unit == 1:
        number = int(text) if _COUNT.fullmatch(text) else 0
        if number < 1:
            raise LimitsError(f"Miljövariabeln {name} är {text!r}; den ska vara ett positivt "
                              "heltal, t.ex. 100000.")
        return number
    megabytes = float(text.replace(",", ".")) if _DECIMAL.fullmatch(text) else math.nan
    size = int(megabytes * unit) if math.isfinite(megabytes) else 0
    if size < 1:
        raise LimitsError(f"Miljövariabeln {name} är {text!r}; den ska vara ett positivt antal "
                          "megabyte, t.ex. 20 eller 0.5.")
    return size


def megabytes_over(size: int) -> str:
    """A size over a limit, for "21,0 MB; högst 20 MB": one decimal, rounded up, so that a file
    just over the limit never reads as the limit itself ("20,1 MB", not "20 MB")."""
    if size < MB // 10:
        return f"{-(-size // 1024)} kB"
    tenths = -(-size * 10 // MB)
    return f"{tenths // 10},{tenths % 10} MB"


def time_text(limits: Limits) -> str:
    return (f"Planen tog för lång tid att granska (mer än {limits.max_seconds} s) och "
            "avbröts. Dela upp planen på flera filer, eller höj PLANCHECKER_MAX_SECONDS.")


def memory_text(limits: Limits) -> str:
    return (f"Planen tog för mycket minne att granska (mer än {megabytes(limits.max_memory)}) "
            "och avbröts. Dela upp planen på flera filer, eller höj PLANCHECKER_MAX_MEMORY_MB.")


def megabytes(size: int) -> str:
    """A size for a Swedish message: `20 MB`, `0,5 MB`, `37 kB`."""
    value = size / MB
    if value < 0.1:
        return f"{max(1, round(size / 1024))} kB"
    text = f"{value:.0f}" if value >= 10 or value.is_integer() else f"{value:.1f}"
    return text.replace(".", ",") + " MB"
