"""Raw tables -> typed frames, one per standard tab, and the reporting period.

Every standard column is present in every typed frame (all blank when the sheet lacks it), so
rules and fidelity items can be written without asking first whether a column exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ipsxl.core import standard as std
from ipsxl.core import values
from ipsxl.core.model import ROW, Parsed, Period, RawWorkbook, Table

# what parse_table gives for one tab: typed frame, raw frame, bad-cell mask
ParsedTab = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]

# each tab's standard column names, as the one Index its frames share (an Index is immutable)
_COLUMNS = {tab.name: pd.Index([col.name for col in tab.columns]) for tab in std.TABS}
# parse_table of each tab without rows, by tab name (see ``_empty``)
_EMPTY: dict[str, ParsedTab] = {}


def parse_table(tab: std.Tab, table: Table | None) -> ParsedTab:
    """Typed frame, raw frame and bad-cell mask of one tab (all three with every column)."""
    index = table.frame.index if table is not None else pd.Index([], name=ROW, dtype="int64")
    if len(index) == 0:
        return _empty(tab, index)
    return _parse(tab, table, index)


def _empty(tab: std.Tab, index: pd.Index) -> ParsedTab:
    """``parse_table`` of a tab without rows (an empty template's, a missing tab): the same
    three empty frames whichever columns the sheet has, so built once per tab and handed out
    as shallow copies (pandas copies on write) on the table's own index."""
    if tab.name not in _EMPTY:
        _EMPTY[tab.name] = _parse(tab, None, pd.Index([], name=ROW, dtype="int64"))
    typed, raw, bad = (frame.copy(deep=False) for frame in _EMPTY[tab.name])
    typed.index = raw.index = bad.index = index
    return typed, raw, bad


def _parse(tab: std.Tab, table: Table | None, index: pd.Index) -> ParsedTab:
    names = _COLUMNS[tab.name]
    # the raw values and the bad-cell mask are one array each, a column per standard column
    # (the raw one NaN where the sheet lacks the column, as a blank object Series holds); the
    # typed columns are built into a dict and framed once, without copying (pandas copies on
    # write): assigning a frame's columns one by one costs more than parsing them. Text columns
    # go in as object Series, so that pandas infers nothing (it would make them its string
    # dtype); the others as the arrays the parsers give
    raw = np.full((len(index), len(names)), np.nan, dtype=object)
    found = names.get_indexer(table.frame.columns) if table is not None else np.array([], int)
    if (found >= 0).any():
        raw[:, found[found >= 0]] = table.frame.to_numpy(dtype=object)[:, found >= 0]
    present = set(found[found >= 0].tolist())
    typed = {}
    bad = np.zeros((len(index), len(names)), dtype=bool)
    for at, col in enumerate(tab.columns):
        if at in present:
            values_read, bad[:, at] = values.parse_arrays(raw[:, at], col)
            typed[col.name] = (
                pd.Series(values_read, index=index, dtype=object, copy=False)
                if values_read.dtype == object
                else values_read
            )
        else:
            typed[col.name] = pd.Series(index=index, dtype=values.EMPTY_DTYPES[col.type])
    return (
        pd.DataFrame(typed, index=index, copy=False),
        pd.DataFrame(raw, index=index, columns=names, dtype=object, copy=False),
        pd.DataFrame(bad, index=index, columns=names, copy=False),
    )


def _program(table: Table | None) -> tuple[dict[str, object], pd.DataFrame]:
    """Program fields as one typed record, and a frame by field name of each field's raw
    value, whether it is bad, and its Excel row (NA when the field is not in the tab)."""
    fields = std.PROGRAM.fields
    names = [f.name for f in fields]
    entries = _first_entries(table) if table is not None else {}
    # a field not in the tab, or without a value, holds what pandas fills a blank object
    # Series with (NaN)
    raw = pd.Series(None, index=names, dtype=object).tolist()
    rows: list[object] = [pd.NA] * len(names)
    for i, name in enumerate(names):
        if name in entries:
            value, rows[i] = entries[name]
            if value is not None:
                raw[i] = value
    record: dict[str, object] = {}
    bad = []
    for f, value in zip(fields, raw, strict=True):
        cell = np.empty(1, dtype=object)
        cell[0] = value
        typed, is_bad = values.parse_arrays(cell, f)
        parsed = typed[0]
        if isinstance(parsed, np.datetime64):
            parsed = pd.Timestamp(parsed)  # a date as a Series gives it
        record[f.name] = None if pd.isna(parsed) else parsed
        bad.append(bool(is_bad[0]))
    index = pd.Index(names)
    frame = pd.DataFrame(
        {
            "raw": pd.Series(raw, index=index, dtype=object),
            "bad": pd.Series(bad, index=index, dtype=bool),
            ROW: pd.Series(rows, index=index, dtype="Int64"),
        },
        index=index,
        copy=False,
    )
    return record, frame


def _first_entries(table: Table) -> dict[object, tuple[object, int]]:
    """Value (None when missing) and Excel row of each field's first entry in the Program tab;
    a later entry of the same field is ignored. (Plain Python: the tab has a handful of rows,
    where pandas' per-call cost would be most of the parse of a small workbook.)"""
    frame = table.frame
    cells = frame["Value"].to_numpy(dtype=object)
    first: dict[object, tuple[object, int]] = {}
    for field, value, missing, row in zip(
        frame["Field"].to_numpy(dtype=object), cells, pd.isna(cells), frame.index, strict=True
    ):
        if field not in first:
            first[field] = (None if missing else value, row)
    return first


def _as_date(value: object) -> dt.date | None:
    return pd.Timestamp(value).date() if value is not None else None


def parse_workbook(
    raw: RawWorkbook,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
    parsed: Mapping[str, ParsedTab] | None = None,
) -> Parsed:
    """Typed frames for every standard tab; ``start``/``end`` override the Program tab's period.

    ``parsed`` holds ``parse_table`` results of tabs parsed already (by tab name): the file
    check parses each small tab as soon as it is read, while the big one is still being read."""
    frames, raws, bads = {}, {}, {}
    for tab in std.TABS:
        if tab is std.PROGRAM:
            continue
        done = (parsed or {}).get(tab.name)
        frames[tab.name], raws[tab.name], bads[tab.name] = done or parse_table(
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
