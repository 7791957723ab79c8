"""Taking back what an earlier run wrote: exactly when nothing has touched it since, else by
meaning (ipsxl's sheets found by their mark, its fills and notes by its record of the run, or
by their colours and their "ipsxl:" first line when the record is gone).
"""

from __future__ import annotations

import re

from ipsxl.files import xmlsafe
from ipsxl.files.xmlsafe import any_prefix, unescape
from ipsxl.sheets.fidelity import Review, reviews_from_grid
from ipsxl.sheets.layout import score_or_none
from ipsxl.sheets.notes import is_marker, marker_index, typed_lines
from ipsxl.sheets.own import ROLES, PreviousSheet, parse_area
from ipsxl.sheets.refs import quote_sheet, split_ref
from ipsxl.sheets.styles import HIGHLIGHT_FILLS
from ipsxl.writeback import textedit, xmlescape, xmlparse, xmltags
from ipsxl.writeback.highlights import CellChange, SheetChanges
from ipsxl.writeback.journal import sha256
from ipsxl.writeback.package import (
    CONTENT_TYPES,
    NS_REL,
    RT_COMMENTS,
    RT_SHARED_STRINGS,
    RT_STYLES,
    RT_VML,
    Package,
    rels_name,
)
from ipsxl.writeback.state import State
from ipsxl.writeback.textedit import TextEdit


def undo(pkg: Package, workbook: str, state_part: str) -> dict[int, Review]:
    """Remove an earlier run's work; returns the reviewer scores found on its Fidelity sheet."""
    state = State.from_xml(pkg.get(state_part), state_part)
    scores = reviewer_scores(pkg, workbook, state)
    if untouched(pkg, state):
        exact(pkg, state)
        pkg.remove(state_part)
        return scores
    # its sheets stay: they are found by their mark, and what people added to them is kept
    for h in state.highlights:
        _unhighlight(pkg, workbook, h)
    props = [r.part for r in pkg.rels(state_part) if r.part]
    remove_parts(pkg, [state_part, rels_name(state_part), *props])
    return scores


def untouched(pkg: Package, state: State) -> bool:
    """Whether every part the run edited or added is still exactly as it wrote it."""
    for part, (sha, _) in state.modified.items():
        if not pkg.has(part) or pkg.sha256(part) != sha:
            return False
    return all(pkg.has(part) and sha256(pkg.get(part)) == sha for part, sha in state.added.items())


def exact(pkg: Package, state: State) -> None:
    for part, (_, patches) in state.modified.items():
        if _unpatch_head(pkg, part, patches):
            continue
        text, how = textedit.decode(pkg.get(part))
        pkg.set(part, textedit.encode(textedit.unpatch(text, patches), how))
    for part in state.added:
        pkg.remove(part)


def _unpatch_head(pkg: Package, part: str, patches: list[textedit.Patch]) -> bool:
    """Take back patches that all lie in a sheet's head (its selection, say), up to its
    ``<sheetData>`` tag, without reading the rest of a sheet not read so far: a sheet of
    hundreds of MB is never held whole. False when that cannot be done so."""
    if not pkg.streamed(part):
        return False
    head = pkg.head(part, b"sheetData")
    if head is None:
        return False
    try:
        text, how = textedit.decode(head)
    except UnicodeDecodeError:
        return False
    if any(p.pos + p.length > len(text) for p in patches):
        return False
    pkg.set_head(part, len(head), textedit.encode(textedit.unpatch(text, patches), how))
    return True


# --- sheets -----------------------------------------------------------------------------------


def sheet_parts(pkg: Package, workbook: str) -> list[tuple[str, str | None, str]]:
    """(name, part, state) for each sheet of the workbook in order."""
    root = pkg.xml(workbook)
    targets = {r.id: r.part for r in pkg.rels(workbook)}
    out = []
    for el in root.iter():
        if xmlsafe.local(el.tag) == "sheet":
            rid = el.get(f"{{{NS_REL}}}id")
            out.append((el.get("name", ""), targets.get(rid or ""), el.get("state", "visible")))
    return out


def remove_sheet(pkg: Package, workbook: str, name: str) -> bool:
    """Remove one sheet and the parts only it uses; fix sheet-scoped names and the views."""
    listed = sheet_parts(pkg, workbook)
    index = next((i for i, (n, _, _) in enumerate(listed) if n == name), None)
    if index is None:
        return False
    part = listed[index][1]
    edit = TextEdit(pkg.get(workbook).decode("utf-8"))
    text = edit.text
    count = len(listed) - 1
    n = -1
    for t in xmltags.tags(text):
        if t.closing:
            continue
        if t.name == "sheet":
            n += 1
            if n == index:
                edit.replace(t.start, xmltags.element_end(text, t), "")
        elif t.name == "definedName":
            local = t.attr(text, "localSheetId")
            if local is not None and local.isdigit():
                k = int(local)
                if k == index:
                    edit.replace(t.start, xmltags.element_end(text, t), "")
                elif k > index:
                    edit.set_attr(t, "localSheetId", str(k - 1))
        elif t.name == "workbookView":
            for attr in ("activeTab", "firstSheet"):
                v = t.attr(text, attr)
                if v is not None and v.isdigit() and int(v) > 0:
                    k = int(v)
                    k = k - 1 if k > index else k
                    edit.set_attr(t, attr, str(min(k, max(count - 1, 0))))
    pkg.set(workbook, edit.apply()[0].encode("utf-8"))
    if part:
        remove_parts(pkg, _owned_tree(pkg, part))
    _drop_empty_defined_names(pkg, workbook)
    return True


def _drop_empty_defined_names(pkg: Package, workbook: str) -> None:
    text = pkg.get(workbook).decode("utf-8")
    tag = xmltags.find(text, "definedNames")
    if tag is not None and not tag.empty and not xmltags.children(text, tag):
        edit = TextEdit(text)
        edit.replace(tag.start, xmltags.element_end(text, tag), "")
        pkg.set(workbook, edit.apply()[0].encode("utf-8"))


def _owned_tree(pkg: Package, part: str) -> list[str]:
    """``part`` and the parts reachable from it that nothing else refers to."""
    reach: list[str] = []
    todo = [part]
    while todo:
        p = todo.pop()
        stored = pkg.name(p)
        if stored is None or stored in reach:
            continue
        reach.append(stored)
        todo.extend(r.part for r in pkg.rels(stored) if r.part)
    inside = {p.lower() for p in reach} | {rels_name(p).lower() for p in reach}
    elsewhere = set()
    for name in pkg.parts:
        if not name.endswith(".rels") or name.lower() in inside:
            continue
        source = _rels_source(name)
        for r in pkg.rels(source):
            if r.part:
                elsewhere.add(r.part.lower())
    return [p for p in reach if p == part or p.lower() not in elsewhere]


def _rels_source(rels: str) -> str:
    folder, base = rels.rsplit("/", 1) if "/" in rels else ("", rels)
    folder = folder[: -len("_rels")].rstrip("/") if folder.endswith("_rels") else folder
    return (folder + "/" if folder else "") + base[: -len(".rels")]


def remove_parts(pkg: Package, parts: list[str]) -> None:
    """Delete parts with their relationships parts, the relationships that point at them and
    their content-type overrides."""
    gone = {p.lower() for p in parts if pkg.has(p)}
    gone |= {rels_name(p).lower() for p in parts if pkg.has(rels_name(p))}
    if not gone:
        return
    for name in list(pkg.parts):
        if name.lower() in gone:
            pkg.remove(name)
    for name in list(pkg.parts):
        if not name.endswith(".rels"):
            continue
        source = _rels_source(name)
        dead = {r.id for r in pkg.rels(source) if r.part and r.part.lower() in gone}
        if dead:
            _remove_elements(pkg, name, "Relationship", "Id", dead)
    _remove_elements(pkg, CONTENT_TYPES, "Override", "PartName", {"/" + p for p in gone}, fold=True)


def _remove_elements(
    pkg: Package, part: str, name: str, attr: str, values: set[str], fold: bool = False
) -> None:
    text, how = textedit.decode(pkg.get(part))
    want = {v.lower() for v in values} if fold else values
    edit = TextEdit(text)
    for t in xmltags.tags(text):
        if t.closing or t.name != name:
            continue
        v = unescape(t.attr(text, attr) or "")
        if (v.lower() if fold else v) in want:
            edit.replace(t.start, xmltags.element_end(text, t), "")
    if edit:
        pkg.set(part, textedit.encode(edit.apply()[0], how))


# --- highlights, by meaning -------------------------------------------------------------------


def _unhighlight(pkg: Package, workbook: str, h: SheetChanges) -> None:
    part = next((p for n, p, _ in sheet_parts(pkg, workbook) if n == h.sheet), None)
    if part is None or not pkg.has(part):
        return
    text, how = textedit.decode(pkg.get(part))
    edit = TextEdit(text)
    by_ref = {c.ref: c for c in h.cells}
    data = xmltags.find(text, "sheetData")
    if data is not None and not data.empty:
        for t in xmltags.tags(text, data.end):
            if t.closing and t.name == "sheetData":
                break
            if t.closing or t.name != "c":
                continue
            change = by_ref.get(t.attr(text, "r") or "")
            if change is None or t.attr(text, "s") != str(change.new_s):
                continue
            if change.created and t.empty:
                edit.replace(t.start, t.end, "")
            else:
                edit.set_attr(t, "s", change.old_s)

    rels = pkg.rels(part)
    comments = next((r for r in rels if r.type == RT_COMMENTS and r.part), None)
    left = 1
    if comments is not None and pkg.has(comments.part or ""):
        left = _remove_notes(pkg, comments.part or "", h)
    new_notes = {split_ref(ref) for ref, kind in h.notes.items() if kind == "new"}
    vml_rel = None
    root = xmlparse.parse_shallow(text.encode("utf-8"), part)  # a sheet: its top level only
    for el in root:
        if xmlsafe.local(el.tag) == "legacyDrawing":
            rid = el.get(f"{{{NS_REL}}}id")
            vml_rel = next((r for r in rels if r.id == rid and r.type == RT_VML), None)
    shapes_left = 1
    if vml_rel is not None and vml_rel.part and pkg.has(vml_rel.part):
        shapes_left = _remove_shapes(pkg, vml_rel.part, new_notes)
    if h.made_comments and left == 0 and comments is not None:
        remove_parts(pkg, [comments.part or ""])
    if h.made_vml and shapes_left == 0 and vml_rel is not None:
        for t in xmltags.tags(text):
            if not t.closing and t.name == "legacyDrawing":
                edit.replace(t.start, t.end, "")
        remove_parts(pkg, [vml_rel.part or ""])
    if edit:
        pkg.set(part, textedit.encode(edit.apply()[0], how))
    rels_part = rels_name(part)
    if pkg.has(rels_part) and not pkg.rels(part):
        remove_parts(pkg, [rels_part])


def _remove_notes(pkg: Package, part: str, h: SheetChanges) -> int:
    """Remove ipsxl's notes (and its runs appended to others' notes); the notes left."""
    text, how = textedit.decode(pkg.get(part))
    xmlparse.parse(text.encode("utf-8"), part)
    edit = TextEdit(text)
    total = removed = 0
    for t in xmltags.tags(text):
        if t.closing or t.name != "comment":
            continue
        total += 1
        ref = t.attr(text, "ref") or ""
        end = xmltags.element_end(text, t)
        if ref not in h.notes:
            continue
        body = [(b, e) for b, e in xmltags.children(text, t) if b.name == "text"]
        if not body:
            continue
        kids = xmltags.children(text, body[0][0])
        lines = "".join(_run_text(text, k, e) for k, e in kids).split("\n")
        marked = marker_index(lines)
        if marked is None:
            continue
        typed = typed_lines(lines[marked + 1 :], h.texts.get(ref))
        if marked == 0 and typed:  # a person typed into ipsxl's note: it is theirs now
            body_tag = body[0][0]
            close = xmltags.closing_tag(text, body_tag)
            assert close is not None
            edit.replace(body_tag.end, close.start, _run(body_tag.prefix, "\n".join(typed)))
            h.notes[ref] = "kept"
            continue
        if marked == 0:  # the whole note is ipsxl's
            edit.replace(t.start, end, "")
            removed += 1
            continue
        runs = [(r, e) for r, e in kids if r.name == "r"]
        starts = [i for i, (r, e) in enumerate(runs) if _is_marker_run(text, r, e)]
        kept = _run(body[0][0].prefix, "\n" + "\n".join(typed)) if typed else ""
        if starts:
            edit.replace(runs[starts[0]][0].start, runs[-1][1], kept)
        else:  # saved as one piece of text: keep the lines before ipsxl's
            plain = xmlescape.t_element("\n".join(lines[:marked] + typed), body[0][0].prefix + "t")
            edit.replace(body[0][0].end, xmltags.closing_tag(text, body[0][0]).start, plain)
    if edit:
        pkg.set(part, textedit.encode(edit.apply()[0], how))
    return total - removed


_RUN_TEXT = re.compile(rf"<{any_prefix('t')}\b[^>]*>([^<]*)<")


def _run_text(text: str, run: xmltags.Tag, end: int) -> str:
    """The text of a note's run (or of a plain ``<t>`` of the note)."""
    if run.name == "t":
        return unescape(text[run.end : end][: -len(f"</{run.qname}>")]) if not run.empty else ""
    inner = text[run.end : end]
    return "".join(unescape(m) for m in _RUN_TEXT.findall(inner))


def _run(prefix: str, text: str) -> str:
    """One plain run of note text."""
    return f"<{prefix}r>{xmlescape.t_element(text, prefix + 't')}</{prefix}r>"


def _is_marker_run(text: str, run: xmltags.Tag, end: int) -> bool:
    """Whether ipsxl's lines start with this run: "ipsxl:" as its first line (after the line
    break that ends someone else's note)."""
    return is_marker(_run_text(text, run, end).lstrip("\n").split("\n", 1)[0])


# a note shape's cell, whatever prefix the drawing binds to the Excel namespace
_CLIENT_ROW = re.compile(rf"<{any_prefix('Row')}>\s*(\d+)\s*</{any_prefix('Row')}>")
_CLIENT_COLUMN = re.compile(rf"<{any_prefix('Column')}>\s*(\d+)\s*</{any_prefix('Column')}>")


def _remove_shapes(pkg: Package, part: str, cells: set[tuple[int, int]]) -> int:
    """Remove the note shapes of the given cells; the shapes left."""
    text, how = textedit.decode(pkg.get(part))
    xmlparse.parse(text.encode("utf-8"), part, lenient=True)
    edit = TextEdit(text)
    total = removed = 0
    for t in xmltags.tags(text):
        if t.closing or t.name != "shape":
            continue
        total += 1
        end = xmltags.element_end(text, t)
        body = text[t.end : end]
        row = _CLIENT_ROW.search(body)
        col = _CLIENT_COLUMN.search(body)
        if 'ObjectType="Note"' in body and row and col:
            if (int(row.group(1)) + 1, int(col.group(1)) + 1) in cells:
                edit.replace(t.start, end, "")
                removed += 1
    if edit:
        pkg.set(part, textedit.encode(edit.apply()[0], how))
    return total - removed


# --- reviewer scores --------------------------------------------------------------------------


def reviewer_scores(pkg: Package, workbook: str, state: State) -> dict[int, Review]:
    """What a reviewer typed on the Fidelity sheet an earlier run wrote, by scale position.

    Read from the sheet's cells, by item (see ``fidelity_sheet.reviews_from_grid``); on a
    sheet where no item rows are found, from the score cells the run recorded."""
    name = state.sheets.get("fidelity")
    if not name:
        return {}
    found = sheet_reviews(pkg, workbook, name)
    if found:
        return found
    cells = sheet_values(pkg, workbook, name)
    out = {}
    for pos, ref in state.reviewer_cells.items():
        score = score_or_none(cells.get(split_ref(ref)) if ref else None)
        if score is not None:
            out[pos] = Review(score)
    return out


def sheet_reviews(pkg: Package, workbook: str, name: str) -> dict[int, Review]:
    """The reviewer's scores and notes on a Fidelity sheet of the workbook (none if there is
    no such sheet). Works on the sheet as any application saved it: numbers, shared or
    inline strings."""
    cells = sheet_values(pkg, workbook, name)
    if not cells:
        return {}
    nrows = max(r for r, _ in cells)
    ncols = max(c for _, c in cells)
    grid: list[list[object]] = [[None] * ncols for _ in range(nrows)]
    for (r, c), value in cells.items():
        grid[r - 1][c - 1] = value
    return reviews_from_grid(grid)


def sheet_values(pkg: Package, workbook: str, name: str) -> dict[tuple[int, int], object]:
    """(row, column) -> value of every cell of one sheet that holds one (a formula's cached
    result included); empty when the workbook has no such worksheet."""
    part = next((p for n, p, _ in sheet_parts(pkg, workbook) if n == name), None)
    if part is None or not pkg.has(part):
        return {}
    root = pkg.xml(part)
    shared: list[str] | None = None
    values: dict[tuple[int, int], object] = {}
    for el in root.iter():
        if xmlsafe.local(el.tag) != "c" or not el.get("r"):
            continue
        kind = el.get("t", "n")
        if kind == "inlineStr":
            text: object = "".join(t.text or "" for t in el.iter() if xmlsafe.local(t.tag) == "t")
        else:
            v = next((x.text for x in el if xmlsafe.local(x.tag) == "v"), None)
            if v is None:
                continue
            if kind == "s":
                if shared is None:
                    shared = _shared_strings(pkg, workbook)
                text = shared[int(v)] if v.isdigit() and int(v) < len(shared) else None
            elif kind in ("str", "e"):
                text = v
            elif kind == "b":
                text = v == "1"
            else:
                try:
                    text = float(v)
                except ValueError:
                    continue
        try:
            values[split_ref(el.get("r", ""))] = text
        except ValueError:
            continue
    return values


def _shared_strings(pkg: Package, workbook: str) -> list[str]:
    rel = next((r for r in pkg.rels(workbook) if r.type == RT_SHARED_STRINGS and r.part), None)
    if rel is None or not pkg.has(rel.part or ""):
        return []
    root = pkg.xml(rel.part or "")
    return ["".join(t.text or "" for t in si.iter() if xmlsafe.local(t.tag) == "t") for si in root]


# --- ipsxl's sheets, by their mark ----------------------------------------------------------


def marked_sheets(pkg: Package, workbook: str) -> list[tuple[str, str, str]]:
    """(role, sheet name, the mark's reference) of every sheet carrying ipsxl's mark, in the
    workbook's order (a copy a person made of an ipsxl sheet carries it too)."""
    listed = sheet_parts(pkg, workbook)
    found = []
    for el in pkg.xml(workbook).iter():
        if xmlsafe.local(el.tag) != "definedName":
            continue
        role = ROLES.get((el.get("name") or "").casefold())
        local = el.get("localSheetId") or ""
        if role is None or not local.isdigit() or int(local) >= len(listed):
            continue
        found.append((int(local), role, listed[int(local)][0], el.text or ""))
    return [(role, name, ref) for _, role, name, ref in sorted(found)]


def previous_sheets(pkg: Package, workbook: str) -> dict[str, PreviousSheet]:
    """ipsxl's sheets as an earlier run left them, by role: the first sheet marked for each."""
    out: dict[str, PreviousSheet] = {}
    for role, name, ref in marked_sheets(pkg, workbook):
        area = parse_area(ref)
        if role in out or area is None:
            continue
        out[role] = PreviousSheet(role, name, sheet_values(pkg, workbook, name), area)
    return out


def rename_sheet(pkg: Package, workbook: str, name: str, new_name: str) -> None:
    """Give a sheet another name and take ipsxl's mark off it: it is the agency's from now on.
    Names that refer to it (its print area) follow it."""
    listed = sheet_parts(pkg, workbook)
    index = next((i for i, (n, _, _) in enumerate(listed) if n == name), None)
    if index is None:
        return
    text = pkg.get(workbook).decode("utf-8")
    edit = TextEdit(text)
    refers = re.compile(
        r"(?<![\w.'])(?:" + re.escape(quote_sheet(name)) + "|" + re.escape(name) + ")!"
    )
    n = -1
    for t in xmltags.tags(text):
        if t.closing:
            continue
        if t.name == "sheet":
            n += 1
            if n == index:
                edit.set_attr(t, "name", new_name)
        elif t.name == "definedName" and not t.empty:
            close = xmltags.closing_tag(text, t)
            assert close is not None
            mark = unescape(t.attr(text, "name") or "").casefold() in ROLES
            if mark and t.attr(text, "localSheetId") == str(index):
                edit.replace(t.start, close.end, "")
                continue
            body = unescape(text[t.end : close.start])
            renamed = refers.sub(lambda _: quote_sheet(new_name) + "!", body)
            if renamed != body:
                edit.replace(t.end, close.start, xmlescape.esc_text(renamed))
    pkg.set(workbook, edit.apply()[0].encode("utf-8"))


# --- ipsxl's notes and fills, by their look -------------------------------------------------


def notes_by_marker(
    pkg: Package, workbook: str, texts: dict[tuple[str, str], str] | None = None
) -> list[SheetChanges]:
    """ipsxl's notes and fills on the agency's sheets, found without any record of the run that
    wrote them (the workbook was saved by an application that dropped it): a note whose text
    starts with "ipsxl:" is ipsxl's, as is a part of a note from a line "ipsxl:" on; the cell
    of such a note filled in one of ipsxl's colours had that fill from ipsxl. ``texts``, the
    messages of each note as the earlier Flags sheet lists them, tell lines a person typed into
    a note of ipsxl's (see ``sheets.own.note_texts``)."""
    texts = texts or {}
    found = []
    fills = _highlight_xfs(pkg, workbook)
    for name, part, _ in sheet_parts(pkg, workbook):
        if not part or not pkg.has(part):
            continue
        comments = next((r.part for r in pkg.rels(part) if r.type == RT_COMMENTS and r.part), None)
        if comments is None or not pkg.has(comments):
            continue
        notes = _marked_notes(pkg, comments)
        if not notes:
            continue
        h = SheetChanges(name, made_comments=True, made_vml=True)
        h.notes = notes
        h.texts = {ref: text for (sheet, ref), text in texts.items() if sheet == name}
        text = pkg.get(part).decode("utf-8", "replace")
        for m in _CELL_STYLE.finditer(text):
            ref, style = m.group(1), m.group(2)
            if ref in notes and style is not None and int(style) in fills:
                h.cells.append(CellChange(ref, str(fills[int(style)]), int(style), False))
        found.append(h)
    return found


_CELL_STYLE = re.compile(rf"""<{any_prefix("c")}\s+r="([A-Z]+\d+)"(?:\s+s="(\d+)")?""")


def _marked_notes(pkg: Package, part: str) -> dict[str, str]:
    """ref -> "new" (a note of ipsxl's) or "appended" (ipsxl's lines after someone's)."""
    out = {}
    for el in pkg.xml(part).iter():
        if xmlsafe.local(el.tag) != "comment":
            continue
        body = next((b for b in el if xmlsafe.local(b.tag) == "text"), None)
        if body is None:
            continue
        full = "".join(t.text or "" for t in body.iter() if xmlsafe.local(t.tag) == "t")
        lines = [line.strip() for line in full.split("\n")]
        marked = marker_index(lines)
        if marked is not None:
            out[el.get("ref", "")] = "new" if marked == 0 else "appended"
    return out


def _highlight_xfs(pkg: Package, workbook: str) -> dict[int, int]:
    """cellXfs index filled in one of ipsxl's highlight colours -> the index of the same
    format without a fill (added to styles.xml where there is none)."""
    rel = next((r for r in pkg.rels(workbook) if r.type == RT_STYLES and r.part), None)
    if rel is None or not pkg.has(rel.part or ""):
        return {}
    part = pkg.name(rel.part or "") or ""
    root = pkg.xml(part)
    colours = {rgb.upper() for rgb in HIGHLIGHT_FILLS.values()}
    ours = set()
    fills = next((el for el in root if xmlsafe.local(el.tag) == "fills"), [])
    for i, fill in enumerate(el for el in fills if xmlsafe.local(el.tag) == "fill"):
        for colour in fill.iter():
            if (
                xmlsafe.local(colour.tag) == "fgColor"
                and (colour.get("rgb") or "")[-6:].upper() in colours
            ):
                ours.add(i)
    if not ours:
        return {}
    text, how = textedit.decode(pkg.get(part))
    xfs_tag = xmltags.find(text, "cellXfs")
    if xfs_tag is None or xfs_tag.empty:
        return {}
    items = [text[t.start : end] for t, end in xmltags.children(text, xfs_tag)]
    out: dict[int, int] = {}
    new: list[str] = []
    for i, xf in enumerate(items):
        tag = next(xmltags.tags(xf))
        fill = tag.attr(xf, "fillId")
        if fill is None or not fill.isdigit() or int(fill) not in ours:
            continue
        edit = TextEdit(xf)
        edit.set_attr(tag, "fillId", "0")
        plain = edit.apply()[0]
        if plain in items:
            out[i] = items.index(plain)
        else:
            items.append(plain)
            new.append(plain)
            out[i] = len(items) - 1
    if new:
        edit = TextEdit(text)
        close = xmltags.closing_tag(text, xfs_tag)
        assert close is not None
        edit.insert(close.start, "".join(new))
        if xfs_tag.attr(text, "count") is not None:
            edit.set_attr(xfs_tag, "count", str(len(items)))
        pkg.set(part, textedit.encode(edit.apply()[0], how))
    return out


def unhighlight(pkg: Package, workbook: str, h: SheetChanges) -> None:
    """Take back the fills and notes of one sheet's record."""
    _unhighlight(pkg, workbook, h)


__all__ = ["remove_sheet", "undo"]
