"""Cells as agencies' workbooks really hold them, read into the figures a person expects: never
a figure silently wrong. Each case goes through ``ipsxl validate --format json``."""

from __future__ import annotations

import json

from builders import clean_tabs, set_cell, write_workbook
from click.testing import CliRunner

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
