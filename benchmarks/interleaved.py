"""Timing several jobs of one benchmark in one run, interleaved: each round runs every job once,
so a burst of load from elsewhere on a shared machine hits every job alike, and the medians
compare. Shared by small.py and writing.py."""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections.abc import Callable, Hashable, Sequence

Figures = dict[Hashable, dict[str, float]]


def cpu_seconds() -> float:
    """CPU seconds of this process and of the children it waited for (a forked child's work
    counts: the guard's child does a check's)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def medians(jobs: Sequence[tuple[Hashable, Callable[[], object]]], rounds: int) -> Figures:
    """Per job: median CPU and wall milliseconds of one call over ``rounds`` rounds, after one
    call of each that takes imports and first-call costs out of the figures."""
    for _, job in jobs:
        job()
    cpu: dict[Hashable, list[float]] = {}
    wall: dict[Hashable, list[float]] = {}
    for _ in range(rounds):
        for key, job in jobs:
            start_wall, start_cpu = time.perf_counter(), cpu_seconds()
            job()
            cpu.setdefault(key, []).append(cpu_seconds() - start_cpu)
            wall.setdefault(key, []).append(time.perf_counter() - start_wall)
    return {
        key: {
            "cpu_ms": 1000 * statistics.median(cpu[key]),
            "wall_ms": 1000 * statistics.median(wall[key]),
        }
        for key in cpu
    }


def cells(row: dict[str, float], floor_cpu_ms: float) -> str:
    """A table row's figures: CPU ms, wall ms, CPU as a multiple of the floor's."""
    return f"{row['cpu_ms']:.1f} | {row['wall_ms']:.1f} | {row['cpu_ms'] / floor_cpu_ms:.1f}"


def main(
    doc: str, default: int, what: str, run: Callable[[int], Figures], table: Callable[..., str]
) -> int:
    """The command line of a benchmark: ``--copies N``, then its table of medians."""
    parser = argparse.ArgumentParser(
        description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--copies", type=int, default=default, help=f"{what} per row (default {default})"
    )
    args = parser.parse_args()
    print(f"medians of {args.copies} {what} per row")
    print(table(run(args.copies)))
    return 0
