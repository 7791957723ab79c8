"""ipsxl in xlwings Lite: the scripts and worksheet functions of ``ipsxl.lite``.

In this process the scripts are called on xlwings' own ``Book(json=...)``, as test_excel.py
calls the ribbon's functions. Then ``lite_harness.py`` runs them in a process of its own the way
Lite registers and calls them (``main.py`` being ``from ipsxl.lite import *``), once as it is and
once with what Pyodide lacks taken away: no fork, no threads, no python-calamine,
``sys.platform`` "emscripten". Last, the paths that fork or start threads elsewhere (the
reading guard, the threaded reader, the side-by-side deflate) are run on such a platform here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import xlwings as xw
from test_excel import (  # noqa: F401 - fixtures (remote_engine: autouse)
    EXAMPLE,
    ExcelSim,
    alert_text,
    book_json,
    file_json,
    lite_note_reads,
    remote_engine,
)

from ipsxl import lite, udfs
from ipsxl.addin.build import RIBBON_ACTIONS
from ipsxl.core import standard as std
from ipsxl.core.model import ERROR, WARNING
from ipsxl.files import guard
from ipsxl.files.limits import Limits
from ipsxl.report import to_dict
from ipsxl.validate import check_file

HARNESS = Path(__file__).with_name("lite_harness.py")
SCRIPTS = ["validate", "fidelity", "clear_flags", "new_standard_workbook", "ips_help"]
FUNCTIONS = [
    "IPS_CONTACTS_PER_WEEK",
    "IPS_CASELOAD_SIZE",
    "IPS_EMPLOYMENT_RATE",
    "IPS_NEW_ENROLLMENTS",
    "IPS_DAYS_TO_FIRST_JOB",
    "IPS_RETENTION_90",
    "IPS_SCORE",
    "IPS_BAND",
]


@pytest.fixture(scope="module")
def cli_report():
    return check_file(EXAMPLE)


@pytest.fixture(scope="module")
def example_json() -> dict:
    return file_json(EXAMPLE)


def flags_rows(sim: ExcelSim) -> int:
    """Rows of the Flags sheet below its header."""
    values = sim.sheet(std.FLAGS_SHEET)["values"]
    return sum(1 for row in values[1:] if any(v not in ("", None) for v in row))


def counts_line(report) -> str:
    counts = report.counts()
    return f"{counts[ERROR]} errors and {counts[WARNING]} warnings"


# --------------------------------------------------------------------------- on xlwings' Book


def test_main_py_gets_the_five_scripts_and_five_functions() -> None:
    main: dict = {}
    exec("from ipsxl.lite import *", main)
    assert [name for name in SCRIPTS + FUNCTIONS if callable(main.get(name))] == SCRIPTS + FUNCTIONS
    assert "help" not in main  # Python's own help() is left alone


def test_validate_flags_what_the_command_line_flags(example_json, cli_report) -> None:
    sim = ExcelSim(example_json)
    _, actions, result = sim.run(lite.validate)
    assert result is None  # Lite applies what the script did; it has no use for a value
    assert flags_rows(sim) == len(to_dict(cli_report)["flags"])
    assert counts_line(cli_report) in alert_text(actions)
    assert std.FIDELITY_SHEET not in sim.names()


def test_fidelity_writes_the_fidelity_sheet_with_the_command_lines_scores(
    example_json, cli_report
) -> None:
    sim = ExcelSim(example_json)
    _, actions, _ = sim.run(lite.fidelity)
    assert {std.FIDELITY_SHEET, std.FLAGS_SHEET} <= set(sim.names())
    scores = cli_report.scores
    assert f"data total {scores.data_total} of {scores.data_max}" in alert_text(actions)


@pytest.mark.usefixtures("lite_note_reads")  # notes read as Lite reads them
def test_clear_flags_takes_back_what_validate_wrote(example_json) -> None:
    sim = ExcelSim(example_json)
    sim.run(lite.fidelity)
    sim.run(lite.clear_flags)
    assert sim.names() == [s["name"] for s in example_json["sheets"]]
    assert sim.fills == {} and sim.notes == {}


def test_new_standard_workbook_adds_the_tabs_to_a_blank_book() -> None:
    sim = ExcelSim(book_json("Book1", {"Sheet1": []}))
    sim.run(lite.new_standard_workbook)
    assert sim.names() == [tab.name for tab in std.TABS]


def test_help_names_every_script() -> None:
    sim = ExcelSim(book_json("Book1", {"Sheet1": []}))
    _, actions, _ = sim.run(lite.ips_help)
    for action in RIBBON_ACTIONS:
        if action.function != "show_help":
            assert action.label in alert_text(actions)


def test_worksheet_functions_are_those_of_the_desktop() -> None:
    for name in FUNCTIONS:
        assert getattr(lite, name) is getattr(udfs, name)
    assert lite.IPS_BAND(90) == udfs.IPS_BAND(90)


# --------------------------------------------------------------------------- as Lite runs it


def run_lite(request: dict, *, pyodide: bool) -> dict:
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    args = [sys.executable, str(HARNESS)] + (["pyodide"] if pyodide else [])
    done = subprocess.run(
        args, input=json.dumps(request), capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def lite_call(function: str, *args: object) -> dict:
    """What Lite sends for one formula: every argument as a 2-D array, as Office.js does."""
    return {
        "func_name": function,
        "args": [a if isinstance(a, list) else [[a]] for a in args],
        "version": xw.__version__,
        "client": "Office.js",
        "runtime": "1.4",
    }


@pytest.fixture(scope="module")
def in_lite(example_json) -> dict:
    request = {"book": example_json, "scripts": ["validate"], "calls": []}
    return run_lite(request, pyodide=False)


def test_lite_lists_the_scripts_under_the_buttons_labels(in_lite) -> None:
    listed = {s["function_name"]: s["name"] for s in in_lite["scripts"]}
    labels = {action.label for action in RIBBON_ACTIONS}
    assert set(listed) == set(SCRIPTS)
    assert set(listed.values()) == labels


def test_lite_registers_the_five_worksheet_functions(in_lite) -> None:
    assert sorted(f["name"] for f in in_lite["functions"]) == sorted(FUNCTIONS)
    band = next(f for f in in_lite["functions"] if f["name"] == "IPS_BAND")
    assert [p["name"] for p in band["parameters"]] == ["total", "scored"]


def test_validate_through_lite_writes_what_it_writes_here(in_lite, example_json) -> None:
    here = ExcelSim(example_json)
    _, actions, _ = here.run(lite.validate)
    assert in_lite["actions"]["validate"] == json.loads(json.dumps(actions, default=str))


@pytest.fixture(scope="module")
def in_pyodide(example_json) -> dict:
    """validate and fidelity, and two formulas, where Pyodide's limits hold."""
    request = {
        "book": example_json,
        "scripts": ["validate", "fidelity"],
        "calls": [lite_call("IPS_SCORE", "caseload_size", 18.5), lite_call("IPS_BAND", 90)],
    }
    return run_lite(request, pyodide=True)


def test_validate_and_fidelity_run_without_fork_threads_or_calamine(
    in_pyodide, example_json, cli_report
) -> None:
    assert in_pyodide["platform"] == "emscripten"
    validated = ExcelSim(example_json)
    validated.apply(in_pyodide["actions"]["validate"])
    assert flags_rows(validated) == len(to_dict(cli_report)["flags"])
    assert counts_line(cli_report) in alert_text(in_pyodide["actions"]["validate"])

    scored = ExcelSim(example_json)
    scored.apply(in_pyodide["actions"]["fidelity"])
    assert {std.FIDELITY_SHEET, std.FLAGS_SHEET} <= set(scored.names())
    total = f"data total {cli_report.scores.data_total} of {cli_report.scores.data_max}"
    assert total in alert_text(in_pyodide["actions"]["fidelity"])


def test_worksheet_functions_answer_in_pyodide(in_pyodide) -> None:
    assert in_pyodide["results"] == [
        [[udfs.IPS_SCORE("caseload_size", 18.5)]],
        [[udfs.IPS_BAND(90)]],
    ]


# --------------------------------------------------------------------------- no fork, no threads


@pytest.fixture
def pyodide_limits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """This process as Pyodide is: emscripten, no fork, a thread cannot start. Returns the
    names of the threads something tried to start."""
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.delattr(os, "fork")
    tried: list[str] = []

    def no_threads(self: threading.Thread) -> None:
        tried.append(self.name)
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_threads)
    return tried


def test_the_guard_runs_inline_where_nothing_can_fork_or_thread(pyodide_limits, tmp_path) -> None:
    path = tmp_path / "any.xlsx"
    limits = Limits(max_seconds=5)
    assert guard.guarded(lambda p, lim, **kw: (p, kw), path, limits) == (path, {})
    assert pyodide_limits == []


def test_a_file_is_checked_in_one_thread_where_threads_cannot_start(
    pyodide_limits, cli_report
) -> None:
    pytest.importorskip("python_calamine")  # recent Pyodide releases include it
    report = check_file(EXAMPLE)
    assert pyodide_limits == []
    assert to_dict(report) == to_dict(cli_report)


def test_write_back_deflates_in_one_thread_where_threads_cannot_start(
    pyodide_limits, source, tmp_path
) -> None:
    from wb_fixtures import WHEN, make_report

    from ipsxl.writeback import write_back

    target = tmp_path / "agency.checked.xlsm"
    write_back(source, target, make_report(), generated_at=WHEN)
    assert pyodide_limits == []
    assert target.is_file()


def test_write_back_is_the_same_with_or_without_threads(source, tmp_path, monkeypatch) -> None:
    from wb_fixtures import WHEN, make_report

    from ipsxl.writeback import write_back

    threaded = tmp_path / "threaded.xlsm"
    write_back(source, threaded, make_report(), generated_at=WHEN)
    monkeypatch.setattr(sys, "platform", "emscripten")
    inline = tmp_path / "inline.xlsm"
    write_back(source, inline, make_report(), generated_at=WHEN)
    assert inline.read_bytes() == threaded.read_bytes()
