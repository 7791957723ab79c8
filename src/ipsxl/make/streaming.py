"""openpyxl's write-only workbook, whose sheets take a row's ready-made cells as they are.

A styled cell is appended to a write-only sheet as a ``Cell`` (a plain value cannot carry a
style). openpyxl's ``append`` first tries each such cell as a value: the try fails with an
error naming the cell, which is caught, and a fresh cell is made for the next value. A template
holds some 16,000 styled cells (the dates and figures of the formatted rows below the data), so
that detour is much of the cost of writing one. The sheets here write a ``Cell`` straight away
and every other value as openpyxl does, so the workbook saved is byte for byte the same.

openpyxl streams each row to the sheet's file as it is appended, so a row may hold the same
cell object in several columns, and one cell may serve every row: its column and row are set
as it is written.

The shorter way replaces ``_values_to_row``, the step of openpyxl's write-only sheet that turns
an appended row into cells; were a later openpyxl to rename it, the sheets would take openpyxl's
own way again: slower, the same workbook (``tests/test_streaming.py`` compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet


class CellRowsSheet(WriteOnlyWorksheet):
    """A write-only sheet that writes the ``Cell`` objects of a row without trying them as
    values first."""

    def _values_to_row(self, values: Iterable[object], row_idx: int) -> Iterator[Cell]:
        """What ``append`` hands the sheet's writer: the row's cells, in column order.

        As openpyxl's own: a blank (``None``) writes nothing, a plain value is written through
        one unstyled cell (a new one once a value has styled it: a date gets a date format).
        """
        plain = None  # made at the row's first plain value: a formatted row has none
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if isinstance(value, Cell):
                cell = value
            else:
                if plain is None:
                    plain = WriteOnlyCell(self)
                plain.value = value
                cell = plain
            cell.column = col_idx
            cell.row = row_idx
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
            yield cell
            if cell is plain and plain.has_style:
                plain = None


class CellRowsWorkbook(Workbook):
    """A write-only workbook whose sheets are ``CellRowsSheet``."""

    def __init__(self) -> None:
        super().__init__(write_only=True)

    def create_sheet(self, title: str | None = None, index: int | None = None) -> CellRowsSheet:
        sheet = CellRowsSheet(parent=self, title=title)
        self._add_sheet(sheet, index)
        return sheet
