"""The twelve IPS-25 items a workbook's data supports: one small function per item.

Each function takes the workbook's ``Frames`` and the reporting ``Period`` and returns an
``Item`` whose target and basis come from ``scale.BANDS_BY_ID`` and whose score comes from
``scale.score``: the banding lives there, not here. A value is shown rounded to one place with
the very rounding the bands use, so the figure a reader sees always lands in the band of its
score. Without data an item is null with a note saying why, never 0.

Decisions where fidelity.md is silent:

- Yes/no columns count "says yes" (IPS Only, Client Preference, Competitive): a blank counts as
  not yes, as the contract's wording has it, and the note says how many were blank; a column
  blank for every record is no data, so the item is null rather than 0.
- Text and percent columns that an item reads (Job Type, Employer, Community Hours %) leave
  blank records out of the figure altogether, since a blank says nothing either way.
- Job types are folded for case and spacing like employers ("Retail" and "retail" are one type).
- ``rapid_job_search``: a first contact dated before enrollment counts as 0 days.
- ``follow_along``: "within 7 days before" is 0..7 days before the start (the start day
  included), "within 3 days after" is 0..3 days after.
- ``community_based``: the mean is over the employment specialists, whose time in the community
  the IPS-25 item is about; supervisors and others are not in it.
- ``supervisor_ratio``: a team is the specialists whose Staff Supervisor names the same person
  (whether or not that person has a Staff row); specialists naming no one are in no team.
- ``caseload_size`` divides every active client, whoever Caseload names as their specialist,
  by the specialists' FTE: a client under a name that is no specialist still needs serving.
- ``employer_contacts`` is not adjusted for FTE: the scale asks six contacts a week of each
  specialist. Contacts under other names are left out, and the note says how many.
- ``work_incentives_planning`` counts a referral of any Status; job starts by clients missing
  from Caseload are left out (nothing says whether they receive benefits).
- The few-records warning is given to every item resting on jobs or job starts when n < 10,
  the two indicators included.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ipsxl import scale
from ipsxl.fidelity import population as pop
from ipsxl.fidelity.population import Frames
from ipsxl.model import Item, Period

FEW_RECORDS = 10
NO_STAFF = "no Staff tab (or it lists no one)"

ItemFunction = Callable[[Frames, Period], Item]


# --- building items -----------------------------------------------------------------------------


def make_item(item_id: str, value: float | None, n: int, *notes: str) -> Item:
    """An item with its band's target and basis, its value rounded as the bands round it, and
    the score of that value; notes that are empty are dropped."""
    band = scale.BANDS_BY_ID[item_id]
    shown = None if value is None else scale.round1(float(value))
    note = ". ".join(n_ for n_ in notes if n_)
    return Item(item_id, shown, band.target, scale.score(item_id, shown), int(n), band.basis, note)


def null_item(item_id: str, why: str, n: int = 0) -> Item:
    """An item without data: value and score null, and the note says why."""
    return make_item(item_id, None, n, why)


def plural(count: int, word: str) -> str:
    """'1 job', '4 jobs': notes are read by people."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def few_records(n: int, what: str) -> str:
    """The warning for an item scored on fewer than ``FEW_RECORDS`` records ('' otherwise)."""
    if n >= FEW_RECORDS:
        return ""
    return f"rests on only {plural(n, what)}; fewer than {FEW_RECORDS}"


def blank_note(blank: int, column: str, records: str, treated: str) -> str:
    """Says how many ``records`` ('12 jobs held') had ``column`` blank and how they were
    treated ('' for none)."""
    if blank == 0:
        return ""
    return f"{column} blank for {blank} of {records}; {treated}"


def percent(part: float, whole: float) -> float:
    """``part`` as a percentage (0..100) of ``whole``, which callers ensure is positive."""
    return 100.0 * float(part) / float(whole)


def _no_specialists(frames: Frames) -> str:
    if frames.staff is not None:
        return "no Employment Specialist in Staff"
    return "no Staff tab and no specialist named in Caseload"


def _staff_specialists(frames: Frames) -> pd.DataFrame | str:
    """The specialists of the Staff tab, or why an item that rests on Staff has no value."""
    if frames.staff is None:
        return NO_STAFF
    specs = pop.specialists(frames.staff, frames.caseload)
    return _no_specialists(frames) if specs.empty else specs


# --- Staffing -----------------------------------------------------------------------------------


def caseload_size(frames: Frames, period: Period) -> Item:
    """Staffing 1: active clients per specialist FTE (n = active clients)."""
    iid = "caseload_size"
    if frames.caseload is None:
        return null_item(iid, "no Caseload tab")
    specs = pop.specialists(frames.staff, frames.caseload)
    if specs.empty:
        return null_item(iid, _no_specialists(frames))
    active = len(pop.active_clients(frames.caseload, period))
    if active == 0:
        return null_item(iid, "no active clients in the period")
    assumed = (
        ""
        if frames.staff is not None
        else ("no Staff tab: each specialist named in Caseload counted at FTE 1.0")
    )
    return make_item(iid, active / specs[pop.FTE].sum(), active, assumed)


def employment_services_staff(frames: Frames, period: Period) -> Item:
    """Staffing 2: % of specialist FTE whose Staff row says IPS Only = yes (n = specialists)."""
    iid = "employment_services_staff"
    specs = _staff_specialists(frames)
    if isinstance(specs, str):
        return null_item(iid, specs)
    answered = specs[pop.IPS_ONLY].notna()
    if not answered.any():
        return null_item(iid, "IPS Only is blank for every specialist")
    fte = specs[pop.FTE]
    value = percent(fte[pop.yes(specs[pop.IPS_ONLY])].sum(), fte.sum())
    blanks = blank_note(
        int((~answered).sum()),
        "IPS Only",
        plural(len(specs), "specialist"),
        "counted as not IPS only",
    )
    return make_item(iid, value, len(specs), blanks)


# --- Organization -------------------------------------------------------------------------------


def supervisor_ratio(frames: Frames, period: Period) -> Item:
    """Organization 5 (indicator): specialists in the largest team of one supervisor
    (n = specialists whose Staff row names a supervisor)."""
    iid = "supervisor_ratio"
    specs = _staff_specialists(frames)
    if isinstance(specs, str):
        return null_item(iid, specs)
    named = specs[pop.SUPERVISOR].notna()
    if not named.any():
        return null_item(iid, "no specialist's Staff row names a supervisor")
    largest = int(specs.loc[named, pop.SUPERVISOR].value_counts().max())
    unsupervised = int((~named).sum())
    note = (
        ""
        if unsupervised == 0
        else (f"{plural(unsupervised, 'specialist')} with no supervisor named, in no team")
    )
    return make_item(iid, largest, int(named.sum()), note)


# --- Services -----------------------------------------------------------------------------------


def rapid_job_search(frames: Frames, period: Period) -> Item:
    """Services 4: mean days from enrollment to first employer contact, over clients enrolled
    in the period or the 12 months before its end (n = those with a first contact)."""
    iid = "rapid_job_search"
    if frames.caseload is None:
        return null_item(iid, "no Caseload tab")
    start, end = pop.bounds(period)
    since = min(start, end - pd.DateOffset(months=pop.RAPID_SEARCH_MONTHS) + pd.Timedelta(days=1))
    people = pop.clients(frames.caseload)
    recent = people[people["Enrollment Date"].between(since, end)]
    if recent.empty:
        return null_item(iid, "no client enrolled in the period or the 12 months before its end")
    contacted = recent[recent["First Employer Contact"].notna()]
    if contacted.empty:
        return null_item(
            iid,
            "no client enrolled in the period or the 12 months before its end "
            "has a First Employer Contact",
        )
    days = (contacted["First Employer Contact"] - contacted["Enrollment Date"]).dt.days
    waiting = len(recent) - len(contacted)
    note = (
        ""
        if waiting == 0
        else (
            f"{plural(waiting, 'client')} enrolled then with no first employer contact yet, "
            "not counted"
        )
    )
    return make_item(iid, float(days.clip(lower=0).mean()), len(contacted), note)


def individualized_job_search(frames: Frames, period: Period) -> Item:
    """Services 5: % of client-specific Employer Log contacts in the period with Client
    Preference = yes (n = those contacts)."""
    iid = "individualized_job_search"
    if frames.log is None:
        return null_item(iid, "no Employer Log tab")
    log = frames.log
    about = log[pop.in_period(log["Date"], period) & log[pop.CLIENT_ID].notna()]
    if about.empty:
        return null_item(iid, "no Employer Log contact in the period names a client")
    answered = about["Client Preference"].notna()
    if not answered.any():
        return null_item(
            iid, "Client Preference is blank for every client-specific contact", len(about)
        )
    value = percent(pop.yes(about["Client Preference"]).sum(), len(about))
    blanks = blank_note(
        int((~answered).sum()),
        "Client Preference",
        plural(len(about), "contact"),
        "counted as not preferred",
    )
    return make_item(iid, value, len(about), blanks)


def employer_contacts(frames: Frames, period: Period) -> Item:
    """Services 6: the mean of the specialists' weekly face-to-face employer contact rates,
    each specialist counted (0 contacts included) (n = contacts counted)."""
    iid = "employer_contacts"
    if frames.log is None:
        return null_item(iid, "no Employer Log tab")
    if frames.log.empty:
        return null_item(iid, "the Employer Log has no rows")
    specs = pop.specialists(frames.staff, frames.caseload)
    if specs.empty:
        return null_item(iid, _no_specialists(frames))
    counts = pop.contact_counts(frames.log, period, specs.index)
    value = float((counts / period.weeks).mean())
    return make_item(iid, value, int(counts.sum()), _stray_note(frames.log, period, specs.index))


def _stray_note(log: pd.DataFrame, period: Period, keys: pd.Index) -> str:
    """Says how many face-to-face contacts were logged under names that are no specialist's."""
    stray = pop.stray_contacts(log, period, keys)
    if stray.empty:
        return ""
    names = ", ".join(str(n) for n in stray.index[:3]) + (", ..." if len(stray) > 3 else "")
    return (
        f"{plural(int(stray.sum()), 'face-to-face contact')} logged by names that are no "
        f"specialist's ({names}), not counted"
    )


def _jobs_or_null(iid: str, frames: Frames, period: Period) -> pd.DataFrame | Item:
    """Jobs held in the period, or the null item saying why there are none."""
    if frames.jobs is None:
        return null_item(iid, "no Jobs tab")
    held = pop.jobs_held(frames.jobs, period)
    if held.empty:
        return null_item(iid, "no jobs held in the period")
    return held


def _distinct_share(iid: str, column: str, frames: Frames, period: Period) -> Item:
    """% of distinct values of ``column`` (folded for case and spacing) among jobs held in the
    period that record one (n = those jobs)."""
    held = _jobs_or_null(iid, frames, period)
    if isinstance(held, Item):
        return held
    keys = pop.name_key(held[column]).dropna()
    if keys.empty:
        return null_item(iid, f"{column} is blank for every job held in the period")
    blanks = blank_note(
        len(held) - len(keys), column, plural(len(held), "job") + " held", "not counted"
    )
    return make_item(
        iid, percent(keys.nunique(), len(keys)), len(keys), few_records(len(keys), "job"), blanks
    )


def diversity_job_types(frames: Frames, period: Period) -> Item:
    """Services 8: % of distinct Job Types among jobs held in the period."""
    return _distinct_share("diversity_job_types", "Job Type", frames, period)


def diversity_employers(frames: Frames, period: Period) -> Item:
    """Services 9: % of distinct Employers among jobs held in the period."""
    return _distinct_share("diversity_employers", "Employer", frames, period)


def competitive_jobs(frames: Frames, period: Period) -> Item:
    """Services 10: % of jobs held in the period with Competitive = yes (n = jobs held)."""
    iid = "competitive_jobs"
    held = _jobs_or_null(iid, frames, period)
    if isinstance(held, Item):
        return held
    answered = held["Competitive"].notna()
    if not answered.any():
        return null_item(iid, "Competitive is blank for every job held in the period", len(held))
    value = percent(pop.yes(held["Competitive"]).sum(), len(held))
    blanks = blank_note(
        int((~answered).sum()),
        "Competitive",
        plural(len(held), "job") + " held",
        "counted as not competitive",
    )
    return make_item(iid, value, len(held), few_records(len(held), "job"), blanks)


def follow_along(frames: Frames, period: Period) -> Item:
    """Services 12 (indicator): % of job starts in the period with a Pre-Start Contact 0-7 days
    before the start and a Post-Start Contact 0-3 days after it (n = job starts)."""
    iid = "follow_along"
    if frames.jobs is None:
        return null_item(iid, "no Jobs tab")
    starts = pop.job_starts(frames.jobs, period)
    if starts.empty:
        return null_item(iid, "no job starts in the period")
    met = follow_along_met(starts)
    return make_item(
        iid, percent(met.sum(), len(starts)), len(starts), few_records(len(starts), "job start")
    )


def follow_along_met(jobs: pd.DataFrame) -> pd.Series:
    """Per job: a Pre-Start Contact within 7 days before the start and a Post-Start Contact
    within 3 days after (both days counted inclusively); a blank contact fails."""
    start = jobs["Job Start Date"]
    before = (start - jobs["Pre-Start Contact"]).dt.days.between(0, 7)
    after = (jobs["Post-Start Contact"] - start).dt.days.between(0, 3)
    return before & after


def community_based(frames: Frames, period: Period) -> Item:
    """Services 13: FTE-weighted mean of the specialists' Community Hours % (n = specialists
    with a value)."""
    iid = "community_based"
    specs = _staff_specialists(frames)
    if isinstance(specs, str):
        return null_item(iid, specs)
    known = specs[specs[pop.COMMUNITY].notna()]
    if known.empty:
        return null_item(iid, "Community Hours % is blank for every specialist")
    fte = known[pop.FTE]
    value = float((known[pop.COMMUNITY] * fte).sum() / fte.sum())
    blanks = blank_note(
        len(specs) - len(known),
        "Community Hours %",
        plural(len(specs), "specialist"),
        "not counted",
    )
    return make_item(iid, value, len(known), blanks)


def work_incentives_planning(frames: Frames, period: Period) -> Item:
    """Services 1 (indicator): % of job starts in the period by clients who receive benefits
    that have a Benefits Referral dated on or before the start (n = those job starts)."""
    iid = "work_incentives_planning"
    if frames.jobs is None:
        return null_item(iid, "no Jobs tab")
    if frames.caseload is None:
        return null_item(iid, "no Caseload tab")
    if frames.referrals is None:
        return null_item(iid, "no Benefits Referrals tab")
    starts = pop.job_starts(frames.jobs, period)
    if starts.empty:
        return null_item(iid, "no job starts in the period")
    people = pop.clients(frames.caseload)
    on_benefits = people.loc[pop.yes(people["Receives Benefits"]), pop.CLIENT_ID]
    starts = starts[starts[pop.CLIENT_ID].isin(set(on_benefits.dropna()))]
    if starts.empty:
        return null_item(iid, "no job starts in the period by clients who receive benefits")
    planned = referred_before_start(starts, frames.referrals)
    return make_item(
        iid, percent(planned.sum(), len(starts)), len(starts), few_records(len(starts), "job start")
    )


def referred_before_start(jobs: pd.DataFrame, referrals: pd.DataFrame) -> pd.Series:
    """Per job: its client has a Benefits Referral dated on or before the job's start."""
    first = referrals.dropna(subset=[pop.CLIENT_ID]).groupby(pop.CLIENT_ID)["Referral Date"].min()
    # reindex, not Series.map: mapping through an empty date Series fails under pandas 3
    referred = pd.Series(first.reindex(jobs[pop.CLIENT_ID]).to_numpy(), index=jobs.index)
    return (referred <= jobs["Job Start Date"]).fillna(False).astype(bool)


# --- all items ----------------------------------------------------------------------------------

ITEM_FUNCTIONS: dict[str, ItemFunction] = {
    "caseload_size": caseload_size,
    "employment_services_staff": employment_services_staff,
    "supervisor_ratio": supervisor_ratio,
    "work_incentives_planning": work_incentives_planning,
    "rapid_job_search": rapid_job_search,
    "individualized_job_search": individualized_job_search,
    "employer_contacts": employer_contacts,
    "diversity_job_types": diversity_job_types,
    "diversity_employers": diversity_employers,
    "competitive_jobs": competitive_jobs,
    "follow_along": follow_along,
    "community_based": community_based,
}


def score_items(frames: Frames, period: Period | None) -> list[Item]:
    """Every computed item, in the scale's order; all null without a reporting period."""
    if period is None:
        return [null_item(iid, "no reporting period") for iid in scale.COMPUTED_IDS]
    return [ITEM_FUNCTIONS[iid](frames, period) for iid in scale.COMPUTED_IDS]
