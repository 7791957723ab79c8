"""Write the agency-standard workbook: empty (the template) or filled (the demo uses this too).

Everything a sheet looks like is drawn from ``standard.py``: tab order, headers, drop-down
choices, date columns, widths and header notes. So the template can never disagree with what the
reader expects, and a filled workbook laid out here looks exactly like the template a person
would have started from.

Sheets are written with openpyxl's write-only mode, which streams rows to disk: the demo writes
tens of thousands of rows through the same functions, and streaming keeps that to seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side, numbers
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ipsxl import standard
from ipsxl.safefiles import replacing
from ipsxl.standard import Column, Tab

# The words a yes/no drop-down offers; the reader accepts these and the other YES/NO_WORDS.
YES, NO = "Yes", "No"

# openpyxl gives a date value this format by itself, so dates in bulk need no styled cells
DATE_FORMAT = numbers.FORMAT_DATE_YYYYMMDD2
# Rows below the header that get date formats and drop-downs, so a person typing into an empty
# sheet gets them without copying formats down. A filled sheet gets them past its last row too.
FORMATTED_ROWS = 1000

HEADER_FONT = Font(bold=True, color="1F3864")
HEADER_FILL = PatternFill("solid", start_color="D9E2F3", end_color="D9E2F3")
HEADER_BORDER = Border(bottom=Side(style="thin", color="8EA9DB"))
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
TITLE_FONT = Font(bold=True, size=13)
NOTE_AUTHOR = "ipsxl"


def yes_no_choices() -> tuple[str, str]:
    """What a yes/no column's drop-down lists."""
    return (YES, NO)


def column_choices(col: Column) -> tuple[str, ...]:
    """The drop-down list of a column: its choices, Yes/No for yes/no columns, else nothing."""
    if col.type == standard.CHOICE:
        return col.choices
    if col.type == standard.YESNO:
        return yes_no_choices()
    return ()


def new_workbook() -> Workbook:
    """A streaming (write-only) workbook; add sheets with the ``write_*_sheet`` functions."""
    return Workbook(write_only=True)


def _header_cell(ws, text: str, col: Column | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.border = HEADER_BORDER
    cell.alignment = HEADER_ALIGN
    if col is not None and col.help:
        cell.comment = _note(col.help)
    return cell


def _note(text: str) -> Comment:
    note = Comment(text, NOTE_AUTHOR)
    note.width, note.height = 240, 80
    return note


def _date_cell(ws, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = DATE_FORMAT
    return cell


def _validation(col: Column, sqref: str) -> DataValidation | None:
    """A drop-down for a choice or yes/no column.

    Out-of-list entries warn rather than stop: the reader also accepts aliases ("In Person",
    "y"), and a person pasting from an old tracker must not be blocked from saving.
    """
    choices = column_choices(col)
    if not choices:
        return None
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=col.name,
        error="Choose one of: " + ", ".join(choices),
    )
    if col.help:
        dv.promptTitle = col.name[:32]
        dv.prompt = col.help[:255]
        dv.showInputMessage = True
    dv.add(sqref)
    return dv


def _setup_columns(ws, widths: Sequence[int], header_row: int) -> None:
    """Widths and the frozen header: write-only sheets need both before the first row."""
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{header_row + 1}"


def write_table_sheet(
    wb: Workbook,
    tab: Tab,
    rows: Iterable[Sequence[object]] = (),
    *,
    headers: Sequence[str] | None = None,
    title: str | None = None,
    formatted_rows: int = FORMATTED_ROWS,
) -> None:
    """Add one table tab: optional title row, styled header row, then ``rows``.

    ``rows`` hold values in the order of ``tab.columns``; ``headers`` may replace a header's
    text (an alias, as agencies type them) but not the order. Dates become real Excel dates with
    ``DATE_FORMAT``; other values are written as given (a date typed as text stays text). Below
    the data, date formats and drop-downs continue down to ``formatted_rows`` rows past the
    header, so the sheet behaves like the empty template.
    """
    columns = tab.columns
    headers = tuple(headers) if headers is not None else tuple(c.name for c in columns)
    if len(headers) != len(columns):
        raise ValueError(f"{tab.name}: {len(headers)} headers for {len(columns)} columns")
    ws = wb.create_sheet(tab.name)
    header_row = 2 if title else 1
    _setup_columns(ws, [c.width for c in columns], header_row)
    if title:
        title_cell = WriteOnlyCell(ws, value=title)
        title_cell.font = TITLE_FONT
        ws.append([title_cell])
    ws.append([_header_cell(ws, h, c) for h, c in zip(headers, columns, strict=True)])

    dates = [i for i, c in enumerate(columns) if c.type == standard.DATE]
    last = header_row
    for row in rows:
        values = list(row)
        for i in dates:
            if isinstance(values[i], dt.datetime):
                values[i] = _date_cell(ws, values[i])
        ws.append(values)
        last += 1
    end = max(last, header_row + formatted_rows)
    for _ in range(last + 1, end + 1):
        blank: list[object] = [None] * len(columns)
        for i in dates:
            blank[i] = _date_cell(ws, None)
        ws.append(blank)

    for i, col in enumerate(columns, 1):
        letter = get_column_letter(i)
        dv = _validation(col, f"{letter}{header_row + 1}:{letter}{end}")
        if dv is not None:
            ws.data_validations.append(dv)


def write_program_sheet(wb: Workbook, values: Mapping[str, object] | None = None) -> None:
    """Add the Program tab: a Field/Value header, then one row per field of ``PROGRAM.fields``.

    ``values`` maps field names to values (blank when absent). Date fields' value cells carry
    the date format even when empty; a field's help becomes a note on its name.
    """
    values = values or {}
    unknown = set(values) - {f.name for f in standard.PROGRAM.fields}
    if unknown:
        raise ValueError(f"not Program fields: {sorted(unknown)}")
    ws = wb.create_sheet(standard.PROGRAM.name)
    _setup_columns(ws, [c.width for c in standard.PROGRAM.columns], 1)
    ws.append([_header_cell(ws, c.name, c) for c in standard.PROGRAM.columns])
    for fld in standard.PROGRAM.fields:
        name = WriteOnlyCell(ws, value=fld.name)
        name.font = Font(bold=fld.required)
        if fld.help:
            name.comment = _note(fld.help)
        value = values.get(fld.name)
        ws.append([name, _date_cell(ws, value) if fld.type == standard.DATE else value])


def save_atomically(wb: Workbook, path: Path) -> None:
    """Save through a temporary file in the same folder, renamed over ``path`` when complete
    (``safefiles.replacing``): a crash or a full disk leaves the old file or the new one,
    never half a file."""
    with replacing(path) as fh:
        wb.save(fh)


def write_template(path: Path) -> None:
    """Write an empty standard workbook to ``path``: every tab of the standard, in order.

    The Program tab lists its fields; every other tab has its bold, filled header row (frozen),
    column widths, notes from the standard's help, drop-downs on choice and yes/no columns and
    date formats on date columns for the first ``FORMATTED_ROWS`` rows.
    """
    wb = new_workbook()
    for tab in standard.TABS:
        if tab.fields:
            write_program_sheet(wb)
        else:
            write_table_sheet(wb, tab)
    save_atomically(wb, Path(path))
