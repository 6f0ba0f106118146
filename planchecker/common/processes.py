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
from collections.abc import Callable, Iterator
from types import FrameType

_PR_SET_PDEATHSIG = 1
_MEMORY_BUDGET: int | None = None


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


def die_with_parent(run: int | None = None) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux only; elsewhere the
    signal handling in the parent is what there is). Called first thing in a new process.

    The request only covers a death after it is made. A worker is forked by the fork server and
    reads its start-up data before it gets here, so it also checks that `run` (the process that
    wants the work done) is still there; without `run`, that its parent is the one it started
    with."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes  # here: `check` never starts a worker and need not import it

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: a libc we do not know
        return
    if os.getppid() != parent or (run is not None and not _running(run)):
        os._exit(1)  # the run ended before the request took effect


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie is dead, only not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return False


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


@contextlib.contextmanager
def signals_deferred(signals: tuple[int, ...] = (signal.SIGTERM, signal.SIGHUP)) -> Iterator[None]:
    """Hold `signals` back while the block runs; one that came meanwhile is handled right after.
    For starting a worker: `Stopped` raised between its fork and its registration in the pool
    would leave it unknown to the teardown (it then printed a traceback on our stderr when the
    pool's semaphores were gone)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def limit_memory(budget: int) -> None:
    """Cap this process's address space at its present size plus `budget` bytes (Linux): past
    it an allocation fails (MemoryError in Python) instead of the machine swapping or the OOM
    killer picking a process, maybe the wrong one."""
    global _MEMORY_BUDGET
    if not sys.platform.startswith("linux"):
        return
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            size = next(int(line.split()[1]) * 1024 for line in status
                        if line.startswith("VmSize:"))
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + budget if hard == resource.RLIM_INFINITY else min(size + budget, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, StopIteration):  # no /proc, or a limit we may not change
        return
    _MEMORY_BUDGET = budget


def lift_memory_limit() -> None:
    if _MEMORY_BUDGET is None:
        return
    import resource

    with contextlib.suppress(OSError, ValueError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def memory_budget() -> int | None:
    """The budget `limit_memory` put in force in this process, if any: what a MemoryError here
    means (a worker's environment is its fork server's, which may be older than the run's)."""
    return _MEMORY_BUDGET


def supervised(work: Callable[[], int], seconds: float, memory: int,
               report: Callable[[BaseException], int]) -> int:
    """The exit code of `work()`, run in a child process under the memory budget while this one
    waits at most `seconds` for it. Raises `OverTime` after killing a child that took longer, and
    `Killed` for one that died by a signal (the OOM killer, a crash). In the child, an exception
    from `work` is turned into an exit code by `report` (which also prints it).

    Runs `work` here, without a budget, where there is no fork (Windows) or where the output is
    not a real file (a caller that captures it in memory, as click's test runner does: a child
    would write into its own copy of that buffer)."""
    if not hasattr(os, "fork") or not _real_files(sys.stdout, sys.stderr):
        return work()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - measured by the subprocess tests, not by coverage
        code = 2
        try:
            die_with_parent()
            limit_memory(memory)
            code = work()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:  # noqa: BLE001 - the child must end here, whatever happens
            budgeted = _MEMORY_BUDGET is not None
            lift_memory_limit()  # the plan is over its budget; the message must still get out
            if budgeted and isinstance(exc, SystemError):
                # A C extension whose allocation fails under the cap may return NULL without
                # setting MemoryError ("error return without exception set"): under a budget,
                # that is what it means (seen writing a workbook with 1 MB to spare).
                exc = MemoryError(str(exc))
            if budgeted and over_budget(exc):
                exc = MemoryError(str(exc))
            code = report(exc)
        finally:
            with contextlib.suppress(BaseException):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
    # The terminal sends Ctrl+C to both; the child says "Avbrutet." and exits, we pass that on.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with stop_on_signals():
            try:
                status = _wait(pid, seconds)
            except BaseException:
                _kill(pid)
                raise
    finally:
        signal.signal(signal.SIGINT, previous)
    if status is None:
        raise OverTime(seconds)
    if os.WIFSIGNALED(status):
        raise Killed(os.WTERMSIG(status))
    return os.waitstatus_to_exitcode(status)


def over_budget(exc: BaseException) -> bool:
    """Whether `exc` means this process ran past the budget `limit_memory` set: a MemoryError,
    or a module loaded on first use whose shared library could not be mapped into the capped
    address space. The latter fails as an ImportError ("failed to map segment from shared
    object"), which would read as an internal error; which of the two comes first varies from
    run to run with where the allocator has room."""
    if isinstance(exc, MemoryError):
        return True
    if _MEMORY_BUDGET is None or not isinstance(exc, ImportError):
        return False
    text = str(exc)
    return "failed to map segment" in text or "cannot allocate memory" in text.lower()


def _real_files(*streams: object) -> bool:
    try:
        return all(isinstance(stream.fileno(), int) for stream in streams)  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False


class OverTime(Exception):
    """The child was killed when its time was up."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class Killed(Exception):
    """The child died by a signal it did not ask for (SIGKILL from the OOM killer, SIGSEGV)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.name = signal.Signals(signum).name


def _wait(pid: int, seconds: float) -> int | None:
    """The child's wait status, or None (after killing it) when `seconds` passed first."""
    import select
    import time

    deadline = time.monotonic() + seconds
    try:
        handle: int | None = os.pidfd_open(pid)  # readable when the child ends
    except (AttributeError, OSError):
        handle = None
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            left = deadline - time.monotonic()
            if left <= 0:
                _kill(pid)
                return None
            if handle is not None:
                select.select([handle], [], [], left)
            else:
                time.sleep(min(left, 0.02))
    finally:
        if handle is not None:
            os.close(handle)


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
