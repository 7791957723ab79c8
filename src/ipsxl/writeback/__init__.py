"""Write ipsxl's findings back into a copy of the agency's workbook, losing nothing.

The workbook is edited as a zip package: every part ipsxl does not own (VBA project, other
sheets, charts, images, pivot caches, custom XML, ...) is copied byte for byte, and the few it
must change (workbook.xml and its relationships, [Content_Types].xml, styles.xml, the flagged
sheets and their notes) change only where ipsxl adds. What a run changed is recorded inside the
workbook (see ``state``), so a second run first takes back the first one exactly, and ``clear``
gives back the workbook as it was before ipsxl wrote into it.

The file is written to a temporary file beside the target and renamed over it, so a failure
never leaves half a workbook under the target's name, and ``source`` is only ever replaced
when it is the target.

Writing comes in two phases. ``prepare`` does all that does not need the report, most of the
work for a big workbook: it reads the package, takes back what an earlier run wrote, and reads
and checks every worksheet (``rows``), so it can run while the workbook is still being
validated. ``Prepared.write`` then adds the report and saves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ipsxl.core import standard as std
from ipsxl.core.model import Report
from ipsxl.files.snapshot import Snapshot
from ipsxl.sheets.fidelity import Review
from ipsxl.sheets.own import PreviousSheet
from ipsxl.sheets.refs import BadReference
from ipsxl.writeback import undo
from ipsxl.writeback.deadline import NO_DEADLINE, Deadline
from ipsxl.writeback.package import Package, PackageError
from ipsxl.writeback.rows import SheetIndexes
from ipsxl.writeback.write import settle, strip, worksheet_parts, write
from ipsxl.writeback.xmlparse import BadPart


class WritebackError(ValueError):
    """The workbook cannot be written into (not a package, damaged XML, Strict OOXML)."""


# What a workbook's package can hold that stops the write-back: each is this file's one line.
_DAMAGED = (PackageError, BadPart, BadReference, KeyError)


@dataclass
class Prepared:
    """A workbook read and cleaned of an earlier run, its worksheets indexed: ready for a report.

    Holds the whole package in memory. ``write`` leaves it as it is, so it may be called again
    (another report, another target)."""

    source: Path
    package: Package  # as it was before any run wrote into it
    reviewer_scores: dict[int, Review]  # what a reviewer typed on the last run's Fidelity sheet
    indexes: SheetIndexes
    previous: dict[str, PreviousSheet] = field(default_factory=dict)  # the last run's sheets
    snapshot: Snapshot | None = None  # the bytes read, when written back over the source

    def write(
        self,
        target: Path,
        report: Report,
        generated_at: dt.datetime | None = None,
        deadline: Deadline = NO_DEADLINE,
    ) -> list[str]:
        """Write Fidelity, Flags and the cell highlights of ``report`` into a copy of the
        source, at ``target`` (which may be the source itself). ``generated_at`` is the time
        the Fidelity sheet gives (now when None); past ``deadline`` nothing is written.

        Returns what a person should be told beyond "written": a sheet name that was taken,
        what was kept of what they added to ipsxl's earlier sheets (see ``sheets.own``).
        Written over the source itself, the file must still be the one that was read, or
        ``snapshot.Changed`` is raised."""
        when = generated_at or dt.datetime.now()
        pkg = self.package.copy()
        try:
            said = write(
                pkg, report, when, self.reviewer_scores, self.indexes, deadline, self.previous
            )
            pkg.save(Path(target), like=self.snapshot or self.source, deadline=deadline)
        except _DAMAGED as exc:
            raise WritebackError(f"{self.source}: {exc}") from exc
        return said


def prepare(source: Path | Snapshot, deadline: Deadline = NO_DEADLINE) -> Prepared:
    """Everything of ``write_back`` that does not need the report, which may not exist yet.

    A workbook that cannot be read or cleaned raises WritebackError here; a worksheet that
    cannot be edited raises it from ``Prepared.write``, and only if the report flags a cell on
    it. The source's bytes are all read here (or were: ``source`` may be a snapshot already):
    ``Prepared.write`` only makes sure the file is unchanged when it writes over it."""
    try:
        snapshot = Snapshot.of(source)
    except OSError as exc:
        raise WritebackError(f"{source}: {exc.strerror or exc}") from exc
    try:
        pkg = Package.read(snapshot, deadline)
        stripped = strip(pkg)
        indexes = SheetIndexes()
        indexes.warm(pkg, _worksheets(pkg), deadline)
    except _DAMAGED as exc:
        raise WritebackError(f"{snapshot.path}: {exc}") from exc
    return Prepared(
        snapshot.path, pkg, stripped.reviews, indexes, previous=stripped.previous, snapshot=snapshot
    )


def _worksheets(pkg: Package) -> list[str]:
    """The worksheet parts a report may flag cells on: those named as a standard tab (none if
    the workbook cannot tell). A workbook of 15,000 other sheets costs nothing here."""
    tabs = std.tab_lookup()
    try:
        found = worksheet_parts(pkg, undo.sheet_parts(pkg, pkg.workbook_part()))
    except _DAMAGED:
        return []  # write meets the same error and raises it
    return [part for name, part in found.items() if std.fold(name) in tabs]


def write_back(
    source: Path, target: Path, report: Report, generated_at: dt.datetime | None = None
) -> list[str]:
    """Write Fidelity, Flags and the cell highlights of ``report`` into a copy of ``source``.

    ``target`` may be ``source`` itself (in place; the caller keeps a backup). Whatever an
    earlier run wrote into the workbook is replaced, and nothing else changes. ``generated_at``
    is the time the Fidelity sheet gives (now when None). Both phases in one: see ``prepare``.
    """
    return prepare(source).write(target, report, generated_at)


def clear(source: Path, target: Path) -> list[str]:
    """Write a copy of ``source`` without anything ipsxl wrote: its sheets, fills and notes.
    An ipsxl sheet a person added to is kept, renamed with the date (see ``settle``)."""
    source, target = Path(source), Path(target)
    try:
        snapshot = Snapshot.take(source)
        pkg = Package.read(snapshot)
        stripped = strip(pkg)
        left = {role: bool(p.added()) for role, p in stripped.previous.items()}
        said = settle(pkg, stripped.previous, left, dt.datetime.now())
    except _DAMAGED as exc:
        raise WritebackError(f"{source}: {exc}") from exc
    except OSError as exc:
        raise WritebackError(f"{source}: {exc.strerror or exc}") from exc
    pkg.save(target, like=snapshot)
    return said


__all__ = ["Prepared", "WritebackError", "clear", "prepare", "write_back"]
