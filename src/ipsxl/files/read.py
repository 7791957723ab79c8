"""Workbook -> one table per standard tab, each value kept with its Excel row number.

Reading has two halves. ``tables_from_grids`` finds the standard's tabs, header rows and
columns in plain grids of cell values (rows of lists, anchored at A1); it knows nothing about
files, so the Excel add-in feeds it the grids xlwings reads from an open workbook. ``read_workbook``
gets those grids from a file with python-calamine, the fastest reader there is for .xlsx/.xlsm.

Files come from many hands, and now and then one is crafted, so ``read_workbook`` trusts
nothing in them. It checks the file on disk (size, what it really is) and then the zip package,
inflating every XML part itself with counted bytes: the sizes a zip header claims may lie, a DTD
(entities, the "billion laughs") is refused outright, and error cells are found. Where the
platform can fork, reading runs in a child process with a time limit and a memory cap (``guard``),
so a file that still finds a way to hang or exhaust the reader costs one line in the report, not
the batch; there calamine may parse while the package is scanned, since the cap bounds it, but
nothing it read is used before the scan has passed. Elsewhere the scan comes first and also
measures how many rows and columns each standard sheet really spans, because calamine allocates
that whole rectangle at once and a 400-byte file naming cell XFD1048576 would otherwise ask for
hundreds of gigabytes.
Every refusal is an ``UnreadableWorkbook`` whose message is the one-line reason a person reads.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ipsxl.core import standard as std
from ipsxl.core.model import ROW, Grid, RawWorkbook, Table
from ipsxl.core.values import CellError, Uncomputed, display, is_blank
from ipsxl.files import runtime
from ipsxl.files.extents import Extent
from ipsxl.files.guard import guarded, leave_for_exit
from ipsxl.files.limits import DEFAULT_LIMITS, MB, Limits, UnreadableWorkbook, first_line
from ipsxl.files.package_scan import check_package, part_sizes
from ipsxl.files.snapshot import Snapshot
from ipsxl.files.sniff import check_file

__all__ = [
    "DEFAULT_LIMITS",
    "MB",
    "Limits",
    "UnreadableWorkbook",
    "read_unguarded",
    "read_workbook",
    "standard_sheets",
    "table_of",
    "tables_from_grids",
]


def _find_header(grid: Grid, tab: std.Tab) -> tuple[int, dict[str, int], dict[int, str]] | None:
    """The first row (0-based) in the first rows that names at least half the required columns,
    with the 0-based position of each standard column it names (the first spelling wins), and
    its other headers (1-based column -> the header as typed)."""
    lookup = std.header_lookup(tab)
    required = {c.name for c in tab.required_columns}
    need = max(1, math.ceil(len(required) * std.HEADER_MATCH_SHARE))
    for r, row in enumerate(grid[: std.HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        unknown: dict[int, str] = {}
        for c, cell in enumerate(row):
            if is_blank(cell):
                continue
            col = lookup.get(std.fold(cell))
            if col is None:
                unknown[c + 1] = display(cell)
            elif col.name not in found:
                found[col.name] = c
        if len(required & found.keys()) >= need:
            return r, found, unknown
    return None


def _table(grid: Grid, tab: std.Tab, sheet: str) -> Table | None:
    header = _find_header(grid, tab)
    if header is None:
        return None
    header_index, found, unknown = header
    names = list(found)
    body = _rectangle(grid[header_index + 1 :], len(grid[header_index]))
    # on the numpy array, what frame.mask(frame.eq("")).dropna(how="all") did on the frame:
    # empty cells become NaN, and rows with nothing in them go
    cells = body[:, [found[n] for n in names]]
    cells[cells == ""] = np.nan
    index = pd.RangeIndex(header_index + 2, header_index + 2 + len(cells), name=ROW)
    frame = pd.DataFrame(cells, columns=names, index=index, dtype=object)
    keep = pd.notna(cells).any(axis=1)
    if not keep.all():
        frame = frame.loc[keep]
    positions = {n: found[n] + 1 for n in names}
    return Table(tab, sheet, header_index + 1, frame, positions, unknown)


def _rectangle(rows: Grid, min_width: int = 0) -> np.ndarray:
    """Rows as one object array at least ``min_width`` wide (the header's width, so a tab with
    a header and no data rows still has every header column); short rows are padded with None.

    The cells go in with np.fromiter, one C loop, rather than np.array(rows), which looks into
    every cell for nested sequences: half the cost of the table for 50,000 rows."""
    width = max(max((len(r) for r in rows), default=0), min_width)
    if any(len(r) != width for r in rows):  # calamine's rows are all one width; others may not be
        rows = [list(r) + [None] * (width - len(r)) for r in rows]
    cells = np.fromiter(chain.from_iterable(rows), dtype=object, count=len(rows) * width)
    return cells.reshape(len(rows), width)


def _program_table(grid: Grid, sheet: str) -> Table:
    """The Program tab: rows whose first filled cell names a field, the value in the next cell.
    A Field/Value header row is allowed but not needed."""
    lookup = {std.fold(f.name): f for f in std.PROGRAM.fields}
    rows, index = [], []
    header_row = 0
    for r, row in enumerate(grid):
        cells = [(c, v) for c, v in enumerate(row) if not is_blank(v)]
        if not cells:
            continue
        c, first = cells[0]
        field = lookup.get(std.fold(first))
        if field is None:
            if std.fold(first) == "field" and not header_row:
                header_row = r + 1
            continue
        value = row[c + 1] if c + 1 < len(row) and not is_blank(row[c + 1]) else None
        rows.append([field.name, value])
        index.append(r + 1)
    frame = pd.DataFrame(rows, columns=["Field", "Value"], dtype=object)
    frame.index = pd.Index(index, name=ROW, dtype="int64")
    return Table(std.PROGRAM, sheet, header_row, frame, {"Field": 1, "Value": 2})


def standard_sheets(sheets: Iterable[str]) -> dict[str, std.Tab]:
    """Which sheet holds which standard tab: the first sheet whose name matches a tab (or one of
    its aliases, folded); ipsxl's own Fidelity and Flags sheets are never read as data."""
    tabs = std.tab_lookup()
    own = {std.fold(s) for s in std.OWN_SHEETS}
    found: dict[str, std.Tab] = {}
    for sheet in sheets:
        key = std.fold(sheet)
        tab = tabs.get(key)
        if key not in own and tab is not None and tab not in found.values():
            found[sheet] = tab
    return found


def table_of(tab: std.Tab, sheet: str, grid: Grid) -> Table:
    """The standard table in one sheet's grid (with no columns when no header row is found)."""
    table = _program_table(grid, sheet) if tab is std.PROGRAM else _table(grid, tab, sheet)
    if table is None:  # no header row found: the tab is there but its columns are not
        table = Table(tab, sheet, 0, pd.DataFrame(index=pd.Index([], name=ROW)), {})
    return table


def tables_from_grids(
    source: str, grids: Mapping[str, Grid], hidden: Iterable[str] = ()
) -> RawWorkbook:
    """Find every standard tab in a workbook's sheets (name -> grid of values from A1)."""
    tables = {
        tab.name: table_of(tab, sheet, grids[sheet])
        for sheet, tab in standard_sheets(grids).items()
    }
    return RawWorkbook(source, tables, sheets=list(grids), hidden=list(hidden))


# --- reading a file -----------------------------------------------------------------------------


def read_workbook(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> RawWorkbook:
    """Read a .xlsx/.xlsm file into standard tables, or raise UnreadableWorkbook with the reason.

    The file is never written to, and nothing in it is trusted: see the module's docstring.
    """
    return guarded(read_unguarded, check_file(Path(path), limits), limits)


def read_unguarded(
    source: Path | Snapshot,
    limits: Limits,
    capped: bool = False,
    on_table: Callable[[Table], None] | None = None,
) -> RawWorkbook:
    """``read_workbook`` for code that is already inside the guard (``guard.start``), as
    ``check.start_check``'s child is: reading and checking in one process, nothing to send
    back but the report. ``source`` is best what ``check_file`` (the on-disk checks) read.

    ``on_table`` hears of each table as soon as its sheet is read, in the order the sheets
    finish (the small tabs first, while the big one is still being read)."""
    snapshot = Snapshot.of(source)
    tables: dict[str, Table] = {}

    def arrived(sheet: str, tab: std.Tab, grid: Grid) -> None:
        tables[tab.name] = table_of(tab, sheet, grid)
        if on_table is not None:
            on_table(tables[tab.name])

    grids, hidden, sheets = _read_grids(snapshot, limits, capped, arrived)
    leave_for_exit(grids)
    in_order = {tab.name: tables[tab.name] for tab in standard_sheets(grids).values()}
    return RawWorkbook(str(snapshot.path), in_order, sheets=sheets, hidden=hidden)


# --- parsing with calamine ----------------------------------------------------------------------


def _read_grids(
    source: Path | Snapshot,
    limits: Limits,
    capped: bool = False,
    on_grid: Callable[[str, std.Tab, Grid], None] | None = None,
) -> tuple[dict[str, Grid], list[str], list[str]]:
    """Grids of the standard sheets, hidden sheet names and all sheet names, from calamine;
    ``on_grid`` hears of each grid as soon as it is built.

    calamine lets go of the GIL while it parses a sheet's XML, so the largest sheet (the
    Employer Log, most of the work) is parsed in a thread of its own while this thread does
    everything else: the package scan, the other sheets, and what ``on_grid`` does with them.
    A book serves one thread at a time and parses all the shared strings as it opens, so the
    thread has a book of its own, unless the strings are many (``SHARED_STRINGS_TWICE``): then
    they are parsed once, and the other sheets wait for the largest. calamine allocates a sheet's
    whole rectangle at once, so where the memory of this process is not ``capped`` the scan runs
    first and measures each standard sheet's extent before any sheet is parsed. Where it is
    capped (the guard's child) a rectangle too big for the cap only ends this process, the extent
    is checked from calamine's own range before its grid is built, and the scan runs while the
    largest sheet is parsed; nothing calamine read is used unless the scan has passed. Every
    look at the file is a look at the same bytes, ``source``'s snapshot."""
    snapshot = Snapshot.of(source)
    package = None if capped else check_package(snapshot, limits, extents=True)
    try:
        book = _open_book(snapshot)
        metas = book.sheets_metadata
    except UnreadableWorkbook:
        if package is None:  # the scan's reason, when it has one, says more than calamine's
            check_package(snapshot, limits, extents=False)
        raise
    hidden, sheets = _sheet_names(metas)
    wanted = standard_sheets(sheets)  # only the standard's tabs are read at all
    if package is not None:
        for name in wanted:
            _check_extent(name, package.extents.get(name, package.largest), limits)
        sizes, shared_strings = package.sizes, package.shared_strings  # read by the scan
    else:
        sizes, shared_strings = part_sizes(snapshot, limits)
    largest = max(wanted, key=lambda name: sizes.get(name, 0), default=None)
    # a second book for the thread parses the shared strings again: worth it for the time the
    # other sheets save by being parsed meanwhile, unless there are many strings
    one_book = shared_strings > SHARED_STRINGS_TWICE
    pool = _sheet_thread()
    try:
        big = None
        if largest is not None and pool is not None:
            big = (
                pool.submit(_parse_sheet, book, largest)
                if one_book
                else pool.submit(_parse_alone, snapshot, largest)
            )
        if package is None:
            package = check_package(snapshot, limits, extents=False)
        loads: dict[str, Callable[[], Any]] = {
            name: partial(_parse_sheet, book, name) for name in wanted if name != largest
        }
        if largest is not None:  # the largest last, or first when the others wait for its book
            parse_largest = big.result if big is not None else partial(_parse_sheet, book, largest)
            loads = (
                {largest: parse_largest, **loads} if one_book else {**loads, largest: parse_largest}
            )
        grids = _grids(wanted, loads, package, limits, on_grid)
        leave_for_exit(book)
    finally:  # a capped child exits as soon as it has answered: no need to wait for the thread
        if pool is not None:
            pool.shutdown(wait=not capped, cancel_futures=True)
    return grids, hidden, sheets


# The size (inflated) of the shared strings past which the largest sheet is not parsed with a
# book of its own: each book parses all the strings when it opens.
SHARED_STRINGS_TWICE = 4 * MB


def _sheet_thread() -> Any:
    """A pool of one thread for the largest sheet; None where threads cannot start (Pyodide),
    and every sheet is then parsed in turn here."""
    if not runtime.can_start_threads():
        return None
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="ipsxl-calamine")


def _sheet_names(metas: list[Any]) -> tuple[list[str], list[str]]:
    """The hidden sheets, and all sheets, in workbook order."""
    from python_calamine import SheetVisibleEnum

    hidden = [m.name for m in metas if m.visible != SheetVisibleEnum.Visible]
    return hidden, [m.name for m in metas]


def _grids(
    wanted: dict[str, std.Tab],
    loads: dict[str, Callable[[], Any]],
    package: Any,
    limits: Limits,
    on_grid: Callable[[str, std.Tab, Grid], None] | None,
) -> dict[str, Grid]:
    """Each sheet's grid from its parsed sheet, in the order of ``loads``, each handed to
    ``on_grid`` as it is built. Of several failing sheets the first in workbook order is
    reported, so a file always gets the same reason."""
    outcomes: dict[str, Grid | UnreadableWorkbook] = {}
    for name in loads:
        try:
            extent = package.extents.get(name, package.largest)
            outcomes[name] = _sheet_grid(loads[name], name, extent, limits)
        except UnreadableWorkbook as exc:
            outcomes[name] = exc
            continue
        if on_grid is not None and not any(
            isinstance(o, UnreadableWorkbook) for o in outcomes.values()
        ):
            on_grid(name, wanted[name], outcomes[name])
    for outcome in (outcomes[name] for name in wanted):
        if isinstance(outcome, UnreadableWorkbook):
            raise outcome
    leave_for_exit(loads)  # calamine's own copy of every sheet
    return {name: outcomes[name] for name in wanted}


def _open_book(snapshot: Snapshot) -> Any:
    """The workbook opened by calamine, which reads its shared strings then: once per book."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(snapshot.open())
    except BaseException as exc:  # noqa: BLE001 - calamine's errors, and pyo3 panics
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise UnreadableWorkbook(f"damaged: {first_line(exc)}") from None


def _parse_sheet(book: Any, name: str) -> Any:
    """One sheet parsed by calamine; a book is used by one thread at a time (calamine refuses
    two at once), see ``_read_grids``."""
    return book.get_sheet_by_name(name)


def _parse_alone(snapshot: Snapshot, name: str) -> Any:
    """One sheet parsed with a book of its own, so other sheets can be parsed meanwhile."""
    return _parse_sheet(_open_book(snapshot), name)


def _check_extent(name: str, extent: Extent, limits: Limits) -> None:
    if extent.rows > limits.max_rows:
        raise UnreadableWorkbook(
            f"too large: sheet '{name}' has cells down to row {extent.rows:,}"
            f" (limit {limits.max_rows:,}; delete stray cells far below the table,"
            " or raise --max-rows)"
        )
    if extent.rows * extent.cols > limits.max_cells:
        raise UnreadableWorkbook(
            f"too large: sheet '{name}' spans {extent.rows:,} rows x {extent.cols:,} columns"
            f" ({extent.rows * extent.cols:,} cells, limit {limits.max_cells:,}); delete stray"
            " cells far below or right of the table"
        )


def _sheet_grid(load: Callable[[], Any], name: str, extent: Extent, limits: Limits) -> Grid:
    try:
        sheet = load()
        end = sheet.end
        if end is not None and sheet.height:
            _check_extent(name, Extent(end[0] + 1, end[1] + 1), limits)
        grid = _shared_values(_rows_from_a1(sheet), limits.max_columns)
    except UnreadableWorkbook:
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine's errors, and pyo3 panics
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        if isinstance(exc, MemoryError):
            raise UnreadableWorkbook(f"too large: sheet '{name}' does not fit in memory") from None
        raise UnreadableWorkbook(f"damaged: sheet '{name}': {first_line(exc)}") from None
    return _marked(grid, extent, limits)


def _marked(grid: list[list[Any]], extent: Extent, limits: Limits) -> list[list[Any]]:
    """The grid with what the package scan found and calamine does not say: error results
    (calamine reads them as ''), formulas never computed (calamine reads them as nothing), the
    totals rows of Excel tables (no records: taken out), and merged ranges (their value given
    to every cell they cover)."""
    for (r, c), text in extent.errors.items():
        if r <= len(grid) and c <= len(grid[r - 1]) and grid[r - 1][c - 1] in ("", None):
            grid[r - 1][c - 1] = CellError(text)
    for (r, c), formula in extent.uncomputed.items():
        if r <= limits.max_rows and c <= limits.max_columns:
            while len(grid) < r:
                grid.append([])
            row = grid[r - 1]
            if len(row) < c:
                row.extend([None] * (c - len(row)))
            if row[c - 1] in ("", None):
                row[c - 1] = Uncomputed(formula)
    for r1, c1, r2, c2 in extent.totals:
        for row in grid[r1 - 1 : r2]:
            row[c1 - 1 : c2] = [None] * len(row[c1 - 1 : c2])
    _fill_merged(grid, extent.merged)
    return grid


def _fill_merged(grid: list[list[Any]], merged: Iterable[tuple[int, int, int, int]]) -> None:
    """Give each merged range's value (its first cell's) to the cells it covers, in the rows of
    the grid that hold something else: a row holding nothing but a name merged down past the
    last record is no record. Excel's ranges never overlap; a crafted file's may, so no more
    cells are filled than the grid holds."""
    budget = sum(len(row) for row in grid)
    for r1, c1, r2, c2 in merged:
        if r1 > len(grid) or c1 > len(grid[r1 - 1]):
            continue
        value = grid[r1 - 1][c1 - 1]
        if value is None or value == "":
            continue
        for r in range(r1, min(r2, len(grid)) + 1):
            row = grid[r - 1]
            covered = range(c1 - 1, min(c2, len(row)))
            budget -= len(covered)
            if budget < 0:
                return
            if r > r1 and all(v is None or v == "" for i, v in enumerate(row) if i not in covered):
                continue
            for c in covered:
                row[c] = value


def _rows_from_a1(sheet: Any) -> Iterator[list[Any]]:
    """The sheet's rows from A1, as ``to_python(skip_empty_area=False)`` gives them, but one at
    a time: calamine's rows start at row 1 but at the first used column, so the columns before
    it are put back."""
    start = sheet.start
    rows = sheet.iter_rows()
    if not start or not start[1]:
        return rows
    before = [""] * start[1]
    return (before + row for row in rows)


def _shared_values(rows: Iterable[list[Any]], width: int) -> list[list[Any]]:
    """The rows (cut to ``width`` columns) with equal texts, and equal dates, as one object each.

    A column of 50,000 cells holds a few thousand distinct values at most, but calamine makes a
    new object for every cell. Every later pass over the cells (finding blanks, each parser's
    grouping by value) must look at each object, and 50,000 objects scattered in memory cost
    several times what a few hundred do. Done row by row as calamine hands them out, each row's
    new objects are looked up while they are fresh and dropped at once. Only values whose
    equals are always of their own type are shared: str (not a subclass such as CellError),
    dates, and datetimes without a time zone; True, 1 and 1.0 are equal but not the same
    value."""
    seen: dict[object, object] = {}
    share = seen.setdefault
    date, moment = dt.date, dt.datetime
    return [
        [
            share(v, v)
            if v.__class__ is str
            or v.__class__ is date
            or (v.__class__ is moment and v.tzinfo is None)
            else v
            for v in (row if len(row) <= width else row[:width])
        ]
        for row in rows
    ]
