"""Fidelity and outcome figures of one parsed workbook (fidelity.md, report.md).

``score_workbook`` is what the pipeline calls. The pieces are public for the other faces:
``population`` counts on plain frames + a ``Period`` (active clients, specialists and FTE, jobs
held, job starts, contact rates, caseload size, employment rate), ``items`` holds one function
per IPS-25 item, ``outcomes`` and ``specialists`` the program and per-specialist figures.
"""

from __future__ import annotations

from ipsxl.core.fidelity import items, outcomes, population, specialists, weekly
from ipsxl.core.fidelity.items import score_items
from ipsxl.core.fidelity.outcomes import outcomes as outcome_figures
from ipsxl.core.fidelity.population import Frames
from ipsxl.core.fidelity.specialists import specialist_table
from ipsxl.core.fidelity.weekly import weekly_contacts
from ipsxl.core.model import Parsed, Scores


def score_workbook(ctx: Parsed) -> Scores:
    """Items, outcomes and the per-specialist table of a parsed workbook, over its period."""
    frames = Frames.from_parsed(ctx)
    with population.sharing():  # the three ask for the same clients, jobs and contacts
        return Scores(
            items=score_items(frames, ctx.period),
            outcomes=outcome_figures(frames, ctx.period),
            specialists=specialist_table(frames, ctx.period),
            weekly=weekly_contacts(frames, ctx.period),
        )


__all__ = [
    "Frames",
    "items",
    "outcome_figures",
    "outcomes",
    "population",
    "score_items",
    "score_workbook",
    "specialist_table",
    "specialists",
    "weekly",
    "weekly_contacts",
]
