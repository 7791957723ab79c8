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

import tempfile
from collections.abc import Callable
from pathlib import Path

from interleaved import Figures, cells, main, medians

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


def run(copies: int) -> Figures:
    """Per row: median CPU and wall milliseconds per workbook over ``copies``."""
    with tempfile.TemporaryDirectory(prefix="ipsxl-writing-") as tmp:
        return medians(jobs(Path(tmp)), copies)


def table(figures: Figures) -> str:
    lines = ["| measured | cpu ms | wall ms | cpu x floor |", "|---|---:|---:|---:|"]
    floor_cpu = figures[FLOOR]["cpu_ms"]
    for label, row in figures.items():
        lines.append(f"| {label} | {cells(row, floor_cpu)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main(__doc__, 20, "workbooks written", run, table))
