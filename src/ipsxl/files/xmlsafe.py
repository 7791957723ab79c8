"""How ipsxl reads the XML of a file anyone may have written: the hardened lxml parsers, the
pattern of a tag whatever its prefix, and the characters of text as written.

Every parser ipsxl builds for a submitted file comes from here, so that none of them expands an
entity (the "billion laughs"), loads a DTD, reaches the network or builds an unbounded tree.
The strict parser refuses what is not well-formed; the lenient one is for parts Excel itself
reads leniently (a note drawing's VML, which is HTML-like). lxml is imported on first use: the
Excel runtime loads the reading code (``files/read.py``) where lxml may not be installed.

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
