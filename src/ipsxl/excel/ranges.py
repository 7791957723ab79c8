"""Cells as few ranges as the engine allows, and fills painted over them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import xlwings as xw

from ipsxl import sheets
from ipsxl.excel.engine import CHUNK_ROWS, Engine

Cellpos = tuple[int, int]  # (row, column), 1-based

# Above this many rectangles of one sheet, an engine with a bulk colour call paints with it.
BULK_FILL_RECTS = 200
MAX_AREA_ADDRESS = 255  # Excel's limit on the text of a multi-area address


def paint(sheet: xw.Sheet, engine: Engine, colors: Mapping[Cellpos, str | None]) -> None:
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
        for rng in ranges(sheet, engine, boxes):
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


def ranges(
    sheet: xw.Sheet, engine: Engine, boxes: Sequence[tuple[int, int, int, int]]
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
