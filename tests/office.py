"""LibreOffice, headless, as a reviewer's other spreadsheet application: recalculate a workbook,
save it as LibreOffice saves it, or print a sheet to PDF; and typing into a written workbook's
cells as a person would (the XML of the cell changes, nothing else).

The shipped example as ``ipsxl check`` writes it, and printed by LibreOffice, is read by several
test modules: each is made once per test session (``example_checked``, ``example_printed``).
"""

from __future__ import annotations

import re
import runpy
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from session import built_once
from wb_fixtures import read_parts, sheet_part

from ipsxl.cli import main
from ipsxl.core.standard import FIDELITY_SHEET
from ipsxl.sheets import split_ref

# opening, converting and printing with LibreOffice, shared with docs/screenshots.py
_LIBREOFFICE = runpy.run_path(str(Path(__file__).resolve().parents[1] / "docs" / "libreoffice.py"))
SOFFICE = _LIBREOFFICE["SOFFICE"]
convert = _LIBREOFFICE["convert"]
convert_all = _LIBREOFFICE["convert_all"]
only_sheet = _LIBREOFFICE["only_sheet"]
PDFTOTEXT = shutil.which("pdftotext")
EXAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "example.xlsx"


def rewrite(path: Path, out: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out


def type_into(path: Path, out: Path, sheet: str, cells: dict[str, object]) -> Path:
    """A copy of ``path`` with values typed into cells of ``sheet``, as Excel saves a typed
    number (``<v>``) or text (an inline string here); the cell keeps its style."""
    parts = read_parts(path)
    part = sheet_part(path, sheet)
    text = parts[part].decode("utf-8")
    for ref, value in cells.items():
        if isinstance(value, str):
            body, kind = f"<is><t>{value}</t></is>", ' t="inlineStr"'
        else:
            body, kind = f"<v>{value}</v>", ""
        pattern = re.compile(rf'<c r="{ref}"( s="\d+")?\s*(/>|>.*?</c>)')
        text, n = pattern.subn(
            lambda m, b=body, k=kind, ref=ref: f'<c r="{ref}"{m[1] or ""}{k}>{b}</c>', text
        )
        if n == 0:  # no such cell yet: add it to its row
            row, _ = split_ref(ref)
            text, n = re.subn(
                rf'(<row r="{row}"[^>]*>)(.*?)(</row>)',
                lambda m, b=body, k=kind, ref=ref: m[1] + m[2] + f'<c r="{ref}"{k}>{b}</c>' + m[3],
                text,
                count=1,
            )
        assert n == 1, ref
    parts[part] = text.encode("utf-8")
    return rewrite(path, out, parts)


def without_cached_results(path: Path, out: Path, sheet: str) -> Path:
    """A copy whose formulas on ``sheet`` carry no stored result, so whatever value is read
    after LibreOffice opened it was computed by LibreOffice."""
    parts = read_parts(path)
    part = sheet_part(path, sheet)
    text = parts[part].decode()
    text = re.sub(r'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="str">(<f>.*?</f>)<v>.*?</v>', r"\1>\2", text)
    text = re.sub(r"(</f>)<v>.*?</v>", r"\1", text)
    parts[part] = text.encode()
    return rewrite(path, out, parts)


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of a PDF, laid out as printed."""
    out = subprocess.run(
        [str(PDFTOTEXT), "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def checked_copy(source: Path, folder: Path) -> Path:
    """``source`` copied into ``folder`` and checked by ``ipsxl check`` (in this process, through
    click's CliRunner); the checked copy's path."""
    path = folder / source.name
    if path != source:
        shutil.copy(source, path)
    done = CliRunner().invoke(main, ["check", str(path)])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.output
    out = path.with_name(f"{path.stem}.checked{path.suffix}")
    assert out.exists(), done.output
    return out


def _check_example(folder: Path) -> None:
    source = folder / "source" / EXAMPLE.name
    source.parent.mkdir()
    shutil.copy(EXAMPLE, source)
    done = CliRunner().invoke(main, ["check", str(source)])
    assert done.exit_code == 1, done.output  # the example's planted errors
    shutil.move(source.with_name("example.checked.xlsx"), folder)
    shutil.rmtree(source.parent)


def example_checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped example as ``ipsxl check`` writes it, made once per test session. Tests read
    it and never change it (copy it to change it)."""
    return built_once(tmp_path_factory, "example-checked", _check_example) / "example.checked.xlsx"


def example_printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder made once per test session: ``example.checked.pdf`` (``example_checked`` printed
    to PDF by LibreOffice) and ``fidelity.pdf`` (its Fidelity sheet printed alone), both from one
    start of LibreOffice. Tests read them and never change them."""
    checked = example_checked(tmp_path_factory)

    def print_example(folder: Path) -> None:
        work = folder / "work"
        work.mkdir()
        fidelity = only_sheet(checked, work / "fidelity.xlsx", FIDELITY_SHEET)
        for pdf in convert_all([checked, fidelity], work, to="pdf"):
            shutil.move(pdf, folder)
        shutil.rmtree(work)

    return built_once(tmp_path_factory, "example-printed", print_example)
