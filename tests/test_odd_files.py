"""Files that are not workbooks, names that are not plain text, and paths that are not there:
each is one line about that file, and nothing hangs, crashes or disappears from the report.

Run as a real ``ipsxl`` process where the point is what reaches a terminal, and as a process
forked from this one (``forked.py``) where it is a hang; in this process otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import forked
import pytest
from builders import clean_tabs, write_workbook
from click.testing import CliRunner
from commands import ipsxl
from hostile import ole_file

from ipsxl.batch import find_workbooks
from ipsxl.cli import main

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
NON_UTF8 = os.fsdecode(b"agency-\xff\xfe.xlsx")  # Latin-1 bytes from an old file server
ESCAPES = "agency-\x1b[31mred\x1b[0m.xlsx"  # a terminal's colour escapes
BIDI = "agency-\u202eslx.exe.xlsx"  # shown as agency-exe.xlsx... by a bidi-aware terminal


def run(*args: str | Path, timeout: float = 120, terminal: bool = False):
    """``ipsxl`` as a real process; output as bytes decoded leniently (a name may not be UTF-8).
    ``terminal``: stdout and stderr to one place, as in a terminal (``proc.stdout`` has both)."""
    proc = subprocess.run(
        [sys.executable, "-m", "ipsxl", *map(os.fsencode, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if terminal else subprocess.PIPE,
        timeout=timeout,
    )
    proc.stdout = proc.stdout.decode("utf-8", "backslashreplace")
    proc.stderr = (proc.stderr or b"").decode("utf-8", "backslashreplace")
    return proc


def invoke(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1 mixes stderr into output by default
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args))


def old_xls(path: Path) -> Path:
    path.write_bytes(ole_file({"Workbook": b"\x09\x08" + b"\0" * 5000}))
    return path


def ods(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return path


def xlsb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return path


# --------------------------------------------------------------------------- kinds of file


@pytest.fixture(scope="module")
def other_kinds(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kinds")
    write_workbook(folder / "a-good.xlsx", clean_tabs())
    old_xls(folder / "b-old.xls")
    xlsb(folder / "c-binary.xlsb")
    ods(folder / "d-calc.ods")
    (folder / "e-export.csv").write_text("Client ID,Name\nC1,Ann\n", encoding="utf-8")
    write_workbook(folder / "f-renamed.csv", clean_tabs())  # a workbook with a .csv name
    (folder / "g-apple.numbers").write_bytes(b"PK\x03\x04" + b"\0" * 60)
    (folder / "notes.txt").write_text("not a submission")
    (folder / "~$b-old.xls").write_bytes(b"lock")
    return folder


REASONS = {
    "a-good.xlsx": None,
    "b-old.xls": "an old .xls workbook: save it as .xlsx in Excel",
    "c-binary.xlsb": "a binary .xlsb workbook: save it as .xlsx in Excel",
    "d-calc.ods": "an OpenDocument spreadsheet (.ods): save it as .xlsx",
    "e-export.csv": "a CSV file, not a workbook",
    "f-renamed.csv": "an Excel workbook named .csv: rename it to .xlsx",
    "g-apple.numbers": "a Numbers spreadsheet: export it to Excel (.xlsx)",
}


def test_a_folder_scan_lists_every_file_that_looks_like_a_submission(other_kinds):
    found = [p.name for p in find_workbooks([other_kinds])]
    assert found == list(REASONS)


def test_each_other_kind_is_unreadable_with_what_to_do(other_kinds):
    result = invoke("validate", str(other_kinds), "--format", "json")
    assert result.exit_code == 2
    books = json.loads(result.stdout)["workbooks"]
    assert [Path(b["file"]).name for b in books] == list(REASONS)
    for book in books:
        reason = REASONS[Path(book["file"]).name]
        if reason is None:
            assert book["readable"] is True
        else:
            assert book["readable"] is False
            assert reason in book["error"], book


def test_summary_lists_them_too(other_kinds):
    result = invoke("summary", str(other_kinds), "--format", "csv")
    assert result.exit_code == 2
    lines = result.stdout.splitlines()[1:]
    assert [Path(line.split(",")[0]).name for line in lines] == list(REASONS)


def test_a_real_workbook_with_an_old_name_is_told_apart(tmp_path):
    write_workbook(tmp_path / "q3.xls", clean_tabs())
    (tmp_path / "page.xls").write_text("<html><table><tr><td>1</td></tr></table></html>")
    result = invoke("validate", str(tmp_path), "--format", "json")
    errors = {Path(b["file"]).name: b["error"] for b in json.loads(result.stdout)["workbooks"]}
    assert "an Excel workbook named .xls: rename it to .xlsx" in errors["q3.xls"]
    assert "web page (HTML)" in errors["page.xls"]


# --------------------------------------------------------------------------- not regular files


@needs_fifo
@pytest.mark.parametrize("command", ["validate", "check", "summary"])
def test_a_named_pipe_is_refused_not_waited_on(tmp_path, command):
    pipe = tmp_path / "agency.xlsx"
    os.mkfifo(pipe)
    extra = ["--format", "json"] if command == "summary" else []
    proc = forked.run(command, str(pipe), *extra, timeout=60)
    assert proc.returncode == 2
    assert "not a file (a folder, device or pipe)" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


@needs_fifo
def test_a_named_pipe_in_a_folder_is_listed_not_skipped(tmp_path):
    write_workbook(tmp_path / "a.xlsx", clean_tabs())
    os.mkfifo(tmp_path / "b.xlsx")
    proc = forked.run("validate", str(tmp_path), "--format", "json", "--jobs", "2", timeout=60)
    assert proc.returncode == 2
    books = json.loads(proc.stdout)["workbooks"]
    assert [b["readable"] for b in books] == [True, False]
    assert "not a file (a folder, device or pipe)" in books[1]["error"]


# --------------------------------------------------------------------------- wrong paths


def test_a_missing_file_is_said_once(tmp_path):
    proc = run("validate", tmp_path / "nope.xlsx", terminal=True)
    assert proc.returncode == 2
    assert proc.stdout.count("nope.xlsx") == 1 and "no such file" in proc.stdout
    apart = run("validate", tmp_path / "nope.xlsx")  # stdout to a file: stderr says it too
    assert f"ipsxl: {tmp_path / 'nope.xlsx'}: no such file" in apart.stderr


def test_a_missing_folder_is_called_a_folder(tmp_path):
    proc = run("validate", tmp_path / "submissions", terminal=True)
    assert proc.returncode == 2
    assert proc.stdout.count("submissions") == 1
    assert "no such file or folder" in proc.stdout
    proc = ipsxl("summary", str(tmp_path / "submissions"), "--format", "json")
    assert proc.returncode == 2
    assert "no such file or folder" in proc.stderr


def test_check_on_a_missing_file_is_one_line(tmp_path):
    proc = ipsxl("check", str(tmp_path / "nope.xlsx"))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip() == f"ipsxl: {tmp_path / 'nope.xlsx'}: no such file"


# --------------------------------------------------------------------------- names


@pytest.fixture(scope="module")
def odd_names(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("names")
    for name in (NON_UTF8, ESCAPES, BIDI):
        write_workbook(folder / name, clean_tabs())
    return folder


def test_names_that_are_not_plain_text_are_printed_escaped(odd_names):
    proc = run("validate", odd_names)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Traceback" not in proc.stderr
    for name in (NON_UTF8, ESCAPES, BIDI):
        assert f"{repr(str(odd_names / name))}: Test Agency" in out
    assert "\x1b" not in out and "\u202e" not in out
    assert "3 workbooks: 0 unreadable" in out


def test_a_name_that_is_not_utf8_is_read_and_reported_in_every_format(odd_names, tmp_path):
    book = odd_names / NON_UTF8
    proc = run("validate", book, "--format", "json", "--out", tmp_path / "reports")
    assert proc.returncode == 0, proc.stderr
    (entry,) = json.loads(proc.stdout)["workbooks"]
    assert entry["readable"] is True
    assert os.fsencode(entry["file"]) == os.fsencode(book)  # the exact name, for scripts
    assert "\\udcff" in proc.stdout  # escaped in the JSON text, so any terminal shows it
    (written,) = (tmp_path / "reports").iterdir()
    assert json.loads(written.read_text(encoding="utf-8"))["workbooks"][0]["readable"]
    csv = run("validate", book, "--format", "csv")
    assert csv.returncode == 0 and "Traceback" not in csv.stderr


def test_summary_of_odd_names_writes_its_workbook(odd_names, tmp_path):
    out = tmp_path / "summary.xlsx"
    proc = run("summary", odd_names, "--output", out)
    assert proc.returncode == 0, proc.stderr
    assert out.exists()
    assert "3 workbooks from 1 agencies: 0 need correction" in proc.stdout
    js = run("summary", odd_names, "--format", "json")
    files = [r["file"] for r in json.loads(js.stdout)["submissions"]]
    assert sorted(map(os.fsencode, files)) == sorted(
        os.fsencode(odd_names / n) for n in (NON_UTF8, ESCAPES, BIDI)
    )


def test_a_sheet_name_with_a_bidi_override_is_escaped_in_text_and_csv(tmp_path):
    tabs = clean_tabs()
    tabs["Jobs\u202e"] = tabs.pop("Jobs")  # still the Jobs tab (names fold alike)
    tabs["Jobs\u202e"][0][0] = "Something Else"  # its Client ID column is missing: named
    book = write_workbook(tmp_path / "a.xlsx", tabs)
    for fmt in ("text", "csv"):
        result = invoke("validate", str(book), "--format", fmt)
        assert "missing from 'Jobs\\u202e'" in result.stdout, fmt
        assert "\u202e" not in result.stdout, fmt
