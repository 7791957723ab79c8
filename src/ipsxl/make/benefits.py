"""The demo's benefits planning (the Benefits Referrals tab, and which benefits clients hold).

Benefits-receiving clients are referred for benefits planning before a job they start in the
period, except the planted few who start one with no referral; other clients are referred now
and then too, those receiving benefits likelier. The log holds only the period's rows.
"""

from __future__ import annotations

import datetime as dt

from ipsxl.core import standard
from ipsxl.make.draws import between, weighted
from ipsxl.make.program import Client, Job, Program

PENDING, COMPLETED, DECLINED, NO_SHOW = standard.BENEFIT_STATUSES

REFERRALS_PER_CLIENT = 0.4  # benefits-planning referrals per client in the period
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


def referral_rows(program: Program) -> list[dict[str, object]]:
    """The Benefits Referrals tab's rows, the planted missing referrals left out."""
    rng = program.rng
    starters: dict[str, list[Job]] = {}
    for j in program.jobs:
        if j.client.benefits and program.start <= j.start <= program.end:
            starters.setdefault(j.client.id, []).append(j)
    # plant on clients with one start in the period, so each plants one missed start
    single = sorted(cid for cid, js in starters.items() if len(js) == 1)
    pool = single if len(single) >= program.k else sorted(starters)
    plant = rng.sample(pool, min(program.k, len(pool)))
    program.no_referral = set(plant)
    program.no_referral_jobs = [j for cid in plant for j in starters[cid]]
    rows = []
    for cid, (j, *_) in sorted(starters.items()):
        if cid not in program.no_referral:
            first = max(program.start, j.client.enrolled)
            rows.append(referral(program, j.client, between(rng, first, j.start)))
    open_clients = [
        c
        for c in program.clients
        if c.id not in program.no_referral and (c.closed is None or c.closed >= program.start)
    ]
    weights = [3 if c.benefits else 1 for c in open_clients]
    target = max(len(rows), round(program.n * REFERRALS_PER_CLIENT))
    while open_clients and len(rows) < target:
        c = rng.choices(open_clients, weights=weights)[0]
        first = max(program.start, c.enrolled)
        last = min(program.end, c.closed or program.end)
        rows.append(referral(program, c, between(rng, first, last)))
    rows.sort(key=lambda r: (r["Referral Date"], r["Client ID"]))
    return rows


def referral(program: Program, c: Client, day: dt.date) -> dict[str, object]:
    """A referral on ``day``: completed weeks later, unless that is past the period's end,
    mostly to one of the program's own planners."""
    rng = program.rng
    done = day + dt.timedelta(days=rng.randint(5, 40))
    status, completed = PENDING, None
    if done <= program.end:
        status = weighted(rng, ((COMPLETED, 76), (DECLINED, 9), (NO_SHOW, 15)))
        completed = done if status == COMPLETED else None
    planner = (
        rng.choice(program.planners).name if rng.random() < 0.85 else rng.choice(EXTERNAL_PLANNERS)
    )
    return {
        "Client ID": c.id,
        "Referral Date": day,
        "Benefit Types": c.benefit_types,
        "Referred To": planner,
        "Completed Date": completed,
        "Status": status,
    }
