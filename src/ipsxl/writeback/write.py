"""One write-back run over a package in memory: sheets, charts, table, highlights, state."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from ipsxl.core.model import ERROR, Report
from ipsxl.core.standard import FIDELITY_SHEET, FLAGS_SHEET
from ipsxl.files import xmlsafe
from ipsxl.sheets import own
from ipsxl.sheets.fidelity import Review, fidelity_layout
from ipsxl.sheets.flags import flags_layout
from ipsxl.sheets.highlights import highlight_marks
from ipsxl.sheets.layout import SheetLayout
from ipsxl.sheets.own import PreviousSheet
from ipsxl.sheets.refs import quote_sheet
from ipsxl.writeback import charts, highlights, render, state, textedit, undo, xmlescape, xmltags
from ipsxl.writeback.deadline import NO_DEADLINE, Deadline
from ipsxl.writeback.journal import Journal, append_children, sha256
from ipsxl.writeback.package import (
    CT_CHART,
    CT_CUSTOM_XML_PROPS,
    CT_DRAWING,
    CT_STYLES,
    CT_TABLE,
    CT_WORKSHEET,
    CT_XML,
    NS_REL,
    RT_CHART,
    RT_CUSTOM_XML,
    RT_CUSTOM_XML_PROPS,
    RT_DRAWING,
    RT_STYLES,
    RT_TABLE,
    RT_WORKSHEET,
    Package,
    PackageError,
)
from ipsxl.writeback.rows import SheetIndexes
from ipsxl.writeback.styles import MINIMAL_STYLES, StyleBook
from ipsxl.writeback.xmlparse import BadPart


@dataclass
class Stripped:
    """What taking back an earlier run leaves to the next one."""

    reviews: dict[int, Review]  # what a reviewer typed on ipsxl's Fidelity sheet
    # ipsxl's sheets as the earlier run left them, by role, with what people added to them;
    # still in the package: ``settle`` removes them, or keeps one a person added to
    previous: dict[str, PreviousSheet] = field(default_factory=dict)


def strip(pkg: Package) -> Stripped:
    """Take back the fills and notes ipsxl wrote; what its sheets held.

    Everything is found by what is visible in the workbook (ipsxl's mark on its sheets, notes
    that start with "ipsxl:", its fill colours) as well as by ipsxl's record of its last run,
    so it is found after an application that dropped the record saved the workbook. A sheet
    is ipsxl's only by its mark: an agency's sheet named "Flags" is the agency's."""
    workbook = pkg.workbook_part()
    previous = undo.previous_sheets(pkg, workbook)
    fidelity = previous.get(own.FIDELITY)
    reviews = undo.sheet_reviews(pkg, workbook, fidelity.name) if fidelity else {}
    found = state.find(pkg, workbook)
    if found is not None:
        recorded = undo.undo(pkg, workbook, found)
        reviews = reviews or recorded
    flags = previous.get(own.FLAGS)
    texts = own.note_texts(flags) if flags else {}
    for changes in undo.notes_by_marker(pkg, workbook, texts):
        undo.unhighlight(pkg, workbook, changes)
    names = {n for n, _, _ in undo.sheet_parts(pkg, workbook)}
    return Stripped(reviews, {r: p for r, p in previous.items() if p.name in names})


def settle(
    pkg: Package,
    previous: dict[str, PreviousSheet],
    left: dict[str, bool],
    when: dt.datetime,
) -> list[str]:
    """Remove ipsxl's previous sheets, or keep one holding what a person added that the new
    sheet cannot take (``left`` by role), renamed with the date: what was done, in words."""
    workbook = pkg.workbook_part()
    said = []
    for role, prev in previous.items():
        if not left.get(role):
            undo.remove_sheet(pkg, workbook, prev.name)
            continue
        taken = {n for n, _, _ in undo.sheet_parts(pkg, workbook)}
        kept = own.dated_name(prev.name, when, taken)
        undo.rename_sheet(pkg, workbook, prev.name, kept)
        said.append(
            f"the previous {prev.name} sheet held entries of yours that have no place on the"
            f" new one: it is kept as '{kept}'"
        )
    return said


def worksheet_parts(pkg: Package, listed: list[tuple[str, str | None, str]]) -> dict[str, str]:
    """The worksheets (not chart sheets) of ``undo.sheet_parts``: sheet name -> part."""
    return {n: p for n, p, _ in listed if p and pkg.has(p) and pkg.content_type(p) == CT_WORKSHEET}


def write(
    pkg: Package,
    report: Report,
    generated_at: dt.datetime,
    reviewer_scores: dict[int, Review],
    indexes: SheetIndexes | None = None,
    deadline: Deadline = NO_DEADLINE,
    previous: dict[str, PreviousSheet] | None = None,
) -> list[str]:
    """Add the Fidelity and Flags sheets, the highlights and the state to a clean package;
    what became of the earlier run's sheets and of names already taken, in words.

    ``indexes`` holds the worksheets read ahead of the report (see ``prepare``); a worksheet
    not in it is read here. ``previous`` are ipsxl's sheets of the earlier run (``strip``):
    what a person added to them is carried to the new ones (see ``sheets.own``)."""
    workbook = pkg.workbook_part()
    indexes = SheetIndexes() if indexes is None else indexes
    previous = previous or {}
    gone = {p.name for p in previous.values()}
    agency = worksheet_parts(pkg, [s for s in undo.sheet_parts(pkg, workbook) if s[0] not in gone])
    fidelity = fidelity_layout(report, generated_at, reviewer_scores)
    flags = flags_layout(report, sheets=list(agency))
    areas = {own.FIDELITY: own.area_of(fidelity), own.FLAGS: own.area_of(flags)}
    carried = {
        own.FIDELITY: own.carry(fidelity, previous.get(own.FIDELITY)),
        own.FLAGS: own.carry(flags, previous.get(own.FLAGS)),
    }
    said = [
        f"kept what you added beside the earlier {previous[role].name} sheet's cells:"
        f" {done.placed} cell(s) carried over"
        for role, done in carried.items()
        if done.placed
    ]
    said += settle(pkg, previous, {r: bool(c.left) for r, c in carried.items()}, generated_at)
    taken = {n for n, _, _ in undo.sheet_parts(pkg, workbook)}
    fidelity.name = own.free_name(FIDELITY_SHEET, taken)
    flags.name = own.free_name(FLAGS_SHEET, taken | {fidelity.name})
    for mine, wanted in ((fidelity.name, FIDELITY_SHEET), (flags.name, FLAGS_SHEET)):
        if mine != wanted:
            said.append(f"a sheet of yours is named '{wanted}': ipsxl's is '{mine}'")
    journal = Journal(pkg)
    wb_root = pkg.xml(workbook)  # the journal edits it as text: the tree stays as read
    if wb_root.tag.startswith("{http://purl.oclc.org/"):
        raise PackageError("Strict Open XML workbooks are not supported; save as .xlsx")
    date1904 = any(
        xmlsafe.local(el.tag) == "workbookPr" and el.get("date1904") in ("1", "true")
        for el in wb_root
    )

    styles = StyleBook(journal, _styles_part(journal, workbook))
    listed = undo.sheet_parts(pkg, workbook)
    saved = state.State()

    # highlights on the agency's worksheets
    worksheets = worksheet_parts(pkg, listed)
    blocks = _BlockAllocator(highlights.used_shape_blocks(journal))
    for sheet, cells in highlight_marks(report, set(worksheets)).items():
        deadline.check()
        saved.highlights.append(
            highlights.highlight_sheet(
                journal, styles, sheet, indexes.get(pkg, worksheets[sheet]), cells, blocks
            )
        )

    # the two sheets, put in front of the agency's; the workbook opens on Flags when there are
    # errors to correct, else on Fidelity
    opens_on = flags.name if report.counts()[ERROR] else fidelity.name
    fid_part = journal.new_name("xl/worksheets/sheet{}.xml")
    journal.add_part(fid_part, b"", CT_WORKSHEET)
    flags_part = journal.new_name("xl/worksheets/sheet{}.xml")
    journal.add_part(flags_part, b"", CT_WORKSHEET)

    drawing_rid = None
    if fidelity.charts:
        drawing = journal.new_name("xl/drawings/drawing{}.xml")
        chart_rids = []
        for chart in fidelity.charts:
            chart_part = journal.new_name("xl/charts/chart{}.xml")
            journal.add_part(chart_part, charts.chart_xml(chart, fidelity), CT_CHART)
            chart_rids.append(journal.add_rel(drawing, RT_CHART, chart_part))
        journal.add_part(drawing, charts.drawing_xml(fidelity.charts, chart_rids), CT_DRAWING)
        drawing_rid = journal.add_rel(fid_part, RT_DRAWING, drawing)
    pkg.set(
        fid_part,
        render.sheet_xml(
            fidelity, styles.tag_xf, date1904, drawing_rid, selected=opens_on == fidelity.name
        ),
    )

    table_rid = None
    if flags.table is not None:
        table_part = journal.new_name("xl/tables/table{}.xml")
        table_id, table_name = _table_identity(pkg, wb_root, flags.table.name)
        journal.add_part(table_part, render.table_xml(flags.table, table_id, table_name), CT_TABLE)
        table_rid = journal.add_rel(flags_part, RT_TABLE, table_part)
    pkg.set(
        flags_part,
        render.sheet_xml(
            flags, styles.tag_xf, date1904, None, table_rid, selected=opens_on == flags.name
        ),
    )

    # the workbook: two sheets in front, their print settings, the tab it opens on
    fid_rid = journal.add_rel(workbook, RT_WORKSHEET, fid_part)
    flags_rid = journal.add_rel(workbook, RT_WORKSHEET, flags_part)
    new = [
        (fidelity.name, fid_rid, fidelity, (own.FIDELITY, areas[own.FIDELITY])),
        (flags.name, flags_rid, flags, (own.FLAGS, areas[own.FLAGS])),
    ]
    _add_sheets(journal, workbook, wb_root, new)
    _open_on(journal, workbook, [n for n, *_ in new].index(opens_on))
    _deselect(journal, pkg, indexes, worksheets.values())
    saved.sheets = {own.FIDELITY: fidelity.name, own.FLAGS: flags.name}
    saved.reviewer_cells = dict(fidelity.input_cells)

    # the state part, related from the workbook; its content is known only at the end
    item = journal.new_name("customXml/item{}.xml")
    journal.add_part(item, b"", CT_XML)
    props = journal.new_name("customXml/itemProps{}.xml")
    journal.add_part(props, state.ITEM_PROPS.encode("utf-8"), CT_CUSTOM_XML_PROPS)
    journal.add_rel(item, RT_CUSTOM_XML_PROPS, props)
    journal.add_rel(workbook, RT_CUSTOM_XML, item)

    styles.finish()
    patches = journal.finish()
    for part, undo_patches in patches.items():
        saved.modified[part] = (pkg.sha256(part), undo_patches)
    saved.added = {p: sha256(pkg.get(p)) for p in journal.added if p != item}
    pkg.set(item, saved.to_xml())
    return said


class _BlockAllocator:
    """Hands out VML shape-id blocks (o:idmap) no VML part of the workbook uses."""

    def __init__(self, used: set[int]) -> None:
        self.used = set(used)

    def __call__(self, count: int) -> int:
        for first in itertools.count(1):
            if all(first + i not in self.used for i in range(count)):
                self.used.update(first + i for i in range(count))
                return first
        raise AssertionError("unreachable")


def _styles_part(journal: Journal, workbook: str) -> str:
    pkg = journal.pkg
    for rel in pkg.rels(workbook):
        if rel.type == RT_STYLES and rel.part and pkg.has(rel.part):
            return pkg.name(rel.part) or rel.part
    part = journal.new_name("xl/styles{}.xml") if pkg.has("xl/styles.xml") else "xl/styles.xml"
    journal.add_part(part, MINIMAL_STYLES.encode("utf-8"), CT_STYLES)
    journal.add_rel(workbook, RT_STYLES, part)
    return part


def _table_identity(pkg: Package, wb_root, wanted: str) -> tuple[int, str]:
    """A table id and name no other table or defined name in the workbook uses."""
    ids = {0}
    names = set()
    defaults, overrides = pkg.content_types()
    for part in pkg.parts:
        ctype = overrides.get(part.lower(), defaults.get(part.rsplit(".", 1)[-1].lower()))
        if ctype == CT_TABLE:
            root = pkg.xml(part)
            ids.add(int(root.get("id", "0")) if root.get("id", "0").isdigit() else 0)
            names.add((root.get("name") or "").lower())
            names.add((root.get("displayName") or "").lower())
    for el in wb_root.iter():
        if xmlsafe.local(el.tag) == "definedName":
            names.add((el.get("name") or "").lower())
    name = wanted
    n = 1
    while name.lower() in names:
        n += 1
        name = f"{wanted}{n}"
    return max(ids) + 1, name


def _add_sheets(
    journal: Journal,
    workbook: str,
    wb_root,
    new: list[tuple[str, str, SheetLayout, tuple[str, own.Area]]],
) -> None:
    """Put ``new`` sheets (name, relationship id, layout) in front of the workbook's own.

    Names scoped to a sheet (a print area, print titles) say which by the sheet's position, so
    every existing one moves along by the sheets put in front; the new sheets' print area and
    print titles are added as such names, and ipsxl's mark on each (see ``sheets.own``)."""
    edit = journal.edit(workbook)
    text = edit.text
    top = next(t for t in xmltags.tags(text) if not t.closing)
    prefix = top.prefix
    ids = [
        int(el.get("sheetId", "0"))
        for el in wb_root.iter()
        if xmlsafe.local(el.tag) == "sheet" and (el.get("sheetId") or "").isdigit()
    ]
    next_id = max(ids, default=0) + 1
    sheet_xml = []
    names = []
    for k, (name, rid, layout, (role, area)) in enumerate(new):
        rid_attr = xmltags.rel_id_attr(wb_root, rid, NS_REL)
        sheet_xml.append(
            f'<{prefix}sheet name="{xmlescape.esc_attr(name)}" sheetId="{next_id + k}" {rid_attr}/>'
        )
        quoted = xmlescape.esc_text(quote_sheet(name))
        names.append(
            f'<{prefix}definedName name="{own.MARKS[role]}" localSheetId="{k}" hidden="1">'
            f"{quoted}!{own.area_ref(area)}</{prefix}definedName>"
        )
        for defined, ref in (
            ("_xlnm.Print_Area", layout.print_area),
            ("_xlnm.Print_Titles", layout.print_titles),
        ):
            if ref:
                names.append(
                    f'<{prefix}definedName name="{defined}" localSheetId="{k}">'
                    f"{quoted}!{ref}</{prefix}definedName>"
                )
    sheets_tag = xmltags.find(text, "sheets")
    if sheets_tag is None:
        raise PackageError(f"{workbook}: no <sheets> list")
    if sheets_tag.empty:
        append_children(edit, sheets_tag, "".join(sheet_xml))
    else:
        edit.insert(sheets_tag.end, "".join(sheet_xml))
    for t in xmltags.tags(text):
        if not t.closing and t.name == "definedName":
            local = t.attr(text, "localSheetId")
            if local is not None and local.isdigit():
                edit.set_attr(t, "localSheetId", str(int(local) + len(new)))
    if not names:
        return
    defined = xmltags.find(text, "definedNames")
    if defined is not None:
        append_children(edit, defined, "".join(names))
    else:
        end = xmltags.element_end(text, sheets_tag)
        # definedNames follows sheets, after functionGroups / externalReferences if present
        for t, e in xmltags.children(text, top):
            if t.name in ("functionGroups", "externalReferences"):
                end = e
        edit.insert(end, f"<{prefix}definedNames>{''.join(names)}</{prefix}definedNames>")


def _open_on(journal: Journal, workbook: str, index: int) -> None:
    """Make the sheet at ``index`` the one the workbook opens on, its tab in view."""
    edit = journal.edit(workbook)
    text = edit.text
    views = [t for t in xmltags.tags(text) if not t.closing and t.name == "workbookView"]
    for view in views:
        edit.set_attr(view, "activeTab", str(index))
        if view.attr(text, "firstSheet") not in (None, "0"):
            edit.set_attr(view, "firstSheet", "0")
    if views:
        return
    top = next(t for t in xmltags.tags(text) if not t.closing)
    prefix = top.prefix
    sheets_tag = xmltags.find(text, "sheets")
    assert sheets_tag is not None  # _add_sheets found it
    # bookViews comes just before sheets in the schema's order
    edit.insert(
        sheets_tag.start,
        f'<{prefix}bookViews><{prefix}workbookView activeTab="{index}"/></{prefix}bookViews>',
    )


def _deselect(journal: Journal, pkg: Package, indexes: SheetIndexes, parts) -> None:
    """Unselect the agency's selected tabs: Excel groups every selected sheet with the active
    one, and typing into a group types into all of its sheets. A sheet whose head (its views
    come before its cells) does not name the attribute is not read: a workbook may have
    thousands of sheets, or one of hundreds of MB. A sheet not read so far is edited in its
    head alone (see ``_deselect_head``): its cells are copied as they are."""
    for part in parts:
        if not pkg.holds_before(part, b"tabSelected", b"sheetData"):
            continue
        if pkg.streamed(part) and _deselect_head(journal, pkg, part):
            continue
        try:
            index = indexes.get(pkg, part)
        except (BadPart, PackageError, KeyError):
            continue  # a sheet ipsxl cannot read keeps its selection; Excel opens it anyway
        if not any(
            xmlsafe.local(el.tag) == "sheetView" and el.get("tabSelected") in ("1", "true")
            for views in index.root
            if xmlsafe.local(views.tag) == "sheetViews"
            for el in views
        ):
            continue
        edit = journal.edit(part, decoded=(index.text, index.encoded))
        end = index.sheet_data.start if index.sheet_data is not None else len(index.text)
        for t in xmltags.tags(index.text, 0, end):
            if not t.closing and t.name == "sheetView":
                if t.attr(index.text, "tabSelected") in ("1", "true"):
                    edit.set_attr(t, "tabSelected", "0")


def _deselect_head(journal: Journal, pkg: Package, part: str) -> bool:
    """Unselect a sheet by an edit of its head, up to its ``<sheetData>`` tag, the rest of the
    part left where it is; False when the head cannot be told (no such tag near the start, a
    part that is not UTF-8): the caller reads the sheet whole."""
    head = pkg.head(part, b"sheetData")
    if head is None:
        return False
    try:
        text = textedit.decode(head)[0]
    except UnicodeDecodeError:
        return False
    sheet_data = xmltags.find(text, "sheetData")
    if sheet_data is None:
        return False
    edit = journal.edit_head(part, head)
    for t in xmltags.tags(text, 0, sheet_data.start):
        if not t.closing and t.name == "sheetView" and t.attr(text, "tabSelected") in ("1", "true"):
            edit.set_attr(t, "tabSelected", "0")
    return True
