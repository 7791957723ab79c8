"""A ``sheets.layout.SheetLayout`` as worksheet XML (and its Excel table part).

Text is always written as an inline string (``t="inlineStr"``), so a value such as
``=HYPERLINK(...)`` stays text and sharedStrings.xml is left alone; only the layout's own
formulas are written as ``<f>``, each with the result ipsxl computed as its cached value.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from ipsxl.sheets.layout import Cell, SheetLayout, TableSpec
from ipsxl.sheets.refs import cell_ref, column_letter, split_ref
from ipsxl.sheets.styles import TEXT
from ipsxl.writeback.package import NS_MAIN, NS_REL
from ipsxl.writeback.xmlescape import esc_attr, esc_text, t_element

_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


def excel_serial(value: dt.date | dt.datetime, date1904: bool = False) -> float:
    """A date or date-time as an Excel serial number."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    delta = value.replace(tzinfo=None) - (_EPOCH_1904 if date1904 else _EPOCH)
    return delta.days + delta.seconds / 86400


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def cell_xml(ref: str, cell: Cell, xf: int, date1904: bool) -> str:
    """One ``<c>`` element; an empty unstyled cell is ''."""
    s = f' s="{xf}"' if xf else ""
    value = cell.value
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        value = None
    if cell.formula:
        f = f"<f>{esc_text(cell.formula)}</f>"
        if isinstance(value, str):
            return f'<c r="{ref}"{s} t="str">{f}<v>{esc_text(value)}</v></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}"{s} t="b">{f}<v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}"{s}>{f}<v>{_number(value)}</v></c>'
        return f'<c r="{ref}"{s}>{f}</c>'
    if value is None:
        return f'<c r="{ref}"{s}/>' if xf else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{_number(value)}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}"{s}><v>{_number(excel_serial(value, date1904))}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is>{t_element(str(value))}</is></c>'


def sheet_xml(
    layout: SheetLayout,
    xf: Callable[[str], int],
    date1904: bool = False,
    drawing_rid: str | None = None,
    table_rid: str | None = None,
    selected: bool = False,
) -> bytes:
    """The worksheet part of a layout; ``xf`` gives the cellXfs index of a style tag.

    ``selected`` marks the sheet's tab selected, as the sheet a workbook opens on must be."""
    rows_xml = []
    last_col = 1
    links = []
    for i, row in enumerate(layout.rows, start=1):
        cells = []
        for j, cell in enumerate(row, start=1):
            if cell is None:
                continue
            if cell.value is None and cell.formula is None and cell.style == TEXT:
                continue
            ref = cell_ref(i, j)
            c = cell_xml(ref, cell, xf(cell.style), date1904)
            if c:
                cells.append(c)
                last_col = max(last_col, j)
            if cell.link:
                links.append((ref, cell.link, cell.value))
        height = layout.heights.get(i)
        ht = f' ht="{height:g}" customHeight="1"' if height else ""
        if cells or ht:
            rows_xml.append(f'<row r="{i}"{ht}>{"".join(cells)}</row>')
    last_row = max(len(layout.rows), 1)
    parts = [_DECL, f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">']
    if layout.fit_width:
        parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
    parts.append(f'<dimension ref="A1:{column_letter(last_col)}{last_row}"/>')
    parts.append(_views(layout.freeze, selected))
    parts.append('<sheetFormatPr defaultRowHeight="15"/>')
    if layout.widths:
        parts.append(
            "<cols>"
            + "".join(
                f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>'
                for c, w in sorted(layout.widths.items())
            )
            + "</cols>"
        )
    parts.append("<sheetData>" + "".join(rows_xml) + "</sheetData>")
    if layout.validations:
        parts.append(f'<dataValidations count="{len(layout.validations)}">')
        for v in layout.validations:
            parts.append(
                '<dataValidation type="whole" allowBlank="1" showErrorMessage="1" '
                f'errorTitle="ipsxl" error="{esc_attr(v.message)}" '
                f'sqref="{" ".join(v.refs)}"><formula1>{v.minimum}</formula1>'
                f"<formula2>{v.maximum}</formula2></dataValidation>"
            )
        parts.append("</dataValidations>")
    if links:
        parts.append(
            "<hyperlinks>"
            + "".join(
                f'<hyperlink ref="{ref}" location="{esc_attr(target)}" '
                f'display="{esc_attr(str(text or ""))}"/>'
                for ref, target, text in links
            )
            + "</hyperlinks>"
        )
    parts.append(
        '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
    )
    setup = []
    if layout.landscape:
        setup.append('orientation="landscape"')
    if layout.fit_width:
        setup.append('fitToWidth="1" fitToHeight="0"')
    if setup:
        parts.append(f"<pageSetup {' '.join(setup)}/>")
    if layout.row_breaks:
        n = len(layout.row_breaks)
        parts.append(
            f'<rowBreaks count="{n}" manualBreakCount="{n}">'
            + "".join(f'<brk id="{r}" max="16383" man="1"/>' for r in layout.row_breaks)
            + "</rowBreaks>"
        )
    if drawing_rid:
        parts.append(f'<drawing r:id="{drawing_rid}"/>')
    if table_rid:
        parts.append(f'<tableParts count="1"><tablePart r:id="{table_rid}"/></tableParts>')
    parts.append("</worksheet>")
    return "".join(parts).encode("utf-8")


def _views(freeze: str | None, selected: bool = False) -> str:
    view = (
        '<sheetView tabSelected="1" workbookViewId="0"'
        if selected
        else '<sheetView workbookViewId="0"'
    )
    if not freeze:
        return f"<sheetViews>{view}/></sheetViews>"
    row, col = split_ref(freeze)
    split = []
    if col > 1:
        split.append(f'xSplit="{col - 1}"')
    if row > 1:
        split.append(f'ySplit="{row - 1}"')
    pane = "bottomRight" if row > 1 and col > 1 else ("bottomLeft" if row > 1 else "topRight")
    return (
        f"<sheetViews>{view}><pane {' '.join(split)} "
        f'topLeftCell="{freeze}" activePane="{pane}" state="frozen"/>'
        f'<selection pane="{pane}" activeCell="{freeze}" sqref="{freeze}"/></sheetView>'
        "</sheetViews>"
    )


def table_xml(spec: TableSpec, table_id: int, name: str) -> bytes:
    """An Excel table with an autofilter over the layout's table range."""
    cols = "".join(
        f'<tableColumn id="{i}" name="{esc_attr(c)}"/>' for i, c in enumerate(spec.columns, start=1)
    )
    return (
        f'{_DECL}<table xmlns="{NS_MAIN}" id="{table_id}" name="{esc_attr(name)}" '
        f'displayName="{esc_attr(name)}" ref="{spec.ref}" totalsRowShown="0">'
        f'<autoFilter ref="{spec.ref}"/><tableColumns count="{len(spec.columns)}">{cols}'
        '</tableColumns><tableStyleInfo name="TableStyleLight9" showFirstColumn="0" '
        'showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>'
    ).encode()
