"""The IPS ribbon's Python side: one function per button, each over an open xlwings ``Book``.

A supervisor clicks Validate or Fidelity in Excel; the add-in's VBA hands the click to xlwings'
RunPython, which calls the function here with no arguments, so ``book`` defaults to the workbook
that called (``xlwings.Book.caller()``). Tests and scripts pass a ``Book`` themselves, including
one built from the JSON Excel's xlwings client sends (``xlwings.Book(json=...)``), which turns
every write into an action Excel would apply. So the same code runs in desktop Excel (COM on
Windows, AppleScript on macOS), in xlwings Server and xlwings Lite, and in tests.

Nothing here decides what is wrong with a workbook or what the sheets look like. Reading hands
plain grids to ``read.tables_from_grids`` and ``check.check_raw`` (the CLI's core); the Flags and
Fidelity sheets and the cell highlights come from ``sheets`` (the file write-back's layouts).
This module only moves values in and out through xlwings, in whole blocks: one read per tab,
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
openpyxl (the template) are imported inside the functions that need them, so the module also
loads where those cannot be installed (Excel on the web through xlwings Lite).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import xlwings as xw

from ipsxl import sheets
from ipsxl.core import scale
from ipsxl.core import standard as std
from ipsxl.core.model import ERROR, WARNING, RawWorkbook, Report
from ipsxl.core.values import CellError
from ipsxl.files.read import DEFAULT_LIMITS, Limits, UnreadableWorkbook, tables_from_grids
from ipsxl.report import problem_line
from ipsxl.sheets import NoteLines, own, split_note
from ipsxl.sheets import fidelity as fidelity_sheet
from ipsxl.validate import check_raw, internal_error

TITLE = "ipsxl"
# The hidden sheet where a run lists what it wrote, so that Clear Flags can take it back.
STATE_SHEET = "ipsxl marks"
# "Row now" and "Column now" are formulas (=ROW('Jobs'!C4)) that Excel keeps pointing at the
# marked cell when rows or columns are inserted or deleted, so a mark is found where it moved.
# "Note text" holds the messages of ipsxl's note on the cell, so that a later run tells the lines
# a reviewer typed into the note from ipsxl's own.
STATE_HEADERS = (
    "Kind",
    "Sheet",
    "Cell",
    "Fill",
    "Fill before",
    "Note",
    "Row now",
    "Column now",
    "Note text",
)
SHEET_KIND, CELL_KIND = "sheet", "cell"
STATE_NOTE = (
    "ipsxl lists here what its last run wrote (sheets, cell fills, notes) so that Clear Flags "
    "can take it back. Leave this sheet as it is."
)
# Notes are added one cell at a time (Excel has no bulk call for them); past this many flagged
# cells a run fills the rest without a note, and the Flags sheet still lists every message.
MAX_NOTES = 1000
# Rows read or written per round trip on large blocks, so one call never carries a whole tab.
CHUNK_ROWS = 10_000
# Above this many rectangles of one sheet, an engine with a bulk colour call paints with it.
BULK_FILL_RECTS = 200
MAX_AREA_ADDRESS = 255  # Excel's limit on the text of a multi-area address
TABLE_STYLE = "TableStyleLight9"  # as the file write-back's Flags table
# What a formula's error result reads as through xlwings (err_to_str=True)
ERROR_TEXTS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#DATA!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
    }
)

Cellpos = tuple[int, int]  # (row, column), 1-based
NoteKey = tuple[str, int, int]  # (sheet, row, column) of a note
NoteTexts = Mapping[NoteKey, str]  # note texts fetched before a run (xlwings Lite)


# --------------------------------------------------------------------------- the buttons


def validate(book: xw.Book | None = None, note_texts: NoteTexts | None = None) -> Report | None:
    """Validate button: check the workbook, list every flag on the Flags sheet, mark the cells.

    The Flags sheet is an Excel table (one row per flag, filterable, a link to each cell);
    flagged cells are filled red (error) or amber (warning) and get a note with the messages.
    The marks of an earlier run are taken back first. A Fidelity sheet an earlier Fidelity run
    wrote is left as it is (with the scores a reviewer typed). Lines a reviewer typed into one of
    ipsxl's notes are kept (see the module's docstring). ``note_texts`` are the texts of the
    last run's notes where the engine reads them only on request (see ``noted_cells``).
    Returns the report, or None when the workbook could not be read (the alert says why).
    """
    return _run(_caller(book), with_fidelity=False, note_texts=note_texts)


def fidelity(book: xw.Book | None = None, note_texts: NoteTexts | None = None) -> Report | None:
    """Fidelity button: everything Validate does, and the Fidelity sheet.

    The Fidelity sheet lists the 25 IPS-25 items with the value, target and score of each item
    the data supports, a yellow cell for the reviewer's score of the others, the total and band
    as live formulas, the outcomes, one row per employment specialist, and two charts. Scores a
    reviewer typed on the previous Fidelity sheet are kept.
    """
    return _run(_caller(book), with_fidelity=True, note_texts=note_texts)


def clear_flags(book: xw.Book | None = None, note_texts: NoteTexts | None = None) -> None:
    """Clear Flags button: take back everything ipsxl wrote, and nothing else.

    Removes the Fidelity and Flags sheets, gives each cell ipsxl filled its fill from before (no
    fill where it had none, or where the engine cannot read fills), takes ipsxl's lines out of
    the notes it added (deleting a note only when no line of a person's is left in it), and
    removes the hidden list of those marks. A note whose text the engine cannot read stays as
    it is, and stays listed (see the module's docstring).
    """
    book = _caller(book)
    engine = _Engine.of(book)
    state = _read_state(book)
    own_sheets = _own_sheets(book, state)
    if not own_sheets and not state.cells and _find_sheet(book, STATE_SHEET) is None:
        _alert(book, "There is nothing of ipsxl's to clear in this workbook.")
        return
    with _quiet(book, engine):
        previous = {role: _previous(role, *found) for role, found in own_sheets.items()}
        left = {role: bool(prev.added()) for role, prev in previous.items()}
        said = _settle(book, own_sheets, previous, left)
        found = _take_back(book, engine, state, note_texts, previous.get(own.FLAGS))
        unread = _leave_notes(book, found)
        if unread:
            _write_state(book, _State([], unread))
    removed = "sheets and fills" if found.left else "sheets, fills and notes"
    _alert(
        book,
        "\n".join(
            [
                f"ipsxl's {removed} are removed; nothing else was changed.",
                *_notes_said(found, clearing=True),
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
    engine = _Engine.of(book)
    if engine.remote:
        return _add_standard_tabs(book, engine)
    from ipsxl.make.template import write_template  # openpyxl: only the desktop needs it

    path = _free_path(_documents_folder(), "IPS workbook", ".xlsx")
    write_template(path)
    new = book.app.books.open(str(path))
    _alert(new, f"A new standard workbook is saved as {path}. Fill in the Program tab first.")
    return new


def show_help(book: xw.Book | None = None) -> None:
    """Help button: what each button does and where the full guide is."""
    _alert(_caller(book), HELP_TEXT, title=f"{TITLE} help")


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


# --------------------------------------------------------------------------- one run


def _caller(book: xw.Book | None) -> xw.Book:
    return book if book is not None else xw.Book.caller()


def _run(book: xw.Book, with_fidelity: bool, note_texts: NoteTexts | None) -> Report | None:
    """One Validate or Fidelity click; a bug of ours is an alert asking to report it, not a
    Python error dialog, so the workbook stays usable and the next click works."""
    try:
        return _check_and_mark(book, with_fidelity, note_texts)
    except Exception:  # noqa: BLE001 - see above
        failed = internal_error(_source(book), traceback.format_exc())
        _alert(book, f"ipsxl hit an {problem_line(failed)}.")
        return None


def _check_and_mark(
    book: xw.Book, with_fidelity: bool, note_texts: NoteTexts | None
) -> Report | None:
    engine = _Engine.of(book)
    try:
        raw = read_book(book)
    except UnreadableWorkbook as exc:
        _alert(book, f"ipsxl cannot check this workbook: {exc}")
        return None
    if not raw.tables:
        names = ", ".join(t.name for t in std.TABS)
        _alert(
            book,
            "This workbook has none of the IPS standard tabs "
            f"({names}). Use New Standard Workbook to start one.",
        )
        return None
    report = check_raw(raw)
    state = _read_state(book)
    own_sheets = _own_sheets(book, state)
    kept_fidelity = None if with_fidelity else own_sheets.pop(own.FIDELITY, None)
    fidelity_found = own_sheets.get(own.FIDELITY)
    reviewer = _reviewer_scores(fidelity_found[0]) if fidelity_found else {}

    with _quiet(book, engine):
        previous = {role: _previous(role, *found) for role, found in own_sheets.items()}
        found = _take_back(book, engine, state, note_texts, previous.get(own.FLAGS))
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
        said += _settle(book, own_sheets, previous, {r: bool(c.left) for r, c in carried.items()})
        written = [kept_fidelity[0].name] if kept_fidelity else []
        added = {}
        for role, layout in layouts.items():
            wanted = layout.name
            layout.name = own.free_name(wanted, {s.name for s in book.sheets})
            if layout.name != wanted:
                said.append(f"A sheet of yours is named '{wanted}': ipsxl's is '{layout.name}'.")
            added[role] = _write_sheet(book, engine, layout)
            _mark(added[role], role, areas[role])
            written.append(layout.name)
        marks = sheets.highlight_marks(report, worksheets)
        cells, notes_cut = _highlight(book, engine, marks, found)
        cells += _leave_notes(book, found)
        _write_state(book, _State(written, cells))
        added.get(own.FIDELITY, added[own.FLAGS]).activate()
    _alert(
        book,
        "\n".join([summary(report, with_fidelity, notes_cut), *_notes_said(found), *said]),
    )
    return report


def _own_sheets(book: xw.Book, state: _State) -> dict[str, tuple[xw.Sheet, str | None]]:
    """ipsxl's sheets of an earlier run, by role, each with its mark's reference: known by
    ipsxl's mark (a name scoped to the sheet, see ``sheets.own``), never by their names. An
    engine that cannot read names falls back on the sheets the hidden state sheet lists."""
    found: dict[str, tuple[xw.Sheet, str | None]] = {}
    try:
        for sheet in book.sheets:
            for name in sheet.names:
                role = own.ROLES.get(name.name.rsplit("!", 1)[-1].casefold())
                if role is not None and role not in found:
                    found[role] = (sheet, name.refers_to)
    except (NotImplementedError, KeyError):
        for listed in state.sheets:
            role = {std.FIDELITY_SHEET: own.FIDELITY, std.FLAGS_SHEET: own.FLAGS}.get(listed)
            sheet = _find_sheet(book, listed)
            if role is not None and sheet is not None and role not in found:
                found[role] = (sheet, None)
    return found


def _previous(role: str, sheet: xw.Sheet, ref: str | None) -> own.PreviousSheet:
    """An earlier run's sheet as it is now, with what a person added to it."""
    grid = read_grid(sheet)
    cells = {
        (r, c): value
        for r, row in enumerate(grid, 1)
        for c, value in enumerate(row, 1)
        if value is not None and value != ""
    }
    area = own.parse_area(ref or "")
    if area is None:  # no mark to tell ipsxl's cells from others': all are taken as ipsxl's
        area = (1, 1, max((r for r, _ in cells), default=1), max((c for _, c in cells), default=1))
    return own.PreviousSheet(role, sheet.name, cells, area)


def _settle(
    book: xw.Book,
    found: Mapping[str, tuple[xw.Sheet, str | None]],
    previous: Mapping[str, own.PreviousSheet],
    left: Mapping[str, bool],
) -> list[str]:
    """Delete an earlier run's sheets, or keep one holding what a person added that has no
    place on the new one, renamed with the date and without ipsxl's mark."""
    said = []
    for role, (sheet, _) in found.items():
        if role not in previous:
            continue
        if not left.get(role):
            sheet.delete()
            continue
        name = sheet.name
        kept = _dated_name(name, {s.name for s in book.sheets})
        with contextlib.suppress(NotImplementedError, KeyError):
            for mark in [n for n in sheet.names if n.name.rsplit("!", 1)[-1] in own.ROLES]:
                mark.delete()
        sheet.name = kept
        said.append(
            f"The earlier {name} sheet held entries of yours with no place on the new one:"
            f" it is kept as '{kept}'."
        )
    return said


def _dated_name(name: str, taken: set[str]) -> str:
    base = f"{name[:20]} {dt.date.today():%Y-%m-%d}"
    folded = {t.casefold() for t in taken}
    out, n = base, 1
    while out.casefold() in folded:
        n += 1
        out = f"{base} ({n})"
    return out


def _mark(sheet: xw.Sheet, role: str, area: own.Area) -> None:
    """Put ipsxl's mark on a sheet it wrote: a name scoped to it over ipsxl's cells."""
    refers_to = f"={sheets.quote_sheet(sheet.name)}!{own.area_ref(area)}"
    with contextlib.suppress(NotImplementedError):
        sheet.names.add(own.MARKS[role], refers_to)


@contextlib.contextmanager
def _quiet(book: xw.Book, engine: _Engine) -> Iterator[None]:
    """Desktop Excel redraws after every call unless told not to; a run writes many blocks."""
    if engine.remote:
        yield
        return
    app = book.app
    try:
        app.screen_updating = False
    except Exception:  # noqa: BLE001 - an app that cannot stop redrawing is only slower
        pass
    try:
        yield
    finally:
        try:
            app.screen_updating = True
        except Exception:  # noqa: BLE001
            pass


def summary(report: Report, with_fidelity: bool, notes_cut: bool = False) -> str:
    """The few lines the alert at the end of a run shows."""
    counts = report.counts()
    errors, warnings = counts[ERROR], counts[WARNING]
    lines = []
    if errors or warnings:
        tabs = list(dict.fromkeys(t for t in map(sheets.as_text, report.flags["sheet"]) if t))
        lines.append(
            f"{_plural(errors, 'error')} and {_plural(warnings, 'warning')} in {', '.join(tabs)}."
        )
        lines.append(
            "The Flags sheet lists each one with a link to its cell; flagged cells are"
            " filled red (error) or amber (warning) and carry a note."
        )
        if notes_cut:
            lines.append(f"Notes were added to the first {MAX_NOTES} flagged cells only.")
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _alert(book: xw.Book, text: str, title: str = TITLE) -> None:
    book.app.alert(text, title=title)


# --------------------------------------------------------------------------- engines


@dataclass(frozen=True)
class _Engine:
    """What the engine behind a Book can do, where xlwings' engines differ.

    Desktop Excel takes multi-area addresses and can read a cell's fill; the remote engine (the
    JSON a client sends, for xlwings Server, Lite and tests) addresses one rectangle per action,
    cannot read fills, measures column widths in points, and has bulk colour matrices, notes
    and charts only with the Office.js client.
    """

    remote: bool
    officejs: bool

    @classmethod
    def of(cls, book: xw.Book) -> _Engine:
        try:
            name = book.app.engine.name
        except Exception:  # noqa: BLE001 - an engine without a name is a desktop one
            name = ""
        remote = name == "remote"
        client = book.api.get("client") if remote and isinstance(book.api, dict) else None
        return cls(remote, client == "Office.js")

    @property
    def multi_area(self) -> bool:
        return not self.remote

    @property
    def bulk_fills(self) -> bool:
        return self.remote and self.officejs

    @property
    def reads_fills(self) -> bool:
        return not self.remote

    @property
    def charts(self) -> bool:
        return not self.remote or self.officejs

    def column_width(self, chars: float) -> float:
        """A width in characters in the engine's unit (the remote engine takes points)."""
        return _points(chars) if self.remote else chars


def _points(chars: float) -> float:
    """A column width in characters as points: about 7 pixels a character and 5 of padding."""
    return round((chars * 7 + 5) * 0.75, 2)


# --------------------------------------------------------------------------- reading


def read_book(book: xw.Book, limits: Limits = DEFAULT_LIMITS) -> RawWorkbook:
    """The standard tabs of an open workbook, as the CLI reads them from a file.

    Each standard tab is read in one block from its used range, anchored at A1 (blank rows and
    columns before the used range are put back), dates as datetimes, error results as
    ``CellError``. Other sheets are not read, only named, as ``read_workbook`` does.
    """
    tabs = std.tab_lookup()
    own = {std.fold(s) for s in std.OWN_SHEETS}
    grids: dict[str, list[list[object]]] = {}
    names, hidden = [], []
    for sheet in book.sheets:
        name = sheet.name
        names.append(name)
        if _is_hidden(sheet):
            hidden.append(name)
        key = std.fold(name)
        if key not in tabs or key in own or name in grids:
            continue
        grids[name] = read_grid(sheet, limits)
    raw = tables_from_grids(_source(book), grids, hidden)
    raw.sheets = names
    return raw


def read_grid(sheet: xw.Sheet, limits: Limits = DEFAULT_LIMITS) -> list[list[object]]:
    """One sheet's values from A1 to the end of its used range, in one read."""
    used = sheet.used_range
    top, left = used.row, used.column
    nrows, ncols = used.shape
    bottom, right = top + nrows - 1, left + ncols - 1
    if bottom > limits.max_rows:
        raise UnreadableWorkbook(
            f"sheet '{sheet.name}' has cells down to row {bottom:,} (limit {limits.max_rows:,})"
        )
    if bottom * right > limits.max_cells:
        raise UnreadableWorkbook(
            f"sheet '{sheet.name}' spans {bottom:,} rows x {right:,} columns; delete stray cells"
            " far below or right of the table"
        )
    ncols = min(ncols, limits.max_columns - left + 1)
    if ncols <= 0:
        return []
    block = used.resize(nrows, ncols) if ncols != used.shape[1] else used
    values = block.options(ndim=2, err_to_str=True, chunksize=CHUNK_ROWS).value or []
    pad = [None] * (left - 1)
    grid: list[list[object]] = [[] for _ in range(top - 1)]
    grid.extend(pad + [_read_value(v) for v in row] for row in values)
    return grid


def _read_value(value: object) -> object:
    if isinstance(value, str) and value in ERROR_TEXTS:
        return CellError(value)
    return value


def _source(book: xw.Book) -> str:
    try:
        return book.fullname
    except Exception:  # noqa: BLE001 - a book without a path still has a name
        return book.name


def _is_hidden(sheet: xw.Sheet) -> bool:
    try:
        visible = sheet.visible
    except (KeyError, NotImplementedError):  # a client that does not send visibility
        return False
    # COM gives xlSheetVisible (-1), xlSheetHidden (0) or xlSheetVeryHidden (2)
    return visible is False or visible == 0 or visible == 2


def _find_sheet(book: xw.Book, name: str) -> xw.Sheet | None:
    for sheet in book.sheets:
        if sheet.name.casefold() == name.casefold():
            return sheet
    return None


def _reviewer_scores(sheet: xw.Sheet) -> dict[int, fidelity_sheet.Review]:
    """What a reviewer typed on ipsxl's Fidelity sheet now in the workbook, by scale position.

    The sheet is read in one block from A1 and its item rows found by Section and # (see
    ``fidelity_sheet.reviews_from_grid``), so a Fidelity sheet the file write-back wrote, or one a
    person moved rows on, keeps its scores and notes too.
    """
    last = sheet.used_range.last_cell
    grid = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value or []
    return fidelity_sheet.reviews_from_grid(grid)


# --------------------------------------------------------------------------- the state sheet


@dataclass
class _CellMark:
    sheet: str
    row: int
    col: int
    fill: str | None  # RRGGBB ipsxl set
    before: str | None  # RRGGBB the cell had (None: no fill, or the engine could not read it)
    note: bool  # ipsxl added the cell's note
    written: str | None = None  # the messages ipsxl's note holds (None: not recorded)
    at: str = ""  # the cell's address when it was marked


@dataclass
class _NotesFound:
    """The last run's notes that taking back did not delete, until the new run settles them:
    those holding lines of a person's (split around ipsxl's part), and those whose text the
    engine cannot read; and how many of each were kept or left as they were."""

    theirs: dict[NoteKey, NoteLines] = field(default_factory=dict)
    unread: dict[NoteKey, _CellMark] = field(default_factory=dict)
    kept: int = 0
    left: int = 0


@dataclass
class _State:
    sheets: list[str] = field(default_factory=list)
    cells: list[_CellMark] = field(default_factory=list)


def _read_state(book: xw.Book) -> _State:
    """What the last run listed on the hidden state sheet (nothing when there is none)."""
    sheet = _find_sheet(book, STATE_SHEET)
    state = _State()
    if sheet is None:
        return state
    for row in read_grid(sheet)[2:]:
        row = list(row) + [None] * (len(STATE_HEADERS) - len(row))
        kind, name = _text(row[0]), _text(row[1])
        if not name:
            continue
        if kind == SHEET_KIND:
            state.sheets.append(name)
        elif kind == CELL_KIND:
            where = _where_now(row[2], row[6], row[7])
            if where is not None:
                mark = _CellMark(name, *where, _hex(row[3]), _hex(row[4]), _text(row[5]) == "yes")
                mark.written = None if row[8] is None or row[8] == "" else str(row[8])
                mark.at = _text(row[2]).replace("$", "")
                state.cells.append(mark)
    return state


def _where_now(address: object, row: object, col: object) -> Cellpos | None:
    """Where a marked cell is now: the ROW/COLUMN formulas' results, or, from an engine that
    did not calculate them, the address it was marked at. None when the cell was deleted."""
    if isinstance(row, CellError) or isinstance(col, CellError):
        return None
    if _is_count(row) and _is_count(col):
        return int(row), int(col)  # type: ignore[arg-type]
    try:
        return sheets.split_ref(_text(address))
    except (ValueError, IndexError):
        return None


def _is_count(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 1


def _write_state(book: xw.Book, state: _State) -> None:
    rows: list[list[object]] = [[TITLE, STATE_NOTE], list(STATE_HEADERS)]
    rows += [[SHEET_KIND, name] for name in state.sheets]
    rows += [
        [
            CELL_KIND,
            m.sheet,
            sheets.cell_ref(m.row, m.col),
            m.fill,
            m.before,
            "yes" if m.note else "no",
            None,
            None,
            m.written if m.note else None,
        ]
        for m in state.cells
    ]
    width = len(STATE_HEADERS)
    values = [[_as_text(v) for v in row] + [None] * (width - len(row)) for row in rows]
    sheet = book.sheets.add(STATE_SHEET, after=book.sheets[len(book.sheets) - 1])
    sheet.range("A1").options(chunksize=CHUNK_ROWS).value = values
    first = len(rows) - len(state.cells) + 1
    formulas = [
        [f"=ROW({target})", f"=COLUMN({target})"]
        for target in (sheets.sheet_target(m.sheet, m.row, m.col) for m in state.cells)
    ]
    for start in range(0, len(formulas), CHUNK_ROWS):
        part = formulas[start : start + CHUNK_ROWS]
        top = first + start
        sheet.range((top, 7), (top + len(part) - 1, 8)).formula = part
    sheet.visible = False


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _hex(value: object) -> str | None:
    text = _text(value).lstrip("#").upper()
    return text if len(text) == 6 and all(ch in "0123456789ABCDEF" for ch in text) else None


# --------------------------------------------------------------------------- taking back


def _take_back(
    book: xw.Book,
    engine: _Engine,
    state: _State,
    note_texts: NoteTexts | None = None,
    flags: own.PreviousSheet | None = None,
) -> _NotesFound:
    """Undo a run's marks: restore fills, delete its notes, remove the state sheet. ipsxl's
    own sheets are dealt with by the caller (see ``_settle``).

    A note of ipsxl's that holds lines of a person's, or whose text the engine cannot read, is
    not deleted: it is returned, for the caller to carry into the cell's new note or to leave
    (see ``_highlight`` and ``_leave_notes``). A note whose "ipsxl:" line a person deleted is
    theirs and stays as it is. A run that did not list its notes' messages on the state sheet
    (an earlier release) has them on its Flags sheet (``flags``).
    """
    found = _NotesFound()
    listed = own.note_texts(flags) if flags is not None else {}
    by_sheet: dict[str, list[_CellMark]] = defaultdict(list)
    for mark in state.cells:
        by_sheet[mark.sheet].append(mark)
    for name, marks in by_sheet.items():
        sheet = _find_sheet(book, name)
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
            text = _note_text(note, key, note_texts)
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
    sheet = _find_sheet(book, STATE_SHEET)
    if sheet is not None:
        sheet.delete()
    return found


def _note_text(note: xw.Note, key: NoteKey, note_texts: NoteTexts | None) -> str | None:
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
    for m in _read_state(book).cells:
        sheet = _find_sheet(book, m.sheet) if m.note else None
        if sheet is not None:
            out.append((sheet.name, m.row, m.col))
    return out


def _leave_notes(book: xw.Book, found: _NotesFound) -> list[_CellMark]:
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
        left.append(_CellMark(m.sheet, m.row, m.col, None, None, True, m.written))
        found.left += 1
    found.unread.clear()
    return left


def _notes_said(found: _NotesFound, clearing: bool = False) -> list[str]:
    """The alert's lines about the notes a person may have typed in."""
    said = []
    if found.kept:
        said.append(
            f"Kept text you added to {_plural(found.kept, 'note')} of ipsxl's: only ipsxl's own"
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
            f"{_plural(found.left, 'note')} ipsxl added earlier {'is' if one else 'are'} left"
            f" as {'it was' if one else 'they were'}: here Excel does not let ipsxl read a"
            " note's text, so it neither replaces nor deletes a note you may have typed in."
            f" {'Its' if one else 'Their'} messages may be out of date (the Flags sheet lists"
            f" the current ones): {fix}, or edit {'it' if one else 'them'} by hand."
        )
    return said


# --------------------------------------------------------------------------- highlights


def _highlight(
    book: xw.Book,
    engine: _Engine,
    marks: Mapping[str, Mapping[Cellpos, sheets.Mark]],
    found: _NotesFound | None = None,
) -> tuple[list[_CellMark], bool]:
    """Fill and annotate the flagged cells; what was done, and whether ``MAX_NOTES`` cut notes.

    A cell that already has a note (someone's own) keeps it and gets none from ipsxl; an engine
    without notes gets fills only. A note of the last run's that a person typed in (``found``)
    gets the new messages with their lines kept where they stood; one the engine could not read
    is left as it is.
    """
    found = found if found is not None else _NotesFound()
    done: list[_CellMark] = []
    notes_left = MAX_NOTES
    takes_notes = True
    cut = False
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
                    noted, takes_notes = _add_note(sheet.range((r, c)), mark.note)
                    notes_left -= noted
                else:
                    cut = True
            done.append(
                _CellMark(
                    name, r, c, mark.fill, before.get((r, c)), noted, written if noted else None
                )
            )
    return done, cut


def _add_note(cell: xw.Range, text: str) -> tuple[bool, bool]:
    """Add a note unless the cell has one (someone else's): (added, the engine takes notes)."""
    try:
        if cell.note is not None:
            return False, True
        cell.add_note(text)
    except NotImplementedError:  # a client without notes (not Office.js, or ExcelApi < 1.18)
        return False, False
    return True, True


def _fills_before(sheet: xw.Sheet, engine: _Engine, cells: Iterable[Cellpos]) -> dict[Cellpos, str]:
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


def paint(sheet: xw.Sheet, engine: _Engine, colors: Mapping[Cellpos, str | None]) -> None:
    """Give cells fills (RRGGBB; None clears the fill) in as few calls as the engine allows.

    Cells of one colour are grouped into rectangles; the desktop paints many rectangles per call
    as a multi-area address; the remote engine paints one rectangle per action, or, with many
    rectangles and a client that has it, colour matrices per column (cells left alone inside).
    """
    groups: dict[str | None, list[Cellpos]] = defaultdict(list)
    for rc, color in colors.items():
        groups[color].append(rc)
    rects = {color: rectangles(cells) for color, cells in groups.items()}
    if engine.bulk_fills and sum(len(r) for r in rects.values()) > BULK_FILL_RECTS:
        _paint_columns(sheet, colors)
        return
    for color, boxes in rects.items():
        fill = None if color is None else f"#{color}"
        for rng in _ranges(sheet, engine, boxes):
            rng.color = fill


def _paint_columns(sheet: xw.Sheet, colors: Mapping[Cellpos, str | None]) -> None:
    by_col: dict[int, dict[int, str | None]] = defaultdict(dict)
    for (r, c), color in colors.items():
        by_col[c][r] = color
    for c, rows in sorted(by_col.items()):
        first, last = min(rows), max(rows)
        for start in range(first, last + 1, CHUNK_ROWS):
            end = min(start + CHUNK_ROWS - 1, last)
            matrix = [[_matrix_color(rows, r)] for r in range(start, end + 1)]
            sheet.range((start, c), (end, c)).set_colors(matrix)


def _matrix_color(rows: Mapping[int, str | None], r: int) -> object:
    if r not in rows:
        return ...  # keep this cell's fill
    color = rows[r]
    return None if color is None else f"#{color}"


def rectangles(cells: Iterable[Cellpos]) -> list[tuple[int, int, int, int]]:
    """Cells as (top, left, bottom, right) rectangles: runs down each column, and runs over the
    same rows in neighbouring columns joined, so a column or a header row is one rectangle."""
    by_col: dict[int, list[int]] = defaultdict(list)
    for r, c in set(cells):
        by_col[c].append(r)
    runs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for c, rows in by_col.items():
        rows.sort()
        start = prev = rows[0]
        for r in rows[1:]:
            if r != prev + 1:
                runs[(start, prev)].append(c)
                start = r
            prev = r
        runs[(start, prev)].append(c)
    out = []
    for (r1, r2), cols in runs.items():
        cols.sort()
        left = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                out.append((r1, left, r2, prev))
                left = c
            prev = c
        out.append((r1, left, r2, prev))
    return sorted(out)


def _ranges(
    sheet: xw.Sheet, engine: _Engine, boxes: Sequence[tuple[int, int, int, int]]
) -> list[xw.Range]:
    """Ranges covering the rectangles: multi-area ranges on the desktop, else one each."""
    if not engine.multi_area:
        return [sheet.range((r1, c1), (r2, c2)) for r1, c1, r2, c2 in boxes]
    out, parts, length = [], [], 0
    for r1, c1, r2, c2 in boxes:
        address = sheets.cell_ref(r1, c1)
        if (r1, c1) != (r2, c2):
            address += ":" + sheets.cell_ref(r2, c2)
        if parts and length + 1 + len(address) > MAX_AREA_ADDRESS:
            out.append(sheet.range(",".join(parts)))
            parts, length = [], 0
        parts.append(address)
        length += len(address) + (1 if length else 0)
    if parts:
        out.append(sheet.range(",".join(parts)))
    return out


# --------------------------------------------------------------------------- sheets


def _write_sheet(book: xw.Book, engine: _Engine, layout: sheets.SheetLayout) -> xw.Sheet:
    """Add a sheet at the end of the workbook and render a layout of ``sheets`` into it."""
    sheet = book.sheets.add(layout.name, after=book.sheets[len(book.sheets) - 1])
    render(sheet, engine, layout)
    if layout.table is not None:
        sheet.tables.add(
            source=sheet.range(layout.table.ref),
            name=_free_table_name(book, layout.table.name),
            table_style_name=TABLE_STYLE,
        )
    return sheet


def render(sheet: xw.Sheet, engine: _Engine, layout: sheets.SheetLayout) -> None:
    """Write a layout's values, formulas, styles, widths, validations and charts.

    Values go in one block (text with a leading apostrophe, so Excel keeps it as typed and never
    reads it as a formula, number or date); formulas in blocks down each column; each style
    attribute over the rectangles of the cells that have it.
    """
    rows = layout.rows
    width = max((len(r) for r in rows), default=0)
    if not width:
        return
    values = [[_cell_value(cell) for cell in row] + [None] * (width - len(row)) for row in rows]
    sheet.range("A1").options(chunksize=CHUNK_ROWS).value = values

    formulas: dict[Cellpos, str] = {}
    for r, row in enumerate(rows, 1):
        for c, cell in enumerate(row, 1):
            formula = _cell_formula(cell)
            if formula is not None:
                formulas[(r, c)] = formula
    _write_formulas(sheet, formulas)
    _apply_styles(sheet, engine, rows)

    for col, chars in sorted(layout.widths.items()):
        sheet.range((1, col)).column_width = engine.column_width(chars)
    for first, last, points in _height_runs(layout.heights):
        _optional(
            lambda first=first, last=last, points=points: setattr(
                sheet.range((first, 1), (last, 1)), "row_height", points
            )
        )
    _optional(lambda: layout.freeze and sheet.freeze_panes.freeze_at(layout.freeze))
    _optional(
        lambda: layout.print_area and setattr(sheet.page_setup, "print_area", layout.print_area)
    )
    for validation in layout.validations:
        for rng in _ranges(sheet, engine, rectangles(sheets.split_ref(r) for r in validation.refs)):
            _optional(
                lambda rng=rng, v=validation: rng.data_validation.set_whole_number(
                    "between", v.minimum, v.maximum
                )
            )
    if engine.charts:
        for chart in layout.charts:
            _optional(lambda chart=chart: _add_chart(sheet, layout, chart))


def _height_runs(heights: dict[int, float]) -> list[tuple[int, int, float]]:
    """Row heights as (first row, last row, points) runs of adjacent rows of one height, so a
    long Flags sheet costs a call per run rather than per row."""
    runs: list[list] = []
    for row, points in sorted(heights.items()):
        if runs and runs[-1][1] == row - 1 and runs[-1][2] == points:
            runs[-1][1] = row
        else:
            runs.append([row, row, points])
    return [tuple(r) for r in runs]


def _cell_value(cell: sheets.Cell | None) -> object:
    if cell is None or cell.formula is not None or cell.link is not None:
        return None
    return _as_text(cell.value)


def _as_text(value: object) -> object:
    """A value to write: text gets a leading apostrophe, which Excel keeps out of the value and
    which stops it reading the text as a formula (=, +, -, @), a number or a date."""
    if isinstance(value, str):
        return "'" + value if value else None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _cell_formula(cell: sheets.Cell | None) -> str | None:
    if cell is None:
        return None
    if cell.link is not None:
        return hyperlink_formula(cell.link, cell.value)
    if cell.formula is not None:
        return "=" + cell.formula
    return None


def hyperlink_formula(target: str, text: object) -> str:
    """A HYPERLINK formula to a cell of this workbook: every engine and Excel on the web follows
    it, and a column of them is written in one call (a hyperlink object is one call each)."""
    label = "" if text is None else str(text)
    return f'=HYPERLINK("#{_quote(target)}","{_quote(label)}")'


def _quote(text: str) -> str:
    return text.replace('"', '""')


def _write_formulas(sheet: xw.Sheet, formulas: Mapping[Cellpos, str]) -> None:
    by_col: dict[int, list[int]] = defaultdict(list)
    for r, c in formulas:
        by_col[c].append(r)
    for c, rows in sorted(by_col.items()):
        for r1, _, r2, _ in rectangles((r, c) for r in rows):
            block = [[formulas[(r, c)]] for r in range(r1, r2 + 1)]
            for start in range(0, len(block), CHUNK_ROWS):
                part = block[start : start + CHUNK_ROWS]
                top = r1 + start
                sheet.range((top, c), (top + len(part) - 1, c)).formula = part


# (attribute, value) -> how to set it on a range
_SETTERS: dict[str, Callable[[xw.Range, object], None]] = {
    "bold": lambda rng, v: setattr(rng.font, "bold", v),
    "italic": lambda rng, v: setattr(rng.font, "italic", v),
    "font": lambda rng, v: setattr(rng.font, "name", v),
    "size": lambda rng, v: setattr(rng.font, "size", v),
    "color": lambda rng, v: setattr(rng.font, "color", f"#{v}"),
    "number_format": lambda rng, v: setattr(rng, "number_format", v),
    "wrap": lambda rng, v: setattr(rng, "wrap_text", v),
    "align": lambda rng, v: setattr(rng, "horizontal_alignment", v),
    "valign": lambda rng, v: setattr(rng, "vertical_alignment", v),
}


def _apply_styles(
    sheet: xw.Sheet, engine: _Engine, rows: Sequence[Sequence[sheets.Cell | None]]
) -> None:
    fills: dict[Cellpos, str | None] = {}
    groups: dict[tuple[str, object], list[Cellpos]] = defaultdict(list)
    for r, row in enumerate(rows, 1):
        for c, cell in enumerate(row, 1):
            if cell is None:
                continue
            style = sheets.STYLES.get(cell.style, sheets.STYLES[sheets.TEXT])
            if style.fill:
                fills[(r, c)] = style.fill
            for attr, value in (
                ("bold", style.bold or None),
                ("italic", style.italic or None),
                ("font", style.font),
                ("size", style.size),
                ("color", style.color),
                ("number_format", style.number_format),
                ("wrap", style.wrap or None),
                ("align", style.align),
                ("valign", "top"),  # as the file write-back: a row reads across
            ):
                if value is not None:
                    groups[(attr, value)].append((r, c))
    if fills:
        paint(sheet, engine, fills)
    unsupported: set[str] = set()
    for (attr, value), cells in groups.items():
        if attr in unsupported:
            continue
        for rng in _ranges(sheet, engine, rectangles(cells)):
            try:
                _SETTERS[attr](rng, value)
            except NotImplementedError:  # e.g. alignment with a client other than Office.js
                unsupported.add(attr)
                break


def _add_chart(sheet: xw.Sheet, layout: sheets.SheetLayout, spec: sheets.Chart) -> None:
    """A chart of the layout: the series' columns as source (they stand side by side in the
    layout), with their header cells so Excel names the series, and the categories as x-axis
    values; a line series is drawn as a line where the engine can address series."""
    top, left = sheets.split_ref(spec.top_left)
    bottom, right = sheets.split_ref(spec.bottom_right)
    # a chart is sized in points: a column of w characters is about (7w + 5) pixels
    width = sum(_points(layout.widths.get(c, 8.43)) for c in range(left, right + 1))
    height = (bottom - top + 1) * 15
    cols = [sheets.split_ref(s.values.split(":")[0])[1] for s in spec.series]
    first, _ = sheets.split_ref(spec.series[0].values.split(":")[0])
    last, _ = sheets.split_ref(spec.series[0].values.split(":")[1])
    if cols != list(range(cols[0], cols[0] + len(cols))):
        cols = cols[:1]  # not side by side: the first series only
    above = layout.cell(sheets.cell_ref(first - 1, cols[0])) if first > 1 else None
    if above is not None and above.style == sheets.HEADER:
        first -= 1
    bars = any(s.kind == "bar" for s in spec.series)
    chart = sheet.charts.add(
        anchor=sheet.range(spec.top_left),
        width=width,
        height=height,
        chart_type="column_clustered" if bars else "line",
    )
    chart.set_source_data(sheet.range((first, cols[0]), (last, cols[-1])), plot_by="columns")
    chart.set_x_axis_values(sheet.range(spec.categories))
    chart.title = spec.title
    chart.value_axis.set(
        title=spec.y_title or None, number_format=spec.y_format, minimum_scale=spec.y_min
    )
    for i, series in enumerate(spec.series[: len(cols)], 1):
        if bars and series.kind != "bar":
            _optional(lambda i=i: chart.series(i).set(chart_type="line"))


def _optional(step: Callable[[], object]) -> None:
    """A finishing touch an engine may lack (freeze panes, print area, charts, validation)."""
    try:
        step()
    except NotImplementedError:
        pass


def _free_table_name(book: xw.Book, wanted: str) -> str:
    """``wanted``, or with a number after it if a table or defined name already has it."""
    taken = set()
    for sheet in book.sheets:
        try:
            taken.update(t.name.casefold() for t in sheet.tables)
        except (NotImplementedError, KeyError):
            pass
    try:
        taken.update(n.name.rsplit("!", 1)[-1].casefold() for n in book.names)
    except (NotImplementedError, KeyError):
        pass
    name, n = wanted, 1
    while name.casefold() in taken:
        n += 1
        name = f"{wanted}{n}"
    return name


# --------------------------------------------------------------------------- new workbook


def _documents_folder() -> Path:
    home = Path.home()
    docs = home / "Documents"
    return docs if docs.is_dir() else home


def _free_path(folder: Path, stem: str, suffix: str) -> Path:
    path = folder / f"{stem}{suffix}"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stem} ({n}){suffix}"
    return path


def _add_standard_tabs(book: xw.Book, engine: _Engine) -> xw.Book | None:
    """The standard's tabs added to a workbook that has none: headers, widths, a frozen header
    row, date formats and drop-downs, as the template has them (both drawn from ``standard``)."""
    from ipsxl.make import template

    tabs = std.tab_lookup()
    present = [s.name for s in book.sheets if std.fold(s.name) in tabs]
    if present:
        _alert(
            book,
            f"This workbook already has IPS tabs ({', '.join(present)}). "
            "Open a blank workbook and click New Standard Workbook there.",
        )
        return None
    blank = [s for s in book.sheets if _is_blank_sheet(s)]
    notes = True  # header notes from the standard's help, where the engine takes notes
    header_fill = template.HEADER_FILL.start_color.rgb[-6:]
    for tab in std.TABS:
        sheet = book.sheets.add(tab.name, after=book.sheets[len(book.sheets) - 1])
        columns = tab.columns
        rows: list[list[object]] = [[c.name for c in columns]]
        if tab.fields:
            rows += [[f.name, None] for f in tab.fields]
        sheet.range("A1").value = [[_as_text(v) for v in row] for row in rows]
        header = sheet.range((1, 1), (1, len(columns)))
        header.font.bold = True
        header.color = f"#{header_fill}"
        for i, col in enumerate(columns, 1):
            if col.help and notes:
                notes = _add_note(sheet.range((1, i)), col.help)[1]
        for i, col in enumerate(columns, 1):
            sheet.range((1, i)).column_width = engine.column_width(col.width)
        _optional(lambda sheet=sheet: sheet.freeze_panes.freeze_at("A2"))
        last = template.FORMATTED_ROWS + 1
        if tab.fields:
            dates = [r for r, f in enumerate(tab.fields, 2) if f.type == std.DATE]
            for r in dates:
                sheet.range((r, 2)).number_format = "yyyy-mm-dd"
            continue
        for i, col in enumerate(columns, 1):
            body = sheet.range((2, i), (last, i))
            if col.type == std.DATE:
                body.number_format = "yyyy-mm-dd"
            choices = template.column_choices(col)
            if choices:
                _optional(
                    lambda body=body, choices=choices: body.data_validation.set_list(list(choices))
                )
    for sheet in blank:
        sheet.delete()
    book.sheets[std.PROGRAM.name].activate()
    return book


def _is_blank_sheet(sheet: xw.Sheet) -> bool:
    values = sheet.used_range.options(ndim=2).value or []
    return all(v is None or v == "" for row in values for v in row)
