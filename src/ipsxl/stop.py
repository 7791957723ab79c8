"""How a run is stopped: Ctrl-C (SIGINT) or SIGTERM end ipsxl with one line and the exit code a
shell gives a process that signal ended (130, 143), and take its worker processes with it.

The command line turns both signals into ``Stopped``, an exception that nothing on the way
catches as an error (it is no ``Exception``): each ``finally`` and ``except BaseException`` on
the way cleans up (the guard kills its reading child, the batch stops its workers), and
``ipsxl.__main__`` prints the line. Workers leave Ctrl-C to the command, which stops them.
"""

from __future__ import annotations

import os
import signal

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """The run was asked to stop by a signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def line(self) -> str:
        if self.signum == signal.SIGINT:
            return "interrupted"
        return f"stopped ({signal.Signals(self.signum).name})"


def catch_signals() -> None:
    """In the command's process: each stop signal raises ``Stopped`` where the program is."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, _stop)


def _stop(signum: int, _frame: object) -> None:
    # a second signal while the first is being handled ends the process at once
    for other in STOP_SIGNALS:
        signal.signal(other, _stop_now)
    raise Stopped(signum)


def _stop_now(signum: int, _frame: object) -> None:
    os._exit(128 + signum)
