"""missing-tab, missing-column, unknown-column: the workbook lacks a required tab, or a tab a
required column; or a tab has a header the standard does not know (a note: the column is not
read, and a misspelt header would otherwise make its column vanish without a word)."""

from __future__ import annotations

import difflib

import pandas as pd

from ipsxl.core import codes
from ipsxl.core import standard as std
from ipsxl.core.model import Parsed, Table
from ipsxl.core.rules import flags

CODES = codes.family("structure")


def check(ctx: Parsed) -> pd.DataFrame:
    found: list[pd.DataFrame] = []
    for tab in std.TABS:
        table = ctx.tables.get(tab.name)
        if table is None:
            if tab.required:
                found.append(
                    flags.tab(
                        ctx,
                        tab.name,
                        codes.MISSING_TAB,
                        f"the required tab '{tab.name}' is missing",
                    )
                )
            continue
        if tab is std.PROGRAM:
            continue  # the Program tab is a field list; its fields are checked as values
        for col in tab.required_columns:
            if col.name not in table.positions:
                found.append(
                    flags.tab(
                        ctx,
                        tab.name,
                        codes.MISSING_COLUMN,
                        f"the required column '{col.name}' is missing from '{table.sheet}'",
                        column=col.name,
                        row=table.header_row or None,
                    )
                )
        if table.unknown:
            found.append(_unknown_columns(ctx, tab, table))
    return flags.concat(found)


# how alike a header and a column's spelling must be (difflib's ratio, on folded text) for the
# note to suggest that column
SUGGEST_FROM = 0.7


def _unknown_columns(ctx: Parsed, tab: std.Tab, table: Table) -> pd.DataFrame:
    """One note per header of the tab that names no standard column, on the header's cell,
    suggesting the likeliest column the tab lacks."""
    spellings = {
        std.fold(spelling): col.name
        for col in tab.columns
        if col.name not in table.positions
        for spelling in col.spellings()
    }
    messages = []
    for header in table.unknown.values():
        close = difflib.get_close_matches(std.fold(header), spellings, n=1, cutoff=SUGGEST_FROM)
        hint = f"did you mean '{spellings[close[0]]}'?" if close else "it is not read"
        messages.append(f"column '{header}' is not part of the standard; {hint}")
    notes = flags.tabs(
        ctx,
        tab.name,
        codes.UNKNOWN_COLUMN,
        messages,
        list(table.unknown.values()),
        row=table.header_row or None,
    )
    notes["col"] = list(table.unknown)
    return notes
