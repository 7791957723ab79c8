"""The IPS ribbon's Python side: one function per button, each over an open xlwings ``Book``.

A supervisor clicks Validate or Fidelity in Excel; the add-in's VBA hands the click to xlwings'
RunPython, which calls the function here with no arguments, so ``book`` defaults to the workbook
that called (``xlwings.Book.caller()``). Tests and scripts pass a ``Book`` themselves, including
one built from the JSON Excel's xlwings client sends (``xlwings.Book(json=...)``), which turns
every write into an action Excel would apply. So the same code runs in desktop Excel (COM on
Windows, AppleScript on macOS), in xlwings Server and xlwings Lite, and in tests.

Nothing here decides what is wrong with a workbook or what the sheets look like. Reading hands
plain grids to ``read.tables_from_grids`` and ``validate.check_raw`` (the CLI's core); the Flags
and Fidelity sheets and the cell highlights come from ``sheets`` (the file write-back's layouts).
This package only moves values in and out through xlwings, in whole blocks: one read per tab,
one write per sheet, fills grouped per colour (multi-area ranges on the desktop, bulk colour
matrices where the engine has them), because a round trip per cell takes minutes on a tab of
50,000 rows.

What a run wrote is listed on a hidden sheet (``STATE_SHEET``): the sheets it added, and every
cell it filled (with the fill the cell had before, where the engine can read it) or annotated.
Clear Flags, and the start of every run, take back exactly those marks and nothing else; a
cell's note is only ever removed when ipsxl added it.

A reviewer may type into one of ipsxl's notes ("called employer 12/3"). ipsxl's part of a note
starts with the line "ipsxl:" and holds the messages the state sheet lists for the cell; every
other line is the reviewer's (``sheets.split_note``, the rule the file write-back follows too).
Where the engine reads a note's text (desktop Excel through COM or AppleScript; xlwings Lite,
whose scripts fetch the texts before the run, see ``lite``), a run takes out ipsxl's lines only:
a cell still flagged gets the new messages with the reviewer's lines kept where they stood; a
cell no longer flagged keeps the reviewer's lines as its note, which is theirs from then on;
Clear Flags does the same, deleting a note only when nothing of a person's is left in it. The
alert says how many notes kept text.

The remote engine of xlwings Server cannot read a note's text (its payload only says which
cells have one), so it cannot tell whether a reviewer typed in a note. There ipsxl never
replaces or deletes one of its notes: a note whose messages are unchanged is left as it is, as
are one whose messages changed and one on a cell no longer flagged (both still listed on the
state sheet as ipsxl's, so that a later run in desktop Excel or Lite sorts them out). The alert
says how many notes were left and that their messages may be out of date; Clear Flags then
says it removed ipsxl's sheets and fills, not its notes.

Only xlwings, pandas and ipsxl's core are imported here; python-calamine (file reading) and
openpyxl (the template) are imported inside the functions that need them, so the package also
loads where those cannot be installed (Excel on the web through xlwings Lite).

This module holds the buttons; each job they share has a module of its own: ``run`` (one
Validate or Fidelity run), ``reading`` (the open book's standard tabs), ``state`` (the hidden
list of what a run wrote), ``takeback`` (taking a run's marks back), ``notes`` (the notes a
reviewer may have typed in), ``highlights`` (fills and notes on flagged cells), ``own_sheets``
(ipsxl's sheets of an earlier run), ``render`` (a sheet layout written into the book),
``ranges`` (cells as few ranges as the engine allows), ``engine`` (what the engine can do),
``messages`` (the alerts) and ``standard_tabs`` (New Standard Workbook).
"""

from __future__ import annotations

import xlwings as xw

from ipsxl.core.model import Report
from ipsxl.excel.engine import Engine, quiet
from ipsxl.excel.messages import HELP_TEXT, TITLE, alert, notes_said
from ipsxl.excel.notes import NoteTexts, leave_notes
from ipsxl.excel.own_sheets import find_own_sheets, previous_sheet, settle
from ipsxl.excel.reading import find_sheet
from ipsxl.excel.run import run_check
from ipsxl.excel.standard_tabs import add_standard_tabs, documents_folder, free_path
from ipsxl.excel.state import STATE_SHEET, State, read_state, write_state
from ipsxl.excel.takeback import take_back
from ipsxl.sheets import own


def validate(book: xw.Book | None = None, note_texts: NoteTexts | None = None) -> Report | None:
    """Validate button: check the workbook, list every flag on the Flags sheet, mark the cells.

    The Flags sheet is an Excel table (one row per flag, filterable, a link to each cell);
    flagged cells are filled red (error) or amber (warning) and get a note with the messages.
    The marks of an earlier run are taken back first. A Fidelity sheet an earlier Fidelity run
    wrote is left as it is (with the scores a reviewer typed). Lines a reviewer typed into one of
    ipsxl's notes are kept (see the package's docstring). ``note_texts`` are the texts of the
    last run's notes where the engine reads them only on request (see ``notes.noted_cells``).
    Returns the report, or None when the workbook could not be read (the alert says why).
    """
    return run_check(_caller(book), with_fidelity=False, note_texts=note_texts)


def fidelity(book: xw.Book | None = None, note_texts: NoteTexts | None = None) -> Report | None:
    """Fidelity button: everything Validate does, and the Fidelity sheet.

    The Fidelity sheet lists the 25 IPS-25 items with the value, target and score of each item
    the data supports, a yellow cell for the reviewer's score of the others, the total and band
    as live formulas, the outcomes, one row per employment specialist, and two charts. Scores a
    reviewer typed on the previous Fidelity sheet are kept.
    """
    return run_check(_caller(book), with_fidelity=True, note_texts=note_texts)


def clear_flags(book: xw.Book | None = None, note_texts: NoteTexts | None = None) -> None:
    """Clear Flags button: take back everything ipsxl wrote, and nothing else.

    Removes the Fidelity and Flags sheets, gives each cell ipsxl filled its fill from before (no
    fill where it had none, or where the engine cannot read fills), takes ipsxl's lines out of
    the notes it added (deleting a note only when no line of a person's is left in it), and
    removes the hidden list of those marks. A note whose text the engine cannot read stays as
    it is, and stays listed (see the package's docstring).
    """
    book = _caller(book)
    engine = Engine.of(book)
    state = read_state(book)
    own_sheets = find_own_sheets(book, state)
    if not own_sheets and not state.cells and find_sheet(book, STATE_SHEET) is None:
        alert(book, "There is nothing of ipsxl's to clear in this workbook.")
        return
    with quiet(book, engine):
        previous = {role: previous_sheet(role, *found) for role, found in own_sheets.items()}
        left = {role: bool(prev.added()) for role, prev in previous.items()}
        said = settle(book, own_sheets, previous, left)
        found = take_back(book, engine, state, note_texts, previous.get(own.FLAGS))
        unread = leave_notes(book, found)
        if unread:
            write_state(book, State([], unread))
    removed = "sheets and fills" if found.left else "sheets, fills and notes"
    alert(
        book,
        "\n".join(
            [
                f"ipsxl's {removed} are removed; nothing else was changed.",
                *notes_said(found, clearing=True),
                *said,
            ]
        ),
    )


def new_workbook(book: xw.Book | None = None) -> xw.Book | None:
    """New Standard Workbook button: start a workbook in the agency standard's layout.

    In desktop Excel this writes the standard template (every tab and header, drop-downs, date
    formats; the same file as ``ipsxl template``) to a new file in the user's Documents folder
    and opens it. Where files cannot be opened (xlwings Server, xlwings Lite), the standard's
    tabs are added to the calling workbook instead, if it has none of them yet.
    """
    book = _caller(book)
    engine = Engine.of(book)
    if engine.remote:
        return add_standard_tabs(book, engine)
    from ipsxl.make.template import write_template  # openpyxl: only the desktop needs it

    path = free_path(documents_folder(), "IPS workbook", ".xlsx")
    write_template(path)
    new = book.app.books.open(str(path))
    alert(new, f"A new standard workbook is saved as {path}. Fill in the Program tab first.")
    return new


def show_help(book: xw.Book | None = None) -> None:
    """Help button: what each button does and where the full guide is."""
    alert(_caller(book), HELP_TEXT, title=f"{TITLE} help")


def _caller(book: xw.Book | None) -> xw.Book:
    return book if book is not None else xw.Book.caller()
