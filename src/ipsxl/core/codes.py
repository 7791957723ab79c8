"""Every flag code ipsxl can raise, with its severity, what it means and how to fix it.

A code is defined once, here; rules raise it by passing the ``Code`` (never a retyped string or
severity), the reports and sheets print its name, and ``docs/report.md``'s table of codes is
generated from this registry, so the documentation cannot fall behind the code. The rule that
raises a code lives in the ``rules`` module its ``family`` names (``rules/<family>.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ipsxl.core.model import ERROR, INFO, WARNING


@dataclass(frozen=True)
class Code:
    """One kind of flag: its name in reports, how serious it is, what it means, the fix."""

    name: str
    severity: str
    family: str
    title: str
    fix: str

    def __str__(self) -> str:
        return self.name


REGISTRY: dict[str, Code] = {}


def _code(name: str, severity: str, family: str, title: str, fix: str) -> Code:
    code = Code(name, severity, family, title, fix)
    REGISTRY[name] = code
    return code


# --- structure: tabs and columns ---------------------------------------------------------------
MISSING_TAB = _code(
    "missing-tab",
    ERROR,
    "structure",
    "a required tab is absent",
    "add the tab (copy it from `ipsxl template`), or rename yours to the standard name",
)
MISSING_COLUMN = _code(
    "missing-column",
    ERROR,
    "structure",
    "a required column is absent from a tab",
    "add the column, or rename its header to the standard name or one of its aliases",
)
UNKNOWN_COLUMN = _code(
    "unknown-column",
    INFO,
    "structure",
    "a header of a standard tab is not a column of the standard (nor one of its other "
    "spellings): the column is not read",
    "rename the header to the standard name if the column is one of the standard's (the note "
    "suggests the likely one); otherwise nothing to do",
)

# --- cells: blank or wrongly typed values ------------------------------------------------------
MISSING_VALUE = _code(
    "missing-value",
    ERROR,
    "cells",
    "a required cell is blank (or a conditionally required one, such as Closed Date for a "
    "closed case)",
    "fill in the cell",
)
BAD_DATE = _code(
    "bad-date",
    ERROR,
    "cells",
    "a date cell holds something that is not a date",
    "type a real date (2026-07-01 or 7/1/2026), or clear the cell",
)
BAD_NUMBER = _code(
    "bad-number",
    ERROR,
    "cells",
    "a number cell holds something that is not a number, or a number out of its range",
    "type a plain number within the column's range",
)
BAD_CHOICE = _code(
    "bad-choice",
    ERROR,
    "cells",
    "a choice or yes/no cell holds a value not in its list",
    "pick one of the listed values (the template's drop-down offers them)",
)
BAD_VALUE = _code(
    "bad-value",
    ERROR,
    "cells",
    "a cell holds a formula without a computed value (the workbook was written by a program "
    "and never opened in Excel), so its value is unknown",
    "open the workbook in Excel and save it: Excel computes every formula as it saves",
)

# --- identity: keys that should point at one another -------------------------------------------
DUPLICATE_ID = _code(
    "duplicate-id",
    ERROR,
    "identity",
    "a value that must be unique in its tab repeats (a Caseload Client ID, a Staff Name)",
    "keep one row per client or person, or correct the repeated value",
)
UNKNOWN_CLIENT = _code(
    "unknown-client",
    ERROR,
    "identity",
    "a Client ID in Jobs, Employer Log or Benefits Referrals is not in Caseload",
    "correct the ID, or add the client to Caseload",
)
UNKNOWN_SPECIALIST = _code(
    "unknown-specialist",
    WARNING,
    "identity",
    "an Employment Specialist name is not in Staff (only when Staff is present)",
    "spell the name as Staff does, or add the person to Staff",
)
UNKNOWN_SUPERVISOR = _code(
    "unknown-supervisor",
    WARNING,
    "identity",
    "a Staff row's Supervisor is not a Staff row whose Role is Supervisor",
    "spell the supervisor as their Staff row does, or give that row the Role Supervisor",
)

# --- dates: dates that cannot be right as typed ------------------------------------------------
DATE_ORDER = _code(
    "date-order",
    ERROR,
    "dates",
    "dates in one row contradict each other (job end before start, closed before enrolled, "
    "first employer contact before referral, completed before referred)",
    "correct whichever date is wrong",
)
FUTURE_DATE = _code(
    "future-date",
    WARNING,
    "dates",
    "a date after the period's end (or after today)",
    "check the year and month; record events once they have happened",
)
OUT_OF_PERIOD = _code(
    "out-of-period",
    WARNING,
    "dates",
    "a log row (Employer Log, Benefits Referrals) dated outside the reporting period",
    "move the row to the workbook of its own period, or correct the date",
)

# --- timeliness: the specialist's deadlines ----------------------------------------------------
SLOW_JOB_SEARCH = _code(
    "slow-job-search",
    WARNING,
    "timeliness",
    "first employer contact more than 30 days after enrollment, or none yet after 30 days",
    "meet employers for the client within a month of enrollment, or record the contact's date",
)
NO_BENEFITS_PLANNING = _code(
    "no-benefits-planning",
    WARNING,
    "timeliness",
    "a client who receives benefits started a job with no benefits referral on or before the "
    "start date",
    "offer benefits planning before a job starts, and record the referral",
)
LATE_JOB_START_CONTACT = _code(
    "late-job-start-contact",
    WARNING,
    "timeliness",
    "no specialist contact within 7 days before a job start, or within 3 days after",
    "meet the client around each job start, and record the contact dates on Jobs",
)
LOW_CONTACTS = _code(
    "low-contacts",
    WARNING,
    "timeliness",
    "a specialist made fewer than 6 face-to-face employer contacts in a week of the period",
    "plan six face-to-face employer visits a week; log every contact on Employer Log",
)

# --- not a rule: a workbook that could not be read at all ---------------------------------------
UNREADABLE = _code(
    "unreadable",
    ERROR,
    "reading",
    "the file could not be read at all (not a workbook, encrypted, damaged, too large); CSV "
    "reports give it one row",
    "save the workbook again as .xlsx in Excel, without a password, and resubmit it",
)


def family(name: str) -> tuple[Code, ...]:
    """The codes a rules family raises, in the order they are defined here."""
    return tuple(c for c in REGISTRY.values() if c.family == name)
