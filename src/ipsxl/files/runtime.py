"""What this Python can do besides computing: fork a child process, start a thread.

Pyodide, the Python of xlwings Lite (Excel on the web and desktop, Python inside the add-in), is
CPython compiled to WebAssembly: ``os.fork`` is there but fails, and ``threading.Thread.start``
raises RuntimeError. Code that would fork or start a thread asks here first and does the work
inline instead, so ipsxl gives the same results there, one step after another.
"""

from __future__ import annotations

import os
import sys

# Platforms where CPython runs as WebAssembly, without processes or threads.
_WEBASSEMBLY = ("emscripten", "wasi")


def can_fork() -> bool:
    """Whether ``os.fork`` can start a child process here."""
    return hasattr(os, "fork") and sys.platform not in _WEBASSEMBLY


def can_start_threads() -> bool:
    """Whether a ``threading.Thread`` can be started here."""
    return sys.platform not in _WEBASSEMBLY
