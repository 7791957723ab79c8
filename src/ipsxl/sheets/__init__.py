"""The sheets ipsxl writes, as plain data: what goes in which cell, in which style.

Two faces render these sheets: ``ipsxl.writeback`` writes them into a workbook file's XML, and
the Excel add-in writes them through xlwings into an open book. Both take the layouts from here
so the sheets look and calculate the same whichever door a user came in by. Nothing in this
package knows how a sheet is written.

- ``layout``: the shapes (cells, charts, tables, a whole sheet) and a report's values as cells;
- ``styles``: how each kind of cell looks; ``refs``: A1 references;
- ``flags``: the Flags sheet; ``fidelity``: the Fidelity sheet;
- ``highlights``: the fill and note of each flagged cell; ``notes``: whose lines a note holds;
- ``own``: the mark on ipsxl's own sheets, and what a person added to them.

The names of the first six are importable from the package itself.
"""

from __future__ import annotations

from ipsxl.sheets.flags import (
    FLAGS_COLUMNS,
    FLAGS_HEADERS,
    FLAGS_TABLE,
    FLAGS_WIDTHS,
    flag_cell,
    flags_layout,
    flags_table,
    tab_order,
)
from ipsxl.sheets.highlights import (
    Mark,
    highlight_marks,
)
from ipsxl.sheets.layout import (
    LINE_POINTS,
    Cell,
    Chart,
    Series,
    SheetLayout,
    TableSpec,
    Validation,
    as_number,
    as_text,
    int_or_none,
    score_or_none,
    wrapped_lines,
)
from ipsxl.sheets.notes import (
    NOTE_MARKER,
    NoteLines,
    is_marker,
    marker_index,
    split_note,
    typed_lines,
)
from ipsxl.sheets.refs import (
    cell_ref,
    column_letter,
    column_number,
    quote_sheet,
    sheet_target,
    split_ref,
)
from ipsxl.sheets.styles import (
    DATE,
    DATETIME,
    DECIMAL,
    FONT,
    FTE,
    HEADER,
    HEADER_LINE,
    HIGHLIGHT_FILLS,
    INTEGER,
    LABEL,
    LABEL_RIGHT,
    LINK,
    MONEY,
    NOTE_INPUT,
    NUMBER,
    PERCENT,
    SCORE,
    SCORE_INPUT,
    SEVERITY_ERROR,
    SEVERITY_INFO,
    SEVERITY_RANK,
    SEVERITY_WARNING,
    STYLES,
    SUGGESTION,
    TEXT,
    TEXT_TOP,
    TITLE,
    TOTAL,
    WRAP,
    WRAP_CENTER,
    Style,
)

__all__ = [
    "Cell",
    "Chart",
    "DATE",
    "DATETIME",
    "DECIMAL",
    "FLAGS_COLUMNS",
    "FLAGS_HEADERS",
    "FLAGS_TABLE",
    "FLAGS_WIDTHS",
    "FONT",
    "FTE",
    "HEADER",
    "HEADER_LINE",
    "HIGHLIGHT_FILLS",
    "INTEGER",
    "LABEL",
    "LABEL_RIGHT",
    "LINE_POINTS",
    "LINK",
    "MONEY",
    "Mark",
    "NOTE_INPUT",
    "NOTE_MARKER",
    "NUMBER",
    "NoteLines",
    "PERCENT",
    "SCORE",
    "SCORE_INPUT",
    "SEVERITY_ERROR",
    "SEVERITY_INFO",
    "SEVERITY_RANK",
    "SEVERITY_WARNING",
    "STYLES",
    "SUGGESTION",
    "Series",
    "SheetLayout",
    "Style",
    "TEXT",
    "TEXT_TOP",
    "TITLE",
    "TOTAL",
    "TableSpec",
    "Validation",
    "WRAP",
    "WRAP_CENTER",
    "as_text",
    "cell_ref",
    "column_letter",
    "column_number",
    "flag_cell",
    "flags_layout",
    "flags_table",
    "highlight_marks",
    "int_or_none",
    "is_marker",
    "marker_index",
    "as_number",
    "quote_sheet",
    "score_or_none",
    "sheet_target",
    "split_note",
    "split_ref",
    "tab_order",
    "typed_lines",
    "wrapped_lines",
]
