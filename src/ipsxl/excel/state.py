"""The hidden sheet where a run lists what it wrote, so that Clear Flags can take it back."""

from __future__ import annotations

from dataclasses import dataclass, field

import xlwings as xw

from ipsxl import sheets
from ipsxl.core.values import CellError
from ipsxl.excel.engine import CHUNK_ROWS
from ipsxl.excel.messages import TITLE
from ipsxl.excel.ranges import Cellpos
from ipsxl.excel.reading import find_sheet, read_grid
from ipsxl.excel.render import as_text

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


@dataclass
class CellMark:
    sheet: str
    row: int
    col: int
    fill: str | None  # RRGGBB ipsxl set
    before: str | None  # RRGGBB the cell had (None: no fill, or the engine could not read it)
    note: bool  # ipsxl added the cell's note
    written: str | None = None  # the messages ipsxl's note holds (None: not recorded)
    at: str = ""  # the cell's address when it was marked


@dataclass
class State:
    sheets: list[str] = field(default_factory=list)
    cells: list[CellMark] = field(default_factory=list)


def read_state(book: xw.Book) -> State:
    """What the last run listed on the hidden state sheet (nothing when there is none)."""
    sheet = find_sheet(book, STATE_SHEET)
    state = State()
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
                mark = CellMark(name, *where, _hex(row[3]), _hex(row[4]), _text(row[5]) == "yes")
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


def write_state(book: xw.Book, state: State) -> None:
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
    values = [[as_text(v) for v in row] + [None] * (width - len(row)) for row in rows]
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
