"""The demo's Employer Log: each specialist's contacts with employers, week by week.

Each specialist visits employers face to face at a usual rate of 5-7 a week (the target is 6),
each week around it, with about one phone or email contact for three visits; six contacts in
ten are about one of the specialist's clients, mostly at the kind of business the client
prefers. A client whose search starts in the period gets a first visit on the caseload's First
Employer Contact day. A planted week of leave holds only ``LOW_WEEK_CONTACTS`` visits and no
calls. The log holds only the period's rows.
"""

from __future__ import annotations

import datetime as dt

from ipsxl.core import standard
from ipsxl.make.businesses import KINDS, employer_name
from ipsxl.make.draws import weighted
from ipsxl.make.mistakes import LOW_WEEK_CONTACTS
from ipsxl.make.names import any_person
from ipsxl.make.program import Client, Program, Staff, yes_no

FACE_TO_FACE, PHONE, EMAIL, OTHER_CONTACT = standard.CONTACT_TYPES

FACE_TO_FACE_PER_WEEK = (5.0, 7.0)  # each specialist's usual rate; the target is 6
WEEKLY_SPREAD = 1.0  # standard deviation of a specialist's week around that rate
FEWEST_IN_A_WEEK = 5  # no ordinary week falls to the planted week of leave (LOW_WEEK_CONTACTS)
REMOTE_PER_FACE_TO_FACE = 0.3  # phone, email and other contacts besides each visit
REMOTE_TYPE_WEIGHTS = ((PHONE, 55), (EMAIL, 37), (OTHER_CONTACT, 8))

FACE_NOTES = (
    "Introduced IPS; asked about hiring needs",
    "Dropped off resume for client",
    "Informational interview with manager",
    "Toured the worksite",
    "Followed up on application",
    "Asked about seasonal openings",
    "Met shift supervisor about a trial shift",
    "Discussed job accommodations",
    "Brought client to meet the manager",
    "Learned what the business looks for in new hires",
)
REMOTE_NOTES = (
    "Scheduled a visit",
    "Followed up on interview",
    "Sent thank-you note",
    "Asked about application status",
    "Confirmed interview time",
)


def contact_rows(program: Program) -> list[dict[str, object]]:
    """The Employer Log: each specialist's face-to-face visits week by week around the
    specialist's usual rate, phone and email contacts besides, and a first visit for each
    client whose search starts in the period. With ``contacts_per_client`` every
    specialist's weeks are scaled so the log holds that many contacts per client."""
    rng = program.rng
    by_specialist: dict[str, list[Client]] = {s.name: [] for s in program.specialists}
    for c in program.clients:
        by_specialist[c.specialist.name].append(c)
    weeks = period_weeks(program)
    plans = {s.name: week_plan(program, s, weeks) for s in program.specialists}
    if program.contacts_per_client is not None:
        planned = sum(sum(p) for p in plans.values()) * (1 + REMOTE_PER_FACE_TO_FACE)
        scale = program.n * program.contacts_per_client / max(planned, 1)
        plans = {
            name: [
                n if program.low_weeks.get(name) == w else round(n * scale) for w, n in enumerate(p)
            ]
            for name, p in plans.items()
        }
    rows = []
    for s in program.specialists:
        mine = by_specialist[s.name]
        firsts = {}
        for c in mine:
            if c.first_contact and c.first_contact >= program.start:
                firsts.setdefault(program.week_of(c.first_contact), []).append(c)
        for w, days in enumerate(weeks):
            visits = plans[s.name][w]
            for c in firsts.get(w, []):
                rows.append(contact(program, s, c.first_contact, c, FACE_TO_FACE, True))
                visits -= 1
            for _ in range(max(visits, 0)):
                rows.append(client_contact(program, s, rng.choice(days), mine, FACE_TO_FACE))
            if program.low_weeks.get(s.name) == w:
                continue  # a week of leave: no calls either
            remote = plans[s.name][w] * REMOTE_PER_FACE_TO_FACE
            for _ in range(int(remote) + (rng.random() < remote % 1)):
                how = weighted(rng, REMOTE_TYPE_WEIGHTS)
                rows.append(client_contact(program, s, rng.choice(days), mine, how))
    rows.sort(key=lambda r: (r["Date"], r["Employment Specialist"]))
    return rows


def period_weeks(program: Program) -> list[list[dt.date]]:
    """The period's weekdays in 7-day weeks counted from its first day (as the
    low-contacts rule counts them); the last week may be short."""
    out: list[list[dt.date]] = []
    for day in program.weekdays:
        w = program.week_of(day)
        while len(out) <= w:
            out.append([])
        out[w].append(day)
    return [days or [program.start] for days in out]


def week_plan(program: Program, who: Staff, weeks: list[list[dt.date]]) -> list[int]:
    """Face-to-face visits a specialist makes each week: around the specialist's own rate,
    never under ``FEWEST_IN_A_WEEK`` except in the planted week of leave."""
    rng = program.rng
    rate = rng.uniform(*FACE_TO_FACE_PER_WEEK)
    plan = []
    for w, days in enumerate(weeks):
        if program.low_weeks.get(who.name) == w:
            plan.append(LOW_WEEK_CONTACTS)
            continue
        usual = rate * len(days) / 5
        floor = FEWEST_IN_A_WEEK if len(days) == 5 else 0
        plan.append(max(floor, round(rng.gauss(usual, WEEKLY_SPREAD))))
    return plan


def client_contact(
    program: Program, who: Staff, day: dt.date, mine: list[Client], how: str
) -> dict[str, object]:
    """A contact that is about one of the specialist's clients six times in ten."""
    client = None
    if mine and program.rng.random() < 0.6:
        pick = program.rng.choice(mine)
        client = pick if pick.reachable(day) else None
    return contact(program, who, day, client, how)


def contact(
    program: Program,
    who: Staff,
    day: dt.date,
    client: Client | None,
    how: str,
    first: bool = False,
) -> dict[str, object]:
    """One row of the log; about a client, it is mostly at the client's preferred kind of
    business (always for the first visit)."""
    rng = program.rng
    prefers = None
    kind = rng.choice(KINDS)
    if client is not None:
        prefers = first or rng.random() < 0.88
        if prefers:
            kind = client.kind
    notes = rng.choice(FACE_NOTES if how == FACE_TO_FACE else REMOTE_NOTES)
    return {
        "Date": day,
        "Employment Specialist": who.name,
        "Employer": employer_name(rng, kind),
        "Contact Person": any_person(program) if rng.random() < 0.9 else None,
        "Hiring Manager": yes_no(rng.random() < 0.55),
        "Contact Type": how,
        "Client ID": client.id if client else None,
        "Client Preference": None if prefers is None else yes_no(prefers),
        "Notes": "First employer visit for this client" if first else notes,
    }
