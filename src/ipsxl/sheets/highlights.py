"""The highlights on the agency's own sheets: the fill and note each flagged cell gets."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from ipsxl.core.model import INFO, Report
from ipsxl.sheets.flags import flag_cell
from ipsxl.sheets.layout import as_text
from ipsxl.sheets.notes import NOTE_MARKER
from ipsxl.sheets.styles import HIGHLIGHT_FILLS, SEVERITY_RANK


@dataclass
class Mark:
    """What one flagged cell gets: the fill of its worst severity, and a note with every message.

    Both faces that highlight (the file write-back and the Excel add-in) take their marks from
    ``highlight_marks``, so a cell is coloured and annotated the same whichever door ran.
    """

    severity: str
    messages: list[str] = field(default_factory=list)

    @property
    def fill(self) -> str:
        """The RRGGBB fill of the worst severity."""
        return HIGHLIGHT_FILLS.get(self.severity, HIGHLIGHT_FILLS[INFO])

    @property
    def note(self) -> str:
        """The note's text: the marker line, then one line per message."""
        return "\n".join([NOTE_MARKER, *self.messages])


def highlight_marks(
    report: Report, sheets: Collection[str] | None = None
) -> dict[str, dict[tuple[int, int], Mark]]:
    """sheet -> (row, column) -> Mark, for every flag that points at a cell (see ``flag_cell``).

    ``sheets`` (the workbook's worksheet names) leaves out flags on sheets it does not hold.
    A cell flagged more than once gets the worst severity and each distinct message once.
    """
    out: dict[str, dict[tuple[int, int], Mark]] = {}
    for rec in report.flags.itertuples(index=False):
        sheet = as_text(rec.sheet)
        if sheet is None or (sheets is not None and sheet not in sheets):
            continue
        where = flag_cell(report, sheet, rec.row, rec.col)
        if where is None:
            continue
        severity = as_text(rec.severity) or ""
        message = as_text(rec.message) or ""
        mark = out.setdefault(sheet, {}).get(where)
        if mark is None:
            mark = out[sheet][where] = Mark(severity)
        if SEVERITY_RANK.get(severity, 9) < SEVERITY_RANK.get(mark.severity, 9):
            mark.severity = severity
        if message and message not in mark.messages:
            mark.messages.append(message)
    return out
