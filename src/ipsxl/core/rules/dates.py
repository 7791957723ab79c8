"""date-order, future-date, out-of-period: dates that cannot be right as typed.

A date that contradicts another in its row, lies in the future, or falls outside the period the
workbook reports on moves a client in or out of every fidelity figure; most are typos of a
month or year.

- date-order (error): one date in a row comes before another that must precede it. The later
  date in logic is flagged (the end, not the start), since that is usually the one mistyped.
- future-date (warning): after today, in any dated column, since nothing recorded can have
  happened yet. After the period's end (but not after today) only where the date decides that
  the record belongs to this period at all: Referral Date and Enrollment Date in Caseload and
  Job Start Date in Jobs. Dates that follow on from a record in the period (a job's end, a
  closure, a post-start contact, a completed benefits plan, a first employer contact) may fall
  after the period when the workbook is filled in a few weeks later, and are left alone.
  Dates before the period are normal in Caseload and Jobs (clients enrolled and jobs begun
  earlier), and are never flagged.
- out-of-period (warning): an Employer Log or Benefits Referrals row dated outside the period.
  A log row dated after today is future-date instead, so one cell gets one flag.

Without a period (the Program tab lacks it, or it is backwards) only "after today" is judged.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ipsxl.core import codes
from ipsxl.core import standard as std
from ipsxl.core.fidelity.population import day_of, days_of
from ipsxl.core.model import Parsed
from ipsxl.core.rules import flags
from ipsxl.core.rules.identity import has_rows

CODES = codes.family("dates")

# (tab, earlier column, later column): the later date must not come before the earlier one;
# the later column is the one flagged. Pre-Start Contact is the other way round (it must not
# come after the start), so it is listed with the start as "later" and flagged on itself below.
ORDER = (
    (std.CASELOAD.name, "Referral Date", "Enrollment Date"),
    (std.CASELOAD.name, "Enrollment Date", "Closed Date"),
    (std.CASELOAD.name, "Referral Date", "First Employer Contact"),
    (std.JOBS.name, "Job Start Date", "Job End Date"),
    (std.JOBS.name, "Job Start Date", "Post-Start Contact"),
    (std.BENEFITS_REFERRALS.name, "Referral Date", "Completed Date"),
)
# (tab, column, must not be after this column): flagged on the first column
NOT_AFTER = ((std.JOBS.name, "Pre-Start Contact", "Job Start Date"),)

# log dates judged against the period by out-of-period
LOG_DATES = ((std.EMPLOYER_LOG.name, "Date"), (std.BENEFITS_REFERRALS.name, "Referral Date"))
# dates that place a record in the period: after its end, the record is not this period's
PERIOD_DATES = (
    (std.CASELOAD.name, "Referral Date"),
    (std.CASELOAD.name, "Enrollment Date"),
    (std.JOBS.name, "Job Start Date"),
)

DATE_TABS = (std.CASELOAD, std.JOBS, std.EMPLOYER_LOG, std.BENEFITS_REFERRALS)


def iso(dates: pd.Series) -> pd.Series:
    """Dates as ISO text for messages (empty where NaT)."""
    days = dates.to_numpy()
    if days.dtype.kind != "M":
        return dates.dt.strftime("%Y-%m-%d").fillna("")
    return pd.Series(iso_texts(days), index=dates.index, dtype=object)


def iso_texts(days: np.ndarray) -> list[str]:
    """Dates (a datetime64 array) as ISO text, as ``iso`` writes them: numpy writes the day
    of a datetime64 directly, where pandas' strftime makes a Timestamp of each first."""
    text = np.datetime_as_string(days, unit="D").tolist()
    return ["" if missing else day for day, missing in zip(text, np.isnat(days), strict=True)]


def day(value: dt.date) -> pd.Timestamp:
    """A date as the Timestamp the typed frames compare with."""
    return pd.Timestamp(value)


def _days(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A date column as an array: each rule first asks whether any row breaks it, and numpy
    answers that for a fraction of what pandas' comparisons cost; pandas builds the messages
    of the few rows that do."""
    return days_of(frame[column])


def _order(ctx: Parsed) -> list[pd.DataFrame]:
    found = []
    for tab, earlier, later in ORDER:
        if not has_rows(ctx, tab, earlier, later):
            continue
        frame = ctx.frames[tab]
        wrong = _days(frame, later) < _days(frame, earlier)
        if not wrong.any():
            continue  # most columns of most workbooks: no 50,000 messages for nothing
        wrong = pd.Series(wrong, index=frame.index)
        rows = frame[wrong]  # texts for the flagged rows only
        message = (
            f"{later} "
            + iso(rows[later])
            + f" is before {earlier} "
            + iso(rows[earlier])
            + ": correct whichever date is wrong"
        )
        found.append(flags.cells(ctx, tab, wrong, later, codes.DATE_ORDER, message))
    for tab, column, limit in NOT_AFTER:
        if not has_rows(ctx, tab, column, limit):
            continue
        frame = ctx.frames[tab]
        wrong = _days(frame, column) > _days(frame, limit)
        if not wrong.any():
            continue
        wrong = pd.Series(wrong, index=frame.index)
        rows = frame[wrong]
        message = (
            f"{column} "
            + iso(rows[column])
            + f" is after {limit} "
            + iso(rows[limit])
            + f": {column} is the last meeting before the start; correct the date"
        )
        found.append(flags.cells(ctx, tab, wrong, column, codes.DATE_ORDER, message))
    return found


def _program_order(ctx: Parsed) -> list[pd.DataFrame]:
    """Period End before Period Start on the Program tab (the period is then unusable)."""
    start, end = ctx.program.get("Period Start"), ctx.program.get("Period End")
    if start is None or end is None or not end < start:
        return []
    fields = ctx.raw[std.PROGRAM.name]
    row = fields.at["Period End", "row"]
    message = (
        f"Period End {day(end):%Y-%m-%d} is before Period Start {day(start):%Y-%m-%d}: correct"
        " the period (period figures and rules are skipped until then)"
    )
    return [
        flags.tab(
            ctx,
            std.PROGRAM.name,
            codes.DATE_ORDER,
            message,
            column="Value",
            row=None if pd.isna(row) else int(row),
            value=fields.at["Period End", "raw"],
        )
    ]


def _future(ctx: Parsed) -> list[pd.DataFrame]:
    today = day(ctx.today)
    end = day(ctx.period.end) if ctx.period is not None else None
    found = []
    for tab in DATE_TABS:
        for col in tab.columns:
            if col.type != std.DATE or not has_rows(ctx, tab.name, col.name):
                continue
            days = _days(ctx.frames[tab.name], col.name)
            period_date = end is not None and (tab.name, col.name) in PERIOD_DATES
            if not ((days > day_of(today)).any() or period_date and (days > day_of(end)).any()):
                continue  # nothing to flag: skip building a message per row
            dates = ctx.frames[tab.name][col.name]
            future = dates > today
            messages = [  # texts for the flagged rows only
                f"{col.name} " + iso(dates[future]) + f" is after today ({today:%Y-%m-%d}):"
                " correct the date; record only what has happened"
            ]
            if period_date:
                late = (dates > end) & ~future
                messages.append(
                    f"{col.name} " + iso(dates[late]) + f" is after the period's end"
                    f" ({end:%Y-%m-%d}): correct the date, or leave the row for the next"
                    " period's workbook"
                )
                future |= late
            message = pd.concat(messages)
            found.append(flags.cells(ctx, tab.name, future, col.name, codes.FUTURE_DATE, message))
    return found


def _out_of_period(ctx: Parsed) -> list[pd.DataFrame]:
    if ctx.period is None:
        return []
    start, end, today = day(ctx.period.start), day(ctx.period.end), day(ctx.today)
    found = []
    for tab, column in LOG_DATES:
        if not has_rows(ctx, tab, column):
            continue
        days = _days(ctx.frames[tab], column)
        outside = ((days < day_of(start)) | (days > day_of(end))) & ~(days > day_of(today))
        if not outside.any():
            continue
        dates = ctx.frames[tab][column]
        outside = pd.Series(outside, index=dates.index)
        dates = dates[outside]  # texts for the flagged rows only
        side = pd.Series("after", index=dates.index).where(dates > end, "before")
        message = (
            f"{column} " + iso(dates) + " is " + side + f" the period ({start:%Y-%m-%d} to"
            f" {end:%Y-%m-%d}): correct the date, or move the row to that period's workbook"
        )
        found.append(flags.cells(ctx, tab, outside, column, codes.OUT_OF_PERIOD, message))
    return found


def check(ctx: Parsed) -> pd.DataFrame:
    return flags.concat(_order(ctx) + _program_order(ctx) + _future(ctx) + _out_of_period(ctx))
