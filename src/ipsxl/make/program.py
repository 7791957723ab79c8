"""The invented program the demo workbook describes: its period, its people and their jobs.

One ``Program`` is built per demo, stage by stage (``make/staff.py``, ``make/clients.py``,
``make/jobs.py``, then the two logs), each stage reading what the earlier ones made. Every random
choice of every stage comes from the program's one generator, seeded once, so the same arguments
always give the same workbook: a stage must draw in the same order each time.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from ipsxl.core import standard
from ipsxl.make.businesses import Kind
from ipsxl.make.draws import days
from ipsxl.make.template import NO, YES

ACTIVE = standard.STATUSES[0]


@dataclass
class Staff:
    """A person on the Staff tab."""

    name: str
    role: str
    fte: float
    supervisor: str | None
    community: int
    ips_only: bool
    services: int | None = None  # Employment Services %; blank where the scale does not ask


@dataclass
class Client:
    """A client on the caseload, with the timeline of the search and the jobs found."""

    id: str
    specialist: Staff
    referred: dt.date | None
    enrolled: dt.date
    first_contact: dt.date | None
    kind: Kind  # the kind of business the client would like to work in
    preference: str
    benefits: bool
    benefit_types: str
    education: bool
    status: str = ACTIVE
    closed: dt.date | None = None
    closure_reason: str | None = None
    slow: bool = False  # a planted slow job search
    jobs: list[Job] = field(default_factory=list)

    def reachable(self, day: dt.date) -> bool:
        """Is the client enrolled, past the first employer contact and not closed on ``day``?"""
        return (
            self.first_contact is not None
            and self.first_contact <= day
            and (self.closed is None or day <= self.closed)
        )


@dataclass
class Job:
    """A job on the Jobs tab, with the specialist's contacts around its start."""

    client: Client
    start: dt.date
    end: dt.date | None
    employer: str
    title: str
    type: str
    competitive: bool
    hours: int
    wage: float
    end_reason: str | None
    pre: dt.date | None
    post: dt.date | None


class Program:
    """The invented program over one period, filled in by the demo's stages."""

    def __init__(
        self,
        clients: int,
        seed: int,
        start: dt.date,
        end: dt.date,
        agency: str,
        mistakes_per_kind: int,
        contacts_per_client: float | None = None,
    ):
        if clients < 1:
            raise ValueError("a demo needs at least one client")
        if end < start:
            raise ValueError("the period ends before it starts")
        if contacts_per_client is not None and contacts_per_client < 0:
            raise ValueError("contacts per client cannot be negative")
        self.rng = random.Random(seed)
        self.n = clients
        self.contacts_per_client = contacts_per_client
        self.start, self.end = start, end
        self.agency = agency
        self.k = mistakes_per_kind
        self.weekdays = [d for d in days(start, end) if d.weekday() < 5] or [start]
        self.used_names: set[str] = set()
        self.staff: list[Staff] = []
        self.specialists: list[Staff] = []
        self.planners: list[Staff] = []
        self.clients: list[Client] = []
        self.jobs: list[Job] = []
        # specialist name -> index of the week of leave planted as a low-contacts week
        self.low_weeks: dict[str, int] = {}
        # benefits-receiving clients planted without a referral, and the job start it misses
        self.no_referral: set[str] = set()
        self.no_referral_jobs: list[Job] = []

    def week_of(self, day: dt.date) -> int:
        """The 7-day week of the period ``day`` falls in, counted from 0 at its first day (as
        the low-contacts rule counts them)."""
        return (day - self.start).days // 7

    def in_low_week(self, name: str, day: dt.date) -> bool:
        """Is ``day`` in the specialist's planted week of leave?"""
        week = self.low_weeks.get(name)
        return week is not None and self.week_of(day) == week


def yes_no(flag: bool) -> str:
    """The template's word for a Yes/No cell."""
    return YES if flag else NO
