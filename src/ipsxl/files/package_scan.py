"""Whether a workbook's zip package is safe to hand to a parser, and what the sheets in it hold.

Before anything python-calamine reads is used (and, where memory cannot be capped, before it
parses a byte), the package's XML parts are inflated here with counted bytes: the sizes a zip
header claims may lie, a DTD (entities, the "billion laughs") is refused, and each standard
sheet is scanned (``extents.py``) for how far it really spans, since calamine allocates that
whole rectangle at once, and for the formula error cells calamine reads as blank.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipsxl.core import standard as std
from ipsxl.files import xmlsafe
from ipsxl.files.extents import RANGE, ErrorScan, Extent, QuickScan, SlowScan, Span, col_number
from ipsxl.files.limits import MB, Limits, UnreadableWorkbook, first_line
from ipsxl.files.snapshot import Snapshot
from ipsxl.files.xmlsafe import local

_CHUNK = 1 * MB
_MAX_PARTS = 20_000
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"


@dataclass
class _Package:
    """What the package scan learnt: each standard sheet's extent, by sheet name, and the
    sizes ``part_sizes`` tells, from the same look at the package."""

    extents: dict[str, Extent]
    largest: Extent  # of every sheet scanned, for a sheet name calamine spells differently
    sizes: dict[str, int]
    shared_strings: int


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
    return _Package(found, largest, *_sizes(by_name, sheet_parts))


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
        table = kept.get(_part_name(target, folder))
        if not table:
            continue
        root = _xml(table, "a table part")
        count, ref = root.get("totalsRowCount") or "0", root.get("ref") or ""
        m = re.fullmatch(RANGE, ref)
        if not (m and count.isdigit() and int(count) > 0):
            continue
        last = int(m.group(4))
        first = max(int(m.group(2)), last - int(count) + 1)
        spans.append((first, col_number(m.group(1)), last, col_number(m.group(3))))
    return spans


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
    inflates no further than the size the zip directory declares (which the checks before have
    bounded) and checks the CRC at the end, which a part that would run past that size fails;
    one that comes out shorter is refused here."""
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
    watch = xmlsafe.DtdWatch()
    kept: list[bytes] = []
    for chunk in _inflate(zf, info, budget):
        if watch.declares_dtd(chunk):
            raise UnreadableWorkbook(xmlsafe.dtd_refusal(info.filename))
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
    return _sizes(by_name, parts)


def _sizes(
    by_name: Mapping[str, zipfile.ZipInfo], parts: Mapping[str, str]
) -> tuple[dict[str, int], int]:
    """``part_sizes`` from the parts by (lower-case) name and the standard sheets' parts."""
    shared = sum(i.file_size for n, i in by_name.items() if n.endswith("sharedstrings.xml"))
    sizes = {name: by_name[part].file_size for name, part in parts.items() if part in by_name}
    return sizes, shared


def _part_name(target: str, folder: str = "xl") -> str:
    """A relationship target of a part in ``folder`` as a part name, lower case: for workbook.xml
    "worksheets/s1.xml" -> "xl/worksheets/s1.xml", and "/xl/worksheets/s1.xml" the same."""
    path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in (".", ""):
            parts.append(piece)
    return "/".join(parts).lower()


def _sheet_errors(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> Extent:
    scan = ErrorScan()
    _scan_part(zf, info, budget, scan.feed)
    scan.finish()
    return scan.extent


def _sheet_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> Extent:
    quick = QuickScan()
    _scan_part(zf, info, budget, quick.feed)
    quick.finish()
    if quick.ok:
        return quick.extent
    slow = SlowScan()
    budget.used -= info.file_size  # the same bytes again: counted once
    _scan_part(zf, info, budget, slow.feed)
    slow.finish()
    return slow.extent
