"""Many workbooks: find them, check them (in worker processes when asked), keep their order.

A state office points ipsxl at a folder of submissions; one bad file must not stop the rest,
and the report must list workbooks in the same order however the workers finish.
"""

from __future__ import annotations

import glob
import os
import signal
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from functools import partial
from pathlib import Path

from ipsxl.core.model import Report
from ipsxl.files import guard
from ipsxl.files.kinds import looks_submitted
from ipsxl.validate import DEFAULT_OPTIONS, Options, check_file, internal_error


def find_workbooks(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given (whatever their type, so a stray file is reported, not skipped), folders
    searched for what an agency may have submitted (``kinds.looks_submitted``: other kinds of
    spreadsheet too, each reported as unreadable with what to do), and globs the shell did not
    expand; each file once, in order."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir() and path.suffix.lower() != ".numbers":
            found += sorted(p for p in path.rglob("*") if _submitted(p))
        elif not path.exists() and glob.has_magic(str(given)):
            found += sorted(
                Path(p) for p in glob.glob(str(given), recursive=True) if _submitted(Path(p))
            )
        else:
            found.append(path)
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path, None)
    return list(unique)


def _submitted(path: Path) -> bool:
    """Not a folder (but a Mac's Numbers file, which is one), and named like a submission: a
    named pipe or a broken link with a workbook's name is listed, to be reported."""
    return looks_submitted(path) and (not path.is_dir() or path.suffix.lower() == ".numbers")


def check_one(path: str | Path, options: Options = DEFAULT_OPTIONS) -> Report:
    """One workbook's report without its raw tables, small enough to send between processes."""
    return replace(check_file(path, options), tables={})


def check_many(
    paths: Sequence[Path],
    options: Options = DEFAULT_OPTIONS,
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
    workers = min(jobs, len(paths))
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_started) as pool:
        order = sorted(range(len(paths)), key=lambda i: -_size(paths[i]))
        futures = {pool.submit(work, paths[i]): i for i in order}
        try:
            for future in as_completed(futures):
                i = futures[future]
                try:
                    report = future.result()
                except Exception:  # noqa: BLE001 - a worker that failed fails its workbook only
                    report = internal_error(paths[i], traceback.format_exc())
                slots[i] = report
                if on_done:
                    on_done(report)
        except BaseException:  # Ctrl-C, SIGTERM (``stop.Stopped``): no worker reads on
            _stop_workers(pool)
            raise
    return slots  # type: ignore[return-value] - every slot is filled by now


def _worker_started() -> None:
    """In each worker process: Ctrl-C is left to the command, which stops the workers (a
    worker interrupted on its own would print a traceback and leave its task half done), and
    SIGTERM ends the worker with the reading child it started."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stopped)


def _worker_stopped(signum: int, _frame: object) -> None:
    guard.kill_children()
    os._exit(128 + signum)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers now, not after their current workbook.
    The executor has no public call for the second half before Python 3.14 (and forgets its
    processes on shutdown, so they are taken first)."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:  # Python 3.14: also shuts the executor down
        terminate()
        return
    running = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in running:
        process.terminate()
    for process in running:
        process.join(5)


def _size(path: Path) -> int:
    """A file's size for scheduling (0 when it cannot be read: it will be reported anyway)."""
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0
