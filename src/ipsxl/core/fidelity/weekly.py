"""Face-to-face employer contacts week by week, per specialist: how steady each one's job
development is over the period, which a period's mean a week hides (six a week on average can
be a quiet month and a busy one).

Week ``k`` runs from the period's start plus ``7k`` days for seven days; a last week cut short
by the period's end is a week of its own, and ``weeks`` says how many days it has so a reader
does not take a two-day week for a slow one. Contacts count as for the employer-contact item
and the low-contacts warning (``population.contacts_by_week`` over the face-to-face contacts
dated in the period).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ipsxl.core.fidelity import population as pop
from ipsxl.core.fidelity.population import Frames
from ipsxl.core.model import Period, Weekly


def weekly_contacts(frames: Frames, period: Period | None) -> Weekly:
    """Each specialist's face-to-face employer contacts in each week of the period."""
    if period is None or frames.log is None:
        return Weekly()
    count = -(-period.days // 7)
    starts = [period.start + dt.timedelta(days=7 * k) for k in range(count)]
    days = [min(7, period.days - 7 * k) for k in range(count)]
    specs = pop.specialists(frames.staff, frames.caseload)
    in_period = pop.face_to_face_rows(frames.log, period)
    start = pd.Timestamp(period.start)
    counted = pop.contacts_by_week(frames.log, specs.index, start, count, rows=in_period)
    per_name = {
        str(name): [int(n) for n in weeks]
        for name, weeks in zip(specs[pop.NAME], counted, strict=True)
    }
    return Weekly(starts, days, per_name)
