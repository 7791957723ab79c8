"""Worksheet parts read ahead of the report: their text, their top level, where their rows are.

Highlighting a sheet needs its text, a check that every byte of it is well-formed XML, the tree
of its top-level elements (column styles, the note drawing) and the rows that hold flagged
cells. For a 50,000-row sheet of 24 MB the check is most of the work, and none of it needs the
report, so ``SheetIndexes.warm`` can do it while the workbook is still being validated.

The flagged rows are then found by bisection over the text: a plain sheet (every row written
``<row r="N"``, numbers rising, no comments in the rows, as Excel, LibreOffice and openpyxl
write them) is never read row by row, and only the wanted rows become Python objects. Any other
sheet (prefixed tags, rows without ``r``, ...) is read row by row (``_walk``).
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from ipsxl.files.xmlsafe import any_prefix
from ipsxl.sheets.refs import split_ref
from ipsxl.writeback import textedit, xmlparse, xmltags
from ipsxl.writeback.deadline import Deadline
from ipsxl.writeback.package import NS_MAIN, Package
from ipsxl.writeback.textedit import Encoded
from ipsxl.writeback.xmltags import Tag

_PLAIN = '<row r="'
_PLAIN_NUMBER = re.compile(r'<row r="(\d+)"')
_ANY_ROW = re.compile(r'<row\b(?: r="(\d+)")?')  # the number, or "" for a row not written so
_ROW_OR_SKIP = re.compile(
    r"""<(?:!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>"""
    rf"""|(?P<row>{any_prefix("row")})\b(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*?)(?P<empty>/?)>)""",
    re.S,
)
_R_ATTR = re.compile(r"""\sr\s*=\s*["'](\d+)["']""")
_LINEAR = 4096  # bisection stops once the rows left to look at span this many characters


@dataclass
class Row:
    """One wanted row of sheetData."""

    tag: Tag
    number: int
    close: int | None  # where </row> starts (None for an empty element)
    cells: list[tuple[int, Tag]] = field(default_factory=list)  # (column, <c> tag) in order


@dataclass
class Located:
    """The wanted rows there are, and for each wanted row there is not, where it would go."""

    rows: dict[int, Row] = field(default_factory=dict)
    gaps: dict[int, int] = field(default_factory=dict)  # row number -> position to insert it at


@dataclass
class SheetIndex:
    """One worksheet part, read and checked: what highlighting it needs before it edits it."""

    part: str
    data: bytes  # the part's bytes this was made from
    text: str
    encoded: Encoded
    root: etree._Element  # the top-level elements, sheetData left empty
    sheet_data: Tag | None
    data_end: int  # where </sheetData> starts (sheet_data.end for <sheetData/>)
    plain: bool  # rows can be found by bisection

    def locate(self, wanted: Iterable[int]) -> Located:
        """The ``wanted`` rows (with their cells), and where each missing one would go."""
        wanted = sorted(set(wanted))
        if self.sheet_data is None or self.sheet_data.empty or not wanted:
            return Located(gaps={r: self.data_end for r in wanted})
        if self.plain:
            return self._bisect(wanted)
        return self._walk(set(wanted))

    def _bisect(self, wanted: list[int]) -> Located:
        found = Located()
        for r in wanted:
            pos, number = _first_row_from(self.text, r, self.sheet_data.end, self.data_end)
            if number == r:
                found.rows[r] = _row(self.text, pos, r)
            else:
                found.gaps[r] = pos
        return found

    def _walk(self, wanted: set[int]) -> Located:
        """Every row start tag, by pattern, each row's end found directly (rows do not nest);
        comments and the like skipped. A row without ``r`` follows the one before."""
        text = self.text
        found = Located()
        starts: dict[int, int] = {}
        pos = self.sheet_data.end
        last = 0
        while (m := _ROW_OR_SKIP.search(text, pos, self.data_end)) is not None:
            pos = m.end()
            if m.group("row") is None:  # a comment, CDATA section or processing instruction
                continue
            r = _R_ATTR.search(m.group("attrs"))
            last = int(r.group(1)) if r else last + 1
            starts[last] = m.start()
            if last in wanted:
                found.rows[last] = _row(text, m.start(), last)
            if not m.group("empty"):
                pos = xmltags.end_tag(text, m.group("row"), pos, self.data_end)
                if pos < 0:
                    raise xmlparse.BadPart("unclosed <row>")
        numbers = sorted(starts)
        for r in sorted(wanted - found.rows.keys()):
            i = bisect.bisect_right(numbers, r)  # before the row numbered next after it
            found.gaps[r] = starts[numbers[i]] if i < len(numbers) else self.data_end
        return found


def _first_row_from(text: str, r: int, start: int, end: int) -> tuple[int, int | None]:
    """In a plain sheetData spanning ``start``:``end``, the first row numbered ``r`` or more:
    where its start tag is and its number (``end`` and None if there is none)."""
    lo, hi = start, end
    # every row starting before lo is numbered below r, every row from hi on r or more
    while hi - lo > _LINEAR:
        mid = (lo + hi) // 2
        pos = text.find(_PLAIN, mid, end)
        if pos < 0 or pos >= hi:
            hi = mid
        elif _number(text, pos) >= r:
            hi = pos
        else:
            lo = pos + 1
    pos = text.find(_PLAIN, lo, end)
    while pos >= 0:
        number = _number(text, pos)
        if number >= r:
            return pos, number
        pos = text.find(_PLAIN, pos + 1, end)
    return end, None


def _number(text: str, pos: int) -> int:
    m = _PLAIN_NUMBER.match(text, pos)
    assert m is not None  # a plain sheet has only such rows
    return int(m.group(1))


def _row(text: str, start: int, number: int) -> Row:
    """The row whose start tag is at ``start``, with its cells."""
    tag = next(xmltags.tags(text, start))
    if tag.empty:
        return Row(tag, number, None)
    close = xmltags.end_tag(text, tag.qname, tag.end)
    if close < 0:
        raise xmlparse.BadPart("unclosed <row>")
    row = Row(tag, number, close)
    last_col = 0
    for cell in _children(text, tag.end, close):
        if cell.name != "c":
            continue
        ref = cell.attr(text, "r")
        last_col = split_ref(ref)[1] if ref else last_col + 1
        row.cells.append((last_col, cell))
    return row


def _children(text: str, start: int, end: int) -> Iterator[Tag]:
    """The start tags of the child elements in ``text[start:end]``, an element's content; each
    child's content is skipped (a cell's end is found directly, see ``xmltags.FLAT``)."""
    pos = start
    while (t := next(xmltags.tags(text, pos, end), None)) is not None:
        yield t
        pos = xmltags.element_end(text, t)


def _plain(text: str, root: etree._Element, sheet_data: Tag, end: int) -> bool:
    """Whether every row of sheetData is written ``<row r="N"`` with N rising, and nothing else
    there can look like a row: the sheet binds no prefix to its namespace, and sheetData holds
    no comment, CDATA section or processing instruction. Searched and counted at C speed: about
    25 ms for 50,000 rows."""
    start = sheet_data.end
    if (
        sheet_data.prefix
        or sheet_data.empty
        or root.prefix is not None
        or root.tag != f"{{{NS_MAIN}}}worksheet"
        or text.count(NS_MAIN) != 1
    ):
        return False
    if _holds(text, "<!", start, end) or _holds(text, "<?", start, end):
        return False
    found = _ANY_ROW.findall(text, start, end)
    if "" in found:
        return False
    numbers = list(map(int, found))
    return all(map(operator.lt, numbers, numbers[1:]))


def _holds(text: str, markup: str, start: int, end: int) -> bool:
    """``markup`` ("<!") in ``text[start:end]``; looked for only if its rare second character
    is there, which one memchr pass tells (a search for "<!" stops at every "<")."""
    return text.find(markup[1], start, end) >= 0 and text.find(markup, start, end) >= 0


def index_sheet(part: str, data: bytes) -> SheetIndex:
    """Read one worksheet part: decode, check every byte, the top level, the rows' layout.

    Raises what highlighting the part always raised for a part it cannot edit (BadPart)."""
    text, how = textedit.decode(data)
    as_utf8 = data if how == Encoded("utf-8", b"") else text.encode("utf-8")
    sheet_data = xmltags.find(text, "sheetData")
    close = -1
    if sheet_data is not None and not sheet_data.empty:
        close = xmltags.end_tag(text, sheet_data.qname, sheet_data.end)
    emptied = None
    if close >= 0:
        emptied = (text[: sheet_data.end] + text[close:]).encode("utf-8")
    root = xmlparse.parse_shallow(as_utf8, part, emptied=emptied)
    if sheet_data is None:
        return SheetIndex(part, data, text, how, root, None, len(text), False)
    if sheet_data.empty:
        return SheetIndex(part, data, text, how, root, sheet_data, sheet_data.end, False)
    if close < 0:
        raise xmlparse.BadPart(f"unclosed element <{sheet_data.qname}>")
    return SheetIndex(
        part, data, text, how, root, sheet_data, close, _plain(text, root, sheet_data, close)
    )


class SheetIndexes:
    """Worksheet parts indexed once: ahead of the report (``warm``), or when first needed.

    An index is used only for the very bytes it was made from, so the cache may serve a copy of
    the package it was warmed on."""

    def __init__(self) -> None:
        self._done: dict[str, SheetIndex] = {}

    def get(self, pkg: Package, part: str) -> SheetIndex:
        """The part's index, made now if it was not made ahead or the part changed since."""
        name = pkg.name(part) or part
        data = pkg.get(name)
        index = self._done.get(name)
        if index is None or index.data is not data:
            index = self._done[name] = index_sheet(name, data)
        return index

    def warm(self, pkg: Package, parts: Iterable[str], deadline: Deadline | None = None) -> None:
        """Index these parts now. A part that cannot be indexed is left for ``get``, so its
        error is raised where it always was: when, and only if, a flagged cell is on it."""
        for part in parts:
            if deadline is not None:
                deadline.check()
            try:
                self.get(pkg, part)
            except Exception:  # raised again by get, if and when the part is needed
                continue
