"""Tags found in an XML part's text: where an element starts and ends, its attributes as
written, its children, without building a tree (the positions ``TextEdit`` edits at).

Comments, CDATA sections and processing instructions are skipped, whatever they hold; a tag's
name may carry any prefix its writer bound (``<x:row>``), and ``Tag.name`` is its local name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ipsxl.files.xmlsafe import TAG, local
from ipsxl.writeback.xmlparse import BadPart

_TAG = re.compile(TAG, re.S)
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
