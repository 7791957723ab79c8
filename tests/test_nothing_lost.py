"""Nothing lost: an agency's workbook is the one copy of a quarter's records.

Every command leaves its input's bytes as they were, except ``check --in-place``, which keeps
the original as NAME.bak.xlsx first (a later run's as NAME.bak-2.xlsx, and so on). A ``check``
killed while it writes leaves the original intact and nothing half-written under the final
name; two ``check`` runs on one file at once leave a sound workbook behind.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import signal
import subprocess
from pathlib import Path

import forked
import pytest
from builders import clean_tabs, set_cell, write_workbook
from click.testing import CliRunner
from commands import ipsxl

from ipsxl.cli import main
from ipsxl.files.read import read_workbook

needs_writeback = pytest.mark.skipif(
    importlib.util.find_spec("ipsxl.writeback") is None,
    reason="ipsxl.writeback (ipsxl check) is not there yet",
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: str) -> subprocess.CompletedProcess:
    return ipsxl(*args)  # in this process: the killed runs and the runs at once are real (forked)


@pytest.fixture()
def book(tmp_path: Path) -> Path:
    """A workbook with one error flag, so check has something to highlight."""
    tabs = clean_tabs()
    set_cell(tabs, "Caseload", 2, "Enrollment Date", "13/45/2026")
    return write_workbook(tmp_path / "agency.xlsx", tabs)


def sheet_names(path: Path) -> list[str]:
    return read_workbook(path).sheets


def test_validate_in_every_format_leaves_the_workbooks_as_they_were(book, tmp_path):
    before = digest(book)
    for fmt in ("text", "json", "csv"):
        result = CliRunner().invoke(
            main, ["validate", str(book), "--format", fmt, "--out", str(tmp_path / f"r-{fmt}")]
        )
        assert result.exit_code == 1, result.output
        assert digest(book) == before
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == ["agency.xlsx"]


@needs_writeback
def test_check_writes_a_copy_and_leaves_the_input(book):
    before = digest(book)
    result = CliRunner().invoke(main, ["check", str(book)])
    assert result.exit_code == 1, result.output
    assert digest(book) == before
    checked = book.with_name("agency.checked.xlsx")
    assert {"Fidelity", "Flags"} <= set(sheet_names(checked))


@needs_writeback
def test_check_in_place_keeps_the_original_as_the_backup(book):
    before = digest(book)
    result = CliRunner().invoke(main, ["check", str(book), "--in-place"])
    assert result.exit_code == 1, result.output
    backup = book.with_name("agency.bak.xlsx")
    assert digest(backup) == before
    assert digest(book) != before and {"Fidelity", "Flags"} <= set(sheet_names(book))


# Where a check is killed (SIGKILL: no cleanup can run): at the n-th call of a function it uses
# to write, while the zip is being written or just before the finished file is renamed.
KILL_POINTS = {
    # every zip entry goes through write_entry: deflated anew, or copied from the source as is
    "writing the zip": ("ipsxl.writeback.package", "write_entry", 4),
    "about to rename": ("os", "replace", 1),  # in place, the backup is linked, not renamed
}


def killed_at(module: str, name: str, nth: int):
    """A patch for the forked run: its process kills itself at the ``nth`` call of
    ``module.name``."""

    def patch() -> None:
        target = importlib.import_module(module)
        real, calls = getattr(target, name), [0]

        def hook(*args, **kwargs):
            calls[0] += 1
            if calls[0] == nth:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        setattr(target, name, hook)

    return patch


def run_killed(point: str, args: list[str]) -> subprocess.CompletedProcess:
    return forked.run(*args, before=killed_at(*KILL_POINTS[point]))


@needs_writeback
@pytest.mark.parametrize("point", list(KILL_POINTS))
@pytest.mark.parametrize("in_place", [False, True], ids=["copy", "in-place"])
def test_a_killed_check_leaves_the_original_and_no_half_written_file(book, point, in_place):
    before = digest(book)
    args = ["check", str(book)] + (["--in-place"] if in_place else [])
    proc = run_killed(point, args)
    assert proc.returncode == -9, f"the kill point was never reached: {proc.stderr[-2000:]}"
    assert digest(book) == before  # the original, byte for byte
    assert not book.with_name("agency.checked.xlsx").exists()
    names = sorted(p.name for p in book.parent.iterdir() if p.suffix == ".xlsx")
    assert names == (["agency.bak.xlsx", "agency.xlsx"] if in_place else ["agency.xlsx"])
    if in_place:
        assert digest(book.with_name("agency.bak.xlsx")) == before
        # and the interrupted run can simply be run again
        again = run(*args)
        assert again.returncode == 1, again.stderr
        assert "Flags" in sheet_names(book)
        assert digest(book.with_name("agency.bak.xlsx")) == before


@needs_writeback
@pytest.mark.parametrize("in_place", [False, True], ids=["copy", "in-place"])
def test_two_checks_of_one_file_at_once_leave_a_sound_workbook(book, in_place):
    before = digest(book)
    args = ["check", str(book)] + (["--in-place"] if in_place else [])
    procs = [forked.Forked(args) for _ in range(2)]  # two processes, started together
    done = [p.wait() for p in procs]
    outcomes = [(d.stdout, d.stderr) for d in done]
    codes = [d.returncode for d in done]
    if in_place:  # one after the other, or the second refuses while the first writes
        assert sorted(codes) in ([1, 1], [1, 2]), outcomes
        for code, (_, err) in zip(codes, outcomes, strict=True):
            assert code == 1 or "another ipsxl is writing into it" in err, err
    else:
        assert codes == [1, 1], outcomes
    result = book if in_place else book.with_name("agency.checked.xlsx")
    assert {"Fidelity", "Flags"} <= set(sheet_names(result))
    assert sheet_names(result).count("Flags") == 1  # the runs did not pile up
    proc = run("validate", str(result), "--format", "json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    if not in_place:
        assert digest(book) == before
    else:  # the original is kept, whichever run came first
        assert digest(book.with_name("agency.bak.xlsx")) == before
    leftovers = [p.name for p in book.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
