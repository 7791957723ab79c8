"""ipsxl in xlwings Lite: the IPS buttons and worksheet functions with no Python on the PC.

xlwings Lite runs Python inside Excel (Pyodide, in the browser engine of an Office add-in) and
keeps a workbook's code in the workbook: a ``main.py`` and a ``requirements.txt``. A workbook
that lists ``ipsxl`` in its requirements needs one line of code::

    from ipsxl.lite import *

Lite then shows the scripts below in its task pane (Validate, Fidelity, Clear Flags, New
Standard Workbook, Help: the buttons of the desktop add-in's IPS tab) and registers the five
``IPS_*`` worksheet functions. Each script is the desktop button's function over the workbook
Lite hands in, so both faces write the same Flags and Fidelity sheets, fills and notes.

Lite reads a note's text only on request (``await note.get_text()``), which the buttons'
functions, being synchronous, cannot do: the scripts fetch the texts of ipsxl's notes of the
last run first and hand them in, so that lines a reviewer typed into those notes are kept as
they are in desktop Excel.

Nothing imported here forks, starts a thread or reads a file: Lite has the open workbook, not a
file, and Pyodide can neither fork nor start threads (see ``ipsxl.files.runtime``).
"""

from __future__ import annotations

import asyncio

import xlwings as xw
from xlwings import script

from ipsxl import excel
from ipsxl.excel.notes import NoteKey, noted_cells
from ipsxl.udfs import (
    IPS_BAND,
    IPS_CASELOAD_SIZE,
    IPS_CONTACTS_PER_WEEK,
    IPS_DAYS_TO_FIRST_JOB,
    IPS_EMPLOYMENT_RATE,
    IPS_NEW_ENROLLMENTS,
    IPS_RETENTION_90,
    IPS_SCORE,
)

__all__ = [
    "validate",
    "fidelity",
    "clear_flags",
    "new_standard_workbook",
    "ips_help",
    "IPS_CONTACTS_PER_WEEK",
    "IPS_CASELOAD_SIZE",
    "IPS_EMPLOYMENT_RATE",
    "IPS_NEW_ENROLLMENTS",
    "IPS_DAYS_TO_FIRST_JOB",
    "IPS_RETENTION_90",
    "IPS_SCORE",
    "IPS_BAND",
]

# The worksheet functions are those of ``ipsxl.udfs``: decorated with xlwings' ``func``, they
# are Lite custom functions in Lite and classic xlwings UDFs on the desktop. Lite passes date
# cells as serial numbers, which they read as dates.

# The scripts' names are the labels of the desktop add-in's buttons (``addin.RIBBON_ACTIONS``);
# they return nothing, since Lite only applies what a script did to the workbook.


@script(name="Validate")
async def validate(book: xw.Book) -> None:
    """Check every tab, list each problem on the Flags sheet and mark the flagged cells."""
    excel.validate(book, note_texts=await note_texts(book))


@script(name="Fidelity")
async def fidelity(book: xw.Book) -> None:
    """Everything Validate does, and the Fidelity sheet with the IPS-25 items and outcomes."""
    excel.fidelity(book, note_texts=await note_texts(book))


@script(name="Clear Flags")
async def clear_flags(book: xw.Book) -> None:
    """Remove the sheets, fills and notes ipsxl added, and nothing else."""
    excel.clear_flags(book, note_texts=await note_texts(book))


@script(name="New Standard Workbook")
def new_standard_workbook(book: xw.Book) -> None:
    """Add the standard's tabs (headers, drop-downs, date formats) to a workbook without them.

    Lite cannot open a new file, so the tabs go into this workbook: run it in a blank one.
    """
    excel.new_workbook(book)


@script(name="Help")
def ips_help(book: xw.Book) -> None:
    """What each script does."""
    excel.show_help(book)


async def note_texts(book: xw.Book) -> dict[NoteKey, str] | None:
    """The texts of the notes ipsxl's last run added (no other note is read), asked of Excel
    all at once so the requests overlap; None where the engine cannot fetch them (outside
    Lite), and then the run leaves those notes as they are (see ``ipsxl.excel``)."""
    notes = {}
    for name, row, col in noted_cells(book):
        note = book.sheets[name].range((row, col)).note
        if note is not None:
            notes[(name, row, col)] = note
    try:
        texts = await asyncio.gather(*(note.get_text() for note in notes.values()))
    except NotImplementedError:
        return None
    return {key: text for key, text in zip(notes, texts, strict=True) if text is not None}
