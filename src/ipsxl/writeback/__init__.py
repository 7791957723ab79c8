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
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ipsxl.model import Report
from ipsxl.writeback.package import Package, PackageError
from ipsxl.writeback.write import strip, write
from ipsxl.writeback.xmltext import BadPart


class WritebackError(ValueError):
    """The workbook cannot be written into (not a package, damaged XML, Strict OOXML)."""


def write_back(source: Path, target: Path, report: Report,
               generated_at: dt.datetime | None = None) -> None:
    """Write Fidelity, Flags and the cell highlights of ``report`` into a copy of ``source``.

    ``target`` may be ``source`` itself (in place; the caller keeps a backup). Whatever an
    earlier run wrote into the workbook is replaced, and nothing else changes. ``generated_at``
    is the time the Fidelity sheet gives (now when None).
    """
    source, target = Path(source), Path(target)
    when = generated_at or dt.datetime.now()
    try:
        pkg = Package.read(source)
        scores = strip(pkg)
        write(pkg, report, when, scores)
    except (PackageError, BadPart, KeyError) as exc:
        raise WritebackError(f"{source}: {exc}") from exc
    pkg.save(target, like=source)


def clear(source: Path, target: Path) -> None:
    """Write a copy of ``source`` without anything ipsxl wrote: its sheets, fills and notes."""
    source, target = Path(source), Path(target)
    try:
        pkg = Package.read(source)
        strip(pkg)
    except (PackageError, BadPart, KeyError) as exc:
        raise WritebackError(f"{source}: {exc}") from exc
    pkg.save(target, like=source)


__all__ = ["WritebackError", "clear", "write_back"]
