"""Taking back a run's marks: what Clear Flags does, and every run first."""

from __future__ import annotations

from collections import defaultdict

import xlwings as xw

from ipsxl.excel.engine import Engine
from ipsxl.excel.notes import NotesFound, NoteTexts, note_text
from ipsxl.excel.ranges import paint
from ipsxl.excel.reading import find_sheet
from ipsxl.excel.state import STATE_SHEET, CellMark, State
from ipsxl.sheets import own, split_note


def take_back(
    book: xw.Book,
    engine: Engine,
    state: State,
    note_texts: NoteTexts | None = None,
    flags: own.PreviousSheet | None = None,
) -> NotesFound:
    """Undo a run's marks: restore fills, delete its notes, remove the state sheet. ipsxl's
    own sheets are dealt with by the caller (see ``settle``).

    A note of ipsxl's that holds lines of a person's, or whose text the engine cannot read, is
    not deleted: it is returned, for the caller to carry into the cell's new note or to leave
    (see ``highlight`` and ``leave_notes``). A note whose "ipsxl:" line a person deleted is
    theirs and stays as it is. A run that did not list its notes' messages on the state sheet
    (an earlier release) has them on its Flags sheet (``flags``).
    """
    found = NotesFound()
    listed = own.note_texts(flags) if flags is not None else {}
    by_sheet: dict[str, list[CellMark]] = defaultdict(list)
    for mark in state.cells:
        by_sheet[mark.sheet].append(mark)
    for name, marks in by_sheet.items():
        sheet = find_sheet(book, name)
        if sheet is None:
            continue
        paint(sheet, engine, {(m.row, m.col): m.before for m in marks if m.fill is not None})
        for m in marks:
            if not m.note:
                continue
            note = sheet.range((m.row, m.col)).note
            if note is None:  # a person deleted it
                continue
            if m.written is None:
                m.written = listed.get((m.sheet, m.at))
            key = (sheet.name, m.row, m.col)
            text = note_text(note, key, note_texts)
            if text is None:
                found.unread[key] = m
                continue
            lines = split_note(text, m.written)
            if lines is None:
                continue
            if lines.theirs:
                found.theirs[key] = lines
            else:
                note.delete()
    sheet = find_sheet(book, STATE_SHEET)
    if sheet is not None:
        sheet.delete()
    return found
