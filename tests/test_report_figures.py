"""The fidelity, outcome and specialist figures as the JSON report and the text report give
them, from a small workbook whose figures are worked out by hand."""

from __future__ import annotations

import datetime as dt
import json

from builders import write_workbook
from click.testing import CliRunner
from test_fidelity import SAM, book, client, contact, job, referral, staff

from ipsxl import report, validate
from ipsxl.cli import main

D = dt.date
START = D(2026, 7, 1)


def rows():
    """Ann (FTE 1, 90% on employment services) and Bo (FTE 0.5, 100%); 21 of Ann's clients
    and one of Bo's on the last day; one job ended (Quit), one closure (Moved)."""
    caseload = [client(f"A{k}", es="Ann Lee") for k in range(21)]
    caseload += [client("B1", es="Bo Chan", enrolled=D(2026, 7, 10), benefits="Yes")]
    caseload += [client("B2", es="Bo Chan", closed=D(2026, 8, 1))]
    caseload[-1][10] = "Moved"
    jobs = [
        job("A0", D(2026, 3, 1)),
        job("B1", D(2026, 8, 3), pre=D(2026, 8, 1), post=D(2026, 8, 4)),
    ]
    jobs += [job("B2", D(2026, 2, 1), end=D(2026, 7, 20))]
    jobs[-1][9] = "Quit"
    log = [contact(START + dt.timedelta(days=k % 60), es="Ann Lee") for k in range(80)]
    return dict(
        staff=[staff("Ann Lee", services=90), staff("Bo Chan", fte=0.5, services=100), SAM],
        caseload=caseload,
        jobs=jobs,
        log=log,
        referrals=[referral("B1", D(2026, 7, 20))],
    )


def checked(tmp_path, period=None):
    tabs = book(**rows()) if period is None else book(period=period, **rows())
    path = write_workbook(tmp_path / "agency.xlsx", tabs)
    return path, validate.check_file(path, validate.Options(today=D(2026, 10, 15)))


def test_json_items_carry_basis_value_score_n_note_and_what_an_indicator_suggests(tmp_path):
    _, rep = checked(tmp_path)
    doc = report.to_dict(rep)
    items = {i["id"]: i for i in doc["fidelity"]["items"]}
    caseload = items["caseload_size"]
    assert caseload["value"] == round(22 / 1.5, 3) == 14.667  # the value, not a rounding of it
    assert (caseload["score"], caseload["n"], caseload["basis"]) == (5, 22, "scale")
    assert "largest caseload per FTE: Ann Lee, 21.0" in caseload["note"]
    services = items["employment_services_staff"]
    assert (services["value"], services["score"]) == (round((90 + 50) / 1.5, 3), 4)
    follow = items["follow_along"]  # one start, contacts 2 days before and 1 after
    assert (follow["value"], follow["score"], follow["suggests"]) == (100.0, None, 5)
    assert follow["basis"] == "indicator"
    planning = items["work_incentives_planning"]
    assert (planning["value"], planning["score"], planning["suggests"]) == (100.0, None, 5)
    scored = [i for i in items.values() if i["score"] is not None]
    assert all(i["basis"] == "scale" for i in scored)
    assert doc["fidelity"]["data_total"] == sum(i["score"] for i in scored)
    assert doc["fidelity"]["scored_items"] == len(scored)


def test_json_outcomes_and_specialists(tmp_path):
    _, rep = checked(tmp_path)
    doc = report.to_dict(rep)
    out = doc["outcomes"]
    assert out["new_enrollments"] == 1  # B1
    assert out["clients_with_job_start"] == 1 and out["first_jobs"] == 1  # B1 on 8/3
    assert out["days_to_first_job"] == 24.0  # 7/10 to 8/3
    assert out["job_endings"] == {"Quit": 1}
    assert out["closures"] == {"Moved": 1}
    assert out["retention_90"] == 1.0  # A0 from 3/1 still held; B2 2/1-7/20 kept 169 days
    assert out["employment_rate_note"] is None
    table = {s["name"]: s for s in doc["specialists"]}
    assert list(table) == ["Ann Lee", "Bo Chan", "All specialists"]
    ann, bo, every = table["Ann Lee"], table["Bo Chan"], table["All specialists"]
    assert (ann["caseload"], ann["caseload_per_fte"], ann["employment_services_pct"]) == (
        21,
        21.0,
        90.0,
    )
    assert (bo["caseload"], bo["caseload_per_fte"], bo["active_clients"]) == (1, 2.0, 2)
    assert ann["contacts_per_week"] == round(80 / (92 / 7), 3)
    assert every["caseload"] == 22 and every["face_to_face_contacts"] == 80
    assert every["job_starts"] == ann["job_starts"] + bo["job_starts"] == 1
    assert every["employment_rate"] == out["employment_rate"]


def test_text_report_shows_indicators_outcomes_and_specialists(tmp_path):
    path, _ = checked(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    text = result.output
    follow = next(line for line in text.splitlines() if "follow_along" in line)
    assert "suggests 5" in follow and "indicator" in follow
    assert "indicators are never counted" in text
    assert "1 new enrollments, 1 clients with a job start, 1 first jobs (median 24.0 days" in text
    assert "job endings: 1 (Quit 1)" in text and "closures: 1 (Moved 1)" in text
    assert "100.0% of jobs kept 90 days" in text
    specialists = text[text.index("Employment specialists:") :].splitlines()
    assert specialists[2].split()[:4] == ["Ann", "Lee", "21", "21.0"]
    every = next(line for line in specialists if line.strip().startswith("All specialists"))
    assert every.split()[:4] == ["All", "specialists", "22", "14.7"]


def test_the_rate_note_when_the_period_is_not_about_a_quarter(tmp_path):
    path, rep = checked(tmp_path, period=(START, D(2026, 7, 31)))
    note = report.to_dict(rep)["outcomes"]["employment_rate_note"]
    assert note.startswith("the period is 31 days, not about a quarter")
    assert f"note: {note}" in report.to_text(rep)
    doc = json.loads(report.to_json([rep]))
    assert doc["workbooks"][0]["outcomes"]["employment_rate_note"] == note
