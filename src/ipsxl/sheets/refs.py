"""A1 references: column letters, cell addresses, and links to a cell of a named sheet.

The letters are openpyxl's (``get_column_letter``, ``column_index_from_string``,
``coordinate_from_string``), imported on first use: the ribbon loads ``sheets/`` in Excel
runtimes that do without openpyxl until a template is made. On top of them, the bounds of a real
worksheet: columns A to XFD, rows 1 to 1,048,576, never a made-up reference outside them. A
reference read from a workbook that is outside them (four letters, XFE, row 0) means the file is
damaged: ``BadReference``, which the faces report as such. A column or row outside them from
ipsxl's own code (column 0) is a bug: ``ValueError``.
"""

from __future__ import annotations

import functools
from types import ModuleType

MAX_COLUMN = 16_384  # XFD, the last column of a worksheet
MAX_ROW = 1_048_576


class BadReference(ValueError):
    """A reference read from a workbook that no worksheet can hold: the file is damaged."""


@functools.cache
def _cells() -> ModuleType:
    from openpyxl.utils import cell

    return cell


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA; ValueError outside A..XFD."""
    if not 1 <= col <= MAX_COLUMN:
        raise ValueError(f"column {col} is outside A..XFD, the columns of a worksheet")
    return _cells().get_column_letter(col)


def column_number(letters: str) -> int:
    """A -> 1, AA -> 27 (lower case too); BadReference outside A..XFD."""
    try:
        col = _cells().column_index_from_string(letters)  # A..ZZZ
    except ValueError:
        col = 0
    if not 1 <= col <= MAX_COLUMN:
        raise BadReference(f"damaged: {letters!r} is no column of a worksheet (A to XFD)")
    return col


def cell_ref(row: int, col: int, absolute: bool = False) -> str:
    """(12, 3) -> "C12" (or "$C$12"); ValueError outside A1..XFD1048576."""
    if not 1 <= row <= MAX_ROW:
        raise ValueError(f"row {row} is outside 1..{MAX_ROW:,}, the rows of a worksheet")
    d = "$" if absolute else ""
    return f"{d}{column_letter(col)}{d}{row}"


def split_ref(ref: str) -> tuple[int, int]:
    """ "C12" or "$C$12" -> (12, 3); BadReference for anything else, or outside
    A1..XFD1048576."""
    cells = _cells()
    try:
        letters, row = cells.coordinate_from_string(ref)
        if row > MAX_ROW:
            raise BadReference
        return row, column_number(letters)
    except (cells.CellCoordinatesException, BadReference):
        reason = f"damaged: {ref!r} is no cell of a worksheet (A1 to XFD1048576)"
        raise BadReference(reason) from None


def sheet_target(sheet: str, row: int, col: int) -> str:
    """An internal link target to one cell, the sheet name always quoted: "'Jobs'!B4"."""
    return f"{quote_sheet(sheet)}!{cell_ref(row, col)}"


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"
