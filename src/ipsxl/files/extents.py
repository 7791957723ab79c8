"""How far a sheet part's cells really reach, and what calamine does not say of them.

calamine allocates the whole rectangle a sheet spans at once, so the span is measured first, from
the part's bytes as they are inflated: by regular expressions over pieces cut at row ends where
every cell is written as Excel writes it (``QuickScan``), else by lxml's pull parser, which
follows Excel's rules for cells and rows without references (``SlowScan``). On the way, or alone
where memory is capped (``ErrorScan``), the cells calamine reads as blank are found: formula
results that are errors, formulas never computed, merged ranges.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ipsxl.files import xmlsafe
from ipsxl.files.limits import MB, UnreadableWorkbook, first_line
from ipsxl.files.xmlsafe import any_prefix, local, unescape

# A range of cells, 1-based and inclusive: first row, first column, last row, last column.
Span = tuple[int, int, int, int]
# A range as a merged range or a table's ref writes it ("A1:D9", "$A$1:$D$9"): its first column
# and row, then its last.
RANGE = r"\$?([A-Z]{1,3})\$?([0-9]{1,7}):\$?([A-Z]{1,3})\$?([0-9]{1,7})"


@dataclass
class Extent:
    """How far a sheet's value cells reach (1-based, from A1), and what calamine does not say
    of its cells: formulas whose result is an error (by cell: the error's text), formulas
    never computed (by cell: the formula), merged ranges, and the totals rows of its tables."""

    rows: int = 0
    cols: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    uncomputed: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[Span] = field(default_factory=list)
    totals: list[Span] = field(default_factory=list)


# The cell, formula, value and merged-range tags, with any prefix.
_C, _F, _V, _MERGE_CELL = (any_prefix(name).encode() for name in ("c", "f", "v", "mergeCell"))
# The quick scan of a sheet part: every cell tag must open as <c r="A1" (as Excel and every
# common writer put it), and no attribute value may hold a '>'; otherwise (cells without
# references, prefixes, odd quoting) the part is scanned again, slowly, with a real XML parser.
_PREFIXED_C = re.compile(rb"<" + any_prefix("c", required=True).encode() + rb"[\s/>]")
_SPACED_C = re.compile(rb"<c[\t\r\n]")
# A cell holding something: <c r="B12" ...> (no "/" in its attributes); an empty, styled cell:
# <c r="B12" .../>, which calamine skips. Anything else makes the counts disagree.
_VALUE_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"[^>/]*>')
_VALUE_WIDE = re.compile(rb'<c r="([A-Z]{2,3})[0-9]{1,7}"[^>/]*>')
_EMPTY_C = re.compile(rb'<c r="[A-Z]{1,3}[0-9]{1,7}"[^>/]*/>')
_ODD = re.compile(rb"=\s*\"[^\"]*>|=\s*'[^']*>")
# The same in one pass where no attribute value can hold a '>' (``_plainly_quoted``): each cell
# tag gives its column, its row and "/" if it is empty, and one not written <c r="B12" (spaces
# included) gives empty groups: every <c followed by a space, '>' or '/' matches once, as a
# plain tag holds no '<'.
_CELL = re.compile(rb'<c(?: r="([A-Z]{1,3})([0-9]{1,7})"[^<>/]*(/?)>|[\s>/])')
_NOT_QUOTING = bytes(sorted(set(range(256)) - set(b'"=>')))  # deleted by ``_plainly_quoted``
_QUOTED_AFTER_EQ = re.compile(rb"'(?<=[=\s]')")  # a ' that may open an attribute value
_ERROR_C = re.compile(
    rb"<" + _C + rb"\s[^>]*?(?<=\s)t\s*=\s*\"e\"[^>]*(?<!/)>(.*?)</" + _C + rb">", re.S
)
_R_ATTR = re.compile(rb"(?<=\s)r\s*=\s*\"([A-Z]{1,3})([0-9]{1,7})\"")
_V_TEXT = re.compile(rb"<" + _V + rb">([^<]{1,64})</")
# A formula cell without a computed value: <f> (or a shared formula's <f .../>), then no <v>
# or an empty one, as a script writes a formula (openpyxl does) before Excel ever computes it.
# An empty <v> of a text result (t="str") is a formula whose result is "": computed. Found by
# where such a cell ends, with patterns that begin with a literal (the fast search of ``re``),
# then read whole from its start, a few tags back; the slow scan finds those written with spaces
# between the tags. Some generators bind the spreadsheetml namespace to a prefix on the root
# (<x:worksheet xmlns:x="...">, then <x:c><x:f>): a part that does is searched for prefixed ends
# (twice as slow, so not every part).
_NO_VALUE_ENDS = (re.compile(rb"</f>(?:<v></v>|<v/>)?</c>"), re.compile(rb"/></c>"))
_NO_VALUE_ENDS_PREFIXED = (
    re.compile(rb"f>(?:<" + _V + rb"></" + _V + rb">|<" + _V + rb"/>)?</" + _C + rb">"),
    re.compile(rb"/></" + _C + rb">"),
)
_MAIN_PREFIX = re.compile(
    rb"xmlns:[A-Za-z_][\w.\-]*\s*=\s*[\"'](?:http://schemas\.openxmlformats\.org/spreadsheetml/"
    rb"2006/main|http://purl\.oclc\.org/ooxml/spreadsheetml/main)[\"']"
)
_HEAD = 64 * 1024  # where a part's root element and its namespace declarations are
_UNCOMPUTED_C = re.compile(
    rb"<"
    + _C
    + rb"\s([^>]*)>\s*<"
    + _F
    + rb"(?:\s[^>]*)?(?:/>|>([^<]*)</"
    + _F
    + rb">)\s*(?:<"
    + _V
    + rb"\s*/>|<"
    + _V
    + rb">\s*</"
    + _V
    + rb">)?\s*</"
    + _C
    + rb">"
)
_CELL_TAG = re.compile(rb"<" + _C + rb"\s")
_STR_TYPE = re.compile(rb"(?<=\s)t\s*=\s*\"str\"")
_MERGE = re.compile(rb"<" + _MERGE_CELL + rb"\s[^>]*?(?<=\s)ref\s*=\s*\"" + RANGE.encode() + rb"\"")


def _widest_column(piece: bytes) -> int:
    """The rightmost column holding a value: past Z from the few such cells, else the highest
    letter found by halving A..Z (a handful of searches, not one match per cell)."""
    wide = _VALUE_WIDE.findall(piece)
    if wide:
        return col_number(max(set(wide), key=lambda s: (len(s), s)).decode())
    lo, hi = 0, 25
    if not re.search(rb'<c r="[A-Z][0-9]{1,7}"[^>/]*>', piece):
        return 0
    while lo < hi:  # invariant: the highest letter present lies in lo..hi
        mid = (lo + hi + 1) // 2
        letters = f"{chr(65 + mid)}-{chr(65 + hi)}".encode()
        if re.search(rb'<c r="[' + letters + rb'][0-9]{1,7}"[^>/]*>', piece):
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def col_number(letters: str) -> int:
    """A -> 1, AA -> 27 (ValueError past ZZZ), by openpyxl: imported on first use, as this
    module loads where openpyxl is not installed (the Excel runtime), and before the guard
    forks (``guard._in_child``)."""
    from openpyxl.utils.cell import column_index_from_string

    return column_index_from_string(letters)


class QuickScan:
    """Extent and error cells of a sheet part from regular expressions over its bytes, cut into
    pieces at row ends; ``ok`` turns False when the part needs the slow scan."""

    def __init__(self) -> None:
        self.extent = Extent()
        self.ok = True
        self._started = False
        self._pending = b""

    def feed(self, chunk: bytes) -> None:
        if not self.ok:
            return
        if not self._started:  # UTF-16 (or any encoding with NULs) is for the slow scan
            self._started = True
            if b"\x00" in chunk[:4096]:
                self.ok = False
                return
        data = self._pending + chunk
        cut = data.rfind(b"row>") + 4  # after </row> (or a bare <row>): no cell is cut in two
        if cut < 4:
            if len(data) > 16 * MB:  # one row this long is no worksheet Excel writes
                self.ok = False
            self._pending = data
            return
        self._pending = data[cut:]
        self._piece(data[:cut])

    def finish(self) -> None:
        if self.ok and self._pending:
            self._piece(self._pending, tail=True)
        self._pending = b""

    def _piece(self, piece: bytes, tail: bool = False) -> None:
        reach = _reach(piece)
        if reach is None:
            self.ok = False
            return
        ext = self.extent
        ext.rows, ext.cols = max(ext.rows, reach[0]), max(ext.cols, reach[1])
        _find_marks(piece, self.extent, tail)


def _reach(piece: bytes) -> tuple[int, int] | None:
    """The last row and column of the cells holding something in a piece (0, 0 if none), or
    None when the quick scan cannot vouch for the piece."""
    if b":c" in piece and _PREFIXED_C.search(piece):
        return None  # <x:c ...>: valid, but for the slow scan
    if _plainly_quoted(piece):
        cells = _CELL.findall(piece)  # (column, row, "/" if empty), all empty if not plain
        cols = {col for col, _, empty in cells if not empty}
        if b"" not in cols:  # every cell tag plain: what the patterns below would find
            if not cols:
                return 0, 0
            rows = {row for _, row, empty in cells if not empty}
            widest = max(cols, key=lambda s: (len(s), s))
            return max(map(int, rows)), col_number(widest.decode())
    if _SPACED_C.search(piece):
        return None  # <c\n r=...>: valid, but for the slow scan
    return _reach_by_patterns(piece)


def _plainly_quoted(piece: bytes) -> bool:
    """Whether no attribute value in the piece can hold a '>', as ``_ODD`` asks, told without
    a regex hit per attribute: the double quotes pair off in order (first with second, third
    with fourth...) with no '=' or '>' inside a pair, so a '>' after '="' would be inside a
    pair; and no single quote follows '=' or a space, so no value is written '...'."""
    marks = piece.translate(None, _NOT_QUOTING)
    return 2 * marks.count(b'""') == marks.count(b'"') and not _QUOTED_AFTER_EQ.search(piece)


def _reach_by_patterns(piece: bytes) -> tuple[int, int] | None:
    """``_reach`` by patterns that allow any quoting (a '>' in a value makes it None): each
    cell tag must be a plain one, holding something or empty."""
    if _ODD.search(piece):
        return None
    rows = _VALUE_ROW.findall(piece)
    empty = len(_EMPTY_C.findall(piece))
    if piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/") != len(rows) + empty:
        return None  # a cell without a plain r="A1" first: the slow scan decides
    if not rows:
        return 0, 0
    return max(map(int, rows)), _widest_column(piece)


def _find_marks(piece: bytes, extent: Extent, tail: bool = False, prefixed: bool = False) -> None:
    """What calamine does not say of the cells in ``piece``: error results, formulas never
    computed and, in the ``tail`` of the part (after the last row), merged ranges (see
    ``Extent``). A ``prefixed`` part binds the spreadsheetml namespace to a prefix (see
    ``_MAIN_PREFIX``): its formulas may open <x:f>."""
    _find_errors(piece, extent.errors)
    if b"<f" in piece or prefixed and b":f" in piece:
        _find_uncomputed(piece, extent.uncomputed, prefixed)
    if tail and b"mergeCell" in piece:
        for m in _MERGE.finditer(piece):
            extent.merged.append(_span(*(g.decode() for g in m.groups())))


def _find_uncomputed(piece: bytes, found: dict[tuple[int, int], str], prefixed: bool) -> None:
    for end in _NO_VALUE_ENDS_PREFIXED if prefixed else _NO_VALUE_ENDS:
        for hit in end.finditer(piece):
            at = hit.start()
            start = _cell_start(piece, at) if prefixed else piece.rfind(b"<c", 0, at)
            m = _UNCOMPUTED_C.fullmatch(piece, start, hit.end()) if start >= 0 else None
            if m is None:
                continue
            attrs = b" " + m.group(1)
            ref = _R_ATTR.search(attrs)
            if ref and not _STR_TYPE.search(attrs):
                key = (int(ref.group(2)), col_number(ref.group(1).decode()))
                raw = (m.group(2) or b"").decode("utf-8", "replace")
                found[key] = _formula_text(unescape(raw))


def _cell_start(piece: bytes, end: int) -> int:
    """Where the cell tag (<x:c ...>, any prefix) that ``end`` lies in opens, -1 if it is not
    among the three tags before (<x:c>, <x:f>, </x:f>); a "<" in XML is always a tag's."""
    at = end
    for _ in range(3):
        at = piece.rfind(b"<", 0, at)
        if at < 0:
            return -1
        if _CELL_TAG.match(piece, at):
            return at
    return -1


def _formula_text(text: str | None) -> str:
    """A formula as Excel shows it in the formula bar (a shared formula's copies hold none)."""
    return "=" + text if text else "(a formula)"


def _span(first_col: str, first_row: str, last_col: str, last_row: str) -> Span:
    r1, r2 = sorted((int(first_row), int(last_row)))
    c1, c2 = sorted((col_number(first_col), col_number(last_col)))
    return (r1, c1, r2, c2)


def _find_errors(piece: bytes, errors: dict[tuple[int, int], str]) -> None:
    """Cells whose formula result is an error (t="e"), by reference -> the error's text."""
    if b'"e"' not in piece:
        return
    for m in _ERROR_C.finditer(piece):
        ref = _R_ATTR.search(m.group(0))
        value = _V_TEXT.search(m.group(1))
        if ref and value:
            key = (int(ref.group(2)), col_number(ref.group(1).decode()))
            errors[key] = value.group(1).decode("utf-8", "replace").strip()


class ErrorScan:
    """Only what ``_find_marks`` finds in a sheet part, not its extent: cheap, for when
    calamine's memory is capped."""

    def __init__(self) -> None:
        self.extent = Extent()
        self._pending = b""
        self._prefixed: bool | None = None  # known from the part's head

    def feed(self, chunk: bytes) -> None:
        data = self._pending + chunk
        cut = data.rfind(b"row>") + 4
        if cut < 4:
            self._pending = data if len(data) < 16 * MB else b""
            return
        self._pending = data[cut:]
        self._marks(data[:cut])

    def finish(self) -> None:
        self._marks(self._pending, tail=True)
        self._pending = b""

    def _marks(self, piece: bytes, tail: bool = False) -> None:
        if self._prefixed is None:  # the first piece: the part from its start
            self._prefixed = _MAIN_PREFIX.search(piece, 0, _HEAD) is not None
        _find_marks(piece, self.extent, tail, self._prefixed)


@contextlib.contextmanager
def _well_formed() -> Iterator[None]:
    """A sheet the pull parser finds malformed is a damaged workbook, said in one line."""
    from lxml import etree

    try:
        yield
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise UnreadableWorkbook(
            f"damaged: a sheet is not well-formed ({first_line(exc)})"
        ) from None


class SlowScan:
    """The same as ``QuickScan`` with lxml's pull parser (hardened), for parts the quick scan
    cannot vouch for; it follows Excel's rules for cells and rows without references."""

    def __init__(self) -> None:

        self.extent = Extent()
        self._parser = xmlsafe.pull_parser(("start", "end"))
        self._row = 0
        self._col = 0

    def feed(self, chunk: bytes) -> None:
        with _well_formed():
            self._parser.feed(chunk)
            self._events()

    def finish(self) -> None:
        with _well_formed():
            self._parser.close()
            self._events()

    def _events(self) -> None:
        ext = self.extent
        for event, el in self._parser.read_events():
            name = local(el.tag)
            if event == "start":
                if name == "row":
                    r = el.get("r")
                    self._row = int(r) if r and r.isdigit() else self._row + 1
                    self._col = 0
                elif name == "c":
                    m = re.fullmatch(r"\s*([A-Za-z]{1,4})([0-9]{1,9})\s*", el.get("r") or "")
                    if m:
                        self._row, self._col = int(m.group(2)), col_number(m.group(1))
                    else:
                        self._col += 1
                continue
            if name == "mergeCell":
                m = re.fullmatch(RANGE, el.get("ref") or "")
                if m:
                    ext.merged.append(_span(*m.groups()))
            if name == "c" and len(el):
                ext.rows = max(ext.rows, self._row)
                ext.cols = max(ext.cols, self._col)
                children = {local(child.tag): child for child in el}
                value = children.get("v")
                if el.get("t") == "e" and value is not None and value.text:
                    ext.errors[(self._row, self._col)] = value.text.strip()[:64]
                formula = children.get("f")
                if formula is not None and el.get("t") != "str":
                    if value is None or not (value.text or "").strip():
                        ext.uncomputed[(self._row, self._col)] = _formula_text(formula.text)
            if name in ("c", "row"):
                el.clear()
                parent = el.getparent()
                while el.getprevious() is not None and parent is not None:
                    del parent[0]
