"""The twelve IPS-25 items a workbook's data supports: one small function per item.

Each function takes the workbook's ``Frames`` and the reporting ``Period`` and returns an
``Item`` whose target and basis come from ``scale.BANDS_BY_ID`` and whose score comes from
``scale.score``: the banding lives there, not here. The value is kept as computed; faces show
it to one decimal, and no rounding decides a score. The three indicators (supervisor ratio,
follow-along, work incentives planning) carry what their figure suggests and no score, so no
total counts them: the reviewer scores those items. Without data an item is null with a note
saying why, never 0.

Decisions where fidelity.md is silent:

- Yes/no columns count "says yes" (Client Preference, Competitive): a blank counts as not yes,
  as the contract's wording has it, and the note says how many were blank; a column blank for
  every record is no data, so the item is null rather than 0.
- Text and percent columns that an item reads (Job Type, Employer, Community Hours %,
  Employment Services %) leave blank records out of the figure altogether, since a blank says
  nothing either way.
- Job types are folded for case and spacing like employers ("Retail" and "retail" are one type).
- ``caseload_size`` divides every client active on the period's last day, whoever Caseload
  names as their specialist, by the specialists' FTE: a client under a name that is no
  specialist still needs serving. The note names the largest caseload per FTE.
- ``rapid_job_search``: a first contact dated before enrollment counts as 0 days. A client
  still waiting counts with the days from enrollment to the period's end; one closed without a
  first contact counts the days until the closure, when they stopped waiting.
- ``employer_contacts`` is not adjusted for FTE: the scale asks six contacts a week of each
  specialist. Contacts under other names are left out, and the note says how many.
- ``diversity_*``: a job belongs to the specialist of its client (Caseload); jobs of clients
  under no specialist's name are left out, and the note says how many.
- ``community_based`` and ``employment_services_staff``: the means are over the employment
  specialists, whose time the IPS-25 items are about; supervisors and others are not in them.
- ``supervisor_ratio``: a team is the specialists whose Staff Supervisor names the same person
  (whether or not that person has a Staff row); specialists naming no one are in no team.
- ``work_incentives_planning`` counts a referral of any Status; job starts by clients missing
  from Caseload are left out (nothing says whether they receive benefits).
- The few-records warning is given to every item resting on jobs or job starts when n < 10,
  the two indicators included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
import pandas as pd

from ipsxl.core import scale
from ipsxl.core.fidelity import population as pop
from ipsxl.core.fidelity.population import Frames
from ipsxl.core.model import Item, Period

FEW_RECORDS = scale.FEW_RECORDS
NO_STAFF = "no Staff tab (or it lists no one)"

ItemFunction = Callable[[Frames, Period], Item]


# --- building items -----------------------------------------------------------------------------


def make_item(item_id: str, value: float | None, n: int, *notes: str) -> Item:
    """An item with its band's target and basis, its value as computed, and the score of that
    value (for an indicator, what it suggests); notes that are empty are dropped."""
    band = scale.BANDS_BY_ID[item_id]
    value = None if value is None else float(value)
    note = ". ".join(n_ for n_ in notes if n_)
    suggests = scale.points(item_id, value) if scale.is_indicator(item_id) else None
    return Item(
        item_id,
        value,
        band.target,
        scale.score(item_id, value),
        int(n),
        band.basis,
        note,
        suggests,
    )


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
    """Staffing 1: clients active on the period's last day per specialist FTE (n = those
    clients); the note names the largest caseload per FTE."""
    iid = "caseload_size"
    if frames.caseload is None:
        return null_item(iid, "no Caseload tab")
    specs = pop.specialists(frames.staff, frames.caseload)
    if specs.empty:
        return null_item(iid, _no_specialists(frames))
    on_last_day = len(pop.clients_at_end(frames.caseload, period))
    if on_last_day == 0:
        return null_item(iid, "no client active on the period's last day")
    assumed = (
        ""
        if frames.staff is not None
        else "no Staff tab: each specialist named in Caseload counted at FTE 1.0"
    )
    return make_item(
        iid,
        on_last_day / specs[pop.FTE].sum(),
        on_last_day,
        f"clients active on {period.end.isoformat()}",
        _largest_caseload(frames.caseload, specs, period),
        assumed,
    )


def _largest_caseload(caseload: pd.DataFrame, specs: pd.DataFrame, period: Period) -> str:
    """Names the specialist with the largest caseload per FTE (the scale's maximum caseload
    is about any one specialist, which a program-wide mean can hide)."""
    counts = pop.caseload_counts(caseload, period, specs.index)
    per_fte = counts / specs[pop.FTE]
    key = per_fte.idxmax()
    return (
        f"largest caseload per FTE: {specs.at[key, pop.NAME]}, {per_fte[key]:.1f}"
        f" ({plural(int(counts[key]), 'client')} at FTE {specs.at[key, pop.FTE]:g})"
    )


def employment_services_staff(frames: Frames, period: Period) -> Item:
    """Staffing 2: FTE-weighted mean of the specialists' share of time on employment services
    (Employment Services %, else IPS Only = yes as 100) (n = specialists with a share)."""
    iid = "employment_services_staff"
    specs = _staff_specialists(frames)
    if isinstance(specs, str):
        return null_item(iid, specs)
    share = pop.services_share(specs)
    known = share.notna()
    if not known.any():
        return null_item(
            iid, "Employment Services % is blank (and IPS Only not yes) for every specialist"
        )
    fte = specs.loc[known, pop.FTE]
    value = float((share[known] * fte).sum() / fte.sum())
    from_ips_only = int((specs[pop.SERVICES].isna() & known).sum())
    fallback = (
        ""
        if from_ips_only == 0
        else f"{plural(from_ips_only, 'specialist')} without Employment Services %"
        " counted at 100% for IPS Only = yes"
    )
    blanks = blank_note(
        int((~known).sum()),
        "Employment Services %",
        plural(len(specs), "specialist"),
        "not counted (IPS Only = no or blank does not say how much time)",
    )
    return make_item(iid, value, int(known.sum()), fallback, blanks)


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
    teams = Counter(specs[pop.SUPERVISOR].to_numpy(dtype=object)[named.to_numpy()])
    largest = max(teams.values())
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
    in the period or the 12 months before its end; a client still waiting counts with the days
    waited so far, so a stalled caseload cannot look rapid (n = clients enrolled then)."""
    iid = "rapid_job_search"
    if frames.caseload is None:
        return null_item(iid, "no Caseload tab")
    start, end = pop.bounds(period)
    months = scale.RAPID_SEARCH_MONTHS
    since = min(start, end - pd.DateOffset(months=months) + pd.Timedelta(days=1))
    people = pop.clients(frames.caseload)
    enrolled = pop.days_of(people["Enrollment Date"])
    recent = (enrolled >= pop.day_of(since)) & (enrolled <= pop.day_of(end))
    if not recent.any():
        return null_item(
            iid, f"no client enrolled in the period or the {months} months before its end"
        )
    first = pop.days_of(people["First Employer Contact"])[recent]
    waiting = np.isnat(first)
    # still waiting: the days so far, to the period's end (or to the closure, if closed)
    contacted = pop.whole_days(first - enrolled[recent])
    waited = pop.days_waiting(people, end)[recent]
    days = pd.Series(np.where(waiting, waited, contacted)).clip(lower=0)
    note = (
        ""
        if not waiting.any()
        else f"{plural(int(waiting.sum()), 'client')} still waiting for a first employer"
        f" contact, counted with the days waited by {period.end.isoformat()} (or closure)"
    )
    return make_item(iid, float(days.mean()), int(recent.sum()), note)


def individualized_job_search(frames: Frames, period: Period) -> Item:
    """Services 5: % of client-specific Employer Log contacts in the period with Client
    Preference = yes (n = those contacts)."""
    iid = "individualized_job_search"
    if frames.log is None:
        return null_item(iid, "no Employer Log tab")
    log = frames.log
    about = pop.in_period_mask(log["Date"], period) & log[pop.CLIENT_ID].notna().to_numpy()
    n = int(about.sum())
    if n == 0:
        return null_item(iid, "no Employer Log contact in the period names a client")
    preference = log["Client Preference"][about]
    answered = preference.notna()
    if not answered.any():
        return null_item(iid, "Client Preference is blank for every client-specific contact", n)
    value = percent(pop.said_yes(preference).sum(), n)
    blanks = blank_note(
        int((~answered).sum()),
        "Client Preference",
        plural(n, "contact"),
        "counted as not preferred",
    )
    return make_item(iid, value, n, blanks)


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
    """Per specialist, % of distinct values of ``column`` (folded for case and spacing) among
    the jobs held in the period by their clients that record one; then the mean over the
    specialists with at least one such job (n = jobs counted)."""
    held = _jobs_or_null(iid, frames, period)
    if isinstance(held, Item):
        return held
    if frames.caseload is None:
        return null_item(iid, "no Caseload tab (jobs are credited to the client's specialist)")
    keys = pop.name_key(held[column])
    recorded = keys.notna()
    if not recorded.any():
        return null_item(iid, f"{column} is blank for every job held in the period")
    specs = pop.specialists(frames.staff, frames.caseload)
    owner = pop.job_owners(held, frames.caseload)
    owned = owner.isin(set(specs.index)).to_numpy(bool)
    counted = recorded.to_numpy(bool) & owned
    if not counted.any():
        return null_item(iid, "no job held in the period belongs to a specialist's client")
    # per specialist (in name order), the distinct values among their jobs: a few dozen
    # specialists, where grouping with pandas costs more than counting
    values: dict[object, list[object]] = {}
    for who, key in zip(
        owner.to_numpy(object)[counted], keys.to_numpy(object)[counted], strict=True
    ):
        values.setdefault(who, []).append(key)
    shares = pd.Series(
        [percent(len(set(values[who])), len(values[who])) for who in sorted(values)], dtype=float
    )
    n = int(counted.sum())
    blanks = blank_note(
        int((~recorded).sum()), column, plural(len(held), "job") + " held", "not counted"
    )
    unowned = int((recorded.to_numpy(bool) & ~owned).sum())
    stray = (
        ""
        if unowned == 0
        else f"{plural(unowned, 'job')} of clients under no specialist's name, not counted"
    )
    return make_item(
        iid,
        float(shares.mean()),
        n,
        f"mean over {plural(len(shares), 'specialist')} with a job",
        few_records(n, "job"),
        blanks,
        stray,
    )


def diversity_job_types(frames: Frames, period: Period) -> Item:
    """Services 8: per specialist, % of distinct Job Types among jobs held in the period."""
    return _distinct_share("diversity_job_types", "Job Type", frames, period)


def diversity_employers(frames: Frames, period: Period) -> Item:
    """Services 9: per specialist, % of distinct Employers among jobs held in the period."""
    return _distinct_share("diversity_employers", "Employer", frames, period)


def competitive_jobs(frames: Frames, period: Period) -> Item:
    """Services 10: % of jobs held on the period's last day with Competitive = yes (n = those
    jobs); fewer than 10 such jobs scores 1, as the scale says."""
    iid = "competitive_jobs"
    if frames.jobs is None:
        return null_item(iid, "no Jobs tab")
    current = pop.held_on(frames.jobs, pop.bounds(period)[1])
    if current.empty:
        return null_item(iid, f"no job held on {period.end.isoformat()}, the period's last day")
    answered = current["Competitive"].notna()
    if not answered.any():
        return null_item(iid, "Competitive is blank for every current job", len(current))
    value = percent(pop.yes(current["Competitive"]).sum(), len(current))
    blanks = blank_note(
        int((~answered).sum()),
        "Competitive",
        plural(len(current), "current job"),
        "counted as not competitive",
    )
    item = make_item(iid, value, len(current), blanks)
    if len(current) < scale.MIN_CURRENT_JOBS:
        item.score = scale.BANDS_BY_ID[iid].floor
        item.note = ". ".join(
            n_
            for n_ in (
                f"scored 1: only {plural(len(current), 'job')} held on {period.end.isoformat()};"
                f" the scale scores 1 below {scale.MIN_CURRENT_JOBS} current jobs",
                item.note,
            )
            if n_
        )
    return item


def follow_along(frames: Frames, period: Period) -> Item:
    """Services 12 (indicator): % of job starts in the period with a Pre-Start Contact 0-7 days
    before the start and a Post-Start Contact 0-3 days after it (n = job starts)."""
    iid = "follow_along"
    if frames.jobs is None:
        return null_item(iid, "no Jobs tab")
    starts = pop.job_starts(frames.jobs, period)
    if starts.empty:
        return null_item(iid, "no job starts in the period")
    before, after = pop.start_contacts_met(starts)
    met = before & after
    return make_item(
        iid, percent(met.sum(), len(starts)), len(starts), few_records(len(starts), "job start")
    )


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
    benefits = pop.receives_benefits(frames.caseload)
    on_benefits = benefits.reindex(starts[pop.CLIENT_ID].to_numpy()).fillna(False).to_numpy(bool)
    if not on_benefits.any():
        return null_item(iid, "no job starts in the period by clients who receive benefits")
    planned = pop.referred_by_start(starts, frames.referrals).to_numpy()[on_benefits]
    n = int(on_benefits.sum())
    return make_item(iid, percent(planned.sum(), n), n, few_records(n, "job start"))


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
