"""One workbook for a state IPS office: which submissions go back, how agencies score and trend.

The office collects a workbook from each agency every quarter; ``summarize`` validates them all
(``batch.check_many``) and ``write_summary`` draws one summary workbook of counts, rates and
scores, never client identifiers. ``table`` builds the figures, ``workbook`` the Excel file,
``render`` the CSV/JSON/text the command prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from ipsxl.batch import check_many, find_workbooks
from ipsxl.core.model import Report
from ipsxl.summary.render import to_csv, to_json, to_text
from ipsxl.summary.table import Summary, build_summary
from ipsxl.summary.workbook import is_summary, write_summary
from ipsxl.validate import DEFAULT_OPTIONS, Options


def find_submissions(paths: Iterable[str | Path]) -> list[Path]:
    """The workbooks to summarise: ``find_workbooks``'s, without any summary ipsxl wrote.

    An office may keep its summaries in the submissions folder; summarising one as a submission
    would report it unreadable as an agency workbook every quarter. A summary is known by the
    mark ipsxl puts inside it, not by its name, which anyone may change.
    """
    return [f for f in find_workbooks(paths) if not is_summary(f)]


def summarize(
    files: list[Path],
    options: Options = DEFAULT_OPTIONS,
    jobs: int = 1,
    output: str | Path | None = None,
    on_done: Callable[[Report], None] | None = None,
    generated: dt.datetime | None = None,
) -> tuple[Summary, list[Report]]:
    """Validate ``files`` and build their summary; write it to ``output`` when given."""
    reports = check_many(files, options, jobs, on_done=on_done)
    summary = build_summary(reports, options, generated=generated)
    if output is not None:
        write_summary(summary, output)
    return summary, reports


__all__ = [
    "Summary",
    "build_summary",
    "find_submissions",
    "is_summary",
    "summarize",
    "to_csv",
    "to_json",
    "to_text",
    "write_summary",
]
