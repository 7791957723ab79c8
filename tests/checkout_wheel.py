"""The wheel of the checkout, built once per test session by pip (``pip wheel``, the build any PC
runs), for the tests that install it (test_install.py) and run it in Pyodide (test_pyodide.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from session import built_once

ROOT = Path(__file__).resolve().parents[1]
NOT_COPIED = [".git", ".venv*", "venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"]
NOT_COPIED += ["node_modules", ".hypothesis"]


def _build(folder: Path) -> None:
    checkout = folder / "ipsxl"  # a copy, so pip's build leaves nothing in the working tree
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(checkout)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    shutil.rmtree(checkout)


def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The checkout's wheel (its one ``ipsxl-*.whl``)."""
    (wheel,) = built_once(tmp_path_factory, "wheel", _build).glob("ipsxl-*.whl")
    return wheel
