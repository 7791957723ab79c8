"""The time a write-back may take: ``--timeout`` bounds the whole ``ipsxl check`` of a workbook,
reading and checking (in the guard's child) and writing the checked copy (here), from one start.

The write-back looks at its deadline between steps that each take a bounded time (one zip entry,
one worksheet), so a package of thousands of parts is given up on within a step of the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import monotonic

from ipsxl.writeback.package import PackageError


class TooSlow(PackageError):
    """The write-back ran past the time limit."""


@dataclass(frozen=True)
class Deadline:
    at: float | None = None  # on the monotonic clock; None: no limit
    seconds: float | None = None  # the limit it was set from, for the message

    @classmethod
    def after(cls, seconds: float | None) -> Deadline:
        """The deadline ``seconds`` from now (none for None)."""
        return cls() if seconds is None else cls(monotonic() + seconds, seconds)

    def check(self) -> None:
        """Raise TooSlow once the deadline has passed."""
        if self.at is not None and monotonic() > self.at:
            raise TooSlow(
                f"too slow: checking and writing it took longer than {self.seconds:g} seconds"
                " (raise --timeout to allow more)"
            )


NO_DEADLINE = Deadline()
