"""One run's changes to a package, kept so that they can be taken back exactly.

Every edit to an existing part goes through a ``TextEdit`` held here, so each part is rewritten
once, with insertions only where ipsxl adds; every added part, relationship and content type is
listed. ``finish`` applies it all and returns, per edited part, the patches that restore it.
An edit may hold only a part's head (``edit_head``): the patches are the same, since they count
from the part's start, and the rest of the part is never read into memory.
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from ipsxl.writeback import textedit, xmlescape, xmlparse, xmltags
from ipsxl.writeback.package import (
    CONTENT_TYPES,
    CT_RELS,
    NS_PKG_REL,
    Package,
    relative,
    rels_name,
)
from ipsxl.writeback.textedit import Patch, TextEdit

_RID = re.compile(r"^rId(\d+)$")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def append_children(edit: TextEdit, parent: xmltags.Tag, snippet: str) -> None:
    """Add ``snippet`` as the last children of ``parent`` (opening an empty element)."""
    text = edit.text
    if parent.empty:
        head = text[parent.start : parent.attrs_end]
        edit.replace(parent.start, parent.end, f"{head}>{snippet}</{parent.qname}>")
        return
    close = xmltags.closing_tag(text, parent)
    assert close is not None
    edit.insert(close.start, snippet)


def root_tag(text: str) -> xmltags.Tag:
    for tag in xmltags.tags(text):
        if not tag.closing:
            return tag
    raise xmlparse.BadPart("no root element")


class Journal:
    """The edits, additions and removals of one run over one package."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        # part -> its edit, its encoding, and the bytes its text is of (None: the whole part)
        self._edits: dict[str, tuple[TextEdit, textedit.Encoded, int | None]] = {}
        self.added: list[str] = []
        self._new_rels: dict[str, list[tuple[str, str, str]]] = {}
        self._used_ids: dict[str, set[str]] = {}
        self._types: list[tuple[str, str]] = []

    # --- editing existing parts ---

    def edit(self, part: str, decoded: tuple[str, textedit.Encoded] | None = None) -> TextEdit:
        """The one TextEdit of an existing part (positions refer to its original text).

        ``decoded`` is the part's text and encoding when the caller has them already (a sheet
        read ahead): decoding a 24 MB sheet again would cost time and another copy of it."""
        name = self.pkg.name(part) or part
        if name not in self._edits:
            text, how = decoded or textedit.decode(self.pkg.get(name))
            self._edits[name] = (TextEdit(text), how, None)
        return self._edits[name][0]

    def edit_head(self, part: str, head: bytes) -> TextEdit:
        """The one TextEdit of a part's ``head`` (its first bytes, see ``Package.head``), the
        rest of the part left as it is: a sheet of hundreds of MB is never held whole for a
        change in its views. Edits must stay inside the head."""
        name = self.pkg.name(part) or part
        assert name not in self._edits, name
        text, how = textedit.decode(head)
        self._edits[name] = (TextEdit(text), how, len(head))
        return self._edits[name][0]

    def text(self, part: str) -> str:
        return self.edit(part).text

    # --- adding parts ---

    def add_part(self, part: str, data: bytes, content_type: str) -> None:
        self.pkg.set(part, data)
        self.added.append(part)
        self._types.append((part, content_type))

    def new_name(self, pattern: str) -> str:
        """A free part name from a pattern such as "xl/worksheets/sheet{}.xml"."""
        return self.pkg.free_name(pattern)

    def add_rel(self, source: str, rel_type: str, target: str) -> str:
        """Relate ``source`` to the part ``target``; returns the new relationship id."""
        name = rels_name(source)
        if name not in self._used_ids:
            self._used_ids[name] = {r.id for r in self.pkg.rels(source)}
        used = self._used_ids[name]
        n = 1 + max((int(m.group(1)) for i in used if (m := _RID.match(i))), default=0)
        rid = f"rId{n}"
        used.add(rid)
        self._new_rels.setdefault(name, []).append((rid, rel_type, relative(source, target)))
        return rid

    # --- finishing ---

    def finish(self) -> dict[str, list[Patch]]:
        """Write relationships, content types and every edited part; the undo patches."""
        for name, rels in self._new_rels.items():
            snippet = "".join(_relationship(rid, t, target) for rid, t, target in rels)
            if self.pkg.has(name):
                edit = self.edit(name)
                append_children(edit, root_tag(edit.text), snippet)
            else:
                data = (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<Relationships xmlns="{NS_PKG_REL}">{snippet}</Relationships>'
                )
                self.add_part(name, data.encode(), CT_RELS)
        self._content_types()
        patches: dict[str, list[Patch]] = {}
        for name, (edit, how, cut) in self._edits.items():
            if not edit:
                continue
            text, undo = edit.apply()
            if cut is None:
                self.pkg.set(name, textedit.encode(text, how))
            else:
                self.pkg.set_head(name, cut, textedit.encode(text, how))
            patches[name] = undo
        return patches

    def _content_types(self) -> None:
        defaults, overrides = self.pkg.content_types()
        snippet = []
        for part, ctype in self._types:
            ext = posixpath.splitext(part)[1][1:].lower()
            if part.lower() in overrides:
                continue
            if defaults.get(ext) == ctype:
                continue
            snippet.append(
                f'<Override PartName="/{xmlescape.esc_attr(part)}" '
                f'ContentType="{xmlescape.esc_attr(ctype)}"/>'
            )
        if snippet:
            edit = self.edit(CONTENT_TYPES)
            append_children(edit, root_tag(edit.text), "".join(snippet))


def _relationship(rid: str, rel_type: str, target: str) -> str:
    return (
        f'<Relationship Id="{rid}" Type="{xmlescape.esc_attr(rel_type)}" '
        f'Target="{xmlescape.esc_attr(target)}"/>'
    )
