"""missing-tab, missing-column, and the layouts agencies really send (title rows, aliases, odd
spelling, blank rows, extra columns, tabs in any order): flags must still land on the right cell.

Every test writes a real .xlsx with ``builders`` and reads it back through the real reader.
"""

from __future__ import annotations

import builders as b
import pytest
from builders import TODAY, col_of, one
from builders import run_rules as run

from ipsxl.core import parse, rules
from ipsxl.core import standard as std
from ipsxl.core.model import ERROR, FLAG_COLUMNS, WARNING
from ipsxl.files import read

# report.md's flag codes table, with the severities it sets
REPORT_CODES = {
    "missing-tab": ERROR,
    "missing-column": ERROR,
    "missing-value": ERROR,
    "bad-date": ERROR,
    "bad-number": ERROR,
    "bad-choice": ERROR,
    "duplicate-id": ERROR,
    "unknown-client": ERROR,
    "date-order": ERROR,
    "future-date": WARNING,
    "out-of-period": WARNING,
    "unknown-specialist": WARNING,
    "slow-job-search": WARNING,
    "no-benefits-planning": WARNING,
    "late-job-start-contact": WARNING,
    "low-contacts": WARNING,
}


def drop_column(tabs, tab: str, name: str) -> None:
    i = b.column(tabs, tab, name)
    tabs[tab] = [row[:i] + row[i + 1 :] for row in tabs[tab]]


def test_every_report_code_is_registered_with_its_severity():
    for code, severity in REPORT_CODES.items():
        assert rules.CODES.get(code) == severity, code


def test_clean_workbook_raises_no_flag(tmp_path):
    found = run(tmp_path, b.clean_tabs())
    assert list(found.columns) == FLAG_COLUMNS
    assert found.empty, found[["code", "message"]].to_string()


def test_each_family_is_silent_on_the_clean_workbook(tmp_path):
    path = b.write_workbook(tmp_path / "book.xlsx", b.clean_tabs())
    ctx = parse.parse_workbook(read.read_workbook(path), today=TODAY)
    for family in rules.FAMILIES:
        found = family.check(ctx)
        assert list(found.columns) == FLAG_COLUMNS and found.empty, family.__name__


@pytest.mark.parametrize("tab", [t.name for t in std.TABS if t.required])
def test_missing_tab(tmp_path, tab):
    tabs = b.clean_tabs()
    del tabs[tab]
    flag = one(run(tmp_path, tabs), "missing-tab")
    assert flag["sheet"] == tab and flag["severity"] == ERROR
    assert flag["row"] is None and flag["column"] is None and flag["col"] is None
    assert tab in flag["message"]


def test_staff_tab_is_optional(tmp_path):
    tabs = b.clean_tabs()
    del tabs["Staff"]
    assert run(tmp_path, tabs).empty


REQUIRED = [(t.name, c.name) for t in std.TABS if t is not std.PROGRAM for c in t.required_columns]


@pytest.mark.parametrize(("tab", "column"), REQUIRED)
def test_missing_column(tmp_path, tab, column):
    tabs = b.clean_tabs()
    drop_column(tabs, tab, column)
    flag = one(run(tmp_path, tabs), "missing-column")
    assert (flag["sheet"], flag["row"], flag["column"]) == (tab, 1, column)
    assert flag["severity"] == ERROR and flag["col"] is None
    assert column in flag["message"]


def test_missing_column_below_a_title_row_points_at_the_header_row(tmp_path):
    tabs = b.clean_tabs()
    drop_column(tabs, "Jobs", "Employer")
    tabs["Jobs"].insert(0, ["Jobs held, Q3 2026"])
    tabs["Jobs"].insert(1, [])
    flag = one(run(tmp_path, tabs), "missing-column")
    assert (flag["sheet"], flag["row"], flag["column"]) == ("Jobs", 3, "Employer")


def test_title_rows_above_the_header_shift_flags_to_the_real_excel_row(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Caseload", 2, "Referral Date", "someday")  # data row 2
    col = col_of(tabs, "Caseload", "Referral Date")
    tabs["Caseload"].insert(0, ["IPS caseload - Test Agency"])
    tabs["Caseload"].insert(1, ["as of 2026-09-30"])
    flag = one(run(tmp_path, tabs), "bad-date")
    # two title rows, the header on row 3, data row 2 on Excel row 5
    assert (flag["sheet"], flag["row"], flag["column"]) == ("Caseload", 5, "Referral Date")
    assert flag["col"] == col == 3
    assert flag["value"] == "someday"


def test_aliases_and_odd_spelling_of_headers_and_tab_names(tmp_path):
    tabs = b.clean_tabs()
    renamed = {
        "Caseload": [
            "  client #",
            "ES",
            "REFERRED",
            "intake date",
            "First Contact Date",
            "Job Goal",
            "benefits",
            "Education",
            "case_status",
            "Discharge Date",
            "Discharge Reason",
        ],
        "Jobs": [
            "Client",
            "Hire Date",
            "end date",
            "Company",
            "Position",
            "Occupation",
            "Competitive Job",
            "hours (s)",
            "Pay Rate",
            "Reason Ended",
            "Contact Before Start",
            "Contact After Start",
        ],
        "Employer Log": [
            "Contact Date",
            "specialist",
            "Business",
            "Contact Name",
            "Decision Maker",
            "METHOD",
            "On Behalf Of",
            "Reflects Preference",
            "Purpose",
        ],
        "Benefits Referrals": [
            "ID",
            "Date Referred",
            "Benefits",
            "Planner",
            "Date Completed",
            "status",
        ],
        "Staff": [
            "Employee",
            "Title",
            "fte",
            "supervisor",
            "Time in Community",
            "Employment Services Only",
        ],
    }
    for tab, header in renamed.items():
        tabs[tab][0] = header
    sheets = {
        "Program": "program info",
        "Staff": "IPS TEAM",
        "Caseload": "Client_List",
        "Jobs": "JOBS",
        "Employer Log": "employer contacts",
        "Benefits Referrals": "Benefits  Planning",
    }
    tabs = {sheets[name]: rows for name, rows in tabs.items()}
    assert run(tmp_path, tabs).empty

    # and a flag on such a tab names the sheet as the agency spelt it
    tabs["JOBS"][1][7] = "forty"
    flag = one(run(tmp_path, tabs), "bad-number")
    assert (flag["sheet"], flag["row"], flag["column"], flag["col"]) == (
        "JOBS",
        2,
        "Hours Per Week",
        8,
    )


def test_blank_row_inside_a_table_is_skipped_and_rows_keep_their_excel_numbers(tmp_path):
    tabs = b.clean_tabs()
    tabs["Caseload"].insert(2, [None] * len(tabs["Caseload"][0]))  # after C1, before C2
    assert run(tmp_path, tabs).empty
    b.set_cell(tabs, "Caseload", 3, "Status", "Waiting")  # C2, now on Excel row 4
    flag = one(run(tmp_path, tabs), "bad-choice")
    assert (flag["row"], flag["column"], flag["col"]) == (4, "Status", 9)


def test_extra_columns_are_ignored_and_shift_the_sheet_column(tmp_path):
    tabs = b.clean_tabs()
    for i, row in enumerate(tabs["Jobs"]):
        row.insert(0, "Agency note" if i == 0 else "ok")
        row.append("Supervisor comment" if i == 0 else None)
    notes = run(tmp_path, tabs)  # only a note on each header the standard does not know
    assert list(zip(notes["code"], notes["severity"], notes["row"], notes["col"], strict=True)) == [
        ("unknown-column", "info", 1, 1),
        ("unknown-column", "info", 1, 14),
    ]
    assert list(notes["value"]) == ["Agency note", "Supervisor comment"]
    b.set_cell(tabs, "Jobs", 1, "Competitive", "sort of")
    found = run(tmp_path, tabs)
    flag = one(found[found["code"] != "unknown-column"], "bad-choice")
    assert (flag["sheet"], flag["row"], flag["column"]) == ("Jobs", 2, "Competitive")
    assert flag["col"] == col_of(tabs, "Jobs", "Competitive") == 8


def test_tabs_in_another_order(tmp_path):
    tabs = b.clean_tabs()
    shuffled = {name: tabs[name] for name in reversed(list(tabs))}
    assert list(shuffled)[0] == "Benefits Referrals"
    assert run(tmp_path, shuffled).empty


EMPTY_TAB_FLAGS = {  # what a tab with a header and no rows leaves to say
    "Staff": set(),  # an empty Staff tab is no Staff: Caseload's specialists are the team
    "Caseload": {"unknown-client"},
    "Jobs": set(),
    "Employer Log": {"low-contacts"},
    "Benefits Referrals": {"no-benefits-planning"},
}


@pytest.mark.parametrize("tab", list(EMPTY_TAB_FLAGS))
def test_a_tab_with_a_header_and_no_rows(tmp_path, tab):
    tabs = b.clean_tabs()
    tabs[tab] = tabs[tab][:1]
    found = run(tmp_path, tabs)
    assert set(found["code"]) == EMPTY_TAB_FLAGS[tab], found[["code", "message"]].to_string()


def test_every_tab_empty(tmp_path):
    tabs = {name: rows[:1] for name, rows in b.clean_tabs().items() if name != "Program"}
    tabs["Program"] = b.clean_tabs()["Program"]
    assert run(tmp_path, tabs).empty
