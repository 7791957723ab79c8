"""date-order, future-date, out-of-period: dates that contradict their row, lie in the future, or
fall outside the reporting period."""

from __future__ import annotations

import datetime as dt

import builders as b
import pytest
from builders import col_of, one
from builders import run_rules as run

from ipsxl.core.model import ERROR, WARNING

D = b.D


def log_row(day: dt.date) -> list:
    """A phone contact: dated anywhere without changing a week's face-to-face count."""
    return [day, "Bo Chan", "Park Hotel", None, "No", "Phone", None, None, "follow-up"]


def job_row(start: dt.date, end: dt.date | None = None) -> list:
    return ["C2", start, end, "Blue Cafe", "Cook", "food", "Yes", 20, 15.0, None, None, None]


# --- date-order -------------------------------------------------------------------------------

ORDER = [
    # tab, data row, column set, value, column flagged
    ("Jobs", 2, "Job End Date", D(2026, 3, 1), "Job End Date"),
    ("Caseload", 3, "Closed Date", D(2026, 2, 1), "Closed Date"),
    ("Caseload", 2, "First Employer Contact", D(2026, 6, 10), "First Employer Contact"),
    ("Caseload", 2, "Enrollment Date", D(2026, 6, 19), "Enrollment Date"),
    ("Caseload", 2, "Referral Date", D(2026, 7, 2), "Enrollment Date"),
    ("Benefits Referrals", 1, "Completed Date", D(2026, 7, 5), "Completed Date"),
    ("Jobs", 1, "Post-Start Contact", D(2026, 8, 2), "Post-Start Contact"),
    ("Jobs", 1, "Pre-Start Contact", D(2026, 8, 4), "Pre-Start Contact"),
]


@pytest.mark.parametrize(("tab", "data_row", "column", "value", "flagged"), ORDER)
def test_date_order(tmp_path, tab, data_row, column, value, flagged):
    tabs = b.clean_tabs()
    row = b.set_cell(tabs, tab, data_row, column, value)
    flag = one(run(tmp_path, tabs), "date-order")
    assert (flag["sheet"], flag["row"], flag["column"]) == (tab, row, flagged)
    assert flag["col"] == col_of(tabs, tab, flagged) and flag["severity"] == ERROR
    assert flagged in flag["message"]


def test_date_order_message_gives_both_dates(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Jobs", 2, "Job End Date", D(2026, 3, 1))
    flag = one(run(tmp_path, tabs), "date-order")
    assert "2026-03-01" in flag["message"] and "2026-04-01" in flag["message"]
    assert flag["value"] == "2026-03-01"


def test_same_day_is_in_order(tmp_path):
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Jobs", 2, "Job End Date", D(2026, 4, 1))
    b.set_cell(tabs, "Jobs", 2, "End Reason", "Quit")
    b.set_cell(tabs, "Caseload", 2, "Enrollment Date", D(2026, 6, 20))  # = Referral Date
    b.set_cell(tabs, "Benefits Referrals", 1, "Completed Date", D(2026, 7, 6))
    b.set_cell(tabs, "Jobs", 1, "Pre-Start Contact", D(2026, 8, 3))  # the start day itself
    b.set_cell(tabs, "Jobs", 1, "Post-Start Contact", D(2026, 8, 3))
    assert run(tmp_path, tabs).empty


def test_period_end_before_period_start(tmp_path):
    tabs = b.clean_tabs()
    tabs["Program"][5][1] = D(2026, 6, 30)  # Period End, Excel row 6
    flag = one(run(tmp_path, tabs), "date-order")
    assert (flag["sheet"], flag["row"], flag["column"], flag["col"]) == ("Program", 6, "Value", 2)
    assert flag["value"] == "2026-06-30" and flag["severity"] == ERROR


# --- future-date ------------------------------------------------------------------------------


def test_enrollment_after_the_period_end(tmp_path):
    tabs = b.clean_tabs()
    row = b.set_cell(tabs, "Caseload", 2, "Enrollment Date", D(2026, 10, 5))
    b.set_cell(tabs, "Caseload", 2, "First Employer Contact", D(2026, 10, 8))
    flag = one(run(tmp_path, tabs), "future-date")
    assert (flag["sheet"], flag["row"], flag["column"]) == ("Caseload", row, "Enrollment Date")
    assert flag["col"] == 4 and flag["severity"] == WARNING
    assert "period's end (2026-09-30)" in flag["message"]


def test_job_start_after_the_period_end(tmp_path):
    tabs = b.clean_tabs()
    tabs["Jobs"].append(job_row(D(2026, 10, 3)))
    flag = one(run(tmp_path, tabs), "future-date")
    assert (flag["sheet"], flag["row"], flag["column"], flag["col"]) == (
        "Jobs",
        len(tabs["Jobs"]),
        "Job Start Date",
        2,
    )


def test_follow_on_dates_may_fall_after_the_period_but_not_after_today(tmp_path):
    tabs = b.clean_tabs()
    # filled in on 2026-10-15: a job ended, a case closed and planning done since the period
    tabs["Jobs"].append(job_row(D(2026, 5, 1), D(2026, 10, 2)))
    b.set_cell(tabs, "Caseload", 3, "Status", "Closed")
    b.set_cell(tabs, "Caseload", 3, "Closed Date", D(2026, 10, 9))
    b.set_cell(tabs, "Benefits Referrals", 1, "Completed Date", D(2026, 10, 1))
    assert run(tmp_path, tabs).empty
    # ... but none of them can be after today
    row = b.set_cell(tabs, "Caseload", 3, "Closed Date", D(2026, 11, 2))
    flag = one(run(tmp_path, tabs), "future-date")
    assert (flag["sheet"], flag["row"], flag["column"]) == ("Caseload", row, "Closed Date")
    assert "after today (2026-10-15)" in flag["message"]


def test_log_date_after_today_is_future_not_out_of_period(tmp_path):
    tabs = b.clean_tabs()
    tabs["Employer Log"].append(log_row(D(2026, 12, 1)))
    flag = one(run(tmp_path, tabs), "future-date")
    assert (flag["sheet"], flag["row"], flag["column"], flag["col"]) == (
        "Employer Log",
        len(tabs["Employer Log"]),
        "Date",
        1,
    )


def test_checked_mid_period_only_dates_after_today_are_future(tmp_path):
    today = D(2026, 8, 15)
    tabs = b.clean_tabs()
    found = run(tmp_path, tabs, today=today)
    log = tabs["Employer Log"][1:]
    later = [i + 2 for i, r in enumerate(log) if r[0] > today]
    assert later and set(found["code"]) == {"future-date"}
    assert sorted(found["row"]) == later and set(found["sheet"]) == {"Employer Log"}


# --- out-of-period ----------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "side"), [(D(2026, 6, 30), "before"), (D(2026, 10, 1), "after")])
def test_employer_log_outside_the_period(tmp_path, day, side):
    tabs = b.clean_tabs()
    tabs["Employer Log"].append(log_row(day))
    flag = one(run(tmp_path, tabs), "out-of-period")
    assert (flag["sheet"], flag["row"], flag["column"], flag["col"]) == (
        "Employer Log",
        len(tabs["Employer Log"]),
        "Date",
        1,
    )
    assert flag["severity"] == WARNING and side in flag["message"]


def test_benefits_referral_outside_the_period(tmp_path):
    tabs = b.clean_tabs()
    row = b.set_cell(tabs, "Benefits Referrals", 1, "Referral Date", D(2026, 6, 30))
    flag = one(run(tmp_path, tabs), "out-of-period")
    assert (flag["sheet"], flag["row"], flag["column"], flag["col"]) == (
        "Benefits Referrals",
        row,
        "Referral Date",
        2,
    )


def test_the_period_includes_its_first_and_last_day(tmp_path):
    tabs = b.clean_tabs()
    tabs["Employer Log"].append(log_row(D(2026, 7, 1)))
    tabs["Employer Log"].append(log_row(D(2026, 9, 30)))
    assert run(tmp_path, tabs).empty


def test_period_given_on_the_command_line_wins(tmp_path):
    tabs = b.clean_tabs()
    tabs["Employer Log"].append(log_row(D(2026, 10, 1)))
    found = run(tmp_path, tabs, start=D(2026, 7, 1), end=D(2026, 10, 6))
    assert "out-of-period" not in set(found["code"])


def test_without_a_period_only_today_is_judged(tmp_path):
    tabs = b.clean_tabs()
    del tabs["Program"][4:6]  # no Period Start / End
    tabs["Employer Log"].append(log_row(D(2025, 1, 1)))
    tabs["Employer Log"].append(log_row(D(2026, 12, 1)))
    found = run(tmp_path, tabs)
    assert sorted(found["code"]) == ["future-date", "missing-value", "missing-value"]
    future = found[found["code"] == "future-date"].iloc[0]
    assert future["row"] == len(tabs["Employer Log"])
