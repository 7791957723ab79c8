"""The workbook as an OPC zip package held in memory: parts, relationships, content types.

Parts keep their zip entry metadata and order, so a part ipsxl leaves alone is written back with
the same bytes, and a package written twice the same way is the same zip. A part is inflated
only when ipsxl reads it; a part that did not change is not even deflated again: its compressed
bytes are copied from the source file as they are. So a big sheet of the agency's own (a pivot
table's source of hundreds of MB) costs its compressed size, never its inflated one; and when
only its head changes (the sheet views, before its cells), only the head is held: the rest is
streamed from the source behind the new head when the package is saved. Saving goes through a
temporary file beside the target that replaces it only once it is complete.
"""

from __future__ import annotations

import copy
import hashlib
import io
import itertools
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ipsxl.files import runtime, xmlsafe
from ipsxl.files.safefiles import replacing
from ipsxl.files.snapshot import Snapshot
from ipsxl.writeback import xmlparse

if TYPE_CHECKING:
    from ipsxl.writeback.deadline import Deadline

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"

REL = NS_REL + "/"
RT_OFFICE_DOCUMENT = REL + "officeDocument"
RT_WORKSHEET = REL + "worksheet"
RT_STYLES = REL + "styles"
RT_SHARED_STRINGS = REL + "sharedStrings"
RT_DRAWING = REL + "drawing"
RT_CHART = REL + "chart"
RT_TABLE = REL + "table"
RT_COMMENTS = REL + "comments"
RT_VML = REL + "vmlDrawing"
RT_CUSTOM_XML = REL + "customXml"
RT_CUSTOM_XML_PROPS = REL + "customXmlProps"

CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_CHARTSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_XML = "application/xml"
CT_CUSTOM_XML_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"

CONTENT_TYPES = "[Content_Types].xml"
# a fixed timestamp for parts ipsxl adds, so the same run gives the same zip
_NEW_PART_TIME = (1980, 1, 1, 0, 0, 0)
MAX_UNCOMPRESSED = 2 * 1024**3
# A changed part this large is deflated at level 1 rather than zlib's default 6: the 24 MB sheet of
# a 50,000-row Employer Log takes 0.07 s instead of 0.18 s, for a part 21% larger (2.90 MB against
# 2.39 MB). Write-back runs while a person waits; any deflate level reads the same in Excel.
FAST_DEFLATE_FROM = 1 << 20
FAST_DEFLATE_LEVEL = 1
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a zip entry's local file header (APPNOTE 4.3.7)
_LOCAL_SIGNATURE = b"PK\x03\x04"
# the compression methods zipfile reads (a part compressed otherwise cannot be read or edited)
_READABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
# flag bits a copied entry keeps: the compression options (1, 2) and UTF-8 names (11); the data
# descriptor bit (3) goes, since the copy has its sizes and CRC in its local header
_KEPT_FLAGS = 0x0806
T = TypeVar("T")


class PackageError(ValueError):
    """The file is not a workbook package ipsxl can write into."""


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str
    external: bool
    part: str | None  # the resolved part name for an internal target


def rels_name(part: str) -> str:
    """xl/workbook.xml -> xl/_rels/workbook.xml.rels ("" -> _rels/.rels)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source: str, target: str) -> str:
    """A relationship target, relative to its source part, as a part name."""
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, part: str) -> str:
    """The target to write in ``source``'s relationships to reach ``part``."""
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


class _Source:
    """The zip a package was read from, and the parts of it inflated so far: each once, shared
    by the package and its copies (caches of what was read from a part know it by its bytes)."""

    def __init__(self, zf: zipfile.ZipFile, label: object = "") -> None:
        self.zf = zf
        self.label = label
        self.inflated: dict[str, bytes] = {}

    def read(self, info: zipfile.ZipInfo) -> bytes:
        data = self.inflated.get(info.filename)
        if data is None:
            try:
                data = self.zf.read(info)  # checks the CRC of these very bytes
            except (
                zipfile.BadZipFile,
                OSError,
                RuntimeError,
                NotImplementedError,
                zlib.error,
                EOFError,
            ) as exc:
                raise PackageError(f"{self.label}: {info.filename} is damaged ({exc})") from exc
            self.inflated[info.filename] = data
        return data

    def chunks(self, info: zipfile.ZipInfo, skip: int = 0) -> Iterator[bytes]:
        """The part's bytes from ``skip`` on, inflated a chunk at a time (zipfile's own stream:
        its CRC is checked as the end is read)."""
        try:
            with self.zf.open(info) as fh:
                if skip:
                    fh.read(skip)
                while chunk := fh.read(_COPY_CHUNK):
                    yield chunk
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError) as exc:
            raise PackageError(f"{self.label}: {info.filename} is damaged ({exc})") from exc


@dataclass(frozen=True)
class _NewHead:
    """A part of the source whose first ``cut`` bytes are replaced by ``head``; the rest is
    read from the source only as it is written."""

    info: zipfile.ZipInfo
    cut: int
    head: bytes

    def size(self) -> int:
        return self.info.file_size - self.cut + len(self.head)


# the parts of the source not read yet, in ``_Parts``
_UNREAD = None
_COPY_CHUNK = 1 << 20
# the most of a part's head ``Package.head`` holds: a worksheet's views, columns and properties
HEAD_LIMIT = 4 << 20


class _Parts(MutableMapping[str, bytes]):
    """Part name -> bytes, in the package's order. A part of the source is inflated when it is
    first asked for; until then it is only a name (``unread``), or a name and a new head
    (``set_head``)."""

    def __init__(self, source: _Source, infos: dict[str, zipfile.ZipInfo]) -> None:
        self.source = source
        self._infos = infos  # the source's entries, by name
        self._data: dict[str, bytes | _NewHead | None] = dict.fromkeys(infos, _UNREAD)

    def __getitem__(self, name: str) -> bytes:
        data = self._data[name]
        if data is _UNREAD:
            return self.source.read(self._infos[name])
        if isinstance(data, _NewHead):  # asked for whole after all: held from now on
            data = self._data[name] = data.head + self.source.read(data.info)[data.cut :]
        return data

    def __setitem__(self, name: str, data: bytes) -> None:
        self._data[name] = data

    def __delitem__(self, name: str) -> None:
        del self._data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def unread(self, name: str) -> zipfile.ZipInfo | None:
        """The source's entry of a part still as read and not inflated here, else None."""
        if self._data.get(name, b"") is _UNREAD and name not in self.source.inflated:
            return self._infos[name]
        return None

    def set_head(self, name: str, cut: int, head: bytes) -> None:
        """Replace the first ``cut`` bytes of a part never inflated here (see ``streamed``) by
        ``head``."""
        now = self._data[name]
        if isinstance(now, _NewHead):  # a head changed again: cut from the bytes as they are
            if cut >= len(now.head):
                self._data[name] = _NewHead(now.info, now.cut + cut - len(now.head), head)
            else:
                self._data[name] = _NewHead(now.info, now.cut, head + now.head[cut:])
            return
        info = self.unread(name)
        assert info is not None, name
        self._data[name] = _NewHead(info, cut, head)

    def streamed(self, name: str) -> tuple[Iterable[bytes], int] | None:
        """For a part never inflated here, unread or with a new head only, its bytes a chunk at
        a time and their length; None for any other part."""
        info = self.unread(name)
        if info is not None:
            return self.source.chunks(info), info.file_size
        data = self._data.get(name)
        if isinstance(data, _NewHead):
            chunks = itertools.chain((data.head,), self.source.chunks(data.info, data.cut))
            return chunks, data.size()
        return None

    def copy(self) -> _Parts:
        twin = _Parts(self.source, self._infos)
        twin._data = dict(self._data)
        return twin


class Package:
    """Ordered parts of one zip, with what is needed to write them back unchanged."""

    def __init__(
        self,
        parts: MutableMapping[str, bytes],
        infos: dict[str, zipfile.ZipInfo],
        comment: bytes = b"",
        compressed: dict[str, memoryview] | None = None,
    ) -> None:
        # name -> bytes; read from a zip, a ``_Parts`` that inflates a part when first asked
        self.parts = parts
        self.infos = infos
        self.comment = comment
        # the source's compressed bytes of each part still as read, to copy rather than deflate
        self.compressed = compressed if compressed is not None else {}
        self._lower = {name.lower(): name for name in parts}
        # what was read from a part (its tree, its relationships, the content types), kept with
        # the very bytes it was read from: a part is parsed once however often it is asked for
        # (a workbook of 15,000 sheets asks for the content types once per sheet)
        self._read: dict[tuple[str, str], tuple[bytes, object]] = {}

    @classmethod
    def read(cls, source: Path | Snapshot, deadline: Deadline | None = None) -> Package:
        """The package of ``source`` (read whole once: its bytes are the snapshot's). Parts are
        inflated, their CRC checked, when first asked for; a part never asked for is copied as
        it is stored, its checksum with it (``ipsxl check`` has scanned every XML part first)."""
        path = source.path if isinstance(source, Snapshot) else source
        try:
            data = Snapshot.of(source).data  # once: the parts, and their compressed bytes
            blob = memoryview(data)
            zf = zipfile.ZipFile(io.BytesIO(data))
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
                raise PackageError(f"{path}: too large to write into")
            keep: dict[str, zipfile.ZipInfo] = {}
            compressed: dict[str, memoryview] = {}
            for info in infos:
                if deadline is not None:
                    deadline.check()
                if info.is_dir():
                    continue
                if info.flag_bits & 0x1 or info.compress_type not in _READABLE:
                    raise PackageError(
                        f"{path}: not a workbook package ({info.filename} is encrypted or"
                        f" compressed with method {info.compress_type})"
                    )
                keep[info.filename] = info
                raw = _entry_data(blob, info)
                if raw is not None:
                    compressed[info.filename] = raw
            parts = _Parts(_Source(zf, path), keep)
            return cls(parts, dict(keep), zf.comment, compressed)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            raise PackageError(f"{path}: not a workbook package ({exc})") from exc

    def copy(self) -> Package:
        """A package to change without changing this one (parts are shared until replaced)."""
        parts = self.parts.copy() if isinstance(self.parts, _Parts) else dict(self.parts)
        twin = Package(parts, dict(self.infos), self.comment, dict(self.compressed))
        twin._read = self._read  # kept by the bytes they were read from: safe to share
        return twin

    # --- parts ---

    def name(self, part: str) -> str | None:
        """The part's name as stored (part names are case-insensitive), or None."""
        return self._lower.get(part.lower())

    def has(self, part: str) -> bool:
        return part.lower() in self._lower

    def get(self, part: str) -> bytes:
        stored = self.name(part)
        if stored is None:
            raise KeyError(part)
        return self.parts[stored]

    def set(self, part: str, data: bytes) -> None:
        """Replace or add a part; a replaced part keeps its zip entry metadata and place."""
        stored = self.name(part)
        if stored is not None:
            if data != self.parts[stored]:
                self.compressed.pop(stored, None)
            self.parts[stored] = data
            return
        self.parts[part] = data
        self._lower[part.lower()] = part
        info = zipfile.ZipInfo(part, date_time=_NEW_PART_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        self.infos[part] = info

    def remove(self, part: str) -> None:
        stored = self.name(part)
        if stored is None:
            return
        del self.parts[stored]
        del self.infos[stored]
        self.compressed.pop(stored, None)
        del self._lower[stored.lower()]

    def holds_before(self, part: str, needle: bytes, before: bytes) -> bool:
        """Whether the part's bytes hold ``needle`` ahead of the first ``before`` (anywhere
        when there is none): a question about a worksheet's head (its sheet views come before
        its cells) that does not inflate a big sheet never read, past its head."""
        keep = max(len(needle), len(before)) - 1
        tail = b""
        for chunk in self._chunks(part):
            window = tail + chunk
            end = window.find(before)
            if window.find(needle, 0, len(window) if end < 0 else end) >= 0:
                return True
            if end >= 0:
                return False
            tail = window[-keep:] if keep else b""
        return False

    def head(self, part: str, until: bytes, limit: int = HEAD_LIMIT) -> bytes | None:
        """The part's bytes up to the end of the tag holding the first ``until`` (a worksheet's
        ``sheetData``), read no further than that: None when there is no such tag within
        ``limit`` bytes. What ``set_head`` then replaces."""
        held = b""
        at = -1
        for chunk in self._chunks(part):
            start = max(len(held) - len(until), 0)
            held += chunk
            if at < 0:
                at = held.find(until, start)
            if at >= 0:
                end = held.find(b">", at)
                if end >= 0:
                    return held[: end + 1]
            if len(held) > limit:
                return None
        return None

    def streamed(self, part: str) -> bool:
        """Whether the part is never inflated here, only ever read a chunk at a time (it is as
        read, or only its head changed): ``set_head`` can change its head."""
        stored = self.name(part)
        return stored is not None and self._streamed(stored) is not None

    def set_head(self, part: str, cut: int, head: bytes) -> None:
        """Replace the first ``cut`` bytes of a ``streamed`` part by ``head``, leaving the rest
        where it is: in the source, read a chunk at a time when the package is saved."""
        stored = self.name(part)
        assert stored is not None and isinstance(self.parts, _Parts), part
        self.parts.set_head(stored, cut, head)
        self.compressed.pop(stored, None)

    def sha256(self, part: str) -> str:
        """The SHA-256 of the part's bytes, read a chunk at a time when they are not held."""
        digest = hashlib.sha256()
        for chunk in self._chunks(part):
            digest.update(chunk)
        return digest.hexdigest()

    def _chunks(self, part: str) -> Iterable[bytes]:
        stored = self.name(part)
        if stored is None:
            raise KeyError(part)
        streamed = self._streamed(stored)
        return streamed[0] if streamed is not None else (self.parts[stored],)

    def _streamed(self, stored: str) -> tuple[Iterable[bytes], int] | None:
        return self.parts.streamed(stored) if isinstance(self.parts, _Parts) else None

    def free_name(self, pattern: str, start: int = 1) -> str:
        """The first unused name from a pattern such as "xl/worksheets/sheet{}.xml"."""
        n = start
        while self.has(pattern.format(n)):
            n += 1
        return pattern.format(n)

    def _once(self, part: str, kind: str, read: Callable[[bytes], T]) -> T:
        """``read(bytes of part)``, worked out once for these bytes of the part."""
        data = self.get(part)
        key = (self.name(part) or part, kind)
        kept = self._read.get(key)
        if kept is not None and kept[0] is data:
            return kept[1]  # type: ignore[return-value]
        value = read(data)
        self._read[key] = (data, value)
        return value

    def xml(self, part: str, lenient: bool = False):
        """The part's parsed tree (shared: read it, never change it)."""
        kind = "lenient" if lenient else "xml"
        return self._once(part, kind, lambda data: xmlparse.parse(data, part, lenient=lenient))

    # --- relationships ---

    def rels(self, part: str) -> list[Rel]:
        """The relationships of a part ("" for the package's own)."""
        name = rels_name(part)
        if not self.has(name):
            return []
        return list(self._once(name, "rels", lambda _: self._read_rels(part, name)))

    def _read_rels(self, part: str, name: str) -> list[Rel]:
        out = []
        for el in self.xml(name):
            if xmlsafe.local(el.tag) != "Relationship":
                continue
            target = el.get("Target", "")
            external = el.get("TargetMode") == "External"
            out.append(
                Rel(
                    el.get("Id", ""),
                    el.get("Type", ""),
                    target,
                    external,
                    None if external else resolve(part, target),
                )
            )
        return out

    def workbook_part(self) -> str:
        for rel in self.rels(""):
            if rel.type == RT_OFFICE_DOCUMENT and rel.part and self.has(rel.part):
                return self.name(rel.part) or rel.part
        raise PackageError("no workbook part in the package")

    # --- content types ---

    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """(extension -> type, lower-case part name -> type); shared: read them, never change
        them."""
        return self._once(CONTENT_TYPES, "types", lambda _: self._read_content_types())

    def _read_content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for el in self.xml(CONTENT_TYPES):
            kind = xmlsafe.local(el.tag)
            if kind == "Default":
                defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
            elif kind == "Override":
                overrides[el.get("PartName", "").lstrip("/").lower()] = el.get("ContentType", "")
        return defaults, overrides

    def content_type(self, part: str) -> str | None:
        defaults, overrides = self.content_types()
        if part.lower() in overrides:
            return overrides[part.lower()]
        return defaults.get(posixpath.splitext(part)[1][1:].lower())

    # --- saving ---

    def save(
        self, target: Path, like: Path | Snapshot | None = None, deadline: Deadline | None = None
    ) -> None:
        """Write the package to ``target`` through a temporary file beside it (see
        ``safefiles.replacing``: ``like`` gives the permissions, and a snapshot of ``target``
        itself must still be what is on disk); past ``deadline``, nothing at all.

        Each entry gets a copy of its zip metadata, so saving leaves this package as it was."""
        with replacing(target, like) as fh:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
                infos = {name: copy.copy(info) for name, info in self.infos.items()}
                deflated = self._deflate_changed(infos) if _can_copy(zf) else {}
                for name in self.parts:
                    if deadline is not None:
                        deadline.check()
                    unread = self._unread(name)
                    write_entry(
                        zf,
                        infos[name],
                        self.parts[name] if unread is None else None,
                        self.compressed.get(name, deflated.get(name)),
                        unread,
                    )
                zf.comment = self.comment

    def _unread(self, name: str) -> Callable[[zipfile.ZipFile, zipfile.ZipInfo], None] | None:
        """For a part of the source never inflated here (see ``_Parts.streamed``), what copies
        it into a zip being written a chunk at a time; None for any other."""
        streamed = self._streamed(name)
        if streamed is None:
            return None
        chunks, size = streamed
        return lambda zf, info: _stream_to(zf, info, chunks, size)

    def _deflate_changed(self, infos: dict[str, zipfile.ZipInfo]) -> dict[str, bytes]:
        """The changed (and new) deflated parts, compressed side by side in threads (zlib lets
        go of the GIL), with their ``infos`` given the CRC and sizes to match: the worksheet of
        a 50,000-row log and the other flagged sheets then take the time of the largest.
        Where threads cannot start (Pyodide) they are compressed one after another."""
        names = [
            n
            for n, info in infos.items()
            if n not in self.compressed
            and self._unread(n) is None  # copied a chunk at a time instead
            and info.compress_type == zipfile.ZIP_DEFLATED
            and self.parts[n]
        ]
        texts = (self.parts[n] for n in names)
        if runtime.can_start_threads():
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=2) as pool:
                done = dict(zip(names, pool.map(_deflate, texts), strict=True))
        else:
            done = dict(zip(names, map(_deflate, texts), strict=True))
        for name, (data, crc) in done.items():
            info = infos[name]
            info.CRC, info.file_size, info.compress_size = crc, len(self.parts[name]), len(data)
        return {name: data for name, (data, _) in done.items()}


# --- zip entries ------------------------------------------------------------------------------


def _stream_to(zf: zipfile.ZipFile, info: zipfile.ZipInfo, chunks: Iterable[bytes], size: int):
    """Add a part to ``zf`` as ``info``, deflated a chunk at a time as ``chunks`` come."""
    with zf.open(info, "w", force_zip64=size > zipfile.ZIP64_LIMIT // 2) as dst:
        for chunk in chunks:
            dst.write(chunk)


def _deflate(data: bytes) -> tuple[bytes, int]:
    """``data`` as a raw deflate stream (what a zip entry holds) and its CRC-32, at the level
    zipfile would use (fast for a large part: see FAST_DEFLATE_FROM)."""
    level = FAST_DEFLATE_LEVEL if len(data) >= FAST_DEFLATE_FROM else zlib.Z_DEFAULT_COMPRESSION
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data)


def _entry_data(blob: memoryview, info: zipfile.ZipInfo) -> memoryview | None:
    """The compressed bytes of one entry in the zip file ``blob`` (None if they cannot be found:
    such a part is deflated again when saved)."""
    at = info.header_offset
    head = blob[at : at + _LOCAL_HEADER.size]
    if len(head) < _LOCAL_HEADER.size:
        return None
    fields = _LOCAL_HEADER.unpack(head)
    if fields[0] != _LOCAL_SIGNATURE:
        return None
    start = at + _LOCAL_HEADER.size + fields[10] + fields[11]  # after the name and extra field
    data = blob[start : start + info.compress_size]
    return data if len(data) == info.compress_size else None


def write_entry(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    data: bytes | None,
    compressed: bytes | memoryview | None,
    unread: Callable[[zipfile.ZipFile, zipfile.ZipInfo], None] | None = None,
) -> None:
    """Add one part to the zip being written: ``compressed`` when its bytes are known already
    (the source's, for a part that did not change, or deflated beforehand, with ``info``'s CRC
    and sizes to match); else, for a part of the source never inflated (``data`` None), the
    source's copied by ``unread`` a chunk at a time; else ``data`` deflated here (quickly when
    large)."""
    if compressed is not None and _can_copy(zf):
        _copy_compressed(zf, info, compressed)
        return
    if data is None:
        assert unread is not None, info.filename
        unread(zf, info)
        return
    level = FAST_DEFLATE_LEVEL if len(data) >= FAST_DEFLATE_FROM else None
    zf.writestr(info, data, compresslevel=level)


def _can_copy(zf: zipfile.ZipFile) -> bool:
    """Whether this zipfile has the internals ``_copy_compressed`` relies on."""
    return all(
        hasattr(zf, name)
        for name in (
            "fp",
            "start_dir",
            "_seekable",
            "_lock",
            "_writecheck",
            "filelist",
            "NameToInfo",
        )
    )


def _copy_compressed(zf: zipfile.ZipFile, info: zipfile.ZipInfo, compressed: memoryview) -> None:
    """Add an entry whose compressed bytes, CRC and sizes are already known.

    zipfile has no public call for this; it is done as ``ZipFile.mkdir`` adds its entries: the
    local header and the data at the end of the entries written so far, and the entry listed for
    the central directory that ``close`` writes.
    """
    info.flag_bits &= _KEPT_FLAGS
    zip64 = max(info.file_size, info.compress_size) > zipfile.ZIP64_LIMIT
    with zf._lock:
        if zf._seekable:
            zf.fp.seek(zf.start_dir)
        info.header_offset = zf.fp.tell()
        zf._writecheck(info)
        zf._didModify = True
        zf.fp.write(info.FileHeader(zip64))
        zf.fp.write(compressed)
        zf.filelist.append(info)
        zf.NameToInfo[info.filename] = info
        zf.start_dir = zf.fp.tell()
