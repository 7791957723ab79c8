"""The Flags layout, as data any face renders."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from wb_fixtures import FLAGS, INJECTIONS, make_report

from ipsxl import sheets

WHEN = dt.datetime(2026, 10, 1, 9, 30)


def _values(layout: sheets.SheetLayout) -> list[object]:
    return [c.value for row in layout.rows for c in row if c is not None]


def test_flags_table_sorted_by_sheet_then_row_with_links():
    report = make_report()
    table = sheets.flags_table(report, sheets={"Caseload", "Employer Log"})
    assert list(table.columns) == sheets.FLAGS_COLUMNS
    assert len(table) == len(FLAGS)
    keys = [
        (rec["Sheet"], -1 if pd.isna(rec["Row"]) else rec["Row"])
        for rec in table.to_dict("records")
    ]
    assert keys == sorted(keys)
    by_code = table.set_index("Code")
    # a cell flag links to its cell, a whole-row flag to the row's first cell
    assert by_code.loc["bad-choice"].iloc[0]["Link target"] in (
        "'Caseload'!F3",
        "'Employer Log'!C8",
    )
    assert by_code.loc["out-of-period"]["Link target"] == "'Employer Log'!A7"
    # a whole-tab flag links to the header row; a missing tab links nowhere
    assert by_code.loc["low-contacts"]["Link target"] == "'Employer Log'!A1"
    assert pd.isna(by_code.loc["missing-tab"]["Link target"])


def test_flags_layout_keeps_workbook_text_as_values():
    layout = sheets.flags_layout(make_report(), sheets={"Caseload", "Employer Log"})
    assert [c.value for c in layout.rows[0]] == list(sheets.FLAGS_HEADERS)
    assert layout.table is not None and layout.table.ref == f"A1:H{len(FLAGS) + 1}"
    cells = [c for row in layout.rows for c in row if c is not None]
    assert not any(c.formula for c in cells)
    for text in INJECTIONS:
        assert text in _values(layout)
    links = [c for c in cells if c.link]
    assert all(c.style == sheets.LINK for c in links)
    assert len(links) == len(FLAGS) - 1  # all but the missing tab
