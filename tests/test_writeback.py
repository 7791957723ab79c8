"""Write-back into a copy of the agency's workbook: nothing lost, re-runs replace, clear undoes."""

from __future__ import annotations

import difflib
import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from lxml import etree
from wb_fixtures import (
    FLAGS,
    INJECTIONS,
    VBA_BYTES,
    WHEN,
    XLSM_TYPE,
    make_report,
    read_parts,
    sheet_part,
)

from ipsxl import sheets
from ipsxl.core.model import ERROR, INFO, WARNING
from ipsxl.core.standard import FIDELITY_SHEET, FLAGS_SHEET
from ipsxl.sheets import fidelity as fidelity_sheet
from ipsxl.writeback import WritebackError, clear, package, write_back

AGENCY_SHEETS = ["Program", "Caseload", "Employer Log", "Lookup", "Notes"]
FLAGGED = ["Caseload", "Employer Log"]


def _owned(path: Path) -> set[str]:
    """The parts write-back may edit: workbook, its rels, content types, styles, and each flagged
    sheet with its rels, comments and VML."""
    owned = {
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
        "xl/styles.xml",
    }
    parts = read_parts(path)
    for name in FLAGGED:
        part = sheet_part(path, name)
        folder, base = part.rsplit("/", 1)
        rels = f"{folder}/_rels/{base}.rels"
        owned |= {part, rels}
        if rels in parts:
            for target in re.findall(rb'Target="([^"]+)"', parts[rels]):
                t = target.decode()
                if t.endswith(".vml") or "comment" in t:
                    owned.add(t.lstrip("/") if t.startswith("/") else _join(folder, t))
    return owned


def _join(folder: str, target: str) -> str:
    parts = folder.split("/")
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _all_values(path: Path, name: str) -> dict[str, object]:
    ws = openpyxl.load_workbook(path)[name]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def _trimmed(rows: list[list[object]]) -> list[list[object]]:
    rows = [list(r) for r in rows]
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    width = max(
        (max((i + 1 for i, v in enumerate(r) if v != ""), default=0) for r in rows), default=0
    )
    return [r[:width] + [""] * (width - len(r[:width])) for r in rows]


# --- nothing lost -----------------------------------------------------------------------------


def test_parts_ipsxl_does_not_own_are_byte_identical(source, written):
    before, after = read_parts(source), read_parts(written)
    owned = _owned(source) | _owned(written)
    for name, data in before.items():
        assert name in after, f"{name} was dropped"
        if name not in owned:
            assert after[name] == data, f"{name} changed"
    assert after["xl/vbaProject.bin"] == VBA_BYTES
    assert XLSM_TYPE.encode() in after["[Content_Types].xml"]


def test_edited_parts_change_only_where_ipsxl_adds(source, written):
    before, after = read_parts(source), read_parts(written)
    for name in _owned(source) & set(before):
        old, new = before[name].decode(), after[name].decode()
        ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        for op, i1, i2, _, _ in ops:
            # inserts, or a number rewritten in place (a cell's style index, a list's count)
            assert op in ("equal", "insert") or old[i1:i2].isdigit(), (name, old[i1 - 40 : i2 + 40])


def test_values_read_back_unchanged_by_openpyxl_and_calamine(source, written):
    for name in AGENCY_SHEETS:
        assert _all_values(written, name) == _all_values(source, name)
    cal_before = python_calamine.CalamineWorkbook.from_path(str(source))
    cal_after = python_calamine.CalamineWorkbook.from_path(str(written))
    assert cal_after.sheet_names == [FIDELITY_SHEET, FLAGS_SHEET, *cal_before.sheet_names]
    for name in AGENCY_SHEETS:
        assert _trimmed(cal_after.get_sheet_by_name(name).to_python()) == _trimmed(
            cal_before.get_sheet_by_name(name).to_python()
        )


def test_workbook_features_survive(source, written):
    before = openpyxl.load_workbook(source)
    after = openpyxl.load_workbook(written)
    assert after.sheetnames == [FIDELITY_SHEET, FLAGS_SHEET, *before.sheetnames]
    assert after["Lookup"].sheet_state == "hidden"
    assert after["Caseload"].freeze_panes == before["Caseload"].freeze_panes == "A2"
    assert set(after.defined_names) >= set(before.defined_names)
    assert (
        after["Caseload"].data_validations.dataValidation[0].sqref
        == before["Caseload"].data_validations.dataValidation[0].sqref
    )
    assert (
        list(after["Caseload"].conditional_formatting)[0].sqref
        == list(before["Caseload"].conditional_formatting)[0].sqref
    )
    assert after["Caseload"]["A2"].comment.text.startswith("Agency note on C1")


def test_flagged_cells_get_fill_and_note_and_keep_their_format(source, written):
    before = openpyxl.load_workbook(source)["Caseload"]
    after = openpyxl.load_workbook(written)["Caseload"]
    fills = {sev: "FF" + rgb for sev, rgb in sheets.HIGHLIGHT_FILLS.items()}
    # C3 carries an error and a warning: one note with both, the error's fill
    c3 = after["C3"]
    assert c3.fill.fgColor.rgb == fills[ERROR]
    assert c3.number_format == before["C3"].number_format == "yyyy-mm-dd"
    messages = [f[5] for f in FLAGS if f[0] == "Caseload" and f[1] == 3 and f[7] == 3]
    assert len(messages) == 2 and all(m in c3.comment.text for m in messages)
    assert after["C4"].fill.fgColor.rgb == fills[INFO]
    assert after["B5"].fill.fgColor.rgb == fills[WARNING]
    assert after["B3"].number_format == before["B3"].number_format == "@"
    # a cell missing from the sheet is created, a missing column marks the header's first cell
    assert after["E3"].fill.fgColor.rgb == fills[ERROR] and after["E3"].value is None
    assert after["D9"].fill.fgColor.rgb == fills[ERROR]
    assert "Referral Date" in after["A1"].comment.text
    # an existing note keeps its text and gains the message
    assert after["A2"].comment.text.startswith(before["A2"].comment.text)
    assert "C1 repeats in row 5" in after["A2"].comment.text
    # an unflagged cell is untouched
    assert after["D2"].fill.fgColor.rgb == before["D2"].fill.fgColor.rgb
    log = openpyxl.load_workbook(written)["Employer Log"]
    assert log["A7"].fill.fgColor.rgb == fills[WARNING]  # a whole-row flag
    assert "Bo Chan made 2 contacts" in log["A1"].comment.text  # a whole-tab flag


def test_flags_sheet_is_a_table_with_links(written):
    wb = openpyxl.load_workbook(written)
    ws = wb[FLAGS_SHEET]
    assert [c.value for c in ws[1]] == list(sheets.FLAGS_HEADERS)
    assert ws.max_row == len(FLAGS) + 1
    ((name, ref),) = ws.tables.items()
    assert ref == f"A1:H{len(FLAGS) + 1}"
    links = {
        c.hyperlink.location
        for row in ws.iter_rows(min_row=2)
        for c in row
        if c.hyperlink is not None
    }
    assert "'Caseload'!C3" in links and "'Employer Log'!A7" in links
    fid = wb[FIDELITY_SHEET]
    assert fid.page_setup.orientation == "landscape"
    assert fid.page_setup.fitToWidth == 1
    assert fid.print_area


# --- where the checked workbook opens -----------------------------------------------------------


def _selected(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected]


def test_ipsxls_sheets_come_first_and_it_opens_on_flags_when_there_are_errors(written):
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames[:2] == [FIDELITY_SHEET, FLAGS_SHEET]
    assert wb.active.title == FLAGS_SHEET  # the report holds error flags
    assert _selected(written) == [FLAGS_SHEET]  # one selected tab: no sheets grouped


def test_without_errors_it_opens_on_fidelity(source, tmp_path):
    report = make_report()
    report.flags = report.flags[report.flags["severity"] != ERROR].reset_index(drop=True)
    out = tmp_path / "no-errors.xlsm"
    write_back(source, out, report, generated_at=WHEN)
    assert openpyxl.load_workbook(out).active.title == FIDELITY_SHEET
    assert _selected(out) == [FIDELITY_SHEET]


def test_sheet_scoped_names_stay_with_their_sheets(tmp_path):
    """A print area on an agency tab is scoped by the tab's position: it must follow the tab
    when ipsxl's sheets are put in front of it."""
    wb = openpyxl.Workbook()
    wb.active.title = "Program"
    case = wb.create_sheet("Caseload")
    case.append(["Client ID", "Employment Specialist", "Enrollment Date", "Status"])
    case.print_area = "A1:D40"
    case.print_title_rows = "1:1"
    wb.active = 1
    source = tmp_path / "scoped.xlsx"
    wb.save(source)
    out = tmp_path / "scoped.checked.xlsx"
    write_back(source, out, make_report(), generated_at=WHEN)
    after = openpyxl.load_workbook(out)
    assert after["Caseload"].print_area == "'Caseload'!$A$1:$D$40"
    assert after["Caseload"].print_title_rows == "$1:$1"
    assert after[FLAGS_SHEET].print_title_rows == "$1:$1"
    assert after[FIDELITY_SHEET].print_area
    assert not after["Program"].print_area and not after["Program"].print_title_rows
    cleared = tmp_path / "cleared.xlsx"
    clear(out, cleared)
    assert read_parts(cleared) == read_parts(source)


def test_flags_sheet_prints_landscape_one_page_wide_with_its_header_repeated(written):
    ws = openpyxl.load_workbook(written)[FLAGS_SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1"
    assert ws.freeze_panes == "A2"


# --- text stays text --------------------------------------------------------------------------


def test_workbook_text_is_never_a_formula(written):
    parts = read_parts(written)
    flags_xml = parts[sheet_part(written, FLAGS_SHEET)]
    assert b"<f>" not in flags_xml
    fid_xml = parts[sheet_part(written, FIDELITY_SHEET)]
    formulas = re.findall(rb"<f>(.*?)</f>", fid_xml)
    assert formulas and all(re.fullmatch(rb"[A-Z]+\(.*\)", f) for f in formulas)
    assert all(b"HYPERLINK" not in f and b"cmd" not in f for f in formulas)
    etree.fromstring(flags_xml)  # control characters were escaped: the part is well-formed
    assert b"\x01" not in flags_xml and b"\x0b" not in flags_xml
    wb = openpyxl.load_workbook(written)
    values = {c.value for row in wb[FLAGS_SHEET].iter_rows() for c in row}
    for text in INJECTIONS:
        assert text in values
    fid_values = {c.value for row in wb[FIDELITY_SHEET].iter_rows() for c in row}
    assert "=cmd|' /C calc'!A0" in fid_values and "+Team" in fid_values


# --- re-runs, clear, files --------------------------------------------------------------------


def test_writing_twice_is_writing_once(written, tmp_path):
    again = tmp_path / "again.xlsm"
    write_back(written, again, make_report(), generated_at=WHEN)
    first, second = read_parts(written), read_parts(again)
    assert list(second) == list(first)
    assert second == first


def test_clear_restores_the_original_parts(source, written, tmp_path):
    cleared = tmp_path / "cleared.xlsm"
    clear(written, cleared)
    assert read_parts(cleared) == read_parts(source)
    assert list(read_parts(cleared)) == list(read_parts(source))


def test_source_is_never_modified(source, tmp_path):
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    write_back(source, tmp_path / "copy.xlsm", make_report(), generated_at=WHEN)
    clear(source, tmp_path / "cleared.xlsm")
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest


def test_in_place_equals_a_copy(source, written, tmp_path):
    book = tmp_path / "book.xlsm"
    shutil.copy(source, book)
    write_back(book, book, make_report(), generated_at=WHEN)
    assert read_parts(book) == read_parts(written)


def test_a_failure_mid_write_leaves_no_file_under_the_target(source, tmp_path, monkeypatch):
    calls = {"n": 0}
    real = package.write_entry  # every zip entry goes through it, deflated or copied

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 5:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(package, "write_entry", failing)
    target = tmp_path / "out.xlsm"
    with pytest.raises(OSError, match="disk full"):
        write_back(source, target, make_report(), generated_at=WHEN)
    assert list(tmp_path.iterdir()) == []
    # in place: the workbook is still the one it was
    book = tmp_path / "book.xlsm"
    shutil.copy(source, book)
    calls["n"] = 0
    with pytest.raises(OSError):
        write_back(book, book, make_report(), generated_at=WHEN)
    assert book.read_bytes() == source.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]


def test_not_a_workbook_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(WritebackError, match="not a workbook"):
        write_back(bad, tmp_path / "out.xlsx", make_report(), generated_at=WHEN)
    assert not (tmp_path / "out.xlsx").exists()


def test_plain_xlsx_stays_xlsx(tmp_path):
    from builders import clean_tabs, write_workbook

    book = write_workbook(tmp_path / "plain.xlsx", clean_tabs())
    out = tmp_path / "plain.checked.xlsx"
    write_back(book, out, make_report(flags=[]), generated_at=WHEN)
    types = read_parts(out)["[Content_Types].xml"]
    assert b"spreadsheetml.sheet.main+xml" in types and XLSM_TYPE.encode() not in types
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == [FIDELITY_SHEET, FLAGS_SHEET]
    assert wb[FLAGS_SHEET].max_row == 1


# --- after someone else saved the workbook ----------------------------------------------------


def _edited(written: Path, tmp_path: Path) -> Path:
    """The written workbook after a person fixed C3 and typed a reviewer score."""
    parts = read_parts(written)
    case = sheet_part(written, "Caseload")
    fid = sheet_part(written, FIDELITY_SHEET)
    parts[case] = parts[case].replace(b"13/45/2026", b"2026-06-02")
    ref = fidelity_sheet.fidelity_layout(make_report(), WHEN).input_cells[2]
    parts[fid], n = re.subn(
        rf'<c r="{ref}" s="(\d+)"/>'.encode(),
        rf'<c r="{ref}" s="\1"><v>4</v></c>'.encode(),
        parts[fid],
    )
    assert n == 1
    out = tmp_path / "edited.xlsm"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out


def test_rerun_after_edits_replaces_the_last_run_and_keeps_reviewer_scores(written, tmp_path):
    edited = _edited(written, tmp_path)
    again = tmp_path / "again.xlsm"
    write_back(edited, again, make_report(), generated_at=WHEN)
    wb = openpyxl.load_workbook(again)
    assert wb.sheetnames == [FIDELITY_SHEET, FLAGS_SHEET, *AGENCY_SHEETS]
    assert wb["Caseload"]["C3"].value == "2026-06-02"
    assert wb["Caseload"]["A2"].comment.text.count("C1 repeats in row 5") == 1
    assert wb["Caseload"]["C3"].comment.text.count("is not a date") == 1
    ref = fidelity_sheet.fidelity_layout(make_report(), WHEN).input_cells[2]
    assert wb[FIDELITY_SHEET][ref].value == 4


def test_clear_after_edits_removes_ipsxl_work_and_keeps_the_edits(source, written, tmp_path):
    edited = _edited(written, tmp_path)
    cleared = tmp_path / "cleared.xlsm"
    clear(edited, cleared)
    before = openpyxl.load_workbook(source)
    wb = openpyxl.load_workbook(cleared)
    assert wb.sheetnames == AGENCY_SHEETS
    case = wb["Caseload"]
    assert case["C3"].value == "2026-06-02"
    assert case["A2"].comment.text == before["Caseload"]["A2"].comment.text
    for ref in ("C3", "E3", "A5", "B5", "A1"):
        assert case[ref].comment is None
        assert case[ref].fill.fgColor.rgb == before["Caseload"][ref].fill.fgColor.rgb
    assert read_parts(cleared)["xl/vbaProject.bin"] == VBA_BYTES
    assert not any(n.startswith("customXml/") for n in read_parts(cleared))
