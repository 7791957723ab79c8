"""The demo's team (the Staff tab): supervisors, employment specialists and benefits planners.

A program of fair-to-good fidelity, as published IPS programs look: caseloads of 16-24 active
clients per full-time specialist (the scale wants 20 or fewer), most specialists full-time and
giving all their time to IPS, one supervisor per eight specialists, one benefits planner per
ten. Some specialists take a week of leave in the period: the planted low-contacts weeks.
"""

from __future__ import annotations

import math

from ipsxl.core import standard
from ipsxl.make.names import new_person
from ipsxl.make.program import Program, Staff, yes_no

SPECIALIST_ROLE, SUPERVISOR_ROLE, PLANNER_ROLE, _OTHER_ROLE = standard.ROLES

CASELOAD_PER_FTE = (16, 24)  # active clients per full-time specialist (the scale wants <= 20)
SPECIALIST_FTES = ((1.0, 75), (0.8, 15), (0.5, 10))  # (FTE, weight)
# Employment Services % of the specialists who are not IPS-only (every eighth, in turn): the
# rest of their time goes to other duties, such as case management. The others give all of it.
SHARED_SPECIALIST_SERVICES = (60, 75, 50)


def add_staff(program: Program) -> None:
    """The team, enough specialists for the caseload, and the specialists' weeks of leave."""
    rng = program.rng
    ftes = specialist_ftes(program)
    n_spec = len(ftes)
    supervisors = [
        Staff(new_person(program), SUPERVISOR_ROLE, 1.0, None, rng.randint(20, 40), True, 100)
        for _ in range(math.ceil(n_spec / 8))
    ]
    specialists = []
    for i, fte in enumerate(ftes):
        ips_only = i % 8 != 7
        shared = SHARED_SPECIALIST_SERVICES[i // 8 % len(SHARED_SPECIALIST_SERVICES)]
        specialists.append(
            Staff(
                new_person(program),
                SPECIALIST_ROLE,
                fte,
                supervisors[i // 8].name,
                rng.randint(48, 80),
                ips_only,
                100 if ips_only else shared,
            )
        )
    planners = [
        Staff(
            new_person(program),
            PLANNER_ROLE,
            rng.choice((0.5, 1.0)),
            None,
            rng.randint(10, 30),
            False,
        )
        for _ in range(math.ceil(n_spec / 10))
    ]
    program.staff = supervisors + specialists + planners
    program.specialists = specialists
    program.planners = planners
    full_weeks = (program.end - program.start).days // 7
    if full_weeks >= 3:
        for s in rng.sample(specialists, min(program.k, len(specialists))):
            program.low_weeks[s.name] = rng.randint(1, full_weeks - 2)


def specialist_ftes(program: Program) -> list[float]:
    """One FTE per specialist, enough of them that each carries a caseload in
    ``CASELOAD_PER_FTE`` per FTE (clients are shared out by FTE)."""
    n = program.n
    low, high = CASELOAD_PER_FTE
    ftes = [w for w, _ in SPECIALIST_FTES]
    weights = [k for _, k in SPECIALIST_FTES]
    drawn = program.rng.choices(
        ftes, weights=weights, k=max(1, round(n / sum(CASELOAD_PER_FTE) * 2))
    )
    while n / sum(drawn) > high:
        part = [i for i, f in enumerate(drawn) if f < 1.0]
        if part:
            drawn[part[0]] = 1.0
        else:
            drawn.append(1.0)
    while n / sum(drawn) < low and len(drawn) > 1:
        drawn.pop()
    return drawn


def supervisor_name(program: Program) -> str | None:
    """The first supervisor, named on the Program tab."""
    return next((s.name for s in program.staff if s.role == SUPERVISOR_ROLE), None)


def staff_rows(program: Program) -> list[dict[str, object]]:
    """The Staff tab's rows."""
    return [
        {
            "Name": s.name,
            "Role": s.role,
            "FTE": s.fte,
            "Supervisor": s.supervisor,
            "Community Hours %": s.community,
            "IPS Only": yes_no(s.ips_only),
            "Employment Services %": s.services,
        }
        for s in program.staff
    ]
