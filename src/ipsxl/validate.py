"""One workbook in, one Report out: read, parse, run the rules, score. Every face calls this."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path

from ipsxl.core import fidelity, parse
from ipsxl.core.model import RawWorkbook, Report, Table
from ipsxl.core.rules import run_rules
from ipsxl.files import kinds
from ipsxl.files.guard import CheckFailed, Pending, leave_for_exit, start
from ipsxl.files.limits import first_line
from ipsxl.files.read import DEFAULT_LIMITS, Limits, UnreadableWorkbook, read_unguarded
from ipsxl.files.snapshot import Snapshot
from ipsxl.files.sniff import check_file as check_on_disk

# How the reason of a workbook stopped by a bug of ours begins (see ``internal_error``).
INTERNAL_ERROR = "internal error"


@dataclasses.dataclass(frozen=True)
class Options:
    """How a workbook is checked: the same for every workbook of a run, whichever face started
    it (one file, a batch, a Dask worker, the checked copy, the summary).

    ``start``/``end`` override the period the Program tab gives; ``today`` is the day future
    dates and open deadlines are judged against (the real today when None); ``limits`` bound
    what a crafted file may cost, its time limit included."""

    start: dt.date | None = None
    end: dt.date | None = None
    limits: Limits = DEFAULT_LIMITS
    today: dt.date | None = None


DEFAULT_OPTIONS = Options()


def check_raw(
    raw: RawWorkbook,
    options: Options = DEFAULT_OPTIONS,
    parsed: Mapping[str, parse.ParsedTab] | None = None,
) -> Report:
    """Validate and score tables already read (from a file, or from Excel through xlwings);
    ``parsed``: tabs parsed already (see ``parse.parse_workbook``). The limits of ``options``
    are not used: the tables are read already."""
    ctx = parse.parse_workbook(
        raw, start=options.start, end=options.end, today=options.today, parsed=parsed
    )
    with fidelity.population.sharing():  # the rules and the scores count the same people
        flags, scores = run_rules(ctx), fidelity.score_workbook(ctx)
    return Report(
        file=raw.source,
        readable=True,
        agency=_text(ctx.program.get("Agency")),
        program=_text(ctx.program.get("Program")),
        period=ctx.period,
        flags=flags,
        scores=scores,
        tables=raw.tables,
    )


def check_file(path: str | Path, options: Options = DEFAULT_OPTIONS) -> Report:
    """Validate and score one workbook file; an unreadable one gives a Report saying why, and
    so does one whose check failed on a bug of ours (see ``internal_error``)."""
    return start_check(path, options).result()


class PendingReport:
    """A workbook being checked; ``result()`` waits for its Report."""

    def __init__(self, path: Path, pending: Pending | None, ready: Report | None = None) -> None:
        self._path, self._pending, self._ready = path, pending, ready

    def known(self) -> Report | None:
        """The report when it was known at once: a file refused before any check started."""
        return self._ready

    def result(self) -> Report:
        if self._ready is not None or self._pending is None:
            return self._ready or internal_error(self._path, "the check was not started")
        try:
            return self._pending.result()
        except UnreadableWorkbook as exc:
            return Report(file=str(self._path), readable=False, error=str(exc))
        except CheckFailed as exc:
            return internal_error(self._path, str(exc))
        except Exception:  # noqa: BLE001 - whatever it is, it is this workbook's result
            return internal_error(self._path, traceback.format_exc())


def start_check(path: str | Path | Snapshot, options: Options = DEFAULT_OPTIONS) -> PendingReport:
    """Start checking one workbook file under the reading limits and return at once.

    The file is read once, here (or was: ``path`` may be a snapshot already), and everything
    after works from those bytes. The whole check (parse, rules, scores) runs in the guard's
    child process, so only the report crosses back, not 50,000 rows of cells, and the caller
    is free meanwhile: ``ipsxl check`` prepares the write-back while the child works. Nothing
    that goes wrong with one workbook is raised: an unreadable file, and a bug of ours, are its
    Report.
    """
    if isinstance(path, Snapshot):
        snapshot = path
    else:
        path = Path(path)
        try:
            refused = kinds.refusal(path)
            if refused:
                raise UnreadableWorkbook(refused)
            snapshot = check_on_disk(path, options.limits)
        except UnreadableWorkbook as exc:
            return PendingReport(path, None, Report(file=str(path), readable=False, error=str(exc)))
        except Exception:  # noqa: BLE001 - see above
            return PendingReport(path, None, internal_error(path, traceback.format_exc()))
    try:
        pending = start(_read_and_check, snapshot, options.limits, options=options)
    except Exception:  # noqa: BLE001 - see above
        return PendingReport(
            snapshot.path, None, internal_error(snapshot.path, traceback.format_exc())
        )
    return PendingReport(snapshot.path, pending)


def internal_error(path: str | Path, trace: str) -> Report:
    """The Report of a workbook whose check failed through a bug of ours: not the agency's
    fault, so it says to report it; ``trace`` (the traceback) is kept for ``--debug``."""
    lines = [line for line in trace.strip().splitlines() if line.strip()]
    cause = first_line(Exception(lines[-1] if lines else "unknown"))
    return Report(
        file=str(path),
        readable=False,
        error=f"{INTERNAL_ERROR}: {cause}; please report it",
        internal=trace,
    )


def _read_and_check(
    source: Path | Snapshot,
    limits: Limits,
    capped: bool = False,
    *,
    options: Options = DEFAULT_OPTIONS,
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
        report = check_raw(raw, options, parsed=parsed)
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
        raise CheckFailed(traceback.format_exc()) from None


def _text(value: object) -> str | None:
    return None if value is None else str(value)
