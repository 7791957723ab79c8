"""What the last run wrote, kept inside the workbook as a custom XML part that ipsxl owns.

A custom XML data-store item (``customXml/itemN.xml``, related from the workbook) is the place
OOXML gives applications for their own data; Excel keeps it when it saves. It records:

- for each part ipsxl edited, the SHA-256 of the part as written and the patches that turn it
  back into the original; for each part it added, the SHA-256. While every recorded part is
  still as written, undoing is exact, byte for byte.
- what each change means (the sheets ipsxl added, each restyled cell's original style, each
  note), so that after Excel or a person has saved the workbook, undoing can still find and
  remove ipsxl's work and nothing else.
- the reviewer-score cells of the Fidelity sheet, so a re-run keeps the scores a reviewer typed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from ipsxl.writeback import xmlparse
from ipsxl.writeback.highlights import CellChange, SheetChanges
from ipsxl.writeback.package import RT_CUSTOM_XML, Package
from ipsxl.writeback.textedit import Patch
from ipsxl.writeback.xmlescape import esc_attr

NS = "urn:ipsxl:writeback"
VERSION = "1"
ITEM_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, NS)).upper() + "}"
ITEM_PROPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    f'<ds:datastoreItem ds:itemID="{ITEM_ID}" '
    'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
    f'<ds:schemaRefs><ds:schemaRef ds:uri="{NS}"/></ds:schemaRefs></ds:datastoreItem>'
)


@dataclass
class State:
    sheets: dict[str, str] = field(default_factory=dict)  # role -> sheet name
    reviewer_cells: dict[int, str] = field(default_factory=dict)  # scale position -> ref
    modified: dict[str, tuple[str, list[Patch]]] = field(default_factory=dict)
    added: dict[str, str] = field(default_factory=dict)  # part -> sha256
    highlights: list[SheetChanges] = field(default_factory=list)

    def to_xml(self) -> bytes:
        out = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
            f'<ipsxl xmlns="{NS}" version="{VERSION}">',
        ]
        for role, name in self.sheets.items():
            out.append(f'<sheet role="{esc_attr(role)}" name="{esc_attr(name)}"/>')
        for pos, ref in sorted(self.reviewer_cells.items()):
            out.append(f'<reviewer pos="{pos}" ref="{ref}"/>')
        for part, (sha, patches) in self.modified.items():
            out.append(f'<modified part="{esc_attr(part)}" sha256="{sha}">')
            for p in patches:
                out.append(f'<patch pos="{p.pos}" len="{p.length}">{_esc(p.old)}</patch>')
            out.append("</modified>")
        for part, sha in self.added.items():
            out.append(f'<added part="{esc_attr(part)}" sha256="{sha}"/>')
        for h in self.highlights:
            out.append(
                f'<highlight sheet="{esc_attr(h.sheet)}" comments="{int(h.made_comments)}"'
                f' vml="{int(h.made_vml)}" legacy="{int(h.made_legacy)}">'
            )
            for c in h.cells:
                old = "" if c.old_s is None else f' old="{esc_attr(c.old_s)}"'
                out.append(f'<cell ref="{c.ref}"{old} new="{c.new_s}" created="{int(c.created)}"/>')
            for ref, kind in h.notes.items():
                text = h.texts.get(ref)
                said = "" if text is None else f' text="{esc_attr(text)}"'
                out.append(f'<note ref="{ref}" kind="{kind}"{said}/>')
            out.append("</highlight>")
        out.append("</ipsxl>")
        return "".join(out).encode("utf-8")

    @classmethod
    def from_xml(cls, data: bytes, name: str = "") -> State:
        root = xmlparse.parse(data, name)
        state = cls()
        q = f"{{{NS}}}"
        for el in root:
            tag = el.tag
            if tag == q + "sheet":
                state.sheets[el.get("role", "")] = el.get("name", "")
            elif tag == q + "reviewer":
                state.reviewer_cells[int(el.get("pos", "0"))] = el.get("ref", "")
            elif tag == q + "modified":
                patches = [
                    Patch(int(p.get("pos", "0")), int(p.get("len", "0")), p.text or "") for p in el
                ]
                state.modified[el.get("part", "")] = (el.get("sha256", ""), patches)
            elif tag == q + "added":
                state.added[el.get("part", "")] = el.get("sha256", "")
            elif tag == q + "highlight":
                h = SheetChanges(
                    el.get("sheet", ""),
                    made_comments=el.get("comments") == "1",
                    made_vml=el.get("vml") == "1",
                    made_legacy=el.get("legacy") == "1",
                )
                for sub in el:
                    if sub.tag == q + "cell":
                        h.cells.append(
                            CellChange(
                                sub.get("ref", ""),
                                sub.get("old"),
                                int(sub.get("new", "0")),
                                sub.get("created") == "1",
                            )
                        )
                    elif sub.tag == q + "note":
                        h.notes[sub.get("ref", "")] = sub.get("kind", "new")
                        if sub.get("text") is not None:
                            h.texts[sub.get("ref", "")] = sub.get("text", "")
                state.highlights.append(h)
        return state


def _esc(text: str) -> str:
    """Raw XML text kept as element content, carriage returns included."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def find(pkg: Package, workbook: str) -> str | None:
    """The part holding ipsxl's state, if an earlier run left one."""
    for rel in pkg.rels(workbook):
        if rel.type != RT_CUSTOM_XML or not rel.part or not pkg.has(rel.part):
            continue
        try:
            root = xmlparse.parse(pkg.get(rel.part), rel.part)
        except xmlparse.BadPart:
            continue
        if root.tag == f"{{{NS}}}ipsxl":
            return pkg.name(rel.part)
    return None
