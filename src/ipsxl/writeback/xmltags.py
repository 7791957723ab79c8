"""Reading XML parts safely, and editing them as text so that only what ipsxl adds changes.

Every XML part ipsxl reads goes through ``parse`` (lxml, no entity expansion, no network, no huge
trees). Parts ipsxl must change are not re-serialized: lxml would rewrite quoting, character
references and empty elements all through a part it only needs to add one element to. Instead a
``TextEdit`` collects insertions and replacements at positions found by ``tags``, and applying it
yields both the new text and the inverse patches that turn it back into the original exactly.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree

from ipsxl.files import xmlsafe
from ipsxl.files.xmlsafe import QNAME, local


class BadPart(ValueError):
    """An XML part ipsxl cannot safely read or edit."""


def parse(data: bytes, name: str = "", lenient: bool = False) -> etree._Element:
    """Parse one XML part with the hardened parser; a DTD is refused (OOXML has none)."""
    _refuse_dtd(data, name)
    try:
        root = etree.fromstring(data, xmlsafe.parser(lenient))
    except etree.XMLSyntaxError as exc:
        raise BadPart(f"{name}: not well-formed XML ({exc})") from exc
    if root is None:
        raise BadPart(f"{name}: empty XML part")
    return root


_FEED = 1 << 16  # bytes the fallback of parse_shallow hands the parser at a time (64 KB)


def parse_shallow(
    data: bytes, name: str = "", inside: str = "sheetData", emptied: bytes | None = None
) -> etree._Element:
    """``parse`` for a part that may be huge, a worksheet of 50,000 rows: the same checks and
    parser over every byte, but a tree of the part's top-level elements only, each ``inside``
    element left empty. (The whole tree of such a sheet took 400 MB, and most of a second to
    build and free; building even the rows of it, to drop them as read, took 0.4 s.)

    Every byte goes through libxml2 without a tree (``well_formed``); the tree is then built from
    the part with the content of ``inside`` cut out (``emptied``, when the caller has cut it
    already). A part that does not parse is handed to ``parse``, for the very same refusal."""
    _refuse_dtd(data, name)
    if not well_formed(data):
        return parse(data, name)
    if emptied is None:
        emptied = _emptied(data, inside)
    if emptied is not None:
        try:
            return etree.fromstring(emptied, xmlsafe.parser())
        except etree.XMLSyntaxError:
            pass  # cut at the wrong place (an end tag in a comment, say): read it all
    return _parse_dropping(data, name, inside)


def _refuse_dtd(data: bytes, name: str) -> None:
    head = data[:2048].lstrip(codecs.BOM_UTF8)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise BadPart(f"{name}: XML with a DTD is not a workbook part")


class _NoTree:
    """A parser target that keeps nothing: libxml2 reads and checks every byte, no tree is built."""

    def close(self) -> None:
        return None


def well_formed(data: bytes) -> bool:
    """Whether ``parse`` would accept the part, at a quarter of the cost of building its tree
    (0.11 s for a 24 MB sheet). A parser with a target does not raise namespace errors, which
    ``parse`` does, so any error it logged counts too."""
    parser = xmlsafe.checking_parser(_NoTree())
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return False
    return all(e.level < etree.ErrorLevels.ERROR for e in parser.error_log)


# One tag of any kind; for an element's tag its name, attributes and whether it is an end tag or
# an empty element (comments, CDATA sections and processing instructions match unnamed). The
# same pattern scans a part's bytes (``_emptied``) and its text (``tags``).
_TAG_PATTERN = (
    r"""<(?:!--.*?--|!\[CDATA\[.*?\]\]|\?.*?\?|!.*?"""
    rf"""|(?P<close>/)?(?P<name>{QNAME})"""
    r"""(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*?)(?P<empty>/)?)>"""
)
_TAG = re.compile(_TAG_PATTERN, re.S)
_TAG_BYTES = re.compile(_TAG_PATTERN.encode(), re.S)


def _emptied(data: bytes, inside: str) -> bytes | None:
    """``data`` without the content of its first ``inside`` element (None if it has none).

    The element's end is the first end tag of its name after it; were that one inside a comment,
    the end tag left over would make the result not parse, and the caller reads it all."""
    local_name = inside.encode()
    for m in _TAG_BYTES.finditer(data):
        name = m.group("name")
        if name is None or m.group("close") or name.rsplit(b":", 1)[-1] != local_name:
            continue
        if m.group("empty"):
            return None
        end = data.find(b"</" + name + b">", m.end())
        return None if end < 0 else data[: m.end()] + data[end:]
    return None


def _parse_dropping(data: bytes, name: str, inside: str) -> etree._Element:
    """The slower way to the same tree: a pull parser that drops the children of each
    ``inside`` element as they are read."""
    parser = xmlsafe.pull_parser(("start",), f"{{*}}{inside}")
    holders: list[etree._Element] = []
    try:
        for at in range(0, len(data), _FEED):
            parser.feed(data[at : at + _FEED])
            holders += (element for _, element in parser.read_events())
            for holder in holders:
                del holder[:-1]  # the rows read so far; the last may still be open
        root = parser.close()
    except etree.XMLSyntaxError:
        return parse(data, name)
    for holder in holders:
        del holder[:]
    return root


# --- escaping ---------------------------------------------------------------------------------

# Characters XML 1.0 forbids, and the "_xHHHH_" escapes of OOXML (ST_Xstring) that a literal
# occurrence must not be mistaken for.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LITERAL_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def xstring(text: str) -> str:
    """Text safe for XML 1.0 that Excel reads back as the same string.

    Characters XML forbids become OOXML's ``_xHHHH_`` escapes, and a literal ``_x0041_`` in the
    text is protected as ``_x005F_x0041_`` so it is not decoded.
    """
    text = _LITERAL_ESCAPE.sub(r"_x005F_\1", text)
    return _FORBIDDEN.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def esc_text(text: str) -> str:
    """Element content: markup characters escaped, forbidden characters as ``_xHHHH_``."""
    return escape(xstring(text))


_ATTR_ENTITIES = {'"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}


def esc_attr(text: str) -> str:
    """An attribute value in double quotes (whitespace kept as character references)."""
    return escape(_FORBIDDEN.sub("", text), _ATTR_ENTITIES)


def t_element(text: str, tag: str = "t") -> str:
    """A ``<t>`` element that keeps leading, trailing and line-break whitespace."""
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f"<{tag}{space}>{esc_text(text)}</{tag}>"


# --- decoding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Encoded:
    """How a part's bytes were encoded, so edited text goes back the same way."""

    encoding: str
    bom: bytes


def decode(data: bytes) -> tuple[str, Encoded]:
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(enc), Encoded(enc, bom)
    return data.decode("utf-8"), Encoded("utf-8", b"")


def encode(text: str, how: Encoded) -> bytes:
    return how.bom + text.encode(how.encoding)


# --- tags as text -----------------------------------------------------------------------------

_ATTR = re.compile(r"""(\s+)([\w.\-]+(?::[\w.\-]+)?)\s*=\s*("[^"]*"|'[^']*')""")


@dataclass(frozen=True)
class Tag:
    """One start, end or empty-element tag in a part's text."""

    start: int
    end: int
    name: str  # local name
    qname: str
    closing: bool
    empty: bool
    attrs_start: int
    attrs_end: int

    def attr(self, text: str, qname: str) -> str | None:
        """An attribute's raw (still escaped) value, by its name as written ("s", "r:id")."""
        m = self.attr_match(text, qname)
        return None if m is None else m.group(3)[1:-1]

    def attr_match(self, text: str, qname: str) -> re.Match[str] | None:
        for m in _ATTR.finditer(text, self.attrs_start, self.attrs_end):
            if m.group(2) == qname:
                return m
        return None

    @property
    def prefix(self) -> str:
        return self.qname[: -len(self.name)]


def tags(text: str, start: int = 0, end: int | None = None) -> Iterator[Tag]:
    """The element tags of ``text`` in order (comments, PIs and CDATA skipped)."""
    pattern = _TAG
    pos = start
    stop = len(text) if end is None else end
    while True:
        m = pattern.search(text, pos, stop)
        if m is None:
            return
        pos = m.end()
        name = m.group("name")
        if name is None:
            continue
        attrs_end = m.end("attrs")
        # attrs may end in whitespace before ">" or "/>": keep insert points on the last attribute
        while attrs_end > m.start("attrs") and text[attrs_end - 1].isspace():
            attrs_end -= 1
        yield Tag(
            m.start(),
            m.end(),
            local(name),
            name,
            bool(m.group("close")),
            bool(m.group("empty")),
            m.start("attrs"),
            attrs_end,
        )


# Elements that never contain an element of their own name: their end is the next end tag of
# that name, found with str.find instead of reading every tag inside (a sheet's rows and cells).
FLAT = frozenset(
    {
        "worksheet",
        "styleSheet",
        "comments",
        "workbook",
        "sheetData",
        "row",
        "c",
        "cols",
        "mergeCells",
        "dataValidations",
        "hyperlinks",
        "commentList",
        "authors",
        "comment",
        "sheets",
        "definedNames",
        "cellXfs",
        "fonts",
        "fills",
        "borders",
        "numFmts",
        "cellStyleXfs",
        "cellStyles",
        "dxfs",
    }
)


_SKIPPED = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.S)


def end_tag(text: str, qname: str, start: int, stop: int | None = None) -> int:
    """Where the first ``</qname>`` after ``start`` begins that is markup, not text inside a
    comment, CDATA section or processing instruction (-1 if there is none before ``stop``).

    Found with str.find, and only where a ``<!`` or ``<?`` stands before the hit is the text
    between read as markup: a user's CDATA section or comment may hold ``</row>``."""
    end = f"</{qname}>"
    stop = len(text) if stop is None else stop
    pos = start
    while True:
        found = text.find(end, pos, stop)
        if found < 0:
            return -1
        openers = [
            at for at in (text.find("<!", pos, found), text.find("<?", pos, found)) if at >= 0
        ]
        if not openers:
            return found
        skipped = _SKIPPED.match(text, min(openers))
        pos = skipped.end() if skipped else min(openers) + 2


def _flat_close(text: str, tag: Tag) -> Tag | None:
    """The end tag of a FLAT element, found directly."""
    end = f"</{tag.qname}>"
    pos = end_tag(text, tag.qname, tag.end)
    if pos < 0:
        raise BadPart(f"unclosed element <{tag.qname}>")
    return Tag(
        pos,
        pos + len(end),
        tag.name,
        tag.qname,
        True,
        False,
        pos + len(end) - 1,
        pos + len(end) - 1,
    )


def element_end(text: str, tag: Tag) -> int:
    """The position just after the element that ``tag`` opens."""
    close = closing_tag(text, tag)
    return tag.end if close is None else close.end


def find(text: str, name: str, start: int = 0, end: int | None = None) -> Tag | None:
    """The first start (or empty) tag with this local name."""
    for t in tags(text, start, end):
        if not t.closing and t.name == name:
            return t
    return None


def closing_tag(text: str, tag: Tag) -> Tag | None:
    """The end tag of ``tag``'s element (None for an empty element)."""
    if tag.empty:
        return None
    if tag.name in FLAT:
        return _flat_close(text, tag)
    depth = 0
    for t in tags(text, tag.start):
        if t.empty:
            continue
        depth += -1 if t.closing else 1
        if depth == 0:
            return t
    raise BadPart(f"unclosed element <{tag.qname}>")


def children(text: str, parent: Tag) -> list[tuple[Tag, int]]:
    """The child elements of ``parent``: each start tag with the end of its element."""
    if parent.empty:
        return []
    stop = closing_tag(text, parent)
    assert stop is not None
    out = []
    pos = parent.end
    while True:
        t = next(tags(text, pos, stop.start), None)
        if t is None:
            return out
        if t.closing:  # malformed: an end tag with no start inside the parent
            raise BadPart(f"unexpected </{t.qname}>")
        end = element_end(text, t)
        out.append((t, end))
        pos = end


def rel_id_attr(root, rid: str, ns: str) -> str:
    """An ``r:id`` attribute for a new child of ``root``: the root's prefix for the
    relationships namespace, else ``r`` declared on the element itself."""
    prefix = next((p for p, uri in root.nsmap.items() if uri == ns and p), None)
    if prefix:
        return f'{prefix}:id="{rid}"'
    taken = root.nsmap.get("r")
    name = "r" if taken in (None, ns) else "ipsxlr"
    return f'xmlns:{name}="{ns}" {name}:id="{rid}"'


# --- edits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Patch:
    """In the edited text, ``length`` characters at ``pos`` were ``old`` in the original."""

    pos: int
    length: int
    old: str


class TextEdit:
    """Insertions and replacements on one text, applied together; they must not overlap."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._edits: list[tuple[int, int, str, int]] = []

    def insert(self, pos: int, new: str) -> None:
        self.replace(pos, pos, new)

    def replace(self, start: int, end: int, new: str) -> None:
        self._edits.append((start, end, new, len(self._edits)))

    def set_attr(self, tag: Tag, name: str, value: str | None) -> None:
        """Set (or with None remove) an attribute on a start tag, touching nothing else."""
        m = tag.attr_match(self.text, name)
        if m is not None:
            if value is None:
                self.replace(m.start(), m.end(), "")
            else:
                self.replace(m.start(3), m.end(3), f'"{esc_attr(value)}"')
        elif value is not None:
            self.insert(tag.attrs_end, f' {name}="{esc_attr(value)}"')

    def __bool__(self) -> bool:
        return bool(self._edits)

    def apply(self) -> tuple[str, list[Patch]]:
        """The edited text, and the patches that undo it (positions in the edited text)."""
        edits = sorted(self._edits, key=lambda e: (e[0], e[1], e[3]))
        out: list[str] = []
        patches: list[Patch] = []
        pos = 0
        length = 0
        for start, end, new, _ in edits:
            if start < pos:
                raise ValueError("overlapping edits")
            out.append(self.text[pos:start])
            length += start - pos
            patches.append(Patch(length, len(new), self.text[start:end]))
            out.append(new)
            length += len(new)
            pos = end
        out.append(self.text[pos:])
        return "".join(out), _merge(patches)


def _merge(patches: list[Patch]) -> list[Patch]:
    """Join adjacent patches (two inserts at one point) into one."""
    merged: list[Patch] = []
    for p in patches:
        if merged and merged[-1].pos + merged[-1].length == p.pos:
            last = merged.pop()
            p = Patch(last.pos, last.length + p.length, last.old + p.old)
        merged.append(p)
    return merged


def unpatch(text: str, patches: list[Patch]) -> str:
    """Undo ``TextEdit.apply``: the original text from the edited one and its patches."""
    out: list[str] = []
    pos = 0
    for p in sorted(patches, key=lambda p: p.pos):
        out.append(text[pos : p.pos])
        out.append(p.old)
        pos = p.pos + p.length
    out.append(text[pos:])
    return "".join(out)
