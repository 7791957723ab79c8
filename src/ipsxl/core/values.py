"""Turn raw cell values into typed columns, one parser per type of the standard.

Each parser takes a column of raw values (whatever the spreadsheet engine gave: str, int,
float, bool, date, datetime, None) and returns the typed column and a mask of the cells that
hold something but not something valid. Blank cells are never "bad": whether a blank is allowed
is the missing-value rule's business. Nothing is guessed: a value either reads one of the
accepted ways or is reported.

A formula whose result is an error (``#REF!``, ``#DIV/0!``, ...) reaches the parsers as a
``CellError``: the reader keeps the error's text, so the message can name it. It is never a valid
value of any type: typed columns report it as bad, and text columns read it as blank, so a
required text cell holding one is reported as missing (with the error as its value).

Values are also what messages quote, and messages go to terminals, CSV files and Excel cells:
``display`` shows control and bidirectional-override characters as escapes and shortens very
long values, so a crafted cell can neither rewrite a terminal nor swell a report.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd
from pandas.api.types import is_scalar

from ipsxl.core import standard as std
from ipsxl.core.standard import Column

DATE_DTYPE = "datetime64[us]"
_ISO = r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_US = r"^\d{1,2}/\d{1,2}/\d{4}$"
_ISO_MATCH = re.compile(_ISO).match
_US_MATCH = re.compile(_US).match
_DATE_TYPES = (dt.date, dt.datetime, pd.Timestamp)
_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()
_NUMBER_STRIP = r"[\s$]"
# A comma in a number typed as text: thousands groups (1,750 and 1,250.50, the first group not
# starting with 0), or else a decimal comma, the way a European locale writes numbers (17,50,
# 7,5, 0,750, 1.234,50). A text with commas that is neither is no number.
_THOUSANDS = r"[-+]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?"
_DECIMAL_COMMA = r"[-+]?(?:[1-9]\d{0,2}(?:\.\d{3})+|\d*),\d+"

# What a parser returns for a column: the typed values, and the mask of cells that did not parse.
ParsedColumn = tuple[pd.Series, pd.Series]

# Larger than any count, hours, wage or percent; Excel keeps only 15 significant digits, so a
# number this size in a workbook is a slip of the keyboard (or 1e308 crafted to overflow sums).
MAX_MAGNITUDE = 1e15
# What a message quotes of a value at most; a cell may hold 32,767 characters.
DISPLAY_CHARS = 120


class CellError(str):
    """A cell whose formula gives an error (``#REF!``, ``#DIV/0!``, ``#N/A``...): not a value.

    A ``str`` so it travels through grids, frames and pickles like text and prints as Excel
    shows it, but a type of its own so no parser mistakes it for text someone typed.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"CellError({str.__repr__(self)})"

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (CellError, (str(self),))


class Uncomputed(CellError):
    """A formula cell that holds no computed value (written by a script, never opened in Excel):
    its formula, as the formula bar shows it. Not a blank: its value is unknown, so every
    column, text included, reports it (the ``bad`` mask), and the rules say what to do."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Uncomputed({str.__repr__(self)})"

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (Uncomputed, (str(self),))


def is_error(raw: pd.Series) -> pd.Series:
    """Cells holding a formula's error result."""
    return raw.map(type) == CellError


def is_blank(value: object) -> bool:
    """Whether a cell value is blank: nothing in it (None, NaN, NaT, NA) or text of nothing but
    spaces. A formula's error is not blank (it is text, and says something).

    The one meaning of "a blank cell" in ipsxl: the reader looking for headers and fields, the
    worksheet functions and the parsers all ask it (``blank_mask`` asks it of a whole column at
    once). Other questions are asked where they are needed: whether a *sheet* or a *range* holds
    nothing, and whether the engine left a cell empty (None or ""), by which the reader drops a
    row: a row of spaces is kept, so its required cells are reported as missing.
    """
    if isinstance(value, str):
        return not value.strip()
    return value is None or (is_scalar(value) and bool(pd.isna(value)))


def blank_mask(raw: pd.Series) -> pd.Series:
    """``is_blank`` of every cell of a column."""
    return pd.Series(_blank(raw.to_numpy(dtype=object)), index=raw.index)


def _blank(cells: np.ndarray) -> np.ndarray:
    """``is_blank`` over an array of cells: one pass of plain Python for the text, pandas for
    the rest (far cheaper than ``is_blank`` cell by cell, or pandas' per-cell map + .str)."""
    empty = [isinstance(v, str) and not v.strip() for v in cells]
    return pd.isna(cells) | np.array(empty, dtype=bool)


# Types whose equal values parse alike, so one cell can stand for every cell of its type equal
# to it: what a spreadsheet engine gives for a cell. A cell of any other type stands for itself
# only (two equal pd.Timestamps can carry different units, which pandas' conversions keep).
_FOLDABLE = frozenset(
    {type(None), bool, int, float, str, CellError, dt.date, dt.datetime, dt.time, dt.timedelta}
)
# Types whose values pd.factorize may count as one value across types: True == 1 == 1.0, None
# and NaN are both missing, and a CellError is a str ('#REF!' == CellError('#REF!')).
_EQUAL_ACROSS_TYPES = (frozenset({type(None), bool, int, float}), frozenset({str, CellError}))


def _distinct(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct cells of a column (one cell of each distinct value, as found in it) and,
    for every cell, the index of its value among them.

    Cells count as equal only when their types are too, and only when equal values of that type
    parse alike (``_stands_for_equals``); any other cell is a value of its own."""
    kinds = set(map(type, cells))
    try:
        distinct, codes = _group(cells, kinds)
    except TypeError:  # unhashable: no spreadsheet engine gives one, but never fail on it
        return cells, np.arange(len(cells))
    alone = _alone(distinct, kinds)
    if alone.any():
        loners = np.flatnonzero(alone[codes])
        codes[loners] = len(distinct) + np.arange(len(loners))
        distinct = np.concatenate([distinct, cells[loners]])
    return distinct, codes


def _group(cells: np.ndarray, kinds: set[type]) -> tuple[np.ndarray, np.ndarray]:
    """``_distinct`` before the cells that stand alone are taken out.

    pd.factorize counts equal values as one whatever their types, and gives the first cell of
    each value. The types (``kinds``: those in the column) are worked in only when two of them
    can hold equal values or one is not foldable, which is rare: a per-cell type code then
    splits each value by type. A missing value (None, NaN) is numbered last."""
    codes, distinct = pd.factorize(cells)
    missing = codes < 0
    if missing.any():
        codes[missing] = len(distinct)
        distinct = np.concatenate([distinct, cells[[np.argmax(missing)]]])
    if kinds <= _FOLDABLE and all(len(kinds & same) <= 1 for same in _EQUAL_ACROSS_TYPES):
        return distinct, codes
    number = {kind: i for i, kind in enumerate(kinds)}
    kind_codes = np.fromiter(map(number.__getitem__, map(type, cells)), np.intp, len(cells))
    codes = pd.factorize(codes * len(kinds) + kind_codes)[0]
    return cells[_first_positions(codes)], codes


def _first_positions(codes: np.ndarray) -> np.ndarray:
    """Where each code first appears, for codes numbered in order of first appearance (as
    pd.factorize numbers them): where their running maximum goes up."""
    return np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)


def _stands_for_equals(value: object) -> bool:
    """Whether every cell of ``value``'s type that equals it parses as it does.

    Not so for 0.0 and -0.0 (a number column keeps the sign), nor for a datetime or time with a
    time zone (equal instants, but the parsers read the wall-clock time), nor for the types
    outside ``_FOLDABLE``."""
    kind = type(value)
    if kind is float:
        return value != 0.0
    if kind is dt.datetime or kind is dt.time:
        return value.tzinfo is None
    return kind in _FOLDABLE


def _alone(distinct: np.ndarray, kinds: set[type]) -> np.ndarray:
    """Which of the distinct cells stand for no other cell (``_stands_for_equals`` is false).

    Of the foldable types only a float (its zero) and a datetime or time can; so a column
    without those needs no look at all, and one with floats only a look at its zeros."""
    suspects: np.ndarray | range
    if kinds <= _FOLDABLE - {float, dt.datetime, dt.time}:
        suspects = range(0)
    elif kinds <= _FOLDABLE - {dt.datetime, dt.time}:
        suspects = np.flatnonzero(distinct == 0.0)
    else:
        suspects = range(len(distinct))
    alone = np.zeros(len(distinct), dtype=bool)
    for i in suspects:
        alone[i] = not _stands_for_equals(distinct[i])
    return alone


# Columns of at most this many cells are read cell by cell, longer ones one cell per distinct
# value (``_by_distinct_value``): below it, grouping the values costs more than it saves.
READ_EACH = 64

# What a per-value parser gives for an array of cells: the typed values (a numpy array, or a
# BooleanArray) and the mask of the cells holding something but nothing valid.
Read = tuple[np.ndarray | pd.api.extensions.ExtensionArray, np.ndarray]


def _by_distinct_value(
    raw: pd.Series,
    col: Column | None,
    read: Callable[[np.ndarray, Column | None], Read],
    named: bool = False,
) -> ParsedColumn:
    """``read`` run on one cell of each distinct value of ``raw``, its results copied to the
    other cells, as the typed Series (named like ``raw`` when ``named``) and the bad mask.

    Every parser reads each cell on its own, so a cell's result depends on its value alone; and a
    column of 50,000 cells holds a handful of choices, ~100 dates, ~2,000 IDs. Reading those and
    copying by position is far cheaper than any loop over the cells. A short column (a small
    team's tab, a Staff list) is read cell by cell: finding its distinct values would cost more
    than reading them all, and the result is the same either way."""
    typed, bad = _read_cells(raw.to_numpy(dtype=object), col, read)
    name = raw.name if named else None
    return (  # the arrays are new: no copy (pandas would copy a numpy array by default)
        pd.Series(typed, index=raw.index, name=name, dtype=typed.dtype, copy=False),
        pd.Series(bad, index=raw.index, copy=False),
    )


def _read_cells(
    cells: np.ndarray, col: Column | None, read: Callable[[np.ndarray, Column | None], Read]
) -> Read:
    """``_by_distinct_value``'s typed values and bad mask as arrays, from an object array."""
    if len(cells) > READ_EACH:
        distinct, codes = _distinct(cells)
        typed, bad = read(distinct, col)
        return typed.take(codes), bad.take(codes)
    return read(cells, col)


def parse_text(raw: pd.Series, col: Column | None = None) -> ParsedColumn:
    """Text as typed, stripped; whole numbers lose Excel's '.0' (ID 1023, not 1023.0)."""
    return _by_distinct_value(raw, col, _read_text)


def _read_text(cells: np.ndarray, col: Column | None) -> Read:
    # text is stripped, blank text and formula errors are None, other values read as
    # _number_text; a formula never computed is None too, and bad
    text = [
        None
        if missing
        else ((value.strip() or None) if value.isprintable() else _clean_text(value))
        if type(value) is str
        else None
        if isinstance(value, CellError)
        else _number_text(value)
        for value, missing in zip(cells, pd.isna(cells).tolist(), strict=True)
    ]
    uncomputed = [type(value) is Uncomputed for value in cells]
    return np.array(text, dtype=object), np.array(uncomputed, dtype=bool)


def _clean_text(value: str) -> str | None:
    """Stripped text, without the characters Excel shows as nothing: line breaks, tabs and
    other spaces (a non-breaking space) become spaces; other controls, bidirectional overrides
    and the invisible format characters (a zero-width space, a byte-order mark, a soft hyphen)
    go. An ID pasted from a web form or an e-mail is the ID a person sees, and no rule's message
    can carry an escape sequence to a terminal. The raw value keeps them (``display`` shows them
    escaped)."""
    if not value.isprintable():
        value = "".join(" " if ch.isspace() else "" if _hidden(ch) else ch for ch in value)
    return value.strip() or None


def _hidden(ch: str) -> bool:
    return ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < MAX_MAGNITUDE:
        return str(int(value))  # 1e308 stays "1e+308", not 309 digits
    if isinstance(value, (dt.datetime, pd.Timestamp)) and _is_midnight(value):
        return value.isoformat()[:10]  # strftime drops the year's zeros before 1000
    return str(value)


def _is_midnight(value: dt.datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)


def parse_date(raw: pd.Series, col: Column | None = None) -> ParsedColumn:
    """Real Excel dates, ISO strings (2026-07-01) and US strings (7/1/2026); nothing else."""
    return _by_distinct_value(raw, col, _read_date)


def _read_date(cells: np.ndarray, col: Column | None) -> Read:
    # one pass sorts the cells: real dates and each kind of date text, each converted together
    # below
    at, found, iso_at, iso, us_at, us = [], [], [], [], [], []
    for i, value in enumerate(cells):
        kind = type(value)
        if kind is str:
            text = value.strip()
            if _ISO_MATCH(text):
                iso_at.append(i)
                iso.append(text[:10])
            elif _US_MATCH(text):
                us_at.append(i)
                us.append(text)
        elif kind in _DATE_TYPES:
            at.append(i)
            found.append(value if kind is dt.date else _as_datetime(value))
    days = np.full(len(cells), np.datetime64("NaT"), dtype=DATE_DTYPE)
    if at:
        days[at] = _midnights(found)
    if iso_at:
        days[iso_at] = _strptime(iso, "%Y-%m-%d")
    if us_at:
        days[us_at] = _strptime(us, "%m/%d/%Y")
    return days, np.isnat(days) & ~_blank(cells)


def _midnights(found: list[dt.date]) -> np.ndarray:
    """Each date, or datetime without its time of day (a pd.Timestamp is one), by its day
    number: what pandas' to_datetime + normalize gives, at a fraction of its cost, and for any
    year a cell can hold (pandas 2.1 refuses a year past 2262 beside a Timestamp)."""
    days = np.array([value.toordinal() for value in found], dtype=np.int64) - _EPOCH_DAY
    return days.astype("datetime64[D]").astype(DATE_DTYPE)


def _strptime(texts: list[str], form: str) -> np.ndarray:
    """Dates read from ``texts`` by ``form``; NaT where a text names no such date (2/30).

    A few texts (a date typed as text here and there) are read by Python, which for them
    costs a fraction of pandas' call and reads every date it accepts as pandas does; when it
    refuses one (2/30, or year 0, which pandas takes), pandas reads them all, as it does many."""
    if len(texts) <= READ_EACH:
        try:
            return _midnights([dt.datetime.strptime(text, form) for text in texts])
        except ValueError:
            pass
    return pd.to_datetime(texts, format=form, errors="coerce").to_numpy().astype(DATE_DTYPE)


def _as_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime(value.year, value.month, value.day)


_NUMBER_TYPES = (int, float, np.int64, np.float64)


def _to_float(cells: np.ndarray) -> np.ndarray:
    """Numbers, and numbers stored as text ('12', '$12.50', '1,200', '17,50'); bools are not
    numbers. A comma in a text is a thousands separator where it groups thousands, and a
    decimal separator where it can only be one (``_THOUSANDS``, ``_DECIMAL_COMMA``): 1,750 is
    1750 and 17,50 is 17.5; a text whose commas fit neither is no number, never a number scaled
    by a hundred.

    NaN, infinities and magnitudes past ``MAX_MAGNITUDE`` are no numbers a person entered: they
    come out NaN, so the cell is reported instead of poisoning sums downstream."""
    kinds = [type(value) for value in cells]
    out = np.full(len(cells), np.nan)
    number_at = [i for i, kind in enumerate(kinds) if kind in _NUMBER_TYPES]
    if number_at:
        out[number_at] = cells[number_at].astype("float64")
    text_at = [i for i, kind in enumerate(kinds) if kind is str]
    if text_at:
        text = pd.Series(cells[text_at], dtype=object)
        text = text.str.replace(_NUMBER_STRIP, "", regex=True).str.rstrip("%")
        if text.str.contains(",", regex=False).any():
            text = _commas_read(text)
        out[text_at] = np.asarray(pd.to_numeric(text, errors="coerce"), dtype="float64")
    return np.where(np.isfinite(out) & (np.abs(out) <= MAX_MAGNITUDE), out, np.nan)


def _commas_read(text: pd.Series) -> pd.Series:
    """Texts with their commas read (see ``_to_float``): thousands separators dropped, a
    decimal comma made a point (and the dots grouping its thousands dropped), and any other
    text with a comma made NaN."""
    thousands = text.str.fullmatch(_THOUSANDS).fillna(False)
    decimal = text.str.fullmatch(_DECIMAL_COMMA).fillna(False) & ~thousands
    comma = text.str.contains(",", regex=False).fillna(False)
    read = text.where(~thousands, text.str.replace(",", "", regex=False))
    read = read.where(
        ~decimal, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    return read.where(~comma | thousands | decimal, np.nan)


def _out_of_range(values: np.ndarray, col: Column | None) -> np.ndarray:
    bad = np.zeros(len(values), dtype=bool)
    if col is None:
        return bad
    if col.minimum is not None:
        bad |= (values <= col.minimum) if col.minimum_exclusive else (values < col.minimum)
    if col.maximum is not None:
        bad |= values > col.maximum
    return bad


def parse_number(raw: pd.Series, col: Column | None = None) -> ParsedColumn:
    """A number within the column's range; out-of-range values are reported and not used."""
    return _by_distinct_value(raw, col, _read_number)


def _read_number(cells: np.ndarray, col: Column | None) -> Read:
    return _checked(_to_float(cells), cells, col)


def parse_percent(raw: pd.Series, col: Column | None = None) -> ParsedColumn:
    """A percentage on 0..100; a value in 0..1 is a fraction formatted as a percent in Excel."""
    return _by_distinct_value(raw, col, _read_percent)


def _read_percent(cells: np.ndarray, col: Column | None) -> Read:
    values = _to_float(cells)
    return _checked(np.where((values >= 0) & (values <= 1), values * 100, values), cells, col)


def _checked(values: np.ndarray, cells: np.ndarray, col: Column | None) -> Read:
    """The numbers read from ``cells`` without those that are none or out of range, and the
    mask of those cells (blank ones excepted)."""
    bad = (np.isnan(values) & ~_blank(cells)) | _out_of_range(values, col)
    return np.where(bad, np.nan, values), bad


_YES = {std.fold(w) for w in std.YES_WORDS}
_NO = {std.fold(w) for w in std.NO_WORDS}


def parse_yesno(raw: pd.Series, col: Column | None = None) -> ParsedColumn:
    """Y/N/Yes/No/True/False/1/0 in any case; real booleans too."""
    return _by_distinct_value(raw, col, _read_yesno)


def _read_yesno(cells: np.ndarray, col: Column | None) -> Read:
    answers = [_yes_no(value) for value in cells]
    known = np.array([a is not None for a in answers], dtype=bool)
    said = np.array([a is True for a in answers], dtype=bool)
    return pd.arrays.BooleanArray(said, ~known), ~known & ~_blank(cells)


def _yes_no(value: object) -> bool | None:
    folded = _fold_value(value)
    return False if folded in _NO else True if folded in _YES else None


def _fold_value(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, CellError):
        return "#error"  # folds to nothing any yes/no word or choice folds to
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return std.fold(value)


def parse_choice(raw: pd.Series, col: Column | None = None) -> ParsedColumn:
    """One of the column's choices, in any case and spacing, or a known other spelling."""
    return _by_distinct_value(raw, col, _read_choice, named=True)


def _read_choice(cells: np.ndarray, col: Column | None) -> Read:
    lookup = std.choice_lookup(col) if col is not None else {}
    choices = [lookup.get(_fold_value(value)) for value in cells]
    unknown = np.array([choice is None for choice in choices], dtype=bool)
    return np.array(choices, dtype=object), unknown & ~_blank(cells)


PARSERS: dict[str, Callable[[pd.Series, Column | None], ParsedColumn]] = {
    std.TEXT: parse_text,
    std.DATE: parse_date,
    std.NUMBER: parse_number,
    std.PERCENT: parse_percent,
    std.YESNO: parse_yesno,
    std.CHOICE: parse_choice,
}

EMPTY_DTYPES = {
    std.TEXT: object,
    std.DATE: DATE_DTYPE,
    std.NUMBER: "float64",
    std.PERCENT: "float64",
    std.YESNO: "boolean",
    std.CHOICE: object,
}


def parse(raw: pd.Series, col: Column) -> ParsedColumn:
    """Parse one column by its standard type."""
    return PARSERS[col.type](raw, col)


READERS: dict[str, Callable[[np.ndarray, Column | None], Read]] = {
    std.TEXT: _read_text,
    std.DATE: _read_date,
    std.NUMBER: _read_number,
    std.PERCENT: _read_percent,
    std.YESNO: _read_yesno,
    std.CHOICE: _read_choice,
}


def parse_arrays(cells: np.ndarray, col: Column) -> Read:
    """``parse`` of a column's cells (an object array) as arrays (the typed values, the bad
    mask), for a caller that builds a frame of many columns at once and would only take the
    arrays out of Series again."""
    return _read_cells(cells, col, READERS[col.type])


def display(value: object) -> str:
    """A raw cell value as a person would read it in a message: one line, printable, short."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NaT:
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        text = value.isoformat()[:10]
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = _number_text(value)
    return _printable(text)


# Characters shown as escapes in messages: controls (a terminal obeys ESC sequences), line and
# paragraph separators, and the bidirectional overrides that can make text read backwards.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _escape(ch: str) -> str:
    if _hidden(ch):
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
    return ch


def _printable(text: str) -> str:
    if len(text) > DISPLAY_CHARS:
        text = f"{text[:DISPLAY_CHARS]}... ({len(text):,} characters)"
    if text.isprintable():
        return text
    return "".join(_escape(ch) for ch in text)
