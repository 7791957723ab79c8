"""One row per employment specialist: the figures a supervisor reviews with each of them.

Clients are credited to the specialist Caseload names for them (folded for case and spacing),
jobs to the specialist of the job's client, and contacts to the name the Employer Log gives.
Rates are fractions to 3 places, contacts a week to one place (the employer-contact item's
rounding). A figure whose tab is missing is None, as in the outcomes.
"""

from __future__ import annotations

import pandas as pd

from ipsxl import scale
from ipsxl.fidelity import population as pop
from ipsxl.fidelity.population import Frames
from ipsxl.model import Period

SPECIALIST_KEYS = (
    "name",
    "caseload",
    "face_to_face_contacts",
    "contacts_per_week",
    "employed_clients",
    "employment_rate",
    "job_starts",
)


def specialist_table(frames: Frames, period: Period | None) -> list[dict[str, object]]:
    """The specialists' rows, sorted by name (case ignored); without a period, names only and
    every figure None."""
    specs = pop.specialists(frames.staff, frames.caseload)
    keys = specs.index
    table = pd.DataFrame(
        {key: pd.Series(None, index=keys, dtype=object) for key in SPECIALIST_KEYS}
    )
    table["name"] = specs[pop.NAME]
    if period is not None:
        if frames.caseload is not None:
            table["caseload"] = pop.caseload_counts(frames.caseload, period, keys)
        if frames.log is not None:
            contacts = pop.contact_counts(frames.log, period, keys)
            table["face_to_face_contacts"] = contacts
            table["contacts_per_week"] = (contacts / period.weeks).map(scale.round1)
        if frames.caseload is not None and frames.jobs is not None:
            employed = _employed_counts(frames.caseload, frames.jobs, period, keys)
            clients = table["caseload"].astype(float)
            table["employed_clients"] = employed
            table["employment_rate"] = (employed / clients).where(clients > 0).round(3)
            table["job_starts"] = _start_counts(frames.caseload, frames.jobs, period, keys)
    table = table.sort_values("name", key=lambda names: names.str.casefold(), kind="stable")
    table = table.astype(object).where(table.notna(), None)
    return table.to_dict("records")


def _employed_counts(
    caseload: pd.DataFrame, jobs: pd.DataFrame, period: Period, keys: pd.Index
) -> pd.Series:
    """Active clients with a competitive job held in the period, per specialist."""
    active = pop.active_clients(caseload, period)
    working = active[pop.employed(active, jobs, period)]
    return pop.name_key(working[pop.ES]).value_counts().reindex(keys, fill_value=0)


def _start_counts(
    caseload: pd.DataFrame, jobs: pd.DataFrame, period: Period, keys: pd.Index
) -> pd.Series:
    """Job starts in the period per specialist of the job's client."""
    starts = pop.job_starts(jobs, period)
    owner = starts[pop.CLIENT_ID].map(pop.client_specialist(caseload))
    return owner.value_counts().reindex(keys, fill_value=0)
