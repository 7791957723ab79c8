"""The demo's caseload (the Caseload tab): each client's timeline from referral to closing.

Enrollment dates spread over the two years before the period ends, so the caseload reaches back
before the period as a running tracker does. The first employer contact comes within 30 days of
enrollment on a day the specialist works, except for the planted slow job searches (a mistake
made here, because the jobs and contacts drawn later must leave those clients alone). Once the
jobs are known, a few clients' cases close in the period and long-held jobs move to follow-along.
"""

from __future__ import annotations

import datetime as dt

from ipsxl.core import standard
from ipsxl.make.benefits import BENEFITS_HELD, BENEFITS_SOUGHT
from ipsxl.make.businesses import KINDS
from ipsxl.make.draws import spread
from ipsxl.make.program import Client, Program, Staff, yes_no

ACTIVE, FOLLOW_ALONG, CLOSED = standard.STATUSES

ENROLLED_WITHIN = 730  # days before the period ends that the caseload's enrollments spread over
FIRST_CONTACT_DAYS = 30  # the target for rapid job search; only planted mistakes miss it

CLOSURE_REASONS = (
    "Moved out of area",
    "Chose to stop services",
    "Transferred to another program",
    "Follow-along completed",
    "Lost contact",
    "Long-term hospitalization",
)


def add_clients(program: Program) -> None:
    """The caseload, shared out among the specialists by FTE, in order of enrollment."""
    rng = program.rng
    specialists = spread(program.specialists, [s.fte for s in program.specialists], program.n)
    rng.shuffle(specialists)
    ids = rng.sample(range(10000, 100000), program.n)
    for cid, who in zip(ids, specialists, strict=True):
        enrolled = program.end - dt.timedelta(days=rng.randint(0, ENROLLED_WITHIN - 1))
        referred = None if rng.random() < 0.1 else enrolled - dt.timedelta(days=rng.randint(0, 21))
        kind = rng.choice(KINDS)
        job_type, title = rng.choice(kind.jobs)
        preference = title if rng.random() < 0.8 else f"{job_type} work"
        benefits = rng.random() < 0.6
        program.clients.append(
            Client(
                id=f"C-{cid}",
                specialist=who,
                referred=referred,
                enrolled=enrolled,
                first_contact=contact_day(
                    program,
                    who,
                    enrolled,
                    int(rng.triangular(1, FIRST_CONTACT_DAYS, 8)),
                    within=FIRST_CONTACT_DAYS,
                ),
                kind=kind,
                preference=preference,
                benefits=benefits,
                benefit_types=rng.choice(BENEFITS_HELD if benefits else BENEFITS_SOUGHT),
                education=rng.random() < 0.08,
            )
        )
    program.clients.sort(key=lambda c: (c.enrolled, c.id))
    plant_slow_search(program)


def contact_day(
    program: Program, who: Staff, enrolled: dt.date, delay: int, within: int | None = None
) -> dt.date | None:
    """The first weekday ``delay`` days after enrollment or later that is outside the
    specialist's week of leave; or the last one before, if later is past ``within`` days.
    None when it falls after the period (no first contact yet)."""

    def free(day: dt.date) -> bool:
        return day.weekday() < 5 and not (
            day >= program.start and program.in_low_week(who.name, day)
        )

    day = enrolled + dt.timedelta(days=delay)
    while not free(day):
        day += dt.timedelta(days=1)
    if within is not None and (day - enrolled).days > within:
        day = enrolled + dt.timedelta(days=delay)
        while not free(day) and day > enrolled:
            day -= dt.timedelta(days=1)
    return day if day <= program.end else None


def plant_slow_search(program: Program) -> None:
    """No first employer contact 30+ days after enrollment, or one more than 30 days late."""
    rng = program.rng
    late = [c for c in program.clients if c.enrolled <= program.end - dt.timedelta(days=75)]
    recent = [c for c in late if c.enrolled >= program.start - dt.timedelta(days=60)]
    pool = recent if len(recent) >= program.k else late
    for i, c in enumerate(rng.sample(pool, min(program.k, len(pool)))):
        c.first_contact = (
            None
            if i % 2 == 0
            else contact_day(program, c.specialist, c.enrolled, rng.randint(35, 60))
        )
        c.slow = True


def settle_statuses(program: Program) -> None:
    """Once the jobs are known: a few cases closed in the period after the last job start,
    and clients holding a job for half a year or more mostly in follow-along."""
    rng = program.rng
    for c in program.clients:
        held = [j for j in c.jobs if j.end is None]
        if c.enrolled < program.start and rng.random() < 0.08:
            floor = max(
                [
                    program.start,
                    c.enrolled + dt.timedelta(days=30),
                    c.first_contact or c.enrolled,
                    *(j.start for j in c.jobs),
                ]
            )
            if floor <= program.end:
                c.status = CLOSED
                c.closed = floor + dt.timedelta(days=rng.randint(0, (program.end - floor).days))
                c.closure_reason = rng.choice(CLOSURE_REASONS)
                continue
        if (
            any(j.start <= program.end - dt.timedelta(days=180) for j in held)
            and rng.random() < 0.6
        ):
            c.status = FOLLOW_ALONG


def caseload_rows(program: Program) -> list[dict[str, object]]:
    """The Caseload tab's rows."""
    return [
        {
            "Client ID": c.id,
            "Employment Specialist": c.specialist.name,
            "Referral Date": c.referred,
            "Enrollment Date": c.enrolled,
            "First Employer Contact": c.first_contact,
            "Job Preference": c.preference,
            "Receives Benefits": yes_no(c.benefits),
            "In Education": yes_no(c.education),
            "Status": c.status,
            "Closed Date": c.closed,
            "Closure Reason": c.closure_reason,
        }
        for c in program.clients
    ]
