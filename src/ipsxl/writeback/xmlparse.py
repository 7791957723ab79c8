"""Reading a workbook's XML parts safely: every part ipsxl reads goes through ``parse``.

lxml with the hardened parsers of ``files/xmlsafe.py`` (no entity expansion, no network, no huge
trees), and a DTD refused outright, since OOXML has none. A worksheet of 50,000 rows is read by
``parse_shallow``: every byte checked, but only its top level built as a tree.
"""

from __future__ import annotations

import re

from lxml import etree

from ipsxl.files import xmlsafe
from ipsxl.files.xmlsafe import TAG


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
    if xmlsafe.declares_dtd(data):
        raise BadPart(xmlsafe.dtd_refusal(name))


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


_TAG_BYTES = re.compile(TAG.encode(), re.S)


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
