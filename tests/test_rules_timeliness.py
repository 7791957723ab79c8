"""slow-job-search, late-job-start-contact, no-benefits-planning, low-contacts: the specialist's
deadlines, at and just past each edge."""

from __future__ import annotations

import datetime as dt

import builders as b
import pytest
from builders import col_of, one
from builders import run_rules as run

from ipsxl.core.model import WARNING

D = b.D


# --- slow-job-search --------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "flagged"), [(30, False), (31, True)])
def test_first_contact_30_vs_31_days_after_enrollment(tmp_path, days, flagged):
    tabs = b.clean_tabs()  # C2 enrolled 2026-07-01
    row = b.set_cell(
        tabs, "Caseload", 2, "First Employer Contact", D(2026, 7, 1) + dt.timedelta(days=days)
    )
    found = run(tmp_path, tabs)
    if not flagged:
        assert found.empty
        return
    flag = one(found, "slow-job-search")
    assert (flag["sheet"], flag["row"], flag["column"]) == (
        "Caseload",
        row,
        "First Employer Contact",
    )
    assert flag["col"] == col_of(tabs, "Caseload", "First Employer Contact") == 5
    assert flag["severity"] == WARNING and "31 days" in flag["message"]


@pytest.mark.parametrize(("enrolled", "flagged"), [(D(2026, 8, 31), False), (D(2026, 8, 30), True)])
def test_no_first_contact_30_vs_31_days_before_the_period_end(tmp_path, enrolled, flagged):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Caseload", 2, "Enrollment Date", enrolled)
    row = b.set_cell(tabs, "Caseload", 2, "First Employer Contact", None)
    found = run(tmp_path, tabs)
    if not flagged:
        assert found.empty
        return
    flag = one(found, "slow-job-search")
    assert (flag["row"], flag["column"], flag["value"]) == (row, "First Employer Contact", "")
    assert "blank 31 days after enrollment" in flag["message"]


def test_no_first_contact_judged_up_to_today_when_checked_mid_period(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Caseload", 2, "First Employer Contact", None)  # enrolled 2026-07-01
    found = run(tmp_path, tabs, today=D(2026, 7, 31))
    assert "slow-job-search" not in set(found["code"])
    found = run(tmp_path, tabs, today=D(2026, 8, 1))
    assert list(found[found["code"] == "slow-job-search"]["row"]) == [3]


def test_client_closed_within_30_days_without_contact_is_not_slow(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Caseload", 2, "First Employer Contact", None)
    b.set_cell(tabs, "Caseload", 2, "Status", "Closed")
    b.set_cell(tabs, "Caseload", 2, "Closed Date", D(2026, 7, 20))
    assert run(tmp_path, tabs).empty


def test_clients_not_active_in_the_period_are_not_judged(tmp_path):
    tabs = b.clean_tabs()
    tabs["Caseload"].append(
        [
            "C4",
            "Bo Chan",
            D(2026, 1, 2),
            D(2026, 1, 5),
            None,
            "cook",
            "No",
            "No",
            "Closed",
            D(2026, 6, 30),
            "moved",
        ]
    )
    assert run(tmp_path, tabs).empty


def test_slow_search_flags_long_enrolled_active_clients_too(tmp_path):
    tabs = b.clean_tabs()  # C3, Follow-Along since February, is active in the period
    row = b.set_cell(tabs, "Caseload", 3, "First Employer Contact", D(2026, 3, 20))
    flag = one(run(tmp_path, tabs), "slow-job-search")
    assert flag["row"] == row and "38 days" in flag["message"]


# --- late-job-start-contact -------------------------------------------------------------------

CONTACTS = [  # C1's job starts 2026-08-03
    ("Pre-Start Contact", D(2026, 7, 27), False),  # 7 days before
    ("Pre-Start Contact", D(2026, 7, 26), True),  # 8 days before
    ("Pre-Start Contact", None, True),
    ("Post-Start Contact", D(2026, 8, 6), False),  # 3 days after
    ("Post-Start Contact", D(2026, 8, 7), True),  # 4 days after
    ("Post-Start Contact", None, True),
]


@pytest.mark.parametrize(("column", "value", "flagged"), CONTACTS)
def test_contact_around_a_job_start(tmp_path, column, value, flagged):
    tabs = b.clean_tabs()
    row = b.set_cell(tabs, "Jobs", 1, column, value)
    found = run(tmp_path, tabs)
    if not flagged:
        assert found.empty
        return
    flag = one(found, "late-job-start-contact")
    assert (flag["sheet"], flag["row"], flag["column"]) == ("Jobs", row, column)
    assert flag["col"] == col_of(tabs, "Jobs", column) and flag["severity"] == WARNING
    assert "2026-08-03" in flag["message"]


def test_both_contacts_missing_gives_two_flags(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Jobs", 1, "Pre-Start Contact", None)
    b.set_cell(tabs, "Jobs", 1, "Post-Start Contact", None)
    found = run(tmp_path, tabs)
    assert list(found["code"]) == ["late-job-start-contact"] * 2
    assert list(found["column"]) == ["Pre-Start Contact", "Post-Start Contact"]


def test_jobs_started_before_the_period_are_not_judged(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Jobs", 2, "Pre-Start Contact", None)  # C3's job began 2026-04-01
    b.set_cell(tabs, "Jobs", 2, "Post-Start Contact", None)
    assert run(tmp_path, tabs).empty


def test_post_start_contact_not_due_yet(tmp_path):
    tabs = b.clean_tabs()
    tabs["Jobs"].append(
        [
            "C2",
            D(2026, 9, 30),
            None,
            "Blue Cafe",
            "Cook",
            "food",
            "Yes",
            20,
            15.0,
            None,
            D(2026, 9, 25),
            None,
        ]
    )
    assert run(tmp_path, tabs, today=D(2026, 10, 3)).empty  # due by 10-03: still time
    flag = one(run(tmp_path, tabs, today=D(2026, 10, 4)), "late-job-start-contact")
    assert (flag["row"], flag["column"]) == (len(tabs["Jobs"]), "Post-Start Contact")


# --- no-benefits-planning ---------------------------------------------------------------------


def test_referral_after_the_job_start(tmp_path):
    tabs = b.clean_tabs()  # C1 receives benefits; the job starts 2026-08-03
    b.set_cell(tabs, "Benefits Referrals", 1, "Referral Date", D(2026, 8, 4))
    b.set_cell(tabs, "Benefits Referrals", 1, "Completed Date", D(2026, 8, 20))
    flag = one(run(tmp_path, tabs), "no-benefits-planning")
    assert (flag["sheet"], flag["row"], flag["column"]) == ("Jobs", 2, "Job Start Date")
    assert flag["col"] == col_of(tabs, "Jobs", "Job Start Date") and flag["severity"] == WARNING
    assert "C1" in flag["message"] and "2026-08-04" in flag["message"]


def test_no_referral_at_all(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Benefits Referrals", 1, "Client ID", "C2")
    flag = one(run(tmp_path, tabs), "no-benefits-planning")
    assert (flag["sheet"], flag["row"]) == ("Jobs", 2)
    assert "came after" not in flag["message"]


def test_referral_on_the_start_day_or_before_the_period_counts(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Benefits Referrals", 1, "Referral Date", D(2026, 8, 3))
    b.set_cell(tabs, "Benefits Referrals", 1, "Completed Date", D(2026, 8, 10))
    assert run(tmp_path, tabs).empty
    b.set_cell(tabs, "Benefits Referrals", 1, "Referral Date", D(2026, 5, 3))
    assert list(run(tmp_path, tabs)["code"]) == ["out-of-period"]  # but not no-benefits-planning


def test_client_without_benefits_needs_no_referral(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Caseload", 1, "Receives Benefits", "No")
    b.set_cell(tabs, "Benefits Referrals", 1, "Client ID", "C2")
    assert run(tmp_path, tabs).empty


# --- low-contacts -----------------------------------------------------------------------------


def _bo_week(tabs, week: int) -> list[int]:
    """Data-row numbers of Bo Chan's face-to-face contacts in a week of the quarter."""
    lo, hi = b.START + dt.timedelta(days=7 * week), b.START + dt.timedelta(days=7 * week + 6)
    return [
        i
        for i, r in enumerate(tabs["Employer Log"])
        if i and r[1] == "Bo Chan" and lo <= r[0] <= hi and r[5] == "Face-to-Face"
    ]


@pytest.mark.parametrize(("contacts", "flagged"), [(6, False), (5, True)])
def test_five_vs_six_contacts_in_a_week(tmp_path, contacts, flagged):
    tabs = b.clean_tabs()
    rows = _bo_week(tabs, 3)  # 2026-07-22 to 2026-07-28
    assert len(rows) == 6
    for i in rows[contacts:]:
        tabs["Employer Log"][i][5] = "Phone"  # still logged, but not face-to-face
    found = run(tmp_path, tabs)
    if not flagged:
        assert found.empty
        return
    flag = one(found, "low-contacts")
    assert (flag["sheet"], flag["row"], flag["column"], flag["col"]) == (
        "Employer Log",
        None,
        None,
        None,
    )
    assert flag["severity"] == WARNING and flag["value"] == "5"
    for part in ("Bo Chan", "2026-07-22", "2026-07-28", " 5 "):
        assert part in flag["message"]


def test_one_flag_per_specialist_per_short_week(tmp_path):
    tabs = b.clean_tabs()
    tabs["Staff"].append(["Cy Dunn", "Employment Specialist", 0.5, "Sam Boss", 50, "Yes"])
    found = run(tmp_path, tabs)
    assert set(found["code"]) == {"low-contacts"}
    assert len(found) == 13  # the 13 full weeks; the 1-day week of 2026-09-30 is not judged
    assert all("Cy Dunn made 0 " in m for m in found["message"])


def test_the_last_short_window_is_not_judged(tmp_path):
    tabs = b.clean_tabs()
    tabs["Program"][5][1] = D(2026, 10, 6)  # 98 days: 14 full weeks
    found = run(tmp_path, tabs)
    assert list(found["code"]) == ["low-contacts", "low-contacts"]  # week 14 empty for both
    tabs["Program"][5][1] = D(2026, 10, 5)  # 97 days: week 14 is 6 days long
    assert run(tmp_path, tabs).empty


def test_only_weeks_over_by_today_are_judged(tmp_path):
    tabs = b.clean_tabs()
    tabs["Staff"].append(["Cy Dunn", "Employment Specialist", 1.0, "Sam Boss", 50, "Yes"])
    found = run(tmp_path, tabs, today=D(2026, 7, 22))
    low = found[found["code"] == "low-contacts"]
    assert len(low) == 3  # weeks ending 07-07, 07-14, 07-21


def test_contact_types_and_names_are_read_as_typed(tmp_path):
    tabs = b.clean_tabs()
    rows = _bo_week(tabs, 3)
    tabs["Employer Log"][rows[0]][5] = "in person"
    tabs["Employer Log"][rows[1]][1] = " BO  chan"
    assert run(tmp_path, tabs).empty


def test_without_staff_every_caseload_specialist_is_judged(tmp_path):
    tabs = b.clean_tabs()
    del tabs["Staff"]
    b.set_cell(tabs, "Caseload", 2, "Employment Specialist", "Cy Dunn")
    found = run(tmp_path, tabs)
    assert len(found) == 13 and set(found["code"]) == {"low-contacts"}
    assert all("Cy Dunn" in m for m in found["message"])


def test_staff_who_are_not_specialists_are_not_judged(tmp_path):
    tabs = b.clean_tabs()
    tabs["Staff"].append(["Dee Ray", "Benefits Planner", 1.0, "Sam Boss", 20, "No"])
    assert run(tmp_path, tabs).empty


def test_timeliness_needs_a_period(tmp_path):
    tabs = b.clean_tabs()
    del tabs["Program"][4:6]
    tabs["Staff"].append(["Cy Dunn", "Employment Specialist", 1.0, "Sam Boss", 50, "Yes"])
    b.set_cell(tabs, "Jobs", 1, "Pre-Start Contact", None)
    found = run(tmp_path, tabs)
    assert sorted(found["code"]) == ["missing-value", "missing-value"]
