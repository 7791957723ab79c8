"""Tabs with nothing to count: a quarter without referrals, a tab left empty, one holding only a
note, rows whose IDs are blank. Every command still gives its report (exit 0 or 1, never a
traceback), for each standard tab alone and for all of them at once."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from builders import clean_tabs, column, write_workbook
from click.testing import CliRunner

from ipsxl import standard as std
from ipsxl.cli import main

# the column whose blank makes a row's key blank, per tab
KEYS = {
    std.PROGRAM.name: "Value",
    std.STAFF.name: "Name",
    std.CASELOAD.name: std.CLIENT_ID,
    std.JOBS.name: std.CLIENT_ID,
    std.EMPLOYER_LOG.name: std.SPECIALIST,
    std.BENEFITS_REFERRALS.name: std.CLIENT_ID,
}
ALL = "every tab"


def _emptied(rows: list[list], tab: str, state: str) -> list[list]:
    if state == "empty":
        return []
    if state == "header-only":
        return rows[:1]
    if state == "note-only":
        return [[f"No {tab.lower()} this quarter"]]
    key = column({tab: rows}, tab, KEYS[tab])  # blank-keys: every key blank, the rest kept
    return [rows[0], *([*r[:key], None, *r[key + 1 :]] for r in rows[1:])]


def _tabs(which: str, state: str) -> dict[str, list[list]]:
    tabs = clean_tabs()
    for tab in tabs if which == ALL else [which]:
        tabs[tab] = _emptied(tabs[tab], tab, state)
    return tabs


STATES = ("empty", "header-only", "note-only", "blank-keys")
CASES = [(tab, state) for tab in [*KEYS, ALL] for state in STATES]


def _case_id(case: tuple[str, str]) -> str:
    return f"{case[0]}-{case[1]}".replace(" ", "_")


def _no_traceback(result) -> None:
    out = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in out, out
    assert result.exception is None or isinstance(result.exception, SystemExit), out


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_each_command_reports_on_a_tab_with_nothing_to_count(tmp_path, case):
    which, state = case
    book = write_workbook(tmp_path / "agency.xlsx", _tabs(which, state))
    runner = CliRunner()

    validated = runner.invoke(main, ["validate", str(book), "--format", "json"])
    _no_traceback(validated)
    assert validated.exit_code in (0, 1), validated.output
    (report,) = json.loads(validated.output)["workbooks"]
    assert report["readable"] is True
    assert len(report["fidelity"]["items"]) == 12
    tab_flags = [f for f in report["flags"] if f["sheet"] in (which, std.PROGRAM.name)]
    if state == "header-only" and which != std.PROGRAM.name:
        # a tab with its header and no rows is a quarter with nothing to report: nothing in it
        # is wrong (an empty Employer Log still means too few contacts, a warning)
        errors = [f for f in report["flags"] if f["severity"] == "error"]
        assert [f for f in errors if f["sheet"] == which] == []
    if state in ("empty", "note-only") and which not in (std.PROGRAM.name, ALL):
        # no header row at all: each required column is missing, and said so once
        missing = {f["column"] for f in tab_flags if f["code"] == "missing-column"}
        assert missing == {c.name for c in std.TABS_BY_NAME[which].required_columns}

    summarised = runner.invoke(main, ["summary", str(book), "--format", "json"])
    _no_traceback(summarised)
    assert summarised.exit_code in (0, 1), summarised.output
    (row,) = json.loads(summarised.output.split("\nwrote")[0])["submissions"]
    assert row["readable"] is True

    target = tmp_path / "agency.checked.xlsx"
    checked = runner.invoke(main, ["check", str(book), "--output", str(target)])
    _no_traceback(checked)
    assert checked.exit_code in (0, 1), checked.output
    assert f"wrote {target}" in checked.output and target.is_file()


def test_a_folder_of_every_such_workbook_gives_one_report_each_in_a_real_process(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    books = [
        write_workbook(folder / f"{i:02d}-{_case_id(case)}.xlsx", _tabs(*case))
        for i, case in enumerate(CASES)
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "ipsxl", "validate", str(folder), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    reports = json.loads(proc.stdout)["workbooks"]
    assert [r["file"] for r in reports] == [str(b) for b in books]
    assert all(r["readable"] for r in reports)
