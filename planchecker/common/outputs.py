"""Writing output files safely: an interrupted run never leaves half a report over a good one."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from planchecker.common.filenames import shown
from planchecker.common.problems import PlancheckerError


class OutputError(PlancheckerError):
    """An output file or folder cannot be written; the message names it and says why."""


def cannot_write(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"Kan inte skriva {shown(str(path))}: {exc.strerror or exc}.")


def write_file(path: Path, data: bytes) -> None:
    """`write_atomic`, with any failure (a read-only folder, a full disk) as an OutputError."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise cannot_write(path, exc) from None


def writable_folder(folder: Path) -> None:
    """Create `folder` if need be and make sure a file can be created in it, before a long run
    whose results would otherwise be lost at the end."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".planchecker-", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise cannot_write(folder, exc) from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename over `path`.

    A target that exists but is not a regular file (/dev/null, a pipe) is written directly:
    renaming over it would replace the device with a file.
    """
    if path.exists() and not path.is_file():
        with open(path, "wb") as handle:
            handle.write(data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file 0600; a report is shared like any file the user saves (0644
        # under umask 022), and a report written over an existing one keeps that one's mode.
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process umask, read without changing it where the system tells (Linux); elsewhere it
    is set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
