"""What ``ipsxl check`` writes is a valid workbook, and nothing of the agency's is lost in it.

Each test runs ``ipsxl check`` as a real process on a workbook a user could bring (the shipped
example, ``ipsxl template`` output, a tab whose header row is not found, a row holding a CDATA
section) and reads what it wrote with strict parsers, openpyxl, calamine and LibreOffice.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from builders import clean_tabs, set_cell, write_workbook
from hostile import Raw, sheets_of, write_xlsx
from lxml import etree

from ipsxl import sheets

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "example.xlsx"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
STRICT = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
NOTE = 'ObjectType="Note"'


def ipsxl(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ipsxl", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        encoding="utf-8",
    )


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
    book = tmp_path_factory.mktemp("example") / "example.xlsx"
    shutil.copy(EXAMPLE, book)
    return check(book)


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
def test_libreoffice_keeps_ipsxl_notes_hidden_until_hovered(example_checked, tmp_path):
    """A note shown open prints its text over the data; a hidden one does not print."""
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(example_checked),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = tmp_path / f"{example_checked.stem}.pdf"
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
