"""The program's outcome figures (fidelity.md, Outcomes), as the JSON report gives them.

Counts are ints, ``employment_rate`` a fraction rounded to 3 places, ``mean_hours`` to one place
and ``mean_wage`` to cents. A figure whose tab is missing, or that has nothing to average or
divide by, is None: a missing Jobs tab does not mean no one works.
"""

from __future__ import annotations

import pandas as pd

from ipsxl.fidelity import population as pop
from ipsxl.fidelity.population import Frames
from ipsxl.model import Period

OUTCOME_IDS = (
    "active_clients",
    "employed_clients",
    "employment_rate",
    "job_starts",
    "in_education",
    "mean_hours",
    "mean_wage",
)

Outcomes = dict[str, float | int | None]


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


def count_yes(values: pd.Series) -> int | None:
    """How many say yes; None when the column is blank throughout (no data, not zero)."""
    return int(pop.yes(values).sum()) if values.notna().any() else None


def outcomes(frames: Frames, period: Period | None) -> Outcomes:
    """The seven outcome figures of a workbook for the period (all None without a period)."""
    figures: Outcomes = dict.fromkeys(OUTCOME_IDS)
    if period is None:
        return figures
    active = None
    if frames.caseload is not None:
        active = pop.active_clients(frames.caseload, period)
        figures["active_clients"] = len(active)
        figures["in_education"] = count_yes(active["In Education"])
    if frames.jobs is not None:
        figures["job_starts"] = len(pop.job_starts(frames.jobs, period))
        held = pop.jobs_held(frames.jobs, period)
        competitive = held[pop.yes(held["Competitive"])]
        figures["mean_hours"] = mean_of(competitive["Hours Per Week"], 1)
        figures["mean_wage"] = mean_of(competitive["Hourly Wage"], 2)
        if active is not None:
            figures["employed_clients"] = int(pop.employed(active, frames.jobs, period).sum())
    figures["employment_rate"] = rate(figures["employed_clients"], figures["active_clients"])
    return figures
