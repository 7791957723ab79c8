"""Fills and notes on the flagged cells of the agency's own tabs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import xlwings as xw

from ipsxl import sheets
from ipsxl.excel.engine import Engine
from ipsxl.excel.notes import NotesFound, add_note
from ipsxl.excel.ranges import Cellpos, paint, rectangles
from ipsxl.excel.state import CellMark

# Notes are added one cell at a time (Excel has no bulk call for them); past this many flagged
# cells a run fills the rest without a note, and the Flags sheet still lists every message.
MAX_NOTES = 1000


def highlight(
    book: xw.Book,
    engine: Engine,
    marks: Mapping[str, Mapping[Cellpos, sheets.Mark]],
    found: NotesFound | None = None,
) -> tuple[list[CellMark], int]:
    """Fill and annotate the flagged cells; what was done, and how many cells got a note before
    ``MAX_NOTES`` cut the rest off (0 when none was cut).

    A cell that already has a note (someone's own) keeps it and gets none from ipsxl; an engine
    without notes gets fills only. A note of the last run's that a person typed in (``found``)
    gets the new messages with their lines kept where they stood; one the engine could not read
    is left as it is.
    """
    found = found if found is not None else NotesFound()
    done: list[CellMark] = []
    notes_left = MAX_NOTES
    takes_notes = True
    cut = 0
    for name, cells in marks.items():
        sheet = book.sheets[name]
        before = _fills_before(sheet, engine, cells)
        paint(sheet, engine, {rc: mark.fill for rc, mark in cells.items()})
        for (r, c), mark in sorted(cells.items()):
            noted = False
            written = "\n".join(mark.messages)
            key = (sheet.name, r, c)
            if mark.messages and key in found.theirs:
                lines = found.theirs.pop(key)
                text = "\n".join([*lines.above, mark.note, *lines.typed]).strip("\n")
                sheet.range((r, c)).note.text = text
                noted = True
                found.kept += 1
            elif mark.messages and key in found.unread:
                old = found.unread.pop(key)
                found.left += old.written != written
                noted, written = True, old.written  # left as it is: it still says that
            elif mark.messages and takes_notes:
                if notes_left > 0:
                    noted, takes_notes = add_note(sheet.range((r, c)), mark.note)
                    notes_left -= noted
                else:
                    cut = MAX_NOTES
            done.append(
                CellMark(
                    name, r, c, mark.fill, before.get((r, c)), noted, written if noted else None
                )
            )
    return done, cut


def _fills_before(sheet: xw.Sheet, engine: Engine, cells: Iterable[Cellpos]) -> dict[Cellpos, str]:
    """The fill each cell has now, where the engine can read it; rectangles read as one first,
    since a block with no fill at all (the usual case) answers in one call."""
    out: dict[Cellpos, str] = {}
    if not engine.reads_fills:
        return out
    for r1, c1, r2, c2 in rectangles(cells):
        try:
            if sheet.range((r1, c1), (r2, c2)).color is None:
                continue
        except Exception:  # noqa: BLE001 - a mixed block: ask cell by cell
            pass
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                color = sheet.range((r, c)).color
                if color is not None:
                    out[(r, c)] = _rgb_hex(color)
    return out


def _rgb_hex(color: object) -> str:
    if isinstance(color, str):
        return color.lstrip("#").upper()
    red, green, blue = color  # type: ignore[misc]
    return f"{red:02X}{green:02X}{blue:02X}"
