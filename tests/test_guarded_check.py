"""The whole check runs in the guard's child process: same report as in process, a bug of ours
is reported as one (never passed off as a damaged file), and a result that was ready in time is
kept even when the caller was busy past the time limit."""

from __future__ import annotations

import os
import select
import time
import types
from pathlib import Path

import pytest

from ipsxl import report, validate
from ipsxl.files import guard
from ipsxl.files.read import DEFAULT_LIMITS, Limits
from ipsxl.make.demo import write_demo

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="the child guard needs fork")
IN_PROCESS = Limits(max_seconds=None, max_memory=None)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("guarded") / "demo.xlsx"
    write_demo(path, clients=60, seed=3)
    return path


@needs_fork
def test_the_report_from_the_child_is_the_report_checked_in_process(demo):
    in_child = validate.check_file(demo, validate.Options(limits=DEFAULT_LIMITS))
    in_process = validate.check_file(demo, validate.Options(limits=IN_PROCESS))
    assert in_child.readable and len(in_child.flags) > 0
    assert report.to_json([in_child]) == report.to_json([in_process])
    # where each tab was found crosses back (faces point at cells with it); its rows do not
    caseload = in_child.tables["Caseload"]
    assert caseload.header_row == in_process.tables["Caseload"].header_row
    assert caseload.positions == in_process.tables["Caseload"].positions
    assert caseload.frame.empty and "Client ID" in caseload.frame.columns


@needs_fork
def test_a_bug_in_the_checks_is_an_internal_error_with_its_traceback_not_damage(demo, monkeypatch):
    def broken(ctx):
        return 1 / 0

    monkeypatch.setattr(validate, "run_rules", broken)  # the forked child inherits the patch
    got = validate.check_file(demo)
    assert not got.readable
    assert got.error == "internal error: ZeroDivisionError: division by zero; please report it"
    assert "Traceback" in got.internal and "in broken" in got.internal
    assert got.file == str(demo)


@needs_fork
def test_a_result_ready_in_time_is_kept_when_the_caller_was_busy_past_the_limit(demo, monkeypatch):
    pending = validate.start_check(demo, validate.Options(limits=Limits(max_seconds=3.0)))
    (child,) = guard._CHILDREN
    _wait_until_ended(child)  # its report sent, the child has exited (not collected yet)
    # the caller (preparing a write-back, say) overran the child's limit: when it asks for the
    # result, the guard's clock reads a minute past the deadline
    late = types.SimpleNamespace(monotonic=lambda: time.monotonic() + 60)
    monkeypatch.setattr(guard, "time", late)
    got = pending.result()
    assert got.readable, got.error


def _wait_until_ended(pid: int, timeout: float = 120) -> None:
    """Until the child ``pid`` has exited, left for its parent's code to collect."""
    fd = os.pidfd_open(pid)  # readable once the process has ended
    try:
        ended = select.select([fd], [], [], timeout)[0]
    finally:
        os.close(fd)
    assert ended, "the child never ended (a report too long for the pipe would keep it waiting)"


@needs_fork
def test_a_child_still_working_at_the_limit_is_too_slow_even_if_asked_late(tmp_path):
    def slow(path, limits, capped=False):
        time.sleep(30)

    pending = guard.start(slow, tmp_path, Limits(max_seconds=0.3))
    time.sleep(0.5)
    started = time.monotonic()
    with pytest.raises(guard.UnreadableWorkbook, match="too slow"):
        pending.result()
    assert time.monotonic() - started < 2


def test_an_unreadable_file_is_a_report_saying_why_without_starting_anything(tmp_path):
    missing = tmp_path / "nope.xlsx"
    got = validate.start_check(missing).result()
    assert not got.readable and got.error == "no such file"


class _Stopped(BaseException):
    """What a stop signal raises in a batch worker (``stop.Stopped`` in the command)."""


def _stopped_as_the_child_starts(folder: Path) -> int:
    """In a process of one thread, as a batch worker is: start a reading child and get
    SIGTERM the moment it is forked, then end the children as a stopped worker does. 0 when
    the reading child is gone, 1 when it was left running."""
    import signal

    def slow(path, limits, capped=False):
        time.sleep(30)

    forked: list[int] = []
    real_fork = os.fork

    def fork_then_stop() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
            os.kill(os.getpid(), signal.SIGTERM)  # the worker is stopped right now
        return pid

    def stopped(signum, frame):
        raise _Stopped

    guard.os.fork = fork_then_stop
    signal.signal(signal.SIGTERM, stopped)
    try:
        guard.start(slow, folder, Limits(max_seconds=60)).result()
    except _Stopped:
        guard.kill_children()  # what the worker does on its way out
    left = [pid for pid in forked if Path(f"/proc/{pid}").exists()]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return 1 if left or not forked else 0


@needs_fork
def test_a_stop_arriving_as_the_child_starts_still_finds_the_child_to_end(tmp_path):
    """A batch worker told to stop ends the reading child it started (``kill_children``), even
    when the signal comes the moment the child is forked, before the worker has noted it: else
    the child would read on, unseen, until its time limit. Run in a forked process: a worker
    has one thread, where this test process has others that a signal could be given to."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - checked through its exit status
        code = 2
        try:
            code = _stopped_as_the_child_starts(tmp_path)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the reading child was left running"
