"""missing-value, bad-date, bad-number, bad-choice, bad-value: cells that are blank or hold the
wrong kind of value for their column, checked against the types and choices of the standard, or
whose formula was never computed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipsxl.core import codes, values
from ipsxl.core import standard as std
from ipsxl.core.model import Parsed
from ipsxl.core.rules import flags

CODES = codes.family("cells")

BAD_CODE = {
    std.DATE: codes.BAD_DATE,
    std.NUMBER: codes.BAD_NUMBER,
    std.PERCENT: codes.BAD_NUMBER,
    std.CHOICE: codes.BAD_CHOICE,
    std.YESNO: codes.BAD_CHOICE,
}


UNCOMPUTED = "formula without a computed value: open and save the workbook in Excel"


def bad_message(col: std.Column, raw: pd.Series) -> pd.Series:
    """Why each value is refused, in the words a supervisor would use."""
    return pd.Series(bad_texts(col, raw.tolist()), index=raw.index, dtype=object)


def bad_texts(col: std.Column, cells: list[object]) -> list[str]:
    """``bad_message`` for a list of cell values."""
    if col.type == std.DATE:
        why = " is not a date (use a real date, 2026-07-01 or 7/1/2026)"
    elif col.type in (std.NUMBER, std.PERCENT):
        low = "" if col.minimum is None else f"{col.minimum:g}"
        high = "" if col.maximum is None else f"{col.maximum:g}"
        why = f" is not a number in the range {low}..{high}".replace(" ..", " up to ")
    elif col.type == std.YESNO:
        why = " is not yes or no (Y/N, Yes/No, True/False, 1/0)"
    else:
        why = " is not one of: " + ", ".join(col.choices)
    return [f"'{values.display(value)}'{why}" for value in cells]


def _required_blank(ctx: Parsed, tab: std.Tab, col: std.Column) -> pd.Series | None:
    """Blank cells (not unreadable ones: those are bad-*) of a column that must be filled; None
    when the column may be blank, so optional columns of a long log cost nothing."""
    closed_case = tab is std.CASELOAD and col.name == "Closed Date"
    if not (col.required or closed_case):
        return None
    frame = ctx.frames[tab.name]
    blank = frame[col.name].isna() & ~ctx.bad[tab.name][col.name]
    return blank if col.required else blank & (frame["Status"] == std.CLOSED)


def _may_flag(ctx: Parsed, tab: std.Tab, columns: list[std.Column]) -> tuple[set[str], set[str]]:
    """Of the ``columns`` found in the tab: those with a bad cell, and those where a cell that
    must be filled may be blank; asked of the whole tab at once, since most columns of most
    workbooks have neither and asking column by column costs more than the rules."""
    found = [col.name for col in columns]
    mask = ctx.bad[tab.name]  # one bool array: taken whole, its columns picked by position
    at = {name: i for i, name in enumerate(mask.columns)}
    bad = mask.to_numpy(dtype=bool)[:, [at[name] for name in found]]
    with_bad = {name for name, any_bad in zip(found, bad.any(axis=0), strict=True) if any_bad}
    frame = ctx.frames[tab.name]
    with_blank = {
        col.name
        for i, col in enumerate(columns)
        if (col.required or (tab is std.CASELOAD and col.name == "Closed Date"))
        and (pd.isna(frame[col.name].array) & ~bad[:, i]).any()
    }
    return with_bad, with_blank


def _bad_flags(ctx: Parsed, tab: std.Tab, col: std.Column) -> list[pd.DataFrame]:
    """A column's bad cells: a formula never computed is bad-value, anything else the column's
    bad-* code. Worked out for the few bad cells only, in plain Python."""
    bad = ctx.bad[tab.name][col.name].to_numpy()
    raw = ctx.raw[tab.name][col.name]
    cells = raw.to_numpy(dtype=object)
    uncomputed = np.zeros(len(cells), dtype=bool)
    for at in np.flatnonzero(bad):
        uncomputed[at] = type(cells[at]) is values.Uncomputed
    wrong = bad & ~uncomputed
    found = []
    if uncomputed.any():
        mask = pd.Series(uncomputed, index=raw.index)
        found.append(flags.cells(ctx, tab.name, mask, col.name, codes.BAD_VALUE, UNCOMPUTED))
    if col.type in BAD_CODE and wrong.any():
        message = bad_texts(col, cells[wrong].tolist())
        mask = pd.Series(wrong, index=raw.index)
        found.append(flags.cells(ctx, tab.name, mask, col.name, BAD_CODE[col.type], message))
    return found


def _table_flags(ctx: Parsed, tab: std.Tab) -> list[pd.DataFrame]:
    if len(ctx.frames[tab.name]) == 0:
        return []  # no rows, no cells (a missing column is structure's flag)
    table = ctx.tables[tab.name]
    found = []
    # a missing column is one missing-column flag, not one per row
    present = [col for col in tab.columns if col.name in table.positions]
    with_bad, with_blank = _may_flag(ctx, tab, present)
    for col in present:
        if col.name in with_bad:
            found += _bad_flags(ctx, tab, col)
        blank = _required_blank(ctx, tab, col) if col.name in with_blank else None
        if blank is not None and blank.any():
            why = " (the case is Closed)" if not col.required else ""
            found.append(
                flags.cells(
                    ctx,
                    tab.name,
                    blank,
                    col.name,
                    codes.MISSING_VALUE,
                    f"{col.name} is blank{why}",
                )
            )
    return found


def _program_flags(ctx: Parsed) -> list[pd.DataFrame]:
    """Program fields live in rows; a flag points at the field's Value cell."""
    fields = ctx.raw[std.PROGRAM.name]
    found = []
    for field in std.PROGRAM.fields:
        row = fields.at[field.name, "row"]
        row = None if pd.isna(row) else int(row)
        raw = fields.at[field.name, "raw"]
        if fields.at[field.name, "bad"]:
            uncomputed = type(raw) is values.Uncomputed
            message = (
                UNCOMPUTED
                if uncomputed
                else bad_message(field, pd.Series([raw], dtype=object)).iloc[0]
            )
            found.append(
                flags.tab(
                    ctx,
                    std.PROGRAM.name,
                    codes.BAD_VALUE if uncomputed else BAD_CODE[field.type],
                    message,
                    column="Value",
                    row=row,
                    value=raw,
                )
            )
        elif field.required and ctx.program.get(field.name) is None:
            where = "is blank" if row else "is missing (add a row for it)"
            found.append(
                flags.tab(
                    ctx,
                    std.PROGRAM.name,
                    codes.MISSING_VALUE,
                    f"{field.name} {where}",
                    column="Value",
                    row=row,
                )
            )
    return found


def check(ctx: Parsed) -> pd.DataFrame:
    found: list[pd.DataFrame] = []
    if ctx.present(std.PROGRAM.name):
        found += _program_flags(ctx)
    for tab in std.TABS:
        if tab is not std.PROGRAM and ctx.present(tab.name):
            found += _table_flags(ctx, tab)
    return flags.concat(found)
