"""The Flags sheet: one row per flag, in the workbook's tab order, linked to the flagged cell."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from ipsxl.core.model import ERROR, INFO, WARNING, Report
from ipsxl.core.standard import FLAGS_SHEET, TABS
from ipsxl.sheets.layout import (
    LINE_POINTS,
    Cell,
    SheetLayout,
    TableSpec,
    as_text,
    int_or_none,
    wrapped_lines,
)
from ipsxl.sheets.refs import column_letter, sheet_target
from ipsxl.sheets.styles import (
    HEADER,
    INTEGER,
    LINK,
    SEVERITY_ERROR,
    SEVERITY_INFO,
    SEVERITY_WARNING,
    TEXT_TOP,
    WRAP,
)

FLAGS_COLUMNS = ["Sheet", "Row", "Column", "Code", "Severity", "Message", "Value", "Link target"]
FLAGS_HEADERS = ("Sheet", "Row", "Column", "Code", "Severity", "Message", "Value", "Go to")
FLAGS_TABLE = "ipsxlFlags"
_SEVERITY_STYLE = {ERROR: SEVERITY_ERROR, WARNING: SEVERITY_WARNING, INFO: SEVERITY_INFO}


def flag_cell(report: Report, sheet: str, row: object, col: object) -> tuple[int, int] | None:
    """The (row, column) a flag points at: its cell, else its row's first cell.

    A flag about a whole row or a missing column (``col`` None) points at the first cell of the
    row; one about a whole tab (``row`` None) at the first cell of the tab's header row. The first
    cell is where the tab's table starts when ipsxl found it, else column A. None when there is
    no such cell: the flag has no row and ipsxl found no header row (or no tab) to point at.
    """
    table = next((t for t in report.tables.values() if t.sheet == sheet), None)
    first_col = min(table.positions.values()) if table and table.positions else 1
    r = int_or_none(row)
    c = int_or_none(col)
    if r is None:
        if table is None or table.header_row < 1:  # no header row found: no cell to point at
            return None
        r = table.header_row
    c = c if c is not None else first_col
    return (r, c) if r >= 1 and c >= 1 else None


def flags_table(report: Report, sheets: Collection[str] | None = None) -> pd.DataFrame:
    """One row per flag, in the workbook's tab order then by row: what the Flags sheet lists.

    ``sheets`` is the workbook's sheet names; given as a list or tuple, its order is the tab
    order a person sees, so the Flags sheet reads the workbook left to right. Flags on a tab the
    workbook lacks come first (they are about the whole workbook), and within a tab a flag about
    the whole tab comes before its rows. Without an ordered ``sheets`` the standard's tab order
    is used.

    ``Link target`` is the cell the flag points at (see ``flag_cell``) as "'Sheet'!C12", or None
    when there is no such cell, or when ``sheets`` is given and does not hold the flag's sheet
    (a missing tab). ``Value`` is the offending value as text.
    """
    flags = report.flags
    rows = []
    for rec in flags.itertuples(index=False):
        sheet = as_text(rec.sheet) or ""
        target = None
        if sheets is None or sheet in sheets:
            where = flag_cell(report, sheet, rec.row, rec.col)
            if where is not None:
                target = sheet_target(sheet, *where)
        rows.append(
            {
                "Sheet": sheet,
                "Row": int_or_none(rec.row),
                "Column": as_text(rec.column),
                "Code": as_text(rec.code),
                "Severity": as_text(rec.severity),
                "Message": as_text(rec.message),
                "Value": as_text(rec.value),
                "Link target": target,
            }
        )
    table = pd.DataFrame(rows, columns=FLAGS_COLUMNS)
    table["Row"] = table["Row"].astype("Int64")
    if len(table):
        rank = tab_order(report, sheets)
        position = table["Sheet"].map(lambda s: rank.get(s, -1))
        table = (
            table.assign(_tab=position, _row=table["Row"].fillna(0))
            .sort_values(["_tab", "Sheet", "_row"], kind="stable")
            .drop(columns=["_tab", "_row"])
        )
    return table.reset_index(drop=True)


def tab_order(report: Report, sheets: Collection[str] | None) -> dict[str, int]:
    """Sheet name -> its place among the tabs: the workbook's order when ``sheets`` is ordered,
    else the standard's order of the tabs ipsxl found."""
    if isinstance(sheets, list | tuple):
        return {name: i for i, name in enumerate(sheets)}
    found = [report.tables[t.name].sheet for t in TABS if t.name in report.tables]
    return {name: i for i, name in enumerate(found)}


# Column widths of the Flags sheet, in characters; the message column is wide and wraps.
FLAGS_WIDTHS = {1: 18, 2: 7, 3: 22, 4: 20, 5: 10, 6: 64, 7: 22, 8: 18}
_MESSAGE_COL = FLAGS_HEADERS.index("Message") + 1


def flags_layout(report: Report, sheets: Collection[str] | None = None) -> SheetLayout:
    """The Flags sheet: a header row and one row per flag, as an Excel table with a filter.

    The last column links to the flagged cell; its text names the cell ("Jobs!B4"). A message
    too long for its column wraps, and its row is given the height of its lines: neither Excel
    nor LibreOffice grows a row for wrapped text written by another program, so without it the
    lines would be cut or run into the next row. It prints landscape, one page wide, with the
    header row on every page; the table's filter on Severity shows the errors alone.
    """
    table = flags_table(report, sheets)
    rows: list[list[Cell | None]] = [[Cell(h, style=HEADER) for h in FLAGS_HEADERS]]
    heights: dict[int, float] = {}
    for rec in table.to_dict("records"):
        link = as_text(rec["Link target"])
        severity = as_text(rec["Severity"]) or ""
        message = as_text(rec["Message"])
        rows.append(
            [
                Cell(as_text(rec["Sheet"]), style=TEXT_TOP),
                # centred: a right-aligned number would run into the Column text beside it
                Cell(int_or_none(rec["Row"]), style=f"{INTEGER}-center"),
                Cell(as_text(rec["Column"]), style=TEXT_TOP),
                Cell(as_text(rec["Code"]), style=TEXT_TOP),
                Cell(severity or None, style=_SEVERITY_STYLE.get(severity, TEXT_TOP)),
                Cell(message, style=WRAP),
                Cell(as_text(rec["Value"]), style=TEXT_TOP),
                Cell(_link_text(link), style=LINK, link=link) if link else Cell(None),
            ]
        )
        lines = wrapped_lines(message or "", FLAGS_WIDTHS[_MESSAGE_COL])
        if lines > 1:
            heights[len(rows)] = lines * LINE_POINTS
    last = max(2, len(rows))
    ref = f"A1:{column_letter(len(FLAGS_HEADERS))}{last}"
    return SheetLayout(
        name=FLAGS_SHEET,
        rows=rows,
        widths=dict(FLAGS_WIDTHS),
        heights=heights,
        table=TableSpec(FLAGS_TABLE, ref, FLAGS_HEADERS),
        freeze="A2",
        landscape=True,
        fit_width=True,
        print_titles="$1:$1",
        anchors={"table": ref},
    )


def _link_text(target: str) -> str:
    """ "'Job''s'!B4" -> "Job's!B4": what a person reads in the Go to column."""
    sheet, _, ref = target.rpartition("!")
    name = sheet[1:-1].replace("''", "'")
    return f"{name}!{ref}"
