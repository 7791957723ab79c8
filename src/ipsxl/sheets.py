"""The Fidelity and Flags sheets as plain data: what goes in which cell, in which style.

Two faces render these sheets: ``ipsxl.writeback`` writes them into a workbook file's XML, and the
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
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ipsxl import scale
from ipsxl.model import ERROR, INFO, WARNING, Item, Report
from ipsxl.standard import FIDELITY_SHEET, FLAGS_SHEET

# --- styles -----------------------------------------------------------------------------------

TITLE = "title"
LABEL = "label"  # a bold caption beside a value
LABEL_RIGHT = "label-right"  # a bold caption that ends where its value starts
HEADER = "header"  # the header row of a table
HEADER_LINE = "header-line"  # a table's first heading, running on over empty header cells
TEXT = "text"
WRAP = "wrap"  # text that may run long (item labels, messages, notes)
NUMBER = "number"  # a small whole number shown centred (an item's number in its section)
INTEGER = "integer"
DECIMAL = "decimal"
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
    HEADER: Style(bold=True, fill="D9E1F2", wrap=True),
    HEADER_LINE: Style(bold=True, fill="D9E1F2"),
    TEXT: Style(),
    WRAP: Style(wrap=True),
    NUMBER: Style(number_format="0", align="center"),
    INTEGER: Style(number_format="0"),
    DECIMAL: Style(number_format="0.0"),
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
# bold twins of the figures' styles, for a totals row
for _tag in (INTEGER, DECIMAL, PERCENT, MONEY):
    STYLES[f"{_tag}-bold"] = Style(bold=True, number_format=STYLES[_tag].number_format)

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
    kind: str = "bar"  # "bar" (clustered columns) or "line"


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
    landscape: bool = False
    fit_width: bool = False  # fit to one page wide, as many pages tall as needed
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
    cell is where the tab's table starts when ipsxl found it, else column A. None when the flag
    names no sheet that was read and has no row.
    """
    table = next((t for t in report.tables.values() if t.sheet == sheet), None)
    first_col = min(table.positions.values()) if table and table.positions else 1
    r = _int_or_none(row)
    c = _int_or_none(col)
    if r is None:
        if table is None:
            return None
        return table.header_row, first_col
    return r, c if c is not None else first_col


def flags_table(report: Report, sheets: Collection[str] | None = None) -> pd.DataFrame:
    """One row per flag, sorted by sheet then row: what the Flags sheet lists.

    ``Link target`` is the cell the flag points at (see ``flag_cell``) as "'Sheet'!C12", or None
    when there is no such cell, or when ``sheets`` (the workbook's sheet names) is given and
    does not hold the flag's sheet (a missing tab). ``Value`` is the offending value as text.
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
        table = table.sort_values(["Sheet", "Row"], kind="stable", na_position="first")
    return table.reset_index(drop=True)


def flags_layout(report: Report, sheets: Collection[str] | None = None) -> SheetLayout:
    """The Flags sheet: a header row and one row per flag, as an Excel table with a filter.

    The last column links to the flagged cell; its text names the cell ("Jobs!B4").
    """
    table = flags_table(report, sheets)
    rows: list[list[Cell | None]] = [[Cell(h, style=HEADER) for h in FLAGS_HEADERS]]
    for rec in table.to_dict("records"):
        link = as_text(rec["Link target"])
        severity = as_text(rec["Severity"]) or ""
        rows.append(
            [
                Cell(as_text(rec["Sheet"])),
                Cell(_int_or_none(rec["Row"]), style=INTEGER),
                Cell(as_text(rec["Column"])),
                Cell(as_text(rec["Code"])),
                Cell(severity or None, style=_SEVERITY_STYLE.get(severity, TEXT)),
                Cell(as_text(rec["Message"]), style=WRAP),
                Cell(as_text(rec["Value"])),
                Cell(_link_text(link), style=LINK, link=link) if link else Cell(None),
            ]
        )
    last = max(2, len(rows))
    ref = f"A1:{column_letter(len(FLAGS_HEADERS))}{last}"
    return SheetLayout(
        name=FLAGS_SHEET,
        rows=rows,
        widths={1: 20, 2: 7, 3: 22, 4: 22, 5: 10, 6: 60, 7: 24, 8: 20},
        table=TableSpec(FLAGS_TABLE, ref, FLAGS_HEADERS),
        freeze="A2",
        anchors={"table": ref},
    )


def _link_text(target: str) -> str:
    """ "'Job''s'!B4" -> "Job's!B4": what a person reads in the Go to column."""
    sheet, _, ref = target.rpartition("!")
    name = sheet[1:-1].replace("''", "'")
    return f"{name}!{ref}"


# --- the Fidelity sheet -----------------------------------------------------------------------

REVIEWER = "reviewer"

# The item table, left to right: (header, width in characters). The reviewer's two columns sit
# between what the data says and the score used, so a row reads from evidence to decision.
ITEM_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Section", 12),
    ("#", 4),
    ("Item", 32),
    ("Value", 11),
    ("Target", 11),
    ("Data score", 12),
    ("Basis", 13),
    ("n", 10),
    ("Note", 28),
    ("Reviewer score", 11),
    ("Reviewer note", 22),
    ("Score used", 11),
)
FIDELITY_HEADERS = tuple(h for h, _ in ITEM_COLUMNS)
SECTION_COL, NUMBER_COL, ITEM_COL, VALUE_COL, TARGET_COL = 1, 2, 3, 4, 5
SCORE_COL = 6  # F: the data's score (a scale item's), or what an indicator suggests
BASIS_COL, N_COL, NOTE_COL = 7, 8, 9
REVIEWER_COL, REVIEWER_NOTE_COL, USED_COL = 10, 11, 12
_ITEM_FIRST_ROW = 10
LINE_POINTS = 15  # the height of one line of 11-point text

# (label, outcome key, style); outcomes the core gives beyond these are listed after them
OUTCOMES: tuple[tuple[str, str, str], ...] = (
    ("Active clients", "active_clients", INTEGER),
    ("Employed clients (competitive job)", "employed_clients", INTEGER),
    ("Employment rate", "employment_rate", PERCENT),
    ("Job starts", "job_starts", INTEGER),
    ("Clients with a job start", "clients_with_job_start", INTEGER),
    ("First jobs (clients' first competitive job)", "first_jobs", INTEGER),
    ("Median days from enrollment to first job", "days_to_first_job", DECIMAL),
    ("New enrollments", "new_enrollments", INTEGER),
    ("Clients in education", "in_education", INTEGER),
    ("Mean hours per week (competitive jobs)", "mean_hours", DECIMAL),
    ("Mean hourly wage (competitive jobs)", "mean_wage", MONEY),
    ("Median hourly wage (competitive jobs)", "median_wage", MONEY),
    ("Jobs held 90 days (of those started 90+ days before the end)", "retention_90", PERCENT),
    ("Job endings", "job_endings", INTEGER),
    ("Closures", "closures", INTEGER),
)
QUARTER_DAYS = (85, 95)  # a period this long is about a quarter, as the benchmarks are

# (header, keys the core may use in a specialist record, style); the first key found is used.
# The name takes columns A-C (its text runs on over the two empty cells); the figures stand
# one to a column from D, each under its own header.
SPECIALIST_COLUMNS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Employment specialist", ("name",), TEXT),
    ("Caseload at period end", ("caseload_end", "caseload_at_end", "caseload"), INTEGER),
    ("Caseload per FTE", ("caseload_per_fte",), DECIMAL),
    (
        "Employment services %",
        ("employment_services_pct", "employment_services_percent", "employment_services"),
        PERCENT,
    ),
    ("Face-to-face contacts", ("face_to_face_contacts", "contacts"), INTEGER),
    ("Contacts per week", ("contacts_per_week",), DECIMAL),
    ("Target per week", (), DECIMAL),
    ("Clients employed", ("employed_clients", "clients_employed", "employed"), INTEGER),
    ("Employment rate", ("employment_rate",), PERCENT),
    ("Benchmark rate", (), PERCENT),
    ("Job starts", ("job_starts",), INTEGER),
    ("Clients in education", ("in_education", "clients_in_education"), INTEGER),
)
_SPEC_FIRST_COL = 4  # D: the first figure; the name is in A
# widths of the columns past the item table (M, N), for the specialists' last figures
_EXTRA_WIDTHS = {13: 10, 14: 12}
ALL_SPECIALISTS = "All specialists"
# figures of the "All specialists" row that are sums of the rows above it
_SUMMED = frozenset(
    {
        "Caseload at period end",
        "Face-to-face contacts",
        "Clients employed",
        "Job starts",
        "Clients in education",
    }
)

CONTACTS_TARGET = 6.0  # face-to-face employer contacts a week: the scale's top anchor
AVERAGE_RATE = next(v for v, name in scale.EMPLOYMENT_RATE_BENCHMARKS if name == "average")


@dataclass(frozen=True)
class Review:
    """What a reviewer typed on an item's row: a 1-5 score and a note, either may be missing."""

    score: int | None = None
    note: str | None = None


def fidelity_layout(
    report: Report,
    generated_at: dt.datetime,
    reviews: Mapping[int, Review | float] | None = None,
) -> SheetLayout:
    """The Fidelity sheet: header, the 25 items, live total and band, outcomes, specialists.

    Each item row shows what the data says (value, target, the data's score or, for an
    indicator, what it suggests, basis, n, note), a yellow reviewer score and note, and the
    score used: a formula that takes the reviewer's score where one is typed, else the data's
    score of a ``scale`` item, else nothing. An indicator's suggestion is never used: the scale
    scores those items from what a reviewer judges. ``reviews`` maps a scale position (0..24)
    to what a reviewer typed on an earlier Fidelity sheet (a bare number is a score), so a
    re-run keeps it. Total, items scored and band are formulas over the 25 scores used.
    """
    reviews = {pos: _as_review(r) for pos, r in (reviews or {}).items()}
    grid = _Grid()
    heights: dict[int, float] = {}
    scores = report.scores
    computed = {it.id: it for it in scores.items} if scores else {}

    grid.put(1, 1, Cell("IPS-25 fidelity review", style=TITLE))
    period = report.period
    header = [
        ("Agency", Cell(report.agency)),
        ("Program", Cell(report.program)),
        ("Period start", Cell(period.start if period else None, style=DATE)),
        ("Period end", Cell(period.end if period else None, style=DATE)),
        ("Generated", Cell(generated_at.replace(microsecond=0, tzinfo=None), style=DATETIME)),
        ("Workbook", Cell(_basename(report.file))),
    ]
    for i, (label, cell) in enumerate(header):
        grid.put(2 + i, 1, Cell(label, style=LABEL))
        grid.put(2 + i, ITEM_COL, cell)

    head_row = _ITEM_FIRST_ROW - 1
    for j, (h, _) in enumerate(ITEM_COLUMNS, start=1):
        grid.put(head_row, j, Cell(h, style=HEADER))
    heights[head_row] = _header_height(ITEM_COLUMNS)

    inputs: dict[int, str] = {}
    used_values: list[object] = []
    for pos, scale_item in enumerate(scale.ITEMS):
        r = _ITEM_FIRST_ROW + pos
        grid.put(r, SECTION_COL, Cell(scale_item.section, style=WRAP))
        grid.put(r, NUMBER_COL, Cell(scale_item.number, style=NUMBER))
        grid.put(r, ITEM_COL, Cell(scale_item.label, style=WRAP))
        item = computed.get(scale_item.id) if scale_item.id else None
        counts = item is not None and item.basis == scale.SCALE
        if item is not None:
            _put_computed(grid, r, item)
        else:
            grid.put(r, BASIS_COL, Cell(REVIEWER))
        review = reviews.get(pos, Review())
        inputs[pos] = cell_ref(r, REVIEWER_COL)
        grid.put(r, REVIEWER_COL, Cell(review.score, style=SCORE_INPUT))
        grid.put(r, REVIEWER_NOTE_COL, Cell(review.note, style=NOTE_INPUT))
        data_score = item.score if counts and item is not None else None
        used = review.score if review.score is not None else data_score
        used_values.append("" if used is None else used)
        grid.put(r, USED_COL, Cell(used_values[-1], formula=used_formula(r, counts), style=SCORE))
        heights[r] = _row_height(grid, r)
    last_item = _ITEM_FIRST_ROW + scale.ITEM_COUNT - 1
    score_range = f"{cell_ref(_ITEM_FIRST_ROW, USED_COL)}:{cell_ref(last_item, USED_COL)}"

    numbers = [v for v in used_values if isinstance(v, int | float)]
    total_row = last_item + 1
    count_row, band_row = total_row + 1, total_row + 2
    total_ref, count_ref = cell_ref(total_row, USED_COL), cell_ref(count_row, USED_COL)
    for row, label in (
        (total_row, "Total (25-125)"),
        (count_row, "Items scored"),
        (band_row, "Band"),
    ):
        grid.put(row, REVIEWER_NOTE_COL, Cell(label, style=LABEL_RIGHT))
    grid.put(total_row, USED_COL, Cell(sum(numbers), formula=f"SUM({score_range})", style=TOTAL))
    grid.put(count_row, USED_COL, Cell(len(numbers), formula=f"COUNT({score_range})", style=TOTAL))
    grid.put(
        band_row,
        USED_COL,
        Cell(
            band_text(sum(numbers), len(numbers)),
            formula=band_formula(count_ref, total_ref),
            style=TOTAL,
        ),
    )
    legend = [
        "Score used: the reviewer's score where one is typed, else the data's score of a "
        "'scale' item. 'scale': scored on the IPS-25's own anchors.",
        "'indicator': the scale scores this item from what a reviewer judges; the figure only "
        "suggests a score and is never counted. Yellow cells are the reviewer's (scores 1-5).",
    ]
    for i, line in enumerate(legend):
        grid.put(band_row + 1 + i, 1, Cell(line))

    r = _put_outcomes(grid, band_row + 4, report)
    rate_ref, level_ref = r.rate_ref, r.level_ref
    spec = _put_specialists(grid, r.next_row + 1, report, computed, heights)

    charts: list[Chart] = []
    last_row = spec.last_row
    if spec.rows:
        charts, last_row = _specialist_charts(spec, spec.last_row + 2)

    width = max(len(ITEM_COLUMNS), _SPEC_FIRST_COL + len(SPECIALIST_COLUMNS) - 2)
    widths = {j: w for j, (_, w) in enumerate(ITEM_COLUMNS, start=1)} | _EXTRA_WIDTHS
    return SheetLayout(
        name=FIDELITY_SHEET,
        rows=grid.rows(),
        widths=widths,
        heights=heights,
        charts=charts,
        validations=[
            Validation(
                tuple(inputs.values()), 1, 5, "A reviewer's score is a whole number from 1 to 5."
            )
        ],
        print_area=f"$A$1:${column_letter(width)}${max(last_row, 1)}",
        landscape=True,
        fit_width=True,
        anchors={
            "scores": score_range,
            "total": total_ref,
            "count": count_ref,
            "band": cell_ref(band_row, USED_COL),
            "employment_rate": rate_ref or "",
            "rate_level": level_ref,
            "specialists": spec.ref,
        },
        input_cells=inputs,
    )


def used_formula(row: int, counts_data: bool) -> str:
    """The score used on one item row: the reviewer's where typed, else (for a ``scale`` item)
    the data's, else empty text, which SUM and COUNT pass over."""
    reviewer = cell_ref(row, REVIEWER_COL)
    fallback = '""'
    if counts_data:
        data = cell_ref(row, SCORE_COL)
        fallback = f'IF(COUNT({data}),{data},"")'
    return f"IF(COUNT({reviewer}),{reviewer},{fallback})"


def band_text(total: float, scored: int) -> str:
    """What the band cell shows: the band, or how many items are scored while any is not."""
    if scored < scale.ITEM_COUNT:
        return f"{scale.INCOMPLETE} ({scored} of {scale.ITEM_COUNT} scored)"
    return scale.fidelity_band(total, scored)


def band_formula(count_ref: str, total_ref: str) -> str:
    """The band of the total as a live formula, "incomplete (N of 25 scored)" until all are."""
    expr = f'"{scale.BANDS[-1][1]}"'
    for floor, name in reversed(scale.BANDS[:-1]):
        expr = f'IF({total_ref}>={floor},"{name}",{expr})'
    n = scale.ITEM_COUNT
    return f'IF({count_ref}<{n},"{scale.INCOMPLETE} ("&{count_ref}&" of {n} scored)",{expr})'


def level_formula(rate_ref: str | None, bench_refs: list[tuple[str, str]]) -> str | None:
    """Which employment-rate benchmark the program's rate reaches, as a live formula."""
    if rate_ref is None:
        return None
    expr = '"below minimal"'
    for ref, name in bench_refs:
        expr = f'IF({rate_ref}>={ref},"{name}",{expr})'
    return f'IF({rate_ref}="","",{expr})'


def reviews_from_grid(grid: Sequence[Sequence[object]]) -> dict[int, Review]:
    """What a reviewer typed on a Fidelity sheet, by scale position, from the sheet's values.

    Item rows are found by their Section and # cells under the header row, wherever a person
    moved them; the reviewer's cells by their headers. A sheet of the earlier layout (one
    Score column, Basis "reviewer" on the rows the reviewer scored) is read too.
    """
    positions = {
        (item.section.casefold(), item.number): pos for pos, item in enumerate(scale.ITEMS)
    }
    found = _item_header(grid)
    if found is None:
        return {}
    head, cols = found
    reviews: dict[int, Review] = {}
    for row in grid[head + 1 :]:

        def at(name: str, row: Sequence[object] = row) -> object:
            c = cols.get(name)
            return row[c] if c is not None and c < len(row) else None

        section, number = as_text(at("Section")), _int_or_none(at("#"))
        pos = positions.get(((section or "").strip().casefold(), number))
        if pos is None:
            continue
        if "Reviewer score" in cols:
            score = score_or_none(at("Reviewer score"))
            note = as_text(at("Reviewer note"))
            note = note.strip() or None if note else None
        else:  # the earlier layout
            basis = as_text(at("Basis")) or ""
            score = score_or_none(at("Score")) if basis.strip().endswith(REVIEWER) else None
            note = None
        if score is not None or note is not None:
            reviews[pos] = Review(score, note)
    return reviews


def _item_header(grid: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]] | None:
    """The index of the item table's header row and its columns by header."""
    for i, row in enumerate(grid):
        texts = [as_text(v) for v in row]
        names = {t.strip(): j for j, t in enumerate(texts) if t}
        if {"Section", "#"} <= names.keys() and (
            "Reviewer score" in names or {"Score", "Basis"} <= names.keys()
        ):
            return i, names
    return None


def _as_review(value: Review | float | None) -> Review:
    return value if isinstance(value, Review) else Review(score_or_none(value))


def _put_computed(grid: _Grid, r: int, item: Item) -> None:
    """What the data says about one item: value, target, score or suggestion, basis, n, note."""
    band = scale.BANDS_BY_ID.get(item.id)
    value = _number(item.value)
    if band is not None and band.percent and value is not None:
        grid.put(r, VALUE_COL, Cell(value / 100, style=PERCENT))
    else:
        grid.put(r, VALUE_COL, Cell(value, style=DECIMAL))
    grid.put(r, TARGET_COL, Cell(item.target))
    if item.basis == scale.SCALE:
        score = item.score
        grid.put(r, SCORE_COL, Cell(None if score is None else int(score), style=SCORE))
    else:
        suggests = getattr(item, "suggests", None)
        suggests = item.score if suggests is None else suggests
        if suggests is not None:
            grid.put(r, SCORE_COL, Cell(f"suggests {int(suggests)}", style=SUGGESTION))
    grid.put(r, BASIS_COL, Cell(item.basis))
    grid.put(r, N_COL, Cell(int(item.n), style=INTEGER))
    note = item.note or ("no data to compute this item" if value is None else "")
    grid.put(r, NOTE_COL, Cell(note or None, style=WRAP))


@dataclass
class _Outcomes:
    next_row: int
    rate_ref: str | None
    level_ref: str


def _put_outcomes(grid: _Grid, r: int, report: Report) -> _Outcomes:
    """The outcomes, one to a row (a figure by reason gets a row per reason), then the
    employment-rate benchmarks and the level the program's rate reaches."""
    grid.put(r, 1, Cell("Outcomes", style=TITLE))
    r += 1
    _header_row(grid, r, (("Outcome", 1), ("Value", VALUE_COL), ("", TARGET_COL)))
    outcomes = dict(report.scores.outcomes) if report.scores else {}
    known = {key for _, key, _ in OUTCOMES}
    rows = [(label, key, style) for label, key, style in OUTCOMES if key in outcomes]
    rows += [(_label(k), k, _style_of(v)) for k, v in outcomes.items() if k not in known]
    rate_ref = None
    for label, key, style in rows:
        value = outcomes.get(key)
        r += 1
        grid.put(r, 1, Cell(label))
        if isinstance(value, Mapping):
            grid.put(r, VALUE_COL, Cell(sum(_number(v) or 0 for v in value.values()), style=style))
            for reason, count in value.items():
                r += 1
                grid.put(r, 1, Cell(f"    {reason}"))
                grid.put(r, VALUE_COL, Cell(_number(count), style=style))
            continue
        number = _number(value)
        if style == PERCENT and key != "employment_rate" and number is not None and number > 1:
            number = number / 100  # a figure given on 0..100
        grid.put(r, VALUE_COL, Cell(number, style=style))
        if key == "employment_rate":
            rate_ref = cell_ref(r, VALUE_COL)
            note = _quarter_note(report)
            if note:
                grid.put(r, TARGET_COL, Cell(note))
    r += 2
    _header_row(grid, r, (("Employment rate benchmarks", 1), ("Rate", VALUE_COL)))
    bench_refs = []
    for value, name in scale.EMPLOYMENT_RATE_BENCHMARKS:
        r += 1
        grid.put(r, 1, Cell(name))
        grid.put(r, VALUE_COL, Cell(value, style=PERCENT))
        bench_refs.append((cell_ref(r, VALUE_COL), name))
    r += 1
    grid.put(r, 1, Cell("Program's level", style=LABEL))
    rate = _number(outcomes.get("employment_rate"))
    grid.put(
        r,
        VALUE_COL,
        Cell(_rate_level(rate), formula=level_formula(rate_ref, bench_refs), style=TOTAL),
    )
    return _Outcomes(r + 2, rate_ref, cell_ref(r, VALUE_COL))


def _quarter_note(report: Report) -> str:
    period = report.period
    if period is None or QUARTER_DAYS[0] <= period.days <= QUARTER_DAYS[1]:
        return ""
    return (
        f"The benchmarks are quarterly figures; this period is {period.days} days, so compare "
        "with care."
    )


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _style_of(value: object) -> str:
    if isinstance(value, Mapping):
        return INTEGER
    n = _number(value)
    return INTEGER if isinstance(n, int) else DECIMAL


def _header_row(grid: _Grid, r: int, heads: Sequence[tuple[str, int]]) -> None:
    """A header row from column A to the last heading, the empty cells filled alike. The first
    heading does not wrap: it runs on over the empty cells beside it."""
    last = max(c for _, c in heads)
    texts = {c: h for h, c in heads}
    for c in range(1, last + 1):
        grid.put(r, c, Cell(texts.get(c) or None, style=HEADER_LINE if c == 1 else HEADER))


@dataclass
class _Specialists:
    first_row: int  # the first specialist's row
    rows: list[Mapping[str, object]]  # the specialists shown one to a row (without the totals)
    last_row: int  # the last row of the table (the "All specialists" row, when there is one)
    ref: str
    columns: dict[str, int]  # header -> column


def _put_specialists(
    grid: _Grid,
    r: int,
    report: Report,
    computed: Mapping[str, Item],
    heights: dict[int, float],
) -> _Specialists:
    """The per-specialist table, each figure under its own header, and its totals row."""
    grid.put(r, 1, Cell("Employment specialists", style=TITLE))
    r += 1
    head = r
    columns = {
        h: (1 if j == 0 else _SPEC_FIRST_COL + j - 1)
        for j, (h, _, _) in enumerate(SPECIALIST_COLUMNS)
    }
    _header_row(grid, r, [(h, c) for h, c in columns.items()])
    widths = {c: w for c, (_, w) in enumerate(ITEM_COLUMNS, start=1)} | _EXTRA_WIDTHS
    heights[head] = _header_height([(h, widths[c]) for h, c in columns.items() if c > 1])
    records = list(report.scores.specialists) if report.scores else []
    total = next((rec for rec in records if rec.get("name") == ALL_SPECIALISTS), None)
    people = [rec for rec in records if rec is not total]
    for rec in people:
        r += 1
        _put_specialist(grid, r, rec, columns)
    if people:
        r += 1
        if total is None:
            total = _totals(people, report, computed)
        _put_specialist(grid, r, total, columns, bold=True)
    last = r
    ref = f"A{head}:{column_letter(max(columns.values()))}{last}"
    return _Specialists(head + 1, people, last, ref, columns)


def _totals(
    people: Sequence[Mapping[str, object]], report: Report, computed: Mapping[str, Item]
) -> dict[str, object]:
    """An "All specialists" row made of exactly the rows above it: sums of the counts, the
    program's rates."""
    out: dict[str, object] = {"name": ALL_SPECIALISTS}
    for header, keys, _ in SPECIALIST_COLUMNS[1:]:
        if header not in _SUMMED or not keys:
            continue
        values = [next((_number(p[k]) for k in keys if k in p), None) for p in people]
        if any(v is not None for v in values):
            out[keys[0]] = sum(v or 0 for v in values)
    outcomes = report.scores.outcomes if report.scores else {}
    out["employment_rate"] = outcomes.get("employment_rate")
    if "employer_contacts" in computed:
        out["contacts_per_week"] = computed["employer_contacts"].value
    return out


def _put_specialist(
    grid: _Grid, r: int, rec: Mapping[str, object], columns: Mapping[str, int], bold: bool = False
) -> None:
    for header, keys, style in SPECIALIST_COLUMNS:
        if header == "Target per week":
            value: object = CONTACTS_TARGET
        elif header == "Benchmark rate":
            value = AVERAGE_RATE
        else:
            value = next((rec[k] for k in keys if k in rec), None)
            value = value if isinstance(value, str) else _number(value)
            if style == PERCENT and header != "Employment rate" and isinstance(value, int | float):
                value = value / 100 if value > 1 else value  # a share given on 0..100
        if bold:
            style = LABEL if style == TEXT else style + "-bold"
        grid.put(r, columns[header], Cell(value, style=style))


def _specialist_charts(spec: _Specialists, top: int) -> tuple[list[Chart], int]:
    """Contacts a week and employment rate by specialist, side by side under the table."""
    first, last = spec.first_row, spec.first_row + len(spec.rows) - 1

    def rng(header: str) -> str:
        col = spec.columns[header]
        return f"{cell_ref(first, col, True)}:{cell_ref(last, col, True)}"

    height = 19
    charts = [
        Chart(
            "Face-to-face employer contacts per week",
            rng("Employment specialist"),
            (
                Series("Contacts per week", rng("Contacts per week"), "bar"),
                Series(f"Target ({_g(CONTACTS_TARGET)} a week)", rng("Target per week"), "line"),
            ),
            cell_ref(top, 1),
            cell_ref(top + height, 5),
            y_title="contacts a week",
            y_format="0",
        ),
        Chart(
            "Employment rate",
            rng("Employment specialist"),
            (
                Series("Employment rate", rng("Employment rate"), "bar"),
                Series(f"Benchmark ({AVERAGE_RATE:.0%})", rng("Benchmark rate"), "line"),
            ),
            cell_ref(top, 7),
            cell_ref(top + height, 12),
            y_title="clients employed",
            y_format="0%",
        ),
    ]
    return charts, top + height


def _header_height(columns: Sequence[tuple[str, float]]) -> float:
    return LINE_POINTS * max(wrapped_lines(h, w, bold=True) for h, w in columns)


def _row_height(grid: _Grid, r: int) -> float:
    """A row tall enough for its wrapped cells: neither Excel nor LibreOffice grows a row for
    wrapped text another program wrote."""
    widths = dict(ITEM_COLUMNS_BY_COL)
    lines = 1
    for c, w in widths.items():
        cell = grid.get(r, c)
        if isinstance(cell.value, str) and STYLES.get(cell.style, STYLES[TEXT]).wrap:
            lines = max(lines, wrapped_lines(cell.value, w))
    return LINE_POINTS * lines


ITEM_COLUMNS_BY_COL = {c: w for c, (_, w) in enumerate(ITEM_COLUMNS, start=1)}


def wrapped_lines(text: str, width: float, bold: bool = False) -> int:
    """How many lines ``text`` takes wrapped at spaces in a column ``width`` characters wide
    (a width counts digits; letters of bold text run wider, and the cell keeps a margin)."""
    per_line = max(1, int(width * (0.85 if bold else 1.0)) - 1)
    return sum(
        max(1, len(textwrap.wrap(part, per_line, break_long_words=True)))
        for part in text.split("\n")
    )


def _rate_level(rate: float | None) -> str:
    if rate is None:
        return ""
    level = "below minimal"
    for value, name in scale.EMPLOYMENT_RATE_BENCHMARKS:
        if rate >= value:
            level = name
    return level


class _Grid:
    """A sparse grid that turns into the row lists of a layout."""

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], Cell] = {}

    def put(self, row: int, col: int, cell: Cell) -> None:
        self._cells[(row, col)] = cell

    def get(self, row: int, col: int) -> Cell:
        return self._cells.get((row, col), Cell())

    def rows(self) -> list[list[Cell | None]]:
        if not self._cells:
            return []
        nrows = max(r for r, _ in self._cells)
        out: list[list[Cell | None]] = [[] for _ in range(nrows)]
        for (r, c), cell in sorted(self._cells.items()):
            row = out[r - 1]
            row.extend([None] * (c - len(row)))
            row[c - 1] = cell
        return out


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


def _g(value: float) -> str:
    return f"{value:g}"


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1] if path else ""


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
