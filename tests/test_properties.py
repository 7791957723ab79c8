"""Properties over arbitrary workbooks: whatever sits in any cell of any tab, validating never
raises, every flag points at a cell inside the sheet, and every fidelity figure stays in range.

Grids are built in memory and fed to ``read.tables_from_grids`` (what the Excel add-in does),
so an example costs a parse, not a file; a few examples go through real .xlsx files too.
Examples are derandomized so CI sees the same ones every run; raise ``IPSXL_EXAMPLES`` to
explore more locally (the seed changes with it).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import unicodedata

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipsxl import report
from ipsxl.core import scale, values
from ipsxl.core import standard as std
from ipsxl.core.model import SEVERITIES, Report
from ipsxl.core.rules import CODES
from ipsxl.core.values import CellError
from ipsxl.files.read import tables_from_grids
from ipsxl.validate import Options, check_raw

EXAMPLES = int(os.environ.get("IPSXL_EXAMPLES", "40"))
TODAY = dt.date(2026, 10, 15)
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ERRORS = ("#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!")
ODD_TEXT = (
    "",
    " ",
    "\t",
    "1e308",
    "NaN",
    "-0",
    "inf",
    "'2026-07-01",
    "$1,200.50",
    "45%",
    "13/45/2026",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "=1+1",
    "@SUM(A1)",
    "\x1b[2J",
    "\u202eevil",
    "😀",
    "مرحبا",
    "שלום",
    "x" * 500,
    "_x0000_",
)

# anything a spreadsheet engine can hand over for a cell
any_value = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(ODD_TEXT),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.times(),
    st.timedeltas(min_value=dt.timedelta(days=-1000), max_value=dt.timedelta(days=1000)),
    st.sampled_from(ERRORS).map(CellError),
)

IDS = ("C1", "C2", "C3", "C4", 5, 6.0)
NAMES = ("Ann Lee", "Bo Chan", "Sam Boss", "ann lee ")
near_dates = st.dates(min_value=dt.date(2025, 6, 1), max_value=dt.date(2027, 1, 31))


def plausible(col: std.Column) -> st.SearchStrategy:
    """Values a person would type in this column, so rows get past the type checks and reach
    the rules and fidelity items behind them."""
    if col.type == std.DATE:
        return st.one_of(near_dates, near_dates.map(lambda d: d.isoformat()))
    if col.type in (std.NUMBER, std.PERCENT):
        low = col.minimum if col.minimum is not None else 0
        high = col.maximum if col.maximum is not None else 100
        return st.floats(min_value=low, max_value=high)
    if col.type == std.YESNO:
        return st.sampled_from(("Y", "N", "yes", "No", True, False, 1, 0))
    if col.type == std.CHOICE:
        return st.sampled_from(col.choices)
    if "Client" in col.name or col.name == "ID":
        return st.sampled_from(IDS)
    if "Specialist" in col.name or col.name in ("Name", "Supervisor"):
        return st.sampled_from(NAMES)
    return st.text(max_size=12)


def cell(col: std.Column) -> st.SearchStrategy:
    return st.one_of(plausible(col), plausible(col), any_value)


@st.composite
def tab_grid(draw, tab: std.Tab) -> list[list[object]]:
    """A header row of the tab's columns (some left out, some spelt otherwise, extra ones),
    a title row or two above it, and rows of cells."""
    columns = [c for c in tab.columns if draw(st.floats(0, 1)) < 0.9]
    columns = draw(st.permutations(columns))
    header = [
        draw(st.sampled_from(c.spellings())) if draw(st.booleans()) else c.name for c in columns
    ]
    header = [h.upper() if draw(st.floats(0, 1)) < 0.1 else h for h in header]
    extra = draw(st.integers(0, 2))
    header += [f"Extra {k}" for k in range(extra)]
    rows: list[list[object]] = [[draw(any_value)] for _ in range(draw(st.integers(0, 2)))]
    rows.append(header)
    for _ in range(draw(st.integers(0, 6))):
        row = [draw(cell(c)) for c in columns] + [draw(any_value) for _ in range(extra)]
        if draw(st.floats(0, 1)) < 0.15:
            row = row[: draw(st.integers(0, len(row)))]  # a ragged row
        rows.append(row)
    return rows


@st.composite
def program_grid(draw) -> list[list[object]]:
    start = draw(st.one_of(st.just(dt.date(2026, 7, 1)), near_dates, any_value))
    end = draw(st.one_of(st.just(dt.date(2026, 9, 30)), near_dates, any_value))
    rows = [
        ["Field", "Value"],
        ["Agency", draw(st.one_of(st.just("A"), any_value))],
        ["Period Start", start],
        ["Period End", end],
    ]
    if draw(st.booleans()):
        rows.append([draw(any_value), draw(any_value), draw(any_value)])
    return draw(st.permutations(rows))


@st.composite
def workbook(draw) -> dict[str, list[list[object]]]:
    grids: dict[str, list[list[object]]] = {}
    for tab in std.TABS:
        if draw(st.floats(0, 1)) < 0.1:
            continue  # a missing tab
        name = draw(st.sampled_from(tab.spellings()))
        name = name.lower() if draw(st.floats(0, 1)) < 0.2 else name
        grids[name] = draw(program_grid()) if tab is std.PROGRAM else draw(tab_grid(tab))
    return grids


def _validate(grids: dict[str, list[list[object]]]) -> Report:
    return check_raw(tables_from_grids("book.xlsx", grids), Options(today=TODAY))


def assert_flags_inside(rep: Report, grids: dict[str, list[list[object]]]) -> None:
    for flag in rep.flags.to_dict("records"):
        assert flag["code"] in CODES and flag["severity"] in SEVERITIES, flag
        assert isinstance(flag["message"], str) and flag["message"], flag
        assert one_safe_line(flag["message"]), flag
        row, col = flag["row"], flag["col"]
        if row is None or pd.isna(row):
            continue
        assert flag["sheet"] in grids, flag
        grid = grids[flag["sheet"]]
        assert 1 <= int(row) <= len(grid), flag
        if col is not None and not pd.isna(col):
            assert 1 <= int(col) <= max(len(r) for r in grid), flag


UNSAFE = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def one_safe_line(text: str) -> bool:
    """No line breaks, no characters a terminal obeys (ESC...), no bidirectional overrides."""
    return not any(
        unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs") or ch in UNSAFE for ch in text
    )


def _finite_or_none(value: object) -> bool:
    return value is None or (isinstance(value, (int, float)) and math.isfinite(value))


def assert_figures_in_range(rep: Report) -> None:
    scores = rep.scores
    assert [it.id for it in scores.items] == list(scale.COMPUTED_IDS)
    for it in scores.items:
        assert it.score is None or (isinstance(it.score, int) and 1 <= it.score <= 5), it
        assert isinstance(it.n, int) and it.n >= 0, it
        assert _finite_or_none(it.value), it
        if it.value is None:
            assert it.score is None, it  # a figure that cannot be computed is never scored
            continue
        if scale.BANDS_BY_ID[it.id].percent:
            assert 0 <= it.value <= 100, it
        elif it.id != "rapid_job_search":
            assert it.value >= 0, it
    assert 0 <= scores.data_total <= scores.data_max == 5 * scores.scored_items
    out = scores.outcomes
    for key, value in out.items():
        if key in ("job_endings", "closures"):  # reason -> count
            assert value is None or all(isinstance(v, int) and v > 0 for v in value.values())
            continue
        if key == "employment_rate_note":
            assert value is None or isinstance(value, str)
            continue
        assert _finite_or_none(value), (key, value)
        if value is not None and key not in ("mean_wage", "median_wage"):
            assert value >= 0, (key, value)
    for key in ("active_clients", "employed_clients", "job_starts", "in_education"):
        assert out[key] is None or (isinstance(out[key], int) and out[key] >= 0), out
    assert out["employment_rate"] is None or 0 <= out["employment_rate"] <= 1, out
    assert out["retention_90"] is None or 0 <= out["retention_90"] <= 1, out
    if out["mean_hours"] is not None:
        assert 0 <= out["mean_hours"] <= 80
    for person in scores.specialists:
        for key, value in person.items():
            if key not in ("name", "kind"):
                assert _finite_or_none(value) and (value is None or value >= 0), person
        rate = person.get("employment_rate")
        assert rate is None or 0 <= rate <= 1, person


def assert_renders(rep: Report) -> None:
    """Every face's rendering works, and the JSON is JSON (no NaN, no Infinity)."""
    doc = json.loads(report.to_json([rep]), parse_constant=_refuse)
    assert doc["workbooks"][0]["readable"] is True
    text = report.to_text(rep)
    assert "\x1b" not in text and "\u202e" not in text
    report.to_csv([rep])


def _refuse(name: str) -> None:
    raise AssertionError(f"{name} in the JSON report")


@SETTINGS
@given(workbook())
def test_any_values_in_any_tab_validate_without_raising(grids):
    rep = _validate(grids)
    assert_flags_inside(rep, grids)
    assert_figures_in_range(rep)
    assert_renders(rep)


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(
            [*(t.name for t in std.TABS), "Notes", "Fidelity", "Flags", "caseload", "CASELOAD"]
        ),
        st.lists(st.lists(any_value, max_size=8), max_size=8),
        max_size=8,
    )
)
def test_any_grid_under_any_sheet_name_validates_without_raising(grids):
    """Shapes no standard workbook has: no header, ragged, empty, ipsxl's own sheet names."""
    rep = _validate(grids)
    assert_flags_inside(rep, grids)
    assert_figures_in_range(rep)
    assert_renders(rep)


# --- the value parsers on their own (cheap: many examples) --------------------------------------

ALL_COLUMNS = [c for t in std.TABS for c in (t.fields or t.columns)]


@settings(max_examples=max(EXAMPLES * 5, 200), deadline=None, derandomize=EXAMPLES <= 40)
@given(
    st.lists(st.one_of(any_value, st.sampled_from([pd.NA, pd.NaT, "\t \n", "\u00a0"])), max_size=12)
)
def test_a_cell_is_blank_the_same_way_one_at_a_time_and_by_column(cells):
    """One meaning of a blank cell: the reader, the worksheet functions and the parsers ask
    ``is_blank`` of one value or ``blank_mask`` of a column, and get the same answer."""
    by_column = values.blank_mask(pd.Series(cells, dtype=object)).tolist()
    assert [values.is_blank(v) for v in cells] == by_column


def test_what_a_blank_cell_is():
    blank = [None, float("nan"), pd.NA, pd.NaT, "", "   ", "\t\n"]
    filled = [0, 0.0, False, "0", "x", " x ", dt.date(2026, 7, 1), CellError("#N/A")]
    assert [values.is_blank(v) for v in blank] == [True] * len(blank)
    assert [values.is_blank(v) for v in filled] == [False] * len(filled)


@settings(max_examples=max(EXAMPLES * 5, 200), deadline=None, derandomize=EXAMPLES <= 40)
@given(st.sampled_from(ALL_COLUMNS), st.lists(any_value, max_size=12))
def test_parsers_never_raise_and_bad_cells_hold_something(col, cells):
    raw = pd.Series(cells, dtype=object)
    typed, bad = values.parse(raw, col)
    assert len(typed) == len(bad) == len(raw)
    blank = values.blank_mask(raw)
    assert not (bad & blank).any()  # a blank is never bad: missing-value's business
    assert typed[bad].isna().all()  # a bad value is never used
    if col.type in (std.NUMBER, std.PERCENT):
        good = typed.dropna()
        assert good.map(math.isfinite).all() and (good.abs() <= values.MAX_MAGNITUDE).all()
        if col.minimum is not None:
            assert (good >= col.minimum).all()
        if col.maximum is not None:
            assert (good <= col.maximum).all()
    errors = values.is_error(raw)
    assert typed[errors].isna().all()  # #REF! is no value of any type
    for value in cells:
        shown = values.display(value)
        assert isinstance(shown, str) and one_safe_line(shown)
        assert len(shown) <= values.DISPLAY_CHARS + 40


# --- a few through real files -------------------------------------------------------------------


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(grids=workbook())
def test_the_same_through_a_real_file(grids, tmp_path):
    from hostile import Sheet, write_xlsx

    from ipsxl.validate import check_file

    path = write_xlsx(tmp_path / "book.xlsx", [Sheet(name, rows) for name, rows in grids.items()])
    rep = check_file(path, Options(today=TODAY))
    assert rep.readable, rep.error
    assert_flags_inside(rep, grids)
    assert_figures_in_range(rep)
    assert_renders(rep)
