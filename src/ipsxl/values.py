"""Turn raw cell values into typed columns, one parser per type of the standard.

Each parser takes a column of raw values (whatever the spreadsheet engine gave: str, int,
float, bool, date, datetime, None) and returns the typed column and a mask of the cells that
hold something but not something valid. Blank cells are never "bad": whether a blank is allowed
is the missing-value rule's business. Nothing is guessed: a value either reads one of the
accepted ways or is reported.
"""

from __future__ import annotations

import datetime as dt
import math
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


def blank_mask(raw: pd.Series) -> pd.Series:
    """Cells with nothing in them: None, NaN, or only spaces."""
    isna = raw.isna()
    is_str = raw.map(type) == str  # noqa: E721 - exact type, not subclasses
    empty_str = pd.Series(False, index=raw.index)
    if is_str.any():
        empty_str[is_str] = raw[is_str].str.strip() == ""
    return isna | empty_str


def _kinds(raw: pd.Series) -> pd.Series:
    return raw.map(type)


def parse_text(raw: pd.Series, col: Column | None = None) -> Parsed:
    """Text as typed, stripped; whole numbers lose Excel's '.0' (ID 1023, not 1023.0)."""
    kinds = _kinds(raw)
    out = pd.Series(None, index=raw.index, dtype=object)
    is_str = kinds == str  # noqa: E721
    out[is_str] = raw[is_str].str.strip()
    other = ~is_str & raw.notna()
    if other.any():
        out[other] = raw[other].map(_number_text)
    out[blank_mask(raw)] = None
    return out, pd.Series(False, index=raw.index)


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, pd.Timestamp)) and value == pd.Timestamp(value).normalize():
        return value.strftime("%Y-%m-%d")
    return str(value)


def parse_date(raw: pd.Series, col: Column | None = None) -> Parsed:
    """Real Excel dates, ISO strings (2026-07-01) and US strings (7/1/2026); nothing else."""
    kinds = _kinds(raw)
    out = pd.Series(pd.NaT, index=raw.index, dtype=DATE_DTYPE)
    is_date = kinds.isin(_DATE_TYPES)
    if is_date.any():
        out[is_date] = pd.to_datetime(raw[is_date].map(_as_datetime)).dt.normalize()
    is_str = kinds == str  # noqa: E721
    if is_str.any():
        text = raw[is_str].str.strip()
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
    """Numbers, and numbers stored as text ('12', '$12.50', '1,200'); bools are not numbers."""
    kinds = _kinds(raw)
    out = pd.Series(np.nan, index=raw.index, dtype="float64")
    is_num = kinds.isin((int, float, np.int64, np.float64))
    if is_num.any():
        out[is_num] = raw[is_num].astype("float64")
    is_str = kinds == str  # noqa: E721
    if is_str.any():
        text = raw[is_str].str.replace(_NUMBER_STRIP, "", regex=True).str.rstrip("%")
        out[is_str] = pd.to_numeric(text, errors="coerce")
    return out.where(np.isfinite(out))


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
    folded = raw.map(_fold_value)
    out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    out[folded.isin(_YES)] = True
    out[folded.isin(_NO)] = False
    bad = out.isna() & ~blank_mask(raw)
    return out, bad


def _fold_value(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return std.fold(value)


def parse_choice(raw: pd.Series, col: Column | None = None) -> Parsed:
    """One of the column's choices, in any case and spacing, or a known other spelling."""
    lookup = std.choice_lookup(col) if col is not None else {}
    out = raw.map(_fold_value).map(lookup).astype(object)
    out = out.where(out.notna(), None)
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
    """A raw cell value as a person would read it in a message."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _number_text(value)
