"""Worker processes that never outlive the run that started them, and a clean stop on a signal.

Why this is needed: a ProcessPoolExecutor worker waits for its next plan on a pipe whose write end
it holds itself, and it holds the fork server's "still alive" pipe too, so when the parent is
killed (kill -9, or SIGTERM without a handler) nothing ever tells the workers: fork server,
workers and resource tracker stayed alive for good (145 MB), holding the caller's stdout open.

- Linux: each process we start asks the kernel for SIGKILL when its parent dies
  (prctl(PR_SET_PDEATHSIG)): the fork server when the run dies (through `forkserver_guard`,
  which only the fork server imports), each worker when the fork server dies. A chain, so one
  kill -9 of the run takes all of them, and the resource tracker ends when its last client has.
- Everywhere: `stop_on_signals` turns SIGTERM and SIGHUP into `Stopped` in the run's main thread,
  so the pool is torn down (its workers killed) on the way out and the command says so.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

_PR_SET_PDEATHSIG = 1


class Stopped(BaseException):
    """The run was asked to stop by a signal; a BaseException, like KeyboardInterrupt, so that no
    `except Exception` on the way out turns it into one plan's error."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # what a shell reports for a process ended by the signal


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux only; elsewhere the
    signal handling in the parent is what there is). Called first thing in a new process."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes  # here: `check` never starts a worker and need not import it

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: a libc we do not know
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


@contextlib.contextmanager
def stop_on_signals(signals: tuple[int, ...] = (signal.SIGTERM, signal.SIGHUP)) -> Iterator[None]:
    """Raise `Stopped` in this thread on any of `signals` while the block runs. Only the main
    thread can handle signals; elsewhere (a web server's thread) this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise Stopped(signum)

    available = [s for s in signals if isinstance(s, int)]
    previous = {s: signal.signal(s, stop) for s in available}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
