"""Highlights on the agency's own sheets: a fill and a note on each flagged cell.

Only the flagged cells change: each gets a cellXfs clone of its own format with a fill by the
worst severity of its flags (its value, formula and number format untouched), and one note
holding all its messages. A cell missing from the sheet XML is created empty. Notes go into the
sheet's comments part (made if there is none, else merged into it) with a VML shape each, as
Excel draws notes. What changed is returned as records for ``state`` so it can be undone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ipsxl.files import xmlsafe
from ipsxl.sheets.highlights import Mark
from ipsxl.sheets.notes import NOTE_MARKER
from ipsxl.sheets.refs import cell_ref, split_ref
from ipsxl.writeback import xmlescape, xmlparse, xmltags
from ipsxl.writeback.journal import Journal, append_children, root_tag
from ipsxl.writeback.package import (
    CT_COMMENTS,
    CT_VML,
    NS_MAIN,
    NS_REL,
    RT_COMMENTS,
    RT_VML,
)
from ipsxl.writeback.rows import Located, Row, SheetIndex
from ipsxl.writeback.styles import StyleBook
from ipsxl.writeback.textedit import TextEdit
from ipsxl.writeback.xmltags import Tag

AUTHOR = "ipsxl"
MARKER = NOTE_MARKER  # the first run of every note, as Excel starts one with its author
# worksheet children that come after <legacyDrawing> (CT_Worksheet order)
_AFTER_LEGACY = {
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
    "AlternateContent",
}
_SHAPE_ID = re.compile(r"_x0000_s(\d+)")
_IDMAP = re.compile(r"<o:idmap\b[^>]*\bdata=\"([^\"]*)\"")


@dataclass
class CellChange:
    ref: str
    old_s: str | None  # the cell's original s attribute (None: it had none)
    new_s: int
    created: bool


@dataclass
class SheetChanges:
    """What highlighting one sheet changed, for undoing it."""

    sheet: str
    cells: list[CellChange] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # ref -> "new" or "appended"
    # ref -> the messages ipsxl's note holds, so that text a person typed into it is told apart
    texts: dict[str, str] = field(default_factory=dict)
    made_comments: bool = False
    made_vml: bool = False
    made_legacy: bool = False


def highlight_sheet(
    journal: Journal,
    styles: StyleBook,
    sheet: str,
    index: SheetIndex,
    cells: dict[tuple[int, int], Mark],
    shape_blocks: Callable[[int], int],
) -> SheetChanges:
    """Fill and annotate the flagged cells of one worksheet part, read ahead into ``index``."""
    changes = SheetChanges(sheet)
    part = index.part
    edit = journal.edit(part, decoded=(index.text, index.encoded))
    text = edit.text
    data = index.sheet_data
    if data is None:
        return changes
    located = index.locate(r for r, _ in cells)
    rows = located.rows
    col_styles = _column_styles(index.root)
    prefix = data.prefix

    pending: dict[int, list[tuple[int, str]]] = {}  # new cells by row number
    for (r, c), mark in sorted(cells.items()):
        ref = cell_ref(r, c)
        row = rows.get(r)
        found = next((t for col, t in row.cells if col == c), None) if row else None
        if found is not None:
            old = found.attr(text, "s")
            new = styles.highlight_xf(_int(old), mark.severity)
            edit.set_attr(found, "s", str(new))
            changes.cells.append(CellChange(ref, old, new, False))
            continue
        base = _row_style(text, row) if row else None
        if base is None:
            base = next((s for lo, hi, s in col_styles if lo <= c <= hi), 0)
        new = styles.highlight_xf(base, mark.severity)
        pending.setdefault(r, []).append((c, f'<{prefix}c r="{ref}" s="{new}"/>'))
        changes.cells.append(CellChange(ref, None, new, True))
    _insert_cells(edit, data, located, pending, prefix)

    if any(m.messages for m in cells.values()):
        _notes(journal, edit, index.root, part, cells, changes, shape_blocks)
    return changes


# --- cells ------------------------------------------------------------------------------------


def _insert_cells(
    edit: TextEdit,
    data: Tag,
    located: Located,
    pending: dict[int, list[tuple[int, str]]],
    prefix: str,
) -> None:
    text = edit.text
    new_rows: list[tuple[int, str]] = []
    for r, cells in sorted(pending.items()):
        row = located.rows.get(r)
        xml = "".join(x for _, x in sorted(cells))
        if row is None:
            new_rows.append((r, f'<{prefix}row r="{r}">{xml}</{prefix}row>'))
            continue
        if row.close is None:  # <row .../>
            head = text[row.tag.start : row.tag.attrs_end]
            edit.replace(row.tag.start, row.tag.end, f"{head}>{xml}</{row.tag.qname}>")
            continue
        for c, cell in sorted(cells):
            after = next((t for col, t in row.cells if col > c), None)
            edit.insert(after.start if after else row.close, cell)
    if not new_rows:
        return
    if data.empty:
        head = text[data.start : data.attrs_end]
        edit.replace(
            data.start, data.end, f"{head}>{''.join(x for _, x in new_rows)}</{data.qname}>"
        )
        return
    for r, xml in new_rows:
        edit.insert(located.gaps[r], xml)


def _row_style(text: str, row: Row) -> int | None:
    if row.tag.attr(text, "customFormat") in ("1", "true"):
        s = row.tag.attr(text, "s")
        return _int(s) if s is not None else None
    return None


def _column_styles(root) -> list[tuple[int, int, int]]:
    out = []
    cols = [el for top in root if xmlsafe.local(top.tag) == "cols" for el in top]
    for el in cols:
        if xmlsafe.local(el.tag) == "col" and el.get("style"):
            try:
                out.append(
                    (int(el.get("min", "0")), int(el.get("max", "0")), int(el.get("style", "0")))
                )
            except ValueError:
                continue
    return out


def _int(value: str | None) -> int:
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


# --- notes ------------------------------------------------------------------------------------


def _note_runs(prefix: str, messages: list[str], lead: str = "") -> str:
    font = f'<{prefix}sz val="9"/><{prefix}rFont val="Tahoma"/>'
    body = "\n".join(messages)
    return (
        f"<{prefix}r><{prefix}rPr><{prefix}b/>{font}</{prefix}rPr>"
        f"{xmlescape.t_element(lead + MARKER, prefix + 't')}</{prefix}r>"
        f"<{prefix}r><{prefix}rPr>{font}</{prefix}rPr>"
        f"{xmlescape.t_element(chr(10) + body, prefix + 't')}</{prefix}r>"
    )


def _notes(
    journal: Journal,
    sheet_edit: TextEdit,
    sheet_root,
    part: str,
    cells: dict[tuple[int, int], Mark],
    changes: SheetChanges,
    shape_blocks: Callable[[int], int],
) -> None:
    rels = journal.pkg.rels(part)
    comments_part = next(
        (r.part for r in rels if r.type == RT_COMMENTS and r.part and journal.pkg.has(r.part)), None
    )
    legacy_rid = None
    for el in sheet_root:
        if xmlsafe.local(el.tag) == "legacyDrawing":
            legacy_rid = el.get(f"{{{NS_REL}}}id")
    vml_part = next(
        (r.part for r in rels if r.id == legacy_rid and r.part and journal.pkg.has(r.part)), None
    )

    # comments
    noted = {rc: m for rc, m in cells.items() if m.messages}
    if comments_part is None:
        comments_part = journal.new_name("xl/comments{}.xml")
        body = "".join(
            f'<comment ref="{cell_ref(r, c)}" authorId="0"><text>{_note_runs("", m.messages)}'
            "</text></comment>"
            for (r, c), m in sorted(noted.items())
        )
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<comments xmlns="{NS_MAIN}"><authors><author>{AUTHOR}</author></authors>'
            f"<commentList>{body}</commentList></comments>"
        )
        journal.add_part(comments_part, xml.encode("utf-8"), CT_COMMENTS)
        journal.add_rel(part, RT_COMMENTS, comments_part)
        changes.made_comments = True
        new_refs = {cell_ref(r, c) for r, c in noted}
    else:
        new_refs = _merge_comments(journal, comments_part, noted, changes)
    for ref in sorted(new_refs):
        changes.notes.setdefault(ref, "new")
    for (r, c), mark in noted.items():
        changes.texts[cell_ref(r, c)] = "\n".join(mark.messages)

    # VML shapes for the new notes
    shapes_for = sorted(split_ref(ref) for ref in new_refs)
    if vml_part is None:
        vml_part = journal.new_name("xl/drawings/vmlDrawing{}.vml")
        blocks = len(shapes_for) // 1024 + 1
        shape_block = shape_blocks(blocks)
        data = ",".join(str(shape_block + i) for i in range(blocks))
        shapes = _shapes(shapes_for, 1024 * shape_block + 1)
        xml = (
            f"<xml {_VML_NAMESPACES}>"
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{data}"/>'
            f"</o:shapelayout>{_SHAPETYPE}{shapes}</xml>"
        )
        journal.add_part(vml_part, xml.encode("utf-8"), CT_VML)
        rid = journal.add_rel(part, RT_VML, vml_part)
        _add_legacy_drawing(sheet_edit, sheet_root, rid)
        changes.made_vml = changes.made_legacy = True
    elif shapes_for:
        edit = journal.edit(vml_part)
        text = edit.text
        xmlparse.parse(text.encode("utf-8"), vml_part, lenient=True)
        start = 1 + max((int(n) for n in _SHAPE_ID.findall(text)), default=1024)
        insert = "" if 'id="_x0000_t202"' in text else _SHAPETYPE
        end = text.rfind("</xml>")
        if end < 0:
            raise xmlparse.BadPart(f"{vml_part}: no </xml> end tag")
        edit.insert(end, insert + _shapes(shapes_for, start))


def _merge_comments(
    journal: Journal, part: str, noted: dict[tuple[int, int], Mark], changes: SheetChanges
) -> set[str]:
    """Add notes to an existing comments part; a cell that has one gets ours appended."""
    edit = journal.edit(part)
    text = edit.text
    root = xmlparse.parse(text.encode("utf-8"), part)
    root_t = root_tag(text)
    prefix = root_t.prefix
    authors_el = next((el for el in root if xmlsafe.local(el.tag) == "authors"), [])
    authors = [a.text or "" for a in authors_el if xmlsafe.local(a.tag) == "author"]
    authors_tag = list_tag = None
    existing: dict[str, Tag] = {}
    for t, _ in xmltags.children(text, root_t):
        if t.name == "authors":
            authors_tag = t
        elif t.name == "commentList":
            list_tag = t
    if list_tag is not None:
        for t, _ in xmltags.children(text, list_tag):
            if t.name == "comment" and t.attr(text, "ref"):
                existing[t.attr(text, "ref") or ""] = t
    if AUTHOR in authors:
        author_id = authors.index(AUTHOR)
    else:
        author_id = len(authors)
        snippet = f"<{prefix}author>{AUTHOR}</{prefix}author>"
        if authors_tag is None:
            edit.insert(root_t.end, f"<{prefix}authors>{snippet}</{prefix}authors>")
        else:
            append_children(edit, authors_tag, snippet)
    new_refs: set[str] = set()
    added = []
    for (r, c), mark in sorted(noted.items()):
        ref = cell_ref(r, c)
        if ref in existing:
            body = next(
                (t for t, _ in xmltags.children(text, existing[ref]) if t.name == "text"), None
            )
            if body is not None:
                append_children(edit, body, _note_runs(prefix, mark.messages, lead="\n"))
                changes.notes[ref] = "appended"
            continue
        added.append(
            f'<{prefix}comment ref="{ref}" authorId="{author_id}"><{prefix}text>'
            f"{_note_runs(prefix, mark.messages)}</{prefix}text></{prefix}comment>"
        )
        new_refs.add(ref)
    if added:
        if list_tag is None:
            end = xmltags.closing_tag(text, root_t)
            assert end is not None
            edit.insert(end.start, f"<{prefix}commentList>{''.join(added)}</{prefix}commentList>")
        else:
            append_children(edit, list_tag, "".join(added))
    return new_refs


def _add_legacy_drawing(edit: TextEdit, root, rid: str) -> None:
    text = edit.text
    top = root_tag(text)
    prefix = top.prefix
    el = f"<{prefix}legacyDrawing {xmltags.rel_id_attr(root, rid, NS_REL)}/>"
    for t, _ in xmltags.children(text, top):
        if t.name in _AFTER_LEGACY:
            edit.insert(t.start, el)
            return
    end = xmltags.closing_tag(text, top)
    assert end is not None
    edit.insert(end.start, el)


# Declared on every element ipsxl adds to a VML part: a drawing written by another program may
# bind these prefixes on its own elements only (openpyxl does), or to nothing at all.
_VML_NAMESPACES = (
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel"'
)
_SHAPETYPE = (
    f'<v:shapetype {_VML_NAMESPACES} id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
    'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)


def _shapes(cells: list[tuple[int, int]], first_id: int) -> str:
    out = []
    for k, (r, c) in enumerate(cells):
        r0, c0 = r - 1, c - 1
        anchor = f"{c0 + 1}, 15, {max(r0 - 1, 0)}, 10, {c0 + 3}, 15, {max(r0 - 1, 0) + 4}, 4"
        out.append(
            f'<v:shape {_VML_NAMESPACES} id="_x0000_s{first_id + k}" type="#_x0000_t202" '
            'style="position:absolute;margin-left:80pt;margin-top:2pt;width:160pt;height:70pt;'
            f'z-index:{k + 1};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
            '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
            '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
            '<div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note">'
            f"<x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{anchor}</x:Anchor>"
            f"<x:AutoFill>False</x:AutoFill><x:Row>{r0}</x:Row><x:Column>{c0}</x:Column>"
            "</x:ClientData></v:shape>"
        )
    return "".join(out)


def used_shape_blocks(journal: Journal) -> set[int]:
    """The VML id blocks (o:idmap data) every VML part of the package already uses."""
    used: set[int] = set()
    for name in journal.pkg.parts:
        if name.lower().endswith(".vml"):  # only these are inflated (see ``Package``)
            for m in _IDMAP.finditer(journal.pkg.get(name).decode("utf-8", "replace")):
                used.update(int(x) for x in re.findall(r"\d+", m.group(1)))
    return used
