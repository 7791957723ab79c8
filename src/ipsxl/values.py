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
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from ipsxl import standard as std
from ipsxl.standard import Column

DATE_DTYPE = "datetime64[us]"
_ISO = r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_US = r"^\d{1,2}/\d{1,2}/\d{4}$"
_DATE_TYPES = (dt.date, dt.datetime, pd.Timestamp)
_NUMBER_STRIP = r"[\s,$]"

Parsed = tuple[pd.Series, pd.Series]

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


def is_error(raw: pd.Series) -> pd.Series:
    """Cells holding a formula's error result."""
    return raw.map(type) == CellError


def blank_mask(raw: pd.Series) -> pd.Series:
    """Cells with nothing in them: None, NaN, or only spaces."""
    # one pass of plain Python over the cells: far cheaper than pandas' per-cell map + .str
    empty = [type(v) is str and not v.strip() for v in raw.to_numpy(dtype=object)]
    return raw.isna() | pd.Series(empty, index=raw.index, dtype=bool)


def _per_value(raw: pd.Series, func: Callable[[object], object]) -> list[object]:
    """``func`` of every cell, worked out once per distinct value: a column of 50,000 cells
    holds a handful of spellings, and folding each costs a regular expression. Values count as
    the same only when their types are too (``True``, ``1`` and ``1.0`` are equal in Python)."""
    seen: dict[tuple[type, object], object] = {}
    out = []
    for value in raw.to_numpy(dtype=object):
        key = (type(value), value)
        try:
            result = seen[key]
        except KeyError:
            result = seen[key] = func(value)
        except TypeError:  # unhashable: no spreadsheet engine gives one, but never fail on it
            result = func(value)
        out.append(result)
    return out


def _kinds(raw: pd.Series) -> pd.Series:
    return raw.map(type)


def parse_text(raw: pd.Series, col: Column | None = None) -> Parsed:
    """Text as typed, stripped; whole numbers lose Excel's '.0' (ID 1023, not 1023.0)."""
    # one pass over the cells (what pandas' masks, .str and map did in several): text is
    # stripped, blank text and formula errors are None, other values read as _number_text
    text = [
        None if missing
        else ((value.strip() or None) if value.isprintable() else _clean_text(value))
        if type(value) is str
        else None if type(value) is CellError
        else _number_text(value)
        for value, missing in zip(raw.to_numpy(dtype=object), raw.isna().to_numpy().tolist(),
                                  strict=True)
    ]
    return pd.Series(text, index=raw.index, dtype=object), pd.Series(False, index=raw.index)


def _clean_text(value: str) -> str | None:
    """Stripped text, without the characters Excel shows as nothing: line breaks and tabs
    become spaces, other controls and bidirectional overrides go. An ID pasted with a stray
    control character is the ID a person sees, and no rule's message can carry an escape
    sequence to a terminal. The raw value keeps them (``display`` shows them escaped)."""
    if not value.isprintable():
        value = "".join(" " if ch.isspace() else "" if _hidden(ch) else ch for ch in value)
    return value.strip() or None


def _hidden(ch: str) -> bool:
    return ch in _BIDI or unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs")


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < MAX_MAGNITUDE:
        return str(int(value))  # 1e308 stays "1e+308", not 309 digits
    if isinstance(value, (dt.datetime, pd.Timestamp)) and _is_midnight(value):
        return value.isoformat()[:10]  # strftime drops the year's zeros before 1000
    return str(value)


def _is_midnight(value: dt.datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)


def parse_date(raw: pd.Series, col: Column | None = None) -> Parsed:
    """Real Excel dates, ISO strings (2026-07-01) and US strings (7/1/2026); nothing else."""
    # one pass sorts the cells: real dates (converted together below), text, and the rest
    at, found, text_at = [], [], []
    for i, value in enumerate(raw.to_numpy(dtype=object)):
        kind = type(value)
        if kind is str:
            text_at.append(i)
        elif kind in _DATE_TYPES:
            at.append(i)
            found.append(value if kind is dt.date else _as_datetime(value))
    days = np.full(len(raw), np.datetime64("NaT"), dtype=DATE_DTYPE)
    if at:
        days[at] = pd.to_datetime(found).normalize().to_numpy().astype(DATE_DTYPE)
    out = pd.Series(days, index=raw.index)
    if text_at:
        text = raw.iloc[text_at].str.strip()
        iso = text.str.match(_ISO)
        out[iso[iso].index] = pd.to_datetime(
            text[iso].str[:10], format="%Y-%m-%d", errors="coerce"
        ).astype(DATE_DTYPE)
        us = text.str.match(_US)
        out[us[us].index] = pd.to_datetime(
            text[us], format="%m/%d/%Y", errors="coerce"
        ).astype(DATE_DTYPE)
    bad = out.isna() & ~blank_mask(raw)
    return out, bad


def _as_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime(value.year, value.month, value.day)


def _to_float(raw: pd.Series) -> pd.Series:
    """Numbers, and numbers stored as text ('12', '$12.50', '1,200'); bools are not numbers.

    NaN, infinities and magnitudes past ``MAX_MAGNITUDE`` are no numbers a person entered: they
    come out NaN, so the cell is reported instead of poisoning sums downstream."""
    kinds = _kinds(raw)
    out = pd.Series(np.nan, index=raw.index, dtype="float64")
    is_num = kinds.isin((int, float, np.int64, np.float64))
    if is_num.any():
        out[is_num] = raw[is_num].astype("float64")
    is_str = kinds == str  # noqa: E721
    if is_str.any():
        text = raw[is_str].str.replace(_NUMBER_STRIP, "", regex=True).str.rstrip("%")
        out[is_str] = pd.to_numeric(text, errors="coerce")
    return out.where(np.isfinite(out) & (out.abs() <= MAX_MAGNITUDE))


def _out_of_range(values: pd.Series, col: Column | None) -> pd.Series:
    bad = pd.Series(False, index=values.index)
    if col is None:
        return bad
    if col.minimum is not None:
        bad |= (values <= col.minimum) if col.minimum_exclusive else (values < col.minimum)
    if col.maximum is not None:
        bad |= values > col.maximum
    return bad.fillna(False)


def parse_number(raw: pd.Series, col: Column | None = None) -> Parsed:
    """A number within the column's range; out-of-range values are reported and not used."""
    values = _to_float(raw)
    bad = (values.isna() & ~blank_mask(raw)) | _out_of_range(values, col)
    return values.where(~bad), bad


def parse_percent(raw: pd.Series, col: Column | None = None) -> Parsed:
    """A percentage on 0..100; a value in 0..1 is a fraction formatted as a percent in Excel."""
    values = _to_float(raw)
    values = values.where(~values.between(0, 1), values * 100)
    bad = (values.isna() & ~blank_mask(raw)) | _out_of_range(values, col)
    return values.where(~bad), bad


_YES = {std.fold(w) for w in std.YES_WORDS}
_NO = {std.fold(w) for w in std.NO_WORDS}


def parse_yesno(raw: pd.Series, col: Column | None = None) -> Parsed:
    """Y/N/Yes/No/True/False/1/0 in any case; real booleans too."""
    answers = _per_value(raw, _yes_no)
    known = np.array([a is not None for a in answers], dtype=bool)
    said = np.array([a is True for a in answers], dtype=bool)
    out = pd.Series(pd.arrays.BooleanArray(said, ~known), index=raw.index)
    bad = out.isna() & ~blank_mask(raw)
    return out, bad


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


def parse_choice(raw: pd.Series, col: Column | None = None) -> Parsed:
    """One of the column's choices, in any case and spacing, or a known other spelling."""
    lookup = std.choice_lookup(col) if col is not None else {}
    choices = _per_value(raw, lambda value: lookup.get(_fold_value(value)))
    out = pd.Series(choices, index=raw.index, dtype=object, name=raw.name)
    bad = out.isna() & ~blank_mask(raw)
    return out, bad


PARSERS: dict[str, Callable[[pd.Series, Column | None], Parsed]] = {
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


def parse(raw: pd.Series, col: Column) -> Parsed:
    """Parse one column by its standard type."""
    return PARSERS[col.type](raw, col)


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
