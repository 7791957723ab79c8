"""Editing XML parts as text, so that only what ipsxl adds changes.

Parts ipsxl must change are not re-serialized: lxml would rewrite quoting, character references
and empty elements all through a part it only needs to add one element to. Instead a
``TextEdit`` collects insertions and replacements at positions found by ``xmltags``, and
applying it yields both the new text and the inverse patches that turn it back into the
original exactly. A part is decoded and encoded back as its bytes were (``decode``, ``encode``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from ipsxl.writeback.xmlescape import esc_attr
from ipsxl.writeback.xmltags import Tag


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
