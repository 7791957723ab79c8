"""The program's outcome figures (fidelity.md, Outcomes), as the JSON report gives them.

Counts are ints, rates fractions rounded to 3 places, ``mean_hours`` and ``days_to_first_job``
to one place and wages to cents; ``job_endings`` and ``closures`` map a reason to a count (a
blank reason under ``NOT_RECORDED``). A figure whose tab is missing, or that has nothing to
average or divide by, is None: a missing Jobs tab does not mean no one works.

Decisions where fidelity.md is silent: ``first_jobs`` looks at the competitive jobs the Jobs tab
holds (it lists jobs held in the period, so a first job ended long before is not there; a client
whose earliest listed start falls in the period is counted); a first job dated before the
client's enrollment counts 0 days to it. Job endings count every job, competitive or not, since
an ending is support the client may need either way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipsxl.core import scale
from ipsxl.core import standard as std
from ipsxl.core.fidelity import population as pop
from ipsxl.core.fidelity.population import Frames
from ipsxl.core.model import NOT_RECORDED, OUTCOME_KEYS, Outcomes, Period

# the outcome figures (the keys of ``Outcomes`` but the employment rate's note)
OUTCOME_IDS = tuple(key for key in OUTCOME_KEYS if key != "employment_rate_note")
_END_REASONS = std.JOBS.column("End Reason").choices


def rate(part: int | None, whole: int | None) -> float | None:
    """``part / whole`` as a fraction rounded to 3 places; None when either is unknown or the
    whole is 0."""
    if part is None or not whole:
        return None
    return round(part / whole, 3)


def mean_of(values: pd.Series, places: int) -> float | None:
    """Mean of the non-blank values, rounded; None when there are none."""
    values = values.dropna()
    return None if values.empty else round(float(values.mean()), places)


def median_of(values: pd.Series, places: int) -> float | None:
    """Median of the non-blank values, rounded; None when there are none."""
    values = values.dropna()
    return None if values.empty else round(float(values.median()), places)


def count_yes(values: pd.Series) -> int | None:
    """How many say yes; None when the column is blank throughout (no data, not zero)."""
    return int(pop.yes(values).sum()) if values.notna().any() else None


def by_reason(reasons: pd.Series, order: tuple[str, ...] = ()) -> dict[str, int]:
    """Counts per reason: the listed reasons first in their order, then others by count; a
    blank reason counts under ``NOT_RECORDED``."""
    cells = reasons.to_numpy(dtype=object)
    counts = pd.Series(np.where(pd.isna(cells), NOT_RECORDED, cells), dtype=object).value_counts()
    listed = [r for r in order if r in counts.index]
    others = [r for r in counts.index if r not in order]
    return {str(r): int(counts[r]) for r in [*listed, *others]}


def quarter_note(period: Period) -> str | None:
    """The note beside the employment rate when the period is not about a quarter, since the
    benchmarks are quarterly figures."""
    low, high = scale.QUARTER_DAYS
    if low <= period.days <= high:
        return None
    return (
        f"the period is {period.days} days, not about a quarter ({low}-{high} days): the"
        " employment-rate benchmarks are quarterly figures, so compare with care"
    )


def outcomes(frames: Frames, period: Period | None) -> Outcomes:
    """The outcome figures of a workbook for the period (all None without a period)."""
    figures: Outcomes = dict.fromkeys(OUTCOME_KEYS)
    if period is None:
        return figures
    figures["employment_rate_note"] = quarter_note(period)
    active = None
    if frames.caseload is not None:
        people = pop.clients(frames.caseload)
        active = pop.active_clients(frames.caseload, period)
        figures["active_clients"] = len(active)
        figures["in_education"] = count_yes(active["In Education"])
        enrolled = pop.in_period_mask(people["Enrollment Date"], period)
        figures["new_enrollments"] = int(enrolled.sum())
        closed = pop.in_period_mask(people["Closed Date"], period)
        figures["closures"] = by_reason(people["Closure Reason"][closed])
    if frames.jobs is not None:
        # each figure reads a column or two of the jobs it counts, so those are picked by a
        # mask from the column rather than by filtering every column of the jobs
        jobs = frames.jobs
        starts = pop.job_starts(jobs, period)
        figures["job_starts"] = len(starts)
        competitive_starts = pop.said_yes(starts["Competitive"])
        figures["clients_with_job_start"] = int(starts[pop.CLIENT_ID][competitive_starts].nunique())
        held = pop.jobs_held(jobs, period)
        competitive = pop.said_yes(held["Competitive"])
        figures["mean_hours"] = mean_of(held["Hours Per Week"][competitive], 1)
        figures["mean_wage"] = mean_of(held["Hourly Wage"][competitive], 2)
        figures["median_wage"] = median_of(held["Hourly Wage"][competitive], 2)
        ended = pop.in_period_mask(jobs["Job End Date"], period)
        figures["job_endings"] = by_reason(jobs["End Reason"][ended], _END_REASONS)
        figures["retention_90"] = retention(jobs, period)
        if active is not None:
            figures["employed_clients"] = int(pop.employed(active, jobs, period).sum())
        if frames.caseload is not None:
            firsts = first_jobs(frames.caseload, jobs, period)
            figures["first_jobs"] = len(firsts)
            figures["days_to_first_job"] = median_of(firsts, 1)
    figures["employment_rate"] = rate(figures["employed_clients"], figures["active_clients"])
    return figures


def first_jobs(caseload: pd.DataFrame, jobs: pd.DataFrame, period: Period) -> pd.Series:
    """Per Caseload client whose first competitive job (earliest Job Start Date) falls in the
    period: the days from enrollment to it (NaN without an Enrollment Date; 0 for a start
    before it)."""
    people = pop.clients(caseload)
    known = people[pop.CLIENT_ID].notna().to_numpy()
    enrolled = pd.Series(  # Client ID -> Enrollment Date
        people["Enrollment Date"].to_numpy()[known],
        index=people[pop.CLIENT_ID].to_numpy()[known],
    )
    ids = jobs[pop.CLIENT_ID]
    competitive = pop.said_yes(jobs["Competitive"]) & ids.isin(enrolled.index).to_numpy()
    first = jobs[std.JOB_START][competitive].groupby(ids[competitive]).min()
    first = first[pop.in_period_mask(first, period)]
    days = (first - enrolled.reindex(first.index)).dt.days.clip(lower=0)
    return days.astype(float)


def retention(jobs: pd.DataFrame, period: Period) -> float | None:
    """Of competitive jobs started 90 or more days before the period's end, the share (0..1)
    held at least 90 days (still held, or ended 90 or more days after the start)."""
    days = scale.RETENTION_DAYS
    end = pop.bounds(period)[1]
    started = pop.days_of(jobs["Job Start Date"])
    due = pop.said_yes(jobs["Competitive"]) & (started <= pop.day_of(end - pd.Timedelta(days=days)))
    if not due.any():
        return None
    ended = pop.days_of(jobs["Job End Date"])[due]
    # the dates are whole days, so lasting 90 days or more is a difference of 90 days or more
    kept = np.isnat(ended) | (ended - started[due] >= np.timedelta64(days, "D"))
    return rate(int(kept.sum()), int(due.sum()))
