"""ipsxl's sheets written into the open book from their layouts (``ipsxl.sheets``)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

import xlwings as xw

from ipsxl import sheets
from ipsxl.excel.engine import CHUNK_ROWS, Engine, optional, width_in_points
from ipsxl.excel.ranges import Cellpos, paint, ranges, rectangles

TABLE_STYLE = "TableStyleLight9"  # as the file write-back's Flags table


def write_sheet(book: xw.Book, engine: Engine, layout: sheets.SheetLayout) -> xw.Sheet:
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


def render(sheet: xw.Sheet, engine: Engine, layout: sheets.SheetLayout) -> None:
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
        optional(
            lambda first=first, last=last, points=points: setattr(
                sheet.range((first, 1), (last, 1)), "row_height", points
            )
        )
    optional(lambda: layout.freeze and sheet.freeze_panes.freeze_at(layout.freeze))
    optional(
        lambda: layout.print_area and setattr(sheet.page_setup, "print_area", layout.print_area)
    )
    for validation in layout.validations:
        for rng in ranges(sheet, engine, rectangles(sheets.split_ref(r) for r in validation.refs)):
            optional(
                lambda rng=rng, v=validation: rng.data_validation.set_whole_number(
                    "between", v.minimum, v.maximum
                )
            )
    if engine.charts:
        for chart in layout.charts:
            optional(lambda chart=chart: _add_chart(sheet, layout, chart))


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
    return as_text(cell.value)


def as_text(value: object) -> object:
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
    sheet: xw.Sheet, engine: Engine, rows: Sequence[Sequence[sheets.Cell | None]]
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
        for rng in ranges(sheet, engine, rectangles(cells)):
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
    width = sum(width_in_points(layout.widths.get(c, 8.43)) for c in range(left, right + 1))
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
            optional(lambda i=i: chart.series(i).set(chart_type="line"))


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
