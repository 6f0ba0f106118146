"""File names as text a report can hold: any bytes in, printable UTF-8 out.

On Linux a file name is bytes; Python hands a name that is not UTF-8 (Latin-1 from a Windows zip
or an SMB share) over with each bad byte as a lone surrogate, which no UTF-8 writer accepts: one
such name made `schedule run` lose every result. Every name that enters a report, a message or
a history passes through `shown` first, which writes each undecodable byte as `\\xNN`, so the
name still says which file it was and the output stays valid UTF-8. The path itself, used to
open the file, is left as it is.
"""

from __future__ import annotations

from pathlib import PurePath


def shown(text: str) -> str:
    """`text` with every byte that is not UTF-8 written as `\\xNN` (and any other lone
    surrogate as `\\udNNN`); valid text is returned unchanged."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def shown_name(path: PurePath | str) -> str:
    """The last part of `path`, as `shown` writes it."""
    return shown(PurePath(path).name)
