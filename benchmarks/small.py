"""What one small workbook costs when a state office checks hundreds of them, measured in one run.

A folder of submissions is mostly small workbooks: a team of 40 clients, or an empty template
sent back unfilled. Each costs ipsxl a fixed amount of pandas work (typed columns, rules,
scores) that a 50,000-row benchmark never shows, so this times N checks of each of two
workbooks in process, interleaved workbook by workbook so a burst of load from elsewhere hits
every row alike, and prints CPU and wall milliseconds per workbook beside the floor of the same
loop:

1. the floor: python-calamine reading every tab's values, and nothing else (the baseline every
   ratio is taken against);
2. ``check_file`` without limits: the whole check in this process (no guard's child);
3. ``check_file`` with the default limits: the check in the guard's forked child, as ``ipsxl
   validate`` runs it (the child's CPU counts);
4. ``ipsxl check`` through click's CliRunner: the check and the write-back of a checked copy.

The workbooks: ``ipsxl demo --clients 40 --seed 7`` (the example workbook) and ``ipsxl template``
(the empty standard workbook), built in a temporary folder.

    python benchmarks/small.py              # 40 of each, about a minute on 2 cores
    python benchmarks/small.py --copies 10  # quicker
"""

from __future__ import annotations

import dataclasses
import functools
import tempfile
from collections.abc import Callable
from pathlib import Path

from interleaved import Figures, cells, main, medians

WORKBOOKS = ("example (40 clients)", "template (empty)")


def floor(path: Path) -> None:
    """python-calamine reading every tab's values, and nothing else."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def validate_inline(path: Path) -> None:
    """``check_file`` with no time or memory limit: no child process, the check alone."""
    from ipsxl.files.limits import DEFAULT_LIMITS
    from ipsxl.validate import Options, check_file

    limits = dataclasses.replace(DEFAULT_LIMITS, max_seconds=None, max_memory=None)
    check_file(path, Options(limits=limits))


def validate_guarded(path: Path) -> None:
    """``check_file`` as ``ipsxl validate`` calls it: in the guard's forked child."""
    from ipsxl.validate import check_file

    check_file(path)


def check_cli(path: Path) -> None:
    """``ipsxl check PATH --output COPY`` through click's CliRunner (no interpreter start)."""
    from click.testing import CliRunner

    from ipsxl.cli import main

    target = path.with_name(path.stem + ".checked.xlsx")
    target.unlink(missing_ok=True)
    result = CliRunner().invoke(main, ["check", str(path), "--output", str(target)])
    if result.exit_code not in (0, 1) or not target.exists():
        raise RuntimeError(f"ipsxl check failed: {result.output}")


ROWS: tuple[tuple[str, Callable[[Path], None]], ...] = (
    ("floor: python-calamine, every tab's values", floor),
    ("check_file, no limits (in process)", validate_inline),
    ("check_file, default limits (guard's child)", validate_guarded),
    ("ipsxl check (CliRunner: + write-back)", check_cli),
)


def build(work: Path) -> list[Path]:
    from ipsxl.make.demo import write_demo
    from ipsxl.make.template import write_template

    example, template = work / "example.xlsx", work / "template.xlsx"
    write_demo(example, clients=40, seed=7)
    write_template(template)
    return [example, template]


def run(copies: int) -> Figures:
    """Per workbook and row: median CPU and wall milliseconds per workbook over ``copies``."""
    with tempfile.TemporaryDirectory(prefix="ipsxl-small-") as tmp:
        paths = build(Path(tmp))
        jobs = [
            ((name, label), functools.partial(func, path))
            for name, path in zip(WORKBOOKS, paths, strict=True)
            for label, func in ROWS
        ]
        return medians(jobs, copies)


def table(figures: Figures) -> str:
    lines = [
        "| workbook | measured | cpu ms | wall ms | cpu x floor |",
        "|---|---|---:|---:|---:|",
    ]
    baseline = ROWS[0][0]
    for name in WORKBOOKS:
        floor_cpu = figures[(name, baseline)]["cpu_ms"]
        for label, _ in ROWS:
            row = figures[(name, label)]
            lines.append(f"| {name} | {label} | {cells(row, floor_cpu)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main(__doc__, 40, "checks of each workbook", run, table))
