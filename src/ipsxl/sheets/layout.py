"""The shapes a sheet is laid out in: cells, charts, tables, validations, a whole sheet.

A layout is a grid of ``Cell`` objects (row ``i`` of ``SheetLayout.rows`` is Excel row ``i+1``,
item ``j`` of a row is column ``j+1``). A cell holds either a value or a formula, never both
meanings at once: ``value`` is always written as a value (a string that starts with ``=`` stays
text), ``formula`` is an Excel formula without its leading ``=``, built only from numbers and
cell references, using functions Excel and LibreOffice both evaluate (SUM, COUNT, IF). A formula
cell's ``value`` is the result ipsxl computed, for writers that can store a cached result.
``style`` is a tag of ``styles.STYLES``, which says how the tag looks.

Also here: how tall a row of wrapped text must be, and a report's values as a cell shows them.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from dataclasses import dataclass, field

import pandas as pd

from ipsxl.sheets.refs import split_ref
from ipsxl.sheets.styles import TEXT


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


# --- rows of wrapped text ---------------------------------------------------------------------

LINE_POINTS = 15  # the height of one line of 11-point text


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


# --- a report's values as cells show them ------------------------------------------------------


def as_number(value: object) -> float | int | None:
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
    n = as_number(value)
    if n is None or n != int(n) or not 1 <= n <= 5:
        return None
    return int(n)


def int_or_none(value: object) -> int | None:
    n = as_number(value)
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
