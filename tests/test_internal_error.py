"""A bug of ours that shows on one workbook is that workbook's result, never the batch's end:
the workbook is reported "internal error ... please report it" (exit 2), the traceback is shown
only with --debug, and every other workbook, the summary and the add-in go on."""

from __future__ import annotations

import json
import shutil

import pytest
from builders import clean_tabs, write_workbook
from click.testing import CliRunner

from ipsxl import validate
from ipsxl.cli import main
from ipsxl.core.rules import run_rules as real_rules

BROKEN = "Broken Agency"


def _rules_that_fail_on_one_agency(ctx):
    """The rules, with a bug that only one agency's workbook runs into."""
    if ctx.program.get("Agency") == BROKEN:
        return 1 / 0
    return real_rules(ctx)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """The three workbooks, written once; each test works on copies of its own."""
    made = tmp_path_factory.mktemp("made")
    for name in ("a", "b", "c"):
        tabs = clean_tabs()
        if name == "b":
            tabs["Program"][1][1] = BROKEN
        write_workbook(made / f"{name}.xlsx", tabs)
    return made


@pytest.fixture
def folder(workbooks, tmp_path, monkeypatch):
    """Three workbooks; the middle one trips the injected bug (the guard's forked child and the
    batch's forked workers inherit the patch)."""
    monkeypatch.setattr(validate, "run_rules", _rules_that_fail_on_one_agency)
    for book in sorted(workbooks.iterdir()):
        shutil.copy(book, tmp_path / book.name)
    return tmp_path


def invoke(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1 mixes stderr into output by default
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_validate_reports_the_internal_error_as_that_workbooks_result(folder, jobs):
    result = invoke("validate", str(folder), "--format", "json", "--jobs", jobs)
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    files = [w["file"] for w in doc["workbooks"]]
    assert files == [str(folder / f"{n}.xlsx") for n in "abc"]
    broken = doc["workbooks"][1]
    assert broken["readable"] is False
    assert broken["error"].startswith("internal error: ZeroDivisionError: division by zero")
    assert broken["error"].endswith("please report it")
    assert doc["workbooks"][0]["readable"] and doc["workbooks"][2]["readable"]
    assert doc["workbooks"][2]["agency"] == "Test Agency"
    lines = result.stderr.splitlines()
    assert lines == [
        f"ipsxl: internal error while checking {folder / 'b.xlsx'}:"
        " ZeroDivisionError: division by zero; please report it"
    ]


def test_debug_adds_the_traceback(folder):
    quiet = invoke("validate", str(folder / "b.xlsx"))
    assert quiet.exit_code == 2
    assert "Traceback" not in quiet.stderr + quiet.stdout
    loud = invoke("validate", str(folder / "b.xlsx"), "--debug")
    assert loud.exit_code == 2
    assert "Traceback (most recent call last)" in loud.stderr
    assert "_rules_that_fail_on_one_agency" in loud.stderr
    assert "internal error while checking" in loud.stdout


def test_text_report_lists_every_workbook_and_the_broken_one_once(folder):
    result = invoke("validate", str(folder))
    assert result.exit_code == 2
    out = result.stdout
    assert out.count("b.xlsx") == 1
    assert (
        f"internal error while checking {folder / 'b.xlsx'}:"
        " ZeroDivisionError: division by zero; please report it\n" in out
    )
    assert "3 workbooks: 1 unreadable" in out
    # stderr says it too, for when stdout goes to a file (see test_odd_files for a terminal)
    assert result.stderr.count("internal error while checking") == 1


def test_check_writes_nothing_and_says_so_in_one_line(folder):
    result = invoke("check", str(folder / "b.xlsx"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"ipsxl: internal error while checking {folder / 'b.xlsx'}:"
        " ZeroDivisionError: division by zero; please report it"
    ]
    assert not (folder / "b.checked.xlsx").exists()
    good = invoke("check", str(folder / "a.xlsx"))
    assert good.exit_code == 0, good.stderr
    assert (folder / "a.checked.xlsx").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_summary_goes_on_and_lists_the_workbook_to_send_back(folder, tmp_path_factory, jobs):
    out = tmp_path_factory.mktemp("summary") / "summary.xlsx"
    result = invoke("summary", str(folder), "--output", str(out), "--jobs", jobs)
    assert result.exit_code == 2
    assert out.exists()
    # not the agency's mistake: the workbook is not sent back for it
    assert f"{folder / 'b.xlsx'}: not checked: internal error: ZeroDivisionError" in result.stdout
    assert "send back" not in result.stdout
    assert "3 workbooks from 1 agencies: 1 need correction (1 unreadable)" in result.stdout
    assert "Traceback" not in result.stderr


def test_summary_csv_has_one_row_per_workbook(folder):
    result = invoke("summary", str(folder), "--format", "csv")
    assert result.exit_code == 2
    rows = result.stdout.splitlines()
    assert len(rows) == 4
    assert rows[2].startswith(f"{folder / 'b.xlsx'},")
    assert "internal error: ZeroDivisionError" in rows[2]


def test_a_bug_outside_the_guard_is_still_one_workbooks_result(tmp_path, monkeypatch):
    """Whatever fails, wherever: here the check of the file on disk, before the guard starts."""
    good = write_workbook(tmp_path / "a.xlsx", clean_tabs())
    odd = write_workbook(tmp_path / "b.xlsx", clean_tabs())
    real = validate.check_on_disk

    def on_disk(path, limits):
        if path.name == odd.name:
            raise KeyError("surprise")
        return real(path, limits)

    monkeypatch.setattr(validate, "check_on_disk", on_disk)
    result = invoke("validate", str(good), str(odd), "--format", "json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["workbooks"][0]["readable"] is True
    assert doc["workbooks"][1]["error"] == "internal error: KeyError: 'surprise'; please report it"
