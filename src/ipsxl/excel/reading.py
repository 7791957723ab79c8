"""Reading the open book: its standard tabs as the CLI reads them from a file."""

from __future__ import annotations

import xlwings as xw

from ipsxl.core import standard as std
from ipsxl.core.model import RawWorkbook
from ipsxl.core.values import CellError
from ipsxl.excel.engine import CHUNK_ROWS
from ipsxl.files.read import DEFAULT_LIMITS, Limits, UnreadableWorkbook, tables_from_grids
from ipsxl.sheets import fidelity as fidelity_sheet

# What a formula's error result reads as through xlwings (err_to_str=True)
ERROR_TEXTS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#DATA!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
    }
)


def read_book(book: xw.Book, limits: Limits = DEFAULT_LIMITS) -> RawWorkbook:
    """The standard tabs of an open workbook, as the CLI reads them from a file.

    Each standard tab is read in one block from its used range, anchored at A1 (blank rows and
    columns before the used range are put back), dates as datetimes, error results as
    ``CellError``. Other sheets are not read, only named, as ``read_workbook`` does.
    """
    tabs = std.tab_lookup()
    own = {std.fold(s) for s in std.OWN_SHEETS}
    grids: dict[str, list[list[object]]] = {}
    names, hidden = [], []
    for sheet in book.sheets:
        name = sheet.name
        names.append(name)
        if _is_hidden(sheet):
            hidden.append(name)
        key = std.fold(name)
        if key not in tabs or key in own or name in grids:
            continue
        grids[name] = read_grid(sheet, limits)
    raw = tables_from_grids(source_name(book), grids, hidden)
    raw.sheets = names
    return raw


def read_grid(sheet: xw.Sheet, limits: Limits = DEFAULT_LIMITS) -> list[list[object]]:
    """One sheet's values from A1 to the end of its used range, in one read."""
    used = sheet.used_range
    top, left = used.row, used.column
    nrows, ncols = used.shape
    bottom, right = top + nrows - 1, left + ncols - 1
    if bottom > limits.max_rows:
        raise UnreadableWorkbook(
            f"sheet '{sheet.name}' has cells down to row {bottom:,} (limit {limits.max_rows:,})"
        )
    if bottom * right > limits.max_cells:
        raise UnreadableWorkbook(
            f"sheet '{sheet.name}' spans {bottom:,} rows x {right:,} columns; delete stray cells"
            " far below or right of the table"
        )
    ncols = min(ncols, limits.max_columns - left + 1)
    if ncols <= 0:
        return []
    block = used.resize(nrows, ncols) if ncols != used.shape[1] else used
    values = block.options(ndim=2, err_to_str=True, chunksize=CHUNK_ROWS).value or []
    pad = [None] * (left - 1)
    grid: list[list[object]] = [[] for _ in range(top - 1)]
    grid.extend(pad + [_read_value(v) for v in row] for row in values)
    return grid


def _read_value(value: object) -> object:
    if isinstance(value, str) and value in ERROR_TEXTS:
        return CellError(value)
    return value


def source_name(book: xw.Book) -> str:
    try:
        return book.fullname
    except Exception:  # noqa: BLE001 - a book without a path still has a name
        return book.name


def _is_hidden(sheet: xw.Sheet) -> bool:
    try:
        visible = sheet.visible
    except (KeyError, NotImplementedError):  # a client that does not send visibility
        return False
    # COM gives xlSheetVisible (-1), xlSheetHidden (0) or xlSheetVeryHidden (2)
    return visible is False or visible == 0 or visible == 2


def find_sheet(book: xw.Book, name: str) -> xw.Sheet | None:
    for sheet in book.sheets:
        if sheet.name.casefold() == name.casefold():
            return sheet
    return None


def reviewer_scores(sheet: xw.Sheet) -> dict[int, fidelity_sheet.Review]:
    """What a reviewer typed on ipsxl's Fidelity sheet now in the workbook, by scale position.

    The sheet is read in one block from A1 and its item rows found by Section and # (see
    ``fidelity_sheet.reviews_from_grid``), so a Fidelity sheet the file write-back wrote, or one a
    person moved rows on, keeps its scores and notes too.
    """
    last = sheet.used_range.last_cell
    grid = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value or []
    return fidelity_sheet.reviews_from_grid(grid)
