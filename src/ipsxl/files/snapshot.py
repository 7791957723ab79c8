"""A workbook file as one run sees it: its bytes, read once, and a way to tell it has changed.

Excel, LibreOffice and sync clients save by writing a new file and renaming it over the old
one, so a file opened by name twice in one run may be two different workbooks: a report that
read one sheet from each would put flags on the wrong cells. Every part of a run (the package
scan, the reader, the write-back) works from one ``Snapshot`` instead, and a run that writes
into the workbook itself first makes sure the file on disk is still the one it read.
"""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path


class TooLarge(ValueError):
    """The file is larger than the caller allows to hold in memory."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size:,} bytes")
        self.size = size


class Changed(RuntimeError):
    """The file on disk is no longer the one that was read."""


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The bytes of the file at ``path`` and the status of the descriptor they came from."""

    path: Path
    data: bytes
    stat: os.stat_result

    @classmethod
    def take(cls, path: str | Path, max_bytes: int | None = None) -> Snapshot:
        """Read the whole file through one descriptor; a file larger than ``max_bytes`` raises
        TooLarge before a byte is read. Opening a pipe or a device would block or read
        forever, so anything but a regular file raises IsADirectoryError or OSError first."""
        path = Path(path)
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise IsADirectoryError(f"{path}: not a regular file")
        with open(path, "rb") as fh:
            status = os.fstat(fh.fileno())
            if max_bytes is not None and status.st_size > max_bytes:
                raise TooLarge(status.st_size)
            data = fh.read()
        return cls(path, data, status)

    @classmethod
    def of(cls, source: str | Path | Snapshot) -> Snapshot:
        """``source`` itself when it is a snapshot already, else a new one of that file."""
        return source if isinstance(source, Snapshot) else cls.take(source)

    @property
    def name(self) -> str:
        return self.path.name

    def open(self) -> io.BytesIO:
        """A file object over the bytes (shared, not copied), for zipfile and calamine."""
        return io.BytesIO(self.data)

    def changed(self) -> bool:
        """Whether the file at ``path`` now holds anything other than these bytes: replaced
        (another file renamed over it), removed, or rewritten in place."""
        try:
            now = os.stat(self.path)
        except OSError:
            return True
        if _identity(now) != _identity(self.stat):
            return True
        try:  # same file, size and time: a rewrite within the clock's tick is still possible
            return self.path.read_bytes() != self.data
        except OSError:
            return True

    def ensure_unchanged(self) -> None:
        if self.changed():
            raise Changed(
                f"{self.path}: changed on disk while ipsxl was checking it (saved by another"
                " program?); nothing was written: check it again"
            )


def _identity(status: os.stat_result) -> tuple[int, int, int, int]:
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns
