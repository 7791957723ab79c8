"""Worksheet functions: the fidelity figures in any cell, computed by the same core as a report.

A supervisor who wants one figure for one specialist or one month types, say,
``=IPS_CONTACTS_PER_WEEK(EmployerLog[#All], "Ann Lee", DATE(2026,7,1), DATE(2026,9,30))``.
Each table argument is a range whose first row (or one of its first ten rows) is the header, as
on a standard tab; headers are matched by the standard's rules (``read.tables_from_grids``), the
cells parsed by the standard's parsers, and the figure counted by ``fidelity.population``, so it
equals what Validate, Fidelity and the command line report for the same rows and period.

Bad input gives a text starting with ``#IPS:`` that says what is wrong (a missing column, a
date that is not a date), never a Python error in the cell. A figure that cannot be computed
(no active clients, no specialists) is such a text too, since an empty cell would read as zero.

Excel hands a worksheet function only values, not formats: desktop Excel passes date cells as
dates, Excel's custom-functions runtime (xlwings Lite, xlwings Server) as serial numbers, so a
number in a date column is read as an Excel date serial here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import xlwings as xw

from ipsxl.core import scale
from ipsxl.core import standard as std
from ipsxl.core.fidelity import outcomes, population
from ipsxl.core.fidelity.population import Frames
from ipsxl.core.model import Grid, Period
from ipsxl.core.parse import parse_workbook
from ipsxl.core.values import is_blank, parse_date, parse_number, parse_percent
from ipsxl.files.read import tables_from_grids

ERROR_PREFIX = "#IPS: "


class UdfError(ValueError):
    """Input a worksheet function cannot use; the message is what the cell shows."""


# --------------------------------------------------------------------------- the functions
#
# The worksheet functions carry no annotations: in xlwings' custom-function runtimes (Lite,
# Server) an annotation selects a converter for the argument or result, and these take Excel's
# values as they come (a range as rows of values; numbers, dates or text). What each argument
# takes, and what comes back (a number, or an "#IPS:" text), is in the docstrings.


@xw.func
@xw.arg("employer_log", ndim=2)
def IPS_CONTACTS_PER_WEEK(employer_log, specialist, start, end):  # noqa: N802
    """Face-to-face employer contacts a week one employment specialist made in the period.

    ``employer_log`` is the Employer Log with its header row (Date, Employment Specialist,
    Contact Type needed); names match ignoring case and spacing, as in the report.
    """
    try:
        name = _text(specialist, "specialist")
        period = _period(start, end)
        frames = _frames(
            period,
            {std.EMPLOYER_LOG: ("employer_log", employer_log)},
            {std.EMPLOYER_LOG: ("Date", "Employment Specialist", "Contact Type")},
        )
        return population.contacts_per_week(frames.log, period, name)
    except UdfError as exc:
        return _error(exc)


@xw.func
@xw.arg("caseload", ndim=2)
@xw.arg("staff", ndim=2)
def IPS_CASELOAD_SIZE(caseload, staff, start, end):  # noqa: N802
    """Clients active on the period's last day per employment-specialist FTE (IPS-25
    Staffing 1): the caseload carried at the end, which turnover does not inflate.

    ``staff`` may be left empty: then every name in Caseload's Employment Specialist column is
    a specialist with FTE 1.0, as for a workbook without a Staff tab.
    """
    try:
        period = _period(start, end)
        grids = {std.CASELOAD: ("caseload", caseload)}
        needed = {std.CASELOAD: ("Client ID", "Employment Specialist", "Enrollment Date")}
        if not _empty(staff):
            grids[std.STAFF] = ("staff", staff)
            needed[std.STAFF] = ("Name", "Role")
        frames = _frames(period, grids, needed)
        value = population.caseload_size(frames.caseload, frames.staff, period)
        if value is None:
            raise UdfError("no client active on the last day or no employment specialists")
        return value
    except UdfError as exc:
        return _error(exc)


@xw.func
@xw.arg("caseload", ndim=2)
@xw.arg("jobs", ndim=2)
def IPS_EMPLOYMENT_RATE(caseload, jobs, start, end):  # noqa: N802
    """Share (0 to 1) of active clients who held a competitive job on a day of the period."""
    try:
        period = _period(start, end)
        frames = _frames(
            period,
            {std.CASELOAD: ("caseload", caseload), std.JOBS: ("jobs", jobs)},
            {
                std.CASELOAD: ("Client ID", "Enrollment Date"),
                std.JOBS: ("Client ID", "Job Start Date", "Competitive"),
            },
        )
        value = population.employment_rate(frames.caseload, frames.jobs, period)
        if value is None:
            raise UdfError("no active clients in the period")
        return value
    except UdfError as exc:
        return _error(exc)


@xw.func
@xw.arg("caseload", ndim=2)
def IPS_NEW_ENROLLMENTS(caseload, start, end):  # noqa: N802
    """Clients whose Enrollment Date falls in the period (a repeated Client ID counts once)."""
    try:
        period = _period(start, end)
        frames = _frames(
            period,
            {std.CASELOAD: ("caseload", caseload)},
            {std.CASELOAD: ("Client ID", "Enrollment Date")},
        )
        people = population.clients(frames.caseload)
        return int(population.in_period(people["Enrollment Date"], period).sum())
    except UdfError as exc:
        return _error(exc)


@xw.func
@xw.arg("caseload", ndim=2)
@xw.arg("jobs", ndim=2)
def IPS_DAYS_TO_FIRST_JOB(caseload, jobs, start, end):  # noqa: N802
    """Median days from enrollment to the first competitive job, over clients whose first
    competitive job started in the period."""
    try:
        period = _period(start, end)
        frames = _frames(
            period,
            {std.CASELOAD: ("caseload", caseload), std.JOBS: ("jobs", jobs)},
            {
                std.CASELOAD: ("Client ID", "Enrollment Date"),
                std.JOBS: ("Client ID", "Job Start Date", "Competitive"),
            },
        )
        days = outcomes.first_jobs(frames.caseload, frames.jobs, period).dropna()
        if days.empty:
            raise UdfError("no client's first competitive job started in the period")
        return float(days.median())
    except UdfError as exc:
        return _error(exc)


@xw.func
@xw.arg("jobs", ndim=2)
def IPS_RETENTION_90(jobs, start, end):  # noqa: N802
    """Share (0 to 1) of competitive jobs started 90 or more days before the period's end that
    were held at least 90 days."""
    try:
        period = _period(start, end)
        frames = _frames(
            period,
            {std.JOBS: ("jobs", jobs)},
            {std.JOBS: ("Client ID", "Job Start Date", "Competitive")},
        )
        value = outcomes.retention(frames.jobs, period)
        if value is None:
            raise UdfError("no competitive job started 90 or more days before the end")
        return value
    except UdfError as exc:
        return _error(exc)


@xw.func
def IPS_SCORE(item_id, value):  # noqa: N802
    """The 1-5 score of a computed IPS-25 item's value, on the thresholds of fidelity.md as the
    scale words them (20 -> 5, 20.1 -> 4 for caseload size).

    ``item_id`` is an item id such as "caseload_size" or "competitive_jobs". A percentage item
    takes its value as 85 or as 0.85 (a cell formatted as 85%), as the standard reads percents.
    For an indicator (supervisor_ratio, follow_along, work_incentives_planning) it gives the
    score the figure suggests, which the reviewer may take or not: the data never scores those.
    """
    try:
        item = _text(item_id, "item_id").lower().replace(" ", "_")
        band = scale.BANDS_BY_ID.get(item)
        if band is None:
            raise UdfError(f"unknown item '{item}'; one of: {', '.join(scale.BANDS_BY_ID)}")
        parser = parse_percent if band.percent else parse_number
        if is_blank(value):
            raise UdfError("no value to score")
        number = parser(pd.Series([value], dtype=object))[0].iloc[0]
        if pd.isna(number):
            raise UdfError(f"'{value}' is not a number")
        return int(scale.points(item, float(number)))
    except UdfError as exc:
        return _error(exc)


@xw.func
def IPS_BAND(total, scored=None):  # noqa: N802
    """The fidelity band of an IPS-25 total (25-125); "incomplete" while ``scored`` (the number
    of items with a score, 25 when left out) is below 25, as on the Fidelity sheet."""
    try:
        number = _number(total, "total")
        count = scale.ITEM_COUNT if is_blank(scored) else _number(scored, "scored")
        if count != int(count) or not 0 <= count <= scale.ITEM_COUNT:
            raise UdfError(f"scored must be a whole number of items from 0 to {scale.ITEM_COUNT}")
        if count == scale.ITEM_COUNT and not 25 <= number <= 125:
            raise UdfError("a total of all 25 items runs from 25 to 125")
        return scale.fidelity_band(number, int(count))
    except UdfError as exc:
        return _error(exc)


# --------------------------------------------------------------------------- helpers


def _error(exc: Exception) -> str:
    return ERROR_PREFIX + str(exc)


def _empty(grid: Grid | None) -> bool:
    """A range with no value in it (every cell ``is_blank``), or none given."""
    return grid is None or all(is_blank(v) for row in _rows(grid) for v in row)


def _rows(grid: object) -> list[list[object]]:
    """A range argument as rows of values, whatever shape the runtime handed over."""
    if grid is None:
        return []
    if not isinstance(grid, list | tuple):
        return [[grid]]
    return [list(r) if isinstance(r, list | tuple) else [r] for r in grid]


def _text(value: object, name: str) -> str:
    if is_blank(value):
        raise UdfError(f"{name} is empty")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value: object, name: str) -> float:
    if is_blank(value) or isinstance(value, bool):
        raise UdfError(f"{name} is not a number")
    number = parse_number(pd.Series([value], dtype=object))[0].iloc[0]
    if pd.isna(number):
        raise UdfError(f"{name} '{value}' is not a number")
    return float(number)


def _date(value: object, name: str) -> dt.date:
    """A date argument: a date, an Excel date serial, or a text date the standard accepts."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = _serial(value)
    if is_blank(value):
        raise UdfError(f"{name} is empty")
    parsed = parse_date(pd.Series([value], dtype=object))[0].iloc[0]
    if pd.isna(parsed):
        raise UdfError(f"{name} '{value}' is not a date")
    return parsed.date()


def _serial(value: float) -> object:
    """An Excel date serial as a datetime; a number no date can be stays a number."""
    if not 0 < value < 2958466:  # 9999-12-31
        return value
    return xw.to_datetime(value)


def _period(start: object, end: object) -> Period:
    first, last = _date(start, "start"), _date(end, "end")
    if first > last:
        raise UdfError(f"start {first} is after end {last}")
    return Period(first, last)


def _frames(
    period: Period,
    grids: dict[std.Tab, tuple[str, Grid | None]],
    needed: dict[std.Tab, Sequence[str]],
) -> Frames:
    """Typed frames of the table arguments, read and parsed as a workbook's tabs are.

    Every tab handed in must show a header row naming the ``needed`` columns; a number in a date
    column is taken as an Excel date serial (what the custom-functions runtime passes).
    """
    raw = tables_from_grids(
        "worksheet function",
        {tab.name: _serials_in_dates(tab, _rows(grid)) for tab, (_, grid) in grids.items()},
    )
    for tab, (arg, _) in grids.items():
        table = raw.tables.get(tab.name)
        if table is None or not table.positions:
            names = ", ".join(needed.get(tab, ()))
            raise UdfError(f"no header row of the {tab.name} ({names}) in {arg}")
        for column in needed.get(tab, ()):
            if column not in table.positions:
                raise UdfError(f"no '{column}' column in {arg}")
    ctx = parse_workbook(raw, start=period.start, end=period.end)
    return Frames.from_parsed(ctx)


def _serials_in_dates(tab: std.Tab, rows: list[list[object]]) -> list[list[object]]:
    """Rows with numbers under the tab's date headers turned into dates (found as the reader
    finds the header: the first of the first rows that names enough columns)."""
    probe = tables_from_grids("", {tab.name: rows}).tables.get(tab.name)
    if probe is None or not probe.positions:
        return rows
    dates = [
        probe.positions[c.name] - 1
        for c in tab.columns
        if c.type == std.DATE and c.name in probe.positions
    ]
    if not dates:
        return rows
    out = [list(r) for r in rows]
    for row in out[probe.header_row :]:
        for i in dates:
            value = row[i] if i < len(row) else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                row[i] = _serial(value)
    return out
