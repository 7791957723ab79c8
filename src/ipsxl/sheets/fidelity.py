"""The Fidelity sheet as plain data (a ``sheets.layout.SheetLayout``): the 25 IPS-25 items with a
reviewer's cells on each, the live total and band, the outcomes, the specialists and charts.

The reviewer owns every score. Each item row shows what the data says (value, target, the
data's score of a ``scale`` item or what an ``indicator`` suggests, basis, n, note), then a
yellow cell for the reviewer's score and one for a note, then the score used: a formula taking
the reviewer's score where one is typed, else a scale item's data score, else nothing. Total,
items scored and band are formulas over the scores used, so they follow what the reviewer
types in Excel or LibreOffice; ``reviews_from_grid`` reads the reviewer's entries back from a
Fidelity sheet's values (by item, wherever its row went), so a re-run keeps them.

The sheet prints landscape, one page wide: the items on the first page, outcomes and the
specialists after, and the charts from the top of a page of their own so no chart is cut.
The charts draw from a block of chart data right of the print area: every specialist, or with
more than ``CHART_ALL`` of them the top and bottom ``CHART_EACH_END``, which a caption says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ipsxl.core import scale
from ipsxl.core.model import SPECIALIST, Item, Report
from ipsxl.core.standard import FIDELITY_SHEET
from ipsxl.sheets.layout import (
    LINE_POINTS,
    Cell,
    Chart,
    Series,
    SheetLayout,
    Validation,
    as_number,
    as_text,
    int_or_none,
    score_or_none,
    wrapped_lines,
)
from ipsxl.sheets.refs import cell_ref, column_letter
from ipsxl.sheets.styles import (
    DATE,
    DATETIME,
    DECIMAL,
    FTE,
    HEADER,
    HEADER_LINE,
    INTEGER,
    LABEL,
    LABEL_RIGHT,
    MONEY,
    NOTE_INPUT,
    NUMBER,
    PERCENT,
    SCORE,
    SCORE_INPUT,
    STYLES,
    SUGGESTION,
    TEXT,
    TITLE,
    TOTAL,
    WRAP,
    WRAP_CENTER,
)

REVIEWER = "reviewer"

# The item table, left to right: (header, width in characters). The reviewer's two columns sit
# between what the data says and the score used, so a row reads from evidence to decision.
ITEM_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Section", 12),
    ("#", 4),
    ("Item", 32),
    ("Value", 11),
    ("Target", 12),
    ("Data score", 12),
    ("Basis", 13),
    ("n", 14),
    ("Note", 28),
    ("Reviewer score", 11),
    ("Reviewer note", 22),
    ("Score used", 12),
)
FIDELITY_HEADERS = tuple(h for h, _ in ITEM_COLUMNS)
SECTION_COL, NUMBER_COL, ITEM_COL, VALUE_COL, TARGET_COL = 1, 2, 3, 4, 5
SCORE_COL = 6  # F: the data's score (a scale item's), or what an indicator suggests
BASIS_COL, N_COL, NOTE_COL = 7, 8, 9
REVIEWER_COL, REVIEWER_NOTE_COL, USED_COL = 10, 11, 12
ITEM_FIRST_ROW = 10

# The specialists' table: (header, keys a specialist record may use, style), the first key
# found is used. The name is in A (running on over B and C); the figures stand one to a column
# from D, each under its own header, within the item table's width plus two columns.
SPECIALIST_COLUMNS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Employment specialist", ("name",), TEXT),
    ("FTE", ("fte",), FTE),
    ("Caseload at period end", ("caseload",), INTEGER),
    ("Caseload per FTE", ("caseload_per_fte",), DECIMAL),
    ("Employment services %", ("employment_services_pct",), PERCENT),
    ("Face-to-face contacts", ("face_to_face_contacts",), INTEGER),
    ("Contacts per week", ("contacts_per_week",), DECIMAL),
    ("Active clients in period", ("active_clients",), INTEGER),
    ("Clients employed", ("employed_clients",), INTEGER),
    ("Employment rate", ("employment_rate",), PERCENT),
    ("Job starts", ("job_starts",), INTEGER),
    ("Clients in education", ("in_education",), INTEGER),
)
_SPEC_FIRST_COL = 4  # D
PRINT_COLUMNS = _SPEC_FIRST_COL + len(SPECIALIST_COLUMNS) - 2  # A..N
_EXTRA_WIDTHS = {13: 10, 14: 12}  # M, N: the specialists' last figures

# (label, outcome key, style), in the order listed; outcomes the core gives beyond these
# follow them. A mapping (reason -> count) is a row with its total and a row per reason.
OUTCOMES: tuple[tuple[str, str, str], ...] = (
    ("Active clients", "active_clients", INTEGER),
    ("Employed clients (competitive job)", "employed_clients", INTEGER),
    ("Employment rate", "employment_rate", PERCENT),
    ("Job starts", "job_starts", INTEGER),
    ("Clients with a job start", "clients_with_job_start", INTEGER),
    ("First jobs (a client's first competitive job)", "first_jobs", INTEGER),
    ("Median days from enrollment to first job", "days_to_first_job", DECIMAL),
    ("New enrollments", "new_enrollments", INTEGER),
    ("Clients in education", "in_education", INTEGER),
    ("Mean hours per week (competitive jobs)", "mean_hours", DECIMAL),
    ("Mean hourly wage (competitive jobs)", "mean_wage", MONEY),
    ("Median hourly wage (competitive jobs)", "median_wage", MONEY),
    ("Jobs held 90 days or more (started 90+ days before the end)", "retention_90", PERCENT),
    ("Job endings", "job_endings", INTEGER),
    ("Closures", "closures", INTEGER),
)
RATE_NOTE = "employment_rate_note"  # text the core may give beside the employment rate
QUARTER_DAYS = scale.QUARTER_DAYS  # a period this long is about a quarter, as the benchmarks are

CONTACTS_TARGET = scale.CONTACTS_PER_WEEK  # face-to-face employer contacts a week
AVERAGE_RATE = next(v for v, name in scale.EMPLOYMENT_RATE_BENCHMARKS if name == "average")
CHART_ALL = 30  # up to this many specialists, the charts show every one
CHART_EACH_END = 15  # past it, the top and the bottom this many
WEEKLY_LINES = 8  # up to this many specialists, the weekly chart draws a line for each
CHART_ROWS = 18  # a chart's height in rows
_DATA_COL = 16  # P: the first column of the chart data, right of the print area


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
    """The Fidelity sheet of a report: header, the 25 items, live total and band, outcomes,
    specialists and charts.

    ``reviews`` maps a scale position (0..24) to what a reviewer typed on an earlier Fidelity
    sheet (a bare number is a score), so a re-run keeps it.
    """
    sheet = _Sheet()
    reviews = {pos: _as_review(r) for pos, r in (reviews or {}).items()}
    _put_header(sheet, report, generated_at)
    items = _put_items(sheet, report, reviews)
    outcomes = _put_outcomes(sheet, items.end + 2, report)
    specs = _put_specialists(sheet, outcomes.end + 2, report)
    sheet.breaks.append(items.end + 1)  # the items on a page of their own
    last = specs.end
    charts: list[Chart] = []
    if specs.people:
        sheet.breaks.append(specs.end + 1)  # the charts from the top of a page
        charts, last = _put_charts(sheet, specs.end + 2, report, specs.people)

    widths = {c: w for c, (_, w) in enumerate(ITEM_COLUMNS, start=1)} | _EXTRA_WIDTHS
    widths |= sheet.data_widths
    return SheetLayout(
        name=FIDELITY_SHEET,
        rows=sheet.grid.rows(),
        widths=widths,
        heights=sheet.heights,
        charts=charts,
        validations=[
            Validation(
                tuple(items.inputs.values()),
                1,
                5,
                "A reviewer's score is a whole number from 1 to 5.",
            )
        ],
        print_area=f"$A$1:${column_letter(PRINT_COLUMNS)}${last}",
        landscape=True,
        fit_width=True,
        row_breaks=sheet.breaks,
        anchors={
            "scores": items.used_range,
            "total": items.total_ref,
            "count": items.count_ref,
            "band": items.band_ref,
            "employment_rate": outcomes.rate_ref or "",
            "rate_level": outcomes.level_ref,
            "specialists": specs.ref,
        },
        input_cells=items.inputs,
    )


# --- formulas ---------------------------------------------------------------------------------


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


# --- reading a reviewer's entries back --------------------------------------------------------


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

        section, number = as_text(at("Section")), int_or_none(at("#"))
        pos = positions.get(((section or "").strip().casefold(), number))
        if pos is None:
            continue
        if "Reviewer score" in cols:
            score = score_or_none(at("Reviewer score"))
            note = (as_text(at("Reviewer note")) or "").strip() or None
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
        names = {t.strip(): j for j, t in enumerate(as_text(v) for v in row) if t}
        if {"Section", "#"} <= names.keys() and (
            "Reviewer score" in names or {"Score", "Basis"} <= names.keys()
        ):
            return i, names
    return None


def _as_review(value: Review | float | None) -> Review:
    return value if isinstance(value, Review) else Review(score_or_none(value))


# --- the parts of the sheet -------------------------------------------------------------------


class _CellGrid:
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


@dataclass
class _Sheet:
    """The sheet as it is being laid out: cells, row heights, page breaks."""

    grid: _CellGrid = field(default_factory=_CellGrid)
    heights: dict[int, float] = field(default_factory=dict)
    breaks: list[int] = field(default_factory=list)
    data_widths: dict[int, float] = field(default_factory=dict)

    def put(self, row: int, col: int, value: object, style: str = TEXT, **kw: object) -> None:
        self.grid.put(row, col, Cell(value, style=style, **kw))  # type: ignore[arg-type]

    def header_row(self, r: int, heads: Sequence[tuple[str, int]], widths: Mapping[int, float]):
        """A header row from column A to the last heading, the empty cells filled alike; the
        first heading runs on over the empty cells beside it, the others wrap at spaces."""
        last = max(c for _, c in heads)
        texts = {c: h for h, c in heads}
        for c in range(1, last + 1):
            self.put(r, c, texts.get(c) or None, HEADER_LINE if c == 1 else HEADER)
        # bold letters run about a sixth wider than the digits a width counts
        self.heights[r] = LINE_POINTS * max(
            wrapped_lines(h, widths.get(c, 8.43) * 0.85) for h, c in heads if c > 1
        )

    def fit_row(self, r: int, widths: Mapping[int, float]) -> None:
        """Make a row tall enough for its wrapped text: neither Excel nor LibreOffice grows a
        row for wrapped text another program wrote."""
        lines = 1
        for c, w in widths.items():
            cell = self.grid.get(r, c)
            if isinstance(cell.value, str) and STYLES.get(cell.style, STYLES[TEXT]).wrap:
                lines = max(lines, wrapped_lines(cell.value, w))
        if lines > 1:
            self.heights[r] = LINE_POINTS * lines


ITEM_WIDTHS = {c: w for c, (_, w) in enumerate(ITEM_COLUMNS, start=1)}


def _put_header(sheet: _Sheet, report: Report, generated_at: dt.datetime) -> None:
    sheet.put(1, 1, "IPS-25 fidelity review", TITLE)
    period = report.period
    header = [
        ("Agency", report.agency, TEXT),
        ("Program", report.program, TEXT),
        ("Period start", period.start if period else None, DATE),
        ("Period end", period.end if period else None, DATE),
        ("Generated", generated_at.replace(microsecond=0, tzinfo=None), DATETIME),
        ("Workbook", _basename(report.file), TEXT),
    ]
    for i, (label, value, style) in enumerate(header):
        sheet.put(2 + i, 1, label, LABEL)
        sheet.put(2 + i, ITEM_COL, value, style)


@dataclass
class _Items:
    end: int  # the last row of the item block (its legend)
    inputs: dict[int, str]
    used_range: str
    total_ref: str
    count_ref: str
    band_ref: str


def _put_items(sheet: _Sheet, report: Report, reviews: Mapping[int, Review]) -> _Items:
    """The 25 items with the reviewer's cells, then total, items scored, band and a legend."""
    computed = {it.id: it for it in report.scores.items} if report.scores else {}
    head = ITEM_FIRST_ROW - 1
    sheet.header_row(head, [(h, c) for c, (h, _) in enumerate(ITEM_COLUMNS, start=1)], ITEM_WIDTHS)
    inputs: dict[int, str] = {}
    used: list[int] = []
    for pos, scale_item in enumerate(scale.ITEMS):
        r = ITEM_FIRST_ROW + pos
        sheet.put(r, SECTION_COL, scale_item.section)
        sheet.put(r, NUMBER_COL, scale_item.number, NUMBER)
        sheet.put(r, ITEM_COL, scale_item.label, WRAP)
        item = computed.get(scale_item.id) if scale_item.id else None
        counts = item is not None and item.basis == scale.SCALE
        if item is not None:
            _put_computed(sheet, r, item)
        else:
            sheet.put(r, BASIS_COL, REVIEWER)
        review = reviews.get(pos, Review())
        inputs[pos] = cell_ref(r, REVIEWER_COL)
        sheet.put(r, REVIEWER_COL, review.score, SCORE_INPUT)
        sheet.put(r, REVIEWER_NOTE_COL, review.note, NOTE_INPUT)
        score = review.score
        if score is None and counts and item is not None:
            score = item.score
        if score is not None:
            used.append(score)
        shown = "" if score is None else score
        sheet.put(r, USED_COL, shown, SCORE, formula=used_formula(r, counts))
        sheet.fit_row(r, ITEM_WIDTHS)
    last_item = ITEM_FIRST_ROW + scale.ITEM_COUNT - 1
    used_range = f"{cell_ref(ITEM_FIRST_ROW, USED_COL)}:{cell_ref(last_item, USED_COL)}"

    total_row, count_row, band_row = last_item + 1, last_item + 2, last_item + 3
    total_ref, count_ref = cell_ref(total_row, USED_COL), cell_ref(count_row, USED_COL)
    for row, label in (
        (total_row, "Total (25-125)"),
        (count_row, "Items scored"),
        (band_row, "Band"),
    ):
        sheet.put(row, REVIEWER_NOTE_COL, label, LABEL_RIGHT)
    sheet.put(total_row, USED_COL, sum(used), TOTAL, formula=f"SUM({used_range})")
    sheet.put(count_row, USED_COL, len(used), TOTAL, formula=f"COUNT({used_range})")
    band = band_text(sum(used), len(used))
    sheet.put(band_row, USED_COL, band, TOTAL, formula=band_formula(count_ref, total_ref))
    for c in range(USED_COL + 1, PRINT_COLUMNS + 1):  # the band's text runs on over these
        sheet.put(band_row, c, None, TOTAL)
    legend = (
        "Score used: the reviewer's score where one is typed, else the data's score of a "
        "'scale' item (scored on the IPS-25's own anchors).",
        "'indicator': the scale scores this item from what a reviewer judges; its figure only "
        "suggests a score and is never counted. Yellow cells are the reviewer's: scores 1-5.",
    )
    for i, line in enumerate(legend):
        sheet.put(band_row + 1 + i, 1, line)
    return _Items(
        band_row + len(legend),
        inputs,
        used_range,
        total_ref,
        count_ref,
        cell_ref(band_row, USED_COL),
    )


def _put_computed(sheet: _Sheet, r: int, item: Item) -> None:
    """What the data says about one item: value, target, score or suggestion, basis, n, note."""
    band = scale.BANDS_BY_ID.get(item.id)
    value = as_number(item.value)
    # centred like the target beside it: right-aligned, a value prints touching it ("5.96 a week")
    if band is not None and band.percent and value is not None:
        sheet.put(r, VALUE_COL, value / 100, centered(PERCENT))
    else:
        sheet.put(r, VALUE_COL, value, centered(DECIMAL))
    sheet.put(r, TARGET_COL, item.target, WRAP_CENTER)
    if item.basis == scale.SCALE:
        sheet.put(r, SCORE_COL, None if item.score is None else int(item.score), SCORE)
    else:
        suggests = getattr(item, "suggests", None)
        suggests = item.score if suggests is None else suggests
        if suggests is not None:
            sheet.put(r, SCORE_COL, f"suggests {int(suggests)}", SUGGESTION)
    sheet.put(r, BASIS_COL, item.basis)
    sheet.put(r, N_COL, int(item.n), centered(INTEGER))
    note = item.note or ("no data to compute this item" if value is None else "")
    sheet.put(r, NOTE_COL, note or None, WRAP)


@dataclass
class _Outcomes:
    end: int
    rate_ref: str | None
    level_ref: str


def _put_outcomes(sheet: _Sheet, r: int, report: Report) -> _Outcomes:
    """The outcomes, one to a row, then the employment-rate benchmarks and the level the
    program's rate reaches (a live formula). Their figures stand centred in the items' Value
    column, as the items' values do, clear of the note beside the employment rate."""
    sheet.put(r, 1, "Outcomes", TITLE)
    r += 1
    sheet.header_row(r, (("Outcome", 1), ("Value", VALUE_COL)), ITEM_WIDTHS)
    outcomes = dict(report.scores.outcomes) if report.scores else {}
    known = {key for _, key, _ in OUTCOMES} | {RATE_NOTE}
    rows = [(label, key, style) for label, key, style in OUTCOMES if key in outcomes]
    rows += [(_label(k), k, _style_of(v)) for k, v in outcomes.items() if k not in known]
    rate_ref = None
    for label, key, style in rows:
        value = outcomes.get(key)
        r += 1
        sheet.put(r, 1, label)
        style = centered(style)
        if isinstance(value, Mapping):
            sheet.put(r, VALUE_COL, sum(as_number(v) or 0 for v in value.values()), style)
            for reason, count in value.items():
                r += 1
                sheet.put(r, 1, f"    {reason}")
                sheet.put(r, VALUE_COL, as_number(count), style)
            continue
        sheet.put(r, VALUE_COL, as_number(value), style)
        if key == "employment_rate":
            rate_ref = cell_ref(r, VALUE_COL)
            note = as_text(outcomes.get(RATE_NOTE)) or _quarter_note(report)
            if note:
                sheet.put(r, TARGET_COL, note)
    r += 2
    sheet.header_row(r, (("Employment rate benchmarks", 1), ("Rate", VALUE_COL)), ITEM_WIDTHS)
    bench_refs = []
    for value, name in scale.EMPLOYMENT_RATE_BENCHMARKS:
        r += 1
        sheet.put(r, 1, name)
        sheet.put(r, VALUE_COL, value, centered(PERCENT))
        bench_refs.append((cell_ref(r, VALUE_COL), name))
    r += 1
    sheet.put(r, 1, "Program's level", LABEL)
    rate = as_number(outcomes.get("employment_rate"))
    sheet.put(r, VALUE_COL, _rate_level(rate), TOTAL, formula=level_formula(rate_ref, bench_refs))
    return _Outcomes(r, rate_ref, cell_ref(r, VALUE_COL))


def _quarter_note(report: Report) -> str:
    period = report.period
    if period is None or QUARTER_DAYS[0] <= period.days <= QUARTER_DAYS[1]:
        return ""
    return f"The benchmarks are quarterly figures; this period is {period.days} days."


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _style_of(value: object) -> str:
    if isinstance(value, Mapping):
        return INTEGER
    return INTEGER if isinstance(as_number(value), int) else DECIMAL


def _rate_level(rate: float | None) -> str:
    if rate is None:
        return ""
    level = "below minimal"
    for value, name in scale.EMPLOYMENT_RATE_BENCHMARKS:
        if rate >= value:
            level = name
    return level


@dataclass
class _Specialists:
    end: int  # the table's last row
    ref: str
    people: list[Mapping[str, object]]  # the specialists' own rows (no totals, no unassigned)


SPEC_COLS = {
    h: (1 if j == 0 else _SPEC_FIRST_COL + j - 1) for j, (h, _, _) in enumerate(SPECIALIST_COLUMNS)
}


def _put_specialists(sheet: _Sheet, r: int, report: Report) -> _Specialists:
    """The per-specialist table, each figure under its own header, then the rows the core
    adds (clients under no specialist's name, "All specialists") in bold."""
    sheet.put(r, 1, "Employment specialists", TITLE)
    r += 1
    head = r
    widths = ITEM_WIDTHS | _EXTRA_WIDTHS
    sheet.header_row(r, list(SPEC_COLS.items()), widths)
    records = list(report.scores.specialists) if report.scores else []
    people = [rec for rec in records if rec.get("kind", SPECIALIST) == SPECIALIST]
    for rec in records:
        r += 1
        bold = rec.get("kind", SPECIALIST) != SPECIALIST
        for header, keys, style in SPECIALIST_COLUMNS:
            value = next((rec[k] for k in keys if k in rec), None)
            value = value if isinstance(value, str) else as_number(value)
            if keys and keys[0].endswith("_pct") and value is not None:
                value = value / 100  # a share given on 0..100, shown as a percentage
            if header == SPECIALIST_COLUMNS[0][0]:
                style = LABEL if bold else TEXT
            else:
                style = centered(style, bold)
            sheet.put(r, SPEC_COLS[header], value, style)
    ref = f"A{head}:{column_letter(PRINT_COLUMNS)}{r}"
    return _Specialists(r, ref, people)


def _put_charts(
    sheet: _Sheet, top: int, report: Report, people: list[Mapping[str, object]]
) -> tuple[list[Chart], int]:
    """Contacts a week by specialist beside contacts week by week; employment rate by
    specialist under them; each chart's caption under it. Returns the charts and the last
    row they take."""
    data = _ChartData(sheet, top)
    contacts = data.ranked(people, "contacts_per_week", "Contacts per week", CONTACTS_TARGET)
    rates = data.ranked(people, "employment_rate", "Employment rate", AVERAGE_RATE)
    weekly = data.weekly(report, people)

    left, right = (1, 7), (8, PRINT_COLUMNS)
    second = top + CHART_ROWS + 3
    charts = [
        _ranked_chart(
            sheet,
            "Face-to-face employer contacts per week",
            contacts,
            f"Target ({CONTACTS_TARGET:g} a week)",
            top,
            left,
            y_title="contacts a week",
            y_format="0",
        ),
        _ranked_chart(
            sheet,
            "Employment rate",
            rates,
            f"Benchmark ({AVERAGE_RATE:.0%})",
            second,
            left,
            y_title="clients employed",
            y_format="0%",
        ),
    ]
    if weekly is not None:
        charts.insert(
            1,
            Chart(
                "Face-to-face employer contacts, week by week",
                weekly.names,
                tuple(weekly.series),
                cell_ref(top, right[0]),
                cell_ref(top + CHART_ROWS - 1, right[1]),
                y_title="contacts in the week",
                y_format="0",
            ),
        )
        sheet.put(top + CHART_ROWS, right[0], weekly.caption)
    return charts, second + CHART_ROWS


def _ranked_chart(
    sheet: _Sheet,
    title: str,
    ranked: _Ranked,
    target_label: str,
    row: int,
    columns: tuple[int, int],
    y_title: str,
    y_format: str,
) -> Chart:
    """The specialists' bars against the dashed target line, ``CHART_ROWS`` tall from ``row``
    over ``columns`` (first, last), with the caption under it."""
    first, last = columns
    sheet.put(row + CHART_ROWS, first, ranked.caption)
    return Chart(
        title,
        ranked.names,
        (
            Series(ranked.label, ranked.values, "bar"),
            Series(target_label, ranked.target, "target"),
        ),
        cell_ref(row, first),
        cell_ref(row + CHART_ROWS - 1, last),
        y_title=y_title,
        y_format=y_format,
    )


@dataclass
class _Ranked:
    label: str  # the values' header, and their series' name
    names: str  # the categories' range
    values: str
    target: str
    caption: str


@dataclass
class _WeeklyRanges:
    names: str
    series: list[Series]
    caption: str


class _ChartData:
    """Blocks of chart data side by side right of the print area, from row ``top``."""

    def __init__(self, sheet: _Sheet, top: int) -> None:
        self.sheet = sheet
        self.top = top
        self.col = _DATA_COL
        sheet.put(top - 1, _DATA_COL, "Chart data (the charts draw from these cells)", LABEL)

    def _block(self, headers: Sequence[str], widths: Sequence[float]) -> int:
        first = self.col
        for j, (h, w) in enumerate(zip(headers, widths, strict=True)):
            self.sheet.put(self.top, first + j, h, HEADER)
            self.sheet.data_widths[first + j] = w
        self.col += len(headers) + 1
        return first

    def _range(self, col: int, n: int) -> str:
        return f"{cell_ref(self.top + 1, col, True)}:{cell_ref(self.top + n, col, True)}"

    def ranked(
        self, people: list[Mapping[str, object]], key: str, header: str, target: float
    ) -> _Ranked:
        """The specialists by ``key``, highest first: all of them, or the top and bottom
        ``CHART_EACH_END`` when there are more than ``CHART_ALL``."""
        shown = sorted(people, key=lambda p: -(as_number(p.get(key)) or 0))
        caption = ""
        if len(shown) > CHART_ALL:
            caption = (
                f"Top {CHART_EACH_END} and bottom {CHART_EACH_END} of {len(shown)} specialists "
                f"by {header.lower()}; the table lists all."
            )
            shown = shown[:CHART_EACH_END] + shown[-CHART_EACH_END:]
        style = PERCENT if key == "employment_rate" else DECIMAL
        first = self._block(("Employment specialist", header, "Target"), (22, 11, 9))
        for i, person in enumerate(shown, start=1):
            self.sheet.put(self.top + i, first, as_text(person.get("name")))
            self.sheet.put(self.top + i, first + 1, as_number(person.get(key)), style)
            self.sheet.put(self.top + i, first + 2, target, style)
        n = max(len(shown), 1)
        return _Ranked(
            header,
            self._range(first, n),
            self._range(first + 1, n),
            self._range(first + 2, n),
            caption,
        )

    def weekly(self, report: Report, people: list[Mapping[str, object]]) -> _WeeklyRanges | None:
        """Contacts in each week: a line per specialist, or with more than ``WEEKLY_LINES``
        specialists the mean, the lowest and the highest of them each week."""
        weekly = getattr(report.scores, "weekly", None)
        if weekly is None or not weekly.starts or not weekly.contacts:
            return None
        names = [as_text(p.get("name")) or "" for p in people]
        counts = {name: weekly.contacts[name] for name in names if name in weekly.contacts}
        if not counts:
            return None
        if len(counts) <= WEEKLY_LINES:
            lines = counts
            caption = "A line per specialist: face-to-face contacts in each week."
        else:
            columns = list(zip(*counts.values(), strict=True))
            lines = {
                "Mean of specialists": [round(sum(c) / len(c), 1) for c in columns],
                "Lowest": [min(c) for c in columns],
                "Highest": [max(c) for c in columns],
            }
            caption = f"Mean, lowest and highest of the {len(counts)} specialists each week."
        if weekly.days and weekly.days[-1] < 7:
            caption += f" The last week has {_plural(weekly.days[-1], 'day')}."
        headers = ["Week of", *lines, "Target"]
        first = self._block(headers, [11] + [11] * len(lines) + [9])
        for i, (start, days) in enumerate(zip(weekly.starts, weekly.days, strict=True), 1):
            label = f"{start:%b} {start.day}" + ("" if days == 7 else f" ({days}d)")
            self.sheet.put(self.top + i, first, label)
            for j, values in enumerate(lines.values(), start=1):
                self.sheet.put(self.top + i, first + j, values[i - 1], DECIMAL)
            self.sheet.put(self.top + i, first + len(lines) + 1, CONTACTS_TARGET, DECIMAL)
        n = len(weekly.starts)
        series = [
            Series(name, self._range(first + j, n), "line") for j, name in enumerate(lines, start=1)
        ]
        target = self._range(first + len(lines) + 1, n)
        series.append(Series(f"Target ({CONTACTS_TARGET:g} a week)", target, "target"))
        return _WeeklyRanges(self._range(first, n), series, caption)


def centered(style: str, bold: bool = False) -> str:
    """The centred (and bold) twin of a figure's style, see ``sheets.styles.STYLES``."""
    return f"{style}-center" + ("-bold" if bold else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1] if path else ""
