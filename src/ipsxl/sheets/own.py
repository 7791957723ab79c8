"""ipsxl's own sheets: the mark they carry, and what a person added to them, kept on a re-run.

ipsxl knows its sheets by its mark, not by their names: a name scoped to the sheet
(``ipsxl_flags``, ``ipsxl_fidelity``) that refers to the block of cells ipsxl wrote there. A
defined name is visible sheet data that Excel and LibreOffice both keep when they save (a hidden
package part may not survive), and its reference moves with the cells when rows or columns are
inserted. Cells outside that block are the reviewer's: an "Action taken" column beside the Flags
table, a note typed below the Fidelity items.

On a re-run they are carried to the new sheet: a column beside the Flags table follows its flag
(by sheet, row, column, code and message) wherever the flag now stands, anything else keeps its
address where the new sheet leaves that cell free. What cannot be placed (the note of a flag that
is gone, a cell the new sheet now uses) is not dropped: the previous sheet is kept, renamed with
the date, and no longer carries ipsxl's mark, so it is the agency's from then on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ipsxl.sheets.flags import FLAGS_HEADERS
from ipsxl.sheets.layout import Cell, SheetLayout
from ipsxl.sheets.refs import BadReference, cell_ref, column_letter, split_ref
from ipsxl.sheets.styles import TEXT, WRAP

FLAGS, FIDELITY = "flags", "fidelity"
# the sheet-scoped name that marks each of ipsxl's sheets, by role
MARKS: dict[str, str] = {FIDELITY: "ipsxl_fidelity", FLAGS: "ipsxl_flags"}
ROLES: dict[str, str] = {name.casefold(): role for role, name in MARKS.items()}
# the Flags columns that tell one flag from another (Sheet, Row, Column, Code, Message)
_FLAG_KEY = (1, 2, 3, 4, 6)
_AREA = re.compile(r"^(?:.*!)?\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")

Area = tuple[int, int, int, int]  # top, left, bottom, right (1-based, inclusive)


def area_of(layout: SheetLayout) -> Area:
    """The block of cells a layout writes (at least A1)."""
    rows = layout.rows
    width = max((len(r) for r in rows), default=1)
    return 1, 1, max(len(rows), 1), max(width, 1)


def area_ref(area: Area) -> str:
    top, left, bottom, right = area
    return f"${column_letter(left)}${top}:${column_letter(right)}${bottom}"


def parse_area(ref: str) -> Area | None:
    """ "'Flags'!$A$1:$H$31" -> (1, 1, 31, 8); None for what is not one block of a worksheet
    (#REF!, or past its bounds)."""
    m = _AREA.match(ref.strip())
    if m is None:
        return None
    try:
        top, left = split_ref(m.group(1) + m.group(2))
        bottom, right = split_ref(m.group(3) + m.group(4)) if m.group(3) else (top, left)
    except BadReference:  # past XFD, or row 0: no block of a worksheet either
        return None
    return min(top, bottom), min(left, right), max(top, bottom), max(left, right)


@dataclass
class PreviousSheet:
    """One of ipsxl's sheets as an earlier run left it, with what people typed on it since."""

    role: str
    name: str
    cells: dict[tuple[int, int], object]  # (row, column) -> value, every cell holding one
    area: Area  # the block ipsxl wrote

    def added(self) -> dict[tuple[int, int], object]:
        """The cells outside ipsxl's block: a person's."""
        top, left, bottom, right = self.area
        return {
            (r, c): v
            for (r, c), v in self.cells.items()
            if not (top <= r <= bottom and left <= c <= right) and _filled(v)
        }


@dataclass
class Carried:
    """What carrying one sheet did: cells placed on the new sheet, and cells left over."""

    placed: int = 0
    left: dict[tuple[int, int], object] = field(default_factory=dict)


def carry(layout: SheetLayout, previous: PreviousSheet | None) -> Carried:
    """Put the cells a person added to ``previous`` on ``layout`` (the new sheet of the same
    role); the cells that could not be placed are returned."""
    done = Carried()
    if previous is None:
        return done
    added = previous.added()
    if not added:
        return done
    mine = area_of(layout)
    follow = _flag_rows(layout, previous) if previous.role == FLAGS else {}
    top, _, bottom, right = previous.area
    for (r, c), value in sorted(added.items()):
        if previous.role == FLAGS and c > right and top <= r <= bottom:
            row = 1 if r == top else follow.get(r)
            where = None if row is None else (row, c)
        else:
            where = (r, c) if not _inside(mine, r, c) else None
        if where is None or layout.cell(cell_ref(*where)) is not None:
            done.left[(r, c)] = value
            continue
        _put(layout, where, value)
        done.placed += 1
    return done


def _flag_rows(layout: SheetLayout, previous: PreviousSheet) -> dict[int, int]:
    """Previous Flags row -> the row where the same flag stands on the new sheet."""
    top, left, bottom, _ = previous.area
    new_rows: dict[tuple, int] = {}
    for i, row in enumerate(layout.rows[1:], start=2):
        key = tuple(_key(_value(row, k)) for k in _FLAG_KEY)
        new_rows.setdefault(key, i)
    out = {}
    for r in range(top + 1, bottom + 1):
        key = tuple(_key(previous.cells.get((r, left + k - 1))) for k in _FLAG_KEY)
        if key in new_rows:
            out[r] = new_rows[key]
    return out


def _value(row: list[Cell | None], col: int) -> object:
    cell = row[col - 1] if col - 1 < len(row) else None
    return None if cell is None else cell.value


def _key(value: object) -> object:
    """A cell as read back (numbers as floats, text as typed) compared with a layout's value."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip() or None
    return value


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _inside(area: Area, r: int, c: int) -> bool:
    top, left, bottom, right = area
    return top <= r <= bottom and left <= c <= right


def _put(layout: SheetLayout, where: tuple[int, int], value: object) -> None:
    r, c = where
    while len(layout.rows) < r:
        layout.rows.append([])
    row = layout.rows[r - 1]
    row.extend([None] * (c - len(row)))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    row[c - 1] = Cell(value, style=WRAP if isinstance(value, str) else TEXT)


def note_texts(flags: PreviousSheet) -> dict[tuple[str, str], str]:
    """(sheet, cell) -> the messages ipsxl's note on that cell held, read back from an earlier
    Flags sheet (each row's message and "Go to" cell): what tells the lines a person typed into
    one of ipsxl's notes from ipsxl's own, once ipsxl's record of its run is gone."""
    top, left, bottom, _ = flags.area
    message_col = left + FLAGS_HEADERS.index("Message")
    goto_col = left + FLAGS_HEADERS.index("Go to")
    out: dict[tuple[str, str], list[str]] = {}
    for r in range(top + 1, bottom + 1):
        message, goto = flags.cells.get((r, message_col)), flags.cells.get((r, goto_col))
        if not isinstance(message, str) or not isinstance(goto, str) or "!" not in goto:
            continue
        sheet, _, ref = goto.rpartition("!")
        lines = out.setdefault((sheet, ref.replace("$", "")), [])
        if message not in lines:
            lines.append(message)
    return {key: "\n".join(lines) for key, lines in out.items()}


def free_name(wanted: str, taken: Mapping[str, object] | set[str]) -> str:
    """``wanted``, or ``wanted (ipsxl)``, ``wanted (ipsxl 2)``, ... : the first no sheet has
    (names differing only by case count as taken, as Excel has it)."""
    folded = {t.casefold() for t in taken}
    name, n = wanted, 1
    while name.casefold() in folded:
        name = f"{wanted} (ipsxl)" if n == 1 else f"{wanted} (ipsxl {n})"
        n += 1
    return name


def dated_name(name: str, day: dt.date, taken: set[str]) -> str:
    """The name an earlier ipsxl sheet keeps when a person's entries on it have no place on the
    new one: its name and the day, numbered when taken (Excel's names ignore case)."""
    base = f"{name[:20]} {day:%Y-%m-%d}"
    folded = {t.casefold() for t in taken}
    out, n = base, 1
    while out.casefold() in folded:
        n += 1
        out = f"{base} ({n})"
    return out
