"""CSV that a person opens in Excel holds no live formula: a cell that starts with =, +, -, @, a
tab or a carriage return gets a leading apostrophe (OWASP's rule), whatever put it there (a cell
of the workbook, an agency name, a file name). --csv-raw keeps the text exactly, for scripts."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from builders import clean_tabs, col_of, set_cell, write_workbook
from click.testing import CliRunner

from ipsxl.cli import main
from ipsxl.report import defused

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]


def invoke(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1 mixes stderr into output by default
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args))


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A workbook whose Jobs tab names clients that look like formulas, its agency named like
    one, and a file whose name starts like one."""
    folder = tmp_path_factory.mktemp("csv")
    tabs = clean_tabs()
    tabs["Program"][1][1] = "=1+2"
    while len(tabs["Jobs"]) <= len(HOSTILE):
        tabs["Jobs"].append(list(tabs["Jobs"][1]))
    rows = [set_cell(tabs, "Jobs", k, "Client ID", "?") for k in range(1, len(HOSTILE) + 1)]
    path = write_workbook(folder / "=evil.xlsx", tabs)
    # typed as text, as Excel keeps a cell typed '=1+2 (openpyxl would write a formula)
    book = openpyxl.load_workbook(path)
    cells = [(book["Program"].cell(2, 2), "=1+2")]
    cells += [
        (book["Jobs"].cell(row, col_of(tabs, "Jobs", "Client ID")), value)
        for row, value in zip(rows, HOSTILE, strict=True)
    ]
    for cell, value in cells:
        cell.value = value
        cell.data_type = "s"
    book.save(path)
    return folder


def _values(found: list[dict[str, str]]) -> set[str]:
    return {r["value"] for r in found if r["code"] == "unknown-client"}


def test_validate_csv_defuses_every_cell_that_excel_would_run(folder, monkeypatch):
    monkeypatch.chdir(folder)
    result = invoke("validate", "=evil.xlsx", "--format", "csv")
    assert result.exit_code == 1, result.stderr
    found = rows(result.stdout)
    assert _values(found) == {"'" + v for v in HOSTILE}
    assert {r["file"] for r in found} == {"'=evil.xlsx"}
    for r in found:
        for cell in r.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_csv_raw_keeps_the_text_for_scripts(folder, monkeypatch):
    monkeypatch.chdir(folder)
    result = invoke("validate", "=evil.xlsx", "--format", "csv", "--csv-raw")
    assert result.exit_code == 1, result.stderr
    found = rows(result.stdout)
    assert _values(found) == set(HOSTILE)
    assert {r["file"] for r in found} == {"=evil.xlsx"}


def test_the_reports_written_with_out_are_defused_too(folder, monkeypatch, tmp_path):
    monkeypatch.chdir(folder)
    result = invoke("validate", "=evil.xlsx", "--format", "csv", "--out", str(tmp_path))
    assert result.exit_code == 1, result.stderr
    (written,) = tmp_path.iterdir()
    assert _values(rows(written.read_text(encoding="utf-8"))) == {"'" + v for v in HOSTILE}


def test_summary_csv_defuses_agency_and_file(folder, monkeypatch):
    monkeypatch.chdir(folder)
    result = invoke("summary", ".", "--format", "csv")
    assert result.exit_code == 1, result.stderr
    (row,) = rows(result.stdout)
    assert row["agency"] == "'=1+2"
    assert row["file"] == "'=evil.xlsx"
    assert row["errors"] == str(len(HOSTILE))  # numbers stay numbers
    raw = invoke("summary", ".", "--format", "csv", "--csv-raw")
    (row,) = rows(raw.stdout)
    assert row["agency"] == "=1+2" and row["file"] == "=evil.xlsx"


@pytest.mark.parametrize("text", ["=1", "+1+1", "-1-A1", "@A1", "\tx", "\rx", "-", "+"])
def test_every_formula_start_is_defused(text):
    assert defused(text) == "'" + text
    assert defused("a" + text) == "a" + text


@pytest.mark.parametrize("value", [-1, -2.5, None, "-5", "+1", "-2.5", "-1e3"])
def test_a_number_is_left_as_it_is_even_as_text(value):
    assert defused(value) == value  # Excel reads these as numbers, not formulas


def test_negative_numbers_stay_numbers(tmp_path):
    tabs = clean_tabs()
    set_cell(tabs, "Jobs", 1, "Hours Per Week", -5)
    book = write_workbook(tmp_path / "neg.xlsx", tabs)
    result = invoke("validate", str(book), "--format", "csv")
    (bad,) = [r for r in rows(result.stdout) if r["code"] == "bad-number"]
    assert bad["value"] in ("-5", "-5.0")
