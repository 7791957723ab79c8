"""Who and what the fidelity figures count: clients, specialists, jobs, employer contacts.

Every helper here takes plain typed frames (standard column names and types, as
``Parsed.frames`` holds them; any index) and a ``Period``, never a whole ``Parsed``. So the
report, the Fidelity sheet and Excel worksheet functions all count the same way from the same
code, whether the tables came from a file or from an open workbook. Scoring one workbook asks
for the same specialists, clients, jobs and contacts many times: within ``sharing()`` (as
``score_workbook`` runs) the helpers marked ``@shared`` work each one out once.

Definitions (fidelity.md), and what this module decides where the contract is silent:

- A client is a Caseload row; a Client ID that repeats counts once (its first row), since the
  duplicate-id rule flags the rest. A client is *active* when enrolled on or before the period's
  end and not closed before its start; *active on a day* when enrolled on or before that day and
  not closed before it (a client closed on the period's last day is still on the caseload that
  day). A row without a valid Enrollment Date is not active: it is flagged, and guessing its
  dates would move every figure that rests on clients.
- A specialist is a Staff row with Role Employment Specialist (FTE blank or unusable -> 1.0);
  without Staff, every distinct Caseload ``Employment Specialist`` name at FTE 1.0. A Staff tab
  with no named rows is treated as no Staff (the template ships an empty one).
- Names of people and of employers match after folding case and spacing (``name_key``): people
  type "Ann Lee", "ann  lee" and "AnnLee" for one person. Client IDs match as typed.
- A job is *held* in the period when it started on or before the end and had not ended before
  the start; *held on a day* when started on or before it and not ended before it; a *job
  start* is a job whose start date falls in the period.
- A job start *had benefits planning* when its client has a Benefits Referrals row (any status)
  dated on or before the start.
- An employer contact counts for a specialist when it is Face-to-Face, dated in the period, and
  logged under a name that folds to the specialist's. The rules count the same contacts week by
  week (``contacts_by_week``). Contacts logged under any other name (a
  supervisor, a typo the identity rules flag) count for no specialist and are left out of the
  contact rates; ``stray_contacts`` lists them so the item can say so.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from ipsxl.core import scale
from ipsxl.core import standard as std
from ipsxl.core.model import Parsed, Period

# columns of the specialists frame
NAME, FTE, SUPERVISOR, COMMUNITY, IPS_ONLY = "name", "fte", "supervisor", "community", "ips_only"
SERVICES = "services"  # Employment Services %
SPECIALIST_COLUMNS = (NAME, FTE, SUPERVISOR, COMMUNITY, IPS_ONLY, SERVICES)

CLIENT_ID = std.CLIENT_ID
ES = std.SPECIALIST
ES_ROLE = std.SPECIALIST_ROLE
DEFAULT_FTE = 1.0


@dataclass(frozen=True)
class Frames:
    """The typed tables the figures use; a tab missing from the workbook is None.

    Items tell "this tab is missing" from "this tab has nothing in the period", so the note on a
    null figure points the reader at the right fix.
    """

    caseload: pd.DataFrame | None
    staff: pd.DataFrame | None
    jobs: pd.DataFrame | None
    log: pd.DataFrame | None
    referrals: pd.DataFrame | None

    @classmethod
    def from_parsed(cls, ctx: Parsed) -> Frames:
        """The frames of a parsed workbook, None for absent tabs (and for an empty Staff tab)."""

        def tab(name: str) -> pd.DataFrame | None:
            return ctx.frames[name] if ctx.present(name) else None

        staff = tab(std.STAFF.name)
        if staff is not None and staff["Name"].notna().sum() == 0:
            staff = None
        return cls(
            caseload=tab(std.CASELOAD.name),
            staff=staff,
            jobs=tab(std.JOBS.name),
            log=tab(std.EMPLOYER_LOG.name),
            referrals=tab(std.BENEFITS_REFERRALS.name),
        )


# --- working each figure out once per workbook ---------------------------------------------------

_SHARED: ContextVar[dict[tuple, tuple] | None] = ContextVar("ipsxl_shared_figures", default=None)
_Helper = TypeVar("_Helper", bound=Callable[..., Any])


@contextmanager
def sharing() -> Iterator[None]:
    """Within the block, the helpers marked ``@shared`` work each result out once.

    One workbook's items, outcomes and per-specialist table ask for the same specialists,
    active clients, jobs and contact counts a dozen times over. Outside a block (a worksheet
    function, a test calling an item) every call computes afresh, as before. A block inside
    another shares the outer one's results: the rules and the scores of one workbook ask for
    the same specialists, benefits and referrals too.
    """
    if _SHARED.get() is not None:
        yield
        return
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(helper: _Helper) -> _Helper:
    """Remember ``helper``'s results inside ``sharing()``: by the identity of its frame and index
    arguments (kept alive with the result, so an identity is never reused) and the value of
    the others. Callers read the results and never change them in place."""

    @functools.wraps(helper)
    def remembering(*args: Any, **kwargs: Any) -> Any:
        memo = _SHARED.get()
        if memo is None or kwargs:
            return helper(*args, **kwargs)
        key = (
            helper,
            *(id(a) if isinstance(a, pd.DataFrame | pd.Series | pd.Index) else a for a in args),
        )
        if key not in memo:
            memo[key] = (helper(*args), args)
        return memo[key][0]

    return remembering  # type: ignore[return-value]


# --- small shared pieces ------------------------------------------------------------------------


def bounds(period: Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The period's first and last day as timestamps, to compare with the frames' date columns."""
    return pd.Timestamp(period.start), pd.Timestamp(period.end)


# A workbook's tabs hold a few dozen rows, where a pandas comparison or filter costs far more
# than the work it does; so the masks below are numpy arrays of a column's values, wrapped in a
# Series only where a caller needs one.


_DAYS = np.dtype("datetime64[us]")


def days_of(dates: pd.Series) -> np.ndarray:
    """A date column as a datetime64 array (NaT where blank), which compares with a day's
    ``np.datetime64`` as pandas compares them: NaT is before, after and equal to nothing."""
    days = dates.values  # (to_numpy costs several times more, for the same array)
    return days if days.dtype == _DAYS else days.astype(_DAYS)


def day_of(value: object) -> np.datetime64:
    """A day (a date or Timestamp) as a datetime64 in the date columns' unit (microseconds):
    compared with a finer one, numpy would cast the column to it, and a nanosecond column
    cannot hold a mistyped year such as 0226 or 9999."""
    return pd.Timestamp(value).as_unit("us").to_datetime64()


def whole_days(deltas: np.ndarray) -> np.ndarray:
    """Time between dates (a timedelta64 array) in whole days, NaN where a date is blank: the
    values pandas' ``.dt.days`` gives."""
    return np.floor(deltas / np.timedelta64(1, "D"))


def rows(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The rows of ``frame`` where ``mask`` (a bool array) holds, as a new frame, like a
    filter; when that is every row, as it is for most clients and jobs, a shallow copy (which
    pandas copies on write), far cheaper than a filter."""
    return frame.copy(deep=False) if mask.all() else frame[mask]


_SPACES = re.compile(r"\s+")


def distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``values`` as a code per row into its distinct values (-1 for a blank), and those values.

    A 50,000-row log names a few dozen people and a few thousand clients: a name is folded, an
    ID looked up or a row counted once per distinct value, and spread back to the rows through
    the codes (the rules use it too). Values other than text (which the typed frames do not
    hold) are not grouped, since 1, 1.0 and True are equal to Python but may key differently.
    """
    cells = values.to_numpy(dtype=object)
    codes, uniques = pd.factorize(cells)
    if len(uniques) and pd.api.types.infer_dtype(uniques, skipna=False) != "string":
        codes = np.where(pd.isna(cells), -1, np.arange(len(cells)))
        uniques = cells
    return codes, pd.Series(uniques, dtype=object)


def name_key(values: pd.Series) -> pd.Series:
    """Names folded for case and spacing (NA when blank), so one person or employer typed two
    ways is counted once. Punctuation is kept: "Acme, Inc." and "Acme Inc" stay two employers."""
    values = values if isinstance(values, pd.Series) else pd.Series(values)
    # folded once per distinct name and spread back by position; code -1 (a blank) and a name
    # that folds to nothing give NA. A workbook asks this of a dozen small columns, so plain
    # text (what the typed frames hold) skips pandas' string conversions, which cost more than
    # the folding.
    cells = values.to_numpy(dtype=object)
    codes, uniques = pd.factorize(cells)
    if len(uniques) and pd.api.types.infer_dtype(uniques, skipna=False) != "string":
        codes, typed = distinct(values)
        uniques = pd.array(typed.to_numpy(), dtype="string").to_numpy(dtype=object, na_value=pd.NA)
    folded = [
        pd.NA if name is pd.NA else _SPACES.sub("", name.casefold()) or pd.NA for name in uniques
    ]
    folded.append(pd.NA)  # what code -1 takes
    keys = np.array(folded, dtype=object).take(codes)
    return pd.Series(pd.arrays.StringArray(keys), index=values.index, name=values.name, copy=False)


def yes(values: pd.Series) -> pd.Series:
    """A yes/no column as plain bools, blank counting as not yes (the items count 'says yes')."""
    return pd.Series(said_yes(values), index=values.index, name=values.name, copy=False)


def said_yes(values: pd.Series) -> np.ndarray:
    """``yes`` as a bool array, to pick the records that say yes from another column."""
    return values.to_numpy(dtype=bool, na_value=False)


def in_period(dates: pd.Series, period: Period) -> pd.Series:
    """Dates within the period, both ends included; blank dates are not."""
    return pd.Series(in_period_mask(dates, period), index=dates.index, name=dates.name, copy=False)


def in_period_mask(dates: pd.Series, period: Period) -> np.ndarray:
    """``in_period`` as a bool array."""
    start, end = bounds(period)
    days = days_of(dates)
    return (days >= day_of(start)) & (days <= day_of(end))


# --- clients ------------------------------------------------------------------------------------


@shared
def clients(caseload: pd.DataFrame) -> pd.DataFrame:
    """One row per client: a repeated Client ID keeps its first row (the rest are flagged)."""
    ids = caseload[CLIENT_ID]
    return rows(caseload, ~(ids.duplicated().to_numpy() & ids.notna().to_numpy()))


def active_mask(caseload: pd.DataFrame, period: Period) -> pd.Series:
    """Per Caseload row: active in the period (enrolled on or before its end, not closed before
    its start). The rules judge rows with it, the figures clients."""
    return pd.Series(_active(caseload, period), index=caseload.index, copy=False)


def _active(caseload: pd.DataFrame, period: Period) -> np.ndarray:
    """``active_mask`` as a bool array."""
    start, end = bounds(period)
    enrolled = days_of(caseload["Enrollment Date"]) <= day_of(end)
    closed_before = days_of(caseload["Closed Date"]) < day_of(start)
    return enrolled & ~closed_before


@shared
def active_clients(caseload: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Clients enrolled on or before the period's end and not closed before its start."""
    people = clients(caseload)
    return rows(people, _active(people, period))


@shared
def clients_at_end(caseload: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Clients active on the period's last day: the caseload a specialist carries, which
    turnover during the period does not inflate."""
    return active_clients(caseload, Period(period.end, period.end))


def days_waiting(caseload: pd.DataFrame, until: pd.Timestamp) -> np.ndarray:
    """Per Caseload row (an array): the days from enrollment to ``until``, or to the closure
    when the client closed before it (NaN without an Enrollment Date). How long a client
    without a First Employer Contact has waited so far (rapid job search counts it; the
    slow-job-search warning judges it)."""
    until = day_of(until)
    closed = days_of(caseload["Closed Date"])
    stop = np.where(closed < until, closed, until)
    return whole_days(stop - days_of(caseload["Enrollment Date"]))


def caseload_counts(caseload: pd.DataFrame, period: Period, keys: pd.Index) -> pd.Series:
    """Clients active on the period's last day per specialist (by ``name_key``), 0 for none."""
    return per_specialist(clients_at_end(caseload, period)[ES], keys)


def active_counts(caseload: pd.DataFrame, period: Period, keys: pd.Index) -> pd.Series:
    """Clients active on any day of the period per specialist (by ``name_key``), 0 for none."""
    return per_specialist(active_clients(caseload, period)[ES], keys)


def per_specialist(names: pd.Series, keys: pd.Index) -> pd.Series:
    """How many of ``names`` (one per record) fold to each of ``keys``, 0 for none."""
    return _count_per_key(owner_positions(names, keys), keys)


def owner_positions(names: pd.Series, keys: pd.Index) -> np.ndarray:
    """Each record's specialist, by the name it gives (``names``, one per record), as a
    position in ``keys`` (distinct folded names), -1 for none: each distinct name is folded and
    looked up once."""
    codes, typed = distinct(names)
    return np.append(key_positions(keys, name_key(typed)), -1)[codes]


def _count_per_key(owners: np.ndarray, keys: pd.Index) -> pd.Series:
    """How many records each of ``keys`` has, from each record's position in ``keys`` (-1 for
    none), as a Series named count."""
    counts = np.bincount(owners[owners >= 0], minlength=len(keys))
    return pd.Series(counts, index=keys, name="count")


def key_positions(keys: pd.Index, folded: Iterable[object]) -> np.ndarray:
    """Where each of ``folded`` (``name_key`` values, NA for none) is in ``keys`` (distinct
    folded names), -1 where it is not: ``keys.get_indexer`` in plain Python, since matching a
    few names costs pandas far more than a dict."""
    at = {key: i for i, key in enumerate(keys)}
    return np.array(
        [at.get(key, -1) if isinstance(key, str) else -1 for key in folded], dtype=np.intp
    )


def specialist_caseload(caseload: pd.DataFrame, period: Period, specialist: str) -> int:
    """One specialist's clients active on the period's last day, named as in any tab (case and
    spacing do not matter)."""
    key = name_key(pd.Series([specialist])).iloc[0]
    return int(caseload_counts(caseload, period, pd.Index([key])).iloc[0])


# --- specialists --------------------------------------------------------------------------------


@shared
def specialists(staff: pd.DataFrame | None, caseload: pd.DataFrame | None) -> pd.DataFrame:
    """The employment specialists, indexed by ``name_key``: name, fte, supervisor (folded),
    community (Community Hours %), ips_only (nullable bool), services (Employment Services %).

    With Staff (not None): its Employment Specialist rows, FTE blank or out of range -> 1.0.
    Without: every distinct name in Caseload's Employment Specialist column at FTE 1.0, with no
    supervisor, community share or IPS Only answer, since nothing records them.
    """
    # built from the columns' arrays at the rows kept, in one frame: a Staff tab lists a few
    # people, where filtering and converting whole frames costs more than the figures
    if staff is not None:
        keys = name_key(staff["Name"])
        listed = staff["Role"].to_numpy(dtype=object) == ES_ROLE
        at = _first_of_each(keys, listed & staff["Name"].notna().to_numpy())
        fte = staff["FTE"].to_numpy(dtype=float)[at]
        columns = {
            NAME: staff["Name"].to_numpy(dtype=object)[at],
            FTE: np.where(np.isnan(fte), DEFAULT_FTE, fte),
            SUPERVISOR: name_key(staff["Supervisor"]).array[at],
            COMMUNITY: staff["Community Hours %"].to_numpy(dtype=float)[at],
            IPS_ONLY: staff["IPS Only"].astype("boolean").array[at],
            SERVICES: staff["Employment Services %"].to_numpy(dtype=float)[at],
        }
    else:
        names = caseload[ES] if caseload is not None else pd.Series([], dtype=object)
        keys = name_key(names)
        at = _first_of_each(keys, names.notna().to_numpy())
        columns = {
            NAME: names.to_numpy(dtype=object)[at],
            FTE: np.full(len(at), DEFAULT_FTE),
            SUPERVISOR: pd.array([pd.NA] * len(at), dtype="string"),
            COMMUNITY: np.full(len(at), np.nan),
            IPS_ONLY: pd.array([pd.NA] * len(at), dtype="boolean"),
            SERVICES: np.full(len(at), np.nan),
        }
    index = pd.Index(keys.array[at], name="key")
    return pd.DataFrame(
        {
            name: pd.Series(values, index=index, dtype=values.dtype, copy=False)
            for name, values in columns.items()
        },
        index=index,
        copy=False,
    )


def _first_of_each(keys: pd.Series, rows: np.ndarray) -> np.ndarray:
    """The positions of the ``rows`` (a bool array) with a key, the first row of each key."""
    at = np.flatnonzero(rows & keys.notna().to_numpy())
    return at[~pd.Index(keys.array[at]).duplicated()]


def specialist_fte(staff: pd.DataFrame | None, caseload: pd.DataFrame | None) -> float:
    """Sum of the specialists' FTE (0.0 when there are none)."""
    return float(specialists(staff, caseload)[FTE].sum())


def caseload_size(
    caseload: pd.DataFrame, staff: pd.DataFrame | None, period: Period
) -> float | None:
    """Clients active on the period's last day per specialist FTE (unrounded); None without
    specialists or such clients."""
    fte = specialist_fte(staff, caseload)
    active = len(clients_at_end(caseload, period))
    if fte <= 0 or active == 0:
        return None
    return active / fte


def services_share(specs: pd.DataFrame) -> pd.Series:
    """Per specialist, the share (0..100) of working time on employment services: Employment
    Services % where given, else 100 for IPS Only = yes; NaN where neither says (IPS Only = no
    tells that some time goes elsewhere, not how much)."""
    given = specs[SERVICES].to_numpy(dtype=float)
    fallback = np.where(said_yes(specs[IPS_ONLY]), 100.0, np.nan)
    share = np.where(np.isnan(given), fallback, given)
    return pd.Series(share, index=specs.index, name=SERVICES)


# --- jobs ---------------------------------------------------------------------------------------


@shared
def jobs_held(jobs: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Jobs held on at least one day of the period: started by its end, not ended before its
    start (a blank end date means still held)."""
    start, end = bounds(period)
    began = days_of(jobs["Job Start Date"]) <= day_of(end)
    ended_before = days_of(jobs["Job End Date"]) < day_of(start)
    return rows(jobs, began & ~ended_before)


def held_on(jobs: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Jobs held on ``day``: started on or before it, not ended before it."""
    day = day_of(day)
    began = days_of(jobs["Job Start Date"]) <= day
    return rows(jobs, began & ~(days_of(jobs["Job End Date"]) < day))


@shared
def job_starts(jobs: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Jobs whose Job Start Date falls in the period."""
    return rows(jobs, in_period_mask(jobs["Job Start Date"], period))


@shared
def employed(active: pd.DataFrame, jobs: pd.DataFrame, period: Period) -> pd.Series:
    """For each of the given (active) clients: holds a Competitive job on a day of the period."""
    held = jobs_held(jobs, period)
    working = held[CLIENT_ID][said_yes(held["Competitive"])].dropna()
    return active[CLIENT_ID].isin(set(working))


def employment_rate(
    caseload: pd.DataFrame, jobs: pd.DataFrame, period: Period, specialist: str | None = None
) -> float | None:
    """Share (0..1, unrounded) of active clients employed competitively in the period, for the
    program or for one specialist's caseload; None when there are no active clients."""
    active = active_clients(caseload, period)
    if specialist is not None:
        key = name_key(pd.Series([specialist])).iloc[0]
        active = active[name_key(active[ES]) == key]
    if len(active) == 0:
        return None
    return float(employed(active, jobs, period).mean())


@shared
def receives_benefits(caseload: pd.DataFrame) -> pd.Series:
    """Client ID -> whether the client's Caseload row says Receives Benefits = yes (a blank is
    not yes; a repeated Client ID speaks through its first row)."""
    people = clients(caseload)
    known = people[CLIENT_ID].notna().to_numpy()
    return pd.Series(said_yes(people["Receives Benefits"])[known], index=people[CLIENT_ID][known])


def referred_by_start(jobs: pd.DataFrame, referrals: pd.DataFrame) -> pd.Series:
    """Per job: its client has a Benefits Referrals row (any status) dated on or before the
    job's start."""
    first = days_of(first_referral(jobs, referrals))
    return pd.Series(first <= days_of(jobs[std.JOB_START]), index=jobs.index, copy=False)


@shared
def first_referral(jobs: pd.DataFrame, referrals: pd.DataFrame) -> pd.Series:
    """Per job: its client's earliest Benefits Referral date (NaT for none)."""
    first = earliest_referrals(referrals)
    return pd.Series(first.reindex(jobs[CLIENT_ID].to_numpy()).to_numpy(), index=jobs.index)


@shared
def earliest_referrals(referrals: pd.DataFrame) -> pd.Series:
    """Client ID -> the client's earliest Benefits Referral date, for the clients with one
    (the rules ask it of every job, the work incentives item of the job starts)."""
    ids = referrals[CLIENT_ID]
    known = ids.notna().to_numpy()
    return referrals["Referral Date"][known].groupby(ids[known], sort=False).min()


def start_contacts_met(jobs: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per job: whether the Pre-Start Contact lies within 7 days before the start, and whether
    the Post-Start Contact lies within 3 days after (both 0..N days, the start day counting for
    either; a blank contact does not meet it)."""
    start = days_of(jobs[std.JOB_START])
    before = whole_days(start - days_of(jobs["Pre-Start Contact"]))
    after = whole_days(days_of(jobs["Post-Start Contact"]) - start)
    return (
        pd.Series((before >= 0) & (before <= scale.PRE_START_DAYS), index=jobs.index),
        pd.Series((after >= 0) & (after <= scale.POST_START_DAYS), index=jobs.index),
    )


@shared
def job_owners(jobs: pd.DataFrame, caseload: pd.DataFrame) -> pd.Series:
    """Per job: the folded name of its client's specialist (NaN for a client missing from
    Caseload), to credit jobs to specialists (both diversity items ask it of the same jobs)."""
    return jobs[CLIENT_ID].map(client_specialist(caseload))


@shared
def client_specialist(caseload: pd.DataFrame) -> pd.Series:
    """Client ID -> the folded name of the client's specialist, to credit jobs to specialists."""
    people = clients(caseload)
    known = people[CLIENT_ID].notna().to_numpy()
    return pd.Series(
        name_key(people[ES]).to_numpy()[known], index=people[CLIENT_ID].to_numpy()[known]
    )


# --- employer contacts --------------------------------------------------------------------------


def face_to_face(log: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Face-to-Face Employer Log contacts dated in the period."""
    return log[face_to_face_rows(log, period)]


def is_face_to_face(log: pd.DataFrame) -> np.ndarray:
    """Which Employer Log rows are Face-to-Face contacts (a bool array)."""
    return log["Contact Type"].isin([std.FACE_TO_FACE]).to_numpy()  # (faster than ==)


@shared
def face_to_face_rows(log: pd.DataFrame, period: Period) -> np.ndarray:
    """Which Employer Log rows are Face-to-Face contacts dated in the period (a bool array:
    counting needs one column of them, and taking every column of 50,000 rows is slow)."""
    return is_face_to_face(log) & in_period_mask(log["Date"], period)


def contacts_by_week(
    log: pd.DataFrame,
    keys: pd.Index,
    start: pd.Timestamp,
    weeks: int,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """Face-to-face contacts per specialist (rows: ``keys``, folded names) and 7-day week from
    ``start`` (columns: weeks 0 .. ``weeks`` - 1), counted over the log's rows in one pass;
    ``rows`` (a bool array of face-to-face rows) narrows them, as to those dated in a period."""
    face = is_face_to_face(log) if rows is None else rows
    dates = log["Date"].to_numpy()[face]
    spec = owner_positions(log[ES][face], keys)
    dated = ~np.isnat(dates)
    week = np.full(len(dates), -1, dtype=np.int64)
    week[dated] = (dates[dated] - start.to_datetime64()) // np.timedelta64(1, "D") // 7
    counted = (spec >= 0) & (week >= 0) & (week < weeks)
    cells = np.bincount(spec[counted] * weeks + week[counted], minlength=len(keys) * weeks)
    return cells.reshape(len(keys), weeks)


@shared
def contact_counts(log: pd.DataFrame, period: Period, keys: pd.Index) -> pd.Series:
    """Face-to-face contacts in the period per specialist (by ``name_key``), 0 for none."""
    return per_specialist(log[ES][face_to_face_rows(log, period)], keys)


def contact_rates(log: pd.DataFrame, period: Period, keys: pd.Index) -> pd.Series:
    """Face-to-face contacts a week (unrounded) per specialist: contacts ÷ ``period.weeks``."""
    return contact_counts(log, period, keys) / period.weeks


def contacts_per_week(log: pd.DataFrame, period: Period, specialist: str) -> float:
    """One specialist's face-to-face employer contacts a week in the period (unrounded)."""
    key = name_key(pd.Series([specialist])).iloc[0]
    return float(contact_rates(log, period, pd.Index([key])).iloc[0])


def stray_contacts(log: pd.DataFrame, period: Period, keys: pd.Index) -> pd.Series:
    """Face-to-face contacts in the period logged under names that are no specialist's, counted
    per name as typed (first spelling), so the employer-contact item can say what it left out."""
    names = log[ES][face_to_face_rows(log, period)]
    codes, typed = distinct(names)
    elsewhere = np.append(~name_key(typed).isin(keys).to_numpy(), True)  # -1: a blank name
    return names[elsewhere[codes]].fillna("(blank)").value_counts()
