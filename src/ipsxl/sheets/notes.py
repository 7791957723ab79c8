"""Which lines of a note on a flagged cell are ipsxl's and which are a person's.

ipsxl's part of a note starts with the line "ipsxl:" and lists one message per line. What stands
above that line is someone's (a note ipsxl added its lines to, or a line typed above); below it,
a line that is not one of the messages ipsxl wrote there was typed by a person. Both faces that
take notes back (the file write-back and the Excel add-in) tell the lines apart here, so a
reviewer's line survives either of them; ``highlights.Mark.note`` writes the lines, and neither
module needs lxml (the add-in loads them where it cannot be installed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NOTE_MARKER = "ipsxl:"  # the first line of every note ipsxl writes on a flagged cell


def is_marker(line: str) -> bool:
    """Whether a line of a note is ipsxl's first line."""
    return line.strip() == NOTE_MARKER


def marker_index(lines: Sequence[str]) -> int | None:
    """Where ipsxl's part of a note starts (None: the note holds no part of ipsxl's)."""
    return next((i for i, line in enumerate(lines) if is_marker(line)), None)


def typed_lines(lines: Sequence[str], written: str | None) -> list[str]:
    """The lines of ipsxl's part of a note that ipsxl did not write (``written``: its messages,
    as recorded; unknown when the record is gone, and then nothing is told apart)."""
    if written is None:
        return []
    left = written.split("\n")
    typed = []
    for line in lines:
        if line in left:
            left.remove(line)
        elif line.strip():
            typed.append(line)
    return typed


@dataclass(frozen=True)
class NoteLines:
    """A note holding a part of ipsxl's, split into what a person wrote around it."""

    above: list[str]  # the lines above ipsxl's first line
    typed: list[str]  # the lines a person typed among or below ipsxl's messages

    @property
    def theirs(self) -> list[str]:
        """What is left of the note without ipsxl's lines (blank lines at its ends dropped)."""
        lines = [*self.above, *self.typed]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        return lines


def split_note(text: str, written: str | None) -> NoteLines | None:
    """A note's text split into a person's lines around ipsxl's part; None when it holds no
    part of ipsxl's (a person deleted the "ipsxl:" line: the note is theirs). Line breaks may
    come as Excel for Mac gives them (carriage returns)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    marked = marker_index(lines)
    if marked is None:
        return None
    return NoteLines(list(lines[:marked]), typed_lines(lines[marked + 1 :], written))
