"""What a file really is, and whether its zip package is safe to hand to a parser.

Before anything python-calamine reads is used (and, where memory cannot be capped, before it
parses a byte), the file on disk is checked (size, kind: an encrypted or
old binary workbook, a CSV or web page with an Excel name) and the package's XML parts are
inflated here with counted bytes: the sizes a zip header claims may lie, a DTD (entities, the
"billion laughs") is refused, and each standard sheet's cell references are scanned for how far
the sheet really spans, since calamine allocates that whole rectangle at once. Formula error
cells, which calamine reads as blank, are found on the way.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ipsxl.core import standard as std
from ipsxl.files import xmlsafe
from ipsxl.files.limits import MB, Limits, UnreadableWorkbook, first_line
from ipsxl.files.snapshot import Snapshot, TooLarge
from ipsxl.files.xmlsafe import any_prefix, local, unescape


def check_file(path: Path, limits: Limits) -> Snapshot:
    """What is on disk: a regular file, not too big, and a zip package, not something else.
    Returns its bytes, read once: the rest of the run reads those, never the file again."""
    try:
        if not path.exists():
            raise UnreadableWorkbook("no such file")
        if not path.is_file():
            raise UnreadableWorkbook("not a file (a folder, device or pipe)")
        snapshot = Snapshot.take(path, limits.max_bytes)
    except TooLarge as exc:
        raise UnreadableWorkbook(
            f"too large: {exc.size:,} bytes on disk (limit {limits.max_bytes:,}; raise --max-mb)"
        ) from None
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise UnreadableWorkbook(f"cannot be opened: {why}") from None
    head = snapshot.data[:4096]
    if not head:
        raise UnreadableWorkbook("not an Excel workbook: the file is empty (0 bytes)")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnreadableWorkbook(_ole_reason(snapshot.data))
    if not head.startswith(b"PK"):
        raise UnreadableWorkbook(f"not an Excel workbook: {_what_it_is(head)}")
    return snapshot


def _what_it_is(head: bytes) -> str:
    """A guess at what a file that is not a zip package is, for the one-line reason."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"%pdf"):
        return "it is a PDF"
    if text.startswith((b"<!doctype html", b"<html", b"<table")):
        return "it is a web page (HTML) with an Excel name; open it and save it as .xlsx"
    if text.startswith(b"<?xml"):
        return "it is an XML file (perhaps Excel 2003 XML); open it and save it as .xlsx"
    if text.startswith(b"{\\rtf"):
        return "it is an RTF document"
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError:
        decoded = head.decode("latin-1") if b"\x00" not in head else ""
    if decoded and sum(ch.isprintable() or ch in "\t\r\n" for ch in decoded) > 0.95 * len(decoded):
        if any(sep in decoded for sep in (",", ";", "\t")):
            return "it is a text file (a CSV renamed .xlsx?); open it and save it as .xlsx"
        return "it is a text file; a workbook must be saved from Excel as .xlsx"
    return "it is not a zip package (.xlsx and .xlsm files are)"


def _ole_reason(data: bytes) -> str:
    """An OLE compound file is an encrypted .xlsx (Excel wraps those in OLE), an old binary .xls,
    or another Office binary. The directory's stream names tell which; they are UTF-16 and may
    sit anywhere in the file, so the whole file is searched."""
    encrypted = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
    workbook = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
    if any(name in data for name in encrypted):
        return "password-protected: remove the password in Excel and submit again"
    if any(name in data for name in workbook):
        return "not an Excel workbook: an old .xls workbook: save it as .xlsx in Excel"
    return "not an Excel workbook: an old Office binary file; open it and save it as .xlsx"


# --- the zip package ----------------------------------------------------------------------------

_CHUNK = 1 * MB
_MAX_PARTS = 20_000
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD_MARKS = tuple(
    mark.encode(enc)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for enc in ("utf-8", "utf-16-le", "utf-16-be")
)
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"


# A range of cells, 1-based and inclusive: first row, first column, last row, last column.
Span = tuple[int, int, int, int]


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


@dataclass
class _Package:
    """What the package scan learnt: each standard sheet's extent, by sheet name."""

    extents: dict[str, Extent]
    largest: Extent  # of every sheet scanned, for a sheet name calamine spells differently


def check_package(source: Path | Snapshot, limits: Limits, extents: bool = True) -> _Package:
    """Refuse what is not a sound workbook package, or would inflate past the limits, before
    anything calamine reads is used; return the standard sheets' error cells and, with
    ``extents``, how far each reaches (the slower part of the scan, needed where memory cannot
    be capped, and then run before calamine parses a byte)."""
    try:
        snapshot = Snapshot.of(source)
        with zipfile.ZipFile(snapshot.open()) as zf:
            return _scan_zip(zf, limits, extents)
    except UnreadableWorkbook:
        raise
    except zipfile.BadZipFile as exc:
        raise UnreadableWorkbook(
            f"damaged: the file is incomplete or not a sound zip package ({first_line(exc)});"
            " was the upload cut short?"
        ) from None
    except (
        OSError,
        EOFError,
        ValueError,
        struct.error,
        OverflowError,
        NotImplementedError,
        KeyError,
        IndexError,
    ) as exc:
        raise UnreadableWorkbook(f"damaged: unreadable zip package ({first_line(exc)})") from None


def _scan_zip(zf: zipfile.ZipFile, limits: Limits, extents: bool) -> _Package:
    infos = zf.infolist()
    if len(infos) > _MAX_PARTS:
        raise UnreadableWorkbook(
            f"too large: {len(infos):,} parts in the package"
            f" (a workbook has a few dozen; limit {_MAX_PARTS:,})"
        )
    by_name: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        key = info.filename.lower()
        if key in by_name:  # two readers could take different parts: refuse the ambiguity
            raise UnreadableWorkbook(f"damaged: the package holds two parts named {info.filename}")
        by_name[key] = info
    if "xl/workbook.xml" not in by_name:
        if "mimetype" in by_name or "content.xml" in by_name:
            raise UnreadableWorkbook(
                "not an Excel workbook: an OpenDocument (.ods) spreadsheet; save it as .xlsx"
            )
        if "word/document.xml" in by_name:
            raise UnreadableWorkbook("not an Excel workbook: a Word document")
        raise UnreadableWorkbook("not an Excel workbook: the package has no xl/workbook.xml")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableWorkbook(
                "password-protected: the zip package is encrypted; submit an unprotected copy"
            )
        total += info.file_size
        if info.file_size > MB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise UnreadableWorkbook(
                f"too large: {info.filename} would inflate"
                f" {info.file_size // max(info.compress_size, 1):,} times"
                f" (limit {limits.max_ratio}), a zip bomb"
            )
    if total > limits.max_uncompressed:
        raise UnreadableWorkbook(
            f"too large: {total:,} bytes uncompressed"
            f" (limit {limits.max_uncompressed // MB:,} MB; raise --max-mb)"
        )
    budget = _Budget(limits.max_uncompressed)
    for info in infos:  # non-XML parts (images, VBA) are never parsed: count what they claim
        if not info.filename.lower().endswith(_XML_SUFFIXES):
            budget.take(info.file_size, info.filename)
    sheet_parts, targets = _standard_sheet_parts(zf, by_name, budget)
    worksheets = targets | {n for n in by_name if n.startswith("xl/worksheets/")}
    found: dict[str, Extent] = {}
    largest = Extent()
    kept: dict[str, bytes] = {}  # the standard sheets' relationships and the table parts
    wanted = {_rels_of(target) for target in sheet_parts.values()}
    for info in infos:
        part = info.filename.lower()
        if not part.endswith(_XML_SUFFIXES):
            continue
        if part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            continue  # scanned already, by _standard_sheet_parts
        names = [n for n, target in sheet_parts.items() if target == part]
        if (part in wanted or "/tables/" in part) and info.file_size <= _SMALL_PART:
            kept[part] = _scan_part(zf, info, budget, None) or b""
            continue
        # without a memory cap every worksheet part is measured: a sheet that calamine finds
        # where this scan did not is then held to the largest extent of them all
        if not names and not (extents and part in worksheets and part.endswith(".xml")):
            _scan_part(zf, info, budget, _discard)
            continue
        extent = _sheet_extent(zf, info, budget) if extents else _sheet_errors(zf, info, budget)
        for name in names:
            found[name] = extent
        if extent.rows * extent.cols > largest.rows * largest.cols:
            largest = extent
    for name, target in sheet_parts.items():
        if name in found:
            found[name].totals = _totals_rows(target, kept)
    return _Package(found, largest)


# Relationship and table parts are a few hundred bytes; a larger one is not read for totals rows.
_SMALL_PART = 1 * MB
_RT_TABLE = "/table"


def _rels_of(part: str) -> str:
    """xl/worksheets/sheet1.xml -> xl/worksheets/_rels/sheet1.xml.rels"""
    folder, _, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels"


def _totals_rows(sheet_part: str, kept: Mapping[str, bytes]) -> list[Span]:
    """The totals rows of the Excel tables on a sheet: the last ``totalsRowCount`` rows of each
    table part's ``ref``, over the table's columns. Such a row sums or averages the table; it
    is no record."""
    rels = kept.get(_rels_of(sheet_part))
    if not rels:
        return []
    spans = []
    folder = sheet_part.rpartition("/")[0]
    for rel in _xml(rels, _rels_of(sheet_part)):
        target = rel.get("Target") or ""
        if not (rel.get("Type") or "").endswith(_RT_TABLE) or rel.get("TargetMode") == "External":
            continue
        table = kept.get(_part_name_from(folder, target))
        if not table:
            continue
        root = _xml(table, "a table part")
        count, ref = root.get("totalsRowCount") or "0", root.get("ref") or ""
        m = re.fullmatch(r"\$?([A-Z]{1,3})\$?([0-9]{1,7}):\$?([A-Z]{1,3})\$?([0-9]{1,7})", ref)
        if not (m and count.isdigit() and int(count) > 0):
            continue
        last = int(m.group(4))
        first = max(int(m.group(2)), last - int(count) + 1)
        spans.append((first, _col_number(m.group(1)), last, _col_number(m.group(3))))
    return spans


def _part_name_from(folder: str, target: str) -> str:
    """A relationship target of a part in ``folder`` as a part name, lower case."""
    if target.startswith("/"):
        return _part_name(target)
    parts: list[str] = []
    for piece in f"{folder}/{target}".split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in (".", ""):
            parts.append(piece)
    return "/".join(parts).lower()


class _Budget:
    """Inflated bytes left for the whole package: the real count, whatever headers claim."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, n: int, part: str) -> None:
        self.used += n
        if self.used > self.limit:
            raise UnreadableWorkbook(
                f"too large: the parts inflate past {self.limit // MB:,} MB (at {part});"
                " a zip bomb, or raise --max-mb"
            )


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> Iterator[bytes]:
    """A part's bytes, a chunk at a time, each counted against the budget as it comes. zipfile
    stops inflating at the size the zip directory declares (which the checks before believed
    only that far) and checks the CRC at the end; a part that comes out shorter is refused
    here."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UnreadableWorkbook(
            f"damaged: {info.filename} is compressed in a way Excel never uses"
            f" (method {info.compress_type})"
        )
    size = 0
    try:
        with zf.open(info) as part:
            while chunk := part.read(_CHUNK):
                size += len(chunk)
                budget.take(len(chunk), info.filename)
                yield chunk
    except zipfile.BadZipFile as exc:
        if "CRC" in str(exc):
            raise UnreadableWorkbook(
                f"damaged: {info.filename} is corrupt (its size or checksum does not match)"
            ) from None
        raise UnreadableWorkbook(f"damaged: {info.filename} is missing from the package") from None
    except EOFError:
        raise UnreadableWorkbook(
            f"damaged: {info.filename} is cut short (an upload cut off?)"
        ) from None
    except zlib.error:
        raise UnreadableWorkbook(f"damaged: {info.filename} is corrupt") from None
    if size != info.file_size:
        raise UnreadableWorkbook(
            f"damaged: {info.filename} is corrupt (its size or checksum does not match)"
        )


def _scan_part(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    budget: _Budget,
    sink: Callable[[bytes], None] | None,
) -> bytes | None:
    """Inflate one XML part, refusing a DTD; feed ``sink`` the bytes, or return them whole when
    ``sink`` is None and the part is small (workbook.xml and its relationships)."""
    tail = b""
    kept: list[bytes] = []
    for chunk in _inflate(zf, info, budget):
        window = tail + chunk
        # every mark holds a "!", which XML rarely does: one memchr, and the six searches only then
        if b"!" in window and any(mark in window for mark in _DTD_MARKS):
            raise UnreadableWorkbook(
                f"damaged: {info.filename} declares XML entities (a DTD), which Excel never"
                " writes; the file was crafted or corrupted"
            )
        tail = window[-32:]
        if sink is not None:
            sink(chunk)
        else:
            kept.append(chunk)
    return b"".join(kept) if sink is None else None


def _xml(data: bytes, part: str) -> Any:
    """Parse a small part with entity expansion, DTD loading and network access all off."""
    from lxml import etree  # imported here: the Excel runtime has read.py but no lxml

    try:
        root = etree.fromstring(data, xmlsafe.parser())
    except etree.XMLSyntaxError as exc:
        why = first_line(exc)
        raise UnreadableWorkbook(f"damaged: {part} is not well-formed ({why})") from None
    if root is None:
        raise UnreadableWorkbook(f"damaged: {part} is empty")
    return root


def _discard(chunk: bytes) -> None:
    """The sink of a part that is only checked (DTD, size, checksum), not read."""


def _standard_sheet_parts(
    zf: zipfile.ZipFile, by_name: Mapping[str, zipfile.ZipInfo], budget: _Budget
) -> tuple[dict[str, str], set[str]]:
    """Sheet name -> its part's name (lower case), for the sheets named like a standard tab;
    and the part names of every sheet of the workbook."""
    book = _xml(_scan_part(zf, by_name["xl/workbook.xml"], budget, None) or b"", "xl/workbook.xml")
    rels_info = by_name.get("xl/_rels/workbook.xml.rels")
    targets: dict[str, str] = {}
    if rels_info is not None:
        rels = _xml(_scan_part(zf, rels_info, budget, None) or b"", "xl/_rels/workbook.xml.rels")
        for rel in rels:
            if local(rel.tag) == "Relationship" and rel.get("Id") and rel.get("Target"):
                targets[rel.get("Id")] = _part_name(rel.get("Target"))
    tabs = std.tab_lookup()
    parts: dict[str, str] = {}
    sheets: set[str] = set()
    for node in book.iter():
        if local(node.tag) != "sheet":
            continue
        name = node.get("name") or ""
        rid = node.get(f"{{{_REL_NS}}}id") or node.get(f"{{{_STRICT_REL_NS}}}id")
        if rid in targets:
            sheets.add(targets[rid])
            if std.fold(name) in tabs:
                parts[name] = targets[rid]
    return parts, sheets


def part_sizes(source: Path | Snapshot, limits: Limits) -> tuple[dict[str, int], int]:
    """The size of each standard sheet's part, by sheet name, and of the shared strings, as the
    zip directory claims: only hints, for how to read the sheets; empty (0) when the package
    cannot tell (whatever is wrong with it, the package scan says)."""
    try:
        snapshot = Snapshot.of(source)
        with zipfile.ZipFile(snapshot.open()) as zf:
            by_name = {info.filename.lower(): info for info in zf.infolist()}
            parts, _ = _standard_sheet_parts(zf, by_name, _Budget(limits.max_uncompressed))
    except Exception:  # noqa: BLE001 - a hint only, see above
        return {}, 0
    shared = sum(i.file_size for n, i in by_name.items() if n.endswith("sharedstrings.xml"))
    sizes = {name: by_name[part].file_size for name, part in parts.items() if part in by_name}
    return sizes, shared


def _part_name(target: str) -> str:
    """A relationship target of workbook.xml as a part name ("worksheets/s1.xml" ->
    "xl/worksheets/s1.xml"; "/xl/worksheets/s1.xml" -> the same), lower case."""
    path = (
        PurePosixPath(target.lstrip("/"))
        if target.startswith("/")
        else (PurePosixPath("xl") / target)
    )
    parts: list[str] = []
    for piece in path.parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in (".", ""):
            parts.append(piece)
    return "/".join(parts).lower()


# The quick scan of a sheet part: every cell tag must open as <c r="A1" (as Excel and every
# common writer put it), and no attribute value may hold a '>'; otherwise (cells without
# references, prefixes, odd quoting) the part is scanned again, slowly, with a real XML parser.
# the cell, formula, value and merged-range tags, with any prefix
_C, _F, _V, _MERGE_CELL = (any_prefix(name).encode() for name in ("c", "f", "v", "mergeCell"))
_PREFIXED_C = re.compile(rb"<" + any_prefix("c", required=True).encode() + rb"[\s/>]")
_SPACED_C = re.compile(rb"<c[\t\r\n]")
# A cell holding something: <c r="B12" ...> (no "/" in its attributes); an empty, styled cell:
# <c r="B12" .../>, which calamine skips. Anything else makes the counts disagree.
_VALUE_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"[^>/]*>')
_VALUE_WIDE = re.compile(rb'<c r="([A-Z]{2,3})[0-9]{1,7}"[^>/]*>')
_EMPTY_C = re.compile(rb'<c r="[A-Z]{1,3}[0-9]{1,7}"[^>/]*/>')
_ODD = re.compile(rb"=\s*\"[^\"]*>|=\s*'[^']*>")
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
_MERGE = re.compile(
    rb"<" + _MERGE_CELL + rb"\s[^>]*?(?<=\s)ref\s*=\s*\"\$?([A-Z]{1,3})\$?([0-9]{1,7})"
    rb":\$?([A-Z]{1,3})\$?([0-9]{1,7})\""
)


def _widest_column(piece: bytes) -> int:
    """The rightmost column holding a value: past Z from the few such cells, else the highest
    letter found by halving A..Z (a handful of searches, not one match per cell)."""
    wide = _VALUE_WIDE.findall(piece)
    if wide:
        return _col_number(max(set(wide), key=lambda s: (len(s), s)).decode())
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


def _col_number(letters: str) -> int:
    """A -> 1, AA -> 27 (ValueError past ZZZ), by openpyxl: imported on first use, as this
    module loads where openpyxl is not installed (the Excel runtime), and before the guard
    forks (``guard._in_child``)."""
    from openpyxl.utils.cell import column_index_from_string

    return column_index_from_string(letters)


class _QuickScan:
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
        if _ODD.search(piece):
            self.ok = False
            return
        if b":c" in piece and _PREFIXED_C.search(piece) or _SPACED_C.search(piece):
            self.ok = False  # <x:c ...> or <c\n r=...>: valid, but for the slow scan
            return
        rows = _VALUE_ROW.findall(piece)
        empty = len(_EMPTY_C.findall(piece))
        if piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/") != len(rows) + empty:
            self.ok = False  # a cell without a plain r="A1" first: the slow scan decides
            return
        if rows:
            ext = self.extent
            ext.rows = max(ext.rows, max(map(int, rows)))
            ext.cols = max(ext.cols, _widest_column(piece))
        _find_marks(piece, self.extent, tail)


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
                key = (int(ref.group(2)), _col_number(ref.group(1).decode()))
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
    c1, c2 = sorted((_col_number(first_col), _col_number(last_col)))
    return (r1, c1, r2, c2)


def _find_errors(piece: bytes, errors: dict[tuple[int, int], str]) -> None:
    """Cells whose formula result is an error (t="e"), by reference -> the error's text."""
    if b'"e"' not in piece:
        return
    for m in _ERROR_C.finditer(piece):
        ref = _R_ATTR.search(m.group(0))
        value = _V_TEXT.search(m.group(1))
        if ref and value:
            key = (int(ref.group(2)), _col_number(ref.group(1).decode()))
            errors[key] = value.group(1).decode("utf-8", "replace").strip()


class _ErrorScan:
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


class _SlowScan:
    """The same as ``_QuickScan`` with lxml's pull parser (hardened), for parts the quick scan
    cannot vouch for; it follows Excel's rules for cells and rows without references."""

    def __init__(self) -> None:

        self.extent = Extent()
        self._parser = xmlsafe.pull_parser(("start", "end"))
        self._row = 0
        self._col = 0

    def feed(self, chunk: bytes) -> None:
        from lxml import etree

        try:
            self._parser.feed(chunk)
            self._events()
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise UnreadableWorkbook(
                f"damaged: a sheet is not well-formed ({first_line(exc)})"
            ) from None

    def finish(self) -> None:
        from lxml import etree

        try:
            self._parser.close()
            self._events()
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise UnreadableWorkbook(
                f"damaged: a sheet is not well-formed ({first_line(exc)})"
            ) from None

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
                        self._row, self._col = int(m.group(2)), _col_number(m.group(1))
                    else:
                        self._col += 1
                continue
            if name == "mergeCell":
                m = re.fullmatch(
                    r"\$?([A-Z]{1,3})\$?([0-9]{1,7}):\$?([A-Z]{1,3})\$?([0-9]{1,7})",
                    el.get("ref") or "",
                )
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


def _sheet_errors(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> Extent:
    scan = _ErrorScan()
    _scan_part(zf, info, budget, scan.feed)
    scan.finish()
    return scan.extent


def _sheet_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> Extent:
    quick = _QuickScan()
    _scan_part(zf, info, budget, quick.feed)
    quick.finish()
    if quick.ok:
        return quick.extent
    slow = _SlowScan()
    budget.used -= info.file_size  # the same bytes again: counted once
    _scan_part(zf, info, budget, slow.feed)
    slow.finish()
    return slow.extent
