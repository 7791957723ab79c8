"""missing-tab, missing-column: the workbook lacks a required tab, or a tab a required column."""

from __future__ import annotations

import pandas as pd

from ipsxl import codes
from ipsxl import standard as std
from ipsxl.model import Parsed
from ipsxl.rules import flags

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
    return flags.concat(found)
