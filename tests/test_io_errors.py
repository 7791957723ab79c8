"""A disk that is full or read-only while ipsxl writes (reports with --out, a backup with
--in-place, the summary workbook) is one line naming what could not be written, and exit 2:
exit 1 would tell a script "errors found in the workbooks", and a traceback tells no one
anything. Nothing half-written is left behind, and the workbook itself is untouched.

The failures are made where the operating system would report them (the file calls), since a
read-only folder does not stop root, who runs CI."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from builders import clean_tabs, write_workbook
from click.testing import CliRunner

from ipsxl import report
from ipsxl.cli import main

FULL = errno.ENOSPC
READ_ONLY = errno.EROFS


def invoke(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1 mixes stderr into output by default
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args))


def failing(code: int):
    def fail(self_or_path, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(self_or_path))

    return fail


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """The workbook, written once; each test works on a copy of its own."""
    return write_workbook(tmp_path_factory.mktemp("made") / "agency.xlsx", clean_tabs())


@pytest.fixture
def book(made, tmp_path) -> Path:
    return Path(shutil.copy(made, tmp_path / made.name))


def test_a_full_disk_while_writing_reports_is_one_line_and_exit_2(book, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    monkeypatch.setattr(os, "fsync", failing(FULL))  # where a full disk shows at the latest
    result = invoke("validate", str(book), "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"ipsxl: cannot write {out / 'agency.txt'}: No space left on device"
    ]
    assert f"{book}: Test Agency" in result.stdout  # the report is still printed
    assert list(out.iterdir()) == []


def test_a_read_only_out_folder_is_one_line_and_exit_2(book, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    monkeypatch.setattr(Path, "mkdir", failing(READ_ONLY))
    result = invoke("validate", str(book), "--out", str(out), "--format", "json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"ipsxl: cannot write {out}: Read-only file system"]


def test_a_full_disk_while_keeping_the_backup_leaves_the_workbook_alone(book, monkeypatch):
    before = book.read_bytes()
    monkeypatch.setattr(os, "fsync", failing(FULL))
    result = invoke("check", str(book), "--in-place")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"ipsxl: {book}: cannot write") and "No space left on device" in line
    assert book.read_bytes() == before
    assert sorted(p.name for p in book.parent.iterdir()) == ["agency.xlsx"]


@pytest.mark.parametrize("code", [FULL, READ_ONLY])
def test_the_summary_workbook_that_cannot_be_written_is_one_line(book, tmp_path, monkeypatch, code):
    out = tmp_path / "summary.xlsx"
    monkeypatch.setattr(openpyxl.Workbook, "save", failing(code))
    result = invoke("summary", str(book), "--output", str(out))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"ipsxl: cannot write {out}: ") and os.strerror(code) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agency.xlsx"]


def test_a_bug_in_the_command_itself_is_one_line_and_exit_2(book, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(report, "batch_text", broken)
    result = invoke("validate", str(book))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "ipsxl: internal error: RuntimeError: renderer broke; please report it"
    ]
    loud = invoke("validate", str(book), "--debug")
    assert "Traceback (most recent call last)" in loud.stderr and "renderer broke" in loud.stderr


FULL_DISK_IPSXL = """
import errno, os, sys
def full(fd):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
os.fsync = full
sys.argv[0] = "ipsxl"
from ipsxl.__main__ import run
run()
"""


def test_a_full_disk_ends_the_real_process_with_exit_2(book, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", FULL_DISK_IPSXL, "validate", str(book), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().endswith("No space left on device")
    assert len(proc.stderr.splitlines()) == 1
