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
    without a period, the specialists' names, FTE and Employment Services % only.

    The records are counted over every row of the tabs at once (one code per record into the
    specialists), then laid out as plain rows: a table has a row per specialist, a few dozen at
    most, where pandas' per-call cost would be most of the work."""
    specs = pop.specialists(frames.staff, frames.caseload)
    names = specs[pop.NAME].tolist()
    order = sorted(range(len(names)), key=lambda i: names[i].casefold())  # stable
    keys = specs.index[order]
    fte = specs[pop.FTE].to_numpy(dtype=float)[order]
    services = pop.services_share(specs).to_numpy(dtype=float)[order]
    table = [
        _row(SPECIALIST, names[i], fte=fte[at], employment_services_pct=services[at])
        for at, i in enumerate(order)
    ]
    if period is None:
        return _records(table)
    counts = _counts(frames, period, keys)
    for at, row in enumerate(table):
        row.update({column: int(per_key[at]) for column, per_key in counts.items()})
    if "face_to_face_contacts" in counts:
        rates = counts["face_to_face_contacts"][:-1].astype(float) / period.weeks
        for row, rate in zip(table, rates, strict=True):
            row["contacts_per_week"] = rate
    if "caseload" in counts:
        with np.errstate(divide="ignore", invalid="ignore"):
            per_fte = counts["caseload"][:-1].astype(float) / fte
        for row, value in zip(table, per_fte, strict=True):
            row["caseload_per_fte"] = value
    rows = list(table)
    other = {column: int(per_key[-1]) for column, per_key in counts.items()}
    if any(other.values()):
        rows.append(_row(UNASSIGNED, UNASSIGNED_NAME, **other))
    if rows:
        rows.append(_row(ALL_SPECIALISTS, ALL_NAME, **_totals(rows, table)))
    for row in rows:
        row["employment_rate"] = _rate(row)
    return _records(rows)


def _counts(frames: Frames, period: Period, keys: pd.Index) -> dict[str, np.ndarray]:
    """The count columns: per specialist (``keys``, in order), then one more for everything
    under no specialist's name; a column whose tab is missing is left out."""
    out: dict[str, np.ndarray] = {}
    if frames.caseload is not None:
        at_end = pop.clients_at_end(frames.caseload, period)
        active = pop.active_clients(frames.caseload, period)
        out["caseload"] = _credit(at_end[pop.ES], keys)
        out["active_clients"] = _credit(active[pop.ES], keys)
        if active["In Education"].notna().any():
            educated = pop.said_yes(active["In Education"])
            out["in_education"] = _credit(active[pop.ES][educated], keys)
        if frames.jobs is not None:
            working = pop.employed(active, frames.jobs, period).to_numpy()
            out["employed_clients"] = _credit(active[pop.ES][working], keys)
    if frames.log is not None:
        face = frames.log[pop.ES][pop.face_to_face_rows(frames.log, period)]
        out["face_to_face_contacts"] = _credit(face, keys)
    if frames.jobs is not None:
        starts = pop.job_starts(frames.jobs, period)
        if frames.caseload is not None:
            owners = pop.job_owners(starts, frames.caseload)
            out["job_starts"] = _tally(pop.key_positions(keys, owners.to_numpy(dtype=object)), keys)
        else:
            out["job_starts"] = _tally(np.full(len(starts), -1), keys)
    return out


def _credit(names: pd.Series, keys: pd.Index) -> np.ndarray:
    """Records per specialist by the name they give (folded), the rest last: each distinct
    name is folded and looked up once."""
    return _tally(pop.owner_positions(names, keys), keys)


def _tally(owners: np.ndarray, keys: pd.Index) -> np.ndarray:
    """How many of ``owners`` (a position in ``keys`` per record, -1 for none) each key has,
    then how many have none."""
    owned = owners >= 0
    return np.append(np.bincount(owners[owned], minlength=len(keys)), np.sum(~owned))


def _rate(row: dict[str, object]) -> float | None:
    """Employed ÷ active clients, a fraction to 3 places (None where either is unknown or there
    are no active clients)."""
    employed, active = row["employed_clients"], row["active_clients"]
    if employed is None or active is None or not active > 0:
        return None
    return float(np.round(np.float64(employed) / np.float64(active), 3))


def _row(kind: str, name: str, **figures: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(SPECIALIST_KEYS)
    row.update(figures, kind=kind, name=name)
    return row


def _totals(body: list[dict[str, object]], table: list[dict[str, object]]) -> dict[str, object]:
    """The All specialists figures: sums of the rows above, and the rates the items take
    (over the specialists' rows, ``table``)."""
    totals: dict[str, object] = {}
    for column in COUNTS:
        found = [row[column] for row in body if row[column] is not None]
        totals[column] = int(sum(found)) if found else None
    fte = float(pd.Series([row["fte"] for row in table], dtype=float).sum())
    totals["fte"] = fte
    if totals["caseload"] is not None and fte > 0:
        totals["caseload_per_fte"] = totals["caseload"] / fte
    rates = pd.Series([row["contacts_per_week"] for row in table], dtype=float)
    totals["contacts_per_week"] = float(rates.mean()) if rates.notna().any() else None
    share = pd.Series([row["employment_services_pct"] for row in table], dtype=float)
    known = share.notna()
    if known.any():
        weights = pd.Series([row["fte"] for row in table], dtype=float)[known]
        totals["employment_services_pct"] = float((share[known] * weights).sum() / weights.sum())
    return totals


def _records(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The rows with plain Python values: counts as ints, other figures as floats, and None
    for a figure that is not a number (NaN)."""
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float | np.floating):
                row[key] = (
                    None if np.isnan(value) else int(value) if key in COUNTS else float(value)
                )
            elif isinstance(value, np.integer):
                row[key] = int(value)
    return rows
