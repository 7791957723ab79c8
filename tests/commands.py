"""``ipsxl`` run in the test's own process through click's CliRunner, answered as a real run
answers (exit code, stdout, stderr): the same checks at a fraction of the cost of starting
Python and pandas again. Tests about a real process (signals, pipes, a terminal, two runs at
once, the worker processes) start one instead."""

from __future__ import annotations

import subprocess

from click.testing import CliRunner

from ipsxl.cli import main


def ipsxl(*args: str) -> subprocess.CompletedProcess:
    """``ipsxl ARGS``; an exception ipsxl lets out is raised here, as the traceback a real run
    would print."""
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)
