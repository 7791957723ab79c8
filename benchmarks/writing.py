"""What writing the template and a small demo costs, beside the floor of the same run.

``ipsxl template`` and ``ipsxl demo`` write through openpyxl's write-only mode; most of their
cells are the 1,000 formatted rows below each tab's data (dates and figures styled, empty),
which the template and a small demo share. This times, interleaved run by run so a burst of
load from elsewhere hits every row alike, CPU and wall milliseconds per workbook of:

1. the floor: openpyxl's write-only mode writing the example's rows as plain values (no
   styles, formatted rows, tables or validations) and saving: the baseline every ratio is
   taken against;
2. ``write_template``: the empty standard workbook;
3. ``write_demo(clients=8)`` and ``write_demo(clients=40, seed=7)`` (the example workbook):
   the invented program drawn and written.

    python benchmarks/writing.py              # 20 of each, about half a minute on 2 cores
    python benchmarks/writing.py --copies 10  # quicker
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

FLOOR = "floor: openpyxl write-only, the example's values only"


def example_rows() -> dict[str, list[list[object]]]:
    """The example workbook's rows per table tab, headers first, in the standard's order."""
    from ipsxl.core import standard
    from ipsxl.make.demo import DEFAULT_AGENCY, DEFAULT_PERIOD, demo_rows
    from ipsxl.make.mistakes import mistakes_per_kind
    from ipsxl.make.program import Program

    start, end = DEFAULT_PERIOD
    program = Program(40, 7, start, end, DEFAULT_AGENCY, mistakes_per_kind(40))
    rows = demo_rows(program)
    return {
        tab.name: [
            [c.name for c in tab.columns],
            *([r.get(c.name) for c in tab.columns] for r in rows[tab.name]),
        ]
        for tab in standard.TABS
        if not tab.fields
    }


def jobs(work: Path) -> tuple[tuple[str, Callable[[], None]], ...]:
    from openpyxl import Workbook

    from ipsxl.make.demo import write_demo
    from ipsxl.make.template import write_template

    rows = example_rows()

    def floor() -> None:
        wb = Workbook(write_only=True)
        for name, tab_rows in rows.items():
            ws = wb.create_sheet(name)
            for row in tab_rows:
                ws.append(row)
        wb.save(work / "floor.xlsx")

    return (
        (FLOOR, floor),
        ("write_template (empty)", lambda: write_template(work / "template.xlsx")),
        ("write_demo, 8 clients", lambda: write_demo(work / "demo8.xlsx", clients=8)),
        (
            "write_demo, 40 clients, seed 7 (the example)",
            lambda: write_demo(work / "demo40.xlsx", clients=40, seed=7),
        ),
    )


def run(copies: int) -> dict[str, dict[str, float]]:
    """Per row: median CPU and wall milliseconds per workbook over ``copies``."""
    with tempfile.TemporaryDirectory(prefix="ipsxl-writing-") as tmp:
        rows = jobs(Path(tmp))
        for _, func in rows:  # imports and first-call costs out of the figures
            func()
        cpu: dict[str, list[float]] = {}
        wall: dict[str, list[float]] = {}
        for _ in range(copies):
            for label, func in rows:
                start_wall, start_cpu = time.perf_counter(), time.process_time()
                func()
                cpu.setdefault(label, []).append(time.process_time() - start_cpu)
                wall.setdefault(label, []).append(time.perf_counter() - start_wall)
    return {
        label: {
            "cpu_ms": 1000 * statistics.median(cpu[label]),
            "wall_ms": 1000 * statistics.median(wall[label]),
        }
        for label in cpu
    }


def table(figures: dict[str, dict[str, float]]) -> str:
    lines = ["| measured | cpu ms | wall ms | cpu x floor |", "|---|---:|---:|---:|"]
    floor_cpu = figures[FLOOR]["cpu_ms"]
    for label, row in figures.items():
        lines.append(
            f"| {label} | {row['cpu_ms']:.1f} | {row['wall_ms']:.1f}"
            f" | {row['cpu_ms'] / floor_cpu:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--copies", type=int, default=20, help="workbooks written per row (default 20)"
    )
    args = parser.parse_args(argv)
    print(f"medians of {args.copies} workbooks written per row")
    print(table(run(args.copies)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
