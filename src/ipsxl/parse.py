"""Raw tables -> typed frames, one per standard tab, and the reporting period.

Every standard column is present in every typed frame (all blank when the sheet lacks it), so
rules and fidelity items can be written without asking first whether a column exists.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ipsxl import standard as std
from ipsxl import values
from ipsxl.model import ROW, Parsed, Period, RawWorkbook, Table


def _empty(tab: std.Tab, index: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(
        {c.name: pd.Series(index=index, dtype=values.EMPTY_DTYPES[c.type]) for c in tab.columns},
        index=index,
    )


def parse_table(
    tab: std.Tab, table: Table | None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Typed frame, raw frame and bad-cell mask of one tab (all three with every column)."""
    index = table.frame.index if table is not None else pd.Index([], name=ROW, dtype="int64")
    typed = _empty(tab, index)
    raw = pd.DataFrame({c.name: pd.Series(None, index=index, dtype=object) for c in tab.columns})
    bad = pd.DataFrame(False, index=index, columns=[c.name for c in tab.columns])
    if table is None:
        return typed, raw, bad
    for col in tab.columns:
        if col.name not in table.frame:
            continue
        column = table.frame[col.name]
        raw[col.name] = column
        typed[col.name], bad[col.name] = values.parse(column, col)
    return typed, raw, bad


def _program(table: Table | None) -> tuple[dict[str, object], pd.DataFrame]:
    """Program fields as one typed record, and a frame by field name of each field's raw
    value, whether it is bad, and its Excel row (NA when the field is not in the tab)."""
    fields = std.PROGRAM.fields
    names = [f.name for f in fields]
    raw = pd.Series(None, index=names, dtype=object)
    rows = pd.Series(pd.NA, index=names, dtype="Int64")
    if table is not None:
        first = table.frame.reset_index().drop_duplicates("Field").set_index("Field")
        raw.update(first["Value"])
        rows.update(first[ROW])
    record: dict[str, object] = {}
    bad = pd.Series(False, index=names)
    for f in fields:
        typed, is_bad = values.parse(pd.Series([raw[f.name]], dtype=object), f)
        value = typed.iloc[0]
        record[f.name] = None if pd.isna(value) else value
        bad[f.name] = bool(is_bad.iloc[0])
    frame = pd.DataFrame({"raw": raw, "bad": bad, ROW: rows})
    return record, frame


def _as_date(value: object) -> dt.date | None:
    return pd.Timestamp(value).date() if value is not None else None


def parse_workbook(
    raw: RawWorkbook,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> Parsed:
    """Typed frames for every standard tab; ``start``/``end`` override the Program tab's period."""
    frames, raws, bads = {}, {}, {}
    for tab in std.TABS:
        if tab is std.PROGRAM:
            continue
        frames[tab.name], raws[tab.name], bads[tab.name] = parse_table(
            tab, raw.tables.get(tab.name)
        )
    program, program_frame = _program(raw.tables.get(std.PROGRAM.name))
    raws[std.PROGRAM.name] = program_frame
    start = start or _as_date(program.get("Period Start"))
    end = end or _as_date(program.get("Period End"))
    period = Period(start, end) if start and end and start <= end else None
    return Parsed(
        frames=frames,
        tables=raw.tables,
        program=program,
        period=period,
        raw=raws,
        bad=bads,
        today=today or dt.date.today(),
    )
