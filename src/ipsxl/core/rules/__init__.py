"""Every flag ipsxl raises. ``ipsxl.core.codes`` defines each code once (severity, meaning, fix) and
names its family; the family module below raises it and lists it in its ``CODES``.

| module        | codes |
|---------------|-------|
| structure.py  | missing-tab, missing-column, unknown-column |
| cells.py      | missing-value, bad-date, bad-number, bad-choice, bad-value |
| identity.py   | duplicate-id, unknown-client, unknown-specialist, unknown-supervisor |
| dates.py      | date-order, future-date, out-of-period |
| timeliness.py | slow-job-search, no-benefits-planning, late-job-start-contact, low-contacts |

A family is a module with ``CODES`` (its ``Code``s) and ``check(ctx) -> flags DataFrame``; to
add a rule, define its code in ``ipsxl.core.codes`` and raise it from a family (or from a new module
listed in ``FAMILIES``).
"""

from __future__ import annotations

import pandas as pd

from ipsxl.core.model import Parsed
from ipsxl.core.rules import cells, dates, flags, identity, structure, timeliness

FAMILIES = (structure, cells, identity, dates, timeliness)

CODES: dict[str, str] = {code.name: code.severity for fam in FAMILIES for code in fam.CODES}


def run_rules(ctx: Parsed) -> pd.DataFrame:
    """All flags of a parsed workbook, in the order of the families."""
    return flags.concat([family.check(ctx) for family in FAMILIES])
