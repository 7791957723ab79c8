"""Things built once per test session and shared by every pytest-xdist worker: a wheel of the
checkout, a workbook LibreOffice printed. Building them takes seconds each; the modules that use
them run on different workers, and each would otherwise build its own.

The folder sits under the session's base temporary folder, which xdist's workers share (as
pytest-xdist's documentation does it for session fixtures); a lock file makes one worker build it
while the others wait, then all read it. Nobody writes into a built folder: a test that changes
a file copies it first.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

try:
    import fcntl
except ImportError:  # Windows: each worker builds its own
    fcntl = None

DONE = ".built"


def _root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER") and fcntl is not None:
        return base.parent  # this session's folder, above each worker's own
    return base


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """The folder ``name`` after ``build`` filled it, once in this test session. A build that
    failed is not kept: the next module that asks builds again (and fails in its turn)."""
    root = _root(tmp_path_factory)
    folder = root / f"once-{name}"
    with open(root / f"once-{name}.lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not (folder / DONE).exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / DONE).touch()
    return folder
