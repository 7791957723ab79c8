"""The shapes the core hands between its steps and to its faces (CLI, write-back, Excel).

A workbook is read into ``Table`` objects (raw cell values with their Excel row numbers), parsed
into typed DataFrames, checked into one flags DataFrame, and scored into ``Scores``; a ``Report``
carries all of it for one workbook. Nothing here knows about Excel files or the command line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from ipsxl.core.standard import Tab

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)

# One row per flag. ``row`` is the worksheet row a person sees (1-based, None for a whole tab);
# ``column`` the standard column name (None for a whole row or tab); ``col`` the 1-based sheet
# column of the cell, where the cell exists, so faces can point at it without re-reading headers.
FLAG_COLUMNS = ["sheet", "row", "column", "code", "severity", "message", "value", "col"]

# A sheet's cell values as rows of lists, anchored at A1 (what both readers produce).
Grid = Sequence[Sequence[object]]

# The index name of every table frame: the Excel row number of each record.
ROW = "row"


def empty_flags() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in FLAG_COLUMNS})


@dataclass
class Table:
    """One tab as found in the workbook: raw values under standard column names.

    ``frame`` is indexed by Excel row number (index name ``row``) and holds one column per
    standard column found (raw cell values, blanks as None). ``positions`` maps each found
    standard column to its 1-based column number in the sheet; a required column missing from the
    sheet is absent from both. ``unknown`` holds the other headers of the header row (1-based
    column -> the header as typed): columns the standard does not know, which are not read.
    """

    tab: Tab
    sheet: str
    header_row: int
    frame: pd.DataFrame
    positions: dict[str, int] = field(default_factory=dict)
    unknown: dict[int, str] = field(default_factory=dict)


@dataclass
class RawWorkbook:
    """What reading a workbook gives: its tables, keyed by standard tab name.

    ``sheets`` lists every sheet name in the workbook in order, for messages about tabs that
    could not be matched; ``hidden`` the ones hidden in Excel.
    """

    source: str
    tables: dict[str, Table]
    sheets: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> float:
        return self.days / 7


@dataclass
class Parsed:
    """Typed frames, one per standard tab (every standard column present, all-NA if absent).

    Dates are ``datetime64[us]`` (NaT when blank or bad), numbers and percents ``float64``,
    yes/no ``boolean`` (pandas nullable), choices their canonical spelling, text ``object``
    (stripped strings, None when blank). The index is the Excel row number, as in ``Table``.
    A tab missing from the workbook is an empty frame with every standard column.
    """

    frames: dict[str, pd.DataFrame]
    tables: dict[str, Table]
    program: dict[str, object]
    period: Period | None
    # per tab: the raw values under standard names (for messages) and the cells that hold
    # something the column's type does not accept (same index and columns as ``frames``)
    raw: dict[str, pd.DataFrame] = field(default_factory=dict)
    bad: dict[str, pd.DataFrame] = field(default_factory=dict)
    # today's date, so "in the future" is testable; set by whoever builds the Parsed
    today: dt.date = field(default_factory=dt.date.today)

    def present(self, tab: str) -> bool:
        return tab in self.tables


@dataclass
class Item:
    """One computed fidelity item of fidelity.md.

    ``value`` is the figure as computed (unrounded: faces show it to one decimal, and a
    percentage item's value is on 0..100). ``score`` is the data's 1-5 score of a ``scale`` item
    and is None for an ``indicator`` and for an item without data, so a total never counts
    either; ``suggests`` is what an indicator's figure suggests (None for a scale item), shown
    beside the reviewer's cell. ``n`` counts the records the value rests on; ``note`` says what
    a reader should know (why there is no value, what was left out, what the value rests on).
    """

    id: str
    value: float | None
    target: str
    score: int | None
    n: int
    basis: str
    note: str = ""
    suggests: int | None = None


# Keys of one row of the ``Scores.specialists`` list (fidelity.md, the specialists table), in
# the order a table shows them. ``kind`` tells the rows apart: one ``specialist`` row per
# employment specialist (sorted by name), then one ``unassigned`` row for clients (and contacts)
# under no specialist's name, then the ``total`` row ("All specialists") that adds up exactly
# the rows above it. Counts are ints; ``employment_rate`` a fraction 0..1 to 3 places;
# ``employment_services_pct`` a percentage 0..100; ``caseload_per_fte`` and
# ``contacts_per_week`` unrounded. A figure that cannot be computed is None.
SPECIALIST_KEYS = (
    "kind",
    "name",
    "fte",
    "caseload",  # clients active on the period's last day
    "caseload_per_fte",
    "employment_services_pct",
    "face_to_face_contacts",  # in the period
    "contacts_per_week",
    "active_clients",  # clients active on any day of the period (the rate's denominator)
    "employed_clients",
    "employment_rate",
    "job_starts",
    "in_education",
)
SPECIALIST, UNASSIGNED, ALL_SPECIALISTS = "specialist", "unassigned", "total"

# Keys of ``Scores.outcomes`` (fidelity.md, Outcomes), in the order a report lists them. Counts
# are ints, rates fractions 0..1 to 3 places, ``job_endings`` and ``closures`` mappings reason
# -> count (a blank reason counted under NOT_RECORDED), ``employment_rate_note`` text or None.
OUTCOME_KEYS = (
    "active_clients",
    "employed_clients",
    "employment_rate",
    "employment_rate_note",
    "job_starts",
    "in_education",
    "mean_hours",
    "mean_wage",
    "median_wage",
    "new_enrollments",
    "clients_with_job_start",
    "first_jobs",
    "days_to_first_job",
    "job_endings",
    "retention_90",
    "closures",
)
NOT_RECORDED = "(not recorded)"

Outcomes = dict[str, object]


@dataclass
class Weekly:
    """Face-to-face employer contacts week by week: ``starts`` and ``days`` of each week of
    the period (a last week cut short by the period's end has fewer than 7 days), and per
    specialist (named as Staff or Caseload gives it) the contacts in each week. Empty without
    an Employer Log or a period."""

    starts: list[dt.date] = field(default_factory=list)
    days: list[int] = field(default_factory=list)
    contacts: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class Scores:
    items: list[Item]
    outcomes: Outcomes
    specialists: list[dict[str, object]]
    weekly: Weekly = field(default_factory=Weekly)

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    @property
    def scored_items(self) -> int:
        """Items the data scores (scale items with a value; indicators never count)."""
        return sum(1 for it in self.items if it.score is not None)

    @property
    def data_total(self) -> int:
        return sum(it.score for it in self.items if it.score is not None)

    @property
    def data_max(self) -> int:
        return 5 * self.scored_items


@dataclass
class Report:
    """Everything ipsxl found in one workbook: what every face renders."""

    file: str
    readable: bool
    error: str | None = None
    agency: str | None = None
    program: str | None = None
    period: Period | None = None
    flags: pd.DataFrame = field(default_factory=empty_flags)
    scores: Scores | None = None
    # where each tab was found, for faces that point at cells: standard tab -> Table
    tables: dict[str, Table] = field(default_factory=dict)
    # a bug of ours stopped the check: its traceback, for --debug and for the bug report
    internal: str | None = None

    def counts(self) -> dict[str, int]:
        sev = self.flags["severity"].value_counts() if len(self.flags) else {}
        return {s: int(sev.get(s, 0)) for s in SEVERITIES}
