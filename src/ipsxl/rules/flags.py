"""Building flag rows: every rule reports through these, so all flags point at cells alike.

A rule finds the offending records as a boolean mask over a typed frame (indexed by Excel row)
and hands it here with a message; the sheet name, the cell's column number and the value as
the person typed it are filled in from the tables that were read.
"""

from __future__ import annotations

import pandas as pd

from ipsxl import values
from ipsxl.model import FLAG_COLUMNS, Parsed, empty_flags


def cells(
    ctx: Parsed,
    tab: str,
    mask: pd.Series,
    column: str | None,
    code: str,
    severity: str,
    message: str | pd.Series,
) -> pd.DataFrame:
    """One flag per True in ``mask`` (a boolean Series indexed by Excel row) on ``column``.

    ``message`` is one text for all, or a Series aligned with ``mask`` (one text per row).
    ``column=None`` flags the whole row (faces mark the row's first cell).
    """
    mask = mask.fillna(False).astype(bool)
    rows = mask.index[mask.to_numpy()]
    if len(rows) == 0:
        return empty_flags()
    table = ctx.tables.get(tab)
    sheet = table.sheet if table is not None else tab
    position = table.positions.get(column) if (table is not None and column) else None
    raw = ctx.raw[tab][column].reindex(rows) if column else pd.Series(None, index=rows)
    text = message.reindex(rows).to_numpy() if isinstance(message, pd.Series) else message
    flags = pd.DataFrame(
        {
            "sheet": sheet,
            "row": rows.astype(int),
            "column": column,
            "code": code,
            "severity": severity,
            "message": text,
            "value": raw.map(values.display).to_numpy(),
            "col": position,
        },
        index=range(len(rows)),
    )
    return flags[FLAG_COLUMNS].astype(object)


def tab(
    ctx: Parsed,
    tab: str,
    code: str,
    severity: str,
    message: str,
    column: str | None = None,
    row: int | None = None,
    value: object = None,
) -> pd.DataFrame:
    """One flag about a tab as a whole (a missing tab or column, a per-week count)."""
    table = ctx.tables.get(tab)
    sheet = table.sheet if table is not None else tab
    col = table.positions.get(column) if (table is not None and column) else None
    record = dict(
        sheet=sheet, row=row, column=column, code=code, severity=severity, message=message,
        value=values.display(value), col=col,
    )
    return pd.DataFrame([record], columns=FLAG_COLUMNS).astype(object)


def concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Join flag frames, keeping the flag columns even when there are none."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_flags()
    return pd.concat(parts, ignore_index=True)[FLAG_COLUMNS]
