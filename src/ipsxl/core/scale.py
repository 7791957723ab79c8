"""The IPS-25 fidelity scale as data: its 25 items in scale order, the bands ipsxl scores, and
the deadlines of the specialist's role that the per-row warnings check.

Each band's thresholds are the scale's own words ("20 or fewer", "96% or more of the time"),
applied to the value as computed: 20.0 clients per FTE scores 5 and 20.1 scores 4; 74.9%
scores 2 on a "75-89%" range and 75.0% scores 3. A value is shown to one decimal, but no rounding
decides a band. A correction to an anchor is one line here.
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
    """How a computed item's value becomes a 1-5 score, with the thresholds as the scale words
    them.

    ``cuts`` are the thresholds for scores 5, 4, 3, 2 (in that order; past the last scores 1).
    ``higher`` says whether larger values are better: then a value scores a cut's points when it
    is at least the cut ("96% or more"), else when it is at most the cut ("20 or fewer"). Both
    ends are inclusive as worded, and the value is compared as computed, never rounded first.
    ``scores`` lists the points the cuts give, for an item that skips some (the supervisor ratio
    suggests 5 or 3). ``basis`` is ``scale`` (the IPS-25's own anchors) or ``indicator`` (a data
    indicator of an item a reviewer judges: what its bands give is only what the figure
    suggests, never a score that counts).
    """

    target: str
    cuts: tuple[float, ...]
    higher: bool
    basis: str
    scores: tuple[int, ...] = (5, 4, 3, 2)
    floor: int = 1
    percent: bool = False
    unit: str = ""

    def points(self, value: float) -> int:
        """The points ``value`` earns on these thresholds."""
        for cut, points in zip(self.cuts, self.scores, strict=True):
            if (value >= cut) if self.higher else (value <= cut):
                return points
        return self.floor

    def ranges(self) -> dict[int, str]:
        """Each score's range in words, best first ({5: "<= 20", 4: "<= 25", ..., 1: "> 40"}),
        for a sheet or report that shows the anchors beside the figure."""
        sign, last = (">=", "<") if self.higher else ("<=", ">")
        out = {
            points: f"{sign} {_g(cut)}" for cut, points in zip(self.cuts, self.scores, strict=True)
        }
        out[self.floor] = f"{last} {_g(self.cuts[-1])}"
        return out


def _g(number: float) -> str:
    return f"{number:g}"


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
    "caseload_size": Band("<= 20", (20, 25, 30, 40), higher=False, basis=SCALE, unit="per FTE"),
    "employment_services_staff": Band(">= 96%", (96, 90, 75, 60), True, SCALE, percent=True),
    "supervisor_ratio": Band(
        "<= 10", (10,), higher=False, basis=INDICATOR, scores=(5,), floor=3, unit="per supervisor"
    ),
    "rapid_job_search": Band("<= 30 days", (30, 60, 150, 270), False, SCALE, unit="days"),
    "individualized_job_search": Band(">= 90%", (90, 75, 50, 25), True, SCALE, percent=True),
    # the scale's points are 6, 5, 4 and 2 a week; a mean is scored at the closest point, and
    # half-way between two points goes to the higher score (fidelity.md)
    "employer_contacts": Band("6 a week (>= 5.5)", (5.5, 4.5, 3, 2), True, SCALE, unit="a week"),
    "diversity_job_types": Band(">= 85%", (85, 70, 60, 50), True, SCALE, percent=True),
    "diversity_employers": Band(">= 85%", (85, 70, 60, 50), True, SCALE, percent=True),
    "competitive_jobs": Band(">= 95%", (95, 85, 75, 65), True, SCALE, percent=True),
    "follow_along": Band(">= 95%", (95, 85, 70, 50), True, INDICATOR, percent=True),
    "community_based": Band(">= 65%", (65, 50, 40, 30), True, SCALE, percent=True),
    "work_incentives_planning": Band(">= 95%", (95, 85, 70, 50), True, INDICATOR, percent=True),
}

# Below this many current jobs the competitive-jobs item scores 1, as the scale says.
MIN_CURRENT_JOBS = 10
# An item resting on fewer records than this carries a warning that it rests on few records.
FEW_RECORDS = 10
# rapid_job_search looks at clients enrolled in the period or this many months before its end.
RAPID_SEARCH_MONTHS = 12
# outcomes: retention counts jobs held this many days; the employment-rate benchmarks are
# quarterly figures, and a period outside these lengths (days) is not "about a quarter".
RETENTION_DAYS = 90
QUARTER_DAYS = (85, 95)

# The employment specialist's deadlines (fidelity.md, "Timeliness"), which the per-row warnings
# check and the items average: first employer contact within 30 days of enrollment; a meeting
# within 7 days before and 3 days after a job start; 6 face-to-face employer contacts a week.
FIRST_CONTACT_DAYS = 30
PRE_START_DAYS = 7
POST_START_DAYS = 3
CONTACTS_PER_WEEK = 6


def is_indicator(item_id: str) -> bool:
    """Whether an item is a data indicator the total never counts (the reviewer scores it)."""
    return BANDS_BY_ID[item_id].basis == INDICATOR


def round1(value: float) -> float:
    """Half away from zero to one place: how a figure is shown (never how it is scored)."""
    return math.floor(abs(value) * 10 + 0.5) / 10 * (1 if value >= 0 else -1)


def points(item_id: str, value: float | None) -> int | None:
    """The points a computed item's value earns on its thresholds (for an indicator, what it
    suggests); None when there is no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return BANDS_BY_ID[item_id].points(float(value))


def score(item_id: str, value: float | None) -> int | None:
    """The data's 1-5 score of a ``scale`` item's value; None for an indicator (never scored
    from the data) and when there is no value."""
    return None if is_indicator(item_id) else points(item_id, value)


def fidelity_band(total: float | None, scored: int = ITEM_COUNT) -> str:
    """The fidelity band of a 25-item total, or 'incomplete' while items are unscored."""
    if total is None or scored < ITEM_COUNT:
        return INCOMPLETE
    for floor, name in BANDS:
        if total >= floor:
            return name
    return BANDS[-1][1]
