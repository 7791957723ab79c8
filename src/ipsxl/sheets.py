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
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import pandas as pd

from ipsxl import scale
from ipsxl.model import ERROR, INFO, WARNING, Item, Report
from ipsxl.standard import FIDELITY_SHEET, FLAGS_SHEET

# --- styles -----------------------------------------------------------------------------------

TITLE = "title"
LABEL = "label"  # a bold caption beside a value
HEADER = "header"  # the header row of a table
TEXT = "text"
WRAP = "wrap"  # text that may run long (item labels, messages, notes)
INTEGER = "integer"
DECIMAL = "decimal"
PERCENT = "percent"  # a fraction shown as a percentage
DATE = "date"
DATETIME = "datetime"
SCORE = "score"  # a score ipsxl computed
SCORE_INPUT = "score-input"  # an empty cell for the reviewer's 1-5 score
TOTAL = "total"  # the live total and band formulas
LINK = "link"  # an internal hyperlink
SEVERITY_ERROR = "severity-error"
SEVERITY_WARNING = "severity-warning"
SEVERITY_INFO = "severity-info"


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


STYLES: dict[str, Style] = {
    TITLE: Style(bold=True, size=14),
    LABEL: Style(bold=True),
    HEADER: Style(bold=True, fill="D9E1F2", wrap=True),
    TEXT: Style(),
    WRAP: Style(wrap=True),
    INTEGER: Style(number_format="0"),
    DECIMAL: Style(number_format="0.0"),
    PERCENT: Style(number_format="0.0%"),
    DATE: Style(number_format="yyyy-mm-dd", align="left"),
    DATETIME: Style(number_format="yyyy-mm-dd hh:mm", align="left"),
    SCORE: Style(bold=True, number_format="0", align="center"),
    SCORE_INPUT: Style(fill="FFF2CC", number_format="0", align="center"),
    TOTAL: Style(bold=True, fill="E2EFDA"),
    LINK: Style(color="0563C1", underline=True),
    SEVERITY_ERROR: Style(fill="FFC7CE"),
    SEVERITY_WARNING: Style(fill="FFEB9C"),
    SEVERITY_INFO: Style(fill="DDEBF7"),
}

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

FIDELITY_HEADERS = ("Section", "#", "Item", "Value", "Target", "Score", "Basis", "n", "Note")
_ITEM_FIRST_ROW = 10
SCORE_COL = 6  # F: the 25 score cells the total and band add up

REVIEWER = "reviewer"

# (label, outcome key, style)
OUTCOMES: tuple[tuple[str, str, str], ...] = (
    ("Active clients", "active_clients", INTEGER),
    ("Employed clients (competitive job)", "employed_clients", INTEGER),
    ("Employment rate", "employment_rate", PERCENT),
    ("Job starts", "job_starts", INTEGER),
    ("Clients in education", "in_education", INTEGER),
    ("Mean hours per week (competitive jobs)", "mean_hours", DECIMAL),
    ("Mean hourly wage (competitive jobs)", "mean_wage", DECIMAL),
)

# (header, keys the core may use in a specialist record, style); the first key found is used
SPECIALIST_COLUMNS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Employment specialist", ("name",), TEXT),
    ("Caseload", ("caseload",), INTEGER),
    ("Face-to-face contacts", ("face_to_face_contacts", "contacts"), INTEGER),
    ("Contacts per week", ("contacts_per_week",), DECIMAL),
    ("Target per week", (), DECIMAL),
    ("Clients employed", ("employed_clients", "clients_employed", "employed"), INTEGER),
    ("Employment rate", ("employment_rate",), PERCENT),
    ("Benchmark rate", (), PERCENT),
    ("Job starts", ("job_starts",), INTEGER),
)

CONTACTS_TARGET = scale.CONTACTS_PER_WEEK  # the scale's 6 a week
AVERAGE_RATE = next(v for v, name in scale.EMPLOYMENT_RATE_BENCHMARKS if name == "average")


def fidelity_layout(
    report: Report,
    generated_at: dt.datetime,
    reviewer_scores: Mapping[int, float] | None = None,
) -> SheetLayout:
    """The Fidelity sheet: header, the 25 items, live total and band, outcomes, specialists.

    Items ipsxl computed show value, target, score, basis and n (and why, where the value is
    missing); the others leave a yellow score cell for the reviewer. ``reviewer_scores`` maps a
    scale position (0..24) to a score a reviewer typed on an earlier Fidelity sheet, so a re-run
    keeps it. Total and band are formulas over the 25 score cells, so they follow the reviewer's
    entries; the band reads "incomplete" until all 25 are scored.
    """
    reviewer_scores = reviewer_scores or {}
    grid = _Grid()
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
        grid.put(2 + i, 2, cell)

    head_row = _ITEM_FIRST_ROW - 1
    for j, h in enumerate(FIDELITY_HEADERS):
        grid.put(head_row, 1 + j, Cell(h, style=HEADER))

    inputs: dict[int, str] = {}
    for pos, scale_item in enumerate(scale.ITEMS):
        r = _ITEM_FIRST_ROW + pos
        grid.put(r, 1, Cell(scale_item.section))
        grid.put(r, 2, Cell(scale_item.number, style=INTEGER))
        grid.put(r, 3, Cell(scale_item.label))
        item = computed.get(scale_item.id) if scale_item.id else None
        if item is not None:
            _put_computed(grid, r, item)
        if item is None or item.score is None:
            inputs[pos] = cell_ref(r, SCORE_COL)
            grid.put(r, SCORE_COL, Cell(score_or_none(reviewer_scores.get(pos)), style=SCORE_INPUT))
            grid.put(r, 7, Cell(REVIEWER if item is None else f"{item.basis}; {REVIEWER}"))
    last_item = _ITEM_FIRST_ROW + scale.ITEM_COUNT - 1
    score_range = f"{cell_ref(_ITEM_FIRST_ROW, SCORE_COL)}:{cell_ref(last_item, SCORE_COL)}"

    # the cached results a writer may store beside the formulas
    entered = [grid.get(r, SCORE_COL).value for r in range(_ITEM_FIRST_ROW, last_item + 1)]
    numbers = [v for v in entered if isinstance(v, int | float)]
    total_value = sum(numbers)
    band_value = scale.fidelity_band(total_value, len(numbers))

    total_row = last_item + 1
    count_row, band_row = total_row + 1, total_row + 2
    total_ref = cell_ref(total_row, SCORE_COL)
    grid.put(total_row, 5, Cell("Total (25-125)", style=LABEL))
    grid.put(total_row, SCORE_COL, Cell(total_value, formula=f"SUM({score_range})", style=TOTAL))
    grid.put(count_row, 5, Cell("Items scored", style=LABEL))
    grid.put(count_row, SCORE_COL, Cell(len(numbers), formula=f"COUNT({score_range})", style=TOTAL))
    grid.put(count_row, 7, Cell(f"of {scale.ITEM_COUNT}"))
    grid.put(band_row, 5, Cell("Band", style=LABEL))
    grid.put(
        band_row,
        SCORE_COL,
        Cell(band_value, formula=band_formula(score_range, total_ref), style=TOTAL),
    )
    grid.put(
        band_row + 1,
        1,
        Cell(
            "Basis: 'scale' scores use the IPS-25's own anchors; 'indicator' scores are a data "
            "indicator of an item a reviewer judges; yellow cells are for the reviewer's 1-5 "
            "score.",
            style=TEXT,
        ),
    )

    # outcomes
    r = band_row + 3
    grid.put(r, 1, Cell("Outcomes", style=TITLE))
    r += 1
    for j, h in enumerate(("Outcome", "Value")):
        grid.put(r, 1 + j, Cell(h, style=HEADER))
    outcomes = scores.outcomes if scores else {}
    rate_ref = None
    for label, key, style in OUTCOMES:
        r += 1
        grid.put(r, 1, Cell(label))
        grid.put(r, 2, Cell(_number(outcomes.get(key)), style=style))
        if key == "employment_rate":
            rate_ref = cell_ref(r, 2)
    r += 2
    grid.put(r, 1, Cell("Employment rate benchmarks", style=HEADER))
    grid.put(r, 2, Cell("Rate", style=HEADER))
    bench_refs = []
    for value, name in scale.EMPLOYMENT_RATE_BENCHMARKS:
        r += 1
        grid.put(r, 1, Cell(name))
        grid.put(r, 2, Cell(value, style=PERCENT))
        bench_refs.append((cell_ref(r, 2), name))
    r += 1
    grid.put(r, 1, Cell("Program's level", style=LABEL))
    rate = _number(outcomes.get("employment_rate"))
    grid.put(
        r, 2, Cell(_rate_level(rate), formula=level_formula(rate_ref, bench_refs), style=TOTAL)
    )
    level_ref = cell_ref(r, 2)

    # specialists, with the chart data beside them
    r += 2
    grid.put(r, 1, Cell("Employment specialists", style=TITLE))
    r += 1
    spec_head = r
    for j, (h, _, _) in enumerate(SPECIALIST_COLUMNS):
        grid.put(r, 1 + j, Cell(h, style=HEADER))
    records = list(scores.specialists) if scores else []
    for rec in records:
        r += 1
        _put_specialist(grid, r, rec, style=LABEL if rec.get("kind") == "total" else None)
    if records and not any(rec.get("kind") == "total" for rec in records):
        r += 1
        overall = {
            "name": "All specialists",
            "caseload": outcomes.get("active_clients"),
            "contacts_per_week": computed["employer_contacts"].value
            if "employer_contacts" in computed
            else None,
            "employed_clients": outcomes.get("employed_clients"),
            "employment_rate": outcomes.get("employment_rate"),
            "job_starts": outcomes.get("job_starts"),
        }
        _put_specialist(grid, r, overall, style=LABEL)
    spec_last = r

    charts: list[Chart] = []
    if records:
        first, last = spec_head + 1, spec_last
        top = spec_last + 2

        def rng(col: int) -> str:
            return f"{cell_ref(first, col, True)}:{cell_ref(last, col, True)}"

        charts = [
            Chart(
                "Face-to-face employer contacts per week",
                rng(1),
                (
                    Series("Contacts per week", rng(4), "bar"),
                    Series(f"Target ({_g(CONTACTS_TARGET)} a week)", rng(5), "line"),
                ),
                cell_ref(top, 1),
                cell_ref(top + 18, 3),
                y_title="contacts a week",
                y_format="0",
            ),
            Chart(
                "Employment rate",
                rng(1),
                (
                    Series("Employment rate", rng(7), "bar"),
                    Series(f"Benchmark ({AVERAGE_RATE:.0%})", rng(8), "line"),
                ),
                cell_ref(top, 4),
                cell_ref(top + 18, 10),
                y_title="clients employed",
                y_format="0%",
            ),
        ]
        r = top + 18

    width = len(SPECIALIST_COLUMNS)
    layout = SheetLayout(
        name=FIDELITY_SHEET,
        rows=grid.rows(),
        widths={1: 34, 2: 17, 3: 64, 4: 11, 5: 13, 6: 13, 7: 16, 8: 9, 9: 40},
        heights={spec_head: 32},
        charts=charts,
        validations=[
            Validation(
                tuple(inputs.values()), 1, 5, "A reviewer's score is a whole number from 1 to 5."
            )
        ]
        if inputs
        else [],
        print_area=f"$A$1:${column_letter(max(width, len(FIDELITY_HEADERS)))}${max(r, 1)}",
        landscape=True,
        fit_width=True,
        anchors={
            "scores": score_range,
            "total": total_ref,
            "count": cell_ref(count_row, SCORE_COL),
            "band": cell_ref(band_row, SCORE_COL),
            "employment_rate": rate_ref or "",
            "rate_level": level_ref,
            "specialists": f"A{spec_head}:{column_letter(width)}{spec_last}",
        },
        input_cells=inputs,
    )
    return layout


def band_formula(score_range: str, total_ref: str) -> str:
    """The band of the total, or "incomplete" while any of the 25 score cells is empty."""
    expr = f'"{scale.BANDS[-1][1]}"'
    for floor, name in reversed(scale.BANDS[:-1]):
        expr = f'IF({total_ref}>={floor},"{name}",{expr})'
    return f'IF(COUNT({score_range})<{scale.ITEM_COUNT},"{scale.INCOMPLETE}",{expr})'


def level_formula(rate_ref: str | None, bench_refs: list[tuple[str, str]]) -> str | None:
    """Which employment-rate benchmark the program's rate reaches, as a live formula."""
    if rate_ref is None:
        return None
    expr = '"below minimal"'
    for ref, name in bench_refs:
        expr = f'IF({rate_ref}>={ref},"{name}",{expr})'
    return f'IF({rate_ref}="","",{expr})'


def _rate_level(rate: float | None) -> str:
    if rate is None:
        return ""
    level = "below minimal"
    for value, name in scale.EMPLOYMENT_RATE_BENCHMARKS:
        if rate >= value:
            level = name
    return level


def _put_computed(grid: _Grid, r: int, item: Item) -> None:
    band = scale.BANDS_BY_ID.get(item.id)
    value = _number(item.value)
    if band is not None and band.percent and value is not None:
        grid.put(r, 4, Cell(value / 100, style=PERCENT))
    else:
        grid.put(r, 4, Cell(value, style=DECIMAL))
    grid.put(r, 5, Cell(item.target))
    if item.score is not None:
        grid.put(r, SCORE_COL, Cell(int(item.score), style=SCORE))
        grid.put(r, 7, Cell(item.basis))
    grid.put(r, 8, Cell(int(item.n), style=INTEGER))
    note = item.note or ("no data to compute this item" if value is None else "")
    grid.put(r, 9, Cell(note or None, style=WRAP))


def _put_specialist(
    grid: _Grid, r: int, rec: Mapping[str, object], style: str | None = None
) -> None:
    for j, (header, keys, cell_style) in enumerate(SPECIALIST_COLUMNS):
        if header == "Target per week":
            value: object = CONTACTS_TARGET
        elif header == "Benchmark rate":
            value = AVERAGE_RATE
        else:
            value = next((rec[k] for k in keys if k in rec), None)
            value = value if isinstance(value, str) else _number(value)
        grid.put(r, 1 + j, Cell(value, style=style if (style and j == 0) else cell_style))


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
