"""``python -m ipsxl`` and the ``ipsxl`` command (``run``): the command line, stopped cleanly.

The signals are caught before anything heavy is imported, so Ctrl-C while pandas loads is one
line too, not a traceback.
"""

from __future__ import annotations

import sys

from ipsxl import stop


def run() -> None:
    stop.catch_signals()
    try:
        from ipsxl.cli import main

        main()
    except stop.Stopped as stopped:
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
        sys.stderr.write(f"ipsxl: {stopped.line}\n")
        sys.stderr.flush()
        sys.exit(stopped.exit_code)


if __name__ == "__main__":
    run()
