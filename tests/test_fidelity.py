"""The twelve computed IPS-25 items, each against a figure worked out by hand from the rows the
test writes. Workbooks go through the real reader and parser, so the figures are the ones a
user gets from a file."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import clean_tabs, set_cell, write_workbook

from ipsxl import fidelity, parse, read, scale
from ipsxl.model import Scores

D = dt.date
START, END = D(2026, 7, 1), D(2026, 9, 30)  # builders' quarter: 92 days
ES, SUP = "Employment Specialist", "Supervisor"
ENROLLED = D(2026, 6, 1)  # before the period: active throughout


# --- rows in standard column order ---------------------------------------------------------------


def staff(name, role=ES, fte=1.0, supervisor="Sam Boss", community=70, ips="Yes"):
    return [name, role, fte, supervisor, community, ips]


def client(
    cid, es="Ann Lee", enrolled=ENROLLED, first=None, benefits="No", education="No", closed=None
):
    status = "Closed" if closed else "Active"
    return [cid, es, None, enrolled, first, None, benefits, education, status, closed, None]


def job(
    cid,
    start,
    end=None,
    employer="Acme",
    jtype="retail",
    competitive="Yes",
    hours=20,
    wage=15.0,
    pre=None,
    post=None,
):
    return [cid, start, end, employer, "Worker", jtype, competitive, hours, wage, None, pre, post]


def contact(day, es="Ann Lee", ctype="Face-to-Face", cid=None, preference=None, employer="Acme"):
    return [day, es, employer, "Pat", "Yes", ctype, cid, preference, "visit"]


def referral(cid, day):
    return [cid, day, "SSI", "Planner", None, "Pending"]


SAM = staff("Sam Boss", role=SUP, supervisor=None, community=10)


def book(period=(START, END), **rows):
    """Standard tabs holding only the rows given (keyword = tab: staff, caseload, jobs, log,
    referrals); a tab not given has its header only. ``staff=None`` drops the Staff tab."""
    tabs = clean_tabs()
    names = {
        "staff": "Staff",
        "caseload": "Caseload",
        "jobs": "Jobs",
        "log": "Employer Log",
        "referrals": "Benefits Referrals",
    }
    for key, tab in names.items():
        tabs[tab] = [tabs[tab][0], *(rows.get(key) or [])]
    if "staff" in rows and rows["staff"] is None:
        del tabs["Staff"]
    set_cell(tabs, "Program", 4, "Value", period[0])
    set_cell(tabs, "Program", 5, "Value", period[1])
    return tabs


def score(tmp_path, tabs) -> Scores:
    """Write, read, parse and score a workbook, as the pipeline does."""
    path = write_workbook(tmp_path / "book.xlsx", tabs)
    return fidelity.score_workbook(parse.parse_workbook(read.read_workbook(path)))


def item(tmp_path, item_id, **rows):
    return score(tmp_path, book(**rows)).item(item_id)


def days(n, first=START):
    """``n`` dates inside the period, cycling over its days."""
    return [first + dt.timedelta(days=k % 60) for k in range(n)]


# --- all items ------------------------------------------------------------------------------------


def test_every_computed_item_in_scale_order_with_band_target_and_basis(tmp_path):
    scores = score(tmp_path, clean_tabs())
    assert [i.id for i in scores.items] == list(scale.COMPUTED_IDS)
    for it in scores.items:
        band = scale.BANDS_BY_ID[it.id]
        assert (it.target, it.basis) == (band.target, band.basis)
        assert it.score == scale.score(it.id, it.value)


def test_without_a_period_every_item_is_null_and_says_why(tmp_path):
    tabs = clean_tabs()
    tabs["Program"] = [r for r in tabs["Program"] if r[0] != "Period End"]
    scores = score(tmp_path, tabs)
    for it in scores.items:
        assert (it.value, it.score, it.n, it.note) == (None, None, 0, "no reporting period")


# --- Staffing 1: caseload size --------------------------------------------------------------------


@pytest.mark.parametrize(("clients", "expected_score"), [(20, 5), (21, 4)])
def test_caseload_20_scores_5_and_21_scores_4(tmp_path, clients, expected_score):
    rows = [client(f"C{i}") for i in range(clients)]
    it = item(tmp_path, "caseload_size", staff=[staff("Ann Lee"), SAM], caseload=rows)
    assert it.value == clients / 1.0
    assert (it.score, it.n) == (expected_score, clients)


def test_caseload_counts_active_clients_over_summed_fte(tmp_path):
    active = [client(f"A{i}", es="Ann Lee") for i in range(30)]
    active += [client(f"B{i}", es="Bo Chan", closed=D(2026, 7, 15)) for i in range(3)]
    gone = [
        client("X1", closed=D(2026, 6, 30)),  # closed the day before the period
        client("X2", enrolled=D(2026, 10, 1)),
    ]  # enrolled after it
    it = item(
        tmp_path,
        "caseload_size",
        staff=[staff("Ann Lee", fte=1.0), staff("Bo Chan", fte=0.5), SAM],
        caseload=active + gone,
    )
    assert it.value == 22.0 == (30 + 3) / (1.0 + 0.5)
    assert (it.score, it.n) == (4, 33)


def test_caseload_between_bands_goes_by_one_decimal(tmp_path):
    rows = [client(f"C{i}", es="Ann Lee" if i % 2 else "Bo Chan") for i in range(41)]
    it = item(
        tmp_path, "caseload_size", staff=[staff("Ann Lee"), staff("Bo Chan"), SAM], caseload=rows
    )
    assert it.value == 41 / 2 == 20.5
    assert it.score == 4


def test_caseload_without_staff_counts_each_caseload_name_at_fte_1(tmp_path):
    rows = (
        [client(f"A{i}", es="Ann Lee") for i in range(25)]
        + [client(f"B{i}", es="bo chan") for i in range(10)]
        + [client(f"C{i}", es="Bo  Chan") for i in range(10)]
    )  # one person, typed 2 ways
    it = item(tmp_path, "caseload_size", staff=None, caseload=rows)
    assert it.value == (25 + 10 + 10) / 2 == 22.5
    assert (it.score, it.n) == (4, 45)
    assert "FTE 1.0" in it.note


def test_caseload_null_without_active_clients(tmp_path):
    it = item(
        tmp_path,
        "caseload_size",
        staff=[staff("Ann Lee"), SAM],
        caseload=[client("X", enrolled=D(2026, 10, 2))],
    )
    assert (it.value, it.score) == (None, None)
    assert "no active clients" in it.note


# --- Staffing 2: employment services staff --------------------------------------------------------


def test_employment_services_staff_is_fte_share_saying_ips_only(tmp_path):
    it = item(
        tmp_path,
        "employment_services_staff",
        staff=[
            staff("Ann", fte=1.0, ips="Yes"),
            staff("Bo", fte=0.5, ips="No"),
            staff("Cy", fte=0.5, ips=None),
            staff("Sam Boss", role=SUP, ips="No"),
        ],
    )
    assert it.value == 100 * 1.0 / (1.0 + 0.5 + 0.5) == 50.0
    assert (it.score, it.n) == (1, 3)
    assert "IPS Only blank for 1 of 3 specialists" in it.note


def test_employment_services_staff_all_yes_scores_5(tmp_path):
    it = item(
        tmp_path,
        "employment_services_staff",
        staff=[staff("Ann", fte=0.8), staff("Bo", fte=None), SAM],
    )
    assert (it.value, it.score, it.n) == (100.0, 5, 2)


def test_employment_services_staff_null_without_staff(tmp_path):
    it = item(tmp_path, "employment_services_staff", staff=None, caseload=[client("C1")])
    assert (it.value, it.score) == (None, None)
    assert "no Staff tab" in it.note


# --- Organization 5: supervisor ratio -------------------------------------------------------------


@pytest.mark.parametrize(("team", "expected_score"), [(10, 5), (11, 3)])
def test_supervisor_ratio_is_the_largest_team(tmp_path, team, expected_score):
    rows = [staff(f"S{i}", supervisor="Sam Boss") for i in range(team)]
    rows += [staff(f"K{i}", supervisor="Kim Lead") for i in range(3)]
    rows += [staff("Loner", supervisor=None), SAM, staff("Kim Lead", role=SUP, supervisor=None)]
    it = item(tmp_path, "supervisor_ratio", staff=rows)
    assert it.value == max(team, 3)
    assert (it.score, it.n) == (expected_score, team + 3)
    assert "1 specialist with no supervisor named" in it.note


def test_supervisor_ratio_null_without_supervisors_or_staff(tmp_path):
    it = item(tmp_path, "supervisor_ratio", staff=[staff("Ann", supervisor=None)])
    assert (it.value, it.score) == (None, None)
    assert "names a supervisor" in it.note
    it = item(tmp_path, "supervisor_ratio", staff=None, caseload=[client("C1")])
    assert (it.value, it.score) == (None, None)
    assert "no Staff tab" in it.note


# --- Services 4: rapid job search -----------------------------------------------------------------


def test_rapid_job_search_mean_days_over_the_year_to_the_period_end(tmp_path):
    rows = [
        client("P1", enrolled=D(2026, 7, 6), first=D(2026, 7, 16)),  # in period: 10 days
        client("P2", enrolled=D(2026, 8, 1), first=D(2026, 9, 10)),  # 40 days
        client("Y1", enrolled=D(2025, 10, 1), first=D(2026, 1, 9)),  # first day of the year: 100
        client("Y2", enrolled=D(2026, 3, 1), first=D(2026, 2, 20)),  # contact before: 0 days
        client("W1", enrolled=D(2026, 8, 15)),  # no contact yet: not counted
        client("O1", enrolled=D(2025, 9, 30), first=D(2025, 10, 2)),  # over a year before end
    ]
    it = item(tmp_path, "rapid_job_search", caseload=rows)
    assert it.value == (10 + 40 + 100 + 0) / 4 == 37.5
    assert (it.score, it.n) == (4, 4)
    assert "1 client enrolled then with no first employer contact yet" in it.note


def test_rapid_job_search_null_without_first_contacts(tmp_path):
    it = item(tmp_path, "rapid_job_search", caseload=[client("C1", enrolled=D(2026, 7, 2))])
    assert (it.value, it.score) == (None, None)
    assert "First Employer Contact" in it.note


# --- Services 5: individualized job search --------------------------------------------------------


def test_individualized_job_search_share_of_client_contacts_reflecting_preference(tmp_path):
    d = D(2026, 7, 8)
    log = [
        contact(d, cid="C1", preference="Yes"),
        contact(d, cid="C2", preference="Yes"),
        contact(d, cid="C3", preference="No"),
        contact(d, cid="C4", preference=None),
        contact(d, cid=None, preference="Yes"),  # general job development: not counted
        contact(D(2026, 6, 30), cid="C1", preference="Yes"),
    ]  # before the period
    it = item(tmp_path, "individualized_job_search", log=log)
    assert it.value == 100 * 2 / 4 == 50.0
    assert (it.score, it.n) == (3, 4)
    assert "Client Preference blank for 1 of 4 contacts" in it.note


# --- Services 6: employer contacts ----------------------------------------------------------------

TEN_WEEKS = (START, START + dt.timedelta(days=69))  # 70 days, both ends included


@pytest.mark.parametrize(("contacts", "expected_score"), [(59, 4), (60, 5)])
def test_employer_contacts_5_9_scores_4_and_6_0_scores_5(tmp_path, contacts, expected_score):
    log = [contact(d) for d in days(contacts)]
    log += [
        contact(D(2026, 7, 2), ctype="Phone"),  # not face to face
        contact(D(2026, 9, 9)),
        contact(D(2026, 6, 30)),
    ]  # outside the ten weeks
    it = item(
        tmp_path, "employer_contacts", period=TEN_WEEKS, staff=[staff("Ann Lee"), SAM], log=log
    )
    assert it.value == contacts / 10
    assert (it.score, it.n) == (expected_score, contacts)
    assert it.note == ""


def test_employer_contacts_average_every_specialist_and_skip_other_names(tmp_path):
    log = [contact(d, es="Ann Lee") for d in days(80)]
    log += [contact(d, es="ANN  LEE") for d in days(10)]  # Ann again, typed differently
    log += [contact(d, es="Sam Boss") for d in days(7)]  # the supervisor: no specialist
    it = item(
        tmp_path,
        "employer_contacts",
        period=TEN_WEEKS,
        staff=[staff("Ann Lee"), staff("Bo Chan"), SAM],
        log=log,
    )
    assert it.value == ((80 + 10) / 10 + 0 / 10) / 2 == 4.5
    assert (it.score, it.n) == (3, 90)
    assert "7 face-to-face contacts logged by names that are no specialist's (Sam Boss)" in it.note


def test_employer_contacts_null_with_an_empty_log(tmp_path):
    it = item(tmp_path, "employer_contacts", staff=[staff("Ann Lee"), SAM], log=[])
    assert (it.value, it.score) == (None, None)
    assert "no rows" in it.note


# --- Services 8-10: jobs held ---------------------------------------------------------------------

HELD = [  # (employer, job type, competitive), each job held in the period
    ("Acme Grocery", "Retail", "Yes"),
    ("ACME grocery", "retail", "Yes"),
    ("Acme  Grocery", "food service", "Yes"),
    ("City Hospital", "Food  Service", "Yes"),
    ("Blue Cafe", "clerical", "Yes"),
    ("Metro Library", "janitorial", "Yes"),
    ("Park Hotel", None, "Yes"),
    ("Town Hall", "stocking", "Yes"),
    ("Bus Co", "driving", "Yes"),
    ("Care Home", "care", "Yes"),
    ("Green Co", "landscaping", "No"),
    (None, "retail", None),
]


def held_jobs():
    starts = [D(2026, 5, 1), D(2026, 7, 1), D(2026, 9, 30)]
    rows = [
        job(
            f"C{k}",
            starts[k % 3],
            end=D(2026, 7, 1) if k == 4 else None,
            employer=e,
            jtype=t,
            competitive=c,
        )
        for k, (e, t, c) in enumerate(HELD)
    ]
    rows += [
        job("X1", D(2026, 1, 1), end=D(2026, 6, 30), employer="Gone Co", jtype="unique1"),
        job("X2", D(2026, 10, 1), employer="Later Co", jtype="unique2"),
    ]
    return rows


def test_diversity_job_types_distinct_folded_types_over_jobs_with_a_type(tmp_path):
    it = item(tmp_path, "diversity_job_types", jobs=held_jobs())
    # typed: 11 of 12; distinct after folding: retail, foodservice, clerical, janitorial,
    # stocking, driving, care, landscaping
    assert it.value == round(100 * 8 / 11, 1) == 72.7
    assert (it.score, it.n) == (4, 11)
    assert "Job Type blank for 1 of 12 jobs held" in it.note
    assert "fewer than 10" not in it.note


def test_diversity_employers_distinct_folded_employers(tmp_path):
    it = item(tmp_path, "diversity_employers", jobs=held_jobs())
    # named: 11; distinct: Acme Grocery (3 spellings) + 8 others = 9
    assert it.value == round(100 * 9 / 11, 1) == 81.8
    assert (it.score, it.n) == (4, 11)


def test_competitive_jobs_share_of_jobs_held(tmp_path):
    it = item(tmp_path, "competitive_jobs", jobs=held_jobs())
    assert it.value == round(100 * 10 / 12, 1) == 83.3
    assert (it.score, it.n) == (3, 12)
    assert "Competitive blank for 1 of 12 jobs held" in it.note


def test_job_items_on_few_jobs_are_scored_with_a_warning(tmp_path):
    rows = [
        job(
            f"C{k}",
            D(2026, 8, 1),
            competitive="Yes" if k else "No",
            employer=f"E{k}",
            jtype=f"T{k}",
        )
        for k in range(4)
    ]
    scores = score(tmp_path, book(jobs=rows))
    it = scores.item("competitive_jobs")
    assert it.value == 100 * 3 / 4 == 75.0
    assert (it.score, it.n) == (3, 4)
    assert it.note == "rests on only 4 jobs; fewer than 10"
    for iid in ("diversity_job_types", "diversity_employers"):
        it = scores.item(iid)
        assert (it.value, it.score, it.n) == (100.0, 5, 4)
        assert it.note == "rests on only 4 jobs; fewer than 10"


def test_job_items_null_without_jobs_held(tmp_path):
    scores = score(tmp_path, book(jobs=[job("X", D(2026, 1, 1), end=D(2026, 2, 1))]))
    for iid in ("diversity_job_types", "diversity_employers", "competitive_jobs"):
        it = scores.item(iid)
        assert (it.value, it.score, it.n, it.note) == (None, None, 0, "no jobs held in the period")


# --- Services 12: follow-along --------------------------------------------------------------------


def test_follow_along_share_of_starts_with_contacts_before_and_after(tmp_path):
    s = D(2026, 8, 10)
    before = s - dt.timedelta(days=7)
    after = s + dt.timedelta(days=3)
    rows = [
        job("C1", s, pre=before, post=after),  # met, at both limits
        job("C2", s, pre=s, post=s),  # met, on the day
        job("C3", s, pre=before - dt.timedelta(days=1), post=after),  # 8 days before
        job("C4", s, pre=before, post=after + dt.timedelta(days=1)),  # 4 days after
        job("C5", s, pre=before, post=None),  # no contact after
        job("C6", D(2026, 6, 1), pre=D(2026, 5, 30), post=D(2026, 6, 2)),  # not a start
    ]
    it = item(tmp_path, "follow_along", jobs=rows)
    assert it.value == 100 * 2 / 5 == 40.0
    assert (it.score, it.n) == (1, 5)
    assert it.note == "rests on only 5 job starts; fewer than 10"


# --- Services 13: community-based services --------------------------------------------------------


def test_community_based_fte_weighted_mean_of_specialists(tmp_path):
    rows = [
        staff("Ann", fte=1.0, community=70),
        staff("Bo", fte=0.5, community=40),
        staff("Cy", fte=1.0, community=None),
        staff("Sam Boss", role=SUP, community=10),
    ]
    it = item(tmp_path, "community_based", staff=rows)
    assert it.value == (70 * 1.0 + 40 * 0.5) / (1.0 + 0.5) == 60.0
    assert (it.score, it.n) == (4, 2)
    assert "Community Hours % blank for 1 of 3 specialists" in it.note


def test_community_based_null_without_staff_tab(tmp_path):
    it = item(tmp_path, "community_based", staff=None, caseload=[client("C1")])
    assert (it.value, it.score, it.n) == (None, None, 0)
    assert it.note == "no Staff tab (or it lists no one)"


# --- Services 1: work incentives planning ---------------------------------------------------------


def test_work_incentives_planning_share_of_benefit_recipients_starts_referred(tmp_path):
    s = D(2026, 8, 10)
    caseload = [client(c, benefits="Yes") for c in ("B1", "B2", "B3", "B4")]
    caseload.append(client("N1", benefits="No"))
    jobs = [job(c, s) for c in ("B1", "B2", "B3", "B4", "N1")]
    referrals = [referral("B1", D(2026, 7, 1)), referral("B2", D(2026, 8, 11)), referral("B4", s)]
    it = item(
        tmp_path, "work_incentives_planning", caseload=caseload, jobs=jobs, referrals=referrals
    )
    # B1 before, B4 on the day: planned; B2 after, B3 never: not; N1 has no benefits
    assert it.value == 100 * 2 / 4 == 50.0
    assert (it.score, it.n) == (2, 4)
    assert it.note == "rests on only 4 job starts; fewer than 10"


def test_work_incentives_planning_null_without_job_starts(tmp_path):
    it = item(
        tmp_path,
        "work_incentives_planning",
        caseload=[client("B1", benefits="Yes")],
        jobs=[job("B1", D(2026, 5, 1))],
        referrals=[referral("B1", D(2026, 4, 1))],
    )
    assert (it.value, it.score, it.n) == (None, None, 0)
    assert it.note == "no job starts in the period"


# --- the pipeline ---------------------------------------------------------------------------------


def test_check_file_carries_the_scores(tmp_path):
    from ipsxl import check

    path = write_workbook(tmp_path / "book.xlsx", clean_tabs())
    report = check.check_file(path, today=D(2026, 10, 15))
    assert report.scores is not None
    assert report.scores.item("caseload_size").value == 3 / 2  # C1, C2, C3 over two specialists
