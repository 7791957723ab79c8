"""How ipsxl reads the XML of a file anyone may have written: the hardened lxml parsers, the
pattern of a tag whatever its prefix, and the characters of text as written.

Every parser ipsxl builds for a submitted file comes from here, so that none of them expands an
entity (the "billion laughs"), loads a DTD, reaches the network or builds an unbounded tree.
The strict parser refuses what is not well-formed; the lenient one is for parts Excel itself
reads leniently (a note drawing's VML, which is HTML-like). lxml is imported on first use: the
Excel runtime loads the reading code (``files/read.py``) where lxml may not be installed.

OOXML has no DTD: a part that declares one (``<!DOCTYPE``, ``<!ENTITY``) was crafted or corrupted,
and every reader of a submitted file refuses it alike, with ``dtd_refusal``'s words, before any
parser sees the part: the package scan as it inflates each part (``DtdWatch``), the write-back
and the summary's own parts as they parse them (``declares_dtd``).

OOXML binds its namespaces to whatever prefix a writer chose (``<c>``, ``<x:c>``), so a text or
byte pattern for a tag matches its local name after any prefix (``any_prefix``).
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any

# An XML name that may carry a prefix ("c", "x:c"), as the tag scanners read it.
QNAME = r"[A-Za-z_][\w.\-]*(?::[\w.\-]+)?"
# The prefix of a name ("x:" in "<x:c>").
_PREFIX = r"[A-Za-z_][\w.\-]*:"
# One tag of any kind, as pattern text (for a text or, ``.encode()``d, a bytes pattern; compile
# it with re.S): for an element's tag its ``name``, its ``attrs`` and whether it is an end tag
# (``close``) or an empty element (``empty``); comments, CDATA sections and processing
# instructions match with no name.
TAG = (
    r"""<(?:!--.*?--|!\[CDATA\[.*?\]\]|\?.*?\?|!.*?"""
    rf"""|(?P<close>/)?(?P<name>{QNAME})"""
    r"""(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*?)(?P<empty>/)?)>"""
)


# A DTD's two marks as UTF-8 and UTF-16 write them (a workbook part may be in either).
_DTD_MARKS = tuple(
    mark.encode(encoding)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_LONGEST_MARK = max(map(len, _DTD_MARKS))


def declares_dtd(data: bytes) -> bool:
    """Whether XML bytes hold a document type or an entity declaration, wherever they stand."""
    # every mark holds a "!", which XML rarely does: one memchr, and the six searches only then
    return b"!" in data and any(mark in data for mark in _DTD_MARKS)


def dtd_refusal(part: str) -> str:
    """The one line a part with a DTD is refused with (``part``: its name in the package)."""
    return (
        f"damaged: {part} declares XML entities (a DTD), which Excel never writes;"
        " the file was crafted or corrupted"
    )


class DtdWatch:
    """``declares_dtd`` over a part read a chunk at a time: a mark cut in two by the chunks is
    found too."""

    def __init__(self) -> None:
        self._tail = b""

    def declares_dtd(self, chunk: bytes) -> bool:
        window = self._tail + chunk if self._tail else chunk
        self._tail = window[-_LONGEST_MARK:]
        return declares_dtd(window)


def any_prefix(name: str, required: bool = False) -> str:
    """Pattern text for a tag's name of this local name, with or without a prefix: "c" matches
    the ``c`` of ``<c`` and the ``x:c`` of ``<x:c`` (only the latter if the prefix is
    ``required``). ``.encode()`` it for a bytes pattern."""
    return (_PREFIX if required else f"(?:{_PREFIX})?") + re.escape(name)


def local(tag: object) -> str:
    """The local name of an lxml tag or of a prefixed name ("{ns}row", "x:row" -> "row")."""
    text = str(tag)
    if text.startswith("{"):
        return text.rsplit("}", 1)[1]
    return text.rsplit(":", 1)[-1]


def unescape(text: str) -> str:
    """XML text or an attribute value as written -> its characters: the five entities and
    character references (a note LibreOffice saved reads "ipsxl:&#10;"). A well-formed part
    holds no other reference, so the stdlib's HTML unescaping does exactly this."""
    return html.unescape(text)


def _hardened(pull: bool, **options: Any) -> Any:
    """The one place lxml parsers are built: entities left unexpanded, no DTD, no network, no
    tree past libxml2's limits (``options`` add recovery, a target, events)."""
    from lxml import etree

    if pull:
        return etree.XMLPullParser(
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            load_dtd=False,
            dtd_validation=False,
            **options,
        )
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        **options,
    )


@functools.cache
def parser(lenient: bool = False) -> Any:
    """The shared strict parser, or with ``lenient`` the one that recovers from errors."""
    return _hardened(False, recover=True) if lenient else _hardened(False)


def checking_parser(target: object) -> Any:
    """A strict parser that hands what it reads to ``target`` instead of building a tree."""
    return _hardened(False, target=target)


def pull_parser(events: tuple[str, ...], tag: str | None = None) -> Any:
    """A strict parser fed a part a piece at a time, reporting ``events`` (of ``tag`` only)."""
    return _hardened(True, events=events, tag=tag)
