"""The twelve computed IPS-25 items, each against a figure worked out by hand from the rows the
test writes. Workbooks go through the real reader and parser, so the figures are the ones a
user gets from a file."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import clean_tabs, read_here, set_cell, write_workbook

from ipsxl.core import fidelity, parse, scale
from ipsxl.core.model import Scores

D = dt.date
START, END = D(2026, 7, 1), D(2026, 9, 30)  # builders' quarter: 92 days
ES, SUP = "Employment Specialist", "Supervisor"
ENROLLED = D(2026, 6, 1)  # before the period: active throughout


# --- rows in standard column order ---------------------------------------------------------------


def staff(name, role=ES, fte=1.0, supervisor="Sam Boss", community=70, ips="Yes", services=None):
    return [name, role, fte, supervisor, community, ips, services]


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
    tabs["Staff"][0] = [*tabs["Staff"][0], "Employment Services %"]
    if "staff" in rows and rows["staff"] is None:
        del tabs["Staff"]
    set_cell(tabs, "Program", 4, "Value", period[0])
    set_cell(tabs, "Program", 5, "Value", period[1])
    return tabs


def score(tmp_path, tabs) -> Scores:
    """Write, read, parse and score a workbook, as the pipeline does."""
    path = write_workbook(tmp_path / "book.xlsx", tabs)
    return fidelity.score_workbook(parse.parse_workbook(read_here(path)))


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
        if it.basis == scale.INDICATOR:  # shown with what it suggests, never scored
            assert it.score is None and it.suggests == band.points(it.value)
        elif it.id != "competitive_jobs":  # the clean book has 2 current jobs: see its tests
            assert it.score == band.points(it.value) and it.suggests is None
    assert scores.scored_items == 9  # the 9 scale items; the 3 indicators never count
    assert scores.item("competitive_jobs").score == 1  # only 2 current jobs
    assert scores.data_total == sum(i.score for i in scores.items if i.basis == scale.SCALE)


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


@pytest.mark.parametrize(("clients", "expected_score"), [(200, 5), (201, 4)])
def test_caseload_20_0_scores_5_and_20_1_scores_4(tmp_path, clients, expected_score):
    """ "20 or fewer" is applied to the value as computed: 20.1 is more than 20."""
    team = [staff(f"S{k}") for k in range(10)]
    rows = [client(f"C{i}", es=f"S{i % 10}") for i in range(clients)]
    it = item(tmp_path, "caseload_size", staff=[*team, SAM], caseload=rows)
    assert it.value == pytest.approx(clients / 10)
    assert it.score == expected_score


def test_caseload_counts_clients_active_on_the_last_day_over_summed_fte(tmp_path):
    active = [client(f"A{i}", es="Ann Lee") for i in range(30)]
    active += [client(f"B{i}", es="Bo Chan", closed=D(2026, 7, 15)) for i in range(3)]
    active += [client("B9", es="Bo Chan", closed=END)]  # closed on the last day: still there
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
    assert it.value == pytest.approx((30 + 1) / (1.0 + 0.5))  # 20.67
    assert (it.score, it.n) == (4, 31)
    assert "largest caseload per FTE: Ann Lee, 30.0 (30 clients at FTE 1)" in it.note


def test_caseload_turnover_does_not_inflate_it(tmp_path):
    """A true caseload of 20 with 20% turnover: 4 clients left and 4 joined during the quarter;
    counting everyone active on any day would show 24 (score 4)."""
    stayed = [client(f"S{i}") for i in range(16)]
    left = [client(f"L{i}", closed=D(2026, 8, 1)) for i in range(4)]
    joined = [client(f"J{i}", enrolled=D(2026, 8, 2)) for i in range(4)]
    it = item(
        tmp_path, "caseload_size", staff=[staff("Ann Lee"), SAM], caseload=stayed + left + joined
    )
    assert (it.value, it.score, it.n) == (20.0, 5, 20)


def test_caseload_20_5_scores_4_no_rounding_decides(tmp_path):
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
    assert "largest caseload per FTE: Ann Lee, 25.0" in it.note


def test_caseload_null_without_clients_on_the_last_day(tmp_path):
    it = item(
        tmp_path,
        "caseload_size",
        staff=[staff("Ann Lee"), SAM],
        caseload=[client("X", enrolled=D(2026, 10, 2)), client("Y", closed=D(2026, 8, 1))],
    )
    assert (it.value, it.score) == (None, None)
    assert it.note == "no client active on the period's last day"


# --- Staffing 2: employment services staff --------------------------------------------------------


def test_employment_services_staff_ten_percent_case_management_scores_4(tmp_path):
    """Every specialist spends 10% of their time on case management: 90% on employment
    services is "90-95%" on the scale, 4, however their IPS Only cell reads."""
    rows = [staff(name, ips="No", services=90) for name in ("Ann", "Bo", "Cy")]
    it = item(tmp_path, "employment_services_staff", staff=[*rows, SAM])
    assert (it.value, it.score, it.n) == (90.0, 4, 3)


def test_employment_services_staff_is_the_fte_weighted_mean_share_of_time(tmp_path):
    it = item(
        tmp_path,
        "employment_services_staff",
        staff=[
            staff("Ann", fte=1.0, services=100),
            staff("Bo", fte=0.5, services=80),
            staff("Cy", fte=0.5, ips="Yes", services=None),  # IPS Only = yes: 100
            staff("Di", fte=1.0, ips="No", services=None),  # no data
            staff("Ed", fte=1.0, ips=None, services=None),  # no data
            staff("Sam Boss", role=SUP, services=10),
        ],
    )
    assert it.value == (100 * 1.0 + 80 * 0.5 + 100 * 0.5) / (1.0 + 0.5 + 0.5) == 95.0
    assert (it.score, it.n) == (4, 3)
    assert "1 specialist without Employment Services % counted at 100%" in it.note
    assert "Employment Services % blank for 2 of 5 specialists" in it.note


@pytest.mark.parametrize(
    ("share", "expected_score"),
    [(96, 5), (95.9, 4), (90, 4), (89.9, 3), (75, 3), (74.9, 2), (60, 2), (59.9, 1)],
)
def test_employment_services_staff_thresholds_as_worded(tmp_path, share, expected_score):
    it = item(tmp_path, "employment_services_staff", staff=[staff("Ann", services=share), SAM])
    assert (it.value, it.score) == (share, expected_score)


def test_employment_services_staff_without_the_column_counts_ips_only_yes_as_100(tmp_path):
    rows = [staff("Ann", fte=0.8), staff("Bo", fte=None), SAM]  # IPS Only = yes, no share
    it = item(tmp_path, "employment_services_staff", staff=rows)
    assert (it.value, it.score, it.n) == (100.0, 5, 2)


def test_employment_services_staff_ips_only_no_is_no_data(tmp_path):
    it = item(tmp_path, "employment_services_staff", staff=[staff("Ann", ips="No"), SAM])
    assert (it.value, it.score, it.n) == (None, None, 0)
    assert "Employment Services % is blank" in it.note


def test_employment_services_staff_null_without_staff(tmp_path):
    it = item(tmp_path, "employment_services_staff", staff=None, caseload=[client("C1")])
    assert (it.value, it.score) == (None, None)
    assert "no Staff tab" in it.note


# --- Organization 5: supervisor ratio -------------------------------------------------------------


@pytest.mark.parametrize(("team", "suggests"), [(10, 5), (11, 3)])
def test_supervisor_ratio_is_an_indicator_of_the_largest_team(tmp_path, team, suggests):
    rows = [staff(f"S{i}", supervisor="Sam Boss") for i in range(team)]
    rows += [staff(f"K{i}", supervisor="Kim Lead") for i in range(3)]
    rows += [staff("Loner", supervisor=None), SAM, staff("Kim Lead", role=SUP, supervisor=None)]
    scores = score(tmp_path, book(staff=rows))
    it = scores.item("supervisor_ratio")
    assert it.value == max(team, 3)
    assert (it.score, it.suggests, it.n, it.basis) == (None, suggests, team + 3, "indicator")
    assert "1 specialist with no supervisor named" in it.note


def test_supervisor_ratio_null_without_supervisors_or_staff(tmp_path):
    it = item(tmp_path, "supervisor_ratio", staff=[staff("Ann", supervisor=None)])
    assert (it.value, it.score, it.suggests) == (None, None, None)
    assert "names a supervisor" in it.note
    it = item(tmp_path, "supervisor_ratio", staff=None, caseload=[client("C1")])
    assert (it.value, it.score) == (None, None)
    assert "no Staff tab" in it.note


def test_indicators_never_count_in_the_data_total(tmp_path):
    """Supervisor ratio 10 suggests 5, follow-along and benefits planning 100% suggest 5: none
    of them enters the total, which holds the scale items only."""
    s = D(2026, 8, 10)
    rows = dict(
        staff=[staff("Ann Lee"), SAM],
        caseload=[client("C1", benefits="Yes")],
        jobs=[job("C1", s, pre=s, post=s)],
        referrals=[referral("C1", D(2026, 7, 1))],
    )
    scores = score(tmp_path, book(**rows))
    indicators = [i for i in scores.items if i.basis == scale.INDICATOR]
    assert [(i.id, i.suggests, i.score) for i in indicators] == [
        ("supervisor_ratio", 5, None),
        ("work_incentives_planning", 5, None),
        ("follow_along", 5, None),
    ]
    scored = [i for i in scores.items if i.score is not None]
    assert all(i.basis == scale.SCALE for i in scored)
    assert scores.scored_items == len(scored)
    assert scores.data_total == sum(i.score for i in scored)


# --- Services 4: rapid job search -----------------------------------------------------------------


def test_rapid_job_search_mean_days_over_the_year_to_the_period_end(tmp_path):
    rows = [
        client("P1", enrolled=D(2026, 7, 6), first=D(2026, 7, 16)),  # in period: 10 days
        client("P2", enrolled=D(2026, 8, 1), first=D(2026, 9, 10)),  # 40 days
        client("Y1", enrolled=D(2025, 10, 1), first=D(2026, 1, 9)),  # first day of the year: 100
        client("Y2", enrolled=D(2026, 3, 1), first=D(2026, 2, 20)),  # contact before: 0 days
        client("W1", enrolled=D(2026, 8, 15)),  # still waiting: 46 days by 9/30
        client("W2", enrolled=D(2026, 6, 1), closed=D(2026, 6, 21)),  # closed waiting: 20 days
        client("O1", enrolled=D(2025, 9, 30), first=D(2025, 10, 2)),  # over a year before end
    ]
    it = item(tmp_path, "rapid_job_search", caseload=rows)
    assert it.value == (10 + 40 + 100 + 0 + 46 + 20) / 6 == 36.0
    assert (it.score, it.n) == (4, 6)
    assert "2 clients still waiting for a first employer contact" in it.note


def test_a_stalled_caseload_cannot_score_5(tmp_path):
    """One client met an employer in 5 days; nine enrolled on 6/1 wait still, 121 days by the
    period's end. Averaging only the one with a contact would say 5 days (score 5)."""
    rows = [client("Q", enrolled=D(2026, 7, 1), first=D(2026, 7, 6))]
    rows += [client(f"S{i}", enrolled=D(2026, 6, 1)) for i in range(9)]
    it = item(tmp_path, "rapid_job_search", caseload=rows)
    assert it.value == (5 + 9 * 121) / 10 == 109.4
    assert (it.score, it.n) == (3, 10)
    assert "9 clients still waiting" in it.note


@pytest.mark.parametrize(("second", "expected_score"), [(30, 5), (31, 4)])
def test_rapid_job_search_30_days_scores_5_and_30_5_scores_4(tmp_path, second, expected_score):
    rows = [
        client("A", enrolled=D(2026, 7, 1), first=D(2026, 7, 31)),  # 30 days
        client("B", enrolled=D(2026, 7, 1), first=D(2026, 7, 1) + dt.timedelta(days=second)),
    ]
    it = item(tmp_path, "rapid_job_search", caseload=rows)
    assert (it.value, it.score) == ((30 + second) / 2, expected_score)


def test_rapid_job_search_null_without_recent_enrollments(tmp_path):
    it = item(tmp_path, "rapid_job_search", caseload=[client("C1", enrolled=D(2025, 1, 2))])
    assert (it.value, it.score) == (None, None)
    assert "no client enrolled in the period or the 12 months before its end" in it.note


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


@pytest.mark.parametrize(
    ("contacts", "expected_score"),
    [(60, 5), (55, 5), (54, 4), (45, 4), (44, 3), (30, 3), (29, 2), (20, 2), (19, 1)],
)
def test_employer_contacts_scored_at_the_closest_scale_point(tmp_path, contacts, expected_score):
    """The scale's points are 6, 5, 4 and 2 a week: 5.5 is half-way to 6 and scores 5, 5.4 is
    closer to 5 (4), 4.5 half-way to 5 (4), 3.0 half-way between 4 and 2 (3)."""
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
    assert (it.score, it.n) == (4, 90)
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


def held_clients():
    """The clients of ``held_jobs``, all Ann Lee's."""
    return [client(f"C{k}") for k in range(len(HELD))] + [client("X1"), client("X2")]


def test_diversity_job_types_distinct_folded_types_over_jobs_with_a_type(tmp_path):
    it = item(tmp_path, "diversity_job_types", jobs=held_jobs(), caseload=held_clients())
    # typed: 11 of 12; distinct after folding: retail, foodservice, clerical, janitorial,
    # stocking, driving, care, landscaping
    assert it.value == pytest.approx(100 * 8 / 11)  # 72.7
    assert (it.score, it.n) == (4, 11)
    assert "Job Type blank for 1 of 12 jobs held" in it.note
    assert "fewer than 10" not in it.note


def test_diversity_employers_distinct_folded_employers(tmp_path):
    it = item(tmp_path, "diversity_employers", jobs=held_jobs(), caseload=held_clients())
    # named: 11; distinct: Acme Grocery (3 spellings) + 8 others = 9
    assert it.value == pytest.approx(100 * 9 / 11)  # 81.8
    assert (it.score, it.n) == (4, 11)


def test_diversity_is_per_specialist_then_the_mean(tmp_path):
    """Ann's 4 jobs: 2 types (50%); Bo's 2 jobs: 2 types (100%); Cy's one job counts 100%;
    Di has no job and is not in the mean. Agency-wide it would be 3 types in 7 jobs (43%)."""
    caseload = [client(f"A{k}", es="Ann Lee") for k in range(4)]
    caseload += [client("B0", es="Bo Chan"), client("B1", es="Bo Chan"), client("C0", es="Cy")]
    s = D(2026, 8, 1)
    jobs = [job(f"A{k}", s, jtype="retail" if k < 2 else "clerical") for k in range(4)]
    jobs += [job("B0", s, jtype="retail"), job("B1", s, jtype="clerical")]
    jobs += [job("C0", s, jtype="care")]
    team = [staff("Ann Lee"), staff("Bo Chan"), staff("Cy"), staff("Di"), SAM]
    it = item(tmp_path, "diversity_job_types", staff=team, caseload=caseload, jobs=jobs)
    assert it.value == pytest.approx((50 + 100 + 100) / 3)
    assert (it.score, it.n) == (4, 7)
    assert "mean over 3 specialists with a job" in it.note


def test_diversity_of_a_large_demo_program_does_not_collapse(tmp_path):
    """1,000 clients: distinct ÷ jobs over the whole agency falls near 0 whatever its
    specialists do (job types: 6% of this program's jobs); per specialist it stays where a
    specialist's own caseload puts it."""
    from ipsxl.make import demo

    path = tmp_path / "big.xlsx"
    demo.write_demo(path, clients=1000, seed=3)
    scores = fidelity.score_workbook(parse.parse_workbook(read_here(path)))
    for iid in ("diversity_job_types", "diversity_employers"):
        it = scores.item(iid)
        assert it.n > 300  # many jobs...
        assert it.value > 50 and it.score >= 2, it  # ...yet each specialist's jobs are diverse


def test_competitive_jobs_share_of_jobs_held_on_the_last_day(tmp_path):
    it = item(tmp_path, "competitive_jobs", jobs=held_jobs())
    # 11 current (the Blue Cafe job ended 7/1); 9 competitive, 1 blank
    assert it.value == pytest.approx(100 * 9 / 11)  # 81.8
    assert (it.score, it.n) == (3, 11)
    assert "Competitive blank for 1 of 11 current jobs" in it.note


@pytest.mark.parametrize(("current", "expected_score"), [(9, 1), (10, 5)])
def test_competitive_jobs_fewer_than_10_current_jobs_scores_1(tmp_path, current, expected_score):
    rows = [job(f"C{k}", D(2026, 8, 1), employer=f"E{k}") for k in range(current)]
    rows.append(job("Z", D(2026, 8, 1), end=D(2026, 9, 1)))  # ended: not current
    it = item(tmp_path, "competitive_jobs", jobs=rows)
    assert (it.value, it.score, it.n) == (100.0, expected_score, current)
    if current < 10:
        assert it.note.startswith(
            "scored 1: only 9 jobs held on 2026-09-30; the scale scores 1 below 10 current jobs"
        )
    else:
        assert "scored 1" not in it.note


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
    scores = score(tmp_path, book(jobs=rows, caseload=[client(f"C{k}") for k in range(4)]))
    for iid in ("diversity_job_types", "diversity_employers"):
        it = scores.item(iid)
        assert (it.value, it.score, it.n) == (100.0, 5, 4)
        assert "rests on only 4 jobs; fewer than 10" in it.note


def test_job_items_null_without_jobs_held(tmp_path):
    scores = score(tmp_path, book(jobs=[job("X", D(2026, 1, 1), end=D(2026, 2, 1))]))
    for iid in ("diversity_job_types", "diversity_employers"):
        it = scores.item(iid)
        assert (it.value, it.score, it.n, it.note) == (None, None, 0, "no jobs held in the period")
    it = scores.item("competitive_jobs")
    assert (it.value, it.score, it.n) == (None, None, 0)
    assert it.note == "no job held on 2026-09-30, the period's last day"


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
    assert (it.score, it.suggests, it.n) == (None, 1, 5)
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
    assert (it.score, it.suggests, it.n) == (None, 2, 4)
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
    from ipsxl import validate

    path = write_workbook(tmp_path / "book.xlsx", clean_tabs())
    report = validate.check_file(path, validate.Options(today=D(2026, 10, 15)))
    assert report.scores is not None
    assert report.scores.item("caseload_size").value == 3 / 2  # C1, C2, C3 over two specialists
