"""A realistic filled workbook, with the mistakes agencies make, for a first run of ipsxl.

A new user should see ipsxl work before they have a workbook of their own: ``write_demo`` makes
one in the template's layout (it writes through ``template.py``, Instructions tab and Excel
tables included), for an invented program of fair-to-good fidelity, with a few planted mistakes
so the first ``ipsxl check`` shows flags. With ``contacts_per_client`` it is also the project's
load generator: ``clients=2000, contacts_per_client=25`` gives 50,000 employer contacts in a few
seconds.

The data is calibrated to published ranges for IPS programs over a quarter, one module per tab
(``make/staff.py``, ``make/clients.py``, ``make/jobs.py``, ``make/contacts.py``,
``make/benefits.py``, each saying what it draws), built in that order on one ``Program``
(``make/program.py``). Caseload and Jobs reach back before the period (a running tracker);
the two logs hold only the period's rows. Then the mistakes are planted
(``make/mistakes.py``), a few of each kind on rows that carry no other planted mistake, so the
first check of the demo shows every kind of flag.

Other features real trackers have: a title row above the Caseload header, and the Employer Log
headed with an alias (``ES``) instead of ``Employment Specialist``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ipsxl.core import standard
from ipsxl.core.standard import Tab
from ipsxl.files.safefiles import save_atomically
from ipsxl.make.benefits import referral_rows
from ipsxl.make.clients import add_clients, caseload_rows, settle_statuses
from ipsxl.make.contacts import contact_rows
from ipsxl.make.jobs import add_jobs, job_rows
from ipsxl.make.mistakes import Planter, mistakes_per_kind
from ipsxl.make.program import Program
from ipsxl.make.staff import add_staff, staff_rows, supervisor_name
from ipsxl.make.template import (
    new_workbook,
    write_instructions_sheet,
    write_program_sheet,
    write_table_sheet,
)

DEFAULT_AGENCY = "Riverside Community Mental Health"
DEFAULT_PROGRAM = "Riverside IPS Team"
DEFAULT_PERIOD = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))

Rows = dict[str, list[dict[str, object]]]  # tab name -> its rows, by column name


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
    invented = Program(
        clients, seed, start, end, agency, mistakes_per_kind(clients), contacts_per_client
    )
    rows = demo_rows(invented)
    fields = {
        "Agency": agency,
        "Program": program,
        "Supervisor": supervisor_name(invented),
        "Period Start": start,
        "Period End": end,
    }
    wb = new_workbook()
    write_instructions_sheet(wb)
    for tab in standard.TABS:
        if tab.fields:
            write_program_sheet(wb, fields)
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


def demo_rows(program: Program) -> Rows:
    """Every table tab's rows, the program built stage by stage (each draws from the one
    seeded generator, so the order is part of the result), then the mistakes planted."""
    add_staff(program)
    add_clients(program)
    add_jobs(program)
    settle_statuses(program)
    rows = {
        standard.STAFF.name: staff_rows(program),
        standard.CASELOAD.name: caseload_rows(program),
        standard.JOBS.name: job_rows(program),
        standard.EMPLOYER_LOG.name: contact_rows(program),
        standard.BENEFITS_REFERRALS.name: referral_rows(program),
    }
    Planter(program, rows).plant()
    return rows


def _table(tab: Tab, rows: list[dict[str, object]]) -> list[list[object]]:
    """Dict rows -> value lists in the standard's column order (a wrong key is a bug here)."""
    names = [c.name for c in tab.columns]
    unknown = {k for r in rows[:1] for k in r} - set(names)
    if unknown:
        raise KeyError(f"{tab.name} has no columns {sorted(unknown)}")
    return [[r.get(n) for n in names] for r in rows]
