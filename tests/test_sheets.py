"""The Flags layout, as data any face renders."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from wb_fixtures import FLAGS, INJECTIONS, make_report

from ipsxl import sheets

WHEN = dt.datetime(2026, 10, 1, 9, 30)


def _values(layout: sheets.SheetLayout) -> list[object]:
    return [c.value for row in layout.rows for c in row if c is not None]


def test_flags_table_sorted_by_tab_then_row_with_links():
    report = make_report()
    tabs = ["Caseload", "Employer Log"]
    table = sheets.flags_table(report, sheets=tabs)
    assert list(table.columns) == sheets.FLAGS_COLUMNS
    assert len(table) == len(FLAGS)
    keys = [
        (tabs.index(rec["Sheet"]) if rec["Sheet"] in tabs else -1, rec["Sheet"])
        + (-1 if pd.isna(rec["Row"]) else rec["Row"],)
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


# --- the Flags sheet: order, reading and printing ----------------------------------------------


def _sheet_of_each_row(layout: sheets.SheetLayout) -> list[tuple[str, object]]:
    return [(row[0].value, row[1].value) for row in layout.rows[1:]]


def test_flags_follow_the_workbooks_tab_order_then_row():
    """Employer Log before Caseload in the workbook: its flags come first; a tab the workbook
    lacks (nothing to point at) leads, and within a tab a whole-tab flag leads the rows."""
    layout = sheets.flags_layout(make_report(), sheets=["Program", "Employer Log", "Caseload"])
    keys = _sheet_of_each_row(layout)
    order = [s for s, _ in keys]
    first_of = {s: order.index(s) for s in set(order)}
    assert first_of["Employer Log"] < first_of["Caseload"]
    missing = [s for s in order if s not in ("Program", "Employer Log", "Caseload")]
    assert missing and order[: len(missing)] == missing
    for tab in ("Employer Log", "Caseload"):
        rows = [r for s, r in keys if s == tab]
        assert rows == sorted(rows, key=lambda r: -1 if r is None else r)
    log_rows = [r for s, r in keys if s == "Employer Log"]
    assert log_rows[0] is None  # the week's low-contacts flag is about the whole tab


def test_flags_rows_are_tall_enough_for_their_wrapped_message():
    """A message that wraps gets a row tall enough for its lines, so rows never overlap."""
    report = make_report()
    long = "the contact is dated before the client enrolled; check both dates " * 6
    report.flags.loc[0, "message"] = long
    layout = sheets.flags_layout(report, sheets=["Caseload", "Employer Log"])
    message_col = sheets.FLAGS_HEADERS.index("Message") + 1
    chars = layout.widths[message_col]
    for i, row in enumerate(layout.rows[1:], start=2):
        text = row[message_col - 1].value or ""
        # a line holds at most about 1.25 characters per unit of column width in any common
        # font: the row must have room for at least that many lines
        needed = max(1, -(-len(text) // int(1.25 * chars))) * 15
        assert layout.heights.get(i, 15) >= needed, (i, text)
    tall = [i for i, row in enumerate(layout.rows[1:], start=2) if row[5].value == long]
    assert layout.heights[tall[0]] >= 15 * 6


def test_flags_print_landscape_one_page_wide_with_the_header_on_every_page():
    layout = sheets.flags_layout(make_report(), sheets=["Caseload", "Employer Log"])
    assert layout.landscape and layout.fit_width
    assert layout.print_titles == "$1:$1"
    assert layout.freeze == "A2"
    assert layout.table is not None  # its autofilter: filter Severity to "error" for errors


def test_flags_row_numbers_stand_clear_of_the_column_text():
    layout = sheets.flags_layout(make_report(), sheets=["Caseload", "Employer Log"])
    row_col = sheets.FLAGS_HEADERS.index("Row")
    text_col = sheets.FLAGS_HEADERS.index("Column")
    numbered = [row for row in layout.rows[1:] if row[row_col].value is not None]
    assert numbered
    for row in numbered:
        # a right-aligned number would print touching the left-aligned text beside it
        assert sheets.STYLES[row[row_col].style].align == "center"
        assert sheets.STYLES[row[text_col].style].align in (None, "left")
