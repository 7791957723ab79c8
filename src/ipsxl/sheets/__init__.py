"""The sheets ipsxl writes, as plain data: what goes in which cell, in which style.

This module holds the shapes (cells, styles, charts, page setup), the Flags sheet and the
highlights; ``sheets.fidelity`` lays out the Fidelity sheet in the same shapes. Two faces render
these sheets: ``ipsxl.writeback`` writes them into a workbook file's XML, and the
Excel add-in writes them through xlwings into an open book. Both take the layouts from here so
the sheets look and calculate the same whichever door a user came in by. Nothing in this module
knows how a sheet is written.

A layout is a grid of ``Cell`` objects (row ``i`` of ``SheetLayout.rows`` is Excel row ``i+1``,
item ``j`` of a row is column ``j+1``). A cell holds either a value or a formula, never both
meanings at once: ``value`` is always written as a value (a string that starts with ``=`` stays
text), ``formula`` is an Excel formula without its leading ``=``, built here only from
numbers and cell references, using functions Excel and LibreOffice both evaluate (SUM, COUNT,
IF). A formula cell's ``value`` is the result ipsxl computed, for writers that can store a cached
result. ``style`` is a tag of ``STYLES``, which says how the tag looks.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ipsxl.core.model import ERROR, INFO, WARNING, Report
from ipsxl.core.standard import FLAGS_SHEET, TABS

# --- styles -----------------------------------------------------------------------------------

TITLE = "title"
LABEL = "label"  # a bold caption beside a value
LABEL_RIGHT = "label-right"  # a bold caption that ends where its value starts
HEADER = "header"  # the header row of a table
HEADER_LINE = "header-line"  # a table's first heading, running on over empty header cells
TEXT = "text"
TEXT_TOP = "text-top"  # text at the top of its row, level with a wrapped cell beside it
WRAP = "wrap"  # text that may run long (item labels, messages, notes)
WRAP_CENTER = "wrap-center"  # short text centred in its column, wrapped if it runs long
NUMBER = "number"  # a small whole number shown centred (an item's number in its section)
INTEGER = "integer"
DECIMAL = "decimal"
FTE = "fte"  # a share of full time: 1, 0.5, 0.75
PERCENT = "percent"  # a fraction shown as a percentage
MONEY = "money"  # dollars and cents
DATE = "date"
DATETIME = "datetime"
SCORE = "score"  # a score: the data's, or the one used
SUGGESTION = "suggestion"  # what an indicator's figure suggests, never a score
SCORE_INPUT = "score-input"  # an empty cell for the reviewer's 1-5 score
NOTE_INPUT = "note-input"  # an empty cell for the reviewer's note
TOTAL = "total"  # the live total and band formulas
LINK = "link"  # an internal hyperlink
SEVERITY_ERROR = "severity-error"
SEVERITY_WARNING = "severity-warning"
SEVERITY_INFO = "severity-info"

# One font family on every cell ipsxl styles: Excel has Arial everywhere, and LibreOffice
# shows it with its metric twin (Liberation Sans) where Arial is missing, so a column's text
# fits the same in both.
FONT = "Arial"


@dataclass(frozen=True)
class Style:
    """How a style tag looks; colours are RRGGBB."""

    bold: bool = False
    size: float | None = None  # points; None keeps the workbook's default size
    color: str | None = None
    underline: bool = False
    fill: str | None = None
    number_format: str | None = None  # None is General
    wrap: bool = False
    align: str | None = None  # "left", "center", "right"
    italic: bool = False
    font: str | None = FONT  # None keeps the workbook's default font


STYLES: dict[str, Style] = {
    TITLE: Style(bold=True, size=14),
    LABEL: Style(bold=True),
    LABEL_RIGHT: Style(bold=True, align="right"),
    HEADER: Style(bold=True, fill="D9E1F2", wrap=True, align="center"),
    HEADER_LINE: Style(bold=True, fill="D9E1F2"),
    TEXT: Style(),
    TEXT_TOP: Style(),
    WRAP: Style(wrap=True),
    WRAP_CENTER: Style(wrap=True, align="center"),
    NUMBER: Style(number_format="0", align="center"),
    INTEGER: Style(number_format="0"),
    DECIMAL: Style(number_format="0.0"),
    FTE: Style(number_format="0.0#"),
    PERCENT: Style(number_format="0.0%"),
    MONEY: Style(number_format='"$"#,##0.00'),
    DATE: Style(number_format="yyyy-mm-dd", align="left"),
    DATETIME: Style(number_format="yyyy-mm-dd hh:mm", align="left"),
    SCORE: Style(bold=True, number_format="0", align="center"),
    SUGGESTION: Style(italic=True, color="595959", align="center"),
    SCORE_INPUT: Style(fill="FFF2CC", number_format="0", align="center"),
    NOTE_INPUT: Style(fill="FFF2CC", wrap=True),
    TOTAL: Style(bold=True, fill="E2EFDA"),
    LINK: Style(color="0563C1", underline=True),
    SEVERITY_ERROR: Style(fill="FFC7CE"),
    SEVERITY_WARNING: Style(fill="FFEB9C"),
    SEVERITY_INFO: Style(fill="DDEBF7"),
}
# centred twins of the figures' styles, for a table whose columns are wider than their
# figures (so a figure stands under the middle of its header), and bold ones for a totals row
for _tag in (TEXT, INTEGER, DECIMAL, FTE, PERCENT, MONEY):
    _format = STYLES[_tag].number_format
    STYLES[f"{_tag}-center"] = Style(number_format=_format, align="center")
    STYLES[f"{_tag}-center-bold"] = Style(bold=True, number_format=_format, align="center")

# The fill a flagged cell gets, by severity (error red, warning amber).
HIGHLIGHT_FILLS: dict[str, str] = {ERROR: "FFC7CE", WARNING: "FFEB9C", INFO: "DDEBF7"}
SEVERITY_RANK: dict[str, int] = {ERROR: 0, WARNING: 1, INFO: 2}


# --- layout shapes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell: a value (always written as a value) or a formula (without ``=``)."""

    value: object = None
    formula: str | None = None
    style: str = TEXT
    link: str | None = None  # an internal hyperlink target such as "'Caseload'!C12"


@dataclass(frozen=True)
class Series:
    """One chart series: ``values`` is an absolute range on the same sheet ("$D$50:$D$53")."""

    name: str
    values: str
    kind: str = "bar"  # "bar" (clustered columns), "line", or "target" (a dashed line)


@dataclass(frozen=True)
class Chart:
    """A chart over ranges of the same sheet, placed from cell ``top_left`` to ``bottom_right``."""

    title: str
    categories: str
    series: tuple[Series, ...]
    top_left: str
    bottom_right: str
    y_title: str = ""
    y_format: str = "General"
    y_min: float | None = 0


@dataclass(frozen=True)
class TableSpec:
    """An Excel table (list object) with an autofilter over ``ref``; header cells name columns."""

    name: str
    ref: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Validation:
    """Whole numbers from ``minimum`` to ``maximum`` in the cells ``refs`` (blank allowed)."""

    refs: tuple[str, ...]
    minimum: int
    maximum: int
    message: str = ""


@dataclass
class SheetLayout:
    """A whole sheet: cells, column widths, charts and page setup."""

    name: str
    rows: list[list[Cell | None]]
    widths: dict[int, float] = field(default_factory=dict)  # 1-based column -> width in chars
    heights: dict[int, float] = field(default_factory=dict)  # 1-based row -> height in points
    charts: list[Chart] = field(default_factory=list)
    table: TableSpec | None = None
    validations: list[Validation] = field(default_factory=list)
    freeze: str | None = None  # the top-left cell of the scrolling pane, e.g. "A2"
    print_area: str | None = None  # "$A$1:$I$80"
    print_titles: str | None = None  # rows repeated at the top of every printed page: "$1:$1"
    landscape: bool = False
    fit_width: bool = False  # fit to one page wide, as many pages tall as needed
    row_breaks: list[int] = field(default_factory=list)  # a new page starts after each row
    # named places in the sheet, for faces and tests: "scores" -> "F10:F34", "total" -> "F35"
    anchors: dict[str, str] = field(default_factory=dict)
    # scale position (0..24) -> the cell where the reviewer types that item's score
    input_cells: dict[int, str] = field(default_factory=dict)

    def cell(self, ref: str) -> Cell | None:
        """The cell at an A1 reference, or None where the layout leaves it empty."""
        row, col = split_ref(ref)
        if row > len(self.rows) or col > len(self.rows[row - 1]):
            return None
        return self.rows[row - 1][col - 1]


# --- A1 references ----------------------------------------------------------------------------


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str) -> int:
    """A -> 1, AA -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def cell_ref(row: int, col: int, absolute: bool = False) -> str:
    """(12, 3) -> "C12" (or "$C$12")."""
    d = "$" if absolute else ""
    return f"{d}{column_letter(col)}{d}{row}"


def split_ref(ref: str) -> tuple[int, int]:
    """ "C12" or "$C$12" -> (12, 3)."""
    ref = ref.replace("$", "")
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    return int(ref[i:]), column_number(ref[:i])


def sheet_target(sheet: str, row: int, col: int) -> str:
    """An internal link target to one cell, the sheet name always quoted: "'Jobs'!B4"."""
    return f"{quote_sheet(sheet)}!{cell_ref(row, col)}"


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


# --- the Flags sheet --------------------------------------------------------------------------

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
    r = _int_or_none(row)
    c = _int_or_none(col)
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
                "Row": _int_or_none(rec.row),
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
LINE_POINTS = 15  # the height of one line of 11-point text


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
                Cell(_int_or_none(rec["Row"]), style=f"{INTEGER}-center"),
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


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped at word boundaries in a column ``width`` characters
    wide. A column's width counts digits, and a line of words holds about a tenth more
    characters than that in Calibri or Arial; wider fonts fit fewer, so the row then has
    room to spare rather than lines cut off."""
    per_line = max(1, int(width * 1.1))
    return sum(
        max(1, len(textwrap.wrap(part, per_line, break_long_words=True)))
        for part in text.split("\n")
    )


def _link_text(target: str) -> str:
    """ "'Job''s'!B4" -> "Job's!B4": what a person reads in the Go to column."""
    sheet, _, ref = target.rpartition("!")
    name = sheet[1:-1].replace("''", "'")
    return f"{name}!{ref}"


def _number(value: object) -> float | int | None:
    """A figure as a number, or None for a missing one (None, NaN, NA)."""
    if value is None or value is pd.NA or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if math.isnan(f) or math.isinf(f):
        return None
    return int(f) if f.is_integer() and not isinstance(value, float) else f


def score_or_none(value: object) -> int | None:
    n = _number(value)
    if n is None or n != int(n) or not 1 <= n <= 5:
        return None
    return int(n)


def _int_or_none(value: object) -> int | None:
    n = _number(value)
    return None if n is None else int(n)


def as_text(value: object) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- highlights on the agency's own sheets ------------------------------------------------------

NOTE_MARKER = "ipsxl:"  # the first line of every note ipsxl writes on a flagged cell


@dataclass
class Mark:
    """What one flagged cell gets: the fill of its worst severity, and a note with every message.

    Both faces that highlight (the file write-back and the Excel add-in) take their marks from
    ``highlight_marks``, so a cell is coloured and annotated the same whichever door ran.
    """

    severity: str
    messages: list[str] = field(default_factory=list)

    @property
    def fill(self) -> str:
        """The RRGGBB fill of the worst severity."""
        return HIGHLIGHT_FILLS.get(self.severity, HIGHLIGHT_FILLS[INFO])

    @property
    def note(self) -> str:
        """The note's text: the marker line, then one line per message."""
        return "\n".join([NOTE_MARKER, *self.messages])


# Which lines of a note on a flagged cell are ipsxl's and which are a person's. ipsxl's part of
# a note starts with the line "ipsxl:" and lists one message per line. What stands above that
# line is someone's (a note ipsxl added its lines to, or a line typed above); below it, a line
# that is not one of the messages ipsxl wrote there was typed by a person. Both faces that take
# notes back (the file write-back and the Excel add-in) tell the lines apart here, so a
# reviewer's line survives either of them; it lives beside ``Mark.note``, which writes them,
# in a module the add-in loads where lxml cannot be installed.


def is_marker(line: str) -> bool:
    """Whether a line of a note is ipsxl's first line."""
    return line.strip() == NOTE_MARKER


def marker_index(lines: Sequence[str]) -> int | None:
    """Where ipsxl's part of a note starts (None: the note holds no part of ipsxl's)."""
    return next((i for i, line in enumerate(lines) if is_marker(line)), None)


def typed_lines(lines: Sequence[str], written: str | None) -> list[str]:
    """The lines of ipsxl's part of a note that ipsxl did not write (``written``: its messages,
    as recorded; unknown when the record is gone, and then nothing is told apart)."""
    if written is None:
        return []
    left = written.split("\n")
    typed = []
    for line in lines:
        if line in left:
            left.remove(line)
        elif line.strip():
            typed.append(line)
    return typed


@dataclass(frozen=True)
class NoteLines:
    """A note holding a part of ipsxl's, split into what a person wrote around it."""

    above: list[str]  # the lines above ipsxl's first line
    typed: list[str]  # the lines a person typed among or below ipsxl's messages

    @property
    def theirs(self) -> list[str]:
        """What is left of the note without ipsxl's lines (blank lines at its ends dropped)."""
        lines = [*self.above, *self.typed]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        return lines


def split_note(text: str, written: str | None) -> NoteLines | None:
    """A note's text split into a person's lines around ipsxl's part; None when it holds no
    part of ipsxl's (a person deleted the "ipsxl:" line: the note is theirs). Line breaks may
    come as Excel for Mac gives them (carriage returns)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    marked = marker_index(lines)
    if marked is None:
        return None
    return NoteLines(list(lines[:marked]), typed_lines(lines[marked + 1 :], written))


def highlight_marks(
    report: Report, sheets: Collection[str] | None = None
) -> dict[str, dict[tuple[int, int], Mark]]:
    """sheet -> (row, column) -> Mark, for every flag that points at a cell (see ``flag_cell``).

    ``sheets`` (the workbook's worksheet names) leaves out flags on sheets it does not hold.
    A cell flagged more than once gets the worst severity and each distinct message once.
    """
    out: dict[str, dict[tuple[int, int], Mark]] = {}
    for rec in report.flags.itertuples(index=False):
        sheet = as_text(rec.sheet)
        if sheet is None or (sheets is not None and sheet not in sheets):
            continue
        where = flag_cell(report, sheet, rec.row, rec.col)
        if where is None:
            continue
        severity = as_text(rec.severity) or ""
        message = as_text(rec.message) or ""
        mark = out.setdefault(sheet, {}).get(where)
        if mark is None:
            mark = out[sheet][where] = Mark(severity)
        if SEVERITY_RANK.get(severity, 9) < SEVERITY_RANK.get(mark.severity, 9):
            mark.severity = severity
        if message and message not in mark.messages:
            mark.messages.append(message)
    return out
