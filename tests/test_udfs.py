"""The worksheet functions, against figures worked out by hand from rows written in the test.

A worksheet function gets each table as rows of values with the header first, the way Excel
passes a range such as ``EmployerLog[#All]``; desktop Excel passes date cells as dates, the
custom-functions runtime as serial numbers, and both must give the same figure.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ipsxl import udfs

D = dt.date
START, END = D(2026, 7, 1), D(2026, 9, 27)  # 89 days: 12.714... weeks
WEEKS = 89 / 7

LOG = [
    ["Date", "ES", "Employer", "Contact Type"],
    [D(2026, 7, 1), "Ann Lee", "Acme", "Face-to-Face"],
    [D(2026, 7, 2), "ann  lee", "Blue Cafe", "In Person"],  # the same person; an alias type
    [D(2026, 7, 3), "Ann Lee", "Acme", "Phone"],  # not face to face
    [D(2026, 6, 30), "Ann Lee", "Acme", "Face-to-Face"],  # before the period
    [D(2026, 9, 27), "Ann Lee", "Park Hotel", "Face-to-Face"],  # the last day counts
    ["2026-08-04", "Ann Lee", "Metro Library", "face to face"],  # an ISO text date
    [D(2026, 8, 5), "Bo Chan", "Acme", "Face-to-Face"],
]

CASELOAD = [
    ["Client ID", "Employment Specialist", "Enrollment Date", "Status", "Closed Date"],
    ["C1", "Ann Lee", D(2026, 5, 1), "Active", None],
    ["C2", "Ann Lee", D(2026, 7, 15), "Active", None],
    ["C3", "Bo Chan", D(2026, 1, 10), "Closed", D(2026, 6, 1)],  # closed before: not active
    ["C4", "Bo Chan", D(2026, 10, 2), "Active", None],  # enrolled after: not active
    ["C5", "Bo Chan", D(2026, 2, 1), "Closed", D(2026, 8, 1)],  # closed in the period: active
]
STAFF = [
    ["Name", "Role", "FTE"],
    ["Ann Lee", "Employment Specialist", 1.0],
    ["Bo Chan", "Employment Specialist", 0.5],
    ["Sam Boss", "Supervisor", 1.0],
]
JOBS = [
    ["Client ID", "Job Start Date", "Job End Date", "Employer", "Competitive"],
    ["C1", D(2026, 8, 1), None, "Acme", "Yes"],  # held: C1 employed
    ["C2", D(2026, 3, 1), D(2026, 6, 30), "Acme", "Yes"],  # ended before the period
    ["C2", D(2026, 9, 1), None, "Acme", "No"],  # not competitive
    ["C5", D(2026, 7, 20), D(2026, 7, 31), "Park Hotel", "Y"],  # held in the period
]


def as_serials(rows: list[list[object]]) -> list[list[object]]:
    """The rows as Excel's custom-functions runtime passes them: dates as serial numbers."""

    def serial(v: object) -> object:
        if isinstance(v, dt.date):
            return float((v - D(1899, 12, 30)).days)
        return v

    return [[serial(v) for v in row] for row in rows]


# --------------------------------------------------------------------------- contacts per week


def test_contacts_per_week_counts_face_to_face_contacts_in_the_period():
    # Ann: 7/1, 7/2 (alias), 9/27, 8/4 (ISO text) = 4 face-to-face in the period
    value = udfs.IPS_CONTACTS_PER_WEEK(LOG, "Ann Lee", START, END)
    assert value == pytest.approx(4 / WEEKS)
    assert udfs.IPS_CONTACTS_PER_WEEK(LOG, " ANN LEE ", START, END) == pytest.approx(4 / WEEKS)
    assert udfs.IPS_CONTACTS_PER_WEEK(LOG, "Bo Chan", START, END) == pytest.approx(1 / WEEKS)
    assert udfs.IPS_CONTACTS_PER_WEEK(LOG, "Nobody", START, END) == 0


def test_dates_as_serial_numbers_give_the_same_figure():
    serial_start = float((START - D(1899, 12, 30)).days)
    serial_end = float((END - D(1899, 12, 30)).days)
    value = udfs.IPS_CONTACTS_PER_WEEK(as_serials(LOG), "Ann Lee", serial_start, serial_end)
    assert value == pytest.approx(4 / WEEKS)
    assert udfs.IPS_CONTACTS_PER_WEEK(LOG, "Ann Lee", "7/1/2026", "2026-09-27") == pytest.approx(
        4 / WEEKS
    )


def test_a_title_row_above_the_header_is_fine():
    rows = [["Employer contacts, Q3"], *LOG]
    assert udfs.IPS_CONTACTS_PER_WEEK(rows, "Ann Lee", START, END) == pytest.approx(4 / WEEKS)


def test_contacts_per_week_says_what_is_wrong():
    no_date = [row[1:] for row in LOG]
    assert udfs.IPS_CONTACTS_PER_WEEK(no_date, "Ann Lee", START, END) == (
        "#IPS: no 'Date' column in employer_log"
    )
    assert udfs.IPS_CONTACTS_PER_WEEK([["x", "y"], [1, 2]], "Ann Lee", START, END).startswith(
        "#IPS: no header row of the Employer Log"
    )
    assert udfs.IPS_CONTACTS_PER_WEEK(LOG, None, START, END) == "#IPS: specialist is empty"
    assert udfs.IPS_CONTACTS_PER_WEEK(LOG, "Ann Lee", "soon", END) == (
        "#IPS: start 'soon' is not a date"
    )
    assert udfs.IPS_CONTACTS_PER_WEEK(LOG, "Ann Lee", END, START) == (
        "#IPS: start 2026-09-27 is after end 2026-07-01"
    )
    assert udfs.IPS_CONTACTS_PER_WEEK(None, "Ann Lee", START, END).startswith("#IPS: no header")


# --------------------------------------------------------------------------- caseload size


def test_caseload_size_is_clients_on_the_last_day_per_specialist_fte():
    # on 9/27: C1, C2 (C5 closed 8/1); specialist FTE 1.0 + 0.5 (the supervisor is none)
    assert udfs.IPS_CASELOAD_SIZE(CASELOAD, STAFF, START, END) == pytest.approx(2 / 1.5)
    # on 7/31, C5 was still there
    assert udfs.IPS_CASELOAD_SIZE(CASELOAD, STAFF, START, D(2026, 7, 31)) == pytest.approx(2.0)


def test_caseload_size_without_staff_counts_each_caseload_name_once():
    # no Staff: Ann Lee and Bo Chan at FTE 1.0 each
    assert udfs.IPS_CASELOAD_SIZE(CASELOAD, None, START, END) == pytest.approx(2 / 2)
    assert udfs.IPS_CASELOAD_SIZE(CASELOAD, [[None, None]], START, END) == pytest.approx(1.0)


def test_caseload_size_says_what_is_wrong():
    no_enrollment = [[row[0], row[1], row[3]] for row in CASELOAD]
    assert udfs.IPS_CASELOAD_SIZE(no_enrollment, STAFF, START, END) == (
        "#IPS: no 'Enrollment Date' column in caseload"
    )
    assert udfs.IPS_CASELOAD_SIZE(CASELOAD[:1], STAFF, START, END) == (
        "#IPS: no client active on the last day or no employment specialists"
    )
    assert udfs.IPS_CASELOAD_SIZE(CASELOAD, [["Name", "FTE"], ["Ann Lee", 1]], START, END) == (
        "#IPS: no 'Role' column in staff"
    )


# --------------------------------------------------------------------------- employment rate


def test_employment_rate_is_employed_active_clients_over_active_clients():
    # active C1, C2, C5; competitive job held in the period: C1 (from 8/1), C5 (7/20-7/31)
    assert udfs.IPS_EMPLOYMENT_RATE(CASELOAD, JOBS, START, END) == pytest.approx(2 / 3)
    # in July alone C1's job had not started
    assert udfs.IPS_EMPLOYMENT_RATE(CASELOAD, JOBS, START, D(2026, 7, 31)) == pytest.approx(1 / 3)
    assert udfs.IPS_EMPLOYMENT_RATE(
        as_serials(CASELOAD), as_serials(JOBS), START, END
    ) == pytest.approx(2 / 3)


def test_employment_rate_says_what_is_wrong():
    assert udfs.IPS_EMPLOYMENT_RATE(CASELOAD, [row[:4] for row in JOBS], START, END) == (
        "#IPS: no 'Competitive' column in jobs"
    )
    assert udfs.IPS_EMPLOYMENT_RATE(CASELOAD, JOBS, D(2020, 1, 1), D(2020, 3, 31)) == (
        "#IPS: no active clients in the period"
    )


# --------------------------------------------------------------------------- outcomes


def test_new_enrollments_counts_enrollments_in_the_period():
    assert udfs.IPS_NEW_ENROLLMENTS(CASELOAD, START, END) == 1  # C2 on 7/15
    assert udfs.IPS_NEW_ENROLLMENTS(CASELOAD, D(2026, 1, 1), END) == 4  # C1, C2, C3, C5


def test_days_to_first_job_is_the_median_over_first_jobs_in_the_period():
    # first competitive jobs: C1 8/1 (92 days after 5/1), C2 3/1 (before it), C5 7/20 (169 days)
    assert udfs.IPS_DAYS_TO_FIRST_JOB(CASELOAD, JOBS, START, END) == (92 + 169) / 2
    assert udfs.IPS_DAYS_TO_FIRST_JOB(CASELOAD, JOBS, D(2026, 8, 1), END) == 92
    assert udfs.IPS_DAYS_TO_FIRST_JOB(CASELOAD, JOBS, D(2026, 9, 1), END) == (
        "#IPS: no client's first competitive job started in the period"
    )


def test_retention_90_over_competitive_jobs_started_90_days_before_the_end():
    # started by 6/29: C2's 3/1-6/30 job, held 121 days
    assert udfs.IPS_RETENTION_90(JOBS, START, END) == 1.0
    # by the end of the year C1's job (8/1, still held) and C5's (11 days) are due too
    assert udfs.IPS_RETENTION_90(JOBS, START, D(2026, 12, 31)) == round(2 / 3, 3)
    assert udfs.IPS_RETENTION_90(JOBS, D(2026, 1, 1), D(2026, 5, 1)) == (
        "#IPS: no competitive job started 90 or more days before the end"
    )


# --------------------------------------------------------------------------- score and band


@pytest.mark.parametrize(
    ("item", "value", "score"),
    [
        ("caseload_size", 20, 5),
        ("caseload_size", 20.1, 4),
        ("caseload_size", 20.4, 4),
        ("caseload_size", 41, 1),
        ("employer_contacts", 5.5, 5),
        ("employer_contacts", 5.4, 4),
        ("employer_contacts", 1.9, 1),
        ("employment_services_staff", 75, 3),
        ("employment_services_staff", 74.9, 2),
        ("competitive_jobs", 95, 5),
        ("competitive_jobs", 0.95, 5),
        ("competitive_jobs", "90%", 4),
        ("competitive_jobs", 64, 1),
        ("rapid_job_search", 31, 4),
        ("rapid_job_search", 30, 5),
        ("supervisor_ratio", 10, 5),
        ("supervisor_ratio", 11, 3),
        ("Caseload Size", 18, 5),
    ],
)
def test_score_uses_the_bands_of_fidelity_md(item, value, score):
    assert udfs.IPS_SCORE(item, value) == score


def test_score_says_what_is_wrong():
    assert udfs.IPS_SCORE("zero_exclusion", 3).startswith(
        "#IPS: unknown item 'zero_exclusion'; one of: caseload_size,"
    )
    assert udfs.IPS_SCORE("caseload_size", None) == "#IPS: no value to score"
    assert udfs.IPS_SCORE("caseload_size", "lots") == "#IPS: 'lots' is not a number"
    assert udfs.IPS_SCORE(None, 3) == "#IPS: item_id is empty"


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (125, "Exemplary fidelity"),
        (115, "Exemplary fidelity"),
        (114, "Good fidelity"),
        (100, "Good fidelity"),
        (99, "Fair fidelity"),
        (74, "Fair fidelity"),
        (73, "Not supported employment"),
        (25, "Not supported employment"),
    ],
)
def test_band_of_a_total(total, band):
    assert udfs.IPS_BAND(total) == band


def test_band_is_incomplete_until_all_items_are_scored():
    assert udfs.IPS_BAND(110, 24) == "incomplete"
    assert udfs.IPS_BAND(110, 25) == "Good fidelity"


def test_band_says_what_is_wrong():
    assert udfs.IPS_BAND("high") == "#IPS: total 'high' is not a number"
    assert udfs.IPS_BAND(None) == "#IPS: total is not a number"
    assert udfs.IPS_BAND(130) == "#IPS: a total of all 25 items runs from 25 to 125"
    assert udfs.IPS_BAND(60, 30) == "#IPS: scored must be a whole number of items from 0 to 25"
