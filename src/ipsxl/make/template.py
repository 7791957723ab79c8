"""Write the agency-standard workbook: empty (the template) or filled (the demo uses this too).

Everything a sheet looks like is drawn from ``standard.py``: tab order, headers, drop-down
choices, date columns, number ranges, widths and help texts. So the template can never disagree
with what the reader expects, and a filled workbook laid out here looks exactly like the
template a person would have started from.

The template stops the mistakes it can at entry rather than leaving them to be flagged later:
each tab is an Excel table (so formulas can say ``Caseload[#All]``), every column has a data
validation that stops what the standard would refuse (a choice not in its list, a date that is
not a date, hours past 80) and a message saying what goes in it, and the columns that name a
person or a client offer the names on Staff and the IDs on Caseload. The reader accepts more
than the drop-downs offer (aliases, dates typed as text), so a workbook filled elsewhere and
pasted in is still read; the validations only guard typing.

Sheets are written with openpyxl's write-only mode, which streams rows to disk: the demo writes
tens of thousands of rows through the same functions, and streaming keeps that to seconds.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side, numbers
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from ipsxl.core import standard
from ipsxl.core.standard import Column, Tab
from ipsxl.files.safefiles import save_atomically
from ipsxl.make.streaming import CellRowsWorkbook
from ipsxl.sheets.layout import LINE_POINTS, wrapped_lines

# The words a yes/no drop-down offers; the reader accepts these and the other YES/NO_WORDS.
YES, NO = "Yes", "No"

DATE_FORMAT = numbers.FORMAT_DATE_YYYYMMDD2
# Dates and figures centred: right-aligned, as Excel aligns any number, a date or a figure
# prints touching the left-aligned text of the column after it ("2024-11-05Material Handler",
# "15.5Fired").
DATE_ALIGN = Alignment(horizontal="center")
FIGURE_ALIGN = Alignment(horizontal="center")
FIGURES = (standard.NUMBER, standard.PERCENT)  # the column types that hold numbers
# The Program tab's dates stand in a Value column of text, which reads down its left edge.
FIELD_DATE_ALIGN = Alignment(horizontal="left")
# Rows below the header that get date formats, centring and drop-downs, so a person typing into
# an empty sheet gets them without copying formats down. A filled sheet gets them past its last
# row too.
FORMATTED_ROWS = 1000
# The dates any record of an IPS program can hold: a typo such as 2062 or 1926 is stopped.
DATE_RANGE = (dt.date(2000, 1, 1), dt.date(2049, 12, 31))

# The columns whose values must be on another tab: a specialist on Staff, a client on Caseload.
# Each offers that tab's column as its drop-down (except on the tab itself).
PICKED_FROM: dict[str, tuple[Tab, str]] = {
    standard.SPECIALIST: (standard.STAFF, "Name"),
    standard.CLIENT_ID: (standard.CASELOAD, standard.CLIENT_ID),
}
# Names for the Program tab's period cells, so formulas read =IPS_...(..., PeriodStart, PeriodEnd)
PERIOD_NAMES = {"Period Start": "PeriodStart", "Period End": "PeriodEnd"}

INSTRUCTIONS = "Instructions"
INSTRUCTION_CHARS = 100  # the widest line of the Instructions tab: one line per row, no wrapping

# Calibri, Excel's own default, named on every font: a font without a name is drawn in the
# reading program's default (a serif in LibreOffice); family 2 asks for a sans serif instead
# where Calibri is missing.
FONT = "Calibri"
HEADER_FONT = Font(name=FONT, family=2, bold=True, color="1F3864")
HEADER_FILL = PatternFill("solid", start_color="D9E2F3", end_color="D9E2F3")
HEADER_BORDER = Border(bottom=Side(style="thin", color="8EA9DB"))
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
TITLE_FONT = Font(name=FONT, family=2, bold=True, size=13)
SECTION_FONT = Font(name=FONT, family=2, bold=True, size=11, color="1F3864")
BOLD_FONT = Font(name=FONT, family=2, bold=True)
PLAIN_FONT = Font(name=FONT, family=2)
TABLE_STYLE = "TableStyleLight1"  # plain banding; the header keeps its own fill
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


def table_name(tab: Tab) -> str:
    """The Excel table a tab's rows form, as formulas name it: "Employer Log" -> EmployerLog."""
    return "".join(ch for ch in tab.name if ch.isalnum())


def new_workbook() -> Workbook:
    """A streaming (write-only) workbook; add sheets with the ``write_*_sheet`` functions."""
    return CellRowsWorkbook()


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


def _date_cell(ws, value: object, align: Alignment = DATE_ALIGN) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = DATE_FORMAT
    cell.alignment = align
    return cell


def _figure_cell(ws, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.alignment = FIGURE_ALIGN
    return cell


def _styled_like(ws, value: object, like: WriteOnlyCell) -> WriteOnlyCell:
    """A cell holding ``value`` in the style of ``like``. Its style indices are copied, as
    openpyxl's own sheet copy does, rather than each style looked up in the workbook again."""
    cell = WriteOnlyCell(ws, value=value)
    cell._style = copy(like._style)
    return cell


def _column_looks(ws, columns: Sequence[Column]) -> dict[int, WriteOnlyCell]:
    """An empty cell in the look of each date and figure column, by the column's index.

    The formatted rows below the data are these cells, the same objects on every row (some
    16,000 styled cells in a template): openpyxl writes a row's cells as the row is appended,
    setting each cell's column and row as it goes, so one cell can stand in any number of rows.
    """
    a_date, a_figure = _date_cell(ws, None), _figure_cell(ws, None)
    return {
        i: a_date if col.type == standard.DATE else a_figure
        for i, col in enumerate(columns)
        if col.type == standard.DATE or col.type in FIGURES
    }


def _styled_rows(
    ws, columns: Sequence[Column], rows: Iterable[Sequence[object]], looks: dict[int, WriteOnlyCell]
) -> Iterator[list[object]]:
    """``rows`` as lists to append, a date in a date column or a number in a figure column put
    in a cell of its column's look (anything else stays as given: text typed in a date column
    reads as typed). One cell per column holds that column's value in every row, refilled once
    the row before it has been appended."""
    cells = {i: _styled_like(ws, None, like) for i, like in looks.items()}
    dates = {i for i, col in enumerate(columns) if col.type == standard.DATE}
    for row in rows:
        values = list(row)
        for i, cell in cells.items():
            value = values[i]
            if isinstance(value, dt.date) if i in dates else _is_figure(value):
                cell.value = value
                values[i] = cell
        yield values


def _is_figure(value: object) -> bool:
    """A number as Excel holds one; a number typed as text stays text, as typed."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _excel_date(day: dt.date) -> str:
    return f"DATE({day.year},{day.month},{day.day})"


def column_validation(tab: Tab, col: Column, letter: str, first_row: int) -> DataValidation:
    """What a column's cells accept, stopping anything else, with its help as input message.

    ``letter`` and ``first_row`` are where the column's first data cell is, for the rules that
    look at the column itself (a Client ID that must not repeat).
    """
    first, last = DATE_RANGE
    picked = PICKED_FROM.get(col.name)
    choices = column_choices(col)
    if picked is not None and picked[0] is not tab:
        source, column = picked
        dv = DataValidation(type="list", formula1=f'INDIRECT("{table_name(source)}[{column}]")')
        dv.error = f"Pick one from the {source.name} tab's {column} column (add it there first)."
    elif choices:
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"')
        dv.error = "Choose one of: " + ", ".join(choices)
    elif col.type == standard.DATE:
        dv = DataValidation(
            type="date", operator="between", formula1=_excel_date(first), formula2=_excel_date(last)
        )
        dv.error = f"Enter a date from {first:%Y-%m-%d} to {last:%Y-%m-%d}."
    elif col.type in (standard.NUMBER, standard.PERCENT) and col.minimum is not None:
        low = f"{col.minimum:g}"
        if col.maximum is None:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=low)
            dv.error = f"Enter a number of at least {low}."
        else:
            high = f"{col.maximum:g}"
            dv = DataValidation(type="decimal", operator="between", formula1=low, formula2=high)
            dv.error = f"Enter a number from {low} to {high}."
    elif col.unique:
        cell = f"{letter}{first_row}"
        dv = DataValidation(type="custom", formula1=f"COUNTIF(${letter}:${letter},{cell})=1")
        dv.error = f"This {col.name} is already on the sheet: each may appear once."
    else:
        dv = DataValidation()  # any value; only the input message
    dv.allow_blank = True
    dv.errorStyle = "stop"
    dv.showErrorMessage = dv.type is not None
    dv.errorTitle = col.name[:32]
    _prompt(dv, col)
    return dv


def _prompt(dv: DataValidation, col: Column) -> None:
    if col.help:
        dv.promptTitle = col.name[:32]
        dv.prompt = col.help[:255]
        dv.showInputMessage = True


def _setup_columns(ws, widths: Sequence[int], header_row: int, headers: Sequence[str] = ()) -> None:
    """Widths, the frozen header and the header row's height (tall enough for the headers
    that wrap): write-only sheets need all three before the first row."""
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    lines = max((wrapped_lines(h, w) for h, w in zip(headers, widths, strict=False)), default=1)
    if lines > 1:
        ws.row_dimensions[header_row].height = LINE_POINTS * lines


def _print_setup(ws, header_row: int, landscape: bool = True) -> None:
    """Landscape, one page wide and as many tall as the rows need, the header on every page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"


def _table(tab: Tab, headers: Sequence[str], header_row: int, last_row: int) -> Table:
    """The tab's rows as an Excel table; its columns are named as the header cells read."""
    ref = f"A{header_row}:{get_column_letter(len(headers))}{last_row}"
    table = Table(displayName=table_name(tab), ref=ref)
    table.tableColumns = [TableColumn(id=i, name=h) for i, h in enumerate(headers, 1)]
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    return table


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
    ``DATE_FORMAT``; dates and numbers are centred; other values are written as given (a date
    or a number typed as text stays text, aligned as Excel aligns text). The header and rows
    form an Excel table named by ``table_name`` (an empty tab's table holds one blank row, which
    Excel grows as rows are typed below it). Below the data, date formats, centring and
    validations continue down to ``formatted_rows`` rows past the header, so the sheet behaves
    like the empty template.
    """
    columns = tab.columns
    headers = tuple(headers) if headers is not None else tuple(c.name for c in columns)
    if len(headers) != len(columns):
        raise ValueError(f"{tab.name}: {len(headers)} headers for {len(columns)} columns")
    ws = wb.create_sheet(tab.name)
    header_row = 2 if title else 1
    _setup_columns(ws, [c.width for c in columns], header_row, headers)
    _print_setup(ws, header_row)
    if title:
        title_cell = WriteOnlyCell(ws, value=title)
        title_cell.font = TITLE_FONT
        ws.append([title_cell])
    ws.append([_header_cell(ws, h, c) for h, c in zip(headers, columns, strict=True)])

    looks = _column_looks(ws, columns)
    last = header_row
    for values in _styled_rows(ws, columns, rows, looks):
        ws.append(values)
        last += 1
    end = max(last, header_row + formatted_rows)
    blank = [looks.get(i) for i in range(len(columns))]  # the same empty cells on every row
    for _ in range(last + 1, end + 1):
        ws.append(blank)

    with warnings.catch_warnings():  # openpyxl warns of the columns _table has named
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
        ws.add_table(_table(tab, headers, header_row, max(last, header_row + 1)))
    for i, col in enumerate(columns, 1):
        letter = get_column_letter(i)
        dv = column_validation(tab, col, letter, header_row + 1)
        dv.add(f"{letter}{header_row + 1}:{letter}{end}")
        ws.data_validations.append(dv)


def write_program_sheet(wb: Workbook, values: Mapping[str, object] | None = None) -> None:
    """Add the Program tab: a Field/Value header, then one row per field of ``PROGRAM.fields``.

    ``values`` maps field names to values (blank when absent). Date fields' value cells carry
    the date format even when empty and take only dates; a field's help becomes a note on its
    name and the input message of its value. The period's cells are named (``PERIOD_NAMES``).
    """
    values = values or {}
    unknown = set(values) - {f.name for f in standard.PROGRAM.fields}
    if unknown:
        raise ValueError(f"not Program fields: {sorted(unknown)}")
    tab = standard.PROGRAM
    ws = wb.create_sheet(tab.name)
    _setup_columns(ws, [c.width for c in tab.columns], 1)
    _print_setup(ws, 1)
    ws.append([_header_cell(ws, c.name, c) for c in tab.columns])
    for row, fld in enumerate(tab.fields, 2):
        name = WriteOnlyCell(ws, value=fld.name)
        name.font = BOLD_FONT if fld.required else PLAIN_FONT
        if fld.help:
            name.comment = _note(fld.help)
        value = values.get(fld.name)
        if fld.type == standard.DATE:
            value = _date_cell(ws, value, FIELD_DATE_ALIGN)
        ws.append([name, value])
        dv = column_validation(tab, fld, "B", row)
        dv.add(f"B{row}")
        ws.data_validations.append(dv)
        if fld.name in PERIOD_NAMES:
            ref = f"{quote_sheetname(tab.name)}!$B${row}"
            wb.defined_names[PERIOD_NAMES[fld.name]] = DefinedName(
                PERIOD_NAMES[fld.name], attr_text=ref
            )


def instruction_lines() -> list[tuple[str, str, str | None]]:
    """The Instructions tab, line by line: (kind, text, second column), kind being "title",
    "section" or "text"; a tab's line names it in the first column and says what it holds in
    the second. Each line fits ``INSTRUCTION_CHARS``, so nothing needs wrapping."""
    lines: list[tuple[str, str, str | None]] = [
        ("title", "IPS supported employment workbook", None),
        ("text", "One workbook per program and reporting period (usually a quarter).", None),
        ("text", "", None),
        ("section", "The tabs", None),
    ]
    for tab in standard.TABS:
        lines.append(("tab", tab.name, tab.help))
    lines += [
        ("text", "", None),
        ("section", "The period", None),
        ("text", "Type the first and last day of the period as Period Start and Period End", None),
        ("text", "on the Program tab; formulas can name them PeriodStart and PeriodEnd.", None),
        ("text", "Caseload and Jobs keep every client and job open on any day of the period", None),
        (
            "text",
            "(earlier rows stay); Employer Log and Benefits Referrals hold the period's.",
            None,
        ),
        ("text", "", None),
        ("section", "Typing in the tabs", None),
        ("text", "Each tab is an Excel table: type on the row below the last and it grows.", None),
        ("text", "Choose from the drop-downs; a value they do not offer is refused.", None),
        ("text", "Add people to Staff first: Employment Specialist offers Staff's names.", None),
        (
            "text",
            "Add clients to Caseload first: Client ID on the other tabs offers its IDs.",
            None,
        ),
        ("text", "Dates are real dates (2026-07-14); select a cell to see what goes in it.", None),
        ("text", "", None),
        ("section", "Checking the workbook", None),
        (
            "text",
            "In Excel with the ipsxl add-in: IPS tab, Validate lists every problem on a",
            None,
        ),
        ("text", "Flags sheet and marks the cells; Fidelity adds the IPS-25 Fidelity sheet.", None),
        ("text", "On the command line: ipsxl check FILE.xlsx writes FILE.checked.xlsx.", None),
        ("text", "Worksheet functions work on the tables, for example:", None),
        ("text", "=IPS_EMPLOYMENT_RATE(Caseload[#All], Jobs[#All], PeriodStart, PeriodEnd)", None),
        (
            "text",
            '=IPS_CONTACTS_PER_WEEK(EmployerLog[#All], "Ann Lee", PeriodStart, PeriodEnd)',
            None,
        ),
    ]
    return lines


def write_instructions_sheet(wb: Workbook) -> None:
    """Add the Instructions tab: what each tab holds, the period, how to check the workbook.

    The reader skips it (it is no standard tab), so it may say anything."""
    ws = wb.create_sheet(INSTRUCTIONS)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 80
    _print_setup(ws, 0, landscape=False)
    fonts = {"title": TITLE_FONT, "section": SECTION_FONT, "tab": BOLD_FONT}
    for kind, text, beside in instruction_lines():
        cell = WriteOnlyCell(ws, value=text or None)
        cell.data_type = "s"  # an example formula is shown as text, not calculated
        if kind in fonts:
            cell.font = fonts[kind]
        ws.append([cell, beside] if beside else [cell])


def write_template(path: Path) -> None:
    """Write an empty standard workbook to ``path``: Instructions, then every tab of the
    standard in order, each laid out and guarded as ``write_table_sheet`` describes."""
    wb = new_workbook()
    write_instructions_sheet(wb)
    for tab in standard.TABS:
        if tab.fields:
            write_program_sheet(wb)
        else:
            write_table_sheet(wb, tab)
    save_atomically(wb, Path(path))
