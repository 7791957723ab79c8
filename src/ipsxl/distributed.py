"""Many workbooks on a Dask cluster: the work of ``--jobs``, spread over other machines.

A state office with a few hundred submissions at the end of a quarter may have more machines
than cores. ``check_many_dask`` sends each workbook to a worker of a running Dask distributed
cluster, as ``check_many`` sends it to a local worker process: the same per-workbook call
(``batch.check_one``), so the reports are the very ones a local run gives, and they come back in
the order of the paths however the workers finish.

The workers read the files themselves, by absolute path: they must see the same folder as the
machine that asks (a shared drive, as is usual for a Dask cluster), and have the same ipsxl
installed. A file the workers cannot find, though it is here, is reported as unreadable with a
reason that says so.

dask.distributed is an optional extra (``pip install 'ipsxl[dask]'``), imported only here and
only when asked for, so ipsxl itself never needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from ipsxl.batch import check_one
from ipsxl.core.model import Report
from ipsxl.validate import Options

# seconds to wait for the scheduler before saying it cannot be reached
CONNECT_TIMEOUT = 10.0
NO_SUCH_FILE = "no such file"


class DaskUnavailable(RuntimeError):
    """dask.distributed is not installed, or the scheduler cannot be reached; the message is
    the one line a person reads."""


def check_remote(path: str, shown: str, options: Options) -> Report:
    """What a Dask worker runs for one workbook: ``check_one`` on the absolute ``path``, the
    report naming the file as the user gave it (``shown``), as a local run names it."""
    return replace(check_one(path, options), file=shown)


def check_many_dask(
    paths: Sequence[Path],
    options: Options,
    address: str,
    on_done: Callable[[Report], None] | None = None,
    timeout: float | None = None,
) -> list[Report]:
    """Reports in the order of ``paths``, computed on the cluster whose scheduler is at
    ``address`` (``tcp://host:8786``); ``on_done`` hears of each as it finishes.

    Raises DaskUnavailable when dask.distributed is missing or the scheduler cannot be reached
    within ``timeout`` seconds (``CONNECT_TIMEOUT`` by default).
    An error inside a worker (a bug, not a bad workbook: those are reports) is raised here, as
    ``check_many`` raises it.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise DaskUnavailable("--dask needs dask.distributed: pip install 'ipsxl[dask]'") from None
    try:
        client = Client(address, timeout=timeout or CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise DaskUnavailable(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with client:
        futures = [
            client.submit(check_remote, str(Path(p).resolve()), str(p), options, pure=False)
            for p in paths
        ]
        position = {f.key: i for i, f in enumerate(futures)}
        results: list[Report | None] = [None] * len(paths)
        try:
            for future, report in as_completed(futures, loop=client.loop, with_results=True):
                i = position[future.key]
                results[i] = _explain_missing(report, Path(paths[i]))
                future.release()
                if on_done:
                    on_done(results[i])
        except BaseException:
            client.cancel(futures)
            raise
    return results  # type: ignore[return-value] - every slot is filled by now


def _explain_missing(report: Report, path: Path) -> Report:
    """A file here that the worker could not find: say that the cluster cannot see it, rather
    than that it does not exist. (A file missing here too keeps the plain reason, as locally.)"""
    if report.readable or report.error != NO_SUCH_FILE or not path.is_file():
        return report
    return replace(
        report,
        error=(
            f"{NO_SUCH_FILE} on the Dask workers: they must see the same folder as this machine"
            f" ({path.resolve()})"
        ),
    )


__all__ = ["DaskUnavailable", "check_many_dask", "check_remote"]
