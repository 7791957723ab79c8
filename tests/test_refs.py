"""A1 references: openpyxl's letters within a worksheet's bounds (A1 to XFD1048576).

A reference outside them read from a workbook means the file is damaged, and ``ipsxl check``
says so in one line; column 0 from ipsxl's own code is a bug, and fails loudly instead of
writing a reference such as "12" into a workbook.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import clean_tabs, column
from commands import ipsxl
from hostile import Raw, sheets_of, write_xlsx
from openpyxl.utils import column_index_from_string, get_column_letter

from ipsxl.sheets.own import parse_area
from ipsxl.sheets.refs import (
    BadReference,
    cell_ref,
    column_letter,
    column_number,
    sheet_target,
    split_ref,
)


def test_every_column_of_a_worksheet_round_trips_as_openpyxl_spells_it() -> None:
    for col in range(1, 16_385):
        letters = column_letter(col)
        assert letters == get_column_letter(col)
        assert column_number(letters) == col == column_index_from_string(letters)
    assert column_letter(16_384) == "XFD"
    assert column_number("xfd") == 16_384


@pytest.mark.parametrize(
    ("ref", "where"),
    [("C12", (12, 3)), ("$C$12", (12, 3)), ("aa7", (7, 27)), ("XFD1048576", (1_048_576, 16_384))],
)
def test_a_cell_reference_gives_its_row_and_column(ref: str, where: tuple[int, int]) -> None:
    assert split_ref(ref) == where
    assert split_ref(cell_ref(*where, absolute=True)) == where


@pytest.mark.parametrize("ref", ["AAAA2", "XFE2", "ZZZ9", "A0", "B1048577", "12", "", "C-3"])
def test_a_reference_no_worksheet_holds_is_a_damaged_file(ref: str) -> None:
    with pytest.raises(BadReference, match="no cell of a worksheet"):
        split_ref(ref)


@pytest.mark.parametrize("letters", ["AAAA", "XFE", "ZZZ", "", "A1"])
def test_a_column_past_xfd_is_a_damaged_file(letters: str) -> None:
    with pytest.raises(BadReference, match="no column of a worksheet"):
        column_number(letters)


@pytest.mark.parametrize("col", [0, -1, 16_385])
def test_a_column_outside_a_worksheet_from_ipsxl_is_a_bug_not_a_damaged_file(col: int) -> None:
    for make in (column_letter, lambda c: cell_ref(5, c), lambda c: sheet_target("Jobs", 5, c)):
        with pytest.raises(ValueError, match="outside A..XFD") as raised:
            make(col)
        assert not isinstance(raised.value, BadReference)


def test_row_zero_from_ipsxl_is_a_bug() -> None:
    with pytest.raises(ValueError, match="row 0"):
        cell_ref(0, 3)


def test_an_earlier_sheets_area_past_xfd_is_no_area() -> None:
    assert parse_area("'Flags'!$A$1:$H$31") == (1, 1, 31, 8)
    assert parse_area("'Flags'!$A$1:$XFE$31") is None
    assert parse_area("'Flags'!$A$0:$H$31") is None


@pytest.mark.parametrize("far", ["AAAA2", "XFE2"])
def test_check_says_in_one_line_that_a_cell_past_xfd_damages_the_workbook(
    tmp_path: Path, far: str
) -> None:
    """The flagged row of Jobs also holds a cell past the last column: the report is given,
    the checked copy cannot be written, and no internal error is reported."""
    tabs = clean_tabs()
    tabs["Jobs"][1][column(tabs, "Jobs", "Hours Per Week")] = 95  # a flag on that row
    tabs["Jobs"][1].append(Raw(f'<c r="{far}"><v>1</v></c>'))
    source = write_xlsx(tmp_path / "agency.xlsx", sheets_of(tabs))
    before = source.read_bytes()
    out = tmp_path / "agency.checked.xlsx"
    run = ipsxl("check", str(source), "--output", str(out))
    assert run.returncode == 2
    [line] = run.stderr.strip().splitlines()
    assert "agency.xlsx" in line and "damaged" in line and f"'{far}'" in line
    assert "internal error" not in line
    assert not out.exists()
    assert source.read_bytes() == before
