"""Nothing is overwritten without being asked, and a run reads one version of the file.

An agency's workbook is the one copy of its quarter: ``check --in-place`` keeps every earlier
version as a numbered backup, an output that is the input itself (by any name) is refused, a
summary never overwrites a submission, ``template``/``demo`` never replace a file unless told
to, a symbolic link stays a link and a file keeps its permissions, two runs on one file do not
interleave, a killed run's temporary file goes with the next run, and a file replaced while it
is being checked is never half-reported or overwritten.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import forked
import office
import openpyxl
import pytest
from builders import clean_tabs, set_cell, write_workbook
from click.testing import CliRunner
from commands import ipsxl

from ipsxl.cli import main
from ipsxl.files.read import read_workbook


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: str) -> subprocess.CompletedProcess:
    return ipsxl(*args)  # in this process; run_process where the point is a real process


def run_process(*args: str) -> subprocess.CompletedProcess:
    """``ipsxl ARGS`` as a real process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "ipsxl", *args], capture_output=True, text=True, timeout=300
    )


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture()
def book(tmp_path: Path) -> Path:
    """A workbook with one error flag (exit 1), alone in a folder of its own."""
    tabs = clean_tabs()
    set_cell(tabs, "Caseload", 2, "Enrollment Date", "13/45/2026")
    folder = tmp_path / "subs"
    folder.mkdir()
    return write_workbook(folder / "agency.xlsx", tabs)


def agency_of(path: Path) -> str:
    return openpyxl.load_workbook(path, read_only=True)["Program"]["B2"].value


# --- backups ------------------------------------------------------------------------------------


def test_in_place_keeps_every_earlier_version_in_numbered_backups(book):
    original = digest(book)
    first = run("check", str(book), "--in-place")
    assert first.returncode == 1, first.stderr
    after_first = digest(book)
    second = run("check", str(book), "--in-place")
    assert second.returncode == 1, second.stderr
    assert digest(book.with_name("agency.bak.xlsx")) == original  # never overwritten
    assert digest(book.with_name("agency.bak-2.xlsx")) == after_first
    assert "original kept as" in second.stdout and "agency.bak-2.xlsx" in second.stdout
    assert names_in(book.parent) == ["agency.bak-2.xlsx", "agency.bak.xlsx", "agency.xlsx"]
    # and a folder run does not take the backups for submissions
    proc = run("validate", str(book.parent), "--format", "json")
    files = [w["file"] for w in json.loads(proc.stdout)["workbooks"]]
    assert files == [str(book)]


# --- an output that is the input ----------------------------------------------------------------


def _same_by_another_name(book: Path, how: str) -> Path:
    if how == "same name":
        return book
    if how == "through sub/..":
        (book.parent / "sub").mkdir()
        return book.parent / "sub" / ".." / book.name
    if how == "symbolic link":
        link = book.parent / "link.xlsx"
        link.symlink_to(book)
        return link
    link = book.parent / "hard.xlsx"
    os.link(book, link)
    return link


@pytest.mark.parametrize("how", ["same name", "through sub/..", "symbolic link", "hard link"])
def test_an_output_that_is_the_input_is_refused(book, how):
    original = digest(book)
    output = _same_by_another_name(book, how)
    before = names_in(book.parent)
    proc = run("check", str(book), "--output", str(output))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    line = one_line(proc.stderr)
    assert str(book) in line and "--in-place" in line
    assert digest(book) == original
    assert names_in(book.parent) == before  # no backup, no copy, no temporary file


def _summary_json(*args: str) -> subprocess.CompletedProcess:
    return run("summary", *args, "--format", "json")


def test_summary_refuses_to_write_over_one_of_its_submissions(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    write_workbook(folder / "agency-a.xlsx", clean_tabs())
    b = write_workbook(folder / "agency-b.xlsx", clean_tabs())
    original = digest(b)
    proc = run("summary", str(folder), "--output", str(b))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    line = one_line(proc.stderr)
    assert str(b) in line and "submission" in line
    assert digest(b) == original
    assert names_in(folder) == ["agency-a.xlsx", "agency-b.xlsx"]


def test_a_summary_in_the_folder_is_known_by_its_mark_not_its_name(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    write_workbook(folder / "agency-a.xlsx", clean_tabs())
    first = _summary_json(str(folder), "--output", str(folder / "summary.xlsx"))
    assert first.returncode == 0, first.stderr
    # someone renames it as if it were a submission: it is still ipsxl's summary
    (folder / "summary.xlsx").rename(folder / "agency-z.xlsx")
    again = _summary_json(str(folder), "--output", str(tmp_path / "q4.xlsx"))
    assert again.returncode == 0, again.stderr
    rows = json.loads(again.stdout)["submissions"]
    assert [r["file"] for r in rows] == [str(folder / "agency-a.xlsx")]
    # and, being ipsxl's own, it may be written over by the next summary
    third = _summary_json(str(folder), "--output", str(folder / "agency-z.xlsx"))
    assert third.returncode == 0, third.stderr
    assert [r["file"] for r in json.loads(third.stdout)["submissions"]] == [
        str(folder / "agency-a.xlsx")
    ]
    # a workbook merely called summary.xlsx is a submission like any other
    other = tmp_path / "other"
    other.mkdir()
    write_workbook(other / "summary.xlsx", clean_tabs())
    proc = _summary_json(str(other), "--output", str(tmp_path / "out.xlsx"))
    assert [r["file"] for r in json.loads(proc.stdout)["submissions"]] == [
        str(other / "summary.xlsx")
    ]


def test_a_summary_saved_again_by_libreoffice_keeps_its_mark(tmp_path):
    if office.SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path / "subs"
    folder.mkdir()
    write_workbook(folder / "agency-a.xlsx", clean_tabs())
    summary = tmp_path / "summary.xlsx"
    assert _summary_json(str(folder), "--output", str(summary)).returncode == 0
    saved = office.convert(summary, tmp_path)  # opened and saved by LibreOffice
    shutil.move(saved, folder / "summary.xlsx")
    again = _summary_json(str(folder), "--output", str(tmp_path / "q4.xlsx"))
    assert [r["file"] for r in json.loads(again.stdout)["submissions"]] == [
        str(folder / "agency-a.xlsx")
    ]


# --- template and demo --------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["template"], ["demo", "--clients", "5"]])
def test_template_and_demo_replace_a_file_only_with_force(tmp_path, command):
    """The refusal in this process; the forced run as a real process, the one of each of these
    two commands in the tests."""
    target = write_workbook(tmp_path / "q3.xlsx", clean_tabs())
    original = digest(target)
    proc = run(command[0], str(target), *command[1:])
    assert proc.returncode == 2, proc.stdout + proc.stderr
    line = one_line(proc.stderr)
    assert str(target) in line and "--force" in line
    assert digest(target) == original and names_in(tmp_path) == ["q3.xlsx"]
    proc = run_process(command[0], str(target), *command[1:], "--force")
    assert proc.returncode == 0, proc.stderr
    assert digest(target) != original and names_in(tmp_path) == ["q3.xlsx"]
    assert "Program" in read_workbook(target).sheets


# --- links and permissions ----------------------------------------------------------------------


def test_in_place_through_a_link_writes_into_the_file_it_leads_to(book, tmp_path):
    original = digest(book)
    link = tmp_path / "shortcut.xlsx"
    link.symlink_to(book)
    proc = run("check", str(link), "--in-place")
    assert proc.returncode == 1, proc.stderr
    assert link.is_symlink() and link.resolve() == book.resolve()
    assert "Flags" in read_workbook(book).sheets  # the real file has the findings
    assert digest(tmp_path / "shortcut.bak.xlsx") == original
    assert not (tmp_path / "shortcut.bak.xlsx").is_symlink()


def test_in_place_keeps_the_files_permissions(book):
    book.chmod(0o640)
    proc = run("check", str(book), "--in-place")
    assert proc.returncode == 1, proc.stderr
    assert stat.S_IMODE(book.stat().st_mode) == 0o640
    assert "Flags" in read_workbook(book).sheets


def test_in_place_refuses_a_read_only_file_unless_forced(book):
    original = digest(book)
    book.chmod(0o444)
    proc = run("check", str(book), "--in-place")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    line = one_line(proc.stderr)
    assert "read-only" in line and "--force" in line
    assert digest(book) == original and names_in(book.parent) == ["agency.xlsx"]
    proc = run("check", str(book), "--in-place", "--force")
    assert proc.returncode == 1, proc.stderr
    assert "Flags" in read_workbook(book).sheets
    assert stat.S_IMODE(book.stat().st_mode) == 0o444  # still read-only
    assert digest(book.with_name("agency.bak.xlsx")) == original


# --- two runs at once ---------------------------------------------------------------------------


def held_once_read(holding: Path, go: Path):
    """A patch for a forked check: once it has read the workbook (so holds whatever it holds
    while writing) it says so (``holding``), and waits until the test lets it go on (``go``)."""

    def patch() -> None:
        import ipsxl.checked_copy as checked

        real = checked.prepare

        def held(*args, **kwargs):
            holding.touch()
            while not go.exists():
                time.sleep(0.05)
            return real(*args, **kwargs)

        checked.prepare = held

    return patch


def _wait_for(path: Path, proc: forked.Forked, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.running(), "the first run ended before it had read the workbook"
        assert time.monotonic() < deadline, "the first run never got going"
        time.sleep(0.05)


def test_a_second_in_place_check_of_a_file_being_written_refuses(book, tmp_path):
    """The first run is a process of its own (forked), held once it has read the workbook; the
    runs made meanwhile are made in this process, another process than the one holding the
    lock."""
    original = digest(book)
    holding, go = tmp_path / "holding", tmp_path / "go"
    first = forked.Forked(["check", str(book), "--in-place"], before=held_once_read(holding, go))
    try:
        _wait_for(holding, first)
        second = run("check", str(book), "--in-place")
        assert second.returncode == 2, second.stdout + second.stderr
        assert "another ipsxl" in one_line(second.stderr)
        assert digest(book) == original
        # a run writing a copy meanwhile clears what killed runs left, but not a held lock
        assert run("check", str(book)).returncode == 1
        third = run("check", str(book), "--in-place")
        assert third.returncode == 2 and "another ipsxl" in third.stderr, third.stderr
    finally:
        go.touch()
        done = first.wait()
    assert done.returncode == 1, done.stderr
    assert digest(book.with_name("agency.bak.xlsx")) == original
    assert names_in(book.parent) == ["agency.bak.xlsx", "agency.checked.xlsx", "agency.xlsx"]
    assert "Flags" in read_workbook(book).sheets


# --- a killed run -------------------------------------------------------------------------------


def killed_while_writing() -> None:
    """A patch for a forked check: killed (SIGKILL: nothing of its own can clean up) while it
    writes the checked copy."""
    import ipsxl.writeback.package as package

    real, calls = package.write_entry, [0]

    def hook(*args, **kwargs):
        calls[0] += 1
        if calls[0] == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    package.write_entry = hook


@pytest.mark.parametrize("in_place", [False, True], ids=["copy", "in-place"])
def test_the_next_run_removes_what_a_killed_run_left(book, in_place):
    args = ["check", str(book)] + (["--in-place"] if in_place else [])
    proc = forked.run(*args, before=killed_while_writing)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    left = [n for n in names_in(book.parent) if n.startswith(".")]
    assert left, "the killed run left nothing: the kill came too late to test anything"
    # what ipsxl must not touch: a user's own hidden file, and a write still under way (by a
    # process that is running and is not the next run: the one that started these tests)
    (book.parent / ".agency.xlsx.tmp").write_text("mine")
    alive = book.parent / f".agency.checked.xlsx.ipsxl-{_host()}-{os.getppid()}-0123abcd.tmp"
    alive.write_text("being written")
    again = run("check", str(book))  # the next run, whichever kind (in this process)
    assert again.returncode == 1, again.stderr
    hidden = [n for n in names_in(book.parent) if n.startswith(".")]
    assert hidden == sorted([".agency.xlsx.tmp", alive.name])


def _host() -> str:
    from ipsxl.files import safefiles

    return safefiles._HOST


# --- one snapshot per run -----------------------------------------------------------------------


def _other_workbook(tmp_path: Path) -> Path:
    tabs = clean_tabs()
    tabs["Program"][1][1] = "Other Agency"
    return write_workbook(tmp_path / "other.xlsx", tabs)


def test_a_file_replaced_during_the_check_is_reported_as_it_was_read(book, tmp_path, monkeypatch):
    """Replaced (as Excel saves: a new file renamed over it) once the check has begun: the report
    and the checked copy are both of the workbook as it was when the run began."""
    import ipsxl.files.guard

    other = _other_workbook(tmp_path)
    real_start = ipsxl.files.guard.start

    def start_after_a_save(*args, **kwargs):
        os.replace(other, book)
        return real_start(*args, **kwargs)

    monkeypatch.setattr(ipsxl.files.guard, "start", start_after_a_save)
    monkeypatch.setattr("ipsxl.validate.start", start_after_a_save)
    result = CliRunner().invoke(main, ["check", str(book)])
    assert result.exit_code == 1, result.output  # the error of the workbook read
    assert "Test Agency" in result.stdout and "Other Agency" not in result.stdout
    checked = book.with_name("agency.checked.xlsx")
    assert agency_of(checked) == "Test Agency"
    flags = openpyxl.load_workbook(checked, read_only=True)["Flags"]
    assert any("Enrollment Date" in str(row) for row in flags.iter_rows(values_only=True))


@pytest.mark.parametrize(
    "after",
    ["ipsxl.checked_copy.prepare", "ipsxl.files.safefiles.keep_backup"],
    ids=["read", "backup"],
)
def test_in_place_refuses_a_file_replaced_before_it_is_written(book, tmp_path, monkeypatch, after):
    """Saved over by another program once ipsxl has read it, or even once the backup is made
    and the checked workbook is being written: the newer file is left as it is."""
    other = _other_workbook(tmp_path)
    replaced = digest(other)
    module, name = after.rsplit(".", 1)
    real = getattr(importlib.import_module(module), name)

    def then_a_save(*args, **kwargs):
        done = real(*args, **kwargs)
        os.replace(other, book)
        return done

    monkeypatch.setattr(after, then_a_save)
    result = CliRunner().invoke(main, ["check", str(book), "--in-place"])
    assert result.exit_code == 2, result.output
    line = one_line(result.stderr)
    assert str(book) in line and "changed" in line
    assert digest(book) == replaced
    assert names_in(book.parent) == ["agency.xlsx"]  # no backup of what was not written into
