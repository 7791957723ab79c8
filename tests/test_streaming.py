"""The template's write-only sheets write what openpyxl's own write-only sheets write.

``make/streaming.py`` takes a shorter way through openpyxl's writer for the rows' ready-made
cells; the workbook saved must not change by a byte, whatever a row mixes: blanks, text,
numbers, formulas, dates in unformatted cells, styled cells, one cell object in several
columns and rows, notes and links.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font

from ipsxl.make.streaming import CellRowsWorkbook
from ipsxl.make.template import DATE_FORMAT


def fill(wb: Workbook) -> None:
    """Two sheets of rows that take each path through a write-only sheet's ``append``."""
    ws = wb.create_sheet("Rows")
    bold = WriteOnlyCell(ws, value="Header")
    bold.font = Font(bold=True)
    bold.comment = Comment("what goes here", "ipsxl")
    empty_date = WriteOnlyCell(ws)
    empty_date.number_format = DATE_FORMAT
    empty_date.alignment = Alignment(horizontal="center")
    link = WriteOnlyCell(ws, value="the standard")
    link.hyperlink = "https://example.org/standard"
    ws.append([bold, "plain", None, 3])
    # a date in an unformatted cell gets openpyxl's date format; the text after it must not
    ws.append([dt.date(2026, 7, 14), "after a date", 15.5, dt.datetime(2026, 7, 1, 8, 30), 0])
    ws.append(["=SUM(D1:D2)", True, " spaced ", "#N/A", link])
    for _ in range(3):  # one empty styled cell in two columns of three rows
        ws.append([None, empty_date, "x", empty_date])
    ws.append(value for value in ["from", "a generator", empty_date])
    other = wb.create_sheet("Other")
    other.append([])
    other.append([None, None, WriteOnlyCell(other, value=2.5)])


def parts(tmp_path: Path, name: str, make: Callable[[], Workbook]) -> dict[str, bytes]:
    wb = make()
    fill(wb)
    out = tmp_path / name
    wb.save(out)
    with zipfile.ZipFile(out) as package:
        return {
            part: package.read(part)
            for part in package.namelist()
            if part != "docProps/core.xml"  # the time it was written
        }


def test_sheets_write_the_same_package_as_openpyxls_own(tmp_path: Path) -> None:
    ours = parts(tmp_path, "ours.xlsx", CellRowsWorkbook)
    theirs = parts(tmp_path, "theirs.xlsx", lambda: Workbook(write_only=True))
    assert ours.keys() == theirs.keys()
    assert [p for p in ours if ours[p] != theirs[p]] == []


def test_one_cell_object_writes_in_every_column_and_row_it_stands_in(tmp_path: Path) -> None:
    wb = CellRowsWorkbook()
    fill(wb)
    wb.save(tmp_path / "book.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "book.xlsx")["Rows"]
    for row in (4, 5, 6):
        for column in ("B", "D"):
            cell = ws[f"{column}{row}"]
            assert cell.value is None
            assert cell.number_format == DATE_FORMAT
            assert cell.alignment.horizontal == "center"
    assert ws["A2"].value == dt.datetime(2026, 7, 14)
    assert ws["B2"].number_format == "General"  # the text after a date is not a date
    assert ws["E3"].hyperlink.target == "https://example.org/standard"
    assert ws["A1"].comment.text == "what goes here"
