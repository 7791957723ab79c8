"""ipsxl's sheets of an earlier run: found by ipsxl's mark, then deleted, or kept with what a
person added to them."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping

import xlwings as xw

from ipsxl import sheets
from ipsxl.core import standard as std
from ipsxl.excel.reading import find_sheet, read_grid
from ipsxl.excel.state import State
from ipsxl.sheets import own


def find_own_sheets(book: xw.Book, state: State) -> dict[str, tuple[xw.Sheet, str | None]]:
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
            sheet = find_sheet(book, listed)
            if role is not None and sheet is not None and role not in found:
                found[role] = (sheet, None)
    return found


def previous_sheet(role: str, sheet: xw.Sheet, ref: str | None) -> own.PreviousSheet:
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


def settle(
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
        kept = own.dated_name(name, dt.date.today(), {s.name for s in book.sheets})
        with contextlib.suppress(NotImplementedError, KeyError):
            for mark in [n for n in sheet.names if n.name.rsplit("!", 1)[-1] in own.ROLES]:
                mark.delete()
        sheet.name = kept
        said.append(
            f"The earlier {name} sheet held entries of yours with no place on the new one:"
            f" it is kept as '{kept}'."
        )
    return said


def put_mark(sheet: xw.Sheet, role: str, area: own.Area) -> None:
    """Put ipsxl's mark on a sheet it wrote: a name scoped to it over ipsxl's cells."""
    refers_to = f"={sheets.quote_sheet(sheet.name)}!{own.area_ref(area)}"
    with contextlib.suppress(NotImplementedError):
        sheet.names.add(own.MARKS[role], refers_to)
