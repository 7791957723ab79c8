"""duplicate-id, unknown-client, unknown-specialist, unknown-supervisor: keys that should point
at another record and do not; and the ways of typing a key that must still match."""

from __future__ import annotations

import builders as b
import pytest
from builders import col_of, one
from builders import run_rules as run

from ipsxl.core import rules
from ipsxl.core.model import ERROR, WARNING

CONTACT_DAY = b.D(2026, 7, 3)


def log_row(specialist="Bo Chan", client=None, day=CONTACT_DAY, kind="Phone"):
    """An Employer Log row that does not change any week's face-to-face count."""
    return [day, specialist, "Park Hotel", None, "No", kind, client, None, "follow-up"]


# --- duplicate-id -----------------------------------------------------------------------------


def test_duplicate_id_flags_the_repeat_and_names_the_first_row(tmp_path):
    tabs = b.clean_tabs()
    row = b.set_cell(tabs, "Caseload", 2, "Client ID", "C1")
    flag = one(run(tmp_path, tabs), "duplicate-id")
    assert (flag["sheet"], flag["row"], flag["column"]) == ("Caseload", row, "Client ID")
    assert flag["col"] == col_of(tabs, "Caseload", "Client ID") and flag["severity"] == ERROR
    assert "row 2" in flag["message"] and flag["value"] == "C1"


def test_duplicate_id_every_repeat_after_the_first(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Caseload", 2, "Client ID", " C1 ")  # spaces around do not count
    b.set_cell(tabs, "Caseload", 3, "Client ID", "C1")
    b.set_cell(tabs, "Jobs", 2, "Client ID", "C1")  # C3's job follows its client
    found = run(tmp_path, tabs)
    assert list(found["code"]) == ["duplicate-id", "duplicate-id"]
    assert list(found["row"]) == [3, 4]
    assert all("rows 2, 3, 4" in m for m in found["message"])


def test_ids_differing_in_case_are_two_clients(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Caseload", 2, "Client ID", "c1")
    found = run(tmp_path, tabs)
    assert "duplicate-id" not in set(found["code"])
    tabs["Employer Log"].append(log_row(client="c3"))  # and "c3" is not client C3
    found = run(tmp_path, tabs)
    assert list(found[found["code"] == "unknown-client"]["row"]) == [len(tabs["Employer Log"])]


def test_duplicate_id_number_and_text_are_one_id(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Caseload", 1, "Client ID", 1023)
    b.set_cell(tabs, "Caseload", 2, "Client ID", "1023")
    for tab in ("Jobs", "Benefits Referrals"):
        b.set_cell(tabs, tab, 1, "Client ID", 1023)
    tabs["Employer Log"][-1][b.column(tabs, "Employer Log", "Client ID")] = 1023
    flag = one(run(tmp_path, tabs), "duplicate-id")
    assert flag["row"] == 3 and "row 2" in flag["message"]


def test_duplicate_staff_name_is_flagged_like_a_duplicate_client(tmp_path):
    """Staff Name is unique in the standard: a person listed twice (spelt with other spacing or
    case) would be counted twice in every FTE sum."""
    tabs = b.clean_tabs()
    tabs["Staff"].append(["ann  LEE", "Employment Specialist", 0.5, "Sam Boss", 50, "Yes"])
    flag = one(run(tmp_path, tabs), "duplicate-id")
    assert (flag["sheet"], flag["row"], flag["column"]) == ("Staff", 5, "Name")
    assert flag["severity"] == ERROR and "row 2" in flag["message"]
    assert flag["value"] == "ann  LEE"


def test_every_unique_column_of_the_standard_is_checked(tmp_path):
    """duplicate-id follows ``Column.unique`` as missing-value follows ``required``: each unique
    column, given one repeated value, raises exactly one duplicate-id on that column."""
    from ipsxl.core import standard as std

    unique = [(t.name, c.name) for t in std.TABS for c in t.columns if c.unique]
    assert unique  # the standard declares some
    for tab, column in unique:
        tabs = b.clean_tabs()
        first = b.set_cell(tabs, tab, 1, column, "Same Value")
        second = b.set_cell(tabs, tab, 2, column, "Same Value")
        found = run(tmp_path, tabs)
        dup = found[found["code"] == "duplicate-id"]
        where = zip(dup["sheet"], dup["row"], dup["column"], strict=True)
        assert list(where) == [(tab, second, column)]
        assert f"row {first}" in dup["message"].iloc[0]


def test_blank_ids_are_not_duplicates(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Caseload", 2, "Client ID", None)
    b.set_cell(tabs, "Caseload", 3, "Client ID", None)
    b.set_cell(tabs, "Jobs", 2, "Client ID", "C1")
    found = run(tmp_path, tabs)
    assert set(found["code"]) == {"missing-value"}


# --- unknown-client ---------------------------------------------------------------------------


def _add_unknown(tabs, tab: str) -> int:
    """Add a row for client C9 (not in Caseload) to ``tab``; return its Excel row."""
    if tab == "Jobs":
        tabs[tab].append(
            [
                "C9",
                b.D(2026, 3, 1),
                b.D(2026, 5, 1),
                "Blue Cafe",
                "Cook",
                "food",
                "Yes",
                10,
                15,
                "Quit",
                None,
                None,
            ]
        )
    elif tab == "Employer Log":
        tabs[tab].append(log_row(client="C9"))
    else:
        tabs[tab].append(["C9", b.D(2026, 7, 8), "SSI", "Planner", None, "Pending"])
    return len(tabs[tab])


@pytest.mark.parametrize("tab", ["Jobs", "Employer Log", "Benefits Referrals"])
def test_unknown_client(tmp_path, tab):
    tabs = b.clean_tabs()
    row = _add_unknown(tabs, tab)
    flag = one(run(tmp_path, tabs), "unknown-client")
    assert (flag["sheet"], flag["row"], flag["column"]) == (tab, row, "Client ID")
    assert flag["col"] == col_of(tabs, tab, "Client ID") and flag["severity"] == ERROR
    assert "'C9'" in flag["message"] and flag["value"] == "C9"


def test_client_id_as_number_in_one_tab_and_text_in_another(tmp_path):
    tabs = b.clean_tabs()
    # Caseload has numbers, the other tabs text; and the other way round for C2
    b.set_cell(tabs, "Caseload", 1, "Client ID", 1023)
    b.set_cell(tabs, "Jobs", 1, "Client ID", "1023")
    b.set_cell(tabs, "Benefits Referrals", 1, "Client ID", " 1023")
    tabs["Employer Log"][-1][b.column(tabs, "Employer Log", "Client ID")] = "1023"
    b.set_cell(tabs, "Caseload", 2, "Client ID", "2046")
    tabs["Employer Log"].append(log_row(client=2046))
    tabs["Employer Log"].append(log_row(client=2046.0))
    assert run(tmp_path, tabs).empty


def test_general_job_development_needs_no_client(tmp_path):
    tabs = b.clean_tabs()
    tabs["Employer Log"].append(log_row(client=None))
    assert run(tmp_path, tabs).empty


def test_no_unknown_client_flood_when_caseload_lacks_client_id(tmp_path):
    tabs = b.clean_tabs()
    tabs["Caseload"][0][0] = "Customer"  # not a Client ID spelling
    found = run(tmp_path, tabs)
    assert list(found["code"]) == ["missing-column", "unknown-column"]  # and a note on the header


# --- unknown-specialist -----------------------------------------------------------------------


def test_unknown_specialist_in_caseload_suggests_the_close_name(tmp_path):
    tabs = b.clean_tabs()
    row = b.set_cell(tabs, "Caseload", 3, "Employment Specialist", "Bo Chen")
    flag = one(run(tmp_path, tabs), "unknown-specialist")
    assert (flag["sheet"], flag["row"], flag["column"]) == (
        "Caseload",
        row,
        "Employment Specialist",
    )
    assert flag["col"] == 2 and flag["severity"] == WARNING
    assert "'Bo Chen'" in flag["message"] and "did you mean 'Bo Chan'" in flag["message"]


def test_unknown_specialist_in_employer_log(tmp_path):
    tabs = b.clean_tabs()
    tabs["Employer Log"].append(log_row(specialist="Zed Quill"))
    flag = one(run(tmp_path, tabs), "unknown-specialist")
    assert (flag["sheet"], flag["row"], flag["column"], flag["col"]) == (
        "Employer Log",
        len(tabs["Employer Log"]),
        "Employment Specialist",
        2,
    )
    assert "did you mean" not in flag["message"]


def test_specialist_names_match_ignoring_case_and_spacing(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Caseload", 1, "Employment Specialist", "  ann   LEE")
    tabs["Employer Log"].append(log_row(specialist="bo chan"))
    assert run(tmp_path, tabs).empty


def test_punctuation_in_names_counts(tmp_path):
    tabs = b.clean_tabs()
    tabs["Employer Log"].append(log_row(specialist="Bo-Chan"))
    flag = one(run(tmp_path, tabs), "unknown-specialist")
    assert "did you mean 'Bo Chan'" in flag["message"]


def test_any_staff_role_is_a_known_name(tmp_path):
    tabs = b.clean_tabs()
    tabs["Employer Log"].append(log_row(specialist="Sam Boss"))
    assert run(tmp_path, tabs).empty


def test_no_unknown_specialist_without_a_staff_tab(tmp_path):
    tabs = b.clean_tabs()
    del tabs["Staff"]
    tabs["Employer Log"].append(log_row(specialist="Zed Quill"))
    assert run(tmp_path, tabs).empty


# --- unknown-supervisor -----------------------------------------------------------------------


def test_supervisor_not_on_staff(tmp_path):
    tabs = b.clean_tabs()
    row = b.set_cell(tabs, "Staff", 2, "Supervisor", "Sam Bos")
    flag = one(run(tmp_path, tabs), "unknown-supervisor")
    assert (flag["sheet"], flag["row"], flag["column"], flag["col"]) == (
        "Staff",
        row,
        "Supervisor",
        4,
    )
    assert flag["severity"] == WARNING == rules.CODES["unknown-supervisor"]
    assert "not on the Staff tab" in flag["message"] and "'Sam Boss'" in flag["message"]


def test_supervisor_on_staff_without_the_supervisor_role(tmp_path):
    tabs = b.clean_tabs()
    row = b.set_cell(tabs, "Staff", 2, "Supervisor", "ann lee")
    flag = one(run(tmp_path, tabs), "unknown-supervisor")
    assert flag["row"] == row
    assert "Role 'Employment Specialist'" in flag["message"]
