"""The mistakes the demo workbook carries, so that its first check shows every kind of flag.

Planted mistakes, ``mistakes_per_kind(clients)`` of each (2 for 40 clients, 11 for 2000), on
rows that carry no other planted mistake; the wrong values are this module's constants:

- ``BAD_DATES`` (``13/45/2026``...), text that is not a date: Caseload Referral Date, Jobs
  Pre-Start Contact, Benefits Referrals Completed Date (in turn).
- Valid dates typed as text, which must NOT be flagged: US ``7/14/2026`` in Employer Log Date
  and Jobs Job Start Date, ISO ``2026-07-14`` in Caseload Enrollment Date and Benefits
  Referrals Referral Date (in turn, k of each style).
- A blank required cell: Jobs Employer, Employer Log Employer, Caseload Employment Specialist.
- A Caseload row repeated (duplicated Client ID), right below the original.
- A Jobs row whose Client ID is not in Caseload (one digit of a real ID changed).
- A Jobs row whose Job End Date is before its Job Start Date.
- A Caseload row with Status Closed and no Closed Date.
- ``BAD_CHOICES`` (``Drop-in``...) in Employer Log Contact Type.
- ``BAD_YES_NO`` (``maybe``...): Employer Log Hiring Manager, Caseload In Education, Jobs
  Competitive (in turn).
- ``BAD_HOURS`` (95...) in Jobs Hours Per Week, above the standard's maximum.
- A misspelt specialist name (a letter dropped) in Employer Log, not in Staff.
- Slow job search in Caseload: no First Employer Contact 30+ days after enrollment, or one more
  than 30 days after (in turn); such a client has no jobs and no client-specific contacts.
- A job starting in the period with neither Pre-Start nor Post-Start Contact.
- A benefits-receiving client who starts a job in the period and has no benefits referral.
- A week of the period in which one specialist logged only ``LOW_WEEK_CONTACTS`` face-to-face
  employer contacts (a week of leave), for k different specialists where there are enough.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ipsxl.core import standard
from ipsxl.make.clients import CLOSURE_REASONS

if TYPE_CHECKING:
    from ipsxl.make.program import Program

ACTIVE, _FOLLOW_ALONG, CLOSED = standard.STATUSES

# --- the wrong values ----------------------------------------------------------------------

BAD_DATES = ("13/45/2026", "2/30/2026", "2026-09-31")
BAD_CHOICES = ("Drop-in", "Job fair", "Text message")
BAD_YES_NO = ("maybe", "unsure", "TBD")
BAD_HOURS = (95, 120, 99)
LOW_WEEK_CONTACTS = 3


def mistakes_per_kind(clients: int) -> int:
    """How many of each kind of mistake a demo of ``clients`` clients plants (grows gently)."""
    return max(1, round(1.5 * math.sqrt(clients / 40)))


class Planter:
    """Plants the cell-level mistakes, each on a row no other planted mistake touched."""

    def __init__(self, demo: Program, rows: dict[str, list[dict[str, object]]]):
        self.demo = demo
        self.rng = demo.rng
        self.rows = rows
        self.touched: set[int] = set()
        self.caseload = rows[standard.CASELOAD.name]
        self.jobs = rows[standard.JOBS.name]
        self.log = rows[standard.EMPLOYER_LOG.name]
        self.referrals = rows[standard.BENEFITS_REFERRALS.name]
        # rows whose data a structural mistake rests on, kept clean of cell mistakes
        no_ref = set(demo.no_referral)
        slow = {c.id for c in demo.clients if c.slow}
        self.touched |= {id(r) for r in self.caseload if r["Client ID"] in slow | no_ref}
        self.touched |= {
            id(r)
            for r in self.jobs
            if r["Client ID"] in no_ref
            and r["Job Start Date"] in {j.start for j in demo.no_referral_jobs}
        }
        self.touched |= {
            id(r) for r in self.log if demo.in_low_week(str(r["Employment Specialist"]), r["Date"])
        }

    def pick(
        self,
        rows: list[dict[str, object]],
        ok: Callable[[dict[str, object]], bool] = lambda r: True,
    ) -> dict[str, object] | None:
        """A random untouched row satisfying ``ok`` (None when there is none), now touched.

        Tries random rows first: a scan of 50,000 log rows per mistake would dominate the
        demo's run time, and nearly every row qualifies.
        """
        for _ in range(64):
            row = rows[self.rng.randrange(len(rows))] if rows else None
            if row is not None and id(row) not in self.touched and ok(row):
                break
        else:
            pool = [r for r in rows if id(r) not in self.touched and ok(r)]
            if not pool:
                return None
            row = self.rng.choice(pool)
        self.touched.add(id(row))
        return row

    def each(
        self,
        targets: Sequence[tuple[list[dict[str, object]], str]],
        values: Sequence[object] | None = None,
        ok: Callable[[dict[str, object], str], bool] = lambda r, c: True,
        change: Callable[[object], object] | None = None,
    ) -> None:
        """k mistakes, cycling through (rows, column) targets and through ``values``."""
        for i in range(self.demo.k):
            rows, column = targets[i % len(targets)]
            row = self.pick(rows, lambda r, column=column: ok(r, column))
            if row is None:
                continue
            if change is not None:
                row[column] = change(row[column])
            else:
                row[column] = values[i % len(values)] if values else None

    def plant(self) -> None:
        d = self.demo
        self.each(
            [
                (self.caseload, "Referral Date"),
                (self.jobs, "Pre-Start Contact"),
                (self.referrals, "Completed Date"),
            ],
            BAD_DATES,
            ok=lambda r, c: c != "Pre-Start Contact" or r["Job Start Date"] < d.start,
        )
        self.each(
            [(self.log, "Date"), (self.jobs, "Job Start Date")],
            ok=_has_date,
            change=lambda v: f"{v.month}/{v.day}/{v.year}",
        )
        self.each(
            [(self.caseload, "Enrollment Date"), (self.referrals, "Referral Date")],
            ok=_has_date,
            change=lambda v: v.isoformat(),
        )
        self.each(
            [
                (self.jobs, "Employer"),
                (self.log, "Employer"),
                (self.caseload, "Employment Specialist"),
            ]
        )
        self.each([(self.log, "Contact Type")], BAD_CHOICES)
        self.each(
            [
                (self.log, "Hiring Manager"),
                (self.caseload, "In Education"),
                (self.jobs, "Competitive"),
            ],
            BAD_YES_NO,
        )
        self.each([(self.jobs, "Hours Per Week")], BAD_HOURS)
        self.each([(self.log, "Employment Specialist")], change=lambda v: _misspell(d, str(v)))
        for _ in range(d.k):
            self.end_before_start()
            self.closed_without_date()
            self.no_start_contacts()
            self.duplicate_client()
            self.unknown_client()

    def end_before_start(self) -> None:
        row = self.pick(
            self.jobs,
            lambda r: (
                isinstance(r["Job Start Date"], dt.date) and isinstance(r["Job End Date"], dt.date)
            ),
        )
        if row is not None:
            row["Job End Date"] = row["Job Start Date"] - dt.timedelta(days=self.rng.randint(7, 60))

    def closed_without_date(self) -> None:
        row = self.pick(self.caseload, lambda r: r["Status"] == CLOSED) or self.pick(
            self.caseload, lambda r: r["Status"] == ACTIVE
        )
        if row is not None:
            row["Status"], row["Closed Date"] = CLOSED, None
            row["Closure Reason"] = row["Closure Reason"] or self.rng.choice(CLOSURE_REASONS)

    def no_start_contacts(self) -> None:
        d = self.demo
        row = self.pick(
            self.jobs,
            lambda r: _has_date(r, "Job Start Date") and d.start <= r["Job Start Date"] <= d.end,
        )
        if row is not None:
            row["Pre-Start Contact"] = row["Post-Start Contact"] = None

    def duplicate_client(self) -> None:
        row = self.pick(self.caseload)
        if row is not None:
            copy = dict(row)
            self.touched.add(id(copy))
            self.caseload.insert(self.caseload.index(row) + 1, copy)

    def unknown_client(self) -> None:
        row = self.pick(self.jobs)
        if row is None:
            return
        known = {r["Client ID"] for r in self.caseload}
        cid = str(row["Client ID"])
        for pos in range(len(cid) - 1, 1, -1):
            if not cid[pos].isdigit():
                continue
            other = cid[:pos] + str((int(cid[pos]) + 3) % 10) + cid[pos + 1 :]
            if other not in known:
                copy = dict(row)
                copy["Client ID"] = other
                self.touched.add(id(copy))
                self.jobs.insert(self.jobs.index(row) + 1, copy)
                return


# --- small helpers -------------------------------------------------------------------------


def _has_date(row: dict[str, object], column: str) -> bool:
    return isinstance(row[column], dt.date)


def _misspell(demo: Program, name: str) -> str:
    """The name with one letter of the surname dropped, so it matches no one on Staff."""
    first, _, last = name.partition(" ")
    taken = {standard.fold(s.name) for s in demo.staff}
    typos = [f"{first} {last[:pos]}{last[pos + 1 :]}" for pos in range(1, len(last))]
    typos = [t for t in typos if standard.fold(t) not in taken]
    return demo.rng.choice(typos) if typos else f"{first} {last}x"
