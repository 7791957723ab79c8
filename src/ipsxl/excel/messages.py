"""What the ribbon tells a person: the alert after a run, the notes it kept, the help text."""

from __future__ import annotations

from typing import TYPE_CHECKING

import xlwings as xw

from ipsxl import sheets
from ipsxl.core import scale
from ipsxl.core.model import ERROR, WARNING, Report

if TYPE_CHECKING:
    from ipsxl.excel.notes import NotesFound


TITLE = "ipsxl"


def summary(report: Report, with_fidelity: bool, notes_cut: int = 0) -> str:
    """The few lines the alert at the end of a run shows; ``notes_cut``: how many flagged cells
    got a note before the rest got none (0: every one got its note)."""
    counts = report.counts()
    errors, warnings = counts[ERROR], counts[WARNING]
    lines = []
    if errors or warnings:
        tabs = list(dict.fromkeys(t for t in map(sheets.as_text, report.flags["sheet"]) if t))
        lines.append(
            f"{plural(errors, 'error')} and {plural(warnings, 'warning')} in {', '.join(tabs)}."
        )
        lines.append(
            "The Flags sheet lists each one with a link to its cell; flagged cells are"
            " filled red (error) or amber (warning) and carry a note."
        )
        if notes_cut:
            lines.append(f"Notes were added to the first {notes_cut} flagged cells only.")
    else:
        lines.append("No errors or warnings: the workbook meets the standard.")
    scores = report.scores
    if with_fidelity and scores is not None:
        lines.append(
            f"Fidelity: {scores.scored_items} items scored from the data, data total"
            f" {scores.data_total} of {scores.data_max}. The Fidelity sheet's total and band"
            f" update as the reviewer scores the other {scale.ITEM_COUNT - scores.scored_items}"
            " items."
        )
    return "\n".join(lines)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def alert(book: xw.Book, text: str, title: str = TITLE) -> None:
    book.app.alert(text, title=title)


def notes_said(found: NotesFound, clearing: bool = False) -> list[str]:
    """The alert's lines about the notes a person may have typed in."""
    said = []
    if found.kept:
        said.append(
            f"Kept text you added to {plural(found.kept, 'note')} of ipsxl's: only ipsxl's own"
            f" lines in {'it' if found.kept == 1 else 'them'} were updated or taken out."
        )
    if found.left:
        one = found.left == 1
        fix = (
            "run Clear Flags in desktop Excel, which takes out ipsxl's lines and keeps yours"
            if clearing
            else "run Validate in desktop Excel, which updates ipsxl's lines and keeps yours"
        )
        said.append(
            f"{plural(found.left, 'note')} ipsxl added earlier {'is' if one else 'are'} left"
            f" as {'it was' if one else 'they were'}: here Excel does not let ipsxl read a"
            " note's text, so it neither replaces nor deletes a note you may have typed in."
            f" {'Its' if one else 'Their'} messages may be out of date (the Flags sheet lists"
            f" the current ones): {fix}, or edit {'it' if one else 'them'} by hand."
        )
    return said


HELP_TEXT = "\n".join(
    [
        "The IPS tab checks this workbook against the agency-standard IPS workbook.",
        "",
        "Validate: checks every tab and lists each problem on the Flags sheet (click a row's link"
        " to go to the cell). Flagged cells turn red (error) or amber (warning) and get a note.",
        "Fidelity: does what Validate does and writes the Fidelity sheet: the IPS-25 items the data"
        " supports, scored 1-5, yellow cells for the reviewer's scores of the other items, and the"
        " total and band, which update as the reviewer types.",
        "Clear Flags: removes the Flags and Fidelity sheets and the fills and notes ipsxl added."
        " Nothing you typed is changed: a line you add to one of ipsxl's notes stays in the"
        " note, on this and every later run.",
        "New Standard Workbook: starts an empty workbook with every tab and header of the"
        " standard.",
        "",
        "Each run first takes back the marks of the run before. The worksheet functions"
        " IPS_CONTACTS_PER_WEEK, IPS_CASELOAD_SIZE, IPS_EMPLOYMENT_RATE, IPS_NEW_ENROLLMENTS,"
        " IPS_DAYS_TO_FIRST_JOB, IPS_RETENTION_90, IPS_SCORE and IPS_BAND compute the same"
        " figures in any cell.",
        "The full guide is the section 'In Excel: the IPS tab' of the ipsxl README.",
    ]
)
