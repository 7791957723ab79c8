"""missing-value, bad-date, bad-number, bad-choice: one wrong cell -> one flag on that cell;
every accepted way of typing a value -> no flag."""

from __future__ import annotations

import builders as b
import pytest
from builders import col_of, one
from builders import run_rules as run

from ipsxl.core.model import ERROR


def with_spare_rows(tabs):
    """Rows no other record depends on, so blanking or spoiling them raises only one flag."""
    tabs["Staff"].append(["Dee Ray", "Other", 0.5, "Sam Boss", None, "No"])
    tabs["Employer Log"].append(
        [
            b.D(2026, 7, 3),
            "Bo Chan",
            "Park Hotel",
            None,
            "No",
            "Phone",
            None,
            None,
            "left a message",
        ]
    )
    tabs["Benefits Referrals"].append(
        ["C3", b.D(2026, 7, 8), "SSDI", "Benefits Planner", None, "Pending"]
    )
    return tabs


BLANKS = [
    ("Staff", 2, "Role"),
    ("Staff", 3, "Role"),
    ("Staff", -1, "Name"),
    ("Caseload", 2, "Client ID"),
    ("Caseload", 2, "Employment Specialist"),
    ("Caseload", 2, "Enrollment Date"),
    ("Caseload", 2, "Status"),
    ("Jobs", 2, "Client ID"),
    ("Jobs", 2, "Job Start Date"),
    ("Jobs", 2, "Employer"),
    ("Jobs", 2, "Competitive"),
    ("Employer Log", -1, "Date"),
    ("Employer Log", -1, "Employment Specialist"),
    ("Employer Log", -1, "Employer"),
    ("Employer Log", -1, "Contact Type"),
    ("Benefits Referrals", -1, "Client ID"),
    ("Benefits Referrals", -1, "Referral Date"),
    ("Benefits Referrals", -1, "Status"),
]


@pytest.mark.parametrize(("tab", "data_row", "column"), BLANKS)
def test_missing_value(tmp_path, tab, data_row, column):
    tabs = with_spare_rows(b.clean_tabs())
    data_row = data_row if data_row > 0 else len(tabs[tab]) - 1
    row = b.set_cell(tabs, tab, data_row, column, None)
    flag = one(run(tmp_path, tabs), "missing-value")
    assert (flag["sheet"], flag["row"], flag["column"]) == (tab, row, column)
    assert flag["col"] == col_of(tabs, tab, column) and flag["severity"] == ERROR
    assert column in flag["message"]


def test_closed_status_without_closed_date(tmp_path):
    tabs = b.clean_tabs()
    row = b.set_cell(tabs, "Caseload", 2, "Status", "Closed")
    flag = one(run(tmp_path, tabs), "missing-value")
    assert (flag["sheet"], flag["row"], flag["column"]) == ("Caseload", row, "Closed Date")
    assert flag["col"] == col_of(tabs, "Caseload", "Closed Date") == 10
    assert "Closed" in flag["message"]


def test_closed_status_with_closed_date_is_fine(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Caseload", 2, "Status", "closed")
    b.set_cell(tabs, "Caseload", 2, "Closed Date", b.D(2026, 9, 1))
    assert run(tmp_path, tabs).empty


def test_program_field_blank(tmp_path):
    tabs = b.clean_tabs()
    tabs["Program"][1][1] = None  # Agency
    flag = one(run(tmp_path, tabs), "missing-value")
    assert (flag["sheet"], flag["row"], flag["column"], flag["col"]) == ("Program", 2, "Value", 2)
    assert "Agency" in flag["message"]


WRONG = [
    ("Caseload", 1, "Referral Date", "13/45/2026", "bad-date"),
    ("Caseload", 2, "Enrollment Date", "last July", "bad-date"),
    ("Jobs", 2, "Job End Date", "soon", "bad-date"),
    ("Jobs", 1, "Pre-Start Contact", "2026-02-30", "bad-date"),
    ("Employer Log", -1, "Date", "yesterday", "bad-date"),
    ("Benefits Referrals", -1, "Completed Date", "7.20.2026", "bad-date"),
    ("Jobs", 1, "Hours Per Week", "twenty", "bad-number"),
    ("Jobs", 1, "Hours Per Week", 90, "bad-number"),
    ("Jobs", 1, "Hourly Wage", -3, "bad-number"),
    ("Staff", 1, "FTE", 0, "bad-number"),
    ("Staff", 1, "FTE", 1.5, "bad-number"),
    ("Staff", 1, "Community Hours %", 150, "bad-number"),
    ("Caseload", 2, "Status", "Waiting", "bad-choice"),
    ("Caseload", 2, "In Education", "maybe", "bad-choice"),
    ("Jobs", 1, "Competitive", "sort of", "bad-choice"),
    ("Jobs", 2, "End Reason", "moved away", "bad-choice"),
    ("Employer Log", -1, "Contact Type", "Fax", "bad-choice"),
    ("Employer Log", -1, "Hiring Manager", "2", "bad-choice"),
    ("Staff", 3, "Role", "Coach", "bad-choice"),
    ("Benefits Referrals", -1, "Status", "Lost", "bad-choice"),
]


@pytest.mark.parametrize(("tab", "data_row", "column", "value", "code"), WRONG)
def test_bad_values(tmp_path, tab, data_row, column, value, code):
    tabs = with_spare_rows(b.clean_tabs())
    data_row = data_row if data_row > 0 else len(tabs[tab]) - 1
    row = b.set_cell(tabs, tab, data_row, column, value)
    flag = one(run(tmp_path, tabs), code)
    assert (flag["sheet"], flag["row"], flag["column"]) == (tab, row, column)
    assert flag["col"] == col_of(tabs, tab, column) and flag["severity"] == ERROR
    assert flag["value"] == str(value) and str(value) in flag["message"]


def test_bad_program_date(tmp_path):
    tabs = b.clean_tabs()
    tabs["Program"][4][1] = "Q3"  # Period Start, Excel row 5
    flag = one(run(tmp_path, tabs), "bad-date")
    assert (flag["sheet"], flag["row"], flag["column"], flag["col"]) == ("Program", 5, "Value", 2)
    assert flag["value"] == "Q3"


def test_every_accepted_spelling_raises_nothing(tmp_path):
    tabs = b.clean_tabs()
    # dates as US and ISO strings
    b.set_cell(tabs, "Caseload", 2, "Enrollment Date", "7/1/2026")
    b.set_cell(tabs, "Caseload", 2, "First Employer Contact", "2026-07-10")
    b.set_cell(tabs, "Jobs", 1, "Job Start Date", "08/03/2026")
    b.set_cell(tabs, "Benefits Referrals", 1, "Referral Date", "2026-07-06")
    # yes/no, choices and numbers the way people type them
    b.set_cell(tabs, "Caseload", 1, "Receives Benefits", "y")
    b.set_cell(tabs, "Caseload", 2, "In Education", "TRUE")
    b.set_cell(tabs, "Caseload", 3, "Status", "follow along")
    b.set_cell(tabs, "Jobs", 1, "Competitive", 1)
    b.set_cell(tabs, "Jobs", 1, "Hourly Wage", "$16.50")
    b.set_cell(tabs, "Jobs", 2, "End Reason", "laid off")
    b.set_cell(tabs, "Employer Log", 1, "Contact Type", "In Person")
    b.set_cell(tabs, "Employer Log", 2, "Contact Type", "face to face")
    b.set_cell(tabs, "Staff", 1, "Community Hours %", 0.7)
    b.set_cell(tabs, "Staff", 2, "FTE", "1")
    b.set_cell(tabs, "Staff", 3, "Role", "SUPERVISOR")
    assert run(tmp_path, tabs).empty
