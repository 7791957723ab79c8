"""Cells as agencies' workbooks really hold them, read into the figures a person expects: never
a figure silently wrong. Each case goes through ``ipsxl validate --format json``."""

from __future__ import annotations

import json
import zipfile

import openpyxl
from builders import clean_tabs, column, set_cell, write_workbook
from click.testing import CliRunner
from hostile import Raw, prefixed, sheets_of, write_xlsx
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table

from ipsxl.cli import main


def validate(book) -> dict:
    """The JSON report of one workbook, through the command line."""
    result = CliRunner().invoke(main, ["validate", str(book), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)["workbooks"][0]


def codes(report: dict) -> list[str]:
    return [f["code"] for f in report["flags"]]


# --- numbers typed as text with a decimal comma ------------------------------------------------


def test_a_decimal_comma_is_read_as_a_decimal_separator(tmp_path):
    tabs = clean_tabs()  # C1's and C3's jobs are the competitive jobs held in the quarter
    set_cell(tabs, "Jobs", 1, "Hourly Wage", "17,50")
    set_cell(tabs, "Jobs", 2, "Hourly Wage", "$16,5")
    set_cell(tabs, "Jobs", 1, "Hours Per Week", "7,5")
    set_cell(tabs, "Jobs", 2, "Hours Per Week", "12,5 ")
    report = validate(write_workbook(tmp_path / "b.xlsx", tabs))
    assert report["outcomes"]["mean_wage"] == 17.0
    assert report["outcomes"]["mean_hours"] == 10.0
    assert report["flags"] == []


def test_a_thousands_separator_still_groups_thousands(tmp_path):
    tabs = clean_tabs()
    set_cell(tabs, "Jobs", 1, "Hourly Wage", "1,750")
    set_cell(tabs, "Jobs", 2, "Hourly Wage", "1,250.50")
    report = validate(write_workbook(tmp_path / "b.xlsx", tabs))
    assert report["outcomes"]["mean_wage"] == 1500.25


def test_a_european_number_with_dots_for_thousands_reads_whole(tmp_path):
    tabs = clean_tabs()
    set_cell(tabs, "Jobs", 1, "Hourly Wage", "1.234,50")
    set_cell(tabs, "Jobs", 2, "Hourly Wage", "0,750")  # no thousands group starts with 0
    report = validate(write_workbook(tmp_path / "b.xlsx", tabs))
    assert report["outcomes"]["mean_wage"] == round((1234.5 + 0.75) / 2, 2)


def test_commas_that_fit_no_way_of_writing_a_number_are_flagged_not_guessed(tmp_path):
    tabs = clean_tabs()
    row = set_cell(tabs, "Jobs", 1, "Hourly Wage", "17,5,0")
    other = set_cell(tabs, "Jobs", 2, "Hourly Wage", "1,75,000")
    report = validate(write_workbook(tmp_path / "b.xlsx", tabs))
    bad = [(f["row"], f["value"]) for f in report["flags"] if f["code"] == "bad-number"]
    assert bad == [(row, "17,5,0"), (other, "1,75,000")]
    assert report["outcomes"]["mean_wage"] is None


# --- invisible spacing in IDs and names ---------------------------------------------------------


def test_zero_width_and_non_breaking_spaces_do_not_split_one_id_or_name(tmp_path):
    tabs = clean_tabs()
    set_cell(tabs, "Caseload", 1, "Client ID", "C1\u200b")  # pasted from a web form
    set_cell(tabs, "Jobs", 2, "Client ID", "\u00a0C3")
    set_cell(tabs, "Benefits Referrals", 1, "Client ID", "\ufeffC1")
    set_cell(tabs, "Caseload", 2, "Employment Specialist", "Ann\u00a0Lee")
    set_cell(tabs, "Caseload", 3, "Employment Specialist", "Bo\u200b Chan")
    report = validate(write_workbook(tmp_path / "b.xlsx", tabs))
    assert report["flags"] == []
    assert report["outcomes"]["employed_clients"] == 2
    people = [s for s in report["specialists"] if s["kind"] == "specialist"]
    assert {s["name"]: s["caseload"] for s in people} == {
        "Ann Lee": 2,
        "Bo Chan": 1,
    }


# --- formulas that were never computed ---------------------------------------------------------

UNCOMPUTED = "formula without a computed value: open and save the workbook in Excel"


def test_a_formula_never_computed_is_flagged_not_read_as_blank(tmp_path):
    tabs = clean_tabs()  # written by openpyxl, as a script would: no formula has a value yet
    wage = set_cell(tabs, "Jobs", 1, "Hourly Wage", "=16.5*1")
    title = set_cell(tabs, "Jobs", 1, "Job Title", '=PROPER("stocker")')
    tabs["Program"][1][1] = '="Test Agency"'
    report = validate(write_workbook(tmp_path / "b.xlsx", tabs))
    found = [
        (f["sheet"], f["row"], f["column"], f["severity"], f["value"]) for f in report["flags"]
    ]
    assert found == [
        ("Program", 2, "Value", "error", '="Test Agency"'),
        ("Jobs", title, "Job Title", "error", '=PROPER("stocker")'),
        ("Jobs", wage, "Hourly Wage", "error", "=16.5*1"),
    ]
    assert set(codes(report)) == {"bad-value"}
    assert all(UNCOMPUTED in f["message"] for f in report["flags"])
    assert report["outcomes"]["mean_wage"] == 17.0  # C3's wage alone, not a blank wage of C1


def test_a_formula_with_its_computed_value_reads_the_value(tmp_path):
    tabs = clean_tabs()
    set_cell(tabs, "Jobs", 1, "Hourly Wage", Raw('<c r="{ref}"><f>16.5*1</f><v>16.5</v></c>'))
    set_cell(
        tabs,
        "Jobs",
        1,
        "Employer",
        Raw('<c r="{ref}" t="str"><f>"Acme "&amp;"Grocery"</f><v>Acme Grocery</v></c>'),
    )
    set_cell(tabs, "Jobs", 2, "Job Title", Raw('<c r="{ref}" t="str"><f>""</f><v></v></c>'))
    report = validate(write_xlsx(tmp_path / "b.xlsx", sheets_of(tabs)))
    assert report["flags"] == []
    assert report["outcomes"]["mean_wage"] == 16.75


def test_a_formula_never_computed_is_flagged_when_its_tags_have_a_prefix(tmp_path):
    tabs = clean_tabs()
    wage = set_cell(tabs, "Jobs", 1, "Hourly Wage", Raw('<c r="{ref}"><f>SUM(A1:A2)</f></c>'))
    hours = set_cell(
        tabs, "Jobs", 2, "Hours Per Week", Raw('<c r="{ref}"><f t="shared" si="0"/><v/></c>')
    )
    set_cell(tabs, "Jobs", 2, "Hourly Wage", Raw('<c r="{ref}"><f>16.5*1</f><v>16.5</v></c>'))
    set_cell(tabs, "Jobs", 2, "Job Title", Raw('<c r="{ref}" t="str"><f>""</f><v></v></c>'))
    book = write_xlsx(
        tmp_path / "b.xlsx", sheets_of(tabs), edit=prefixed(list(tabs).index("Jobs") + 1)
    )
    with zipfile.ZipFile(book) as zf:  # the test's own premise: every tag of Jobs is prefixed
        jobs = zf.read(f"xl/worksheets/sheet{list(tabs).index('Jobs') + 1}.xml")
    assert b"<x:c " in jobs and b"<x:f>SUM(A1:A2)</x:f></x:c>" in jobs and b"<c " not in jobs
    report = validate(book)
    found = [(f["sheet"], f["row"], f["column"], f["code"], f["value"]) for f in report["flags"]]
    assert found == [
        ("Jobs", hours, "Hours Per Week", "bad-value", "(a formula)"),
        ("Jobs", wage, "Hourly Wage", "bad-value", "=SUM(A1:A2)"),
    ]
    assert all(UNCOMPUTED in f["message"] for f in report["flags"])
    assert report["outcomes"]["mean_wage"] == 16.5  # the computed one; the other is no blank


# --- merged cells -------------------------------------------------------------------------------


def test_a_merged_cell_gives_its_value_to_every_cell_it_covers(tmp_path):
    tabs = clean_tabs()
    set_cell(tabs, "Caseload", 2, "Employment Specialist", None)  # C2: Ann Lee, as C1
    path = write_workbook(tmp_path / "b.xlsx", tabs)
    book = openpyxl.load_workbook(path)
    book["Caseload"].merge_cells("B2:B3")  # Ann Lee's name over both her clients' rows
    book.save(path)
    report = validate(path)
    assert report["flags"] == []
    caseloads = {s["name"]: s["caseload"] for s in report["specialists"]}
    assert (caseloads["Ann Lee"], caseloads["Bo Chan"]) == (2, 1)


# --- an Excel table's totals row ----------------------------------------------------------------


def test_the_totals_row_of_an_excel_table_is_not_a_record(tmp_path):
    tabs = clean_tabs()
    jobs = tabs["Jobs"]
    totals = [None] * len(jobs[0])
    totals[0] = "Total"
    totals[column(tabs, "Jobs", "Hours Per Week")] = 35
    totals[column(tabs, "Jobs", "Hourly Wage")] = 16.75
    jobs.append(totals)
    path = write_workbook(tmp_path / "b.xlsx", tabs)
    book = openpyxl.load_workbook(path)
    sheet = book["Jobs"]
    ref = f"A1:{get_column_letter(len(jobs[0]))}{len(jobs)}"
    sheet.add_table(Table(displayName="JobsTable", ref=ref, totalsRowCount=1))
    book.save(path)
    report = validate(path)
    assert report["flags"] == []
    assert report["outcomes"]["mean_wage"] == 16.75
    assert report["outcomes"]["mean_hours"] == 17.5


# --- headers the standard does not know ---------------------------------------------------------


def _rename(tabs: dict, tab: str, name: str, header: str) -> int:
    """Give a column another header; its 1-based sheet column."""
    at = column(tabs, tab, name)
    tabs[tab][0][at] = header
    return at + 1


def test_common_spellings_of_hours_and_wage_are_read(tmp_path):
    tabs = clean_tabs()
    _rename(tabs, "Jobs", "Hours Per Week", "Hrs/Wk")
    _rename(tabs, "Jobs", "Hourly Wage", "Wage/Hr")
    report = validate(write_workbook(tmp_path / "b.xlsx", tabs))
    assert report["flags"] == []
    assert (report["outcomes"]["mean_hours"], report["outcomes"]["mean_wage"]) == (17.5, 16.75)


def test_a_header_the_standard_does_not_know_is_a_note_with_the_likely_column(tmp_path):
    tabs = clean_tabs()
    _rename(tabs, "Jobs", "Hours Per Week", "Hours Per Weak")
    tabs["Caseload"][0].append("Favourite Colour")
    report = validate(write_workbook(tmp_path / "b.xlsx", tabs))
    notes = [
        (f["sheet"], f["row"], f["code"], f["severity"], f["message"]) for f in report["flags"]
    ]
    assert notes == [
        (
            "Caseload",
            1,
            "unknown-column",
            "info",
            "column 'Favourite Colour' is not part of the standard; it is not read",
        ),
        (
            "Jobs",
            1,
            "unknown-column",
            "info",
            "column 'Hours Per Weak' is not part of the standard; did you mean 'Hours Per Week'?",
        ),
    ]
    assert report["counts"] == {"error": 0, "warning": 0, "info": 2}
    assert report["outcomes"]["mean_hours"] is None  # the column is not read: said, not hidden
    text = CliRunner().invoke(main, ["validate", str(tmp_path / "b.xlsx")])
    assert text.exit_code == 0 and "2 notes" in text.output
    target = tmp_path / "checked.xlsx"
    checked = CliRunner().invoke(main, ["check", str(tmp_path / "b.xlsx"), "--output", str(target)])
    assert checked.exit_code == 0, checked.output
    flags_sheet = openpyxl.load_workbook(target)["Flags"]
    shown = [c.value for row in flags_sheet.iter_rows() for c in row]
    assert "unknown-column" in shown and "info" in shown
