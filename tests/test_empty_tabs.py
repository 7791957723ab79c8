"""Tabs with nothing to count: a quarter without referrals, a tab left empty, one holding only a
note, rows whose IDs are blank. Every command still gives its report (exit 0 or 1, never a
traceback), for each standard tab alone and for all of them at once."""

from __future__ import annotations

import json
import subprocess

import forked
import openpyxl
import pytest
from builders import clean_tabs, column, write_workbook
from click.testing import CliRunner
from openpyxl.comments import Comment

from ipsxl.cli import main
from ipsxl.core import standard as std

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
    if state == "comment-only":
        return []  # and an Excel comment on A1: see _write
    key = column({tab: rows}, tab, KEYS[tab])  # blank-keys: every key blank, the rest kept
    return [rows[0], *([*r[:key], None, *r[key + 1 :]] for r in rows[1:])]


def _tabs(which: str, state: str) -> dict[str, list[list]]:
    tabs = clean_tabs()
    for tab in tabs if which == ALL else [which]:
        tabs[tab] = _emptied(tabs[tab], tab, state)
    return tabs


def _write(path, which: str, state: str):
    """The workbook of a case; a comment-only tab holds nothing but a note on its A1."""
    book = write_workbook(path, _tabs(which, state))
    if state == "comment-only":
        wb = openpyxl.load_workbook(book)
        for tab in wb.sheetnames if which == ALL else [which]:
            wb[tab]["A1"].comment = Comment("nothing to report this quarter", "Supervisor")
        wb.save(book)
    return book


STATES = ("empty", "header-only", "note-only", "comment-only", "blank-keys")
CASES = [(tab, state) for tab in [*KEYS, ALL] for state in STATES]


def _case_id(case: tuple[str, str]) -> str:
    return f"{case[0]}-{case[1]}".replace(" ", "_")


def _no_traceback(result) -> None:
    out = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in out, out
    assert result.exception is None or isinstance(result.exception, SystemExit), out


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> list:
    """One workbook per case, in a folder, in the order of CASES."""
    folder = tmp_path_factory.mktemp("submissions")
    return [_write(folder / f"{i:02d}-{_case_id(c)}.xlsx", *c) for i, c in enumerate(CASES)]


@pytest.fixture(scope="module")
def validated(submissions) -> subprocess.CompletedProcess:
    """``ipsxl validate`` over the folder of every case, as a state office runs it: a process
    of its own (forked from this one, see tests/forked.py) with two workers, each workbook's
    report in the order of CASES. One report per workbook is what a case asserts on, and a
    report does not depend on the files validated beside it (see test_batch.py), so every case
    reads its own from this one run."""
    folder = str(submissions[0].parent)
    return forked.run("validate", folder, "--format", "json", "--jobs", "2", timeout=600)


def _reports(validated: subprocess.CompletedProcess) -> list[dict]:
    assert "Traceback" not in validated.stderr, validated.stderr
    assert validated.returncode in (0, 1), validated.stderr
    return json.loads(validated.stdout)["workbooks"]


@pytest.mark.parametrize("n", range(len(CASES)), ids=[_case_id(c) for c in CASES])
def test_validate_and_check_report_on_a_tab_with_nothing_to_count(
    submissions, validated, tmp_path, n
):
    which, state = CASES[n]
    book = submissions[n]

    report = _reports(validated)[n]
    assert report["file"] == str(book)
    assert report["readable"] is True
    assert len(report["fidelity"]["items"]) == 12
    tab_flags = [f for f in report["flags"] if f["sheet"] in (which, std.PROGRAM.name)]
    if state == "header-only" and which != std.PROGRAM.name:
        # a tab with its header and no rows is a quarter with nothing to report: nothing in it
        # is wrong (an empty Employer Log still means too few contacts, a warning)
        errors = [f for f in report["flags"] if f["severity"] == "error"]
        assert [f for f in errors if f["sheet"] == which] == []
    if state in ("empty", "note-only", "comment-only") and which not in (std.PROGRAM.name, ALL):
        # no header row at all: each required column is missing, and said so once
        missing = {f["column"] for f in tab_flags if f["code"] == "missing-column"}
        assert missing == {c.name for c in std.TABS_BY_NAME[which].required_columns}

    target = tmp_path / "agency.checked.xlsx"
    checked = CliRunner().invoke(main, ["check", str(book), "--output", str(target)])
    _no_traceback(checked)
    assert checked.exit_code in (0, 1), checked.output
    assert f"wrote {target}" in checked.output and target.is_file()


def test_summary_has_a_row_for_every_such_workbook(submissions, tmp_path):
    out = tmp_path / "summary.xlsx"
    result = CliRunner().invoke(
        main, ["summary", str(submissions[0].parent), "--format", "json", "--output", str(out)]
    )
    _no_traceback(result)
    assert result.exit_code in (0, 1), result.output
    rows = json.loads(result.output.split("\nwrote")[0])["submissions"]
    assert len(rows) == len(CASES) and all(row["readable"] for row in rows)
    assert out.is_file()


def test_a_folder_of_every_such_workbook_gives_one_report_each_in_real_processes(
    submissions, validated
):
    reports = _reports(validated)
    assert [r["file"] for r in reports] == [str(b) for b in submissions]
    assert all(r["readable"] for r in reports)
