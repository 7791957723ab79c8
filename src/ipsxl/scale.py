"""The IPS-25 fidelity scale as data: its 25 items in scale order, and the bands ipsxl scores.

Bands are cut-points on the value after rounding to one decimal place. Where the scale writes
whole-number ranges with gaps between them ("<= 20", "21-25"), a value between two ranges
belongs to the nearer one, so the cut-point sits half-way (20.4 -> 5, 20.5 -> 4). Where it
writes open thresholds (">= 6", ">= 5"), the threshold is the cut-point (5.9 -> 4, 6.0 -> 5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SCALE = "scale"
INDICATOR = "indicator"

BANDS = (
    (115, "Exemplary fidelity"),
    (100, "Good fidelity"),
    (74, "Fair fidelity"),
    (25, "Not supported employment"),
)
INCOMPLETE = "incomplete"
ITEM_COUNT = 25

EMPLOYMENT_RATE_BENCHMARKS = (
    (0.31, "minimal"),
    (0.41, "average"),
    (0.50, "excellent"),
)


@dataclass(frozen=True)
class Band:
    """How a computed item's value becomes a 1-5 score.

    ``cuts`` are the four cut-points for scores 5, 4, 3, 2 (anything past the last scores 1);
    ``higher`` says whether larger values are better. ``scores`` lists the scores the cuts give,
    for items that skip some (the supervisor ratio scores 5 or 3).
    """

    target: str
    cuts: tuple[float, ...]
    higher: bool
    basis: str
    scores: tuple[int, ...] = (5, 4, 3, 2)
    floor: int = 1
    percent: bool = False


@dataclass(frozen=True)
class ScaleItem:
    """One of the 25 items in scale order; ``id`` is set where ipsxl computes it."""

    section: str
    number: int
    label: str
    id: str | None = None


ITEMS: tuple[ScaleItem, ...] = (
    ScaleItem("Staffing", 1, "Caseload size", "caseload_size"),
    ScaleItem("Staffing", 2, "Employment services staff", "employment_services_staff"),
    ScaleItem("Staffing", 3, "Vocational generalists"),
    ScaleItem(
        "Organization",
        1,
        "Integration of rehabilitation with mental health treatment through team assignment",
    ),
    ScaleItem(
        "Organization",
        2,
        "Integration of rehabilitation with mental health treatment "
        "through frequent team member contact",
    ),
    ScaleItem(
        "Organization",
        3,
        "Collaboration between employment specialists and vocational rehabilitation counselors",
    ),
    ScaleItem("Organization", 4, "Vocational unit"),
    ScaleItem("Organization", 5, "Role of employment supervisor", "supervisor_ratio"),
    ScaleItem("Organization", 6, "Zero exclusion criteria"),
    ScaleItem("Organization", 7, "Agency focus on competitive employment"),
    ScaleItem("Organization", 8, "Executive team support for supported employment"),
    ScaleItem("Services", 1, "Work incentives planning", "work_incentives_planning"),
    ScaleItem("Services", 2, "Disclosure"),
    ScaleItem("Services", 3, "Ongoing, work-based vocational assessment"),
    ScaleItem("Services", 4, "Rapid search for competitive job", "rapid_job_search"),
    ScaleItem("Services", 5, "Individualized job search", "individualized_job_search"),
    ScaleItem("Services", 6, "Job development: frequent employer contact", "employer_contacts"),
    ScaleItem("Services", 7, "Job development: quality of employer contact"),
    ScaleItem("Services", 8, "Diversity of job types", "diversity_job_types"),
    ScaleItem("Services", 9, "Diversity of employers", "diversity_employers"),
    ScaleItem("Services", 10, "Competitive jobs", "competitive_jobs"),
    ScaleItem("Services", 11, "Individualized follow-along supports"),
    ScaleItem("Services", 12, "Time-unlimited follow-along supports", "follow_along"),
    ScaleItem("Services", 13, "Community-based services", "community_based"),
    ScaleItem("Services", 14, "Assertive engagement and outreach by integrated treatment team"),
)

COMPUTED_IDS: tuple[str, ...] = tuple(it.id for it in ITEMS if it.id)

BANDS_BY_ID: dict[str, Band] = {
    "caseload_size": Band("<= 20", (20.5, 25.5, 30.5, 40.5), higher=False, basis=SCALE),
    "employment_services_staff": Band(
        ">= 96%", (95.5, 89.5, 74.5, 59.5), True, SCALE, percent=True
    ),
    "supervisor_ratio": Band("<= 10", (10.5,), higher=False, basis=INDICATOR, scores=(5,), floor=3),
    "rapid_job_search": Band("<= 30 days", (30.5, 60.5, 150.5, 270.5), False, SCALE),
    "individualized_job_search": Band(
        ">= 90%", (89.5, 74.5, 49.5, 24.5), True, SCALE, percent=True
    ),
    "employer_contacts": Band(">= 6 a week", (6, 5, 4, 2), True, SCALE),
    "diversity_job_types": Band(">= 85%", (84.5, 69.5, 59.5, 49.5), True, SCALE, percent=True),
    "diversity_employers": Band(">= 85%", (84.5, 69.5, 59.5, 49.5), True, SCALE, percent=True),
    "competitive_jobs": Band(">= 95%", (94.5, 84.5, 74.5, 64.5), True, SCALE, percent=True),
    "follow_along": Band(">= 95%", (94.5, 84.5, 69.5, 49.5), True, INDICATOR, percent=True),
    "community_based": Band(">= 65%", (64.5, 49.5, 39.5, 29.5), True, SCALE, percent=True),
    "work_incentives_planning": Band(
        ">= 95%", (94.5, 84.5, 69.5, 49.5), True, INDICATOR, percent=True
    ),
}


def _round1(value: float) -> float:
    """Round half away from zero to one place, as a person reading the figure would."""
    return math.floor(abs(value) * 10 + 0.5) / 10 * (1 if value >= 0 else -1)


def round1(value: float) -> float:
    """The one-place rounding the bands use, public so a figure shown agrees with its score."""
    return _round1(value)


def score(item_id: str, value: float | None) -> int | None:
    """The 1-5 score of a computed item's value; None when there is no value to score."""
    band = BANDS_BY_ID[item_id]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    v = _round1(float(value))
    for cut, points in zip(band.cuts, band.scores, strict=True):
        if (v >= cut) if band.higher else (v < cut):
            return points
    return band.floor


def fidelity_band(total: float | None, scored: int = ITEM_COUNT) -> str:
    """The fidelity band of a 25-item total, or 'incomplete' while items are unscored."""
    if total is None or scored < ITEM_COUNT:
        return INCOMPLETE
    for floor, name in BANDS:
        if total >= floor:
            return name
    return BANDS[-1][1]
