"""Time and memory limits around reading one workbook, so a file that still finds a way to
hang or exhaust the reader costs one line in the report, not the batch."""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ipsxl.files import runtime
from ipsxl.files.limits import MB, Limits, UnreadableWorkbook, first_line
from ipsxl.files.snapshot import Snapshot

# Process and thread machinery (pickle, selectors, signal, threading, faulthandler) is imported
# where it is used: where there is none (Pyodide, see ``runtime``) the guard runs ``func``
# inline and never touches it.

# --- time and memory limits ---------------------------------------------------------------------


def guarded(func: Callable[..., Any], path: Path | Snapshot, limits: Limits, **kwargs: Any) -> Any:
    """``func(path, limits, **kwargs)`` under the time and memory limits; see ``start``."""
    return start(func, path, limits, **kwargs).result()


def start(
    func: Callable[..., Any], path: Path | Snapshot, limits: Limits, **kwargs: Any
) -> Pending:
    """Start ``func(path, limits, **kwargs)`` under the time and memory limits; its
    ``result()`` waits for it, so the caller can do other work meanwhile (``ipsxl check``
    prepares the write-back while the child reads and checks).

    Where the platform can fork, in a child process: a timeout kills it, its address space is
    capped (``func`` then gets ``capped=True``), and whatever happens to it (a crash in native
    code, the memory cap reached) is one UnreadableWorkbook here. Elsewhere (Windows) the time
    limit is kept with a thread that is abandoned when it runs over, and the package scan's
    limits bound the memory. With neither limit, or where there are neither processes nor
    threads (Pyodide, which caps its own memory), ``func`` runs when the result is asked for.
    """
    if limits.max_seconds is None and limits.max_memory is None:
        return Pending(lambda: func(path, limits, **kwargs))
    if runtime.can_fork():
        return _in_child(func, path, limits, kwargs)
    if runtime.can_start_threads():
        return _in_thread(func, path, limits, kwargs)
    return Pending(lambda: func(path, limits, **kwargs))


class Pending:
    """A guarded call under way; ``result()`` gives its value or raises what it raised."""

    def __init__(self, wait: Callable[[], Any]) -> None:
        self._wait = wait

    def result(self) -> Any:
        return self._wait()


class CheckFailed(RuntimeError):
    """ipsxl's own code failed on a workbook it could read (a bug, not a bad file): raised in
    the parent with the child's traceback, so it is not mistaken for a damaged workbook."""


def _too_slow(limits: Limits) -> UnreadableWorkbook:
    return UnreadableWorkbook(
        f"too slow: reading it took longer than {limits.max_seconds:g} seconds"
        " (raise --timeout to allow more)"
    )


def _too_big_for_memory(limits: Limits) -> UnreadableWorkbook:
    return UnreadableWorkbook(
        f"too large: reading it needs more than {(limits.max_memory or 0) // MB:,} MB of memory"
    )


def _in_child(
    func: Callable[..., Any], path: Path | Snapshot, limits: Limits, kwargs: dict[str, Any]
) -> Pending:
    # imported before the fork, never inside the child
    import pickle  # noqa: F401
    import selectors  # noqa: F401
    import signal

    import lxml.etree  # noqa: F401
    import openpyxl.utils.cell  # noqa: F401 - the package scan's A1 columns
    import python_calamine  # noqa: F401

    read_end, write_end = os.pipe()
    deadline = None if limits.max_seconds is None else time.monotonic() + limits.max_seconds
    # Objects the parent has now are left out of the child's garbage collections: a collection
    # writes to every object it visits, and in a forked child each write copies a page of the
    # parent's (pandas and numpy alone make ~100 MB); the collector is off in the child anyway.
    gc.freeze()
    # Ctrl-C and SIGTERM wait until the child is noted in _CHILDREN: a worker stopped the moment
    # after the fork would otherwise end without knowing of the child, which would read on.
    unblocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        pid = os.fork()
    except BaseException:
        gc.unfreeze()
        signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)
        raise
    if pid == 0:  # pragma: no cover - the child; its outcome is checked through the parent
        os.close(read_end)
        _child(func, path, limits, kwargs, write_end, unblocked)
    _CHILDREN.add(pid)
    gc.unfreeze()
    os.close(write_end)
    signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)  # a stop waiting now finds the child
    return Pending(lambda: _outcome(pid, read_end, deadline, limits))


# The children started here and not yet waited for, so that a worker told to stop can end
# them first (see ``kill_children``).
_CHILDREN: set[int] = set()


def kill_children() -> None:
    """End every reading child this process started and has not collected: for a process that
    is being stopped, whose children would otherwise read on, unseen, until their time limit."""
    for pid in list(_CHILDREN):
        _kill(pid)


def _outcome(pid: int, read_end: int, deadline: float | None, limits: Limits) -> Any:
    """What the child sent, once it has sent it all (or the deadline has passed)."""
    import pickle
    import signal

    try:
        data = _collect(read_end, deadline)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    if data is None:
        _kill(pid)
        raise _too_slow(limits)
    _, status = os.waitpid(pid, 0)
    _CHILDREN.discard(pid)
    if not data:  # the child died before it could say anything
        if (
            os.WIFSIGNALED(status)
            and limits.max_memory is not None
            and os.WTERMSIG(status)
            in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV, signal.SIGBUS)
        ):
            raise _too_big_for_memory(limits)
        raise UnreadableWorkbook(f"damaged: the reader stopped on it (status {status})")
    kind, value = pickle.loads(data)
    if kind == "unreadable":
        raise UnreadableWorkbook(value)
    if kind == "failed":
        raise CheckFailed(value)
    return value


# What the guard's child keeps alive until it exits (see ``leave_for_exit``); never used in
# any other process.
_LEFT_FOR_EXIT: list[object] = []
_IN_CHILD = False


def leave_for_exit(*objects: object) -> None:
    """In the guard's child, keep ``objects`` until the child ends: it ends with os._exit, which
    hands back all its memory at once, while freeing 50,000 rows of cells one by one first (and
    calamine's copy of them) costs tens of milliseconds for nothing. Elsewhere, nothing."""
    if _IN_CHILD:
        _LEFT_FOR_EXIT.extend(objects)


def _child(
    func: Callable[..., Any],
    path: Path | Snapshot,
    limits: Limits,
    kwargs: dict[str, Any],
    fd: int,
    unblocked: set[int],
) -> None:
    """Run in the forked child: read, send the outcome pickled through ``fd``, and exit without
    running anything of the parent's (no atexit handlers, no buffered output flushed twice)."""
    import faulthandler
    import pickle
    import signal

    try:
        global _IN_CHILD
        _IN_CHILD = True
        gc.disable()  # a short life ended by os._exit: garbage cycles cost nothing to leave
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 1)  # a native crash report or warning must not reach the user
        os.dup2(devnull, 2)
        faulthandler.disable()  # its dump goes to a saved descriptor, not to fd 2
        with contextlib.suppress(ValueError):  # Ctrl-C or SIGTERM end the child at once
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)  # blocked for the fork
        capped = limits.max_memory is not None and _cap_memory(limits.max_memory)
        try:
            outcome: tuple[str, Any] = ("ok", func(path, limits, capped=capped, **kwargs))
        except UnreadableWorkbook as exc:
            outcome = ("unreadable", str(exc))
        except CheckFailed as exc:
            outcome = ("failed", str(exc))
        except MemoryError:
            outcome = ("unreadable", str(_too_big_for_memory(limits)))
        except BaseException as exc:  # noqa: BLE001 - any surprise is one line, not a crash
            outcome = ("unreadable", f"damaged: {type(exc).__name__}: {first_line(exc)}")
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("unreadable", str(_too_big_for_memory(limits))))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os._exit(0)


def _cap_memory(extra: int) -> bool:
    """Cap the child's address space at what it has now plus ``extra`` bytes; False where that
    cannot be done (no /proc: macOS), and the package scan then measures extents first."""
    import resource

    try:
        with open("/proc/self/statm") as fh:
            now = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = now + extra
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (OSError, ValueError):
        return False
    return True


def _collect(fd: int, deadline: float | None) -> bytes | None:
    """Everything the child writes until it closes the pipe, or None when the deadline passes
    with nothing more to read. What is ready is read even after the deadline: a child that
    finished in time may sit blocked on a full pipe while the parent was busy elsewhere."""
    import selectors

    chunks: list[bytes] = []
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not sel.select(wait):
                if wait == 0.0:
                    return None
                continue
            chunk = os.read(fd, 4 * MB)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def _kill(pid: int) -> None:
    _CHILDREN.discard(pid)
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _in_thread(
    func: Callable[..., Any],
    path: Path | Snapshot,
    limits: Limits,
    kwargs: dict[str, Any] | None = None,
) -> Pending:
    import threading

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = func(path, limits, **(kwargs or {}))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            outcome["error"] = exc

    deadline = None if limits.max_seconds is None else time.monotonic() + limits.max_seconds
    worker = threading.Thread(target=run, name=f"ipsxl-read {path.name}", daemon=True)
    worker.start()

    def wait() -> Any:
        worker.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            raise _too_slow(limits)
        if "error" in outcome:
            exc = outcome["error"]
            if isinstance(exc, (UnreadableWorkbook, CheckFailed)):
                raise exc
            if isinstance(exc, MemoryError):
                raise _too_big_for_memory(limits) from None
            raise UnreadableWorkbook(f"damaged: {type(exc).__name__}: {first_line(exc)}") from None
        return outcome["value"]

    return Pending(wait)
