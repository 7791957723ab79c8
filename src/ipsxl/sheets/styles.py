"""How the cells of ipsxl's sheets look: a style tag per kind of cell, and what each tag means.

A ``Cell`` of a layout names its look by tag (``TITLE``, ``PERCENT``, ...); ``STYLES`` says what
the tag is (bold, fill, number format, alignment), and each face turns that into its own terms
(worksheet XML styles, xlwings formatting), so a sheet looks the same whichever face wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ipsxl.core.model import ERROR, INFO, WARNING

TITLE = "title"
LABEL = "label"  # a bold caption beside a value
LABEL_RIGHT = "label-right"  # a bold caption that ends where its value starts
HEADER = "header"  # the header row of a table
HEADER_LINE = "header-line"  # a table's first heading, running on over empty header cells
TEXT = "text"
TEXT_TOP = "text-top"  # text at the top of its row, level with a wrapped cell beside it
WRAP = "wrap"  # text that may run long (item labels, messages, notes)
WRAP_CENTER = "wrap-center"  # short text centred in its column, wrapped if it runs long
NUMBER = "number"  # a small whole number shown centred (an item's number in its section)
INTEGER = "integer"
DECIMAL = "decimal"
FTE = "fte"  # a share of full time: 1, 0.5, 0.75
PERCENT = "percent"  # a fraction shown as a percentage
MONEY = "money"  # dollars and cents
DATE = "date"
DATETIME = "datetime"
SCORE = "score"  # a score: the data's, or the one used
SUGGESTION = "suggestion"  # what an indicator's figure suggests, never a score
SCORE_INPUT = "score-input"  # an empty cell for the reviewer's 1-5 score
NOTE_INPUT = "note-input"  # an empty cell for the reviewer's note
TOTAL = "total"  # the live total and band formulas
LINK = "link"  # an internal hyperlink
SEVERITY_ERROR = "severity-error"
SEVERITY_WARNING = "severity-warning"
SEVERITY_INFO = "severity-info"

# One font family on every cell ipsxl styles: Excel has Arial everywhere, and LibreOffice
# shows it with its metric twin (Liberation Sans) where Arial is missing, so a column's text
# fits the same in both.
FONT = "Arial"


@dataclass(frozen=True)
class Style:
    """How a style tag looks; colours are RRGGBB."""

    bold: bool = False
    size: float | None = None  # points; None keeps the workbook's default size
    color: str | None = None
    underline: bool = False
    fill: str | None = None
    number_format: str | None = None  # None is General
    wrap: bool = False
    align: str | None = None  # "left", "center", "right"
    italic: bool = False
    font: str | None = FONT  # None keeps the workbook's default font


STYLES: dict[str, Style] = {
    TITLE: Style(bold=True, size=14),
    LABEL: Style(bold=True),
    LABEL_RIGHT: Style(bold=True, align="right"),
    HEADER: Style(bold=True, fill="D9E1F2", wrap=True, align="center"),
    HEADER_LINE: Style(bold=True, fill="D9E1F2"),
    TEXT: Style(),
    TEXT_TOP: Style(),
    WRAP: Style(wrap=True),
    WRAP_CENTER: Style(wrap=True, align="center"),
    NUMBER: Style(number_format="0", align="center"),
    INTEGER: Style(number_format="0"),
    DECIMAL: Style(number_format="0.0"),
    FTE: Style(number_format="0.0#"),
    PERCENT: Style(number_format="0.0%"),
    MONEY: Style(number_format='"$"#,##0.00'),
    DATE: Style(number_format="yyyy-mm-dd", align="left"),
    DATETIME: Style(number_format="yyyy-mm-dd hh:mm", align="left"),
    SCORE: Style(bold=True, number_format="0", align="center"),
    SUGGESTION: Style(italic=True, color="595959", align="center"),
    SCORE_INPUT: Style(fill="FFF2CC", number_format="0", align="center"),
    NOTE_INPUT: Style(fill="FFF2CC", wrap=True),
    TOTAL: Style(bold=True, fill="E2EFDA"),
    LINK: Style(color="0563C1", underline=True),
    SEVERITY_ERROR: Style(fill="FFC7CE"),
    SEVERITY_WARNING: Style(fill="FFEB9C"),
    SEVERITY_INFO: Style(fill="DDEBF7"),
}
# centred twins of the figures' styles, for a table whose columns are wider than their
# figures (so a figure stands under the middle of its header), and bold ones for a totals row
for _tag in (TEXT, INTEGER, DECIMAL, FTE, PERCENT, MONEY):
    _format = STYLES[_tag].number_format
    STYLES[f"{_tag}-center"] = Style(number_format=_format, align="center")
    STYLES[f"{_tag}-center-bold"] = Style(bold=True, number_format=_format, align="center")

# The fill a flagged cell gets, by severity (error red, warning amber).
HIGHLIGHT_FILLS: dict[str, str] = {ERROR: "FFC7CE", WARNING: "FFEB9C", INFO: "DDEBF7"}
SEVERITY_RANK: dict[str, int] = {ERROR: 0, WARNING: 1, INFO: 2}
