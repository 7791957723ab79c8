"""A realistic filled workbook, with the mistakes agencies make, for a first run of ipsxl.

A new user should see ipsxl work before they have a workbook of their own: ``write_demo`` makes
one in the template's layout (it writes through ``template.py``, Instructions tab and Excel
tables included), for an invented program of fair-to-good fidelity, with a few planted mistakes
so the first ``ipsxl check`` shows flags. With ``contacts_per_client`` it is also the project's
load generator: ``clients=2000, contacts_per_client=25`` gives 50,000 employer contacts in a few
seconds.

What the data looks like, calibrated to published ranges for IPS programs over a quarter:
caseloads of 16-24 active clients per full-time specialist; each specialist's face-to-face
employer contacts at a usual rate of 5-7 a week (the target is 6), week by week around it, with
about one phone or email contact for three visits; about 40% of the caseload holding a
competitive job in the period and about an eighth starting one; jobs across some forty kinds of
business, most matching the client's preference, at as many different employers. Enrollment
dates spread over the two years before the period ends, so Caseload and Jobs reach back before
the period (a running tracker), while the two logs (Employer Log, Benefits Referrals) hold only
the period's rows. First employer contacts come within 30 days of enrollment, job starts have a
contact in the week before and the three days after, benefits-receiving clients are referred
for benefits planning before their job starts - except where a mistake is planted.

Planted mistakes (see ``ipsxl.make.mistakes``): a few of each kind, on rows that carry no other
planted mistake, so the first check of the demo shows every kind of flag.

Other features real trackers have: a title row above the Caseload header, and the Employer Log
headed with an alias (``ES``) instead of ``Employment Specialist``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ipsxl.core import standard
from ipsxl.core.standard import Tab
from ipsxl.files.safefiles import save_atomically
from ipsxl.make.mistakes import LOW_WEEK_CONTACTS, Planter, mistakes_per_kind
from ipsxl.make.template import (
    NO,
    YES,
    new_workbook,
    write_instructions_sheet,
    write_program_sheet,
    write_table_sheet,
)

# --- the standard's words this module writes -----------------------------------------------

SPECIALIST_ROLE, SUPERVISOR_ROLE, PLANNER_ROLE, _OTHER_ROLE = standard.ROLES
ACTIVE, FOLLOW_ALONG, CLOSED = standard.STATUSES
FACE_TO_FACE, PHONE, EMAIL, OTHER_CONTACT = standard.CONTACT_TYPES
PENDING, COMPLETED, DECLINED, NO_SHOW = standard.BENEFIT_STATUSES
QUIT, FIRED, LAID_OFF, TEMP_ENDED, OTHER_END = standard.END_REASONS

DEFAULT_AGENCY = "Riverside Community Mental Health"
DEFAULT_PROGRAM = "Riverside IPS Team"
DEFAULT_PERIOD = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))

# --- what people, places and jobs look like ------------------------------------------------

# A program of fair-to-good fidelity, as published IPS programs look over a quarter:
CASELOAD_PER_FTE = (16, 24)  # active clients per full-time specialist (the scale wants <= 20)
SPECIALIST_FTES = ((1.0, 75), (0.8, 15), (0.5, 10))  # (FTE, weight)
# Employment Services % of the specialists who are not IPS-only (every eighth, in turn): the
# rest of their time goes to other duties, such as case management. The others give all of it.
SHARED_SPECIALIST_SERVICES = (60, 75, 50)
FACE_TO_FACE_PER_WEEK = (5.0, 7.0)  # each specialist's usual rate; the target is 6
WEEKLY_SPREAD = 1.0  # standard deviation of a specialist's week around that rate
FEWEST_IN_A_WEEK = 5  # no ordinary week falls to the planted week of leave (LOW_WEEK_CONTACTS)
REMOTE_PER_FACE_TO_FACE = 0.3  # phone, email and other contacts besides each visit
ENROLLED_WITHIN = 730  # days before the period ends that the caseload's enrollments spread over
FIRST_CONTACT_DAYS = 30  # the target for rapid job search; only planted mistakes miss it
# Jobs, set from the period outward: the share of the caseload holding a competitive job on some
# day of the period (the employment rate, about 40% in published IPS data) and the share starting
# a job in it (about an eighth a quarter), each a little different from one seed to the next.
EMPLOYED = 0.43  # some jobs are not competitive or planted wrong: the rate comes out near 40%
STARTING = 0.125
SEED_SPREAD = 0.012  # standard deviation of those shares across seeds
EARLIER_JOB = 0.3  # share of clients with an earlier job that ended before the period
DAYS_TO_FIRST_JOB = 120  # mean wait from a week after the first employer contact to a job
REFERRALS_PER_CLIENT = 0.4  # benefits-planning referrals per client in the period
CONTACTS_PER_CLIENT = 25  # the stress workbook's employer contacts per client (a knob)

FIRST_NAMES = (
    "Maria",
    "James",
    "Aisha",
    "Daniel",
    "Mei",
    "Carlos",
    "Priya",
    "Marcus",
    "Hannah",
    "Luis",
    "Keisha",
    "Tom",
    "Sofia",
    "Andre",
    "Grace",
    "Omar",
    "Emily",
    "Tyrone",
    "Nadia",
    "Kevin",
    "Rosa",
    "Brian",
    "Leila",
    "Derek",
    "Yuki",
    "Samuel",
    "Fatima",
    "Ethan",
    "Carmen",
    "Jamal",
    "Olivia",
    "Victor",
    "Tanya",
    "Hector",
    "Ruth",
    "Malik",
    "Ingrid",
    "Dev",
    "Alicia",
    "Pete",
    "Monique",
    "Raj",
    "Lauren",
    "Dmitri",
    "Beth",
    "Kwame",
    "Julia",
    "Oscar",
    "Wendy",
    "Sean",
)
LAST_NAMES = (
    "Gonzalez",
    "Thompson",
    "Nguyen",
    "Patel",
    "Robinson",
    "Okafor",
    "Murphy",
    "Kowalski",
    "Hernandez",
    "Washington",
    "Kim",
    "Schmidt",
    "Ramirez",
    "Brooks",
    "Haddad",
    "Sullivan",
    "Chen",
    "Jackson",
    "Rivera",
    "Novak",
    "Flores",
    "Bennett",
    "Tanaka",
    "Coleman",
    "Moreno",
    "Fischer",
    "Dawson",
    "Ali",
    "Ortega",
    "Lindqvist",
    "Mensah",
    "Walsh",
    "Castillo",
    "Reyes",
    "Hughes",
    "Abbott",
    "Delgado",
    "Foster",
    "Ibrahim",
    "Jensen",
    "Larsen",
    "Mitchell",
    "Owens",
    "Price",
    "Quinn",
    "Sandoval",
    "Turner",
    "Vasquez",
    "Whitaker",
    "Young",
)
PLACES = (
    "Riverside",
    "Maple Street",
    "Northgate",
    "Harbor",
    "Lakeview",
    "Cedar Hill",
    "Summit",
    "Pine Valley",
    "Westside",
    "Eastgate",
    "Brookfield",
    "Oakwood",
    "Fairview",
    "Hillcrest",
    "Meadowbrook",
    "Sunset",
    "Granite",
    "Willow Creek",
    "Bayside",
    "Stonebridge",
    "Elm Street",
    "Kingsley",
    "Parkside",
    "Millbrook",
    "Highland",
    "Crescent",
    "Union Square",
    "Foxhill",
    "Greenway",
    "Bridgeport",
)


@dataclass(frozen=True)
class Kind:
    """A kind of business: how such employers are named and the jobs they hire for."""

    names: tuple[str, ...]  # patterns with {place} and {num}
    jobs: tuple[tuple[str, str], ...]  # (job type, job title)
    wage: tuple[float, float]


KINDS = (
    Kind(
        ("{place} Market", "FreshWay Grocery #{num}", "Hometown Foods {place}"),
        (
            ("Retail", "Cashier"),
            ("Retail", "Courtesy Clerk"),
            ("Stocking", "Night Stocker"),
            ("Food service", "Deli Clerk"),
        ),
        (15.0, 18.5),
    ),
    Kind(
        ("{place} General Hospital", "{place} Medical Center"),
        (
            ("Healthcare support", "Patient Transporter"),
            ("Healthcare support", "Dietary Aide"),
            ("Janitorial", "Environmental Services Aide"),
            ("Clerical", "Unit Clerk"),
            ("Laundry", "Linen Attendant"),
        ),
        (16.5, 21.0),
    ),
    Kind(
        ("{place} Distribution Center", "{place} Logistics", "Summit Freight #{num}"),
        (
            ("Warehouse", "Order Picker"),
            ("Warehouse", "Packer"),
            ("Warehouse", "Forklift Operator"),
            ("Warehouse", "Shipping Clerk"),
        ),
        (16.0, 20.5),
    ),
    Kind(
        ("{place} Café", "Daily Grind Coffee {place}", "{place} Diner"),
        (
            ("Food service", "Barista"),
            ("Food service", "Dishwasher"),
            ("Food service", "Line Cook"),
            ("Food service", "Busser"),
        ),
        (15.0, 17.5),
    ),
    Kind(
        ("{place} Elementary School", "{place} Middle School", "{place} Community College"),
        (
            ("Education support", "Classroom Aide"),
            ("Janitorial", "Custodian"),
            ("Food service", "Cafeteria Worker"),
            ("Clerical", "Office Assistant"),
        ),
        (15.5, 19.5),
    ),
    Kind(
        ("{place} Inn", "Grand {place} Hotel", "{place} Suites"),
        (
            ("Hospitality", "Housekeeper"),
            ("Hospitality", "Front Desk Agent"),
            ("Laundry", "Laundry Attendant"),
            ("Maintenance", "Houseman"),
        ),
        (15.0, 18.5),
    ),
    Kind(
        ("{place} Landscaping", "{place} Lawn & Garden"),
        (("Landscaping", "Groundskeeper"), ("Landscaping", "Landscape Laborer")),
        (16.0, 19.0),
    ),
    Kind(
        ("{place} Public Library",),
        (("Library services", "Library Page"), ("Library services", "Circulation Assistant")),
        (15.0, 18.0),
    ),
    Kind(
        ("{place} Animal Hospital", "{place} Pet Resort", "{place} Animal Shelter"),
        (("Animal care", "Kennel Attendant"), ("Animal care", "Groomer's Assistant")),
        (15.0, 17.5),
    ),
    Kind(
        ("{place} Auto Spa", "{place} Tire & Auto"),
        (
            ("Auto services", "Car Wash Attendant"),
            ("Auto services", "Detailer"),
            ("Auto services", "Lube Technician"),
        ),
        (15.0, 18.0),
    ),
    Kind(
        ("{place} Senior Living", "{place} Care Center"),
        (
            ("Home care", "Caregiver"),
            ("Recreation", "Activities Assistant"),
            ("Food service", "Dining Server"),
        ),
        (16.0, 19.5),
    ),
    Kind(
        ("{place} Insurance Agency", "{place} Realty", "{place} Law Office"),
        (
            ("Clerical", "Receptionist"),
            ("Clerical", "Data Entry Clerk"),
            ("Clerical", "File Clerk"),
        ),
        (16.0, 20.0),
    ),
    Kind(
        ("{place} Fitness Center", "{place} YMCA"),
        (
            ("Recreation", "Front Desk Attendant"),
            ("Janitorial", "Facility Attendant"),
            ("Childcare", "Child Watch Attendant"),
        ),
        (15.0, 17.5),
    ),
    Kind(
        ("{place} Manufacturing", "{place} Plastics", "{place} Cabinet Works"),
        (
            ("Manufacturing", "Assembler"),
            ("Manufacturing", "Machine Operator"),
            ("Manufacturing", "Packaging Associate"),
        ),
        (16.5, 21.0),
    ),
    Kind(
        ("{place} Property Management", "{place} Apartments"),
        (
            ("Maintenance", "Maintenance Technician"),
            ("Maintenance", "Porter"),
            ("Janitorial", "Unit Turnover Cleaner"),
        ),
        (16.0, 20.0),
    ),
    Kind(
        ("{place} Courier", "{place} Delivery Services"),
        (("Delivery", "Courier"), ("Delivery", "Delivery Driver")),
        (16.0, 20.0),
    ),
    Kind(
        ("{place} Cinemas",),
        (("Recreation", "Usher"), ("Food service", "Concessions Attendant")),
        (15.0, 16.5),
    ),
    Kind(
        ("{place} Hardware", "HomeBuild Supply #{num}"),
        (
            ("Retail", "Sales Associate"),
            ("Retail", "Lot Associate"),
            ("Stocking", "Receiving Associate"),
        ),
        (15.5, 18.5),
    ),
    Kind(
        ("{place} Bakery",),
        (("Baking", "Baker's Assistant"), ("Retail", "Counter Clerk")),
        (15.0, 17.5),
    ),
    Kind(
        ("{place} Customer Care Center", "Northstar Telecom {place}"),
        (
            ("Customer service", "Customer Service Representative"),
            ("Customer service", "Call Center Agent"),
        ),
        (16.5, 20.5),
    ),
    Kind(("{place} Security Services",), (("Security", "Security Officer"),), (16.5, 20.0)),
    Kind(
        ("{place} Recycling",),
        (("Recycling", "Sorter"), ("Recycling", "Material Handler")),
        (15.5, 18.5),
    ),
    Kind(
        ("{place} Cleaning Services", "{place} Janitorial"),
        (("Janitorial", "Commercial Cleaner"), ("Janitorial", "Office Cleaner")),
        (15.0, 18.0),
    ),
    Kind(
        ("{place} Computer Repair", "{place} Tech Solutions"),
        (("IT support", "Repair Technician"), ("IT support", "Help Desk Assistant")),
        (17.0, 23.0),
    ),
    Kind(
        ("{place} Accounting", "{place} Tax Service"),
        (("Bookkeeping", "Bookkeeping Assistant"), ("Clerical", "Billing Clerk")),
        (17.0, 22.0),
    ),
    Kind(
        ("{place} Thrift Store", "Second Chance Thrift {place}"),
        (("Retail", "Donation Sorter"), ("Retail", "Cashier")),
        (15.0, 16.5),
    ),
    Kind(
        ("{place} Garden Center", "{place} Nursery"),
        (("Landscaping", "Nursery Worker"), ("Retail", "Garden Associate")),
        (15.0, 18.0),
    ),
    Kind(
        ("{place} Child Care Center", "Little Sprouts {place}"),
        (("Childcare", "Childcare Assistant"),),
        (15.5, 18.5),
    ),
    Kind(("{place} Moving Co.",), (("Moving and hauling", "Mover"),), (16.5, 20.0)),
    Kind(
        ("{place} Builders",),
        (("Construction", "Construction Laborer"), ("Construction", "Site Cleanup Worker")),
        (17.0, 22.0),
    ),
    Kind(
        ("{place} Parking", "{place} Garage"),
        (("Parking services", "Parking Attendant"), ("Parking services", "Valet")),
        (15.0, 17.5),
    ),
    Kind(
        ("{place} Print Shop", "{place} Copy Center"),
        (("Printing", "Print Shop Helper"), ("Printing", "Bindery Worker")),
        (15.5, 18.5),
    ),
    Kind(
        ("{place} Pharmacy",),
        (("Pharmacy support", "Pharmacy Clerk"), ("Retail", "Front Store Cashier")),
        (15.5, 19.0),
    ),
    Kind(
        ("{place} Florist", "{place} Flowers"),
        (("Floral", "Floral Assistant"), ("Delivery", "Flower Delivery Driver")),
        (15.0, 17.5),
    ),
    Kind(
        ("{place} Museum", "{place} Art Center"),
        (
            ("Museum services", "Visitor Services Associate"),
            ("Museum services", "Gallery Attendant"),
        ),
        (15.5, 18.0),
    ),
    Kind(
        ("{place} Transit Authority",),
        (("Transportation", "Bus Cleaner"), ("Transportation", "Fleet Fueler")),
        (17.0, 21.0),
    ),
    Kind(
        ("{place} Event Center", "{place} Banquet Hall"),
        (("Event services", "Event Setup Crew"), ("Food service", "Banquet Server")),
        (15.5, 18.5),
    ),
    Kind(
        ("{place} Dry Cleaners",),
        (("Dry cleaning", "Presser"), ("Dry cleaning", "Counter Attendant")),
        (15.0, 17.0),
    ),
    Kind(
        ("{place} Food Bank",),
        (("Food distribution", "Pantry Stocker"), ("Food distribution", "Food Bank Packer")),
        (15.5, 18.0),
    ),
    Kind(
        ("{place} Bike Shop",),
        (("Bicycle repair", "Bike Mechanic Trainee"), ("Retail", "Sales Associate")),
        (15.5, 18.5),
    ),
    Kind(
        ("{place} Catering",),
        (("Catering", "Catering Assistant"), ("Catering", "Prep Cook")),
        (15.5, 18.0),
    ),
    Kind(
        ("{place} Document Services",),
        (("Document imaging", "Scanning Technician"), ("Clerical", "Records Clerk")),
        (16.0, 19.0),
    ),
)

CLOSURE_REASONS = (
    "Moved out of area",
    "Chose to stop services",
    "Transferred to another program",
    "Follow-along completed",
    "Lost contact",
    "Long-term hospitalization",
)
BENEFITS_HELD = (
    "SSI",
    "SSDI",
    "SSI, Medicaid",
    "SSDI, Medicare",
    "SSI, SNAP",
    "SSDI, Medicaid",
    "SSI, Medicaid, Section 8",
    "SSDI, SNAP",
)
BENEFITS_SOUGHT = ("Medicaid", "SNAP", "Medicaid, SNAP")
EXTERNAL_PLANNERS = ("Regional WIPA Project", "State VR benefits counselor")
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
REMOTE_TYPE_WEIGHTS = ((PHONE, 55), (EMAIL, 37), (OTHER_CONTACT, 8))
END_REASON_WEIGHTS = ((QUIT, 38), (FIRED, 15), (LAID_OFF, 10), (TEMP_ENDED, 25), (OTHER_END, 12))


# --- the invented program ------------------------------------------------------------------


@dataclass
class _Staff:
    name: str
    role: str
    fte: float
    supervisor: str | None
    community: int
    ips_only: bool
    services: int | None = None  # Employment Services %; blank where the scale does not ask


@dataclass
class _Client:
    id: str
    specialist: _Staff
    referred: dt.date | None
    enrolled: dt.date
    first_contact: dt.date | None
    kind: Kind
    preference: str
    benefits: bool
    benefit_types: str
    education: bool
    status: str = ACTIVE
    closed: dt.date | None = None
    closure_reason: str | None = None
    slow: bool = False  # a planted slow job search
    jobs: list[_Job] = field(default_factory=list)

    def reachable(self, day: dt.date) -> bool:
        """Is the client enrolled, past the first employer contact and not closed on ``day``?"""
        return (
            self.first_contact is not None
            and self.first_contact <= day
            and (self.closed is None or day <= self.closed)
        )


@dataclass
class _Job:
    client: _Client
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


class _Demo:
    """Builds the demo's rows; one instance per call, all randomness from one seeded generator."""

    def __init__(
        self,
        clients: int,
        seed: int,
        start: dt.date,
        end: dt.date,
        agency: str,
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
        self.k = mistakes_per_kind(clients)
        self.weekdays = [d for d in _days(start, end) if d.weekday() < 5] or [start]
        self.used_names: set[str] = set()
        self.staff: list[_Staff] = []
        self.clients: list[_Client] = []
        self.jobs: list[_Job] = []
        # specialist name -> index of the week of leave planted as a low-contacts week
        self.low_weeks: dict[str, int] = {}
        # benefits-receiving clients planted without a referral, and the job start it misses
        self.no_referral: set[str] = set()
        self.no_referral_jobs: list[_Job] = []

    # -- people -------------------------------------------------------------------------------

    def person(self) -> str:
        for _ in range(1000):
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("ran out of staff names")

    def contact_person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def build_staff(self) -> None:
        rng = self.rng
        ftes = self.specialist_ftes()
        n_spec = len(ftes)
        supervisors = [
            _Staff(self.person(), SUPERVISOR_ROLE, 1.0, None, rng.randint(20, 40), True, 100)
            for _ in range(math.ceil(n_spec / 8))
        ]
        specialists = []
        for i, fte in enumerate(ftes):
            ips_only = i % 8 != 7
            shared = SHARED_SPECIALIST_SERVICES[i // 8 % len(SHARED_SPECIALIST_SERVICES)]
            specialists.append(
                _Staff(
                    self.person(),
                    SPECIALIST_ROLE,
                    fte,
                    supervisors[i // 8].name,
                    rng.randint(48, 80),
                    ips_only,
                    100 if ips_only else shared,
                )
            )
        planners = [
            _Staff(
                self.person(),
                PLANNER_ROLE,
                rng.choice((0.5, 1.0)),
                None,
                rng.randint(10, 30),
                False,
            )
            for _ in range(math.ceil(n_spec / 10))
        ]
        self.staff = supervisors + specialists + planners
        self.specialists = specialists
        self.planners = planners
        full_weeks = (self.end - self.start).days // 7
        if full_weeks >= 3:
            for s in rng.sample(specialists, min(self.k, len(specialists))):
                self.low_weeks[s.name] = rng.randint(1, full_weeks - 2)

    def specialist_ftes(self) -> list[float]:
        """One FTE per specialist, enough of them that each carries a caseload in
        ``CASELOAD_PER_FTE`` per FTE (clients are shared out by FTE)."""
        low, high = CASELOAD_PER_FTE
        ftes = [w for w, _ in SPECIALIST_FTES]
        weights = [k for _, k in SPECIALIST_FTES]
        drawn = self.rng.choices(
            ftes, weights=weights, k=max(1, round(self.n / sum(CASELOAD_PER_FTE) * 2))
        )
        while self.n / sum(drawn) > high:
            part = [i for i, f in enumerate(drawn) if f < 1.0]
            if part:
                drawn[part[0]] = 1.0
            else:
                drawn.append(1.0)
        while self.n / sum(drawn) < low and len(drawn) > 1:
            drawn.pop()
        return drawn

    def in_low_week(self, name: str, day: dt.date) -> bool:
        week = self.low_weeks.get(name)
        return week is not None and (day - self.start).days // 7 == week

    # -- caseload -----------------------------------------------------------------------------

    def build_clients(self) -> None:
        rng = self.rng
        specialists = _spread(self.specialists, [s.fte for s in self.specialists], self.n)
        rng.shuffle(specialists)
        ids = rng.sample(range(10000, 100000), self.n)
        for cid, who in zip(ids, specialists, strict=True):
            enrolled = self.end - dt.timedelta(days=rng.randint(0, ENROLLED_WITHIN - 1))
            referred = (
                None if rng.random() < 0.1 else enrolled - dt.timedelta(days=rng.randint(0, 21))
            )
            kind = rng.choice(KINDS)
            job_type, title = rng.choice(kind.jobs)
            preference = title if rng.random() < 0.8 else f"{job_type} work"
            benefits = rng.random() < 0.6
            self.clients.append(
                _Client(
                    id=f"C-{cid}",
                    specialist=who,
                    referred=referred,
                    enrolled=enrolled,
                    first_contact=self.contact_day(
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
        self.clients.sort(key=lambda c: (c.enrolled, c.id))
        self.plant_slow_search()

    def contact_day(
        self, who: _Staff, enrolled: dt.date, delay: int, within: int | None = None
    ) -> dt.date | None:
        """The first weekday ``delay`` days after enrollment or later that is outside the
        specialist's week of leave; or the last one before, if later is past ``within`` days.
        None when it falls after the period (no first contact yet)."""

        def free(day: dt.date) -> bool:
            return day.weekday() < 5 and not (day >= self.start and self.in_low_week(who.name, day))

        day = enrolled + dt.timedelta(days=delay)
        while not free(day):
            day += dt.timedelta(days=1)
        if within is not None and (day - enrolled).days > within:
            day = enrolled + dt.timedelta(days=delay)
            while not free(day) and day > enrolled:
                day -= dt.timedelta(days=1)
        return day if day <= self.end else None

    def plant_slow_search(self) -> None:
        """No first employer contact 30+ days after enrollment, or one more than 30 days late."""
        late = [c for c in self.clients if c.enrolled <= self.end - dt.timedelta(days=75)]
        recent = [c for c in late if c.enrolled >= self.start - dt.timedelta(days=60)]
        pool = recent if len(recent) >= self.k else late
        for i, c in enumerate(self.rng.sample(pool, min(self.k, len(pool)))):
            c.first_contact = (
                None
                if i % 2 == 0
                else self.contact_day(c.specialist, c.enrolled, self.rng.randint(35, 60))
            )
            c.slow = True

    # -- jobs -----------------------------------------------------------------------------------

    def build_jobs(self) -> None:
        """Who works in the period, who starts a job in it, and earlier jobs that ended.

        The period's starters are drawn from every client whose search allows a start, recent
        searches likelier; the rest of the period's workers hold a job started some months into
        their search, drawn from clients searching since before the period, the longer
        searching the likelier.
        """
        rng = self.rng
        last_start = self.end - dt.timedelta(days=4)
        ready = [
            c
            for c in self.clients
            if not c.slow
            and c.first_contact is not None
            and c.first_contact + dt.timedelta(days=7) <= last_start
        ]
        employed = round(self.n * rng.gauss(EMPLOYED, SEED_SPREAD))
        starting = max(1, round(self.n * rng.gauss(STARTING, SEED_SPREAD)))
        # a start is likelier early in a search: weight by how recently it began
        recency = {
            id(c): rng.random() ** ((max(0, (self.start - c.first_contact).days) + 60) / 60)
            for c in ready
        }
        starters = sorted(ready, key=lambda c: recency[id(c)], reverse=True)[:starting]
        chosen = {id(c) for c in starters}
        searching = [
            c
            for c in ready
            if id(c) not in chosen and c.first_contact + dt.timedelta(days=7) < self.start
        ]
        # longer searches weigh more: a weighted draw without replacement (by random keys)
        keys = {
            id(c): rng.random() ** (1 / ((self.start - c.first_contact).days + 30))
            for c in searching
        }
        searching.sort(key=lambda c: keys[id(c)], reverse=True)
        holders = searching[: max(0, employed - len(starters))]
        current: dict[int, dt.date] = {}
        for c in holders:
            # most find work within months of starting to look (DAYS_TO_FIRST_JOB on average)
            wait = dt.timedelta(days=7 + round(rng.expovariate(1 / DAYS_TO_FIRST_JOB)))
            start = min(c.first_contact + wait, self.start - dt.timedelta(days=1))
            end = None
            if rng.random() < 0.15:  # some jobs end during the period
                end = _between(rng, self.start, self.end - dt.timedelta(days=1))
            current[id(c)] = start
            self.jobs.append(self.job(c, start, end))
        for c in starters:
            start = _between(
                rng, max(self.start, c.first_contact + dt.timedelta(days=7)), last_start
            )
            current[id(c)] = start
            self.jobs.append(self.job(c, start, None))
        for c in ready:
            before = current.get(id(c), self.start) - dt.timedelta(days=21)
            first = c.first_contact + dt.timedelta(days=7)
            if rng.random() < EARLIER_JOB and (before - first).days >= 30:
                start = _between(rng, first, before - dt.timedelta(days=14))
                end = _between(rng, start + dt.timedelta(days=14), before)
                self.jobs.append(self.job(c, start, end))
        self.jobs.sort(key=lambda j: (j.start, j.client.id))

    def job(self, c: _Client, start: dt.date, end: dt.date | None) -> _Job:
        rng = self.rng
        kind = c.kind if rng.random() < 0.7 else rng.choice(KINDS)
        job_type, title = rng.choice(kind.jobs)
        competitive = rng.random() < 0.96
        employer = self.employer(kind) if competitive else f"{self.agency} Work Crew"
        pre = start - dt.timedelta(days=rng.randint(1, 6))
        post = start + dt.timedelta(days=rng.randint(0, 3))
        if rng.random() < 0.03:
            post += dt.timedelta(days=rng.randint(3, 6))  # the odd late check-in
        return _Job(
            client=c,
            start=start,
            end=end,
            employer=employer,
            title=title,
            type=job_type,
            competitive=competitive,
            hours=round(rng.triangular(8, 40, 20)),
            wage=round(rng.uniform(*kind.wage) * 4) / 4,
            end_reason=_weighted(rng, END_REASON_WEIGHTS) if end else None,
            pre=pre,
            post=min(post, self.end),
        )

    def employer(self, kind: Kind) -> str:
        place = self.rng.randrange(len(PLACES))
        pattern = self.rng.choice(kind.names)
        return pattern.format(place=PLACES[place], num=101 + 37 * place)

    def set_statuses(self) -> None:
        rng = self.rng
        for c in self.clients:
            held = [j for j in c.jobs if j.end is None]
            if c.enrolled < self.start and rng.random() < 0.08:
                floor = max(
                    [
                        self.start,
                        c.enrolled + dt.timedelta(days=30),
                        c.first_contact or c.enrolled,
                        *(j.start for j in c.jobs),
                    ]
                )
                if floor <= self.end:
                    c.status = CLOSED
                    c.closed = floor + dt.timedelta(days=rng.randint(0, (self.end - floor).days))
                    c.closure_reason = rng.choice(CLOSURE_REASONS)
                    continue
            if (
                any(j.start <= self.end - dt.timedelta(days=180) for j in held)
                and rng.random() < 0.6
            ):
                c.status = FOLLOW_ALONG

    # -- the logs -----------------------------------------------------------------------------

    def build_referrals(self) -> list[dict[str, object]]:
        rng = self.rng
        starters: dict[str, list[_Job]] = {}
        for j in self.jobs:
            if j.client.benefits and self.start <= j.start <= self.end:
                starters.setdefault(j.client.id, []).append(j)
        # plant on clients with one start in the period, so each plants one missed start
        single = sorted(cid for cid, js in starters.items() if len(js) == 1)
        pool = single if len(single) >= self.k else sorted(starters)
        plant = rng.sample(pool, min(self.k, len(pool)))
        self.no_referral = set(plant)
        self.no_referral_jobs = [j for cid in plant for j in starters[cid]]
        rows = []
        for cid, (j, *_) in sorted(starters.items()):
            if cid not in self.no_referral:
                first = max(self.start, j.client.enrolled)
                rows.append(self.referral(j.client, _between(rng, first, j.start)))
        open_clients = [
            c
            for c in self.clients
            if c.id not in self.no_referral and (c.closed is None or c.closed >= self.start)
        ]
        weights = [3 if c.benefits else 1 for c in open_clients]
        target = max(len(rows), round(self.n * REFERRALS_PER_CLIENT))
        while open_clients and len(rows) < target:
            c = rng.choices(open_clients, weights=weights)[0]
            first = max(self.start, c.enrolled)
            last = min(self.end, c.closed or self.end)
            rows.append(self.referral(c, _between(rng, first, last)))
        rows.sort(key=lambda r: (r["Referral Date"], r["Client ID"]))
        return rows

    def referral(self, c: _Client, day: dt.date) -> dict[str, object]:
        rng = self.rng
        done = day + dt.timedelta(days=rng.randint(5, 40))
        status, completed = PENDING, None
        if done <= self.end:
            status = _weighted(rng, ((COMPLETED, 76), (DECLINED, 9), (NO_SHOW, 15)))
            completed = done if status == COMPLETED else None
        planner = (
            rng.choice(self.planners).name if rng.random() < 0.85 else rng.choice(EXTERNAL_PLANNERS)
        )
        return {
            "Client ID": c.id,
            "Referral Date": day,
            "Benefit Types": c.benefit_types,
            "Referred To": planner,
            "Completed Date": completed,
            "Status": status,
        }

    def build_contacts(self) -> list[dict[str, object]]:
        """The Employer Log: each specialist's face-to-face visits week by week around the
        specialist's usual rate, phone and email contacts besides, and a first visit for each
        client whose search starts in the period. With ``contacts_per_client`` every
        specialist's weeks are scaled so the log holds that many contacts per client."""
        rng = self.rng
        by_specialist: dict[str, list[_Client]] = {s.name: [] for s in self.specialists}
        for c in self.clients:
            by_specialist[c.specialist.name].append(c)
        weeks = self.weeks()
        plans = {s.name: self.week_plan(s, weeks) for s in self.specialists}
        if self.contacts_per_client is not None:
            planned = sum(sum(p) for p in plans.values()) * (1 + REMOTE_PER_FACE_TO_FACE)
            scale = self.n * self.contacts_per_client / max(planned, 1)
            plans = {
                name: [
                    n if self.low_weeks.get(name) == w else round(n * scale)
                    for w, n in enumerate(p)
                ]
                for name, p in plans.items()
            }
        rows = []
        for s in self.specialists:
            mine = by_specialist[s.name]
            firsts = {}
            for c in mine:
                if c.first_contact and c.first_contact >= self.start:
                    firsts.setdefault(self.week_of(c.first_contact), []).append(c)
            for w, days in enumerate(weeks):
                visits = plans[s.name][w]
                for c in firsts.get(w, []):
                    rows.append(self.contact(s, c.first_contact, c, FACE_TO_FACE, True))
                    visits -= 1
                for _ in range(max(visits, 0)):
                    rows.append(self.client_contact(s, rng.choice(days), mine, FACE_TO_FACE))
                if self.low_weeks.get(s.name) == w:
                    continue  # a week of leave: no calls either
                remote = plans[s.name][w] * REMOTE_PER_FACE_TO_FACE
                for _ in range(int(remote) + (rng.random() < remote % 1)):
                    how = _weighted(rng, REMOTE_TYPE_WEIGHTS)
                    rows.append(self.client_contact(s, rng.choice(days), mine, how))
        rows.sort(key=lambda r: (r["Date"], r["Employment Specialist"]))
        return rows

    def weeks(self) -> list[list[dt.date]]:
        """The period's weekdays in 7-day weeks counted from its first day (as the
        low-contacts rule counts them); the last week may be short."""
        out: list[list[dt.date]] = []
        for day in self.weekdays:
            w = self.week_of(day)
            while len(out) <= w:
                out.append([])
            out[w].append(day)
        return [days or [self.start] for days in out]

    def week_of(self, day: dt.date) -> int:
        return (day - self.start).days // 7

    def week_plan(self, who: _Staff, weeks: list[list[dt.date]]) -> list[int]:
        """Face-to-face visits a specialist makes each week: around the specialist's own rate,
        never under ``FEWEST_IN_A_WEEK`` except in the planted week of leave."""
        rng = self.rng
        rate = rng.uniform(*FACE_TO_FACE_PER_WEEK)
        plan = []
        for w, days in enumerate(weeks):
            if self.low_weeks.get(who.name) == w:
                plan.append(LOW_WEEK_CONTACTS)
                continue
            usual = rate * len(days) / 5
            floor = FEWEST_IN_A_WEEK if len(days) == 5 else 0
            plan.append(max(floor, round(rng.gauss(usual, WEEKLY_SPREAD))))
        return plan

    def client_contact(
        self, who: _Staff, day: dt.date, mine: list[_Client], how: str
    ) -> dict[str, object]:
        """A contact that is about one of the specialist's clients six times in ten."""
        client = None
        if mine and self.rng.random() < 0.6:
            pick = self.rng.choice(mine)
            client = pick if pick.reachable(day) else None
        return self.contact(who, day, client, how)

    def contact(
        self, who: _Staff, day: dt.date, client: _Client | None, how: str, first: bool = False
    ) -> dict[str, object]:
        rng = self.rng
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
            "Employer": self.employer(kind),
            "Contact Person": self.contact_person() if rng.random() < 0.9 else None,
            "Hiring Manager": _yes_no(rng.random() < 0.55),
            "Contact Type": how,
            "Client ID": client.id if client else None,
            "Client Preference": None if prefers is None else _yes_no(prefers),
            "Notes": "First employer visit for this client" if first else notes,
        }

    # -- rows -----------------------------------------------------------------------------------

    def staff_rows(self) -> list[dict[str, object]]:
        return [
            {
                "Name": s.name,
                "Role": s.role,
                "FTE": s.fte,
                "Supervisor": s.supervisor,
                "Community Hours %": s.community,
                "IPS Only": _yes_no(s.ips_only),
                "Employment Services %": s.services,
            }
            for s in self.staff
        ]

    def caseload_rows(self) -> list[dict[str, object]]:
        return [
            {
                "Client ID": c.id,
                "Employment Specialist": c.specialist.name,
                "Referral Date": c.referred,
                "Enrollment Date": c.enrolled,
                "First Employer Contact": c.first_contact,
                "Job Preference": c.preference,
                "Receives Benefits": _yes_no(c.benefits),
                "In Education": _yes_no(c.education),
                "Status": c.status,
                "Closed Date": c.closed,
                "Closure Reason": c.closure_reason,
            }
            for c in self.clients
        ]

    def job_rows(self) -> list[dict[str, object]]:
        return [
            {
                "Client ID": j.client.id,
                "Job Start Date": j.start,
                "Job End Date": j.end,
                "Employer": j.employer,
                "Job Title": j.title,
                "Job Type": j.type,
                "Competitive": _yes_no(j.competitive),
                "Hours Per Week": j.hours,
                "Hourly Wage": j.wage,
                "End Reason": j.end_reason,
                "Pre-Start Contact": j.pre,
                "Post-Start Contact": j.post,
            }
            for j in self.jobs
        ]

    def build(self) -> dict[str, list[dict[str, object]]]:
        self.build_staff()
        self.build_clients()
        self.build_jobs()
        for j in self.jobs:
            j.client.jobs.append(j)
        self.set_statuses()
        rows = {
            standard.STAFF.name: self.staff_rows(),
            standard.CASELOAD.name: self.caseload_rows(),
            standard.JOBS.name: self.job_rows(),
            standard.EMPLOYER_LOG.name: self.build_contacts(),
            standard.BENEFITS_REFERRALS.name: self.build_referrals(),
        }
        Planter(self, rows).plant()
        return rows


# --- small helpers -------------------------------------------------------------------------


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A random day in [first, last], a weekday where the range holds one."""
    days = _days(first, max(first, last))
    weekdays = [d for d in days if d.weekday() < 5]
    return rng.choice(weekdays or days)


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _yes_no(flag: bool) -> str:
    return YES if flag else NO


def _spread(items: Sequence, weights: Sequence[float], total: int) -> list:
    """``total`` picks of ``items`` in proportion to ``weights`` (largest remainder), in order."""
    share = [w / sum(weights) * total for w in weights]
    counts = [int(s) for s in share]
    for i in sorted(range(len(items)), key=lambda i: counts[i] - share[i])[: total - sum(counts)]:
        counts[i] += 1
    return [item for item, n in zip(items, counts, strict=True) for _ in range(n)]


def _table(tab: Tab, rows: list[dict[str, object]]) -> list[list[object]]:
    """Dict rows -> value lists in the standard's column order (a wrong key is a bug here)."""
    names = [c.name for c in tab.columns]
    unknown = {k for r in rows[:1] for k in r} - set(names)
    if unknown:
        raise KeyError(f"{tab.name} has no columns {sorted(unknown)}")
    return [[r.get(n) for n in names] for r in rows]


def write_demo(
    path: Path,
    clients: int = 40,
    seed: int = 1,
    start: dt.date = DEFAULT_PERIOD[0],
    end: dt.date = DEFAULT_PERIOD[1],
    agency: str = DEFAULT_AGENCY,
    program: str | None = DEFAULT_PROGRAM,
    contacts_per_client: float | None = None,
) -> None:
    """Write a filled workbook for an invented IPS program to ``path``; see the module's notes.

    ``contacts_per_client`` replaces the realistic Employer Log by one of that many contacts
    per client (the benchmarks' stress workbook: 25 for 2,000 clients is 50,000 rows). The
    same arguments always give the same workbook (every random choice comes from
    ``random.Random(seed)``), so a demo can be regenerated, compared and used in tests.
    """
    demo = _Demo(clients, seed, start, end, agency, contacts_per_client)
    rows = demo.build()
    supervisors = [s.name for s in demo.staff if s.role == SUPERVISOR_ROLE]
    wb = new_workbook()
    write_instructions_sheet(wb)
    for tab in standard.TABS:
        if tab.fields:
            write_program_sheet(
                wb,
                {
                    "Agency": agency,
                    "Program": program,
                    "Supervisor": supervisors[0] if supervisors else None,
                    "Period Start": start,
                    "Period End": end,
                },
            )
            continue
        headers = [c.name for c in tab.columns]
        title = None
        if tab is standard.CASELOAD:
            title = f"{program or agency}: caseload, {start:%B %Y} to {end:%B %Y}"
        if tab is standard.EMPLOYER_LOG:
            es = tab.column("Employment Specialist")
            headers[tab.columns.index(es)] = min(es.aliases, key=len)
        write_table_sheet(wb, tab, _table(tab, rows[tab.name]), headers=headers, title=title)
    save_atomically(wb, Path(path))
