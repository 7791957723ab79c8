"""``ipsxl`` as a real process forked from the test's own: a process of its own, which can be
killed, can run beside another and ends with its own exit status, without starting Python and
importing pandas again (about a second of CPU each time). It starts through ``python -m ipsxl``'s
own entry (``ipsxl.__main__.run``: the signals caught, the command line parsed from argv).

Tests about how ipsxl starts (Ctrl-C while it imports) or about the installed command itself
start it afresh with ``sys.executable -m ipsxl`` instead; tests that need no process of its own
run it in their own process (``commands.py``).
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import signal
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable


class Forked:
    """``ipsxl ARGS`` running in a forked child; ``before`` runs in the child first (a patch of
    ipsxl's code that only that process sees, say)."""

    def __init__(self, args: list[str], before: Callable[[], None] | None = None) -> None:
        self.args = ["ipsxl", *args]
        self._out, self._err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child; its outcome is checked by the parent
            self._child(before)

    def _child(self, before: Callable[[], None] | None) -> None:
        code = 1
        try:
            os.dup2(self._out.fileno(), 1)
            os.dup2(self._err.fileno(), 2)
            sys.stdout = _text(1, "strict")  # Python's own defaults for its standard streams
            sys.stderr = _text(2, "backslashreplace")
            sys.stdin = open(os.devnull)  # noqa: SIM115 - until the process ends
            sys.argv = list(self.args)
            if before is not None:
                before()
            from ipsxl.__main__ import run

            run()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
            if isinstance(exc.code, str):
                sys.stderr.write(exc.code + "\n")
        except BaseException:  # noqa: BLE001 - shown as a real process shows it
            traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            os._exit(code)

    def running(self) -> bool:
        """Whether it has not ended yet (asked without collecting its status; where that cannot
        be asked, macOS, an ended child not yet collected counts as running)."""
        if not hasattr(os, "waitid"):
            return True
        flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
        return os.waitid(os.P_PID, self.pid, flags) is None

    def wait(self, timeout: float = 300) -> subprocess.CompletedProcess:
        """Its exit status (minus the signal's number when a signal ended it) and its output,
        as ``subprocess.run`` gives them; killed when it runs past ``timeout`` seconds."""
        if hasattr(os, "pidfd_open"):  # Linux: readable once the child has ended
            fd = os.pidfd_open(self.pid)
            try:
                if not select.select([fd], [], [], timeout)[0]:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    raise subprocess.TimeoutExpired(self.args, timeout)
            finally:
                os.close(fd)
        _, status = os.waitpid(self.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        return subprocess.CompletedProcess(self.args, code, _read(self._out), _read(self._err))


def run(
    *args: str, before: Callable[[], None] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """``ipsxl ARGS`` in a forked process, waited for; where there is no fork (Windows), a run
    with nothing to patch is started afresh."""
    if not hasattr(os, "fork") and before is None:
        return subprocess.run(
            [sys.executable, "-m", "ipsxl", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )
    return Forked(list(args), before).wait(timeout)


def _text(fd: int, errors: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding="utf-8", errors=errors)


def _read(file) -> str:
    file.seek(0)
    data = file.read()
    file.close()
    return data.decode("utf-8", "replace")
