"""How much a workbook may hold before ipsxl refuses it, and the error that says why.

Shared by the file checks (``sniff``, ``package_scan``), the guarded read (``guard``) and the
reader.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


class UnreadableWorkbook(Exception):
    """The file cannot be read as a workbook at all; the message is the one-line reason.

    Reasons quote names from the file (its parts, its sheets), so the message is made one
    printable line here, whatever those names hold."""

    def __init__(self, reason: str) -> None:
        reason = "".join(ch if ch.isprintable() else "?" for ch in str(reason))
        super().__init__(reason if len(reason) <= 300 else reason[:297] + "...")


@dataclass(frozen=True)
class Limits:
    """How much a workbook may hold before ipsxl refuses it, so a crafted file cannot eat the
    machine. The defaults are far above a large agency's quarter (about 60,000 rows in all, a
    few MB inflated), and far below what would hurt an office PC running several at once."""

    max_bytes: int = 200 * MB  # the file on disk
    max_uncompressed: int = 512 * MB  # all parts inflated (counted, not as the zip claims)
    max_ratio: int = 200  # inflated / compressed, per part above 1 MiB
    max_rows: int = 1_048_576  # rows in one sheet (Excel's own maximum)
    max_columns: int = 500  # columns of a sheet searched for headers; the rest are ignored
    max_cells: int = 10_000_000  # rows x columns one standard sheet spans from A1
    max_seconds: float | None = 60.0  # to read and check one workbook (None: no limit)
    max_memory: int | None = 2048 * MB  # memory reading and checking may add (None: no cap)


DEFAULT_LIMITS = Limits()


def first_line(exc: BaseException) -> str:
    """An exception's message as one short printable line, for a reason a person reads."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text[:200]
