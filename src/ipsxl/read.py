"""Workbook -> one table per standard tab, each value kept with its Excel row number.

Reading has two halves. ``tables_from_grids`` finds the standard's tabs, header rows and
columns in plain grids of cell values (rows of lists, anchored at A1); it knows nothing about
files, so the Excel add-in feeds it the grids xlwings reads from an open workbook. ``read_workbook``
gets those grids from a file with python-calamine, the fastest reader there is for .xlsx/.xlsm.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ipsxl import standard as std
from ipsxl.model import ROW, RawWorkbook, Table

Grid = Sequence[Sequence[object]]


class UnreadableWorkbook(Exception):
    """The file cannot be read as a workbook at all; the message is the one-line reason."""


@dataclass(frozen=True)
class Limits:
    """How much a workbook may hold before ipsxl refuses it, so a crafted file cannot eat the
    machine. The defaults are far above a large agency's quarter (about 60,000 rows in all)."""

    max_bytes: int = 200 * 1024 * 1024  # the file on disk
    max_uncompressed: int = 1024 * 1024 * 1024  # all parts inflated
    max_ratio: int = 200  # inflated / compressed, per part above 1 MiB
    max_rows: int = 1_000_000  # rows in one sheet
    max_columns: int = 500  # columns read in one sheet


DEFAULT_LIMITS = Limits()


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, float) and math.isnan(value)


def _find_header(grid: Grid, tab: std.Tab) -> tuple[int, dict[str, int]] | None:
    """The first row (0-based) in the first rows that names at least half the required columns,
    with the 0-based position of each standard column it names (the first spelling wins)."""
    lookup = std.header_lookup(tab)
    required = {c.name for c in tab.required_columns}
    need = max(1, math.ceil(len(required) * std.HEADER_MATCH_SHARE))
    for r, row in enumerate(grid[: std.HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for c, cell in enumerate(row):
            if _is_blank(cell):
                continue
            col = lookup.get(std.fold(cell))
            if col is not None and col.name not in found:
                found[col.name] = c
        if len(required & found.keys()) >= need:
            return r, found
    return None


def _table(grid: Grid, tab: std.Tab, sheet: str) -> Table | None:
    header = _find_header(grid, tab)
    if header is None:
        return None
    header_index, found = header
    names = list(found)
    body = _rectangle(grid[header_index + 1 :], len(grid[header_index]))
    frame = pd.DataFrame(body[:, [found[n] for n in names]], columns=names, dtype=object)
    frame.index = pd.RangeIndex(header_index + 2, header_index + 2 + len(frame), name=ROW)
    frame = frame.mask(frame.eq("")).dropna(how="all")
    return Table(tab, sheet, header_index + 1, frame, {n: found[n] + 1 for n in names})


def _rectangle(rows: Grid, min_width: int = 0) -> np.ndarray:
    """Rows as one object array at least ``min_width`` wide (the header's width, so a tab with
    a header and no data rows still has every header column); short rows are padded with None."""
    width = max((len(r) for r in rows), default=min_width)
    width = max(width, min_width)
    if all(len(r) == width for r in rows):
        return np.array(rows, dtype=object).reshape(len(rows), width)
    return np.array([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)


def _program_table(grid: Grid, sheet: str) -> Table:
    """The Program tab: rows whose first filled cell names a field, the value in the next cell.
    A Field/Value header row is allowed but not needed."""
    lookup = {std.fold(f.name): f for f in std.PROGRAM.fields}
    rows, index = [], []
    header_row = 0
    for r, row in enumerate(grid):
        cells = [(c, v) for c, v in enumerate(row) if not _is_blank(v)]
        if not cells:
            continue
        c, first = cells[0]
        field = lookup.get(std.fold(first))
        if field is None:
            if std.fold(first) == "field" and not header_row:
                header_row = r + 1
            continue
        value = row[c + 1] if c + 1 < len(row) and not _is_blank(row[c + 1]) else None
        rows.append([field.name, value])
        index.append(r + 1)
    frame = pd.DataFrame(rows, columns=["Field", "Value"], dtype=object)
    frame.index = pd.Index(index, name=ROW, dtype="int64")
    return Table(std.PROGRAM, sheet, header_row, frame, {"Field": 1, "Value": 2})


def tables_from_grids(
    source: str, grids: Mapping[str, Grid], hidden: Iterable[str] = ()
) -> RawWorkbook:
    """Find every standard tab in a workbook's sheets (name -> grid of values from A1).

    The first sheet whose name matches a tab (or its aliases, folded) is that tab; ipsxl's own
    Fidelity and Flags sheets are never read as data.
    """
    tabs = std.tab_lookup()
    own = {std.fold(s) for s in std.OWN_SHEETS}
    tables: dict[str, Table] = {}
    for sheet, grid in grids.items():
        key = std.fold(sheet)
        tab = tabs.get(key)
        if key in own or tab is None or tab.name in tables:
            continue
        table = _program_table(grid, sheet) if tab is std.PROGRAM else _table(grid, tab, sheet)
        if table is None:  # no header row found: the tab is there but its columns are not
            table = Table(tab, sheet, 0, pd.DataFrame(index=pd.Index([], name=ROW)), {})
        tables[tab.name] = table
    return RawWorkbook(source, tables, sheets=list(grids), hidden=list(hidden))


def _check_package(path: Path, limits: Limits) -> None:
    """Refuse what is not a workbook, or would inflate past the limits, before parsing a byte."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise UnreadableWorkbook(f"too large: {size:,} bytes (limit {limits.max_bytes:,})")
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableWorkbook(_ole_reason(path))
    if not magic.startswith(b"PK"):
        raise UnreadableWorkbook("not an Excel workbook (.xlsx or .xlsm)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile as exc:
        raise UnreadableWorkbook(f"damaged: not a complete zip package ({exc})") from None
    if "xl/workbook.xml" not in names:
        raise UnreadableWorkbook("not an Excel workbook: the package has no xl/workbook.xml")
    total = 0
    for info in infos:
        total += info.file_size
        big = info.file_size > 1024 * 1024
        if big and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise UnreadableWorkbook(
                f"too large: {info.filename} inflates"
                f" {info.file_size // max(info.compress_size, 1)} times"
                f" (limit {limits.max_ratio}), a zip bomb"
            )
    if total > limits.max_uncompressed:
        raise UnreadableWorkbook(
            f"too large: {total:,} bytes uncompressed (limit {limits.max_uncompressed:,})"
        )


def _ole_reason(path: Path) -> str:
    """An OLE compound file is either an encrypted .xlsx or an old binary .xls."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if "EncryptionInfo".encode("utf-16-le") in head or b"EncryptedPackage" in head:
        return "password-protected: remove the password in Excel and submit again"
    return "not an Excel workbook: old binary .xls format; save it as .xlsx"


def read_workbook(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> RawWorkbook:
    """Read a .xlsx/.xlsm file into standard tables, or raise UnreadableWorkbook with the reason."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableWorkbook("no such file")
    _check_package(path, limits)
    from python_calamine import CalamineWorkbook  # imported late: Excel-side code never needs it

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged parts
        raise UnreadableWorkbook(f"damaged: {_first_line(exc)}") from None
    tabs = std.tab_lookup()
    grids: dict[str, Grid] = {}
    hidden = []
    for meta in book.sheets_metadata:
        if "Visible" not in str(meta.visible):
            hidden.append(meta.name)
        if std.fold(meta.name) not in tabs:
            continue  # only the standard's tabs are read at all
        grids[meta.name] = _sheet_grid(book, meta.name, limits)
    return tables_from_grids(str(path), grids, hidden)


def _sheet_grid(book: object, name: str, limits: Limits) -> Grid:
    try:
        sheet = book.get_sheet_by_name(name)
        if sheet.total_height > limits.max_rows:
            raise UnreadableWorkbook(
                f"too large: sheet '{name}' has {sheet.total_height:,} rows"
                f" (limit {limits.max_rows:,})"
            )
        grid = sheet.to_python(skip_empty_area=False)
    except UnreadableWorkbook:
        raise
    except Exception as exc:
        raise UnreadableWorkbook(f"damaged: sheet '{name}': {_first_line(exc)}") from None
    if grid and len(grid[0]) > limits.max_columns:
        grid = [row[: limits.max_columns] for row in grid]
    return grid


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
