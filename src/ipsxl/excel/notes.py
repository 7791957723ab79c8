"""The notes of ipsxl's last run that a reviewer may have typed in: read, kept, or left."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import xlwings as xw

from ipsxl.excel.reading import find_sheet
from ipsxl.excel.state import CellMark, read_state
from ipsxl.sheets import NoteLines

NoteKey = tuple[str, int, int]  # (sheet, row, column) of a note
NoteTexts = Mapping[NoteKey, str]  # note texts fetched before a run (xlwings Lite)


@dataclass
class NotesFound:
    """The last run's notes that taking back did not delete, until the new run settles them:
    those holding lines of a person's (split around ipsxl's part), and those whose text the
    engine cannot read; and how many of each were kept or left as they were."""

    theirs: dict[NoteKey, NoteLines] = field(default_factory=dict)
    unread: dict[NoteKey, CellMark] = field(default_factory=dict)
    kept: int = 0
    left: int = 0


def note_text(note: xw.Note, key: NoteKey, note_texts: NoteTexts | None) -> str | None:
    """A note's text: read through the engine (desktop Excel), or fetched before the run (xlwings
    Lite, see ``noted_cells``); None where neither can give it (the remote engine)."""
    try:
        return note.text
    except NotImplementedError:
        return None if note_texts is None else note_texts.get(key)


def noted_cells(book: xw.Book) -> list[NoteKey]:
    """The cells whose note the last run added, as (sheet, row, column): an engine that reads a
    note's text only on request (``await note.get_text()`` in xlwings Lite) fetches these
    before a run and passes them to the button's function as ``note_texts``."""
    out = []
    for m in read_state(book).cells:
        sheet = find_sheet(book, m.sheet) if m.note else None
        if sheet is not None:
            out.append((sheet.name, m.row, m.col))
    return out


def leave_notes(book: xw.Book, found: NotesFound) -> list[CellMark]:
    """What becomes of the last run's notes that the new run put on no flagged cell: a note
    holding a person's lines keeps only those (it is theirs now); a note the engine could not
    read stays as it is, and is returned to stay listed as ipsxl's, so that a run where notes
    can be read takes ipsxl's lines out of it later."""
    for (name, r, c), lines in found.theirs.items():
        note = book.sheets[name].range((r, c)).note
        if note is not None:
            note.text = "\n".join(lines.theirs)
            found.kept += 1
    found.theirs.clear()
    left = []
    for m in found.unread.values():
        left.append(CellMark(m.sheet, m.row, m.col, None, None, True, m.written))
        found.left += 1
    found.unread.clear()
    return left


def add_note(cell: xw.Range, text: str) -> tuple[bool, bool]:
    """Add a note unless the cell has one (someone else's): (added, the engine takes notes)."""
    try:
        if cell.note is not None:
            return False, True
        cell.add_note(text)
    except NotImplementedError:  # a client without notes (not Office.js, or ExcelApi < 1.18)
        return False, False
    return True, True
