"""slow-job-search, late-job-start-contact, no-benefits-planning, low-contacts: the employment
specialist's deadlines (fidelity.md, "Timeliness"), checked record by record.

The fidelity items average these over the program; these warnings name the clients, jobs and
weeks behind a low average, so a supervisor can act on them. All are judged over the reporting
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

import pandas as pd

from ipsxl import standard as std
from ipsxl.model import WARNING, Parsed
from ipsxl.rules import flags
from ipsxl.rules.dates import day, iso
from ipsxl.rules.identity import client_key, has_columns, name_key, staff_listed

CODES = {
    "slow-job-search": WARNING,
    "late-job-start-contact": WARNING,
    "no-benefits-planning": WARNING,
    "low-contacts": WARNING,
}

FIRST_CONTACT_DAYS = 30
PRE_START_DAYS = 7
POST_START_DAYS = 3
CONTACTS_PER_WEEK = 6

CLIENT_ID = "Client ID"
START = "Job Start Date"


def active(ctx: Parsed) -> pd.Series:
    """Caseload clients active in the period (fidelity.md): enrolled on or before its end and
    not closed before its start. A client without an Enrollment Date is not judged."""
    caseload = ctx.frames[std.CASELOAD.name]
    start, end = day(ctx.period.start), day(ctx.period.end)
    enrolled = caseload["Enrollment Date"] <= end
    closed_before = caseload["Closed Date"] < start
    return enrolled.fillna(False) & ~closed_before.fillna(False)


def _slow_job_search(ctx: Parsed) -> pd.DataFrame:
    tab = std.CASELOAD.name
    if not has_columns(ctx, tab, "Enrollment Date", "First Employer Contact"):
        return flags.concat([])
    caseload = ctx.frames[tab]
    enrolled, first = caseload["Enrollment Date"], caseload["First Employer Contact"]
    days = (first - enrolled).dt.days
    slow = active(ctx) & (days > FIRST_CONTACT_DAYS)
    # a blank first contact is late once the 30 days are over by the last day we can judge
    horizon = day(min(ctx.period.end, ctx.today))
    judged_until = caseload["Closed Date"].where(caseload["Closed Date"] < horizon, horizon)
    waited = (judged_until - enrolled).dt.days
    none_yet = active(ctx) & first.isna() & ~ctx.bad[tab]["First Employer Contact"] & (
        waited > FIRST_CONTACT_DAYS
    )
    message = pd.Series(
        "First Employer Contact " + iso(first) + " came " + days.astype("Int64").astype(str)
        + " days after enrollment " + iso(enrolled) + f" (target: within {FIRST_CONTACT_DAYS}"
        " days): start the job search sooner; meet employers within a month of enrollment",
        index=caseload.index,
    )
    message[none_yet] = (
        "First Employer Contact is blank " + waited.astype("Int64").astype(str)
        + " days after enrollment " + iso(enrolled) + f" (target: within {FIRST_CONTACT_DAYS}"
        " days): contact employers for this client now, or record the date of the first contact"
    )[none_yet]
    return flags.cells(ctx, tab, slow | none_yet, "First Employer Contact", "slow-job-search",
                       WARNING, message)


def _starts_in_period(ctx: Parsed) -> pd.Series:
    jobs = ctx.frames[std.JOBS.name]
    start, end = day(ctx.period.start), day(ctx.period.end)
    return jobs[START].between(start, end).fillna(False)


def _late_contacts(ctx: Parsed) -> pd.DataFrame:
    tab = std.JOBS.name
    found = []
    jobs = ctx.frames[tab]
    starts = jobs[START]
    today = day(ctx.today)
    in_period = _starts_in_period(ctx)
    for column, before, days, due in (
        ("Pre-Start Contact", True, PRE_START_DAYS, starts),
        ("Post-Start Contact", False, POST_START_DAYS, starts + pd.Timedelta(days=POST_START_DAYS)),
    ):
        if not has_columns(ctx, tab, START, column):
            continue
        contact = jobs[column]
        gap = ((starts - contact) if before else (contact - starts)).dt.days
        blank = contact.isna() & ~ctx.bad[tab][column]
        late = (gap > days).fillna(False)
        judged = in_period & (due < today)  # the deadline has passed
        when = "before" if before else "after"
        message = pd.Series(
            f"{column} " + iso(contact) + " is " + gap.astype("Int64").astype(str)
            + f" days {when} the job start " + iso(starts) + f" (target: within {days} days):"
            f" meet the client within {days} days {when} a job starts",
            index=jobs.index,
        )
        message[blank] = (
            f"{column} is blank for the job starting " + iso(starts)
            + f": meet the client within {days} days {when} a job starts, and record the date"
        )[blank]
        found.append(flags.cells(ctx, tab, judged & (blank | late), column,
                                 "late-job-start-contact", WARNING, message))
    return flags.concat(found)


def _no_benefits_planning(ctx: Parsed) -> pd.DataFrame:
    jobs_tab, caseload_tab, referrals_tab = (
        std.JOBS.name, std.CASELOAD.name, std.BENEFITS_REFERRALS.name)
    if not (has_columns(ctx, jobs_tab, CLIENT_ID, START)
            and has_columns(ctx, caseload_tab, CLIENT_ID, "Receives Benefits")
            and has_columns(ctx, referrals_tab, CLIENT_ID, "Referral Date")):
        return flags.concat([])
    jobs, caseload = ctx.frames[jobs_tab], ctx.frames[caseload_tab]
    referrals = ctx.frames[referrals_tab]
    # a repeated Client ID is a duplicate-id error; its first row speaks for the client
    benefits = caseload["Receives Benefits"].groupby(client_key(caseload[CLIENT_ID])).first()
    first_referral = referrals["Referral Date"].groupby(
        client_key(referrals[CLIENT_ID])).min()
    key = client_key(jobs[CLIENT_ID])
    # reindex rather than map: it keeps the column's dtype even when a tab has no rows
    receives = pd.Series(benefits.reindex(key.to_numpy()).to_numpy(), index=jobs.index)
    receives = receives.astype("boolean").fillna(False).astype(bool)
    referred = pd.Series(first_referral.reindex(key.to_numpy()).to_numpy(), index=jobs.index)
    missing = _starts_in_period(ctx) & receives & ~(referred <= jobs[START]).fillna(False)
    message = pd.Series(
        "client " + jobs[CLIENT_ID].astype(str) + " receives benefits but has no Benefits"
        " Referral on or before this job's start " + iso(jobs[START]),
        index=jobs.index,
    )
    later = referred.notna()
    message[later] = (message + " (the first referral, " + iso(referred) + ", came after)")[later]
    message = message + ": offer benefits planning before a job starts, and record the referral"
    return flags.cells(ctx, jobs_tab, missing, START, "no-benefits-planning", WARNING, message)


def _specialists(ctx: Parsed) -> pd.Series:
    """Employment specialists by folded name -> the name as first typed (fidelity.md: Staff
    rows with Role Employment Specialist, or without Staff every Caseload specialist)."""
    if staff_listed(ctx):
        staff = ctx.frames[std.STAFF.name]
        names = staff["Name"][staff["Role"] == std.SPECIALIST_ROLE].dropna()
    else:
        names = ctx.frames[std.CASELOAD.name]["Employment Specialist"].dropna()
    keys = name_key(names)
    named = keys.notna()
    return pd.Series(names[named].to_numpy(), index=keys[named].to_numpy()).groupby(level=0).first()


def _low_contacts(ctx: Parsed) -> pd.DataFrame:
    tab = std.EMPLOYER_LOG.name
    if not has_columns(ctx, tab, "Date", "Employment Specialist", "Contact Type"):
        return flags.concat([])
    start = day(ctx.period.start)
    full_weeks = ctx.period.days // 7
    weeks = pd.Series(range(full_weeks))
    week_start = start + pd.to_timedelta(weeks * 7, unit="D")
    week_end = week_start + pd.Timedelta(days=6)
    judged = weeks[(week_end < day(ctx.today)).to_numpy()]
    specialists = _specialists(ctx)
    if judged.empty or specialists.empty:
        return flags.concat([])
    log = ctx.frames[tab]
    face = log[log["Contact Type"] == std.FACE_TO_FACE]
    week = (face["Date"] - start).dt.days // 7
    counts = (
        pd.DataFrame({"key": name_key(face["Employment Specialist"]), "week": week})
        .dropna()
        .astype({"week": int})
        .value_counts()
    )
    grid = pd.MultiIndex.from_product([specialists.index, judged], names=["key", "week"])
    per_week = counts.reindex(grid, fill_value=0)
    low = per_week[per_week < CONTACTS_PER_WEEK].reset_index(name="count")
    if low.empty:
        return flags.concat([])
    low["name"] = low["key"].map(specialists)
    low["from"] = week_start[low["week"]].dt.strftime("%Y-%m-%d").to_numpy()
    low["to"] = week_end[low["week"]].dt.strftime("%Y-%m-%d").to_numpy()
    low["message"] = (
        low["name"] + " made " + low["count"].astype(str) + " face-to-face employer contact(s)"
        " in the week " + low["from"] + " to " + low["to"] + f" (target: {CONTACTS_PER_WEEK}"
        " a week): plan more employer visits, and log every one"
    )
    # one flag per (specialist, week) found short: a loop over flags, not over log rows
    return flags.concat([
        flags.tab(ctx, tab, "low-contacts", WARNING, msg, value=count)
        for msg, count in zip(low["message"], low["count"], strict=True)
    ])


def check(ctx: Parsed) -> pd.DataFrame:
    if ctx.period is None:
        return flags.concat([])
    return flags.concat([
        _slow_job_search(ctx),
        _late_contacts(ctx),
        _no_benefits_planning(ctx),
        _low_contacts(ctx),
    ])

