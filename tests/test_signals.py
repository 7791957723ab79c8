"""Stopping a run: SIGTERM (a scheduler's timeout, a service stopping) and Ctrl-C end ipsxl with
one line and the shell's codes (143, 130), and take every worker and reading process with it.

Real processes throughout: a run stopped during its batch is forked from the test's process
(``forked.py``), its checks slowed by a patch made in that process alone (the workers and the
guard's children are forked from it, so they are slow too); a run stopped while it starts up is
started afresh, Python and pandas still being imported."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import forked
import pytest
from builders import clean_tabs, write_workbook

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX signals and processes")


def _slow_in_a_session_of_its_own() -> None:
    """In the forked run: a session of its own (as a terminal's foreground job: Ctrl-C reaches
    all of it), and checks that take 30 seconds."""
    from ipsxl import validate

    os.setsid()
    real_rules = validate.run_rules

    def slow_rules(ctx):
        time.sleep(30)
        return real_rules(ctx)

    validate.run_rules = slow_rules


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("signals")
    for name in "abcd":
        write_workbook(folder / f"{name}.xlsx", clean_tabs())
    return folder


@pytest.fixture(scope="module")
def long_folder(tmp_path_factory) -> Path:
    """Enough workbooks that a run started afresh is still checking them a second after it
    started, when the last of the startup tests' signals comes (four take about that long)."""
    folder = tmp_path_factory.mktemp("signals-long")
    for n in range(16):
        write_workbook(folder / f"{n:02d}.xlsx", clean_tabs())
    return folder


def start(*args: str) -> forked.Forked:
    """ipsxl in a session of its own, with the checks slowed down."""
    return forked.Forked(list(args), before=_slow_in_a_session_of_its_own)


def start_afresh(*args: str) -> subprocess.Popen:
    """``python -m ipsxl`` in a session of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "ipsxl", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid``, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, timeout: float = 60.0, said=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out {said()}"
        time.sleep(0.05)


def _described(pids) -> str:
    """The processes of ``pids`` still alive: pid, parent, state and what each runs."""
    lines = []
    for pid in sorted(p for p in pids if alive(p)):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/wchan") as fh:
                wchan = fh.read()
        except OSError:
            continue
        lines.append(f"pid {pid} parent {fields[1]} state {fields[0]} waiting in {wchan}")
    return "; ".join(lines)


def stop_and_check(proc: forked.Forked, signum: int, group: bool, code: int, line: str):
    workers = descendants(proc.pid)
    if group:
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    try:
        done = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # what is left of its session
        raise
    assert done.returncode == code, done.stderr
    assert done.stderr.splitlines() == [line]
    wait_for(
        lambda: not any(alive(p) for p in workers),
        timeout=10,
        said=lambda: f"{len(workers)} workers and children, alive: {_described(workers)}",
    )
    return done.stdout


@pytest.mark.parametrize("command", ["validate", "summary"])
def test_sigterm_stops_the_workers_and_exits_143(folder, command):
    extra = ["--format", "json"] if command == "summary" else []
    proc = start(command, str(folder), "--jobs", "2", *extra)
    # two workers, each with the guard's child reading its workbook
    wait_for(lambda: len(descendants(proc.pid)) >= 4)
    stop_and_check(proc, signal.SIGTERM, False, 143, "ipsxl: stopped (SIGTERM)")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_during_the_batch_exits_130_in_one_line(folder, jobs):
    proc = start("validate", str(folder), "--jobs", jobs)
    wait_for(lambda: len(descendants(proc.pid)) >= int(jobs) * 2 - (jobs == "1"))
    stop_and_check(proc, signal.SIGINT, True, 130, "ipsxl: interrupted")


@pytest.mark.parametrize("after", [0.25, 0.5, 1.0])
def test_ctrl_c_while_starting_up_exits_130_in_one_line(long_folder, after):
    proc = start_afresh("validate", str(long_folder))
    time.sleep(after)  # while Python and pandas are being imported, or just after
    if proc.poll() is not None:
        pytest.skip("ipsxl finished before the signal")
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    if proc.returncode in (0, 1, 2) and not err.strip():
        # the run ended between the poll above and the signal: nothing to interrupt
        pytest.skip("ipsxl finished before the signal arrived")
    assert proc.returncode == 130, err
    assert err.splitlines() == ["ipsxl: interrupted"]
