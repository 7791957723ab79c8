"""Building flag rows: every rule reports through these, so all flags point at cells alike.

A rule finds the offending records as a boolean mask over a typed frame (indexed by Excel row)
and hands it here with a message; the sheet name, the cell's column number and the value as
the person typed it are filled in from the tables that were read.

A workbook raises a few dozen flags for tens of thousands of rows, so the builders work on the
flagged rows only and fill one object array: pandas' per-column machinery would cost more than
the rules themselves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipsxl.core import values
from ipsxl.core.codes import Code
from ipsxl.core.model import FLAG_COLUMNS, Parsed, Table, empty_flags

_COLUMN = {name: i for i, name in enumerate(FLAG_COLUMNS)}
# the columns of every flags frame built here, as one Index: pandas would build one from the
# list for each frame, and that costs more than the frame's few rows
_COLUMNS = pd.Index(FLAG_COLUMNS)
_EMPTY = empty_flags()


def empty() -> pd.DataFrame:
    """No flags (what ``empty_flags`` gives), copied from one built once: most rules find
    nothing in most workbooks, and building the frame costs more than copying it."""
    return _EMPTY.copy()


def _frame(columns: dict[str, object], count: int) -> pd.DataFrame:
    """A flags frame of ``count`` rows from scalars (repeated) or sequences, all object dtype."""
    grid = np.empty((count, len(FLAG_COLUMNS)), dtype=object)
    for name, value in columns.items():
        grid[:, _COLUMN[name]] = value
    return pd.DataFrame(grid, columns=_COLUMNS, dtype=object)


def _position(table: Table | None, column: str | None) -> int | None:
    """The 1-based sheet column of ``column`` in the table, where the cell exists."""
    position = table.positions.get(column) if (table is not None and column) else None
    return None if position is None else int(position)


def _where(mask: pd.Series) -> np.ndarray:
    """Positions of the True entries of a bool or nullable-boolean mask (NA is not True)."""
    if mask.dtype == bool:
        return np.flatnonzero(mask.to_numpy())
    return np.flatnonzero(mask.fillna(False).astype(bool).to_numpy())


def _at(series: pd.Series, index: pd.Index, where: np.ndarray) -> np.ndarray:
    """The values of ``series`` at the rows ``index[where]``: by position when the series is
    aligned with the mask (the usual case, and no label lookup), else by label (NaN where the
    series lacks the row, as for a message built for the flagged rows only)."""
    if series.index.equals(index):
        return series.to_numpy()[where]
    return series.reindex(index[where]).to_numpy()


def _raw_at(raw: pd.DataFrame, column: str, index: pd.Index, where: np.ndarray) -> np.ndarray:
    """``_at`` of the raw values of ``column``: read from the raw frame's values (one object
    array, as ``parse`` builds it: no Series built for a column) when it is aligned with the
    mask, as it usually is."""
    if raw.index.equals(index):
        return raw.to_numpy()[where, raw.columns.get_loc(column)]
    return _at(raw[column], index, where)


def cells(
    ctx: Parsed,
    tab: str,
    mask: pd.Series,
    column: str | None,
    code: Code,
    message: str | pd.Series | list[str],
) -> pd.DataFrame:
    """One flag per True in ``mask`` (a boolean Series indexed by Excel row) on ``column``.

    ``message`` is one text for all, a Series aligned with ``mask`` (one text per row), or a
    list of one text per True in ``mask``, in its order.
    ``column=None`` flags the whole row (faces mark the row's first cell).
    """
    where = _where(mask)
    if len(where) == 0:
        return empty()
    rows = mask.index[where]
    table = ctx.tables.get(tab)
    sheet = table.sheet if table is not None else tab
    typed = _raw_at(ctx.raw[tab], column, mask.index, where) if column else [None] * len(rows)
    text = _at(message, mask.index, where) if isinstance(message, pd.Series) else message
    if isinstance(text, list) and len(text) != len(rows):
        raise ValueError(f"{len(text)} messages for {len(rows)} flags")
    return _frame(
        {
            "sheet": sheet,
            "row": rows.to_numpy().astype(int).astype(object),
            "column": column,
            "code": code.name,
            "severity": code.severity,
            "message": text,
            "value": [values.display(v) for v in typed],
            "col": _position(table, column),
        },
        len(rows),
    )


def tab(
    ctx: Parsed,
    tab: str,
    code: Code,
    message: str,
    column: str | None = None,
    row: int | None = None,
    value: object = None,
) -> pd.DataFrame:
    """One flag about a tab as a whole (a missing tab or column, a per-week count)."""
    return tabs(ctx, tab, code, [message], [value], column=column, row=row)


def tabs(
    ctx: Parsed,
    tab: str,
    code: Code,
    messages: list[str],
    shown: list[object],
    column: str | None = None,
    row: int | None = None,
) -> pd.DataFrame:
    """Like ``tab``, one flag per message, each with its value in ``shown``, in one frame: the
    per-week flags of a quarter are many, and a frame per flag is slow."""
    table = ctx.tables.get(tab)
    return _frame(
        {
            "sheet": table.sheet if table is not None else tab,
            "row": None if row is None else int(row),
            "column": column,
            "code": code.name,
            "severity": code.severity,
            "message": messages,
            "value": [values.display(v) for v in shown],
            "col": _position(table, column),
        },
        len(messages),
    )


def concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Join flag frames, keeping the flag columns even when there are none."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty()
    if all(list(p.columns) == FLAG_COLUMNS for p in parts):
        # every flags frame is built here, all of object dtype (``_frame``, ``empty``): they
        # join as one array, as pd.concat would join them, without its per-column work
        grid = np.concatenate([p.to_numpy() for p in parts])
        return pd.DataFrame(grid, columns=_COLUMNS, dtype=object)
    return pd.concat(parts, ignore_index=True)[FLAG_COLUMNS]
