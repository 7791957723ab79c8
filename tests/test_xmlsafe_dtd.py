"""A DTD in a workbook's XML is refused alike wherever ipsxl reads XML, in one line.

OOXML has no DTD: a part declaring one (a document type, an entity) was crafted or corrupted.
The three readers of a submitted file's XML share ``files/xmlsafe.py``'s test and words: the
package scan (``ipsxl validate``, ``check``, ``summary``), the write-back's parts, and the
summary's look at its own mark (``is_summary``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from builders import clean_tabs
from commands import ipsxl
from hostile import XML_DECL, sheets_of, write_xlsx

from ipsxl import writeback
from ipsxl.files import xmlsafe
from ipsxl.summary import workbook as summary_workbook
from ipsxl.writeback import xmlparse

# What stands before the root element, by the kind of declaration (an entity declaration needs
# a document type around it to be well-formed; a bare one is refused all the same).
PROLOGS = {
    "a document type": "<!DOCTYPE worksheet>\n",
    "an entity declaration": '<!DOCTYPE worksheet [<!ENTITY lol "lol">]>\n',
    "a bare entity declaration": '<!ENTITY lol "lol">\n',
    "a document type after a long comment": "<!--" + " " * 4000 + "-->\n<!DOCTYPE worksheet>\n",
}
ROOT = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/>'
ROOT += "</worksheet>"


def part(prolog: str, encoding: str = "utf-8") -> bytes:
    declaration = f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n'
    bom = "\ufeff" if encoding.startswith("utf-16") else ""
    return (bom + declaration + prolog + ROOT).encode(encoding)


# --- the one test and its words ----------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("kind", list(PROLOGS))
def test_every_declaration_is_seen_in_utf8_and_utf16(kind: str, encoding: str) -> None:
    assert xmlsafe.declares_dtd(part(PROLOGS[kind], encoding))
    assert not xmlsafe.declares_dtd(part("<!-- Great news! -->\n", encoding))


def test_a_declaration_cut_in_two_by_the_chunks_read_is_seen() -> None:
    data = part(PROLOGS["an entity declaration"], "utf-16-le")
    for cut in range(1, len(data)):
        watch = xmlsafe.DtdWatch()
        assert watch.declares_dtd(data[:cut]) or watch.declares_dtd(data[cut:]), cut


def test_the_refusal_is_one_line_naming_the_part() -> None:
    line = xmlsafe.dtd_refusal("xl/worksheets/sheet3.xml")
    assert "\n" not in line
    assert line.startswith("damaged: xl/worksheets/sheet3.xml declares XML entities (a DTD)")


# --- the package scan: validate, check, summary ---------------------------------------------


def dtd_workbook(folder: Path, prolog: str, where: str = "Caseload") -> Path:
    sheets = sheets_of(clean_tabs(), **{where: {"prolog": XML_DECL + prolog}})
    return write_xlsx(folder / "agency.xlsx", sheets)


@pytest.mark.parametrize("kind", list(PROLOGS))
def test_validate_refuses_the_workbook_in_one_line(tmp_path: Path, kind: str) -> None:
    source = dtd_workbook(tmp_path, PROLOGS[kind])
    run = ipsxl("validate", str(source))
    assert run.returncode == 2
    refusal = xmlsafe.dtd_refusal("xl/worksheets/sheet3.xml")  # Caseload, the third sheet
    assert [line for line in run.stdout.splitlines() if refusal in line] == [
        f"{source}: UNREADABLE: {refusal}"
    ]


def test_check_refuses_the_workbook_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    source = dtd_workbook(tmp_path, PROLOGS["an entity declaration"])
    out = tmp_path / "agency.checked.xlsx"
    run = ipsxl("check", str(source), "--output", str(out))
    assert run.returncode == 2
    refusal = xmlsafe.dtd_refusal("xl/worksheets/sheet3.xml")
    assert run.stderr.strip().splitlines() == [f"ipsxl: {source}: {refusal}"]
    assert not out.exists()


# --- the write-back's own parsing -------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
@pytest.mark.parametrize("kind", list(PROLOGS))
def test_the_write_back_parsers_refuse_a_part_with_the_same_words(kind: str, encoding: str):
    data = part(PROLOGS[kind], encoding)
    refusal = xmlsafe.dtd_refusal("xl/worksheets/sheet3.xml")
    for parse in (xmlparse.parse, xmlparse.parse_shallow):
        with pytest.raises(xmlparse.BadPart) as refused:
            parse(data, "xl/worksheets/sheet3.xml")
        assert str(refused.value) == refusal


@pytest.mark.parametrize("kind", ["a document type", "an entity declaration"])
def test_preparing_a_write_back_refuses_the_workbook_in_one_line(tmp_path: Path, kind: str):
    """The write-back reads the package itself (the package scan is the check's, not its)."""
    source = write_xlsx(
        tmp_path / "agency.xlsx",
        sheets_of(clean_tabs()),
        workbook_prolog=XML_DECL + PROLOGS[kind].replace("worksheet", "workbook"),
    )
    with pytest.raises(writeback.WritebackError) as refused:
        writeback.prepare(source)
    assert str(refused.value) == f"{source}: {xmlsafe.dtd_refusal('xl/workbook.xml')}"


# --- the summary's look at its own mark -----------------------------------------------------


def with_dtd_in(path: Path, part_name: str, prolog: str, out: Path) -> Path:
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, prolog.encode() + data if info.filename == part_name else data)
    return out


@pytest.mark.parametrize("kind", ["a document type", "an entity declaration"])
def test_a_summary_with_a_dtd_is_refused_in_one_line_not_trusted(tmp_path: Path, kind: str):
    """A summary ipsxl wrote is skipped by the next summary, known by its mark; with a DTD in
    the part holding the mark it is no longer trusted, and is refused as any workbook is."""
    agencies = tmp_path / "quarter"
    agencies.mkdir()
    dtd_workbook(tmp_path, "")  # a clean workbook: the prolog holds no declaration
    (tmp_path / "agency.xlsx").rename(agencies / "agency.xlsx")
    written = tmp_path / "summary.xlsx"
    assert ipsxl("summary", str(agencies), "-o", str(written)).returncode in (0, 1)
    assert summary_workbook.is_summary(written)
    prolog = PROLOGS[kind].replace("worksheet", "Properties")
    tampered = with_dtd_in(written, "docProps/custom.xml", prolog, agencies / "summary.xlsx")

    assert not summary_workbook.is_summary(tampered)
    with zipfile.ZipFile(tampered) as zf, pytest.raises(ValueError) as refused:
        summary_workbook._small_xml(zf, "docProps/custom.xml")
    refusal = xmlsafe.dtd_refusal("docProps/custom.xml")
    assert str(refused.value) == refusal
    run = ipsxl("summary", str(agencies), "-o", str(tmp_path / "again.xlsx"))
    assert run.returncode == 2
    assert [line for line in run.stdout.splitlines() if refusal in line] == [
        f"{tampered}: send back: unreadable: {refusal}"
    ]
    assert (tmp_path / "again.xlsx").exists()  # the quarter's summary is written all the same
