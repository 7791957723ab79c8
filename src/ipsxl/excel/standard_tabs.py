"""New Standard Workbook: the template in desktop Excel, the standard's tabs elsewhere."""

from __future__ import annotations

from pathlib import Path

import xlwings as xw

from ipsxl.core import standard as std
from ipsxl.excel.engine import Engine, optional
from ipsxl.excel.messages import alert
from ipsxl.excel.notes import add_note
from ipsxl.excel.render import as_text


def documents_folder() -> Path:
    home = Path.home()
    docs = home / "Documents"
    return docs if docs.is_dir() else home


def free_path(folder: Path, stem: str, suffix: str) -> Path:
    path = folder / f"{stem}{suffix}"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stem} ({n}){suffix}"
    return path


def add_standard_tabs(book: xw.Book, engine: Engine) -> xw.Book | None:
    """The standard's tabs added to a workbook that has none: headers, widths, a frozen header
    row, date formats and drop-downs, as the template has them (both drawn from ``standard``)."""
    from ipsxl.make import template

    tabs = std.tab_lookup()
    present = [s.name for s in book.sheets if std.fold(s.name) in tabs]
    if present:
        alert(
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
        sheet.range("A1").value = [[as_text(v) for v in row] for row in rows]
        header = sheet.range((1, 1), (1, len(columns)))
        header.font.bold = True
        header.color = f"#{header_fill}"
        for i, col in enumerate(columns, 1):
            if col.help and notes:
                notes = add_note(sheet.range((1, i)), col.help)[1]
        for i, col in enumerate(columns, 1):
            sheet.range((1, i)).column_width = engine.column_width(col.width)
        optional(lambda sheet=sheet: sheet.freeze_panes.freeze_at("A2"))
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
                optional(
                    lambda body=body, choices=choices: body.data_validation.set_list(list(choices))
                )
    for sheet in blank:
        sheet.delete()
    book.sheets[std.PROGRAM.name].activate()
    return book


def _is_blank_sheet(sheet: xw.Sheet) -> bool:
    """Whether a sheet holds nothing at all (the new book's Sheet1, deleted once the standard's
    tabs are added). Not ``values.is_blank`` cell by cell: a cell of spaces is something a
    person typed, and its sheet is not deleted."""
    values = sheet.used_range.options(ndim=2).value or []
    return all(v is None or v == "" for row in values for v in row)
