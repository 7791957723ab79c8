"""One workbook in, one Report out: read, parse, run the rules, score. Every face calls this."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path

from ipsxl import fidelity, parse
from ipsxl.guard import CheckFailed, Pending, leave_for_exit, start
from ipsxl.model import RawWorkbook, Report, Table
from ipsxl.read import DEFAULT_LIMITS, Limits, UnreadableWorkbook, read_unguarded
from ipsxl.rules import run_rules
from ipsxl.snapshot import Snapshot
from ipsxl.zipscan import check_file as check_on_disk


def check_raw(
    raw: RawWorkbook,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
    parsed: Mapping[str, parse.ParsedTab] | None = None,
) -> Report:
    """Validate and score tables already read (from a file, or from Excel through xlwings);
    ``parsed``: tabs parsed already (see ``parse.parse_workbook``)."""
    ctx = parse.parse_workbook(raw, start=start, end=end, today=today, parsed=parsed)
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
    return start_check(path, start=start, end=end, limits=limits, today=today).result()


class PendingReport:
    """A workbook being checked; ``result()`` waits for its Report."""

    def __init__(self, path: Path, pending: Pending | None, error: str | None = None) -> None:
        self._path, self._pending, self._error = path, pending, error

    def result(self) -> Report:
        try:
            if self._pending is None:
                raise UnreadableWorkbook(self._error or "")
            return self._pending.result()
        except UnreadableWorkbook as exc:
            return Report(file=str(self._path), readable=False, error=str(exc))


def start_check(
    path: str | Path | Snapshot,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limits: Limits = DEFAULT_LIMITS,
    today: dt.date | None = None,
) -> PendingReport:
    """Start checking one workbook file under the reading limits and return at once.

    The file is read once, here (or was: ``path`` may be a snapshot already), and everything
    after works from those bytes. The whole check (parse, rules, scores) runs in the guard's
    child process, so only the report crosses back, not 50,000 rows of cells, and the caller
    is free meanwhile: ``ipsxl check`` prepares the write-back while the child works.
    """
    if isinstance(path, Snapshot):
        snapshot = path
    else:
        try:
            snapshot = check_on_disk(Path(path), limits)
        except UnreadableWorkbook as exc:
            return PendingReport(Path(path), None, str(exc))
    pending = _start_guarded(snapshot, limits, start=start, end=end, today=today)
    return PendingReport(snapshot.path, pending)


def _start_guarded(snapshot: Snapshot, limits: Limits, **period: dt.date | None) -> Pending:
    return start(_read_and_check, snapshot, limits, **period)


def _read_and_check(
    source: Path | Snapshot, limits: Limits, capped: bool = False, **period: dt.date | None
) -> Report:
    """Inside the guard: read, check, and keep of each table only where it was found (its
    rows stay behind: no face needs them once the flags point at cells). Each tab is parsed as
    soon as it is read, so the small tabs are parsed while the big one is still being read."""
    snapshot = Snapshot.of(source)
    parsed: dict[str, parse.ParsedTab] = {}

    def parse_early(table: Table) -> None:
        with _ours(snapshot.path):
            parsed[table.tab.name] = parse.parse_table(table.tab, table)

    raw = read_unguarded(snapshot, limits, capped, on_table=parse_early)
    with _ours(snapshot.path):
        report = check_raw(raw, parsed=parsed, **period)
    leave_for_exit(raw, parsed)
    tables = {
        name: dataclasses.replace(t, frame=t.frame.iloc[:0]) for name, t in report.tables.items()
    }
    return dataclasses.replace(report, tables=tables)


@contextlib.contextmanager
def _ours(path: Path) -> Iterator[None]:
    """An exception here is a bug of ours, not a bad file: the parent gets the traceback."""
    try:
        yield
    except Exception:
        raise CheckFailed(f"{path}: {traceback.format_exc()}") from None


def _text(value: object) -> str | None:
    return None if value is None else str(value)
