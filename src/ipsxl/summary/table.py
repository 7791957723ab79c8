"""The state office's summary as plain data: submission rows, agency trends, item distribution.

Every figure is read from ``report.to_dict`` (the per-workbook JSON), never recomputed, so the
summary cannot disagree with the report an agency is sent back. Only counts, rates and scores
are taken from it: flags (their values and messages), item notes and the per-specialist table
can name clients or staff, and the summary is passed around an office, so none of it is copied.
Job endings and closures, which the report gives by reason, are summed to one count: reasons
are typed freely and could name someone. An indicator item (never scored from the data) shows
the score its figure suggests, in a column that says so.
Nothing here knows about Excel; ``workbook.py`` draws these tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from ipsxl import report as report_json
from ipsxl.core import scale
from ipsxl.core.model import Report
from ipsxl.core.standard import fold
from ipsxl.validate import DEFAULT_OPTIONS, Options

# Column kinds, so each face formats a value the same way (CSV text, JSON value, Excel cell).
TEXT = "text"
INTEGER = "integer"
DATE = "date"
RATE = "rate"  # a fraction 0..1, shown as a percentage
SCORE = "score"  # an IPS-25 item score 1..5
YESNO = "yesno"
DECIMAL = "decimal"  # a figure shown to one decimal (days)
MONEY = "money"  # a wage, two decimals

ITEM_LABELS: dict[str, str] = {it.id: it.label for it in scale.ITEMS if it.id}


def item_header(item_id: str) -> str:
    """An item's column header: its label, and for an indicator that the value is what the
    data suggests (the reviewer scores it; no total counts it)."""
    label = ITEM_LABELS[item_id]
    return f"{label} (suggests)" if scale.is_indicator(item_id) else label


@dataclass(frozen=True)
class SummaryColumn:
    """One column of a summary table (Submissions, Trends): its JSON/CSV key, its sheet header,
    its kind."""

    key: str
    header: str
    kind: str = TEXT
    width: int = 12


SUBMISSION_COLUMNS: tuple[SummaryColumn, ...] = (
    SummaryColumn("file", "File", TEXT, 40),
    SummaryColumn("agency", "Agency", TEXT, 26),
    SummaryColumn("program", "Program", TEXT, 22),
    SummaryColumn("period", "Period", TEXT, 12),
    SummaryColumn("period_start", "Period Start", DATE, 12),
    SummaryColumn("period_end", "Period End", DATE, 12),
    SummaryColumn("readable", "Readable", YESNO, 10),
    SummaryColumn("reason", "Reason Unreadable", TEXT, 30),
    SummaryColumn("errors", "Errors", INTEGER, 9),
    SummaryColumn("warnings", "Warnings", INTEGER, 10),
    SummaryColumn("needs_correction", "Needs Correction", YESNO, 12),
    SummaryColumn("active_clients", "Active Clients", INTEGER, 10),
    SummaryColumn("employed_clients", "Employed Clients", INTEGER, 10),
    SummaryColumn("employment_rate", "Employment Rate", RATE, 11),
    SummaryColumn("rate_benchmark", "Rate Benchmark", TEXT, 13),
    SummaryColumn("rate_note", "Rate Note", TEXT, 24),
    SummaryColumn("new_enrollments", "New Enrollments", INTEGER, 11),
    SummaryColumn("clients_with_job_start", "Clients With a Job Start", INTEGER, 11),
    SummaryColumn("first_jobs", "First Jobs", INTEGER, 9),
    SummaryColumn("days_to_first_job", "Median Days to First Job", DECIMAL, 11),
    SummaryColumn("job_endings", "Job Endings", INTEGER, 9),
    SummaryColumn("retention_90", "90-Day Retention", RATE, 11),
    SummaryColumn("closures", "Closures", INTEGER, 9),
    SummaryColumn("median_wage", "Median Wage", MONEY, 9),
    *(SummaryColumn(item_id, item_header(item_id), SCORE, 14) for item_id in scale.COMPUTED_IDS),
    SummaryColumn("items_scored", "Items Scored", INTEGER, 9),
    SummaryColumn("data_total", "Data Total", INTEGER, 9),
    SummaryColumn("data_max", "Data Max", INTEGER, 9),
)

BELOW_MINIMAL = "below minimal"


def rate_benchmark(rate: float | None) -> str | None:
    """The highest employment-rate benchmark a rate reaches (fidelity.md's 31/41/50%)."""
    if rate is None:
        return None
    reached = BELOW_MINIMAL
    for threshold, name in scale.EMPLOYMENT_RATE_BENCHMARKS:
        if rate >= threshold:
            reached = name
    return reached


def period_label(start: dt.date | None, end: dt.date | None) -> str | None:
    """ "2026 Q3" for a calendar quarter, "2026-07" for a month, else the two dates.

    Offices speak of quarters; a label keeps the Trends axis readable, while the exact dates
    stay in the Submissions table.
    """
    if start is None or end is None:
        return None
    if start.day == 1 and start.month % 3 == 1:
        quarter_end = _month_end(start.year, start.month + 2)
        if end == quarter_end:
            return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if start.day == 1 and end == _month_end(start.year, start.month):
        return f"{start.year}-{start.month:02d}"
    return f"{start.isoformat()} to {end.isoformat()}"


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


@dataclass(frozen=True)
class Submission:
    """One workbook's row of the summary, and what it takes to match it to its agency.

    ``key`` is the folded (agency, program) pair, so "North Valley" and "north  valley" are one
    agency; a readable workbook with no Agency, and an unreadable one, get a key of their own
    (the file), since nothing says whose they are.
    """

    index: int
    row: dict[str, object]
    key: tuple[str, str]
    name: str
    period: tuple[dt.date, dt.date] | None

    @property
    def readable(self) -> bool:
        return bool(self.row["readable"])

    @property
    def matched(self) -> bool:
        """Whether the agency is known, so the row can join a trend."""
        return self.readable and bool(self.key[0])


def agency_key(agency: str | None, program: str | None) -> tuple[str, str]:
    """Agency and Program folded for case, spacing and punctuation (standard.fold)."""
    return (fold(agency) if agency else "", fold(program) if program else "")


def agency_name(agency: str | None, program: str | None) -> str:
    """How an agency is named in Trends: "Agency (Program)" when a program is given."""
    if not agency:
        return "(no agency)"
    return f"{agency} ({program})" if program else agency


def submission_row(report: Report) -> dict[str, object]:
    """One row of the Submissions table, from the report's JSON entry (counts and scores only)."""
    entry = report_json.to_dict(report)
    row: dict[str, object] = {c.key: None for c in SUBMISSION_COLUMNS}
    row["file"] = entry["file"]
    row["readable"] = entry["readable"]
    if not entry["readable"]:
        row["reason"] = entry["error"]
        row["needs_correction"] = True
        return row
    period = entry["period"]
    start = dt.date.fromisoformat(period["start"]) if period else None
    end = dt.date.fromisoformat(period["end"]) if period else None
    counts = entry["counts"]
    fidelity = entry["fidelity"]
    outcomes = entry["outcomes"]
    row.update(
        agency=entry["agency"],
        program=entry["program"],
        period=period_label(start, end),
        period_start=start,
        period_end=end,
        errors=counts["error"],
        warnings=counts["warning"],
        needs_correction=counts["error"] > 0,
        active_clients=outcomes.get("active_clients"),
        employed_clients=outcomes.get("employed_clients"),
        employment_rate=outcomes.get("employment_rate"),
        rate_benchmark=rate_benchmark(outcomes.get("employment_rate")),
        rate_note=outcomes.get("employment_rate_note"),
        new_enrollments=outcomes.get("new_enrollments"),
        clients_with_job_start=outcomes.get("clients_with_job_start"),
        first_jobs=outcomes.get("first_jobs"),
        days_to_first_job=outcomes.get("days_to_first_job"),
        job_endings=_total(outcomes.get("job_endings")),
        retention_90=outcomes.get("retention_90"),
        closures=_total(outcomes.get("closures")),
        median_wage=outcomes.get("median_wage"),
        items_scored=fidelity["scored_items"],
        data_total=fidelity["data_total"],
        data_max=fidelity["data_max"],
    )
    for item in fidelity["items"]:
        if item["id"] in ITEM_LABELS:
            indicator = scale.is_indicator(item["id"])
            row[item["id"]] = item.get("suggests") if indicator else item["score"]
    return row


def _total(by_reason: object) -> int | None:
    """A count by reason summed (None when there was no tab to count from)."""
    return sum(by_reason.values()) if isinstance(by_reason, dict) else None


def submissions(reports: Sequence[Report]) -> list[Submission]:
    """The Submissions rows in the order the workbooks were given (as validate lists them)."""
    out = []
    for index, rep in enumerate(reports):
        row = submission_row(rep)
        agency, program = (rep.agency, rep.program) if rep.readable else (None, None)
        key = agency_key(agency, program)
        if not (rep.readable and key[0]):
            key = ("", rep.file)  # no matched key has an empty agency: never shared
        period = (rep.period.start, rep.period.end) if rep.readable and rep.period else None
        out.append(Submission(index, row, key, agency_name(agency, program), period))
    return out


# --- Trends -----------------------------------------------------------------------------------

TREND_MEASURES: tuple[SummaryColumn, ...] = (
    SummaryColumn("employment_rate", "Employment rate", RATE),
    SummaryColumn("new_enrollments", "New enrollments", INTEGER),
    SummaryColumn("clients_with_job_start", "Clients with a job start", INTEGER),
    SummaryColumn("first_jobs", "First jobs", INTEGER),
    SummaryColumn("days_to_first_job", "Median days to first job", DECIMAL),
    SummaryColumn("job_endings", "Job endings", INTEGER),
    SummaryColumn("retention_90", "90-day retention", RATE),
    SummaryColumn("closures", "Closures", INTEGER),
    SummaryColumn("median_wage", "Median wage", MONEY),
    SummaryColumn("data_total", "Data total", INTEGER),
)


@dataclass(frozen=True)
class TrendCell:
    value: object
    needs_correction: bool
    file: str


COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


@dataclass(frozen=True)
class Duplicate:
    """Two or more readable workbooks of one agency for one period: one is used, the others
    are set aside (they stay in Submissions; Trends and Items use the one)."""

    name: str
    period: str
    used: str  # its file
    set_aside: tuple[str, ...]  # their files, in the order given

    @property
    def count(self) -> int:
        return 1 + len(self.set_aside)

    def text(self) -> str:
        """One line naming them all, for the terminal and the Trends sheet."""
        count = COUNT_WORDS.get(self.count, str(self.count))
        return (
            f"{self.name}, {self.period}: {count} submissions; {self.used} is used,"
            f" not {', '.join(self.set_aside)}."
        )


@dataclass
class Trends:
    """Per measure, one value per (agency, period), for agencies with two or more periods.

    ``periods`` are sorted by their dates; ``agencies`` are (key, display name) in the order the
    agency first appears; ``duplicates`` name every agency and period with more than one
    submission (whether or not the agency has a trend), and which one is used.
    """

    periods: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    agencies: list[tuple[tuple[str, str], str]] = field(default_factory=list)
    values: dict[str, dict[tuple[str, str], dict[tuple[dt.date, dt.date], TrendCell]]] = field(
        default_factory=dict
    )
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        return [d.text() for d in self.duplicates]

    def value(self, measure: str, key: tuple[str, str], period: tuple[dt.date, dt.date]):
        cell = self.values.get(measure, {}).get(key, {}).get(period)
        return None if cell is None else cell.value


def _by_agency_period(
    rows: Sequence[Submission],
) -> tuple[dict[tuple[str, str], dict[tuple[dt.date, dt.date], Submission]], list[Duplicate]]:
    """Each matched agency's submission per period (the preferred one where several came), and
    every agency and period that had several."""
    groups: dict[tuple[tuple[str, str], tuple[dt.date, dt.date]], list[Submission]] = {}
    for sub in rows:
        if sub.matched and sub.period is not None:
            groups.setdefault((sub.key, sub.period), []).append(sub)
    chosen: dict[tuple[str, str], dict[tuple[dt.date, dt.date], Submission]] = {}
    duplicates = []
    for (key, period), subs in groups.items():
        used = max(subs, key=_preference)
        chosen.setdefault(key, {})[period] = used
        if len(subs) > 1:
            duplicates.append(
                Duplicate(
                    used.name,
                    period_label(*period) or "",
                    str(used.row["file"]),
                    tuple(str(s.row["file"]) for s in subs if s is not used),
                )
            )
    return chosen, duplicates


def _preference(sub: Submission) -> tuple[int, int]:
    """Of two workbooks for one agency and period: fewer errors, then the later file.

    A workbook sent again is nearly always the corrected one, so fewer errors picks it whatever
    it was named ("q3-corrected.xlsx" sorts before "q3.xlsx"); file order breaks a tie.
    """
    return (-int(sub.row["errors"] or 0), sub.index)


def trends(rows: Sequence[Submission]) -> Trends:
    """The trend measures (employment rate, outcomes, data total) by agency and period, for
    agencies with 2+ periods."""
    chosen, duplicates = _by_agency_period(rows)
    result = Trends(duplicates=duplicates)
    names = _latest_names(rows)
    for key, per in chosen.items():
        if len(per) < 2:
            continue
        result.agencies.append((key, names[key]))
        for period, sub in per.items():
            for measure in TREND_MEASURES:
                result.values.setdefault(measure.key, {}).setdefault(key, {})[period] = TrendCell(
                    sub.row[measure.key], bool(sub.row["needs_correction"]), str(sub.row["file"])
                )
    periods = {p for key, _ in result.agencies for p in chosen[key]}
    result.periods = sorted(periods)
    return result


def _latest_names(rows: Sequence[Submission]) -> dict[tuple[str, str], str]:
    """An agency's name as spelt in its latest period (spellings drift; the latest is current)."""
    names: dict[tuple[str, str], str] = {}
    for sub in sorted((s for s in rows if s.matched), key=_recency):
        names[sub.key] = sub.name
    return names


def _recency(sub: Submission) -> tuple:
    """Later period first by end, then start; for one period, the preferred workbook."""
    if sub.period is None:
        return (dt.date.min, dt.date.min, *_preference(sub))
    return (sub.period[1], sub.period[0], *_preference(sub))


# --- Items ------------------------------------------------------------------------------------

SCORES = (1, 2, 3, 4, 5)


@dataclass
class ItemCounts:
    """For one computed item: how many agencies score 1..5, and how many have no score."""

    id: str
    label: str
    target: str
    basis: str
    by_score: dict[int, int]
    unscored: int

    @property
    def agencies(self) -> int:
        return sum(self.by_score.values()) + self.unscored


def latest_per_agency(rows: Sequence[Submission]) -> list[Submission]:
    """Each agency's latest readable submission (by period end, then start; see _preference).

    Items counts agencies, not workbooks, so an agency that sent four quarters counts once, at
    its current state. A workbook without an Agency name counts as an agency of its own.
    """
    latest: dict[tuple[str, str], Submission] = {}
    for sub in rows:
        if not sub.readable:
            continue
        if sub.key not in latest or _recency(sub) > _recency(latest[sub.key]):
            latest[sub.key] = sub
    return sorted(latest.values(), key=lambda s: s.index)


def item_distribution(rows: Sequence[Submission]) -> list[ItemCounts]:
    """Per computed item (scale order), the latest-period score counts across agencies (for an
    indicator, the scores its figure suggests)."""
    latest = latest_per_agency(rows)
    out = []
    for item_id in scale.COMPUTED_IDS:
        band = scale.BANDS_BY_ID[item_id]
        by_score = dict.fromkeys(SCORES, 0)
        unscored = 0
        for sub in latest:
            value = sub.row.get(item_id)
            if isinstance(value, int) and value in by_score:
                by_score[value] += 1
            else:
                unscored += 1
        out.append(
            ItemCounts(item_id, ITEM_LABELS[item_id], band.target, band.basis, by_score, unscored)
        )
    return out


# --- the whole summary ------------------------------------------------------------------------


@dataclass
class Summary:
    """Everything the summary workbook shows, built once from a batch of reports."""

    rows: list[Submission]
    trends: Trends
    items: list[ItemCounts]
    generated: dt.datetime
    version: str
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def needing_correction(self) -> list[Submission]:
        return [s for s in self.rows if s.row["needs_correction"]]


def build_summary(
    reports: Sequence[Report],
    options: Options = DEFAULT_OPTIONS,
    generated: dt.datetime | None = None,
) -> Summary:
    """The summary of a batch checked with ``options``; their ``start``/``end`` are recorded
    when they overrode the period."""
    from ipsxl import __version__

    rows = submissions(reports)
    return Summary(
        rows=rows,
        trends=trends(rows),
        items=item_distribution(rows),
        generated=generated or dt.datetime.now().astimezone().replace(microsecond=0),
        version=__version__,
        start=options.start,
        end=options.end,
    )
