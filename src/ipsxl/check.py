"""One workbook in, one Report out: read, parse, run the rules, score. Every face calls this."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ipsxl import fidelity, parse
from ipsxl.model import RawWorkbook, Report
from ipsxl.read import DEFAULT_LIMITS, Limits, UnreadableWorkbook, read_workbook
from ipsxl.rules import run_rules


def check_raw(
    raw: RawWorkbook,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> Report:
    """Validate and score tables already read (from a file, or from Excel through xlwings)."""
    ctx = parse.parse_workbook(raw, start=start, end=end, today=today)
    return Report(
        file=raw.source,
        readable=True,
        agency=_text(ctx.program.get("Agency")),
        program=_text(ctx.program.get("Program")),
        period=ctx.period,
        flags=run_rules(ctx),
        scores=fidelity.score_workbook(ctx),
        tables=raw.tables,
    )


def check_file(
    path: str | Path,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limits: Limits = DEFAULT_LIMITS,
    today: dt.date | None = None,
) -> Report:
    """Validate and score one workbook file; an unreadable one gives a Report saying why."""
    try:
        raw = read_workbook(path, limits)
    except UnreadableWorkbook as exc:
        return Report(file=str(path), readable=False, error=str(exc))
    return check_raw(raw, start=start, end=end, today=today)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
