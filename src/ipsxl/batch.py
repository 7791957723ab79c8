"""Many workbooks: find them, check them (in worker processes when asked), keep their order.

A state office points ipsxl at a folder of submissions; one bad file must not stop the rest,
and the report must list workbooks in the same order however the workers finish.
"""

from __future__ import annotations

import datetime as dt
import glob
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from ipsxl.check import check_file
from ipsxl.model import Report
from ipsxl.read import DEFAULT_LIMITS, Limits

SUFFIXES = (".xlsx", ".xlsm")


# what ipsxl check writes beside a workbook: NAME.checked.xlsx, NAME.bak.xlsx, NAME.bak-2.xlsx
_WRITTEN_BY_CHECK = re.compile(r"\.(checked|bak|bak-\d+)\.", re.IGNORECASE)


def _is_submission(path: Path) -> bool:
    """A workbook an agency submitted, not Excel's lock file or a file ipsxl wrote itself."""
    return (
        path.suffix.lower() in SUFFIXES
        and not path.name.startswith("~$")
        and not _WRITTEN_BY_CHECK.search(path.name)
    )


def find_workbooks(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given (whatever their type, so a stray file is reported, not skipped), folders
    searched for .xlsx/.xlsm, and globs the shell did not expand; each file once, in order."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and _is_submission(p))
        elif not path.exists() and glob.has_magic(str(given)):
            found += sorted(
                Path(p) for p in glob.glob(str(given), recursive=True) if _is_submission(Path(p))
            )
        else:
            found.append(path)
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path, None)
    return list(unique)


@dataclass(frozen=True)
class Options:
    """What every workbook of a batch is checked with."""

    start: dt.date | None = None
    end: dt.date | None = None
    limits: Limits = DEFAULT_LIMITS
    today: dt.date | None = None


def check_one(path: str | Path, options: Options = Options()) -> Report:
    """One workbook's report without its raw tables, small enough to send between processes."""
    report = check_file(
        path, start=options.start, end=options.end, limits=options.limits, today=options.today
    )
    return replace(report, tables={})


def check_many(
    paths: Sequence[Path],
    options: Options = Options(),
    jobs: int = 1,
    on_done: Callable[[Report], None] | None = None,
) -> list[Report]:
    """Reports in the order of ``paths``; ``on_done`` hears of each as it finishes.

    With ``jobs`` > 1 each workbook is one task for a pool of worker processes, the largest
    files first: a big workbook started last would otherwise keep one worker busy while the
    others sit idle. Results are put back in the order of ``paths`` whatever the order of
    completion, so a report never depends on how many workers made it.
    """
    work = partial(check_one, options=options)
    if jobs <= 1 or len(paths) <= 1:
        results = []
        for path in paths:
            results.append(work(path))
            if on_done:
                on_done(results[-1])
        return results
    slots: list[Report | None] = [None] * len(paths)
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths))) as pool:
        order = sorted(range(len(paths)), key=lambda i: -_size(paths[i]))
        futures = {pool.submit(work, paths[i]): i for i in order}
        try:
            for future in as_completed(futures):
                report = future.result()
                slots[futures[future]] = report
                if on_done:
                    on_done(report)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return slots  # type: ignore[return-value] - every slot is filled by now


def _size(path: Path) -> int:
    """A file's size for scheduling (0 when it cannot be read: it will be reported anyway)."""
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0
