"""``ipsxl check``'s work on one file: the report, and a checked copy written from it.

The two halves run side by side. The guard's child reads and checks the workbook while this
process prepares the write-back (reads the package, parses its big sheets, finds their rows),
the half that does not need the report; once the report is back only the edits are left. The
package scan runs here too before anything is prepared, so the write-back never starts on a
file the reader would refuse (the child scans again, for itself).

Both halves work from one snapshot of the file, read once before either starts: a workbook
saved over while it is being checked (Excel and sync clients replace the file) cannot give a
report of one version and a copy of another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ipsxl.core.model import Report
from ipsxl.files import kinds
from ipsxl.files.limits import UnreadableWorkbook
from ipsxl.files.package_scan import check_package
from ipsxl.files.snapshot import Snapshot
from ipsxl.files.sniff import check_file
from ipsxl.validate import DEFAULT_OPTIONS, Options, start_check
from ipsxl.writeback import Prepared, WritebackError, prepare
from ipsxl.writeback.deadline import NO_DEADLINE, Deadline


@dataclass
class Checked:
    """A workbook's report, and its write-back ready to be written (or why it cannot be)."""

    report: Report
    prepared: Prepared | None
    problem: WritebackError | None = None
    deadline: Deadline = NO_DEADLINE  # the time limit of the whole check, write-back included
    snapshot: Snapshot | None = None  # the bytes both were made from

    def write(self, target: Path, generated_at: dt.datetime | None = None) -> list[str]:
        """Write the checked copy to ``target``; what a person should be told of it beyond
        "written" (see ``Prepared.write``). When ``target`` is the source itself, the file must
        still be the one that was read (else ``snapshot.Changed``, and nothing is written)."""
        if self.problem is not None:
            raise self.problem
        if self.prepared is None:
            raise WritebackError(f"{self.report.file}: unreadable, nothing to write")
        return self.prepared.write(Path(target), self.report, generated_at, self.deadline)


def check_for_writing(path: str | Path, options: Options = DEFAULT_OPTIONS) -> Checked:
    """Check ``path`` and prepare its write-back at the same time, both within the time limit."""
    path = Path(path)
    limits = options.limits
    deadline = Deadline.after(limits.max_seconds)
    try:
        refused = kinds.refusal(path)
        if refused:  # a pipe or a device must not be opened, another kind not prepared
            raise UnreadableWorkbook(refused)
        snapshot = check_file(path, limits)
    except UnreadableWorkbook as exc:
        return Checked(Report(file=str(path), readable=False, error=str(exc)), None)
    pending = start_check(snapshot, options)
    prepared, problem = None, None
    try:
        check_package(snapshot, limits, extents=False)
        prepared = prepare(snapshot, deadline)
    except UnreadableWorkbook as exc:  # the child says so too, in the report
        problem = WritebackError(f"{path}: {exc}")
    except WritebackError as exc:
        problem = exc
    report = pending.result()
    if not report.readable:
        return Checked(report, None, snapshot=snapshot)
    return Checked(report, prepared, problem, deadline, snapshot)
