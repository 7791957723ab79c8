"""One Validate or Fidelity run over an open book."""

from __future__ import annotations

import datetime as dt
import traceback

import xlwings as xw

from ipsxl import sheets
from ipsxl.core import standard as std
from ipsxl.core.model import Report
from ipsxl.excel.engine import Engine, quiet
from ipsxl.excel.highlights import highlight
from ipsxl.excel.messages import alert, notes_said, summary
from ipsxl.excel.notes import NoteTexts, leave_notes
from ipsxl.excel.own_sheets import find_own_sheets, previous_sheet, put_mark, settle
from ipsxl.excel.reading import read_book, reviewer_scores, source_name
from ipsxl.excel.render import write_sheet
from ipsxl.excel.state import State, read_state, write_state
from ipsxl.excel.takeback import take_back
from ipsxl.files.read import UnreadableWorkbook
from ipsxl.report import problem_line
from ipsxl.sheets import fidelity as fidelity_sheet
from ipsxl.sheets import own
from ipsxl.validate import check_raw, internal_error


def run_check(book: xw.Book, with_fidelity: bool, note_texts: NoteTexts | None) -> Report | None:
    """One Validate or Fidelity click; a bug of ours is an alert asking to report it, not a
    Python error dialog, so the workbook stays usable and the next click works."""
    try:
        return _check_and_mark(book, with_fidelity, note_texts)
    except Exception:  # noqa: BLE001 - see above
        failed = internal_error(source_name(book), traceback.format_exc())
        alert(book, f"ipsxl hit an {problem_line(failed)}.")
        return None


def _check_and_mark(
    book: xw.Book, with_fidelity: bool, note_texts: NoteTexts | None
) -> Report | None:
    engine = Engine.of(book)
    try:
        raw = read_book(book)
    except UnreadableWorkbook as exc:
        alert(book, f"ipsxl cannot check this workbook: {exc}")
        return None
    if not raw.tables:
        names = ", ".join(t.name for t in std.TABS)
        alert(
            book,
            "This workbook has none of the IPS standard tabs "
            f"({names}). Use New Standard Workbook to start one.",
        )
        return None
    report = check_raw(raw)
    state = read_state(book)
    own_sheets = find_own_sheets(book, state)
    kept_fidelity = None if with_fidelity else own_sheets.pop(own.FIDELITY, None)
    fidelity_found = own_sheets.get(own.FIDELITY)
    reviewer = reviewer_scores(fidelity_found[0]) if fidelity_found else {}

    with quiet(book, engine):
        previous = {role: previous_sheet(role, *found) for role, found in own_sheets.items()}
        found = take_back(book, engine, state, note_texts, previous.get(own.FLAGS))
        gone = {sheet.name for sheet, _ in own_sheets.values()}
        worksheets = [s.name for s in book.sheets if s.name not in gone]
        layouts = {}
        if with_fidelity:
            now = dt.datetime.now()
            layouts[own.FIDELITY] = fidelity_sheet.fidelity_layout(report, now, reviewer)
        layouts[own.FLAGS] = sheets.flags_layout(report, sheets=worksheets)
        areas = {role: own.area_of(layout) for role, layout in layouts.items()}
        carried = {role: own.carry(layout, previous.get(role)) for role, layout in layouts.items()}
        said = [
            f"Kept what you added beside the cells of the earlier {previous[role].name} sheet"
            f" ({done.placed} cell(s))."
            for role, done in carried.items()
            if done.placed
        ]
        said += settle(book, own_sheets, previous, {r: bool(c.left) for r, c in carried.items()})
        written = [kept_fidelity[0].name] if kept_fidelity else []
        added = {}
        for role, layout in layouts.items():
            wanted = layout.name
            layout.name = own.free_name(wanted, {s.name for s in book.sheets})
            if layout.name != wanted:
                said.append(f"A sheet of yours is named '{wanted}': ipsxl's is '{layout.name}'.")
            added[role] = write_sheet(book, engine, layout)
            put_mark(added[role], role, areas[role])
            written.append(layout.name)
        marks = sheets.highlight_marks(report, worksheets)
        cells, notes_cut = highlight(book, engine, marks, found)
        cells += leave_notes(book, found)
        write_state(book, State(written, cells))
        added.get(own.FIDELITY, added[own.FLAGS]).activate()
    alert(
        book,
        "\n".join([summary(report, with_fidelity, notes_cut), *notes_said(found), *said]),
    )
    return report
