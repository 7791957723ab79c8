"""Fixtures shared by test modules: the write-back tests' agency workbook, built once per module;
and two habits of the test processes that keep the suite's CPU down (see benchmarks/README.md)."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys
from pathlib import Path

import pytest

# Compiled modules are written (in __pycache__, which git ignores) even where the environment
# says not to (PYTHONDONTWRITEBYTECODE): the suite starts ipsxl afresh as a process dozens of
# times, and each start would otherwise compile every ipsxl module it imports again. Set before
# ipsxl is first imported here.
sys.dont_write_bytecode = False
from wb_fixtures import WHEN, build_workbook, make_report  # noqa: E402

from ipsxl.writeback import write_back  # noqa: E402


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """The agency workbook of ``wb_fixtures``."""
    return build_workbook(tmp_path_factory.mktemp("src") / "agency.xlsm")


@pytest.fixture(scope="module")
def written(source, tmp_path_factory) -> Path:
    """``source`` written back with the hand-made report."""
    target = tmp_path_factory.mktemp("out") / "agency.checked.xlsm"
    write_back(source, target, make_report(), generated_at=WHEN)
    return target


# --- handing freed memory back after a test that grew the process ---------------------------------

# glibc keeps the heap a large test freed (a 15,000-sheet package built in memory): the process
# stays hundreds of MB large, and every later fork (the guard's child of each check) copies the
# page tables of all of it, which costs milliseconds per fork over hundreds of forks.
_GREW = 64 * 2**20
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_LIBC = ctypes.util.find_library("c") if sys.platform.startswith("linux") else None
_malloc_trim = getattr(ctypes.CDLL(_LIBC), "malloc_trim", None) if _LIBC else None


def _resident() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE
    except OSError:
        return 0


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    before = _resident()
    try:
        return (yield)
    finally:
        if _malloc_trim is not None and _resident() - before > _GREW:
            gc.collect()
            _malloc_trim(0)
