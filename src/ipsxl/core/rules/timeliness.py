"""slow-job-search, late-job-start-contact, no-benefits-planning, low-contacts: the employment
specialist's deadlines (fidelity.md, "Timeliness"), checked record by record.

The fidelity items average these over the program; these warnings name the clients, jobs and
weeks behind a low average, so a supervisor can act on them. Both count from one set of
definitions: the deadlines are data in ``scale.py``, and who is active, who is a specialist,
which contacts are face to face and which job starts had benefits planning come from
``fidelity.population``. All are judged over the reporting
period and skipped without one. A deadline that has not passed yet (by ``ctx.today``) is never
flagged: a workbook checked mid-period must not warn about contacts still possible in time.

- slow-job-search: a client active in the period (enrolled on or before its end, not closed
  before its start) whose First Employer Contact came more than 30 days after enrollment, or
  is blank although more than 30 days have passed by the earliest of the period's end, today
  and the client's closure.
- late-job-start-contact: a job started in the period whose Pre-Start Contact is blank or more
  than 7 days before the start, or whose Post-Start Contact is blank or more than 3 days after
  (a contact on the start day itself counts for either). A contact on the wrong side of the
  start is a date-order error and not judged again here.
- no-benefits-planning: a job started in the period by a client whose Caseload row says
  Receives Benefits = yes, with no Benefits Referrals row for that client (any status, any
  date, also before the period) dated on or before the start. Flagged on the Job Start Date.
- low-contacts: per specialist and full 7-day week counted from Period Start, fewer than 6
  face-to-face Employer Log contacts; one flag per specialist and week, on the Employer Log
  tab as a whole, the count as its value. Only weeks that ended before today are judged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipsxl.core import codes, scale
from ipsxl.core import standard as std
from ipsxl.core.fidelity import population as pop
from ipsxl.core.model import Parsed
from ipsxl.core.rules import flags
from ipsxl.core.rules.dates import day, iso_texts
from ipsxl.core.rules.identity import has_columns, has_rows

CODES = codes.family("timeliness")

FIRST_CONTACT_DAYS = scale.FIRST_CONTACT_DAYS
PRE_START_DAYS = scale.PRE_START_DAYS
POST_START_DAYS = scale.POST_START_DAYS
CONTACTS_PER_WEEK = scale.CONTACTS_PER_WEEK

CLIENT_ID = std.CLIENT_ID
START = std.JOB_START


def active(ctx: Parsed) -> pd.Series:
    """Caseload clients active in the period (fidelity.md): enrolled on or before its end and
    not closed before its start. A client without an Enrollment Date is not judged."""
    return pop.active_mask(ctx.frames[std.CASELOAD.name], ctx.period)


def _slow_job_search(ctx: Parsed) -> pd.DataFrame:
    tab = std.CASELOAD.name
    if not has_rows(ctx, tab, "Enrollment Date", "First Employer Contact"):
        return flags.concat([])
    caseload = ctx.frames[tab]
    # the masks on arrays: a few dozen clients, where each pandas operation costs more
    enrolled = pop.days_of(caseload["Enrollment Date"])
    first = pop.days_of(caseload["First Employer Contact"])
    days = pop.whole_days(first - enrolled)
    judged = active(ctx).to_numpy()
    slow = judged & (days > FIRST_CONTACT_DAYS)
    # a blank first contact is late once the 30 days are over by the last day we can judge
    waited = pop.days_waiting(caseload, day(min(ctx.period.end, ctx.today)))
    none_yet = (
        judged
        & np.isnat(first)
        & ~ctx.bad[tab]["First Employer Contact"].to_numpy()
        & (waited > FIRST_CONTACT_DAYS)
    )
    flagged = slow | none_yet
    if not flagged.any():
        return flags.empty()
    # texts for the flagged rows only (the two kinds never meet: one has a date, one has none)
    where = np.flatnonzero(flagged)
    message = [
        f"First Employer Contact {contact} came {int(took)} days after enrollment {began}"
        f" (target: within {FIRST_CONTACT_DAYS} days): start the job search sooner; meet"
        " employers within a month of enrollment"
        if is_slow
        else f"First Employer Contact is blank {int(waiting)} days after enrollment {began}"
        f" (target: within {FIRST_CONTACT_DAYS} days): contact employers for this client now,"
        " or record the date of the first contact"
        for is_slow, contact, took, waiting, began in zip(
            slow[where],
            _iso_at(first, where),
            days[where],
            waited[where],
            _iso_at(enrolled, where),
            strict=True,
        )
    ]
    flagged = pd.Series(flagged, index=caseload.index)
    return flags.cells(ctx, tab, flagged, "First Employer Contact", codes.SLOW_JOB_SEARCH, message)


def _iso_at(dates: pd.Series | np.ndarray, where: np.ndarray) -> list[str]:
    """The dates at the positions ``where`` as ISO text, for one message each."""
    return iso_texts(np.asarray(dates)[where])


def _starts_in_period(ctx: Parsed) -> pd.Series:
    return pop.in_period(ctx.frames[std.JOBS.name][START], ctx.period).fillna(False)


def _late_contacts(ctx: Parsed) -> pd.DataFrame:
    tab = std.JOBS.name
    found = []
    jobs = ctx.frames[tab]
    # the masks on arrays: a few dozen jobs, where each pandas operation costs more
    starts = pop.days_of(jobs[START])
    today = pop.day_of(ctx.today)
    in_period = _starts_in_period(ctx).to_numpy()
    for column, before, days, due in (
        ("Pre-Start Contact", True, PRE_START_DAYS, starts),
        (
            "Post-Start Contact",
            False,
            POST_START_DAYS,
            starts + np.timedelta64(POST_START_DAYS, "D"),
        ),
    ):
        if not has_rows(ctx, tab, START, column):
            continue
        contact = pop.days_of(jobs[column])
        gap = pop.whole_days((starts - contact) if before else (contact - starts))
        blank = np.isnat(contact) & ~ctx.bad[tab][column].to_numpy()
        late = gap > days
        judged = in_period & (due < today)  # the deadline has passed
        missed, overdue = judged & blank, judged & late & ~blank
        when = "before" if before else "after"
        flagged = missed | overdue
        if not flagged.any():
            continue
        where = np.flatnonzero(flagged)
        message = [  # texts for the flagged rows only
            f"{column} {met} is {int(apart)} days {when} the job start {began} (target: within"
            f" {days} days): meet the client within {days} days {when} a job starts"
            if is_overdue
            else f"{column} is blank for the job starting {began}: meet the client within"
            f" {days} days {when} a job starts, and record the date"
            for is_overdue, met, apart, began in zip(
                overdue[where],
                _iso_at(contact, where),
                gap[where],
                _iso_at(starts, where),
                strict=True,
            )
        ]
        flagged = pd.Series(flagged, index=jobs.index)
        found.append(flags.cells(ctx, tab, flagged, column, codes.LATE_JOB_START_CONTACT, message))
    return flags.concat(found)


def _no_benefits_planning(ctx: Parsed) -> pd.DataFrame:
    jobs_tab, caseload_tab, referrals_tab = (
        std.JOBS.name,
        std.CASELOAD.name,
        std.BENEFITS_REFERRALS.name,
    )
    if not (
        has_rows(ctx, jobs_tab, CLIENT_ID, START)
        and has_columns(ctx, caseload_tab, CLIENT_ID, "Receives Benefits")
        and has_columns(ctx, referrals_tab, CLIENT_ID, "Referral Date")
    ):
        return flags.concat([])
    jobs, caseload = ctx.frames[jobs_tab], ctx.frames[caseload_tab]
    # a repeated Client ID is a duplicate-id error; its first row speaks for the client
    benefits = pop.receives_benefits(caseload)
    receives = benefits.reindex(jobs[CLIENT_ID].to_numpy()).fillna(False).to_numpy(bool)
    referrals = ctx.frames[referrals_tab]
    referred = pop.first_referral(jobs, referrals)
    missing = _starts_in_period(ctx) & receives & ~pop.referred_by_start(jobs, referrals)
    if not missing.any():
        return flags.empty()
    where = np.flatnonzero(missing.to_numpy())  # texts for the flagged rows only
    message = [
        f"client {client} receives benefits but has no Benefits Referral on or before this"
        f" job's start {began}"
        + (f" (the first referral, {first}, came after)" if first else "")
        + ": offer benefits planning before a job starts, and record the referral"
        for client, began, first in zip(
            jobs[CLIENT_ID].to_numpy()[where],
            _iso_at(jobs[START], where),
            _iso_at(referred, where),
            strict=True,
        )
    ]
    return flags.cells(ctx, jobs_tab, missing, START, codes.NO_BENEFITS_PLANNING, message)


def _specialists(ctx: Parsed) -> pd.Series:
    """Employment specialists by folded name -> the name as first typed, as the fidelity
    figures count them (``population.specialists``), in folded-name order."""
    frames = pop.Frames.from_parsed(ctx)
    return pop.specialists(frames.staff, frames.caseload)[pop.NAME].sort_index()


def _low_contacts(ctx: Parsed) -> pd.DataFrame:
    tab = std.EMPLOYER_LOG.name
    if not has_columns(ctx, tab, "Date", "Employment Specialist", "Contact Type"):
        return flags.concat([])
    start, today = day(ctx.period.start), day(ctx.today)
    # the full weeks from Period Start that ended before today: weeks 0 .. judged - 1
    week_starts = [start + pd.Timedelta(days=7 * week) for week in range(ctx.period.days // 7)]
    judged = sum(1 for first in week_starts if first + pd.Timedelta(days=6) < today)
    specialists = _specialists(ctx)
    if judged == 0 or specialists.empty:
        return flags.concat([])
    per_week = pop.contacts_by_week(ctx.frames[tab], specialists.index, start, judged)
    low_spec, low_week = np.nonzero(per_week < CONTACTS_PER_WEEK)  # by specialist, then week
    if len(low_spec) == 0:
        return flags.concat([])
    days = [
        (f"{first:%Y-%m-%d}", f"{first + pd.Timedelta(days=6):%Y-%m-%d}")
        for first in week_starts[:judged]
    ]
    counts = [int(count) for count in per_week[low_spec, low_week]]
    messages = [
        f"{specialists.iloc[spec]} made {count} face-to-face employer contact(s) in the week"
        f" {days[week][0]} to {days[week][1]} (target: {CONTACTS_PER_WEEK} a week): plan more"
        " employer visits, and log every one"
        for spec, week, count in zip(low_spec, low_week, counts, strict=True)
    ]
    return flags.tabs(ctx, tab, codes.LOW_CONTACTS, messages, counts)


def check(ctx: Parsed) -> pd.DataFrame:
    if ctx.period is None:
        return flags.concat([])
    return flags.concat(
        [
            _slow_job_search(ctx),
            _late_contacts(ctx),
            _no_benefits_planning(ctx),
            _low_contacts(ctx),
        ]
    )
