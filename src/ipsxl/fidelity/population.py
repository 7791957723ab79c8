"""Who and what the fidelity figures count: clients, specialists, jobs, employer contacts.

Every helper here takes plain typed frames (standard column names and types, as
``Parsed.frames`` holds them; any index) and a ``Period``, never a whole ``Parsed``. So the
report, the Fidelity sheet and Excel worksheet functions all count the same way from the same
code, whether the tables came from a file or from an open workbook.

Definitions (fidelity.md), and what this module decides where the contract is silent:

- A client is a Caseload row; a Client ID that repeats counts once (its first row), since the
  duplicate-id rule flags the rest. A client is *active* when enrolled on or before the period's
  end and not closed before its start. A row without a valid Enrollment Date is not active: it
  is flagged, and guessing its dates would move every figure that rests on clients.
- A specialist is a Staff row with Role Employment Specialist (FTE blank or unusable -> 1.0);
  without Staff, every distinct Caseload ``Employment Specialist`` name at FTE 1.0. A Staff tab
  with no named rows is treated as no Staff (the template ships an empty one).
- Names of people and of employers match after folding case and spacing (``name_key``): people
  type "Ann Lee", "ann  lee" and "AnnLee" for one person. Client IDs match as typed.
- A job is *held* in the period when it started on or before the end and had not ended before
  the start; a *job start* is a job whose start date falls in the period.
- An employer contact counts for a specialist when it is Face-to-Face, dated in the period, and
  logged under a name that folds to the specialist's. Contacts logged under any other name (a
  supervisor, a typo the identity rules flag) count for no specialist and are left out of the
  contact rates; ``stray_contacts`` lists them so the item can say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ipsxl import standard as std
from ipsxl.model import Parsed, Period

# columns of the specialists frame
NAME, FTE, SUPERVISOR, COMMUNITY, IPS_ONLY = "name", "fte", "supervisor", "community", "ips_only"
SPECIALIST_COLUMNS = (NAME, FTE, SUPERVISOR, COMMUNITY, IPS_ONLY)

CLIENT_ID = "Client ID"
ES = "Employment Specialist"
ES_ROLE = std.SPECIALIST_ROLE
DEFAULT_FTE = 1.0
RAPID_SEARCH_MONTHS = 12


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


# --- small shared pieces ------------------------------------------------------------------------


def bounds(period: Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The period's first and last day as timestamps, to compare with the frames' date columns."""
    return pd.Timestamp(period.start), pd.Timestamp(period.end)


_SPACES = re.compile(r"\s+")


def name_key(values: pd.Series) -> pd.Series:
    """Names folded for case and spacing (NA when blank), so one person or employer typed two
    ways is counted once. Punctuation is kept: "Acme, Inc." and "Acme Inc" stay two employers."""
    text = pd.Series(values, dtype="string")
    # folded once per distinct name, not per row (a log of 50,000 rows names a few dozen)
    codes, distinct = pd.factorize(text)
    folded = [_SPACES.sub("", name.casefold()) for name in distinct] + [None]  # -1: blank
    key = pd.Series(pd.array(np.array(folded, dtype=object)[codes], dtype="string"),
                    index=text.index, name=text.name)
    return key.mask(key == "")


def yes(values: pd.Series) -> pd.Series:
    """A yes/no column as plain bools, blank counting as not yes (the items count 'says yes')."""
    return values.fillna(False).astype(bool)


def in_period(dates: pd.Series, period: Period) -> pd.Series:
    """Dates within the period, both ends included; blank dates are not."""
    start, end = bounds(period)
    return dates.between(start, end)


# --- clients ------------------------------------------------------------------------------------


def clients(caseload: pd.DataFrame) -> pd.DataFrame:
    """One row per client: a repeated Client ID keeps its first row (the rest are flagged)."""
    ids = caseload[CLIENT_ID]
    return caseload[~(ids.duplicated() & ids.notna())]


def active_clients(caseload: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Clients enrolled on or before the period's end and not closed before its start."""
    start, end = bounds(period)
    people = clients(caseload)
    enrolled = people["Enrollment Date"] <= end
    closed_before = people["Closed Date"] < start
    return people[enrolled & ~closed_before]


def caseload_counts(caseload: pd.DataFrame, period: Period, keys: pd.Index) -> pd.Series:
    """Active clients per specialist (by ``name_key``), 0 for a specialist with none."""
    active = active_clients(caseload, period)
    return name_key(active[ES]).value_counts().reindex(keys, fill_value=0).astype(int)


def specialist_caseload(caseload: pd.DataFrame, period: Period, specialist: str) -> int:
    """Active clients of one specialist, named as in any tab (case and spacing do not matter)."""
    key = name_key(pd.Series([specialist])).iloc[0]
    return int(caseload_counts(caseload, period, pd.Index([key])).iloc[0])


# --- specialists --------------------------------------------------------------------------------


def specialists(staff: pd.DataFrame | None, caseload: pd.DataFrame | None) -> pd.DataFrame:
    """The employment specialists, indexed by ``name_key``: name, fte, supervisor (folded),
    community (Community Hours %), ips_only (nullable bool).

    With Staff (not None): its Employment Specialist rows, FTE blank or out of range -> 1.0.
    Without: every distinct name in Caseload's Employment Specialist column at FTE 1.0, with no
    supervisor, community share or IPS Only answer, since nothing records them.
    """
    if staff is not None:
        rows = staff[(staff["Role"] == ES_ROLE) & staff["Name"].notna()]
        frame = pd.DataFrame({
            NAME: rows["Name"].astype(object),
            FTE: rows["FTE"].fillna(DEFAULT_FTE).astype(float),
            SUPERVISOR: name_key(rows["Supervisor"]),
            COMMUNITY: rows["Community Hours %"].astype(float),
            IPS_ONLY: rows["IPS Only"].astype("boolean"),
        })
        frame.index = pd.Index(name_key(rows["Name"]), name="key")
    else:
        names = caseload[ES] if caseload is not None else pd.Series([], dtype=object)
        names = names[names.notna()]
        frame = pd.DataFrame({
            NAME: names.astype(object),
            FTE: DEFAULT_FTE,
            SUPERVISOR: pd.Series(pd.NA, index=names.index, dtype="string"),
            COMMUNITY: float("nan"),
            IPS_ONLY: pd.Series(pd.NA, index=names.index, dtype="boolean"),
        })
        frame.index = pd.Index(name_key(names), name="key")
    frame = frame[frame.index.notna()]
    return frame[~frame.index.duplicated()]


def specialist_fte(staff: pd.DataFrame | None, caseload: pd.DataFrame | None) -> float:
    """Sum of the specialists' FTE (0.0 when there are none)."""
    return float(specialists(staff, caseload)[FTE].sum())


def caseload_size(
    caseload: pd.DataFrame, staff: pd.DataFrame | None, period: Period
) -> float | None:
    """Active clients per specialist FTE (unrounded); None without specialists or clients."""
    fte = specialist_fte(staff, caseload)
    active = len(active_clients(caseload, period))
    if fte <= 0 or active == 0:
        return None
    return active / fte


# --- jobs ---------------------------------------------------------------------------------------


def jobs_held(jobs: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Jobs held on at least one day of the period: started by its end, not ended before its
    start (a blank end date means still held)."""
    start, end = bounds(period)
    began = jobs["Job Start Date"] <= end
    ended_before = jobs["Job End Date"] < start
    return jobs[began & ~ended_before]


def job_starts(jobs: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Jobs whose Job Start Date falls in the period."""
    return jobs[in_period(jobs["Job Start Date"], period)]


def employed(active: pd.DataFrame, jobs: pd.DataFrame, period: Period) -> pd.Series:
    """For each of the given (active) clients: holds a Competitive job on a day of the period."""
    held = jobs_held(jobs, period)
    working = held.loc[yes(held["Competitive"]), CLIENT_ID].dropna()
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


def client_specialist(caseload: pd.DataFrame) -> pd.Series:
    """Client ID -> the folded name of the client's specialist, to credit jobs to specialists."""
    people = clients(caseload)
    people = people[people[CLIENT_ID].notna()]
    return pd.Series(name_key(people[ES]).to_numpy(), index=people[CLIENT_ID].to_numpy())


# --- employer contacts --------------------------------------------------------------------------


def face_to_face(log: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Face-to-Face Employer Log contacts dated in the period."""
    return log[(log["Contact Type"] == std.FACE_TO_FACE) & in_period(log["Date"], period)]


def contact_counts(log: pd.DataFrame, period: Period, keys: pd.Index) -> pd.Series:
    """Face-to-face contacts in the period per specialist (by ``name_key``), 0 for none."""
    counts = name_key(face_to_face(log, period)[ES]).value_counts()
    return counts.reindex(keys, fill_value=0).astype(int)


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
    f2f = face_to_face(log, period)
    stray = f2f[~name_key(f2f[ES]).isin(keys)]
    return stray[ES].fillna("(blank)").value_counts()
