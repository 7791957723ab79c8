"""The command line as an analyst uses it: exit codes, the JSON contract, reports on disk."""

from __future__ import annotations

import json
import subprocess
import sys

from builders import clean_tabs, set_cell, write_workbook
from click.testing import CliRunner
from commands import ipsxl

from ipsxl.cli import main
from ipsxl.core import scale


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ipsxl", *args], capture_output=True, text=True, timeout=300
    )


def test_clean_workbook_exits_0_with_the_report_md_json_shape(tmp_path):
    book = write_workbook(tmp_path / "agency-a.xlsx", clean_tabs())
    proc = run("validate", str(book), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert set(doc) == {"ipsxl_version", "workbooks", "totals"}
    (wb,) = doc["workbooks"]
    assert wb["file"] == str(book) and wb["readable"] is True and wb["error"] is None
    assert wb["agency"] == "Test Agency"
    assert wb["period"] == {"start": "2026-07-01", "end": "2026-09-30"}
    assert wb["counts"] == {"error": 0, "warning": 0, "info": 0}
    assert wb["flags"] == []
    items = wb["fidelity"]["items"]
    assert [i["id"] for i in items] == list(scale.COMPUTED_IDS)
    for item in items:
        assert set(item) == {"id", "value", "target", "score", "n", "basis", "note", "suggests"}
        assert item["score"] is None or 1 <= item["score"] <= 5
        if item["basis"] == "indicator":  # shown with what it suggests, never scored
            assert item["score"] is None and 1 <= item["suggests"] <= 5, item
    scored = [i["score"] for i in items if i["score"] is not None]
    assert wb["fidelity"]["scored_items"] == len(scored)
    assert wb["fidelity"]["data_total"] == sum(scored)
    assert wb["fidelity"]["data_max"] == 5 * len(scored)
    assert wb["outcomes"]["active_clients"] == 3  # C1, C2, C3 are all open in the quarter
    assert [(s["kind"], s["name"]) for s in wb["specialists"]] == [
        ("specialist", "Ann Lee"),
        ("specialist", "Bo Chan"),
        ("total", "All specialists"),
    ]
    assert doc["totals"] == {"workbooks": 1, "unreadable": 0, "error": 0, "warning": 0}


def test_error_flag_exits_1_and_points_at_the_cell(tmp_path):
    tabs = clean_tabs()
    row = set_cell(tabs, "Caseload", 2, "Enrollment Date", "13/45/2026")
    book = write_workbook(tmp_path / "b.xlsx", tabs)
    proc = run("validate", str(book), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    flags = json.loads(proc.stdout)["workbooks"][0]["flags"]
    bad = [f for f in flags if f["code"] == "bad-date"]
    assert bad == [
        {
            "sheet": "Caseload",
            "row": row,
            "column": "Enrollment Date",
            "code": "bad-date",
            "severity": "error",
            "message": bad[0]["message"],
            "value": "13/45/2026",
        }
    ]
    assert "13/45/2026" in bad[0]["message"]


def test_a_non_workbook_beside_good_ones_exits_2_and_the_rest_are_reported(tmp_path):
    good = write_workbook(tmp_path / "a-good.xlsx", clean_tabs())
    tabs = clean_tabs()
    set_cell(tabs, "Jobs", 1, "Competitive", "maybe")
    flagged = write_workbook(tmp_path / "c-flagged.xlsx", tabs)
    junk = tmp_path / "b-notes.xlsx"
    junk.write_text("client,notes\nC1,hello\n")
    proc = run("validate", str(tmp_path), "--format", "json")
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    files = [w["file"] for w in doc["workbooks"]]
    assert files == [str(good), str(junk), str(flagged)]
    broken = doc["workbooks"][1]
    assert broken == {"file": str(junk), "readable": False, "error": broken["error"]}
    assert "not an Excel workbook" in broken["error"]
    assert doc["workbooks"][2]["counts"]["error"] == 1
    assert doc["totals"]["unreadable"] == 1
    assert f"{junk}: not an Excel workbook" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_text_report_reads_well(tmp_path):
    tabs = clean_tabs()
    row = set_cell(tabs, "Employer Log", 3, "Contact Type", "Drop-in")
    book = write_workbook(tmp_path / "a.xlsx", tabs)
    result = CliRunner().invoke(main, ["validate", str(book)])
    assert result.exit_code == 1
    out = result.output
    assert f"{book}: Test Agency, 2026-07-01 to 2026-09-30" in out
    assert "1 errors" in out
    assert "Employer Log: 1 flags" in out and "'Drop-in'" in out
    assert f"row {row}, Contact Type" in out
    for item_id in scale.COMPUTED_IDS:
        assert item_id in out
    assert "1 workbooks: 0 unreadable, 1 errors" in out


def test_csv_and_out_dir_write_one_report_per_workbook(tmp_path):
    tabs = clean_tabs()
    set_cell(tabs, "Jobs", 2, "Hours Per Week", 95)
    (tmp_path / "in").mkdir()
    one = write_workbook(tmp_path / "in" / "one.xlsx", tabs)
    two = write_workbook(tmp_path / "in" / "two.xlsx", clean_tabs())
    (tmp_path / "in" / "~$one.xlsx").write_bytes(b"lock")  # Excel's lock file is not a workbook
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        main, ["validate", str(tmp_path / "in"), "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "file,sheet,row,column,code,severity,message,value"
    assert len(lines) == 2 and lines[1].startswith(f"{one},Jobs,3,Hours Per Week,bad-number")
    assert sorted(p.name for p in out.iterdir()) == ["one.csv", "two.csv"]
    assert (out / "two.csv").read_text().strip() == lines[0]
    assert str(two) not in result.output


def test_start_and_end_override_the_period(tmp_path):
    book = write_workbook(tmp_path / "a.xlsx", clean_tabs())
    result = CliRunner().invoke(
        main,
        ["validate", str(book), "--format", "json", "--start", "2026-08-01", "--end", "2026-08-31"],
    )
    wb = json.loads(result.output)["workbooks"][0]
    assert wb["period"] == {"start": "2026-08-01", "end": "2026-08-31"}


def test_jobs_2_gives_the_same_report_as_jobs_1(tmp_path):
    for k in range(3):
        tabs = clean_tabs()
        set_cell(tabs, "Caseload", 1, "Status", "Actve" if k else "Active")
        write_workbook(tmp_path / f"w{k}.xlsx", tabs)
    one = ipsxl("validate", str(tmp_path), "--format", "json", "--jobs", "1")  # in this process
    two = run("validate", str(tmp_path), "--format", "json", "--jobs", "2")  # its workers
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout


def test_wrong_use_exits_2_with_one_line(tmp_path):
    result = run("validate", str(tmp_path))  # an empty folder
    assert result.returncode == 2
    assert "no .xlsx or .xlsm workbooks found" in result.stderr
    assert "Traceback" not in result.stderr
