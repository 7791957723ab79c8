"""``ipsxl check``'s work on one file: the report, and a checked copy written from it.

The two halves run side by side. The guard's child reads and checks the workbook while this
process prepares the write-back (reads the package, parses its big sheets, finds their rows),
the half that does not need the report; once the report is back only the edits are left. The
package scan runs here too before anything is prepared, so the write-back never starts on a
file the reader would refuse (the child scans again, for itself).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ipsxl.check import start_check
from ipsxl.limits import DEFAULT_LIMITS, Limits, UnreadableWorkbook
from ipsxl.model import Report
from ipsxl.writeback import Prepared, WritebackError, prepare
from ipsxl.writeback.deadline import NO_DEADLINE, Deadline
from ipsxl.zipscan import check_package


@dataclass
class Checked:
    """A workbook's report, and its write-back ready to be written (or why it cannot be)."""

    report: Report
    prepared: Prepared | None
    problem: WritebackError | None = None
    deadline: Deadline = NO_DEADLINE  # the time limit of the whole check, write-back included

    def write(self, target: Path, generated_at: dt.datetime | None = None) -> None:
        """Write the checked copy to ``target`` (which may be the source itself)."""
        if self.problem is not None:
            raise self.problem
        if self.prepared is None:
            raise WritebackError(f"{self.report.file}: unreadable, nothing to write")
        self.prepared.write(Path(target), self.report, generated_at, self.deadline)


def check_for_writing(
    path: str | Path,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limits: Limits = DEFAULT_LIMITS,
    today: dt.date | None = None,
) -> Checked:
    """Check ``path`` and prepare its write-back at the same time, both within the time limit."""
    path = Path(path)
    deadline = Deadline.after(limits.max_seconds)
    pending = start_check(path, start=start, end=end, limits=limits, today=today)
    refused = pending.known()
    if refused is not None:  # a pipe or a device must not be opened again to prepare
        return Checked(refused, None)
    prepared, problem = None, None
    try:
        check_package(path, limits, extents=False)
        prepared = prepare(path, deadline)
    except UnreadableWorkbook as exc:  # the child says so too, in the report, unless the
        problem = WritebackError(f"{path}: {exc}")  # file changed between the two looks
    except WritebackError as exc:
        problem = exc
    except OSError as exc:
        problem = WritebackError(f"{path}: {exc.strerror or exc}")
    report = pending.result()
    if not report.readable:
        return Checked(report, None)
    return Checked(report, prepared, problem, deadline)
