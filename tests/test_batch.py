"""Many workbooks at once: worker processes change how fast, never what is reported or in what
order, and a terminal sees a progress bar while it waits."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from builders import clean_tabs, set_cell, write_workbook
from click.testing import CliRunner

from ipsxl import report
from ipsxl.batch import check_many, find_workbooks
from ipsxl.cli import _run_batch, main
from ipsxl.make.demo import write_demo
from ipsxl.validate import Options

TODAY_OPTIONS = Options()


def _small(path: Path, spoiled: int) -> Path:
    """A small workbook (three clients) whose first ``spoiled`` enrollment dates are no dates:
    each small workbook of the batch has a report of its own."""
    tabs = clean_tabs()
    for row in range(1, spoiled + 1):
        set_cell(tabs, "Caseload", row, "Enrollment Date", f"13/4{row}/2026")
    return write_workbook(path, tabs)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> list[Path]:
    """Workbooks of very different sizes, the big one first, and a file that is no workbook:
    with two workers the small ones finish long before the big one."""
    folder = tmp_path_factory.mktemp("batch")
    paths = [folder / "a-big.xlsx"]
    write_demo(paths[0], clients=150, seed=3)
    paths += [_small(folder / f"b-small-{k}.xlsx", spoiled=k) for k in (1, 2, 3)]
    junk = folder / "c-not-a-workbook.xlsx"
    junk.write_text("just text", encoding="utf-8")
    paths.append(junk)
    paths.append(_small(folder / "d-small.xlsx", spoiled=0))
    return paths


@pytest.fixture(scope="module")
def one_worker(mixed) -> list:
    """The reports of the batch checked by one worker, which the other runs must equal."""
    return check_many(mixed, TODAY_OPTIONS, jobs=1)


def _json(reports) -> str:
    return report.to_json(reports)


def test_two_workers_give_the_same_reports_in_the_same_order(mixed, one_worker):
    heard: list[str] = []
    one = one_worker
    two = check_many(mixed, TODAY_OPTIONS, jobs=2, on_done=lambda r: heard.append(r.file))
    assert [r.file for r in two] == [str(p) for p in mixed]
    assert _json(two) == _json(one)
    assert sorted(heard) == sorted(str(p) for p in mixed)  # each heard of once, as it finished
    bad = two[4]
    assert not bad.readable and bad.error and bad.error.startswith("not an Excel workbook")
    assert all(r.readable for i, r in enumerate(two) if i != 4)
    assert all(r.tables == {} for r in two)  # stripped before crossing between processes


def test_more_workers_than_workbooks_and_a_single_workbook(mixed, one_worker):
    assert _json(check_many(mixed[1:3], TODAY_OPTIONS, jobs=8)) == _json(one_worker[1:3])
    (only,) = check_many(mixed[:1], TODAY_OPTIONS, jobs=2)
    assert only.file == str(mixed[0])


def test_validate_json_is_identical_for_jobs_1_and_2(mixed):
    folder = str(mixed[0].parent)
    runner = CliRunner()
    outputs = []
    for jobs in ("1", "2"):
        result = runner.invoke(main, ["validate", folder, "--format", "json", "--jobs", jobs])
        assert result.exit_code == 2, result.output  # the junk file is unreadable
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    files = [w["file"] for w in json.loads(outputs[0])["workbooks"]]
    assert files == [str(p) for p in find_workbooks([folder])] == [str(p) for p in mixed]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_shows_files_done_flags_found_and_time_left(mixed, monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    reports = _run_batch(mixed[1:4], TODAY_OPTIONS, jobs=2)
    shown = terminal.getvalue()
    flags = sum(len(r.flags) for r in reports)
    assert "Validating" in shown and "3/3" in shown  # click's bar: label and files done
    assert f"{flags} flags" in shown
    assert [r.file for r in reports] == [str(p) for p in mixed[1:4]]


def test_no_progress_bar_when_stderr_is_not_a_terminal(mixed, monkeypatch):
    quiet = io.StringIO()
    monkeypatch.setattr(sys, "stderr", quiet)
    _run_batch(mixed[1:3], TODAY_OPTIONS, jobs=1)
    assert quiet.getvalue() == ""
