"""What ``ipsxl check`` writes is a valid workbook, and nothing of the agency's is lost in it.

Each test runs ``ipsxl check`` (through click's CliRunner) on a workbook a user could bring
(the shipped example, ``ipsxl template`` output, a tab whose header row is not found, a row
holding a CDATA section) and reads what it wrote with strict parsers, openpyxl, calamine and
LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from builders import clean_tabs, set_cell, write_workbook
from commands import ipsxl
from hostile import Raw, sheets_of, write_xlsx
from lxml import etree
from office import example_checked as checked_once
from office import example_printed

from ipsxl import sheets

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "example.xlsx"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
STRICT = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
NOTE = 'ObjectType="Note"'


def check(book: Path, *args: str) -> Path:
    """``ipsxl check`` on ``book``; the checked copy it wrote."""
    proc = ipsxl("check", str(book), *args)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    return book.with_name(f"{book.stem}.checked{book.suffix}")


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def xml_parts(path: Path) -> dict[str, bytes]:
    return {n: d for n, d in parts(path).items() if n.endswith((".xml", ".vml", ".rels"))}


def note_shapes(path: Path) -> int:
    return sum(d.count(NOTE.encode()) for n, d in parts(path).items() if n.endswith(".vml"))


def strict_errors(path: Path) -> dict[str, str]:
    """Every XML part (VML included) that a strict parser refuses, with the reason."""
    bad = {}
    for name, data in xml_parts(path).items():
        try:
            etree.fromstring(data, STRICT)
        except etree.XMLSyntaxError as exc:
            bad[name] = str(exc)
    return bad


# --- written workbooks are valid ----------------------------------------------------------------


@pytest.fixture(scope="module")
def example_checked(tmp_path_factory) -> Path:
    """The example as ``ipsxl check`` writes it, made once per session (office.py): read only."""
    return checked_once(tmp_path_factory)


def _template_with_mistakes(folder: Path) -> Path:
    """``ipsxl template`` output (every tab has header notes) with a few bad entries typed in."""
    book = folder / "template.xlsx"
    proc = ipsxl("template", str(book))
    assert proc.returncode == 0, proc.stderr
    wb = openpyxl.load_workbook(book)
    ws = wb["Caseload"]
    headers = [c.value for c in ws[1]]  # the template's header row is row 1
    for k, client in enumerate(("C1", "C2", "C1"), 1):
        ws.cell(1 + k, headers.index("Client ID") + 1, client)
        ws.cell(1 + k, headers.index("Enrollment Date") + 1, "not a date")
    wb.save(book)
    return book


def test_notes_added_beside_earlier_notes_leave_every_part_well_formed(example_checked):
    """example.xlsx has a notes drawing on every tab: ipsxl's notes join those drawings."""
    assert note_shapes(example_checked) > note_shapes(EXAMPLE)
    assert strict_errors(example_checked) == {}


def test_template_output_with_mistakes_checks_into_well_formed_parts(tmp_path):
    book = _template_with_mistakes(tmp_path)
    before = note_shapes(book)
    checked = check(book)
    assert note_shapes(checked) > before
    assert strict_errors(checked) == {}


def test_a_workbook_without_notes_checks_into_well_formed_parts(tmp_path):
    tabs = clean_tabs()
    set_cell(tabs, "Caseload", 1, "Enrollment Date", "13/45/2026")
    checked = check(write_workbook(tmp_path / "plain.xlsx", tabs))
    assert note_shapes(checked) >= 1
    assert strict_errors(checked) == {}


@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None, reason="needs soffice and pdftotext")
def test_libreoffice_keeps_ipsxl_notes_hidden_until_hovered(tmp_path_factory):
    """A note shown open prints its text over the data; a hidden one does not print."""
    pdf = example_printed(tmp_path_factory) / "example.checked.pdf"  # printed by LibreOffice
    text = subprocess.run(
        [PDFTOTEXT, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Client ID" in text  # the sheets were printed
    assert sheets.NOTE_MARKER not in text


def _no_header_rows(folder: Path) -> Path:
    """A Program tab laid out without its Field/Value header and missing a field, and a Jobs
    tab whose headers are in another language: flags about whole tabs with no header cell."""
    tabs = clean_tabs()
    tabs["Program"] = [row for row in tabs["Program"][1:] if row[0] != "Agency"]
    tabs["Jobs"][0] = [f"Columna {i}" for i in range(1, len(tabs["Jobs"][0]) + 1)]
    return write_workbook(folder / "no-header.xlsx", tabs)


def test_a_flag_without_a_cell_is_listed_on_the_flags_sheet_only(tmp_path):
    checked = check(_no_header_rows(tmp_path))
    for name, data in parts(checked).items():
        if name.startswith("xl/worksheets/"):
            assert not re.search(rb'\b(?:r|ref|sqref)="[A-Z]+0\b', data), name
    assert strict_errors(checked) == {}
    wb = openpyxl.load_workbook(checked)  # readable by openpyxl, calamine and ipsxl itself
    python_calamine.CalamineWorkbook.from_path(str(checked)).get_sheet_by_name("Jobs").to_python()
    assert ipsxl("validate", str(checked)).returncode in (0, 1)
    flags = [[c.value for c in row] for row in wb["Flags"].iter_rows(min_row=2)]
    jobs = [row for row in flags if row[0] == "Jobs" and row[3] == "missing-column"]
    assert jobs and all(row[1] is None and row[7] is None for row in jobs)  # no row, no link
    assert all(c.comment is None for row in wb["Jobs"].iter_rows() for c in row)


def test_a_flag_without_a_cell_never_reaches_a_sheet_in_place(tmp_path):
    book = _no_header_rows(tmp_path)
    proc = ipsxl("check", str(book), "--in-place")
    assert proc.returncode in (0, 1), proc.stderr
    assert ipsxl("validate", str(book)).returncode in (0, 1)  # still a workbook ipsxl reads


_CDATA = '<![CDATA[a </row><row r="99"> and </c> in text]]>'
_COMMENT = "<!-- a comment holding </row> and </c> -->"


def test_cells_are_added_beside_cdata_and_comments_holding_end_tags(tmp_path):
    """A row whose text holds ``</row>`` in a CDATA section or a comment gets the new cell in
    the row, never inside the user's text."""
    tabs = clean_tabs()
    row = set_cell(tabs, "Caseload", 2, "Enrollment Date", None)  # missing: a cell is created
    notes_col = tabs["Caseload"][0].index("Client ID")
    client = tabs["Caseload"][row - 1][notes_col]
    tabs["Caseload"][row - 1][notes_col] = Raw(
        f'<c r="{{ref}}" t="inlineStr"><is><t>{client}{_CDATA}</t></is></c>{_COMMENT}'
    )
    book = write_xlsx(tmp_path / "cdata.xlsx", sheets_of(tabs))
    checked = check(book)
    assert strict_errors(checked) == {}
    text = parts(checked)["xl/worksheets/sheet3.xml"].decode()
    assert _CDATA in text and _COMMENT in text  # the user's text as it was
    wb = openpyxl.load_workbook(checked)
    ws = wb["Caseload"]
    assert ws.cell(row, notes_col + 1).value == f'{client}a </row><row r="99"> and </c> in text'
    date = ws.cell(row, tabs["Caseload"][0].index("Enrollment Date") + 1)
    assert date.comment is not None and date.comment.text.startswith(sheets.NOTE_MARKER)


# --- the user's own things are never deleted -----------------------------------------------------


def _values(ws) -> dict[str, object]:
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def _with_agency_sheets(folder: Path) -> Path:
    """A workbook with sheets of the agency's own named "flags" and "Fidelity", and a formula
    reading from the agency's Fidelity sheet."""
    tabs = clean_tabs()
    set_cell(tabs, "Caseload", 1, "Enrollment Date", "13/45/2026")
    tabs["flags"] = [["Our own list of things to fix"], ["call the funder"]]
    tabs["Fidelity"] = [["Our fidelity review of 2025"], ["score", 97]]
    tabs["Summary"] = [["last year's score"]]
    book = write_workbook(folder / "agency.xlsx", tabs)
    wb = openpyxl.load_workbook(book)
    wb["Summary"]["B1"] = "=Fidelity!B2"
    wb.save(book)
    return book


def test_an_agency_sheet_named_flags_or_fidelity_is_never_replaced(tmp_path):
    book = _with_agency_sheets(tmp_path)
    before = openpyxl.load_workbook(book)
    checked = check(book)
    again = check(checked)  # a re-run replaces ipsxl's sheets and still leaves the agency's
    for path in (checked, again):
        wb = openpyxl.load_workbook(path)
        assert "Flags (ipsxl)" in wb.sheetnames and "Fidelity (ipsxl)" in wb.sheetnames
        assert [n for n in wb.sheetnames if n.casefold().startswith(("flags", "fidelity"))] == [
            n
            for n in wb.sheetnames
            if n in ("flags", "Fidelity", "Flags (ipsxl)", "Fidelity (ipsxl)")
        ]
        assert len(wb.sheetnames) == len(before.sheetnames) + 2
        for name in ("flags", "Fidelity", "Summary"):
            assert _values(wb[name]) == _values(before[name]), (path.name, name)
        flags = [[c.value for c in row] for row in wb["Flags (ipsxl)"].iter_rows(min_row=2)]
        assert any(row[0] == "Caseload" and row[3] == "bad-date" for row in flags)
    assert strict_errors(again) == {}


def _flag_row(ws, sheet: str, code: str) -> int:
    return next(
        r
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, 1).value == sheet and ws.cell(r, 4).value == code
    )


def test_rerun_keeps_a_column_the_reviewer_added_beside_the_flags_table(tmp_path):
    tabs = clean_tabs()
    set_cell(tabs, "Caseload", 1, "Enrollment Date", "13/45/2026")
    bad_status = set_cell(tabs, "Caseload", 2, "Status", "Sleeping")
    book = write_workbook(tmp_path / "agency.xlsx", tabs)
    checked = check(book)
    wb = openpyxl.load_workbook(checked)  # as a reviewer would: a column, a note, in Excel
    ws = wb["Flags"]
    last = len(sheets.FLAGS_HEADERS)
    ws.cell(1, last + 1, "Action taken")
    ws.cell(_flag_row(ws, "Caseload", "bad-date"), last + 1, "asked Ann to correct it")
    ws.cell(_flag_row(ws, "Caseload", "bad-choice"), last + 1, "status list sent")
    wb.save(checked)
    # the status is corrected; the date is not
    wb = openpyxl.load_workbook(checked)
    col = tabs["Caseload"][0].index("Status") + 1
    wb["Caseload"].cell(bad_status, col, "Active")
    wb.save(checked)

    proc = ipsxl("check", str(checked))
    assert proc.returncode in (0, 1), proc.stderr
    again = checked.with_name(f"{checked.stem}.checked.xlsx")
    wb = openpyxl.load_workbook(again)
    ws = wb["Flags"]
    assert ws.cell(1, last + 1).value == "Action taken"
    assert ws.cell(_flag_row(ws, "Caseload", "bad-date"), last + 1).value == (
        "asked Ann to correct it"
    )
    # the note of a flag that is gone is kept too: on the previous sheet, kept under a dated name
    kept = [n for n in wb.sheetnames if n.startswith("Flags ") and n != "Flags"]
    assert len(kept) == 1
    assert "status list sent" in _values(wb[kept[0]]).values()
    assert kept[0] in proc.stdout and "Action taken" not in proc.stderr


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_rerun_after_libreoffice_saved_the_workbook(example_checked, tmp_path):
    """Saved by LibreOffice, ipsxl's record of its last run is gone: the re-run reads what it
    needs from the sheets (its notes start with "ipsxl:", its fills are known colours, its
    sheets carry its mark), so no note is doubled, a corrected cell loses fill and note, and
    what the reviewer typed is kept."""
    from ipsxl.sheets.fidelity import fidelity_layout
    from ipsxl.validate import check_file

    checked = tmp_path / "example.checked.xlsx"
    shutil.copy(example_checked, checked)  # the example as ipsxl check wrote it
    report = check_file(EXAMPLE)
    bad = next(f for f in report.flags.itertuples() if f.code == "bad-date")
    wb = openpyxl.load_workbook(checked)
    ws = wb[bad.sheet]
    assert ws.cell(int(bad.row), int(bad.col)).comment is not None
    ws.cell(int(bad.row), int(bad.col)).value = dt.datetime(2026, 7, 1)
    ws.cell(int(bad.row), int(bad.col)).number_format = "yyyy-mm-dd"
    layout = fidelity_layout(report, dt.datetime.now())
    pos, ref = next(iter(layout.input_cells.items()))
    wb["Fidelity"][ref] = 4
    other = next(
        f for f in report.flags.itertuples() if f.code == "duplicate-id" and f.col is not None
    )
    noted = wb[other.sheet].cell(int(other.row), int(other.col))
    noted.comment = openpyxl.comments.Comment(noted.comment.text + "\nCalled Ann on 12/4", "me")
    wb.save(checked)
    saved = _libreoffice_save(checked, tmp_path)
    assert not any(n.startswith("customXml/") for n in parts(saved))  # the record is gone

    again = check(saved)
    wb = openpyxl.load_workbook(again)
    assert [n for n in wb.sheetnames if n.startswith(("Flags", "Fidelity"))] == [
        "Fidelity",
        "Flags",
    ]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.comment is not None:
                    assert c.comment.text.count(sheets.NOTE_MARKER) <= 1, (ws.title, c.coordinate)
    typed = wb[other.sheet].cell(int(other.row), int(other.col)).comment.text
    assert typed.count("Called Ann on 12/4") == 1 and typed.count(sheets.NOTE_MARKER) == 1
    fixed = wb[bad.sheet].cell(int(bad.row), int(bad.col))
    assert fixed.comment is None
    assert (fixed.fill.fgColor.rgb or "")[-6:] not in sheets.HIGHLIGHT_FILLS.values()
    assert wb["Fidelity"][ref].value == 4
    # the corrected cell is no longer flagged; a cell still flagged has its note, once
    still = check_file(saved).flags
    assert not ((still.sheet == bad.sheet) & (still.row == bad.row) & (still.col == bad.col)).any()
    other = next(f for f in still.itertuples() if f.row is not None and f.col is not None)
    note = wb[other.sheet].cell(int(other.row), int(other.col)).comment
    assert note is not None and note.text.count(sheets.NOTE_MARKER) == 1


def _libreoffice_save(path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "saved"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return out / f"{path.stem}.xlsx"


def _rezip(path: Path, parts_now: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts_now.items():
            zf.writestr(name, data)


def _typed_into_note(data: bytes, ref: str, line: str) -> bytes:
    """A comments part with ``line`` typed at the end of the note on ``ref``, as Excel saves it
    (a run of its own)."""
    head = f'<comment ref="{ref}"'.encode()
    at = data.index(head)
    end = data.index(b"</text>", at)
    run = f'<r><t xml:space="preserve">\n{line}</t></r>'.encode()
    return data[:end] + run + data[end:]


def test_rerun_keeps_text_typed_into_an_ipsxl_note(tmp_path):
    """Excel keeps ipsxl's record of its run when it saves; what a person typed into one of
    ipsxl's notes is kept on a re-run, beside the new messages or alone once the cell is right."""
    tabs = clean_tabs()
    date_row = set_cell(tabs, "Caseload", 1, "Enrollment Date", "13/45/2026")
    status_row = set_cell(tabs, "Caseload", 2, "Status", "Sleeping")
    header = tabs["Caseload"][0]
    date_ref = f"{sheets.column_letter(header.index('Enrollment Date') + 1)}{date_row}"
    status_ref = f"{sheets.column_letter(header.index('Status') + 1)}{status_row}"
    checked = check(write_xlsx(tmp_path / "agency.xlsx", sheets_of(tabs)))
    now = parts(checked)
    comments = next(n for n, d in now.items() if f'<comment ref="{date_ref}"'.encode() in d)
    now[comments] = _typed_into_note(now[comments], date_ref, "Called Ann on 12/4")
    now[comments] = _typed_into_note(now[comments], status_ref, "Status list sent")
    sheet = "xl/worksheets/sheet3.xml"
    now[sheet] = now[sheet].replace(b"<t>Sleeping</t>", b"<t>Active</t>")
    _rezip(checked, now)

    again = check(checked)
    ws = openpyxl.load_workbook(again)["Caseload"]
    date_note = ws[date_ref].comment.text
    assert date_note.count("Called Ann on 12/4") == 1 and date_note.count(sheets.NOTE_MARKER) == 1
    assert "is not a date" in date_note or "not a date" in date_note
    status_note = ws[status_ref].comment.text
    assert status_note.strip() == "Status list sent"  # the cell is right: only what was typed
    assert (ws[status_ref].fill.fgColor.rgb or "")[-6:] not in sheets.HIGHLIGHT_FILLS.values()
    assert strict_errors(again) == {}
