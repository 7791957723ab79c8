"""The state office's real run: a submissions folder where good workbooks sit beside everything
odd an agency (or a bug of ours) can put there. Every file gets its report, in order, exit 2,
and no odd file stops, hides or changes the report of any other; with two workers as with one.

A real ``ipsxl`` process of its own, forked from the test's (``tests/forked.py``: it starts
through ``python -m ipsxl``'s entry without importing Python and pandas again); the bug is
injected into it by a patch made before it runs (its workers and their reading processes are
forked from it)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import forked
import pytest
from builders import clean_tabs, set_cell, write_workbook
from test_odd_files import ods, old_xls, xlsb

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def _with_a_bug() -> None:
    """In the forked process only: ipsxl's rules fail on one agency's workbook, as a bug of
    ours would."""
    from ipsxl import validate

    real_rules = validate.run_rules

    def rules(ctx):
        if ctx.program.get("Agency") == "Broken Agency":
            raise KeyError("a bug of ours")
        return real_rules(ctx)

    validate.run_rules = rules


# file name -> what its report must say: None for a good workbook, "flags" for one with an
# error flag, else a phrase of its one-line reason
EXPECTED: dict[str, str | None] = {
    "a-good.xlsx": None,
    "b-old.xls": "an old .xls workbook: save it as .xlsx in Excel",
    "c-binary.xlsb": "a binary .xlsb workbook",
    "d-calc.ods": "an OpenDocument spreadsheet",
    "e-export.csv": "a CSV file, not a workbook",
    "f-renamed.csv": "an Excel workbook named .csv: rename it to .xlsx",
    "g-apple.numbers": "a Numbers spreadsheet",
    "h-pipe.xlsx": "not a file (a folder, device or pipe)",
    "i-esc\x1b[31mred.xlsx": None,
    os.fsdecode(b"j-latin1-\xe9.xlsx"): None,
    "k-bidi\u202eslx.exe.xlsx": None,
    "l-broken.xlsx": "internal error: KeyError: 'a bug of ours'; please report it",
    "m-empty.xlsx": "the file is empty (0 bytes)",
    "n-flagged.xlsx": "flags",
    "o-text.xlsx": "a CSV renamed .xlsx?",
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("submissions")
    for name, expected in EXPECTED.items():
        if expected is None:
            write_workbook(folder / name, clean_tabs())
    old_xls(folder / "b-old.xls")
    xlsb(folder / "c-binary.xlsb")
    ods(folder / "d-calc.ods")
    (folder / "e-export.csv").write_text("Client ID,Name\nC1,Ann\n", encoding="utf-8")
    write_workbook(folder / "f-renamed.csv", clean_tabs())
    bundle = folder / "g-apple.numbers"  # a Mac's Numbers file is a folder
    (bundle / "Index").mkdir(parents=True)
    (bundle / "Index" / "Document.iwa").write_bytes(b"\0" * 64)
    os.mkfifo(folder / "h-pipe.xlsx")
    broken = clean_tabs()
    broken["Program"][1][1] = "Broken Agency"
    write_workbook(folder / "l-broken.xlsx", broken)
    (folder / "m-empty.xlsx").write_bytes(b"")
    flagged = clean_tabs()
    set_cell(flagged, "Caseload", 1, "Enrollment Date", "13/45/2026")
    write_workbook(folder / "n-flagged.xlsx", flagged)
    (folder / "o-text.xlsx").write_text("Client ID,Name\nC1,Ann\n", encoding="utf-8")
    # not submissions: Excel's lock file, and a copy ipsxl check wrote
    (folder / "~$a-good.xlsx").write_bytes(b"lock")
    write_workbook(folder / "a-good.checked.xlsx", clean_tabs())
    return folder


def ipsxl(*args: str | Path) -> subprocess.CompletedProcess:
    """``ipsxl ARGS`` in a process of its own, with the bug; what it printed, as text (a byte
    that is not UTF-8 would read as U+FFFD)."""
    proc = forked.run(*map(str, args), before=_with_a_bug)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def check_entry(name: str, readable: bool, error: str | None, errors: int) -> None:
    expected = EXPECTED[name]
    if expected is None:
        assert readable and errors == 0, (name, error)
    elif expected == "flags":
        assert readable and errors == 1, (name, error)
    else:
        assert not readable and expected in error, (name, error)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_every_file_gets_its_report_in_order(folder, jobs):
    proc = ipsxl("validate", folder, "--format", "json", "--jobs", jobs)
    assert proc.returncode == 2
    books = json.loads(proc.stdout)["workbooks"]
    assert [Path(b["file"]).name for b in books] == list(EXPECTED)
    for book in books:
        errors = book["counts"]["error"] if book["readable"] else 0
        check_entry(Path(book["file"]).name, book["readable"], book["error"], errors)
    unreadable = sum(1 for e in EXPECTED.values() if e not in (None, "flags"))
    assert len(proc.stderr.splitlines()) == unreadable


def test_the_text_report_names_each_file_once_and_escaped(folder):
    proc = ipsxl("validate", folder, "--jobs", "2")
    assert proc.returncode == 2
    out = proc.stdout
    assert "\ufffd" not in out  # escaped: valid UTF-8 whatever the names
    assert "\x1b" not in out and "\u202e" not in out
    assert f"{len(EXPECTED)} workbooks: 10 unreadable, 1 errors" in out
    assert repr(str(folder / os.fsdecode(b"j-latin1-\xe9.xlsx"))) in out


def test_the_summary_has_one_row_per_file(folder, tmp_path):
    out = tmp_path / "summary.xlsx"
    proc = ipsxl("summary", folder, "--format", "csv", "--jobs", "2", "--output", out)
    assert proc.returncode == 2
    assert out.exists()
    assert "\ufffd" not in proc.stdout
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == len(EXPECTED)
    for row, name in zip(rows, EXPECTED, strict=True):
        check_entry(name, row["readable"] == "yes", row["reason"], int(row["errors"] or 0))
