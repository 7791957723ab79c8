"""Fixtures shared by test modules: the write-back tests' agency workbook, built once per module."""

from __future__ import annotations

from pathlib import Path

import pytest
from wb_fixtures import WHEN, build_workbook, make_report

from ipsxl.writeback import write_back


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
