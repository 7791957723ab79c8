"""Workbook -> one table per standard tab, each value kept with its Excel row number.

Reading has two halves. ``tables_from_grids`` finds the standard's tabs, header rows and
columns in plain grids of cell values (rows of lists, anchored at A1); it knows nothing about
files, so the Excel add-in feeds it the grids xlwings reads from an open workbook. ``read_workbook``
gets those grids from a file with python-calamine, the fastest reader there is for .xlsx/.xlsm.

Files come from many hands, and now and then one is crafted, so ``read_workbook`` trusts
nothing in them. Before python-calamine parses a byte it checks the file on disk (size, what it
really is) and then the zip package, inflating every XML part itself with counted bytes: the
sizes a zip header claims may lie, a DTD (entities, the "billion laughs") is refused outright,
and the cell references of each standard sheet are scanned for how many rows and columns the
sheet really spans, because calamine allocates that whole rectangle at once and a 400-byte file
naming cell XFD1048576 would otherwise ask for hundreds of gigabytes. Where the platform can
fork, the parsing then runs in a child process with a time limit and a memory cap, so a file
that still finds a way to hang or exhaust the reader costs one line in the report, not the batch.
Every refusal is an ``UnreadableWorkbook`` whose message is the one-line reason a person reads.
"""

from __future__ import annotations

import contextlib
import faulthandler
import math
import os
import pickle
import re
import selectors
import signal
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from ipsxl import standard as std
from ipsxl.model import ROW, RawWorkbook, Table
from ipsxl.values import CellError

Grid = Sequence[Sequence[object]]

MB = 1024 * 1024


class UnreadableWorkbook(Exception):
    """The file cannot be read as a workbook at all; the message is the one-line reason.

    Reasons quote names from the file (its parts, its sheets), so the message is made one
    printable line here, whatever those names hold."""

    def __init__(self, reason: str) -> None:
        reason = "".join(ch if ch.isprintable() else "?" for ch in str(reason))
        super().__init__(reason if len(reason) <= 300 else reason[:297] + "...")


@dataclass(frozen=True)
class Limits:
    """How much a workbook may hold before ipsxl refuses it, so a crafted file cannot eat the
    machine. The defaults are far above a large agency's quarter (about 60,000 rows in all, a
    few MB inflated), and far below what would hurt an office PC running several at once."""

    max_bytes: int = 200 * MB  # the file on disk
    max_uncompressed: int = 512 * MB  # all parts inflated (counted, not as the zip claims)
    max_ratio: int = 200  # inflated / compressed, per part above 1 MiB
    max_rows: int = 1_048_576  # rows in one sheet (Excel's own maximum)
    max_columns: int = 500  # columns of a sheet searched for headers; the rest are ignored
    max_cells: int = 10_000_000  # rows x columns one standard sheet spans from A1
    max_seconds: float | None = 60.0  # to read one workbook (None: no limit)
    max_memory: int | None = 2048 * MB  # memory the reading may add (None: no cap)


DEFAULT_LIMITS = Limits()


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, float) and math.isnan(value)


def _find_header(grid: Grid, tab: std.Tab) -> tuple[int, dict[str, int]] | None:
    """The first row (0-based) in the first rows that names at least half the required columns,
    with the 0-based position of each standard column it names (the first spelling wins)."""
    lookup = std.header_lookup(tab)
    required = {c.name for c in tab.required_columns}
    need = max(1, math.ceil(len(required) * std.HEADER_MATCH_SHARE))
    for r, row in enumerate(grid[: std.HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for c, cell in enumerate(row):
            if _is_blank(cell):
                continue
            col = lookup.get(std.fold(cell))
            if col is not None and col.name not in found:
                found[col.name] = c
        if len(required & found.keys()) >= need:
            return r, found
    return None


def _table(grid: Grid, tab: std.Tab, sheet: str) -> Table | None:
    header = _find_header(grid, tab)
    if header is None:
        return None
    header_index, found = header
    names = list(found)
    body = _rectangle(grid[header_index + 1 :], len(grid[header_index]))
    # on the numpy array, what frame.mask(frame.eq("")).dropna(how="all") did on the frame:
    # empty cells become NaN, and rows with nothing in them go
    cells = body[:, [found[n] for n in names]]
    cells[cells == ""] = np.nan
    index = pd.RangeIndex(header_index + 2, header_index + 2 + len(cells), name=ROW)
    frame = pd.DataFrame(cells, columns=names, index=index, dtype=object)
    keep = pd.notna(cells).any(axis=1)
    if not keep.all():
        frame = frame.loc[keep]
    return Table(tab, sheet, header_index + 1, frame, {n: found[n] + 1 for n in names})


def _rectangle(rows: Grid, min_width: int = 0) -> np.ndarray:
    """Rows as one object array at least ``min_width`` wide (the header's width, so a tab with
    a header and no data rows still has every header column); short rows are padded with None."""
    if isinstance(rows, np.ndarray) and rows.ndim == 2 and rows.shape[1] >= min_width:
        return rows  # a grid that came through the reading child's pipe is one already
    width = max((len(r) for r in rows), default=min_width)
    width = max(width, min_width)
    if all(len(r) == width for r in rows):
        return np.array(rows, dtype=object).reshape(len(rows), width)
    return np.array([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)


def _program_table(grid: Grid, sheet: str) -> Table:
    """The Program tab: rows whose first filled cell names a field, the value in the next cell.
    A Field/Value header row is allowed but not needed."""
    lookup = {std.fold(f.name): f for f in std.PROGRAM.fields}
    rows, index = [], []
    header_row = 0
    for r, row in enumerate(grid):
        cells = [(c, v) for c, v in enumerate(row) if not _is_blank(v)]
        if not cells:
            continue
        c, first = cells[0]
        field = lookup.get(std.fold(first))
        if field is None:
            if std.fold(first) == "field" and not header_row:
                header_row = r + 1
            continue
        value = row[c + 1] if c + 1 < len(row) and not _is_blank(row[c + 1]) else None
        rows.append([field.name, value])
        index.append(r + 1)
    frame = pd.DataFrame(rows, columns=["Field", "Value"], dtype=object)
    frame.index = pd.Index(index, name=ROW, dtype="int64")
    return Table(std.PROGRAM, sheet, header_row, frame, {"Field": 1, "Value": 2})


def tables_from_grids(
    source: str, grids: Mapping[str, Grid], hidden: Iterable[str] = ()
) -> RawWorkbook:
    """Find every standard tab in a workbook's sheets (name -> grid of values from A1).

    The first sheet whose name matches a tab (or its aliases, folded) is that tab; ipsxl's own
    Fidelity and Flags sheets are never read as data.
    """
    tabs = std.tab_lookup()
    own = {std.fold(s) for s in std.OWN_SHEETS}
    tables: dict[str, Table] = {}
    for sheet, grid in grids.items():
        key = std.fold(sheet)
        tab = tabs.get(key)
        if key in own or tab is None or tab.name in tables:
            continue
        table = _program_table(grid, sheet) if tab is std.PROGRAM else _table(grid, tab, sheet)
        if table is None:  # no header row found: the tab is there but its columns are not
            table = Table(tab, sheet, 0, pd.DataFrame(index=pd.Index([], name=ROW)), {})
        tables[tab.name] = table
    return RawWorkbook(source, tables, sheets=list(grids), hidden=list(hidden))


# --- reading a file -----------------------------------------------------------------------------


def read_workbook(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> RawWorkbook:
    """Read a .xlsx/.xlsm file into standard tables, or raise UnreadableWorkbook with the reason.

    The file is never written to, and nothing in it is trusted: see the module's docstring.
    """
    path = Path(path)
    _check_file(path, limits)
    grids, hidden, sheets = _guarded(_read_grids, path, limits)
    raw = tables_from_grids(str(path), grids, hidden)
    raw.sheets = sheets
    return raw


def _check_file(path: Path, limits: Limits) -> None:
    """What is on disk: a regular file, not too big, and a zip package, not something else."""
    try:
        if not path.exists():
            raise UnreadableWorkbook("no such file")
        if not path.is_file():
            raise UnreadableWorkbook("not a file (a folder, device or pipe)")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise UnreadableWorkbook(
                f"too large: {size:,} bytes on disk (limit {limits.max_bytes:,}; raise --max-mb)"
            )
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise UnreadableWorkbook(f"cannot be opened: {why}") from None
    if not head:
        raise UnreadableWorkbook("not an Excel workbook: the file is empty (0 bytes)")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnreadableWorkbook(_ole_reason(path))
    if not head.startswith(b"PK"):
        raise UnreadableWorkbook(f"not an Excel workbook: {_what_it_is(head)}")


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


def _ole_reason(path: Path) -> str:
    """An OLE compound file is an encrypted .xlsx (Excel wraps those in OLE), an old binary .xls,
    or another Office binary. The directory's stream names tell which; they are UTF-16 and may
    sit anywhere in the file, so the whole file is searched, a chunk at a time."""
    encrypted = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
    workbook = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
    found_book = False
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(4 * MB):
            window = tail + chunk
            if any(name in window for name in encrypted):
                return "password-protected: remove the password in Excel and submit again"
            found_book = found_book or any(name in window for name in workbook)
            tail = window[-64:]
    if found_book:
        return "not an Excel workbook: old binary .xls format; open it and save it as .xlsx"
    return "not an Excel workbook: an old Office binary file; open it and save it as .xlsx"


# --- the zip package ----------------------------------------------------------------------------

_CHUNK = 1 * MB
_MAX_PARTS = 20_000
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a zip local file header, 30 bytes
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD_MARKS = tuple(
    mark.encode(enc) for mark in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le",
                                                                      "utf-16-be")
)
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"


@dataclass
class _Extent:
    """How far a sheet's value cells reach (1-based, from A1), and its error cells."""

    rows: int = 0
    cols: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class _Package:
    """What the package scan learnt: each standard sheet's extent, by sheet name."""

    extents: dict[str, _Extent]
    largest: _Extent  # of every sheet scanned, for a sheet name calamine spells differently


def _check_package(path: Path, limits: Limits, extents: bool = True) -> _Package:
    """Refuse what is not a sound workbook package, or would inflate past the limits, before
    calamine parses a byte; return the standard sheets' error cells and, with ``extents``, how
    far each reaches (the slower part of the scan, needed where memory cannot be capped)."""
    try:
        with zipfile.ZipFile(path) as zf, path.open("rb") as fh:
            return _scan_zip(zf, fh, limits, extents)
    except UnreadableWorkbook:
        raise
    except zipfile.BadZipFile as exc:
        raise UnreadableWorkbook(
            f"damaged: the file is incomplete or not a sound zip package ({_first_line(exc)});"
            " was the upload cut short?"
        ) from None
    except (OSError, EOFError, ValueError, struct.error, OverflowError, NotImplementedError,
            KeyError, IndexError) as exc:
        raise UnreadableWorkbook(f"damaged: unreadable zip package ({_first_line(exc)})") from None


def _scan_zip(zf: zipfile.ZipFile, fh: Any, limits: Limits, extents: bool) -> _Package:
    infos = zf.infolist()
    if len(infos) > _MAX_PARTS:
        raise UnreadableWorkbook(f"too large: {len(infos):,} parts in the package"
                                 f" (a workbook has a few dozen; limit {_MAX_PARTS:,})")
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
    sheet_parts, targets = _standard_sheet_parts(fh, by_name, budget)
    worksheets = targets | {n for n in by_name if n.startswith("xl/worksheets/")}
    found: dict[str, _Extent] = {}
    largest = _Extent()
    for info in infos:
        part = info.filename.lower()
        if not part.endswith(_XML_SUFFIXES):
            continue
        if part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            continue  # scanned already, by _standard_sheet_parts
        names = [n for n, target in sheet_parts.items() if target == part]
        # without a memory cap every worksheet part is measured: a sheet that calamine finds
        # where this scan did not is then held to the largest extent of them all
        if not names and not (extents and part in worksheets and part.endswith(".xml")):
            _scan_part(fh, info, budget, _discard)
            continue
        extent = _sheet_extent(fh, info, budget) if extents else _sheet_errors(fh, info, budget)
        for name in names:
            found[name] = extent
        if extent.rows * extent.cols > largest.rows * largest.cols:
            largest = extent
    return _Package(found, largest)


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


def _inflate(fh: Any, info: zipfile.ZipInfo, budget: _Budget) -> Iterator[bytes]:
    """A part's bytes, inflated here from the raw stream so that each byte is counted against
    the budget as it comes (a header's declared size is not believed), CRC checked at the end."""
    fh.seek(info.header_offset)
    head = fh.read(_LOCAL_HEADER.size)
    if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        raise UnreadableWorkbook(f"damaged: {info.filename} is missing from the package")
    fields = _LOCAL_HEADER.unpack(head)
    fh.seek(fields[10] + fields[11], os.SEEK_CUR)
    if info.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    else:
        raise UnreadableWorkbook(
            f"damaged: {info.filename} is compressed in a way Excel never uses"
            f" (method {info.compress_type})"
        )
    left, size, crc = info.compress_size, 0, 0
    while left > 0 and not (inflater and inflater.eof):
        raw = fh.read(min(left, _CHUNK))
        if not raw:
            raise UnreadableWorkbook(f"damaged: {info.filename} is cut short (an upload cut off?)")
        left -= len(raw)
        while raw:
            if inflater is None:
                out, raw = raw, b""
            else:
                try:
                    out = inflater.decompress(raw, _CHUNK)
                except zlib.error:
                    raise UnreadableWorkbook(f"damaged: {info.filename} is corrupt") from None
                raw = inflater.unconsumed_tail
            size += len(out)
            if size > info.file_size:
                raise UnreadableWorkbook(
                    f"damaged: {info.filename} is larger than its zip header says;"
                    " the file was crafted or corrupted"
                )
            budget.take(len(out), info.filename)
            crc = zlib.crc32(out, crc)
            yield out
            if inflater is not None and inflater.eof:
                break
    if inflater is not None and not inflater.eof:
        raise UnreadableWorkbook(f"damaged: {info.filename} is cut short (an upload cut off?)")
    if size != info.file_size or crc != info.CRC:
        raise UnreadableWorkbook(
            f"damaged: {info.filename} is corrupt (its size or checksum does not match)"
        )


def _scan_part(
    fh: Any, info: zipfile.ZipInfo, budget: _Budget, sink: Callable[[bytes], None] | None
) -> bytes | None:
    """Inflate one XML part, refusing a DTD; feed ``sink`` the bytes, or return them whole when
    ``sink`` is None and the part is small (workbook.xml and its relationships)."""
    tail = b""
    kept: list[bytes] = []
    for chunk in _inflate(fh, info, budget):
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

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, dtd_validation=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        why = _first_line(exc)
        raise UnreadableWorkbook(f"damaged: {part} is not well-formed ({why})") from None
    if root is None:
        raise UnreadableWorkbook(f"damaged: {part} is empty")
    return root


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _discard(chunk: bytes) -> None:
    """The sink of a part that is only checked (DTD, size, checksum), not read."""


def _standard_sheet_parts(
    fh: Any, by_name: Mapping[str, zipfile.ZipInfo], budget: _Budget
) -> tuple[dict[str, str], set[str]]:
    """Sheet name -> its part's name (lower case), for the sheets named like a standard tab;
    and the part names of every sheet of the workbook."""
    book = _xml(_scan_part(fh, by_name["xl/workbook.xml"], budget, None) or b"", "xl/workbook.xml")
    rels_info = by_name.get("xl/_rels/workbook.xml.rels")
    targets: dict[str, str] = {}
    if rels_info is not None:
        rels = _xml(_scan_part(fh, rels_info, budget, None) or b"", "xl/_rels/workbook.xml.rels")
        for rel in rels:
            if _local(rel.tag) == "Relationship" and rel.get("Id") and rel.get("Target"):
                targets[rel.get("Id")] = _part_name(rel.get("Target"))
    tabs = std.tab_lookup()
    parts: dict[str, str] = {}
    sheets: set[str] = set()
    for node in book.iter():
        if _local(node.tag) != "sheet":
            continue
        name = node.get("name") or ""
        rid = node.get(f"{{{_REL_NS}}}id") or node.get(f"{{{_STRICT_REL_NS}}}id")
        if rid in targets:
            sheets.add(targets[rid])
            if std.fold(name) in tabs:
                parts[name] = targets[rid]
    return parts, sheets


def _part_name(target: str) -> str:
    """A relationship target of workbook.xml as a part name ("worksheets/s1.xml" ->
    "xl/worksheets/s1.xml"; "/xl/worksheets/s1.xml" -> the same), lower case."""
    path = PurePosixPath(target.lstrip("/")) if target.startswith("/") else (
        PurePosixPath("xl") / target)
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
_PFX = rb"(?:[A-Za-z_][\w.\-]*:)?"
_PREFIXED_C = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")
_SPACED_C = re.compile(rb"<c[\t\r\n]")
# A cell holding something: <c r="B12" ...> (no "/" in its attributes); an empty, styled cell:
# <c r="B12" .../>, which calamine skips. Anything else makes the counts disagree.
_VALUE_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"[^>/]*>')
_VALUE_WIDE = re.compile(rb'<c r="([A-Z]{2,3})[0-9]{1,7}"[^>/]*>')
_EMPTY_C = re.compile(rb'<c r="[A-Z]{1,3}[0-9]{1,7}"[^>/]*/>')
_ODD = re.compile(rb"=\s*\"[^\"]*>|=\s*'[^']*>")
_ERROR_C = re.compile(
    rb"<" + _PFX + rb"c\s[^>]*?(?<=\s)t\s*=\s*\"e\"[^>]*(?<!/)>(.*?)</" + _PFX + rb"c>", re.S
)
_R_ATTR = re.compile(rb"(?<=\s)r\s*=\s*\"([A-Z]{1,3})([0-9]{1,7})\"")
_V_TEXT = re.compile(rb"<" + _PFX + rb"v>([^<]{1,64})</")


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
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(letters)
        n = n * 26 + ord(ch) - 64
    return n


class _QuickScan:
    """Extent and error cells of a sheet part from regular expressions over its bytes, cut into
    pieces at row ends; ``ok`` turns False when the part needs the slow scan."""

    def __init__(self) -> None:
        self.extent = _Extent()
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
            self._piece(self._pending)
        self._pending = b""

    def _piece(self, piece: bytes) -> None:
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
        if not rows:
            return
        ext = self.extent
        ext.rows = max(ext.rows, max(map(int, rows)))
        ext.cols = max(ext.cols, _widest_column(piece))
        _find_errors(piece, ext.errors)


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
    """Only the error cells of a sheet part: cheap, for when calamine's memory is capped."""

    def __init__(self) -> None:
        self.extent = _Extent()
        self._pending = b""

    def feed(self, chunk: bytes) -> None:
        data = self._pending + chunk
        cut = data.rfind(b"row>") + 4
        if cut < 4:
            self._pending = data if len(data) < 16 * MB else b""
            return
        self._pending = data[cut:]
        _find_errors(data[:cut], self.extent.errors)

    def finish(self) -> None:
        _find_errors(self._pending, self.extent.errors)
        self._pending = b""


class _SlowScan:
    """The same as ``_QuickScan`` with lxml's pull parser (hardened), for parts the quick scan
    cannot vouch for; it follows Excel's rules for cells and rows without references."""

    def __init__(self) -> None:
        from lxml import etree

        self.extent = _Extent()
        self._parser = etree.XMLPullParser(
            events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False,
            huge_tree=False,
        )
        self._row = 0
        self._col = 0

    def feed(self, chunk: bytes) -> None:
        from lxml import etree

        try:
            self._parser.feed(chunk)
            self._events()
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise UnreadableWorkbook(f"damaged: a sheet is not well-formed ({_first_line(exc)})"
                                     ) from None

    def finish(self) -> None:
        from lxml import etree

        try:
            self._parser.close()
            self._events()
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise UnreadableWorkbook(f"damaged: a sheet is not well-formed ({_first_line(exc)})"
                                     ) from None

    def _events(self) -> None:
        ext = self.extent
        for event, el in self._parser.read_events():
            name = _local(el.tag)
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
            if name == "c" and len(el):
                ext.rows = max(ext.rows, self._row)
                ext.cols = max(ext.cols, self._col)
                if el.get("t") == "e":
                    for child in el:
                        if _local(child.tag) == "v" and child.text:
                            ext.errors[(self._row, self._col)] = child.text.strip()[:64]
            if name in ("c", "row"):
                el.clear()
                parent = el.getparent()
                while el.getprevious() is not None and parent is not None:
                    del parent[0]


def _sheet_errors(fh: Any, info: zipfile.ZipInfo, budget: _Budget) -> _Extent:
    scan = _ErrorScan()
    _scan_part(fh, info, budget, scan.feed)
    scan.finish()
    return scan.extent


def _sheet_extent(fh: Any, info: zipfile.ZipInfo, budget: _Budget) -> _Extent:
    quick = _QuickScan()
    _scan_part(fh, info, budget, quick.feed)
    quick.finish()
    if quick.ok:
        return quick.extent
    slow = _SlowScan()
    budget.used -= info.file_size  # the same bytes again: counted once
    _scan_part(fh, info, budget, slow.feed)
    slow.finish()
    return slow.extent


# --- parsing with calamine ----------------------------------------------------------------------


def _read_grids(
    path: Path, limits: Limits, capped: bool = False
) -> tuple[dict[str, Grid], list[str], list[str]]:
    """Grids of the standard sheets, hidden sheet names and all sheet names, from calamine,
    after the package scan has vouched for the file.

    calamine allocates a sheet's whole rectangle at once, so where the memory of this process
    is not ``capped`` the scan measures each standard sheet's extent first; where it is, a
    rectangle too big for the cap only ends this process, and the extent is checked after
    loading (before the grid is built), which saves a second pass over every sheet."""
    package = _check_package(path, limits, extents=not capped)
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_path(str(path))
        metas = book.sheets_metadata
    except BaseException as exc:  # noqa: BLE001 - calamine's errors, and pyo3 panics
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise UnreadableWorkbook(f"damaged: {_first_line(exc)}") from None
    tabs = std.tab_lookup()
    grids: dict[str, Grid] = {}
    hidden, sheets = [], []
    for meta in metas:
        sheets.append(meta.name)
        if meta.visible != SheetVisibleEnum.Visible:
            hidden.append(meta.name)
        if std.fold(meta.name) not in tabs or meta.name in grids:
            continue  # only the standard's tabs are read at all
        extent = package.extents.get(meta.name, package.largest)
        if not capped:
            _check_extent(meta.name, extent, limits)
        grids[meta.name] = _sheet_grid(book, meta.name, extent, limits)
    return grids, hidden, sheets


def _check_extent(name: str, extent: _Extent, limits: Limits) -> None:
    if extent.rows > limits.max_rows:
        raise UnreadableWorkbook(
            f"too large: sheet '{name}' has cells down to row {extent.rows:,}"
            f" (limit {limits.max_rows:,}; delete stray cells far below the table,"
            " or raise --max-rows)"
        )
    if extent.rows * extent.cols > limits.max_cells:
        raise UnreadableWorkbook(
            f"too large: sheet '{name}' spans {extent.rows:,} rows x {extent.cols:,} columns"
            f" ({extent.rows * extent.cols:,} cells, limit {limits.max_cells:,}); delete stray"
            " cells far below or right of the table"
        )


def _sheet_grid(book: Any, name: str, extent: _Extent, limits: Limits) -> Grid:
    try:
        sheet = book.get_sheet_by_name(name)
        end = sheet.end
        if end is not None and sheet.height:
            _check_extent(name, _Extent(end[0] + 1, end[1] + 1), limits)
        grid = sheet.to_python(skip_empty_area=False)
    except UnreadableWorkbook:
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine's errors, and pyo3 panics
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        if isinstance(exc, MemoryError):
            raise UnreadableWorkbook(f"too large: sheet '{name}' does not fit in memory") from None
        raise UnreadableWorkbook(f"damaged: sheet '{name}': {_first_line(exc)}") from None
    if grid and len(grid[0]) > limits.max_columns:
        grid = [row[: limits.max_columns] for row in grid]
    for (r, c), text in extent.errors.items():  # calamine reads an error result as ''
        if r <= len(grid) and c <= len(grid[r - 1]) and grid[r - 1][c - 1] in ("", None):
            grid[r - 1][c - 1] = CellError(text)
    for i, row in enumerate(grid):  # blank rows as [] (grids may be ragged): far less to send
        if row and row.count("") == len(row):
            grid[i] = []
    return grid


def _first_line(exc: BaseException) -> str:
    """An exception's message as one short printable line, for a reason a person reads."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text[:200]


# --- time and memory limits ---------------------------------------------------------------------


def _guarded(func: Callable[..., Any], path: Path, limits: Limits) -> Any:
    """``func(path, limits)`` under the time and memory limits.

    Where the platform can fork, in a child process: a timeout kills it, its address space is
    capped, and whatever happens to it (a crash in native code, the memory cap reached) is one
    UnreadableWorkbook here. Elsewhere (Windows) the time limit is kept with a thread that is
    abandoned when it runs over, and the package scan's limits bound the memory.
    """
    if limits.max_seconds is None and limits.max_memory is None:
        return func(path, limits)
    if hasattr(os, "fork"):
        return _in_child(func, path, limits)
    return _in_thread(func, path, limits)


def _too_slow(limits: Limits) -> UnreadableWorkbook:
    return UnreadableWorkbook(
        f"too slow: reading it took longer than {limits.max_seconds:g} seconds"
        " (raise --timeout to allow more)"
    )


def _too_big_for_memory(limits: Limits) -> UnreadableWorkbook:
    return UnreadableWorkbook(
        f"too large: reading it needs more than {(limits.max_memory or 0) // MB:,} MB of memory"
    )


def _in_child(func: Callable[..., Any], path: Path, limits: Limits) -> Any:
    import lxml.etree  # noqa: F401 - imported before the fork, never inside the child
    import python_calamine  # noqa: F401

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its outcome is checked through the parent
        os.close(read_end)
        _child(func, path, limits, write_end)
    os.close(write_end)
    try:
        data = _collect(read_end, limits.max_seconds)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    if data is None:
        _kill(pid)
        raise _too_slow(limits)
    _, status = os.waitpid(pid, 0)
    if not data:  # the child died before it could say anything
        if os.WIFSIGNALED(status) and limits.max_memory is not None and os.WTERMSIG(status) in (
            signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV, signal.SIGBUS
        ):
            raise _too_big_for_memory(limits)
        raise UnreadableWorkbook(f"damaged: the reader stopped on it (status {status})")
    kind, value = pickle.loads(data)
    if kind == "unreadable":
        raise UnreadableWorkbook(value)
    return _unpacked_grids(value)


# A grid crosses the pipe from the reading child as its distinct values and one int32 per cell:
# pickling 50,000 rows cell by cell cost more than calamine took to read them, and a column holds
# few distinct values. Values count as the same only when their types are too (True, 1 and 1.0
# are equal in Python), and 0.0 and -0.0 are kept apart. Any other value passes unchanged.


def _packed_grids(value: Any) -> Any:
    """``_read_grids``' (grids, hidden, sheets) with each rectangular grid packed."""
    if not (isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], dict)):
        return value
    grids, hidden, sheets = value
    return {name: _packed(grid) for name, grid in grids.items()}, hidden, sheets


def _packed(grid: Grid) -> tuple[str, Any]:
    width = len(grid[0]) if grid else 0
    if any(len(row) != width for row in grid):
        return "rows", grid
    seen: dict[object, int] = {}
    add = seen.setdefault
    try:  # text (most cells) is its own key; anything else is keyed with its type
        codes = [
            add(v, len(seen)) if v.__class__ is str
            else add((v.__class__, v, math.copysign(1.0, v)) if v.__class__ is float and v == 0
                     else (v.__class__, v), len(seen))
            for row in grid for v in row
        ]
    except TypeError:  # an unhashable value: no reader gives one, but never fail on it
        return "rows", grid
    distinct = [key if key.__class__ is str else key[1] for key in seen]
    return "packed", (len(grid), width, distinct, np.array(codes, dtype=np.int32))


def _unpacked_grids(value: Any) -> Any:
    """The (grids, hidden, sheets) of ``_packed_grids``, each grid a 2-D object array."""
    if not (isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], dict)):
        return value
    grids, hidden, sheets = value
    return {name: _unpacked(*packed) for name, packed in grids.items()}, hidden, sheets


def _unpacked(how: str, packed: Any) -> Grid:
    if how == "rows":
        return packed
    height, width, distinct, codes = packed
    values = np.empty(len(distinct), dtype=object)
    for i, value in enumerate(distinct):  # one by one: numpy must not unpack a sequence value
        values[i] = value
    return values[codes].reshape(height, width)


def _child(func: Callable[..., Any], path: Path, limits: Limits, fd: int) -> None:
    """Run in the forked child: read, send the outcome pickled through ``fd``, and exit without
    running anything of the parent's (no atexit handlers, no buffered output flushed twice)."""
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 1)  # a native crash report or warning must not reach the user
        os.dup2(devnull, 2)
        faulthandler.disable()  # its dump goes to a saved descriptor, not to fd 2
        with contextlib.suppress(ValueError):  # Ctrl-C ends the child with its parent
            signal.signal(signal.SIGINT, signal.SIG_DFL)
        capped = limits.max_memory is not None and _cap_memory(limits.max_memory)
        try:
            outcome: tuple[str, Any] = ("ok", _packed_grids(func(path, limits, capped)))
        except UnreadableWorkbook as exc:
            outcome = ("unreadable", str(exc))
        except MemoryError:
            outcome = ("unreadable", str(_too_big_for_memory(limits)))
        except BaseException as exc:  # noqa: BLE001 - any surprise is one line, not a crash
            outcome = ("unreadable", f"damaged: {type(exc).__name__}: {_first_line(exc)}")
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("unreadable", str(_too_big_for_memory(limits))))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os._exit(0)


def _cap_memory(extra: int) -> bool:
    """Cap the child's address space at what it has now plus ``extra`` bytes; False where that
    cannot be done (no /proc: macOS), and the package scan then measures extents first."""
    import resource

    try:
        with open("/proc/self/statm") as fh:
            now = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = now + extra
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (OSError, ValueError):
        return False
    return True


def _collect(fd: int, seconds: float | None) -> bytes | None:
    """Everything the child writes until it closes the pipe, or None when time runs out."""
    deadline = None if seconds is None else time.monotonic() + seconds
    chunks: list[bytes] = []
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                return None
            if not sel.select(wait):
                continue
            chunk = os.read(fd, 4 * MB)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _in_thread(func: Callable[..., Any], path: Path, limits: Limits) -> Any:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = func(path, limits)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name=f"ipsxl-read {path.name}", daemon=True)
    worker.start()
    worker.join(limits.max_seconds)
    if worker.is_alive():
        raise _too_slow(limits)
    if "error" in outcome:
        exc = outcome["error"]
        if isinstance(exc, UnreadableWorkbook):
            raise exc
        if isinstance(exc, MemoryError):
            raise _too_big_for_memory(limits) from None
        raise UnreadableWorkbook(f"damaged: {type(exc).__name__}: {_first_line(exc)}") from None
    return outcome["value"]
