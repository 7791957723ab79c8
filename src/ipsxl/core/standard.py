"""The agency-standard IPS workbook, as data.

Everything ipsxl knows about tabs, columns, aliases, types and choices lives here and nowhere
else: the reader matches headers against it, the rules check values against it, the template is
drawn from it. To add a column, add a ``Column`` to its tab below; to accept another spelling of
a header or tab, add an alias.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Value types a column can hold. Each has one parser in ``values.py``.
TEXT = "text"
DATE = "date"
NUMBER = "number"
PERCENT = "percent"
YESNO = "yesno"
CHOICE = "choice"

YES_WORDS = ("y", "yes", "true", "1")
NO_WORDS = ("n", "no", "false", "0")


@dataclass(frozen=True)
class Column:
    """One column of a tab: how its header may be spelt and what its cells may hold."""

    name: str
    type: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    # other spellings of a choice, folded -> the choice they mean ("In Person" is Face-to-Face)
    choice_aliases: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    minimum_exclusive: bool = False
    unique: bool = False
    help: str = ""
    width: int = 14

    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Tab:
    """One tab of the workbook: a table with a header row, or the Program field/value list."""

    name: str
    columns: tuple[Column, ...]
    required: bool = True
    aliases: tuple[str, ...] = ()
    help: str = ""
    # the Program tab lists fields as rows (Field, Value) instead of columns
    fields: tuple[Column, ...] = field(default=())

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


# --- the tabs --------------------------------------------------------------------------------

PROGRAM = Tab(
    "Program",
    columns=(Column("Field", required=True, width=18), Column("Value", required=True, width=30)),
    aliases=("Program Info", "Program Information"),
    help="One row per field: who submits and which period the workbook covers.",
    fields=(
        Column("Agency", required=True, help="the agency's name, spelt the same every period"),
        Column("Program", help="a site or team name"),
        Column("Supervisor", help="the IPS supervisor's name"),
        Column("Period Start", DATE, required=True, help="first day of the reporting period"),
        Column("Period End", DATE, required=True, help="last day of the period, inclusive"),
    ),
)

# Column names the rules and fidelity items join tabs on (each is a column of several tabs)
CLIENT_ID = "Client ID"
SPECIALIST = "Employment Specialist"
JOB_START = "Job Start Date"

SPECIALIST_ROLE = SPECIALIST  # the Staff Role of a specialist is spelt as the column is
SUPERVISOR_ROLE = "Supervisor"
ROLES = (SPECIALIST_ROLE, SUPERVISOR_ROLE, "Benefits Planner", "Other")

STAFF = Tab(
    "Staff",
    required=False,
    aliases=("Team", "IPS Team"),
    help="One row per person on the IPS team.",
    columns=(
        Column(
            "Name",
            required=True,
            aliases=("Staff", "Employee"),
            unique=True,
            width=22,
            help="one row per person; these names are what Employment Specialist offers",
        ),
        Column(
            "Role",
            CHOICE,
            required=True,
            aliases=("Position", "Title"),
            choices=ROLES,
            width=22,
            help="Employment Specialist, Supervisor, Benefits Planner or Other",
        ),
        Column(
            "FTE",
            NUMBER,
            minimum=0,
            maximum=1,
            minimum_exclusive=True,
            width=8,
            help="share of a full-time post, above 0 and at most 1; blank means 1.0",
        ),
        Column("Supervisor", width=22, help="must name a Staff row whose Role is Supervisor"),
        Column(
            "Community Hours %",
            PERCENT,
            aliases=("Time in Community",),
            minimum=0,
            maximum=100,
            width=12,
            help="percent of working time spent in the community",
        ),
        Column(
            "IPS Only",
            YESNO,
            aliases=("Employment Services Only",),
            width=10,
            help="does this person provide only employment services",
        ),
        Column(
            "Employment Services %",
            PERCENT,
            aliases=("IPS %", "Time on Employment Services"),
            minimum=0,
            maximum=100,
            width=12,
            help="percent of working time spent on employment services; preferred over IPS Only",
        ),
    ),
)

CLOSED = "Closed"
STATUSES = ("Active", "Follow-Along", CLOSED)

CASELOAD = Tab(
    "Caseload",
    aliases=("Clients", "Client List"),
    help="One row per client enrolled in IPS at any time during the period.",
    columns=(
        Column(
            CLIENT_ID,
            required=True,
            aliases=("ID", "Client", "Client #", "Client Number", "Client No", "Participant ID"),
            unique=True,
            width=12,
            help="the program's ID for the client (no names), once per client",
        ),
        Column(
            SPECIALIST,
            required=True,
            aliases=("ES", "Specialist", "Staff"),
            width=22,
            help="the client's employment specialist, picked from the Staff tab",
        ),
        Column(
            "Referral Date",
            DATE,
            aliases=("Referred",),
            help="the day the client was referred to IPS",
        ),
        Column(
            "Enrollment Date",
            DATE,
            required=True,
            aliases=(
                "Intake Date",
                "Start Date",
                "Admission Date",
                "Enrolment Date",
                "Date Enrolled",
            ),
            help="the day the client enrolled in IPS",
        ),
        Column(
            "First Employer Contact",
            DATE,
            aliases=("First Contact Date", "Date of First Employer Contact"),
            width=16,
            help="first in-person contact with an employer about a job for this client",
        ),
        Column(
            "Job Preference",
            aliases=("Job Goal", "Preferred Job"),
            width=22,
            help="the kind of job the client wants",
        ),
        Column(
            "Receives Benefits",
            YESNO,
            aliases=("Benefits",),
            width=10,
            help="does the client receive disability benefits (SSI, SSDI)",
        ),
        Column(
            "In Education",
            YESNO,
            aliases=("Education",),
            width=10,
            help="is the client in school or training",
        ),
        Column(
            "Status",
            CHOICE,
            required=True,
            aliases=("Case Status",),
            choices=STATUSES,
            choice_aliases=(("followalong", "Follow-Along"), ("open", "Active")),
            width=14,
            help="Active; Follow-Along (working, with support going on); or Closed",
        ),
        Column(
            "Closed Date", DATE, aliases=("Discharge Date",), help="required when Status is Closed"
        ),
        Column(
            "Closure Reason",
            aliases=("Discharge Reason",),
            width=22,
            help="why the case was closed",
        ),
    ),
)

END_REASONS = ("Quit", "Fired", "Laid Off", "Temporary Job Ended", "Other")

# Columns that stand alike on more than one tab, defined once so their spellings cannot drift.
_CLIENT_FROM_CASELOAD = Column(
    CLIENT_ID,
    required=True,
    aliases=("ID", "Client"),
    width=12,
    help="the client's ID, picked from the Caseload tab",
)


def _employer(help: str) -> Column:
    return Column("Employer", required=True, aliases=("Business", "Company"), width=26, help=help)


JOBS = Tab(
    "Jobs",
    aliases=("Job", "Employment", "Jobs Held"),
    help="One row per job held at any time during the period.",
    columns=(
        _CLIENT_FROM_CASELOAD,
        Column(
            JOB_START,
            DATE,
            required=True,
            aliases=("Start Date", "Hire Date", "Date Started"),
            help="the first day at work",
        ),
        Column(
            "Job End Date",
            DATE,
            aliases=("End Date", "Date Ended", "Separation Date"),
            help="blank while the job is held",
        ),
        _employer(help="the business that hired the client"),
        Column(
            "Job Title",
            aliases=("Position", "Title"),
            width=22,
            help="the job's title, as the employer calls it",
        ),
        Column(
            "Job Type",
            aliases=("Occupation", "Job Category"),
            width=18,
            help="the kind of work: Retail, Food service, Warehouse...",
        ),
        Column(
            "Competitive",
            YESNO,
            required=True,
            aliases=("Competitive Job",),
            width=12,
            help="in the community, open to anyone, at least minimum wage, same pay",
        ),
        Column(
            "Hours Per Week",
            NUMBER,
            aliases=(
                "Hours",
                "Weekly Hours",
                "Hrs",
                "Hrs/Wk",
                "Hrs/Week",
                "Hrs Per Week",
                "Hours/Week",
                "Hours/Wk",
                "Hours Per Wk",
                "Weekly Hrs",
                "Hours Worked Per Week",
            ),
            minimum=0,
            maximum=80,
            width=10,
            help="usual hours a week, 0 to 80",
        ),
        Column(
            "Hourly Wage",
            NUMBER,
            aliases=(
                "Wage",
                "Pay Rate",
                "Wage/Hr",
                "Wage/Hour",
                "Wage Per Hour",
                "Hourly Rate",
                "Hourly Pay",
                "Pay/Hr",
                "Pay Per Hour",
                "Rate of Pay",
            ),
            minimum=0,
            width=10,
            help="pay per hour, in dollars",
        ),
        Column(
            "End Reason",
            CHOICE,
            aliases=("Reason Ended",),
            choices=END_REASONS,
            choice_aliases=(("temporary", "Temporary Job Ended"), ("layoff", "Laid Off")),
            width=18,
            help="why the job ended; blank while it is held",
        ),
        Column(
            "Pre-Start Contact",
            DATE,
            aliases=("Contact Before Start",),
            help="the specialist's last meeting with the client before the start",
        ),
        Column(
            "Post-Start Contact",
            DATE,
            aliases=("Contact After Start",),
            help="the specialist's first meeting with the client after the start",
        ),
    ),
)

FACE_TO_FACE = "Face-to-Face"
CONTACT_TYPES = (FACE_TO_FACE, "Phone", "Email", "Other")

EMPLOYER_LOG = Tab(
    "Employer Log",
    aliases=("Employer Contacts", "Employer Contact Log", "Job Development Log"),
    help="One row per contact an employment specialist made with an employer.",
    columns=(
        Column(
            "Date", DATE, required=True, aliases=("Contact Date",), help="the day of the contact"
        ),
        Column(
            SPECIALIST,
            required=True,
            aliases=("ES", "Specialist", "Staff"),
            width=22,
            help="who made the contact, picked from the Staff tab",
        ),
        _employer(help="the business contacted"),
        Column(
            "Contact Person",
            aliases=("Contact Name",),
            width=20,
            help="the person the specialist met or spoke with",
        ),
        Column(
            "Hiring Manager",
            YESNO,
            aliases=("Hiring Authority", "Decision Maker"),
            width=10,
            help="is that person someone who hires",
        ),
        Column(
            "Contact Type",
            CHOICE,
            required=True,
            aliases=("Type", "Method"),
            choices=CONTACT_TYPES,
            choice_aliases=(
                ("inperson", FACE_TO_FACE),
                ("facetoface", FACE_TO_FACE),
                ("f2f", FACE_TO_FACE),
                ("visit", FACE_TO_FACE),
                ("telephone", "Phone"),
                ("call", "Phone"),
                ("e-mail", "Email"),
            ),
            width=14,
            help="Face-to-Face, Phone, Email or Other; only face-to-face contacts count toward"
            " the weekly target",
        ),
        Column(
            CLIENT_ID,
            aliases=("Client", "On Behalf Of"),
            width=12,
            help="blank for general job development",
        ),
        Column(
            "Client Preference",
            YESNO,
            aliases=("Reflects Preference",),
            width=10,
            help="was the contact about a job the client prefers",
        ),
        Column(
            "Notes", aliases=("Purpose", "Outcome"), width=40, help="what the contact was about"
        ),
    ),
)

BENEFIT_STATUSES = ("Pending", "Completed", "Declined", "No Show")

BENEFITS_REFERRALS = Tab(
    "Benefits Referrals",
    aliases=("Benefits Referral", "Benefits Planning", "Work Incentives Planning"),
    help="One row per referral for benefits (work-incentives) planning.",
    columns=(
        _CLIENT_FROM_CASELOAD,
        Column(
            "Referral Date",
            DATE,
            required=True,
            aliases=("Date Referred", "Date"),
            help="the day the client was referred for benefits planning",
        ),
        Column(
            "Benefit Types",
            aliases=("Benefits",),
            width=20,
            help="the benefits the client receives or seeks: SSI, SSDI, Medicaid...",
        ),
        Column(
            "Referred To",
            aliases=("Planner", "Benefits Planner"),
            width=20,
            help="the benefits planner or agency",
        ),
        Column(
            "Completed Date",
            DATE,
            aliases=("Planning Completed", "Date Completed"),
            help="the day planning was completed; blank until then",
        ),
        Column(
            "Status",
            CHOICE,
            required=True,
            choices=BENEFIT_STATUSES,
            choice_aliases=(("noshow", "No Show"), ("complete", "Completed")),
            width=12,
            help="Pending, Completed, Declined or No Show",
        ),
    ),
)

TABS: tuple[Tab, ...] = (PROGRAM, STAFF, CASELOAD, JOBS, EMPLOYER_LOG, BENEFITS_REFERRALS)
TABS_BY_NAME: dict[str, Tab] = {t.name: t for t in TABS}

# Sheets ipsxl writes; the reader never mistakes them for agency data.
FIDELITY_SHEET = "Fidelity"
FLAGS_SHEET = "Flags"
OWN_SHEETS = (FIDELITY_SHEET, FLAGS_SHEET)

# Where a header row may stand, and how much of a tab must match to take a row for the header.
HEADER_SEARCH_ROWS = 10
HEADER_MATCH_SHARE = 0.5

_TRAILING = re.compile(r"(\(s\)|#)\s*$", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: object) -> str:
    """Fold a header, tab name or choice the way people vary it: case, spaces, punctuation.

    ``"Client #"``, ``"client"`` and ``" CLIENT "`` fold alike, as do ``"Employer Log"`` and
    ``"employer_log"``; so the standard can be matched against what agencies actually type.
    """
    text = str(text).strip()
    text = _TRAILING.sub("", text)
    return _NOT_ALNUM.sub("", text).lower()


def header_lookup(tab: Tab) -> dict[str, Column]:
    """Folded spelling -> column, for every name and alias of a tab's columns."""
    lookup: dict[str, Column] = {}
    for col in tab.columns:
        for spelling in col.spellings():
            lookup.setdefault(fold(spelling), col)
    return lookup


def tab_lookup() -> dict[str, Tab]:
    """Folded spelling -> tab, for every tab name and alias."""
    return {fold(s): tab for tab in TABS for s in tab.spellings()}


def choice_lookup(col: Column) -> dict[str, str]:
    """Folded spelling -> canonical choice, for a choice column (its choices and their aliases)."""
    lookup = {fold(c): c for c in col.choices}
    lookup.update({fold(k): v for k, v in col.choice_aliases})
    return lookup
