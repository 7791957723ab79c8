"""Face-to-face employer contacts week by week, per specialist: how steady each one's job
development is over the period, which a period's mean a week hides (six a week on average can
be a quiet month and a busy one).

Week ``k`` runs from the period's start plus ``7k`` days for seven days; a last week cut short
by the period's end is a week of its own, and ``weeks`` says how many days it has so a reader
does not take a two-day week for a slow one. Contacts count as for the employer-contact item
(``population.face_to_face`` under a name that folds to the specialist's).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ipsxl.fidelity import population as pop
from ipsxl.fidelity.population import Frames
from ipsxl.model import Period, Weekly


def weekly_contacts(frames: Frames, period: Period | None) -> Weekly:
    """Each specialist's face-to-face employer contacts in each week of the period."""
    if period is None or frames.log is None:
        return Weekly()
    count = -(-period.days // 7)
    starts = [period.start + dt.timedelta(days=7 * k) for k in range(count)]
    days = [min(7, period.days - 7 * k) for k in range(count)]
    specs = pop.specialists(frames.staff, frames.caseload)
    contacts = pop.face_to_face(frames.log, period)
    offsets = (contacts["Date"].dt.normalize() - pd.Timestamp(period.start)).dt.days
    counted = (
        pd.DataFrame({"key": pop.name_key(contacts[pop.ES]), "week": offsets // 7})
        .dropna()
        .groupby(["key", "week"])
        .size()
    )
    per_name: dict[str, list[int]] = {}
    for key, name in zip(specs.index, specs[pop.NAME], strict=True):
        mine = counted.get(key) if key in counted.index.get_level_values(0) else None
        weeks = [0] * count
        if mine is not None:
            for k, n in mine.items():
                weeks[int(k)] = int(n)
        per_name[str(name)] = weeks
    return Weekly(starts, days, per_name)
