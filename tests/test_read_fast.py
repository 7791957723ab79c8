"""The fast reading paths give exactly what calamine's plain ``to_python`` gives: sheets read row
by row with equal values shared, the largest sheet in a thread of its own, tabs parsed early."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from ipsxl import validate
from ipsxl.core.values import CellError
from ipsxl.files import read
from ipsxl.files.read import DEFAULT_LIMITS, Limits
from ipsxl.make.demo import write_demo


def _book(path, cells: dict[str, object]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Caseload"
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)


@pytest.mark.parametrize("first", ["A1", "C4", "B1", "A3"])
def test_a_sheet_read_row_by_row_is_the_sheet_calamine_gives_from_a1(tmp_path, first):
    path = tmp_path / "offset.xlsx"
    _book(path, {first: "Client ID", "D6": 1.5, "E7": "x", "F9": dt.datetime(2026, 7, 1)})
    expected = (
        CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name("Caseload")
        .to_python(skip_empty_area=False)
    )
    grids, _, _ = read._read_grids(path, DEFAULT_LIMITS)
    assert grids["Caseload"] == expected
    assert [len(row) for row in grids["Caseload"]] == [len(row) for row in expected]


def test_equal_texts_and_dates_become_one_object_but_no_value_changes_type(tmp_path):
    path = tmp_path / "shared.xlsx"
    _book(
        path,
        {
            "A1": "Status",
            "A2": "Active",
            "A3": "Active",
            "B2": 1,
            "B3": True,
            "C2": dt.datetime(2026, 7, 1),
            "C3": dt.datetime(2026, 7, 1),
        },
    )
    grid = read._read_grids(path, DEFAULT_LIMITS)[0]["Caseload"]
    assert grid[1][0] is grid[2][0]  # one "Active"
    assert grid[1][2] is grid[2][2]  # one date (calamine gives a date for a whole day)
    assert type(grid[1][1]) is not type(grid[2][1])  # 1 and True stay themselves


def test_columns_past_the_limit_are_cut_and_error_cells_stay_errors(tmp_path):
    path = tmp_path / "wide.xlsx"
    _book(path, {"A1": "Client ID", "B1": "#REF!", "E1": "far"})
    grids, _, _ = read._read_grids(path, Limits(max_columns=3))
    assert all(len(row) <= 3 for row in grids["Caseload"])
    shared = read._shared_values([["#REF!", CellError("#REF!")]], 10)[0]
    assert type(shared[0]) is str and type(shared[1]) is CellError


def test_tabs_parsed_as_they_arrive_give_the_report_of_tabs_parsed_at_the_end(tmp_path):
    path = tmp_path / "demo.xlsx"
    write_demo(path, clients=50, seed=5)
    early = validate._read_and_check(path, DEFAULT_LIMITS)
    raw = read.read_workbook(path)
    late = validate.check_raw(raw)
    assert early.flags.equals(late.flags)
    assert early.scores == late.scores
    assert {n: (t.sheet, t.header_row, t.positions) for n, t in early.tables.items()} == {
        n: (t.sheet, t.header_row, t.positions) for n, t in late.tables.items()
    }
