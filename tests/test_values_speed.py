"""The parsers read each distinct value of a long column once and copy the result to its other
cells. A column must parse exactly as its cells do one by one: equal values of different
types (True == 1 == 1.0, '#REF!' == CellError('#REF!'), None and NaN both missing) and equal
values that read differently (0.0 and -0.0 in a number column, datetimes with time zones) must
not share a result. A cell on its own is never grouped, so it is the reference.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipsxl.core import standard as std
from ipsxl.core import values
from ipsxl.core.values import CellError

ALL_COLUMNS = [c for t in std.TABS for c in (t.fields or t.columns)]
# one column of each type, and a yes/no and choice column whose words the mixes below hit
ONE_OF_EACH = list({c.type: c for c in ALL_COLUMNS}.values())

# equal to one another across types, but each reads its own way
LOOKALIKES = [
    True,
    1,
    1.0,
    "1",
    CellError("#REF!"),
    "#REF!",
    None,
    math.nan,
    0.0,
    -0.0,
    0,
    False,
    "0",
    CellError("Y"),
    "Y",
    CellError("2026-07-01"),
    "2026-07-01",
    dt.datetime(2026, 7, 1),
    pd.Timestamp("2026-07-01"),
    dt.date(2026, 7, 1),
    np.float64(1.0),
    np.int64(1),
    np.str_("Y "),
    pd.NaT,
    pd.NA,
    dt.datetime(2026, 7, 1, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    dt.datetime(2026, 7, 2, 4, tzinfo=dt.UTC),
]


def one_by_one(raw: pd.Series, col: std.Column) -> tuple[pd.Series, pd.Series]:
    """What parsing each cell alone gives, put back together as a column."""
    parts = [values.parse(raw.iloc[[i]], col) for i in range(len(raw))]
    if not parts:
        return values.parse(raw, col)
    return pd.concat([p[0] for p in parts]), pd.concat([p[1] for p in parts])


def assert_reads_as_cells_alone(raw: pd.Series, col: std.Column) -> None:
    typed, bad = values.parse(raw, col)
    alone_typed, alone_bad = one_by_one(raw, col)
    pd.testing.assert_series_equal(typed, alone_typed, check_exact=True)
    pd.testing.assert_series_equal(bad, alone_bad, check_exact=True)
    # exactly: the type of every value, and the sign of every zero
    assert [type(v) for v in typed.to_numpy(dtype=object)] == [
        type(v) for v in alone_typed.to_numpy(dtype=object)
    ]
    if typed.dtype == "float64":
        assert np.array_equal(np.signbit(typed.to_numpy()), np.signbit(alone_typed.to_numpy()))


@pytest.mark.parametrize("col", ONE_OF_EACH, ids=lambda c: f"{c.type}-{c.name}")
def test_lookalikes_of_different_types_read_each_as_its_own(col):
    cells = LOOKALIKES * 3  # each value many times, in several places
    raw = pd.Series(cells, index=range(100, 100 + len(cells)), dtype=object, name=col.name)
    assert_reads_as_cells_alone(raw, col)


def test_true_one_and_text_one_are_not_one_value():
    raw = pd.Series([True, 1, 1.0, "1", CellError("#REF!"), "#REF!"] * 2, dtype=object)
    text, _ = values.parse_text(raw)
    assert text.tolist() == ["True", "1", "1", "1", None, "#REF!"] * 2
    number, bad = values.parse_number(raw)
    assert number.isna().tolist() == [True, False, False, False, True, True] * 2
    assert bad.tolist() == [True, False, False, False, True, True] * 2


def test_minus_zero_keeps_its_sign_among_zeros():
    raw = pd.Series([0.0, -0.0, 0.0, -0.0, 0, "0"], dtype=object)
    number, _ = values.parse_number(raw)
    assert np.signbit(number.to_numpy()).tolist() == [False, True, False, True, False, False]


@pytest.fixture
def text_reads(monkeypatch) -> list[int]:
    """How many cells each call of the text reader is given, in order."""
    seen: list[int] = []
    read = values._read_text

    def counting(cells, col):
        seen.append(len(cells))
        return read(cells, col)

    monkeypatch.setattr(values, "_read_text", counting)
    return seen


def test_each_distinct_value_is_read_once(text_reads):
    """50,000 cells of a few values: the per-value reader sees those few, not the cells."""
    raw = pd.Series([f"C{i % 7}" for i in range(50_000)] + [None] * 10, dtype=object)
    typed, bad = values.parse_text(raw)
    assert text_reads == [8]  # seven IDs and the blank
    assert typed.iloc[:7].tolist() == [f"C{i}" for i in range(7)] and typed.iloc[-1] is None
    assert not bad.any()


# anything a spreadsheet engine (or a caller) can hand over, with many repeats
any_value = st.one_of(
    st.sampled_from(LOOKALIKES),
    st.none(),
    st.text(max_size=6),
    st.sampled_from(["Y", "n", " yes ", "", " ", "7/1/2026", "2026-02-30", "$1,200", "45%"]),
    st.integers(min_value=-3, max_value=3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
)


# Each example parses every cell alone too, so the examples are few and the columns short; the
# pools still mix every kind of value above, and the order is fixed (``derandomize``).
@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.sampled_from(ALL_COLUMNS),
    st.lists(st.sampled_from(range(6)), max_size=40),
    st.lists(any_value, min_size=1, max_size=6),
)
def test_a_column_reads_as_its_cells_alone(col, picks, pool):
    raw = pd.Series([pool[i % len(pool)] for i in picks], dtype=object)
    assert_reads_as_cells_alone(raw, col)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    st.sampled_from(ALL_COLUMNS),
    st.lists(
        st.sampled_from(range(6)), min_size=values.READ_EACH + 1, max_size=values.READ_EACH + 16
    ),
    st.lists(any_value, min_size=1, max_size=6),
)
def test_a_column_read_by_distinct_value_reads_as_its_cells_alone(col, picks, pool):
    """Past ``READ_EACH`` cells a column is read one cell per distinct value: still as its
    cells alone (a shorter column is read cell by cell, and the test above is about those)."""
    raw = pd.Series([pool[i % len(pool)] for i in picks], dtype=object)
    assert_reads_as_cells_alone(raw, col)


def test_a_short_column_is_read_cell_by_cell_and_a_long_one_by_value(text_reads):
    short = pd.Series(["C1", "C2", "C1", None] * (values.READ_EACH // 4), dtype=object)
    long = pd.Series(["C1", "C2", "C1", None] * (values.READ_EACH // 4 + 1), dtype=object)
    short_typed, _ = values.parse_text(short)
    long_typed, _ = values.parse_text(long)
    assert text_reads == [values.READ_EACH, 3]  # every cell; then C1, C2 and the blank
    assert short_typed.tolist() == long_typed.tolist()[: values.READ_EACH]


def test_a_timestamp_beside_a_date_past_2262_reads_both_days():
    """pandas' own timestamps end in 2262; a cell can hold any year Excel can (to 9999)."""
    cells = [dt.date(2263, 1, 1), pd.Timestamp("2026-07-01 13:45"), dt.datetime(9999, 12, 31, 8)]
    for raw in (pd.Series(cells, dtype=object), pd.Series(cells * 30, dtype=object)):
        typed, bad = values.parse_date(raw)
        assert [d.isoformat() for d in typed.dt.date[:3]] == [
            "2263-01-01",
            "2026-07-01",
            "9999-12-31",
        ]
        assert not bad.any()
