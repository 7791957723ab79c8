"""The summary workbook: Overview, Submissions, Trends, Items and About, written with openpyxl.

Overview is the page people read and print: one row per workbook, what goes back first, a dozen
columns on one landscape page wide. Submissions is the full table for sorting and filtering
(every score column), printed a few pages wide with its header row and file column on each.
Colours and charts are native Excel objects (conditional formats, line and bar charts), not
pictures, so the office can sort, filter and restyle them; every rule and chart used here also
opens in LibreOffice. Text that came from a workbook (file, agency and program names) is always
written as text: a name starting with "=" must not become a formula in the office's copy.
Headers wrap between words only: a column is made wide enough for its header's longest word.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import zipfile
from pathlib import Path

from lxml import etree
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabel, DataLabelList
from openpyxl.formatting.rule import FormulaRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ipsxl.core import scale
from ipsxl.files import xmlsafe
from ipsxl.files.safefiles import save_atomically
from ipsxl.report import printable
from ipsxl.sheets.layout import wrapped_lines
from ipsxl.summary.render import totals
from ipsxl.summary.table import (
    BELOW_MINIMAL,
    DATE,
    DECIMAL,
    INTEGER,
    MONEY,
    RATE,
    SCORE,
    SCORES,
    SUBMISSION_COLUMNS,
    TREND_MEASURES,
    YESNO,
    Summary,
    latest_per_agency,
    period_label,
)

OVERVIEW, SUBMISSIONS, TRENDS, ITEMS, ABOUT = "Overview", "Submissions", "Trends", "Items", "About"
# ipsxl's mark on the summary: a custom document property, so a summary kept among the
# submissions is never summarised as one, however it is named
MARK, MARK_VALUE = "ipsxl", "summary"
_MAX_PART = 1 << 20

# Excel's own "good / neutral / bad" cell styles, so the colours read as they do elsewhere.
RED = ("FFC7CE", "9C0006")
AMBER = ("FFEB9C", "9C5700")
LIGHT_GREEN = ("E2EFDA", "375623")
GREEN = ("C6EFCE", "006100")
SCORE_COLOURS = {1: "C00000", 2: "FF7C80", 3: "FFC000", 4: "92D050", 5: "00B050"}
CORRECTION_FILL = PatternFill("solid", fgColor="FCE4D6")

NUMBER_FORMATS = {
    DATE: "yyyy-mm-dd",
    RATE: "0.0%",
    INTEGER: "0",
    SCORE: "0",
    DECIMAL: "0.0",
    MONEY: "0.00",
}
# Calibri named on every font, with a sans-serif family for readers without it (LibreOffice
# draws an unnamed font in its own default, a serif)
FONT = "Calibri"
BOLD = Font(name=FONT, family=2, bold=True)
TITLE = Font(name=FONT, family=2, bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
CENTRED = Alignment(horizontal="center", vertical="top")
LANDSCAPE_CHARS = 150  # characters of column width a landscape page holds at a readable size
LINE_POINTS = 15


def write_summary(summary: Summary, path: str | Path) -> Path:
    """Write the summary workbook to ``path`` through a temporary file renamed when complete."""
    wb = Workbook()
    wb.remove(wb.active)
    _overview_sheet(wb.create_sheet(OVERVIEW), summary)
    _submissions_sheet(wb.create_sheet(SUBMISSIONS), summary)
    _trends_sheet(wb.create_sheet(TRENDS), summary)
    _items_sheet(wb.create_sheet(ITEMS), summary)
    _about_sheet(wb.create_sheet(ABOUT), summary)
    for ws in wb.worksheets:
        _fit_headers(ws)
        _print_setup(ws)
    wb.properties.title = "IPS submissions summary"
    wb.properties.creator = f"ipsxl {summary.version}"
    wb.custom_doc_props.append(StringProperty(name=MARK, value=MARK_VALUE))
    path = Path(path)
    save_atomically(wb, path)
    return path


def is_summary(path: str | Path) -> bool:
    """Whether the file is a summary ipsxl wrote, whatever it is called now: it carries ipsxl's
    custom document property (Excel and LibreOffice keep those when they save the file), which
    no agency's workbook has. Only the package's relationships and that small part are read."""
    if not Path(path).is_file():  # a named pipe would block the open; a folder has no mark
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            rels = _small_xml(zf, "_rels/.rels")
            targets = [
                el.get("Target", "").lstrip("/")
                for el in rels
                if el.get("Type", "").endswith("/custom-properties")
            ]
            props = [_small_xml(zf, posixpath.normpath(t)) for t in targets if t]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return False
    return any(
        el.get("name") == MARK and "".join(el.itertext()).strip() == MARK_VALUE
        for root in props
        for el in root
    )


def _small_xml(zf: zipfile.ZipFile, part: str):
    """A small XML part, parsed without DTDs or entities (the file may be anyone's)."""
    with zf.open(part) as fh:
        data = fh.read(_MAX_PART + 1)
    if xmlsafe.declares_dtd(data):
        raise ValueError(xmlsafe.dtd_refusal(part))
    if len(data) > _MAX_PART:
        raise ValueError(f"{part}: larger than a part ipsxl writes")
    return etree.fromstring(data, xmlsafe.parser())


def _print_setup(ws: Worksheet) -> None:
    """Landscape, one page wide unless the sheet asked for more: the summary is printed for
    meetings as often as read."""
    ws.page_setup.orientation = "landscape"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = ws.page_setup.fitToWidth or 1
    ws.page_setup.fitToHeight = 0


# --- cells ------------------------------------------------------------------------------------


def _put(
    ws: Worksheet,
    row: int,
    col: int,
    value: object,
    kind: str | None = None,
    font: Font | None = None,
):
    """Write one cell: names as text (never formulas), yes/no as words, numbers formatted."""
    if kind == YESNO and value is not None:
        value = "Yes" if value else "No"
    if isinstance(value, str):  # a name from a file or folder may hold what no cell can
        value = printable(value)  # (control characters, bytes that are not UTF-8): escaped
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # an agency called "=HYPERLINK(...)" stays a name
    if kind in NUMBER_FORMATS and value is not None:
        cell.number_format = NUMBER_FORMATS[kind]
    if font is not None:
        cell.font = font
    return cell


def _header(ws: Worksheet, row: int, col: int, text: str):
    cell = _put(ws, row, col, text, font=BOLD)
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell


def word_width(text: str) -> float:
    """The column width that holds the longest word of ``text`` in bold, with the margins."""
    longest = max((len(word) for word in str(text).split()), default=0)
    return round(1.2 * longest + 2, 1)


def _fit_headers(ws: Worksheet) -> None:
    """Widen each column to its headers' longest word, so a header wraps between words only,
    and make each header row tall enough for the header that wraps into the most lines."""
    rows: dict[int, list] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and cell.fill is not None and cell.fill == HEADER_FILL:
                rows.setdefault(cell.row, []).append(cell)
    for cells in rows.values():
        for cell in cells:
            dim = ws.column_dimensions[get_column_letter(cell.column)]
            dim.width = max(dim.width or 0, word_width(cell.value))
    for r, cells in rows.items():
        lines = max(
            _lines(str(c.value), ws.column_dimensions[c.column_letter].width) for c in cells
        )
        if lines > 1:
            ws.row_dimensions[r].height = LINE_POINTS * lines + 3


def _lines(text: str, width: float) -> int:
    """Lines ``text`` wraps into, in bold, in a column ``width`` characters wide."""
    per_line = max(1.0, (width - 2) / 1.2)
    count, used = 1, 0.0
    for word in text.split():
        if used and used + 1 + len(word) > per_line:
            count, used = count + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return count


def _fill(colours: tuple[str, str]) -> tuple[PatternFill, Font]:
    background, text = colours
    fill = PatternFill("solid", fgColor=background, bgColor=background)
    return fill, Font(name=FONT, family=2, color=text)


def _rule(formula: str, colours: tuple[str, str]) -> FormulaRule:
    fill, font = _fill(colours)
    return FormulaRule(formula=[formula], fill=fill, font=font, stopIfTrue=True)


def _widths(ws: Worksheet, widths: dict[int, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


# --- Overview ---------------------------------------------------------------------------------

# (header, width): the columns a person reads; the Submissions sheet has them all
OVERVIEW_COLUMNS = (
    ("Agency", 28),
    ("Period", 9),
    ("Needs Correction", 11),
    ("Errors", 7),
    ("Warnings", 9),
    ("Active Clients", 8),
    ("Employment Rate", 11),
    ("Rate Benchmark", 11),
    ("Data Total", 8),
    ("File", 30),
    ("Note", 34),
)
WRAPPED = ("Agency", "File", "Note")  # long text wraps within its column, the row grows
CENTRED_COLUMNS = ("Needs Correction", "Rate Benchmark")


def _overview_sheet(ws: Worksheet, summary: Summary) -> None:
    """One row per workbook, those to send back first, on one landscape page wide.

    The Note says why a workbook could not be read, or that another submission for its agency
    and period is used instead."""
    t = totals(summary)
    _put(ws, 1, 1, "IPS submissions", font=TITLE)
    _put(
        ws,
        2,
        1,
        f"{t['workbooks']} workbooks from {t['agencies']} agencies: {t['needs_correction']}"
        f" need correction ({t['unreadable']} unreadable). Send back the rows marked Yes;"
        " every figure is in Submissions, trends in Trends.",
    )
    head = 4
    _widths(ws, {j: width for j, (_, width) in enumerate(OVERVIEW_COLUMNS, start=1)})
    for j, (text, _) in enumerate(OVERVIEW_COLUMNS, start=1):
        _header(ws, head, j, text)
    set_aside = {file: d for d in summary.trends.duplicates for file in d.set_aside}
    order = sorted(
        summary.rows,
        key=lambda sub: (
            not sub.row["needs_correction"],
            sub.name.casefold() if sub.readable else "~",
            sub.period or (dt.date.max, dt.date.max),
            sub.index,
        ),
    )
    (minimal, _), (average, _), (excellent, _) = scale.EMPLOYMENT_RATE_BENCHMARKS
    for i, sub in enumerate(order, start=head + 1):
        row = sub.row
        note = None
        if not sub.readable:
            note = f"unreadable: {row['reason']}"
        elif row["file"] in set_aside:
            dup = set_aside[row["file"]]
            note = f"set aside: {Path(dup.used).name} is used for {dup.period}"
        name = sub.name if sub.readable else None
        total = None
        if row["data_total"] is not None:
            total = f"{row['data_total']} of {row['data_max']}"
        values = (
            (name, None),
            (row["period"], None),
            (row["needs_correction"], YESNO),
            (row["errors"], INTEGER),
            (row["warnings"], INTEGER),
            (row["active_clients"], INTEGER),
            (row["employment_rate"], RATE),
            (row["rate_benchmark"], None),
            (total, None),
            (Path(str(row["file"])).name, None),
            (note, None),
        )
        lines = 1
        for j, (value, kind) in enumerate(values, start=1):
            cell = _put(ws, i, j, value, kind)
            header, width = OVERVIEW_COLUMNS[j - 1]
            cell.alignment = CENTRED if header in CENTRED_COLUMNS else TOP
            if header in WRAPPED and value:
                cell.alignment = WRAP
                lines = max(lines, wrapped_lines(str(value), width))
        if lines > 1:
            ws.row_dimensions[i].height = LINE_POINTS * lines
        if row["needs_correction"]:
            fill, font = _fill(RED)
            cell = ws.cell(row=i, column=3)
            cell.fill, cell.font = fill, font
        rate = row["employment_rate"]
        if rate is not None:
            colours = (
                GREEN
                if rate >= excellent
                else LIGHT_GREEN
                if rate >= average
                else AMBER
                if rate >= minimal
                else RED
            )
            cell = ws.cell(row=i, column=7)
            cell.fill, cell.font = _fill(colours)
    last = head + len(order)
    ws.freeze_panes = f"A{head + 1}"
    ws.print_title_rows = f"{head}:{head}"
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(OVERVIEW_COLUMNS))}{max(last, head + 1)}"


# --- Submissions ------------------------------------------------------------------------------


def _submissions_sheet(ws: Worksheet, summary: Summary) -> None:
    """One row per workbook, as an Excel table (filter, sort), coloured where it matters.

    Printed a few landscape pages wide at a readable size, each page with the header row and
    the file column; the Overview sheet is the one-page view."""
    _widths(ws, {j: c.width for j, c in enumerate(SUBMISSION_COLUMNS, start=1)})
    for j, col in enumerate(SUBMISSION_COLUMNS, start=1):
        _header(ws, 1, j, col.header)
    file_width = SUBMISSION_COLUMNS[0].width
    for i, sub in enumerate(summary.rows, start=2):
        for j, col in enumerate(SUBMISSION_COLUMNS, start=1):
            _put(ws, i, j, sub.row[col.key], col.kind).alignment = TOP
        # a file's path wraps in its column rather than being cut by the next one
        ws.cell(row=i, column=1).alignment = WRAP
        lines = wrapped_lines(str(sub.row["file"]), file_width)
        if lines > 1:
            ws.row_dimensions[i].height = LINE_POINTS * lines
    ws.freeze_panes = "B2"
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:A"
    total = sum(max(c.width, word_width(c.header)) for c in SUBMISSION_COLUMNS)
    ws.page_setup.fitToWidth = max(1, math.ceil(total / LANDSCAPE_CHARS))
    last = len(summary.rows) + 1
    if last < 2:
        return  # an Excel table needs a data row; the CLI never writes an empty summary
    ref = f"A1:{get_column_letter(len(SUBMISSION_COLUMNS))}{last}"
    table = Table(displayName="SubmissionsTable", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    _submission_colours(ws, last)


def _submission_colours(ws: Worksheet, last: int) -> None:
    """Scores 1-2 red, 3 amber, 4-5 green; the rate against 31/41/50%; send-backs in red.

    Rules test ISNUMBER first: Excel treats a blank as 0, and a blank score (no data) must stay
    blank, not turn red.
    """
    letters = {c.key: get_column_letter(j) for j, c in enumerate(SUBMISSION_COLUMNS, start=1)}
    for col in SUBMISSION_COLUMNS:
        letter = letters[col.key]
        where = f"{letter}2:{letter}{last}"
        first = f"{letter}2"
        if col.kind == SCORE:
            ws.conditional_formatting.add(where, _rule(f"AND(ISNUMBER({first}),{first}<=2)", RED))
            ws.conditional_formatting.add(where, _rule(f"AND(ISNUMBER({first}),{first}=3)", AMBER))
            ws.conditional_formatting.add(where, _rule(f"AND(ISNUMBER({first}),{first}>=4)", GREEN))
    rate = letters["employment_rate"]
    where = f"{rate}2:{rate}{last}"
    first = f"{rate}2"
    (minimal, _), (average, _), (excellent, _) = scale.EMPLOYMENT_RATE_BENCHMARKS
    for formula, colours in (
        (f"AND(ISNUMBER({first}),{first}>={excellent})", GREEN),
        (f"AND(ISNUMBER({first}),{first}>={average})", LIGHT_GREEN),
        (f"AND(ISNUMBER({first}),{first}>={minimal})", AMBER),
        (f"ISNUMBER({first})", RED),
    ):
        ws.conditional_formatting.add(where, _rule(formula, colours))
    for key in ("needs_correction",):
        letter = letters[key]
        ws.conditional_formatting.add(f"{letter}2:{letter}{last}", _rule(f'{letter}2="Yes"', RED))
    letter = letters["readable"]
    ws.conditional_formatting.add(f"{letter}2:{letter}{last}", _rule(f'{letter}2="No"', RED))


# --- Trends -----------------------------------------------------------------------------------

CHART_ROWS = 22  # rows a chart 11 cm high covers, so blocks do not overlap
ITEMS_CHART_ROWS = 24  # rows the Items chart (12 cm) covers


def _trends_sheet(ws: Worksheet, summary: Summary) -> None:
    """Per measure a table (periods down, agencies across) and a line chart of it.

    Where an agency sent several workbooks for one period, that is said first, above the
    figures it decides."""
    trend = summary.trends
    _put(ws, 1, 1, "Trends by agency and period", font=TITLE)
    _put(
        ws,
        2,
        1,
        "Agencies with two or more periods among these workbooks, matched by the"
        " Program tab's Agency and Program (ignoring case and spacing). Shaded values"
        " come from a submission that needs correction.",
    )
    row = 4
    if trend.duplicates:
        count = len(trend.duplicates)
        _put(
            ws,
            row,
            1,
            f"Sent more than once: {count} agency period{'s' if count > 1 else ''}. Of"
            " several workbooks for one period, the one with the fewest errors is used (the"
            " corrected one), then the last given; the others stay in Submissions.",
            font=BOLD,
        )
        for note in trend.notes:
            row += 1
            _put(ws, row, 1, note)
        row += 2
    if not trend.agencies:
        _put(
            ws,
            row,
            1,
            "No agency has more than one period among these workbooks: nothing to compare yet.",
        )
        return
    benchmarks = [
        (f"{name} ({threshold:.0%})", threshold)
        for threshold, name in scale.EMPLOYMENT_RATE_BENCHMARKS
    ]
    for k, measure in enumerate(TREND_MEASURES):
        extra = benchmarks if measure.key == "employment_rate" else []
        if k or len(trend.duplicates) > 2:  # each block on a page of its own, chart uncut
            ws.row_breaks.append(Break(id=row - 1))
        _put(ws, row, 1, measure.header, font=BOLD)
        head = row + 1
        _header(ws, head, 1, "Period")
        for j, (_, name) in enumerate(trend.agencies, start=2):
            _header(ws, head, j, name)
        for j, (title, _) in enumerate(extra, start=len(trend.agencies) + 2):
            _header(ws, head, j, f"Benchmark: {title}")
        values = []
        for i, period in enumerate(trend.periods, start=head + 1):
            _put(ws, i, 1, period_label(*period))
            for j, (key, _) in enumerate(trend.agencies, start=2):
                cell = trend.values[measure.key][key].get(period)
                if cell is None:
                    continue
                c = _put(ws, i, j, cell.value, measure.kind)
                if isinstance(cell.value, int | float):
                    values.append(cell.value)
                if cell.needs_correction:
                    c.fill = CORRECTION_FILL
            for j, (_, threshold) in enumerate(extra, start=len(trend.agencies) + 2):
                _put(ws, i, j, threshold, RATE)
        last_col = 1 + len(trend.agencies) + len(extra)
        last_row = head + len(trend.periods)
        chart = _line_chart(
            ws,
            measure.header,
            measure.kind,
            head,
            last_row,
            last_col,
            benchmark_from=len(trend.agencies) + 2 if extra else None,
        )
        _fit_axis(chart, measure.kind, values + [t for _, t in extra])
        # the chart under its table, as wide as the page: side by side they print too small
        ws.add_chart(chart, f"A{last_row + 2}")
        row = last_row + 2 + CHART_ROWS + 2
    _widths(ws, {1: 22, **{j: 18 for j in range(2, len(trend.agencies) + 5)}})


def _fit_axis(chart: LineChart, kind: str, values: list[float]) -> None:
    """The value axis from a little below the lowest point to a little above the highest (the
    benchmark lines included), on round steps: differences between quarters stay visible."""
    if not values:
        return
    low, high = min(values), max(values)
    step = _nice_step(high - low, high)
    bottom = max(0.0, math.floor((low - step / 4) / step) * step)
    top = math.ceil((high + step / 4) / step) * step
    if kind == RATE:
        top = min(top, 1.0)
    chart.y_axis.scaling.min = round(bottom, 4)
    chart.y_axis.scaling.max = round(max(top, bottom + step), 4)
    chart.y_axis.majorUnit = step


def _nice_step(span: float, high: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts the span into about four."""
    span = span or abs(high) or 1.0
    raw = span / 4
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _line_chart(
    ws: Worksheet,
    title: str,
    kind: str,
    head: int,
    last_row: int,
    last_col: int,
    benchmark_from: int | None,
) -> LineChart:
    chart = LineChart()
    chart.title = f"{title} by period"
    chart.y_axis.title = title
    chart.x_axis.title = "Period"
    chart.height, chart.width = 11, 24
    chart.legend.position = "b"  # below: the plot keeps the width
    chart.display_blanks = "span"  # an agency that skipped a quarter keeps one line
    data = Reference(ws, min_col=2, max_col=last_col, min_row=head, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=last_row))
    if kind == RATE:
        chart.y_axis.number_format = "0%"
    # openpyxl 3.1 marks axes deleted unless told otherwise; Excel then draws no axis labels
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for k, series in enumerate(chart.series, start=2):
        series.smooth = False
        if benchmark_from is not None and k >= benchmark_from:
            series.graphicalProperties.line.solidFill = "A6A6A6"
            series.graphicalProperties.line.dashStyle = "dash"
            series.graphicalProperties.line.width = 12700
            series.marker.symbol = "none"
            # the line names itself above its last point
            series.dLbls = DataLabelList(
                dLbl=[
                    DataLabel(
                        idx=last_row - head - 1,
                        showSerName=True,
                        showVal=False,
                        showCatName=False,
                        showLegendKey=False,
                        showPercent=False,
                        dLblPos="t",
                    )
                ],
                showVal=False,
                showSerName=False,
                showCatName=False,
                showLegendKey=False,
                showPercent=False,
            )
        else:
            series.marker.symbol = "circle"
    return chart


# --- Items ------------------------------------------------------------------------------------


def _items_sheet(ws: Worksheet, summary: Summary) -> None:
    """How many agencies score 1..5 on each computed item, at each agency's latest period."""
    latest = latest_per_agency(summary.rows)
    _put(ws, 1, 1, "Fidelity items computed from the data: agencies by score", font=TITLE)
    _put(
        ws,
        2,
        1,
        f"Each of the {len(latest)} agencies is counted once, at its latest period"
        " (the latest Period End among its readable workbooks; see the list below)."
        " Not Scored: no data for the item in that workbook.",
    )
    head = 4
    headers = [
        "Item",
        "Id",
        "Target",
        "Basis",
        *(f"Score {s}" for s in SCORES),
        "Not Scored",
        "Agencies",
    ]
    for j, text in enumerate(headers, start=1):
        cell = _header(ws, head, j, text)
        if text.startswith("Score "):
            cell.fill = PatternFill("solid", fgColor=SCORE_COLOURS[int(text[-1])])
            cell.font = Font(
                name=FONT,
                family=2,
                bold=True,
                color="FFFFFF" if text in ("Score 1", "Score 5") else None,
            )
    for i, item in enumerate(summary.items, start=head + 1):
        values = [
            item.label,
            item.id,
            item.target,
            item.basis,
            *(item.by_score[s] for s in SCORES),
            item.unscored,
            item.agencies,
        ]
        for j, value in enumerate(values, start=1):
            _put(ws, i, j, value, INTEGER if j > 4 else None)
        ws.cell(row=i, column=1).alignment = WRAP
    last = head + len(summary.items)
    _widths(ws, {1: 40, 2: 30, 3: 12, 4: 11, **{j: 9 for j in range(5, 12)}})
    ws.freeze_panes = f"A{head + 1}"

    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Agencies by score, latest period"
    chart.x_axis.title = "Item"
    chart.y_axis.title = "Agencies"
    chart.height, chart.width = 12, 22
    chart.add_data(
        Reference(ws, min_col=5, max_col=9, min_row=head, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=last))
    chart.y_axis.majorUnit = 1  # agencies are whole
    chart.y_axis.number_format = "0"
    chart.x_axis.scaling.orientation = "maxMin"  # first item at the top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for score, series in zip(SCORES, chart.series, strict=True):
        series.graphicalProperties.solidFill = SCORE_COLOURS[score]
        series.graphicalProperties.line.solidFill = SCORE_COLOURS[score]
    ws.add_chart(chart, f"A{last + 2}")  # under the table: beside it, both print too small

    row = last + 2 + ITEMS_CHART_ROWS + 2
    _put(ws, row, 1, "Agencies counted", font=BOLD)
    for j, text in enumerate(("Agency", "File", "Period", "Needs Correction"), start=1):
        _header(ws, row + 1, j, text)
    for i, sub in enumerate(latest, start=row + 2):
        _put(ws, i, 1, sub.name)
        _put(ws, i, 2, sub.row["file"])
        _put(ws, i, 3, sub.row["period"])
        _put(ws, i, 4, sub.row["needs_correction"], YESNO)


# --- About ------------------------------------------------------------------------------------


ABOUT_TEXT_CHARS = 90  # characters a line of the merged B:E definition cells holds


def _about_sheet(ws: Worksheet, summary: Summary) -> None:
    """When, by what, over which files, and what every colour and figure means."""
    rows = [s.row for s in summary.rows]
    period = (
        "from each workbook's Program tab"
        if not (summary.start or summary.end)
        else f"overridden for every workbook: {summary.start or 'Program tab'} to"
        f" {summary.end or 'Program tab'}"
    )
    _put(ws, 1, 1, "About this summary", font=TITLE)
    facts: list[tuple[str, object]] = [
        ("Generated", summary.generated.replace(tzinfo=None)),
        ("Time zone", summary.generated.strftime("%Z %z").strip() or "local"),
        ("By", f"ipsxl {summary.version} (ipsxl summary)"),
        ("Workbooks", len(rows)),
        ("Unreadable", sum(1 for r in rows if not r["readable"])),
        ("Need correction", sum(1 for r in rows if r["needs_correction"])),
        ("Agencies", len({s.key for s in summary.rows if s.readable})),
        ("Reporting period", period),
    ]
    row = 3
    for label, value in facts:
        _put(ws, row, 1, label, font=BOLD)
        cell = _put(ws, row, 2, value)
        cell.alignment = Alignment(horizontal="left")
        if isinstance(value, dt.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
        row += 1

    row += 1
    _put(ws, row, 1, "Definitions", font=BOLD)
    row += 1
    for term, text in _definitions():
        _put(ws, row, 1, term, font=BOLD).alignment = WRAP
        _put(ws, row, 2, text).alignment = WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        # neither Excel nor LibreOffice grows a merged row to fit its text: size it here
        ws.row_dimensions[row].height = 15 * math.ceil(len(text) / ABOUT_TEXT_CHARS)
        row += 1

    row += 1
    _put(ws, row, 1, "Employment rate benchmarks", font=BOLD)
    row += 1
    for j, text in enumerate(("Benchmark", "Rate from", "Colour in Submissions"), start=1):
        _header(ws, row, j, text)
    colours = ["amber", "light green", "green"]
    bench = [(BELOW_MINIMAL, 0.0, "red")] + [
        (name, threshold, colour)
        for (threshold, name), colour in zip(scale.EMPLOYMENT_RATE_BENCHMARKS, colours, strict=True)
    ]
    for name, threshold, colour in bench:
        row += 1
        _put(ws, row, 1, name)
        _put(ws, row, 2, threshold, RATE)
        _put(ws, row, 3, colour)

    row += 2
    _put(ws, row, 1, "Items computed from the data", font=BOLD)
    row += 1
    for j, text in enumerate(("Item", "Id", "Score 5 target", "Basis"), start=1):
        _header(ws, row, j, text)
    for item in summary.items:
        row += 1
        for j, value in enumerate((item.label, item.id, item.target, item.basis), start=1):
            _put(ws, row, j, value)

    row += 2
    _put(ws, row, 1, "Files", font=BOLD)
    row += 1
    for j, text in enumerate(("File", "Readable", "Needs Correction"), start=1):
        _header(ws, row, j, text)
    for r in rows:
        row += 1
        _put(ws, row, 1, r["file"])
        _put(ws, row, 2, r["readable"], YESNO)
        _put(ws, row, 3, r["needs_correction"], YESNO)
    _widths(ws, {1: 34, 2: 30, 3: 24, 4: 16, 5: 30})


def _definitions() -> list[tuple[str, str]]:
    (minimal, _), (average, _), (excellent, _) = scale.EMPLOYMENT_RATE_BENCHMARKS
    return [
        (
            "Needs correction",
            "Yes when the workbook could not be read, or when ipsxl validate"
            " finds at least one flag of severity error in it. Warnings alone do not send a"
            " workbook back. The flags themselves are in each workbook's own report"
            " (ipsxl validate --out DIR, or ipsxl check).",
        ),
        (
            "No client identifiers",
            "This summary holds file and agency names, counts, rates and"
            " scores only; no Client ID, flagged value or flag message is copied into it.",
        ),
        (
            "Employment rate",
            "Employed clients (active clients with a competitive job held on at"
            " least one day of the period) divided by active clients (enrolled by the period's"
            f" end and not closed before its start). Benchmarks: {minimal:.0%} minimal,"
            f" {average:.0%} average, {excellent:.0%} excellent (US IPS learning-community data)."
            " They are quarterly figures: Rate Note says when a period is not about a quarter.",
        ),
        (
            "Scores",
            "Each computed IPS-25 item is scored 1 to 5 from the workbook's data, on the"
            " scale's thresholds as worded: 1-2 red, 3 amber, 4-5 green. A blank score means no"
            " data for the item. The three indicators (supervisor ratio, follow-along, work"
            " incentives planning), headed '(suggests)', show the score the figure suggests:"
            " a reviewer scores those items, and no total counts them.",
        ),
        (
            "Data total",
            "The sum of the scale items' scores from the data (Items Scored of them, Data"
            " Max = 5 x Items Scored; indicators never count). It is not the IPS-25 total: a"
            " reviewer scores the other items."
            " Totals over different numbers of scored items do not compare.",
        ),
        (
            "Agency",
            "The Program tab's Agency and Program, ignoring case, spacing and"
            " punctuation, so one agency's quarters line up however the name was typed. A"
            " workbook without an Agency stands alone.",
        ),
        (
            "Trends",
            "Agencies with two or more periods. Where an agency sent several workbooks for"
            " one period, the one with the fewest errors (the corrected one) is used; if equal,"
            " the last file in the order given (folders in name order). The top of Trends, the"
            " Overview's Note and the command's output name each such period and the file used.",
        ),
        (
            "Items",
            "Each agency counted once, at its latest period (latest Period End, then"
            " Period Start; of several workbooks for that period, as in Trends).",
        ),
        (
            "Exit code",
            "0 every workbook read and none needs correction; 1 a workbook has error"
            " flags; 2 a workbook could not be read. The summary is written in every case.",
        ),
    ]
