"""Write-back in two phases, and what makes it fast: prepare ahead of the report, rows found by
bisection, unchanged parts copied compressed. Each shortcut must give what the long way gives."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from wb_fixtures import (
    WHEN,
    make_report,
    read_parts,
    sheet_part,
)

from ipsxl.writeback import WritebackError, clear, package, prepare, write_back, xmlparse
from ipsxl.writeback.package import NS_MAIN
from ipsxl.writeback.rows import _LINEAR, index_sheet


def _rewrite(source: Path, target: Path, sheet: str, change) -> Path:
    """A copy of ``source`` with one sheet's XML passed through ``change``."""
    part = sheet_part(source, sheet)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, change(data.decode()).encode() if info.filename == part else data)
    return target


def _looks(path: Path, sheet: str) -> dict[str, tuple]:
    """Every cell of a sheet as a person sees it: value, fill, note."""
    ws = openpyxl.load_workbook(path)[sheet]
    return {
        c.coordinate: (c.value, c.fill.fgColor.rgb, c.comment.text if c.comment else None)
        for row in ws.iter_rows()
        for c in row
    }


# --- two phases -------------------------------------------------------------------------------


def test_prepare_then_write_is_write_back(source, written, tmp_path):
    out = tmp_path / "two.xlsm"
    prepare(source).write(out, make_report(), generated_at=WHEN)
    assert read_parts(out) == read_parts(written)
    assert list(read_parts(out)) == list(read_parts(written))


def test_one_prepared_workbook_takes_any_report_any_number_of_times(source, tmp_path):
    prepared = prepare(source)  # no report exists yet
    before = dict(prepared.package.parts)
    for k, report in enumerate([make_report(), make_report(flags=[]), make_report()]):
        out, direct = tmp_path / f"p{k}.xlsm", tmp_path / f"d{k}.xlsm"
        prepared.write(out, report, generated_at=WHEN)
        write_back(source, direct, report, generated_at=WHEN)
        assert read_parts(out) == read_parts(direct)
    assert prepared.package.parts == before  # writing left the prepared package alone


def test_errors_come_from_the_phase_that_finds_them(source, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(WritebackError, match="not a workbook"):
        prepare(bad)
    # a damaged sheet is refused only when a flagged cell is on it, as it always was
    broken = _rewrite(
        source,
        tmp_path / "broken.xlsm",
        "Caseload",
        lambda x: x.replace("<sheetData>", "<sheetData><q:oops/>", 1),
    )
    prepared = prepare(broken)
    prepared.write(tmp_path / "fine.xlsm", make_report(flags=[]), generated_at=WHEN)
    with pytest.raises(WritebackError) as late:
        prepared.write(tmp_path / "no.xlsm", make_report(), generated_at=WHEN)
    with pytest.raises(WritebackError) as direct:
        write_back(broken, tmp_path / "no.xlsm", make_report(), generated_at=WHEN)
    assert str(late.value) == str(direct.value)
    assert "Namespace prefix q on oops is not defined" in str(late.value)
    assert not (tmp_path / "no.xlsm").exists()


# --- the zip ----------------------------------------------------------------------------------


def _compressed(path: Path) -> dict[str, tuple[int, bytes]]:
    """Each entry's CRC and compressed bytes, as stored."""
    blob = memoryview(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        return {i.filename: (i.CRC, bytes(package._entry_data(blob, i))) for i in zf.infolist()}


def test_parts_that_did_not_change_are_copied_as_stored(source, written):
    before, after = read_parts(source), read_parts(written)
    raw_before, raw_after = _compressed(source), _compressed(written)
    unchanged = [n for n in before if after.get(n) == before[n]]
    assert "xl/vbaProject.bin" in unchanged and len(unchanged) > 10
    for name in unchanged:
        assert raw_after[name] == raw_before[name], name
    with zipfile.ZipFile(written) as zf:
        assert zf.testzip() is None  # every entry's CRC checks out


def test_a_part_set_to_the_same_bytes_is_still_copied(source):
    pkg = package.Package.read(source)
    part = sheet_part(source, "Caseload")
    pkg.set(part, bytes(pkg.get(part)))
    assert part in pkg.compressed
    pkg.set(part, pkg.get(part) + b" ")
    assert part not in pkg.compressed


def _inflated(monkeypatch) -> list[str]:
    """The parts the write-back inflates from now on, by name, in the order it does."""
    names: list[str] = []
    real = package._Source.read

    def counted(self, info):
        if info.filename not in self.inflated:
            names.append(info.filename)
        return real(self, info)

    monkeypatch.setattr(package._Source, "read", counted)
    return names


def test_parts_ipsxl_has_no_use_for_are_never_inflated(source, written, tmp_path, monkeypatch):
    """The VBA project, the images, the sheets no cell of the report is on: copied compressed
    as they are, never held inflated (a sheet of the agency's own may be hundreds of MB)."""
    inflated = _inflated(monkeypatch)
    out = tmp_path / "out.xlsm"
    write_back(source, out, make_report(), generated_at=WHEN)
    assert read_parts(out) == read_parts(written)
    for part in ("xl/vbaProject.bin", "xl/media/image1.png", sheet_part(source, "Notes")):
        assert part not in inflated, part
    assert sheet_part(source, "Caseload") in inflated  # it has flagged cells


def test_without_zipfile_internals_unchanged_parts_are_copied_a_chunk_at_a_time(
    source, written, tmp_path, monkeypatch
):
    """Where zipfile lacks what copying compressed bytes relies on, a part never read is
    copied through zipfile's own streams (inflated and deflated a chunk at a time): the same
    content, the CRC checked on the way."""
    monkeypatch.setattr(package, "_can_copy", lambda zf: False)
    inflated = _inflated(monkeypatch)
    out = tmp_path / "streamed.xlsm"
    write_back(source, out, make_report(), generated_at=WHEN)
    assert read_parts(out) == read_parts(written)
    assert list(read_parts(out)) == list(read_parts(written))
    assert "xl/vbaProject.bin" not in inflated
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None


def test_a_damaged_part_is_refused_when_it_is_read(source, tmp_path):
    """A part whose bytes fail their checksum is refused as soon as the write-back needs it:
    one line naming the part, no file written."""
    raw = bytearray(source.read_bytes())
    part = sheet_part(source, "Caseload")
    with zipfile.ZipFile(source) as zf:
        info = zf.getinfo(part)
    at = raw.index(part.encode(), info.header_offset) + len(part) + 40
    raw[at] ^= 0xFF  # inside the sheet's deflated data
    broken = tmp_path / "broken.xlsm"
    broken.write_bytes(bytes(raw))
    with pytest.raises(WritebackError, match=re.escape(part)):
        write_back(broken, tmp_path / "out.xlsm", make_report(), generated_at=WHEN)
    assert not (tmp_path / "out.xlsm").exists()


def test_large_parts_deflated_fast_read_the_same(source, written, tmp_path, monkeypatch):
    monkeypatch.setattr(package, "FAST_DEFLATE_FROM", 0)
    out = tmp_path / "fast.xlsm"
    write_back(source, out, make_report(), generated_at=WHEN)
    assert read_parts(out) == read_parts(written)


# --- finding rows -----------------------------------------------------------------------------


def _sheet(rows: str, root: str = f'<worksheet xmlns="{NS_MAIN}">', prefix: str = "") -> bytes:
    return (
        f"{root}<{prefix}sheetData>{rows}</{prefix}sheetData>"
        f'<{prefix}pageMargins left="1"/></{prefix}worksheet>'
    ).encode()


def _cells(r: int) -> str:
    return f'<c r="A{r}"><v>{r}</v></c><c r="C{r}" s="1" t="inlineStr"><is><t>x</t></is></c>'


EVEN_ROWS = "".join(f'<row r="{r}">{_cells(r)}</row>' for r in range(2, 3000, 2))
SHEETS = {
    # name: (part, whether its rows are found by bisection)
    "plain": (_sheet(EVEN_ROWS + '<row r="3001" spans="1:3"/>'), True),
    "one row": (_sheet(f'<row r="7">{_cells(7)}</row>'), True),
    "no r": (
        _sheet(f"<row>{_cells(1)}</row><row/>" + f'<row r="5">{_cells(5)}</row><row/>'),
        False,
    ),
    "r not first": (_sheet(f'<row spans="1:3" r="2">{_cells(2)}</row>'), False),
    "out of order": (_sheet(f'<row r="9">{_cells(9)}</row><row r="4">{_cells(4)}</row>'), False),
    "comment": (_sheet(f'<row r="2">{_cells(2)}</row><!-- <row r="3"> --><row r="6"/>'), False),
    "prefixed": (
        _sheet(
            f'<x:row r="2">{_cells(2).replace("<c ", "<x:c ")}</x:row>'.replace("</c>", "</x:c>"),
            root=f'<x:worksheet xmlns:x="{NS_MAIN}">',
            prefix="x:",
        ),
        False,
    ),
    "main ns twice": (_sheet(f'<row r="2" xmlns:m="{NS_MAIN}">{_cells(2)}</row>'), False),
}


@pytest.mark.parametrize("name", list(SHEETS))
def test_rows_are_found_as_reading_every_row_finds_them(name):
    data, plain = SHEETS[name]
    index = index_sheet("xl/worksheets/sheet1.xml", data)
    assert index.plain is plain
    wanted = set(range(0, 3004)) if name == "plain" else set(range(0, 12))
    fast, slow = index.locate(wanted), index._walk(wanted)
    assert fast == slow
    assert set(fast.rows) | set(fast.gaps) == wanted
    for r, row in fast.rows.items():
        assert row.number == r and index.text[row.tag.start :].startswith(("<row", "<x:row"))
        assert all(index.text[t.start : t.end].startswith(("<c ", "<x:c ")) for _, t in row.cells)


def test_the_plain_sheet_is_long_enough_to_bisect():
    assert len(SHEETS["plain"][0]) > 20 * _LINEAR


def _without_row_numbers(xml: str) -> str:
    return re.sub(r'<row r="\d+"', "<row", xml)


def _prefixed(xml: str) -> str:
    xml = re.sub(r"<(/?)([A-Za-z]+)([ />])", r"<\1x:\2\3", xml)
    return xml.replace(f'xmlns="{NS_MAIN}"', f'xmlns:x="{NS_MAIN}"', 1)


def _commented(xml: str) -> str:
    return xml.replace("<sheetData>", "<sheetData><!-- rows follow -->", 1)


@pytest.mark.parametrize(
    "change",
    [_without_row_numbers, _prefixed, _commented],
    ids=["rows without r", "prefixed tags", "a comment"],
)
def test_unusual_markup_gets_the_same_highlights(source, written, tmp_path, change):
    odd = _rewrite(source, tmp_path / "odd.xlsm", "Caseload", change)
    part = sheet_part(odd, "Caseload")
    assert not index_sheet(part, read_parts(odd)[part]).plain
    out = tmp_path / "odd.checked.xlsm"
    write_back(odd, out, make_report(), generated_at=WHEN)
    assert _looks(out, "Caseload") == _looks(written, "Caseload")


# --- the shallow tree -------------------------------------------------------------------------


ROOT = f'<worksheet xmlns="{NS_MAIN}" xmlns:r="urn:r">'
SHALLOW = {
    "rows": ROOT + '<cols><col min="1" max="2" style="3"/></cols><sheetData><row r="1"><c/>'
    '</row></sheetData><legacyDrawing r:id="rId1"/></worksheet>',
    "end tag in a comment": ROOT + '<sheetData><row r="1"/><!-- </sheetData> --></sheetData>'
    '<legacyDrawing r:id="rId1"/></worksheet>',
    "end tag in CDATA": ROOT + "<sheetData><row><c><is><t><![CDATA[</sheetData>]]></t></is></c>"
    '</row></sheetData><legacyDrawing r:id="rId1"/></worksheet>',
    "empty": ROOT + '<sheetData/><legacyDrawing r:id="rId1"/></worksheet>',
    "prefixed": '<x:worksheet xmlns:x="urn:x"><x:sheetData><x:row/></x:sheetData><x:cols/>'
    "</x:worksheet>",
}
DAMAGED = {
    "prefix not declared, among the rows": ROOT + "<sheetData><q:c/></sheetData></worksheet>",
    "attribute prefix not declared": ROOT + '<sheetData><c q:r="1"/></sheetData></worksheet>',
    "bad namespace URI": ROOT + '<sheetData><c xmlns:z="a b"/></sheetData></worksheet>',
    "unclosed": ROOT + "<sheetData><row><c></row></sheetData></worksheet>",
    "control character": ROOT + "<sheetData><row><c><v>\x01</v></c></row></sheetData></worksheet>",
    "content after the root": ROOT + "<sheetData/></worksheet><x/>",
    "a DTD": '<!DOCTYPE x [<!ENTITY e "x">]>' + ROOT + "<sheetData/></worksheet>",
}


@pytest.mark.parametrize("name", list(SHALLOW))
def test_the_shallow_tree_is_the_top_level(name):
    data = SHALLOW[name].encode()
    tree = xmlparse.parse_shallow(data, "p")
    dropping = xmlparse._parse_dropping(data, "p", "sheetData")
    assert [(e.tag, dict(e.attrib), len(e)) for e in tree] == [
        (e.tag, dict(e.attrib), len(e)) for e in dropping
    ]
    assert all(len(e) == 0 for e in tree if etree.QName(e).localname == "sheetData")


@pytest.mark.parametrize("name", list(DAMAGED))
def test_a_damaged_part_is_refused_as_parse_refuses_it(name):
    data = DAMAGED[name].encode()
    with pytest.raises(xmlparse.BadPart) as whole:
        xmlparse.parse(data, "p")
    with pytest.raises(xmlparse.BadPart) as shallow:
        xmlparse.parse_shallow(data, "p")
    assert str(shallow.value) == str(whole.value)


class _Stream:
    """A write-only file zipfile cannot seek in: it then writes data descriptors."""

    def __init__(self, fh) -> None:
        self.fh = fh

    def write(self, data) -> int:
        return self.fh.write(data)

    def flush(self) -> None:
        self.fh.flush()


def test_entries_with_data_descriptors_or_stored_are_copied_soundly(source, written, tmp_path):
    streamed = tmp_path / "streamed.xlsm"
    with zipfile.ZipFile(source) as zin, open(streamed, "wb") as fh:
        with zipfile.ZipFile(_Stream(fh), "w") as zout:
            for k, info in enumerate(zin.infolist()):
                kind = zipfile.ZIP_STORED if k % 3 == 0 else zipfile.ZIP_DEFLATED
                zout.writestr(
                    zipfile.ZipInfo(info.filename, info.date_time),
                    zin.read(info),
                    compress_type=kind,
                )
    with zipfile.ZipFile(streamed) as zf:
        assert all(i.flag_bits & 0x08 for i in zf.infolist())
    out = tmp_path / "out.xlsm"
    write_back(streamed, out, make_report(), generated_at=WHEN)
    assert read_parts(out) == read_parts(written)
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None
        assert not any(i.flag_bits & 0x08 for i in zf.infolist())
    raw_in, raw_out = _compressed(streamed), _compressed(out)
    assert raw_out["xl/vbaProject.bin"] == raw_in["xl/vbaProject.bin"]


def test_selected_sheets_are_unselected_by_their_head_and_clear_selects_them_again(
    source, tmp_path, monkeypatch
):
    """The agency saved with its own Notes sheet and its flagged Caseload tab selected too: the
    copy opens with one selected tab, ipsxl's; Notes is unselected without being inflated (its
    head edited, the rest streamed, read here a few bytes at a time so that every search runs
    across the ends of chunks); clearing the copy, or a copy checked twice, gives the workbook
    back exactly, its selection with it."""

    def selected(xml: str) -> str:
        return xml.replace(
            '<sheetView workbookViewId="0">', '<sheetView tabSelected="1" workbookViewId="0">'
        )

    both = _rewrite(source, tmp_path / "notes.xlsm", "Notes", selected)
    both = _rewrite(both, tmp_path / "both.xlsm", "Caseload", selected)
    monkeypatch.setattr(package, "_COPY_CHUNK", 7)
    inflated = _inflated(monkeypatch)
    once, twice = tmp_path / "once.xlsm", tmp_path / "twice.xlsm"
    write_back(both, once, make_report(), generated_at=WHEN)
    write_back(once, twice, make_report(), generated_at=WHEN)
    assert sheet_part(source, "Notes") not in inflated
    for out in (once, twice):
        wb = openpyxl.load_workbook(out)
        assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Flags"]
        cleared = tmp_path / f"{out.stem}.cleared.xlsm"
        clear(out, cleared)
        assert read_parts(cleared) == read_parts(both)
        with zipfile.ZipFile(cleared) as zf:
            assert zf.testzip() is None
