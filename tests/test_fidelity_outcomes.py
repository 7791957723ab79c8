"""Outcome figures, the per-specialist table and the frame-level helpers Excel functions call,
each against figures worked out by hand from the rows the test writes."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd
import pytest
from builders import clean_tabs, write_workbook
from test_fidelity import END, START, book, client, contact, job, score, staff

from ipsxl.core import fidelity, parse
from ipsxl.core.fidelity import population as pop
from ipsxl.core.fidelity.population import Frames
from ipsxl.core.model import Period
from ipsxl.files import read

D = dt.date
WEEKS = 92 / 7  # the builders' quarter


def program_rows():
    """Clients, jobs and contacts of two specialists (and one with no active client)."""
    caseload = [
        client("A1", es="Ann Lee", enrolled=D(2026, 5, 1), education="Yes"),
        client("A2", es="Ann Lee", enrolled=D(2026, 7, 15), education="No"),
        client(
            "A3", es="Ann Lee", enrolled=D(2026, 3, 1), education="Yes", closed=D(2026, 7, 10)
        ),  # closed in the period: active
        client(
            "A4", es="Ann Lee", enrolled=D(2026, 1, 1), education="Yes", closed=D(2026, 6, 15)
        ),  # closed before it: not active
        client("B1", es="Bo Chan", enrolled=D(2026, 10, 5), education="Yes"),  # after the end
        client("B2", es="bo  chan", enrolled=D(2026, 8, 1), education=None),  # Bo, typed oddly
        client("L1", es="al Smith", enrolled=D(2026, 10, 2)),  # al has no active client
    ]
    jobs = [
        job("A1", D(2026, 5, 10), competitive="Yes", hours=20, wage=15.2),  # held, not a start
        job("A1", D(2026, 8, 1), competitive="No", hours=10, wage=12.0),  # a start, not comp.
        job("A2", D(2026, 9, 1), competitive="Yes", hours=30, wage=18.4),  # held and a start
        job("A3", D(2026, 2, 1), end=D(2026, 6, 30), hours=40, wage=20.0),  # ended before
        job("B2", D(2026, 10, 2), hours=35, wage=19.0),  # starts after the end
    ]
    log = [contact(d, es="Ann Lee") for d in (START + dt.timedelta(days=k) for k in range(13))]
    log += [contact(START, es="Ann Lee", ctype="Phone"), contact(D(2026, 10, 1), es="Ann Lee")]
    return {"staff": None, "caseload": caseload, "jobs": jobs, "log": log}


def test_outcomes_from_the_rows(tmp_path):
    out = score(tmp_path, book(**program_rows())).outcomes
    active = ["A1", "A2", "A3", "B2"]
    employed = ["A1", "A2"]  # competitive jobs held in the period
    assert out == {
        "active_clients": len(active),
        "employed_clients": len(employed),
        "employment_rate": round(2 / 4, 3),
        "employment_rate_note": None,  # 92 days: a quarter
        "job_starts": 2,  # A1 on 8/1, A2 on 9/1
        "in_education": 2,  # A1, A3
        "mean_hours": (20 + 30) / 2,
        "mean_wage": round((15.2 + 18.4) / 2, 2),
        "median_wage": round((15.2 + 18.4) / 2, 2),
        "new_enrollments": 2,  # A2 on 7/15, B2 on 8/1
        "clients_with_job_start": 1,  # A2 (A1's start is not competitive)
        "first_jobs": 1,  # A2; A1 and A3 first worked before the period, B2 after it
        "days_to_first_job": 48.0,  # A2: 7/15 to 9/1
        "job_endings": {},  # A3's job ended before the period
        "retention_90": 1.0,  # started by 7/2: A1's (still held) and A3's (149 days)
        "closures": {"(not recorded)": 1},  # A3, closed 7/10 with no reason
    }


def test_job_endings_closures_and_retention_by_reason(tmp_path):
    caseload = [client(f"C{k}", enrolled=D(2026, 1, 5)) for k in range(6)]
    caseload[0][9:11] = [D(2026, 8, 1), "Moved away"]
    caseload[1][9:11] = [D(2026, 8, 2), "Moved away"]
    caseload[2][9:11] = [D(2026, 9, 1), "Declined services"]
    caseload[3][9:11] = [D(2026, 6, 1), "Moved away"]  # closed before the period
    for row in caseload[:4]:
        row[8] = "Closed"
    jobs = [
        job("C0", D(2026, 3, 1), end=D(2026, 7, 20)),  # 141 days: kept 90
        job("C1", D(2026, 6, 1), end=D(2026, 7, 15)),  # 44 days: not kept
        job("C2", D(2026, 6, 15), end=D(2026, 9, 20), competitive="No"),  # not competitive
        job("C4", D(2026, 7, 1)),  # still held, but started 91 days before the end: kept
        job("C5", D(2026, 7, 10)),  # started 82 days before the end: too soon to tell
    ]
    jobs[0][9], jobs[1][9] = "Quit", "Fired"
    out = score(tmp_path, book(caseload=caseload, jobs=jobs)).outcomes
    assert out["job_endings"] == {"Quit": 1, "Fired": 1, "(not recorded)": 1}
    assert out["closures"] == {"Moved away": 2, "Declined services": 1}
    assert out["retention_90"] == round(2 / 3, 3)  # C0 and C4 of C0, C1, C4
    assert out["first_jobs"] == 2  # C4 and C5 started their first job in the period
    assert out["days_to_first_job"] == ((D(2026, 7, 1) - D(2026, 1, 5)).days + 186) / 2


@pytest.mark.parametrize(
    ("last_day", "noted"),
    [
        (D(2026, 9, 23), False),
        (D(2026, 9, 22), True),
        (D(2026, 10, 3), False),
        (D(2026, 10, 4), True),
    ],
)
def test_employment_rate_note_when_the_period_is_not_about_a_quarter(tmp_path, last_day, noted):
    out = score(tmp_path, book(period=(START, last_day), caseload=[client("C1")])).outcomes
    days = (last_day - START).days + 1  # 85, 84, 95, 96
    if noted:
        assert out["employment_rate_note"].startswith(f"the period is {days} days, not about a")
        assert "benchmarks are quarterly figures" in out["employment_rate_note"]
    else:
        assert out["employment_rate_note"] is None


def test_specialists_table_from_the_rows(tmp_path):
    rows = score(tmp_path, book(**program_rows())).specialists
    common = {"kind": "specialist", "fte": 1.0, "employment_services_pct": None}
    assert rows == [
        {
            **common,
            "name": "al Smith",
            "caseload": 0,
            "caseload_per_fte": 0.0,
            "face_to_face_contacts": 0,
            "contacts_per_week": 0.0,
            "active_clients": 0,
            "employed_clients": 0,
            "employment_rate": None,
            "job_starts": 0,
            "in_education": 0,
        },
        {
            **common,
            "name": "Ann Lee",
            "caseload": 2,  # A1, A2 on 9/30 (A3 closed 7/10)
            "caseload_per_fte": 2.0,
            "face_to_face_contacts": 13,
            "contacts_per_week": 13 / WEEKS,
            "active_clients": 3,
            "employed_clients": 2,
            "employment_rate": round(2 / 3, 3),
            "job_starts": 2,
            "in_education": 2,
        },
        {
            **common,
            "name": "Bo Chan",
            "caseload": 1,
            "caseload_per_fte": 1.0,
            "face_to_face_contacts": 0,
            "contacts_per_week": 0.0,
            "active_clients": 1,
            "employed_clients": 0,
            "employment_rate": 0.0,
            "job_starts": 0,
            "in_education": 0,
        },
        {
            "kind": "total",
            "name": "All specialists",
            "fte": 3.0,
            "employment_services_pct": None,
            "caseload": 3,
            "caseload_per_fte": 1.0,
            "face_to_face_contacts": 13,
            "contacts_per_week": (13 / WEEKS) / 3,
            "active_clients": 4,
            "employed_clients": 2,
            "employment_rate": 0.5,
            "job_starts": 2,
            "in_education": 2,
        },
    ]
    for row in rows:  # plain Python values, ready for JSON
        assert all(v is None or type(v) in (str, int, float) for v in row.values())


def test_all_specialists_adds_up_the_rows_with_the_unassigned_ones(tmp_path):
    """Clients under a blank or unknown name, contacts by the supervisor and a job of a client
    missing from Caseload are a row of their own, so the All row is the sum of the rows and
    equals the program's figures."""
    rows = program_rows()
    rows["staff"] = [
        staff("Ann Lee", fte=1.0, services=90),
        staff("Bo Chan", fte=0.5, services=100),
        staff("Sam Boss", role="Supervisor", supervisor=None),
    ]
    rows["caseload"] += [
        client("U1", es=None, enrolled=D(2026, 7, 3), education="Yes"),  # no name
        client("U2", es="Zed", enrolled=D(2026, 7, 3)),  # not on Staff
    ]
    rows["jobs"] += [job("U1", D(2026, 8, 5)), job("NOBODY", D(2026, 8, 6))]
    rows["log"] += [contact(D(2026, 7, 9), es="Sam Boss"), contact(D(2026, 7, 9), es=None)]
    scores = score(tmp_path, book(**rows))
    table = scores.specialists
    assert [(r["kind"], r["name"]) for r in table] == [
        ("specialist", "Ann Lee"),
        ("specialist", "Bo Chan"),
        ("unassigned", "(no specialist)"),
        ("total", "All specialists"),
    ]
    unassigned, total = table[2], table[3]
    assert unassigned["caseload"] == 2  # U1 and U2 (al Smith's L1 enrolled after the end)
    for key in ("caseload", "face_to_face_contacts", "active_clients", "employed_clients"):
        assert total[key] == sum(r[key] for r in table[:3]), key
    for key in ("job_starts", "in_education"):
        assert total[key] == sum(r[key] for r in table[:3]), key
    out = scores.outcomes
    assert (total["active_clients"], total["employed_clients"]) == (
        out["active_clients"],
        out["employed_clients"],
    )
    assert total["job_starts"] == out["job_starts"] == 4
    assert total["employment_rate"] == out["employment_rate"]
    assert total["caseload_per_fte"] == pytest.approx(scores.item("caseload_size").value)
    assert total["contacts_per_week"] == pytest.approx(scores.item("employer_contacts").value)
    assert total["employment_services_pct"] == pytest.approx((90 * 1.0 + 100 * 0.5) / 1.5)
    assert total["employment_services_pct"] == pytest.approx(
        scores.item("employment_services_staff").value
    )
    assert table[1]["caseload_per_fte"] == 1 / 0.5  # Bo: one client at FTE 0.5
    assert unassigned["face_to_face_contacts"] == 2 and unassigned["contacts_per_week"] is None


def test_specialists_come_from_staff_when_there_is_one(tmp_path):
    rows = program_rows()
    rows["staff"] = [
        staff("Bo Chan", fte=0.5),
        staff("Cy Diaz"),
        staff("Sam Boss", role="Supervisor", supervisor=None),
    ]
    table = score(tmp_path, book(**rows)).specialists
    assert [r["name"] for r in table] == [
        "Bo Chan",
        "Cy Diaz",
        "(no specialist)",
        "All specialists",
    ]
    assert [r["caseload"] for r in table] == [1, 0, 2, 3]  # Ann's A1, A2 are under no specialist


def test_outcomes_null_where_there_is_no_data(tmp_path):
    out = score(tmp_path, book(caseload=[client("X", enrolled=D(2026, 10, 9))])).outcomes
    assert out["active_clients"] == 0 and out["job_starts"] == 0
    assert out["employment_rate"] is None  # nothing to divide by
    assert out["in_education"] is None  # no active client says either way
    assert out["mean_hours"] is None and out["mean_wage"] is None and out["median_wage"] is None
    assert out["days_to_first_job"] is None and out["retention_90"] is None
    assert out["first_jobs"] == 0 and out["job_endings"] == {} and out["closures"] == {}


def test_without_a_period_outcomes_are_null_and_specialists_named(tmp_path):
    tabs = clean_tabs()
    tabs["Program"] = [r for r in tabs["Program"] if r[0] != "Period Start"]
    scores = score(tmp_path, tabs)
    assert set(scores.outcomes.values()) == {None}
    assert [r["name"] for r in scores.specialists] == ["Ann Lee", "Bo Chan"]
    for r in scores.specialists:
        assert {k for k, v in r.items() if v is not None} == {"kind", "name", "fte"} | (
            {"employment_services_pct"}  # from Staff's IPS Only = yes
        )


# --- helpers on plain frames (what worksheet functions call) -----------------------------------


def test_frame_helpers_for_one_specialist(tmp_path):
    path = write_workbook(tmp_path / "book.xlsx", book(**program_rows()))
    frames = parse.parse_workbook(read.read_workbook(path)).frames
    caseload, jobs, log = frames["Caseload"], frames["Jobs"], frames["Employer Log"]
    period = Period(START, END)
    assert pop.contacts_per_week(log, period, "ann lee") == 13 / WEEKS
    assert pop.specialist_caseload(caseload, period, "Bo Chan") == 1
    assert pop.specialist_caseload(caseload, period, "Ann Lee") == 2  # A3 closed 7/10
    assert pop.employment_rate(caseload, jobs, period) == 2 / 4
    assert pop.employment_rate(caseload, jobs, period, "Ann Lee") == 2 / 3
    assert pop.employment_rate(caseload, jobs, period, "al Smith") is None
    # no Staff: Ann, Bo and al at FTE 1.0 each
    assert pop.caseload_size(caseload, None, period) == 3 / 3  # A1, A2, B2 on 9/30
    assert list(pop.active_clients(caseload, period)["Client ID"]) == ["A1", "A2", "A3", "B2"]
    assert len(pop.jobs_held(jobs, period)) == 3 and len(pop.job_starts(jobs, period)) == 2


def test_a_repeated_client_id_counts_once(tmp_path):
    rows = [client("C1"), client("C1", es="Bo Chan"), client("C2")]
    out = score(tmp_path, book(caseload=rows)).outcomes
    assert out["active_clients"] == 2


def test_a_large_workbook_scores_quickly():
    """50,000 employer contacts, 3,000 jobs and clients, 40 specialists: whole columns only."""
    rng = np.random.default_rng(7)
    names = [f"Specialist {k}" for k in range(40)]
    n_clients, n_jobs, n_log = 3000, 3000, 50_000
    day0 = pd.Timestamp(START) - pd.Timedelta(days=400)

    def dates(n, span):
        return (day0 + pd.to_timedelta(rng.integers(0, span, n), unit="D")).astype("datetime64[us]")

    ids = [f"C{k}" for k in range(n_clients)]
    caseload = pd.DataFrame(
        {
            "Client ID": ids,
            "Employment Specialist": rng.choice(names, n_clients),
            "Enrollment Date": dates(n_clients, 480),
            "First Employer Contact": dates(n_clients, 500),
            "Closed Date": pd.Series(pd.NaT, index=range(n_clients), dtype="datetime64[us]"),
            "Receives Benefits": pd.array(rng.random(n_clients) < 0.5, dtype="boolean"),
            "In Education": pd.array(rng.random(n_clients) < 0.1, dtype="boolean"),
            "Closure Reason": None,
        }
    )
    jobs = pd.DataFrame(
        {
            "Client ID": rng.choice(ids, n_jobs),
            "Job Start Date": dates(n_jobs, 490),
            "Job End Date": pd.Series(pd.NaT, index=range(n_jobs), dtype="datetime64[us]"),
            "Employer": rng.choice([f"Employer {k}" for k in range(900)], n_jobs),
            "Job Type": rng.choice([f"type {k}" for k in range(60)], n_jobs),
            "Competitive": pd.array(rng.random(n_jobs) < 0.9, dtype="boolean"),
            "Hours Per Week": rng.integers(5, 40, n_jobs).astype(float),
            "Hourly Wage": rng.uniform(12, 25, n_jobs),
            "Pre-Start Contact": dates(n_jobs, 490),
            "Post-Start Contact": dates(n_jobs, 490),
            "End Reason": None,
        }
    )
    log = pd.DataFrame(
        {
            "Date": dates(n_log, 490),
            "Employment Specialist": rng.choice(names, n_log),
            "Contact Type": rng.choice(["Face-to-Face", "Phone"], n_log),
            "Client ID": rng.choice([*ids[:500], None], n_log),
            "Client Preference": pd.array(rng.random(n_log) < 0.8, dtype="boolean"),
        }
    )
    staff_frame = pd.DataFrame(
        {
            "Name": names,
            "Role": "Employment Specialist",
            "FTE": 1.0,
            "Supervisor": "Boss",
            "Community Hours %": 60.0,
            "IPS Only": pd.array([True] * 40, dtype="boolean"),
            "Employment Services %": 95.0,
        }
    )
    referrals = pd.DataFrame({"Client ID": ids[:1000], "Referral Date": dates(1000, 400)})
    frames = Frames(caseload=caseload, staff=staff_frame, jobs=jobs, log=log, referrals=referrals)
    began = time.perf_counter()
    items = fidelity.score_items(frames, Period(START, END))
    fidelity.outcome_figures(frames, Period(START, END))
    table = fidelity.specialist_table(frames, Period(START, END))
    assert time.perf_counter() - began < 3
    assert all(it.value is not None for it in items)
    assert len(table) == 40 + 1  # and the All specialists row
