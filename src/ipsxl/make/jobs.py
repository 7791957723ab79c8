"""The demo's jobs (the Jobs tab): who works in the period, who starts a job in it, and the
earlier jobs that ended.

Set from the period outward, at the rates published IPS data shows over a quarter: about 40% of
the caseload holding a competitive job on some day of the period, about an eighth starting one,
each share a little different from one seed to the next. Most jobs match the client's preferred
kind of business; each start has a specialist's contact in the week before and the days after.
"""

from __future__ import annotations

import datetime as dt

from ipsxl.core import standard
from ipsxl.make.businesses import KINDS, employer_name
from ipsxl.make.draws import between, weighted
from ipsxl.make.program import Client, Job, Program, yes_no

QUIT, FIRED, LAID_OFF, TEMP_ENDED, OTHER_END = standard.END_REASONS

EMPLOYED = 0.43  # some jobs are not competitive or planted wrong: the rate comes out near 40%
STARTING = 0.125
SEED_SPREAD = 0.012  # standard deviation of those shares across seeds
EARLIER_JOB = 0.3  # share of clients with an earlier job that ended before the period
DAYS_TO_FIRST_JOB = 120  # mean wait from a week after the first employer contact to a job
END_REASON_WEIGHTS = ((QUIT, 38), (FIRED, 15), (LAID_OFF, 10), (TEMP_ENDED, 25), (OTHER_END, 12))


def add_jobs(program: Program) -> None:
    """Who works in the period, who starts a job in it, and earlier jobs that ended.

    The period's starters are drawn from every client whose search allows a start, recent
    searches likelier; the rest of the period's workers hold a job started some months into
    their search, drawn from clients searching since before the period, the longer
    searching the likelier.
    """
    rng = program.rng
    last_start = program.end - dt.timedelta(days=4)
    ready = [
        c
        for c in program.clients
        if not c.slow
        and c.first_contact is not None
        and c.first_contact + dt.timedelta(days=7) <= last_start
    ]
    employed = round(program.n * rng.gauss(EMPLOYED, SEED_SPREAD))
    starting = max(1, round(program.n * rng.gauss(STARTING, SEED_SPREAD)))
    # a start is likelier early in a search: weight by how recently it began
    recency = {
        id(c): rng.random() ** ((max(0, (program.start - c.first_contact).days) + 60) / 60)
        for c in ready
    }
    starters = sorted(ready, key=lambda c: recency[id(c)], reverse=True)[:starting]
    chosen = {id(c) for c in starters}
    searching = [
        c
        for c in ready
        if id(c) not in chosen and c.first_contact + dt.timedelta(days=7) < program.start
    ]
    # longer searches weigh more: a weighted draw without replacement (by random keys)
    keys = {
        id(c): rng.random() ** (1 / ((program.start - c.first_contact).days + 30))
        for c in searching
    }
    searching.sort(key=lambda c: keys[id(c)], reverse=True)
    holders = searching[: max(0, employed - len(starters))]
    current: dict[int, dt.date] = {}
    for c in holders:
        # most find work within months of starting to look (DAYS_TO_FIRST_JOB on average)
        wait = dt.timedelta(days=7 + round(rng.expovariate(1 / DAYS_TO_FIRST_JOB)))
        start = min(c.first_contact + wait, program.start - dt.timedelta(days=1))
        end = None
        if rng.random() < 0.15:  # some jobs end during the period
            end = between(rng, program.start, program.end - dt.timedelta(days=1))
        current[id(c)] = start
        program.jobs.append(new_job(program, c, start, end))
    for c in starters:
        start = between(rng, max(program.start, c.first_contact + dt.timedelta(days=7)), last_start)
        current[id(c)] = start
        program.jobs.append(new_job(program, c, start, None))
    for c in ready:
        before = current.get(id(c), program.start) - dt.timedelta(days=21)
        first = c.first_contact + dt.timedelta(days=7)
        if rng.random() < EARLIER_JOB and (before - first).days >= 30:
            start = between(rng, first, before - dt.timedelta(days=14))
            end = between(rng, start + dt.timedelta(days=14), before)
            program.jobs.append(new_job(program, c, start, end))
    program.jobs.sort(key=lambda j: (j.start, j.client.id))
    for j in program.jobs:
        j.client.jobs.append(j)


def new_job(program: Program, c: Client, start: dt.date, end: dt.date | None) -> Job:
    """A job mostly in the client's preferred kind of business, rarely not competitive (the
    agency's own work crew), with the contacts around its start."""
    rng = program.rng
    kind = c.kind if rng.random() < 0.7 else rng.choice(KINDS)
    job_type, title = rng.choice(kind.jobs)
    competitive = rng.random() < 0.96
    employer = employer_name(rng, kind) if competitive else f"{program.agency} Work Crew"
    pre = start - dt.timedelta(days=rng.randint(1, 6))
    post = start + dt.timedelta(days=rng.randint(0, 3))
    if rng.random() < 0.03:
        post += dt.timedelta(days=rng.randint(3, 6))  # the odd late check-in
    return Job(
        client=c,
        start=start,
        end=end,
        employer=employer,
        title=title,
        type=job_type,
        competitive=competitive,
        hours=round(rng.triangular(8, 40, 20)),
        wage=round(rng.uniform(*kind.wage) * 4) / 4,
        end_reason=weighted(rng, END_REASON_WEIGHTS) if end else None,
        pre=pre,
        post=min(post, program.end),
    )


def job_rows(program: Program) -> list[dict[str, object]]:
    """The Jobs tab's rows."""
    return [
        {
            "Client ID": j.client.id,
            "Job Start Date": j.start,
            "Job End Date": j.end,
            "Employer": j.employer,
            "Job Title": j.title,
            "Job Type": j.type,
            "Competitive": yes_no(j.competitive),
            "Hours Per Week": j.hours,
            "Hourly Wage": j.wage,
            "End Reason": j.end_reason,
            "Pre-Start Contact": j.pre,
            "Post-Start Contact": j.post,
        }
        for j in program.jobs
    ]
