"""One row per employment specialist: the figures a supervisor reviews with each of them.

Clients are credited to the specialist Caseload names for them (folded for case and spacing),
jobs to the specialist of the job's client, and contacts to the name the Employer Log gives.
Whatever falls under no specialist's name (a blank or unknown name in Caseload or the Employer
Log, a job of a client missing from Caseload) is a row of its own, ``unassigned``, so the
``total`` row ("All specialists") adds up exactly the rows above it: its counts are their sums,
and its rates are the program's figures made from those sums (caseload per FTE = caseload ÷
FTE, employment rate = employed ÷ active clients) or, for contacts a week and Employment
Services %, the mean the fidelity item takes (over specialists; FTE-weighted for the share).
So the row agrees with the items and the outcomes. The row keys are ``model.SPECIALIST_KEYS``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipsxl.core.fidelity import population as pop
from ipsxl.core.fidelity.population import Frames
from ipsxl.core.model import ALL_SPECIALISTS, SPECIALIST, SPECIALIST_KEYS, UNASSIGNED, Period

UNASSIGNED_NAME = "(no specialist)"
ALL_NAME = "All specialists"
COUNTS = (
    "caseload",
    "face_to_face_contacts",
    "active_clients",
    "employed_clients",
    "job_starts",
    "in_education",
)
_OTHER = "\x00unassigned"  # the key clients under no specialist's name are counted under


def specialist_table(frames: Frames, period: Period | None) -> list[dict[str, object]]:
    """The specialists' rows sorted by name (case ignored), then the unassigned row (when
    anything is unassigned) and the All specialists row (when there is a row to add up);
    without a period, the specialists' names, FTE and Employment Services % only."""
    specs = pop.specialists(frames.staff, frames.caseload)
    keys = specs.index
    table = pd.DataFrame(
        {key: pd.Series(None, index=keys, dtype=object) for key in SPECIALIST_KEYS}
    )
    table["kind"] = SPECIALIST
    table["name"] = specs[pop.NAME]
    table["fte"] = specs[pop.FTE]
    table["employment_services_pct"] = pop.services_share(specs)
    table = table.sort_values("name", key=lambda names: names.str.casefold(), kind="stable")
    if period is None:
        return _records(table)
    counts = _counts(frames, period, pd.Index([*table.index, _OTHER]))
    for column in counts:
        table[column] = counts[column].reindex(table.index)
    weeks = period.weeks
    if "face_to_face_contacts" in counts:
        table["contacts_per_week"] = table["face_to_face_contacts"].astype(float) / weeks
    if "caseload" in counts:
        table["caseload_per_fte"] = table["caseload"].astype(float) / table["fte"]
    table["employment_rate"] = _rate(table)
    rows = [table]
    other = counts.loc[_OTHER] if len(counts.columns) else pd.Series(dtype=object)
    if other.fillna(0).astype(float).any():
        rows.append(_row(UNASSIGNED, UNASSIGNED_NAME, other.to_dict()))
    body = pd.concat(rows)
    if len(body):
        rows.append(_row(ALL_SPECIALISTS, ALL_NAME, _totals(body, table)))
    return _records(pd.concat(rows))


def _counts(frames: Frames, period: Period, keys: pd.Index) -> pd.DataFrame:
    """The count columns per key (specialists, then ``_OTHER`` for everything under no
    specialist's name); a column whose tab is missing is left out."""
    out: dict[str, pd.Series] = {}
    specialist_keys = keys[:-1]
    if frames.caseload is not None:
        at_end = pop.clients_at_end(frames.caseload, period)
        active = pop.active_clients(frames.caseload, period)
        out["caseload"] = _credit(at_end[pop.ES], specialist_keys)
        out["active_clients"] = _credit(active[pop.ES], specialist_keys)
        if active["In Education"].notna().any():
            educated = active[pop.yes(active["In Education"])]
            out["in_education"] = _credit(educated[pop.ES], specialist_keys)
        if frames.jobs is not None:
            working = active[pop.employed(active, frames.jobs, period)]
            out["employed_clients"] = _credit(working[pop.ES], specialist_keys)
    if frames.log is not None:
        face = frames.log[pop.face_to_face_rows(frames.log, period)]
        out["face_to_face_contacts"] = _credit(face[pop.ES], specialist_keys)
    if frames.jobs is not None:
        starts = pop.job_starts(frames.jobs, period)
        owners = (
            starts[pop.CLIENT_ID].map(pop.client_specialist(frames.caseload))
            if frames.caseload is not None
            else pd.Series(pd.NA, index=starts.index, dtype=object)
        )
        out["job_starts"] = _credit_keys(owners, specialist_keys)
    return pd.DataFrame(out, index=keys)


def _credit(names: pd.Series, keys: pd.Index) -> pd.Series:
    """Records per specialist by the name they give (folded), the rest under ``_OTHER``."""
    return _credit_keys(pop.name_key(names), keys)


def _credit_keys(folded: pd.Series, keys: pd.Index) -> pd.Series:
    owned = folded.isin(set(keys)).to_numpy(bool)
    counts = pd.Series(folded[owned].to_numpy(dtype=object)).value_counts()
    counts = counts.reindex(keys, fill_value=0).astype(int)
    counts[_OTHER] = int((~owned).sum())
    return counts


def _rate(table: pd.DataFrame) -> pd.Series:
    """Employed ÷ active clients, a fraction to 3 places (None where either is unknown or there
    are no active clients)."""
    employed = pd.to_numeric(table["employed_clients"], errors="coerce")
    active = pd.to_numeric(table["active_clients"], errors="coerce")
    return (employed / active).where(active > 0).round(3)


def _row(kind: str, name: str, figures: dict[str, object]) -> pd.DataFrame:
    row = dict.fromkeys(SPECIALIST_KEYS)
    row.update({k: v for k, v in figures.items() if k in SPECIALIST_KEYS})
    row.update(kind=kind, name=name)
    frame = pd.DataFrame([row], columns=list(SPECIALIST_KEYS), index=[kind])
    frame["employment_rate"] = _rate(frame)
    return frame


def _totals(body: pd.DataFrame, specialists: pd.DataFrame) -> dict[str, object]:
    """The All specialists figures: sums of the rows above, and the rates the items take."""
    totals: dict[str, object] = {}
    for column in COUNTS:
        values = pd.to_numeric(body[column], errors="coerce")
        totals[column] = int(values.sum()) if values.notna().any() else None
    fte = float(specialists["fte"].sum())
    totals["fte"] = fte
    if totals["caseload"] is not None and fte > 0:
        totals["caseload_per_fte"] = totals["caseload"] / fte
    rates = pd.to_numeric(specialists["contacts_per_week"], errors="coerce")
    totals["contacts_per_week"] = float(rates.mean()) if rates.notna().any() else None
    share = pd.to_numeric(specialists["employment_services_pct"], errors="coerce")
    known = share.notna()
    if known.any():
        weights = specialists.loc[known, "fte"].astype(float)
        totals["employment_services_pct"] = float((share[known] * weights).sum() / weights.sum())
    return totals


def _records(table: pd.DataFrame) -> list[dict[str, object]]:
    table = table[list(SPECIALIST_KEYS)].astype(object)
    table = table.where(table.notna(), None)
    records = table.to_dict("records")
    for rec in records:
        for key in COUNTS:
            if isinstance(rec[key], float | np.floating | np.integer):
                rec[key] = int(rec[key])
        for key, value in rec.items():
            if isinstance(value, np.floating):
                rec[key] = float(value)
    return records
