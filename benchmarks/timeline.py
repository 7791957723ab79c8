"""Where the time of one ``ipsxl validate`` goes, step by step, inside the guard's child.

A profiler samples one thread, and the check runs in a forked child with calamine parsing the
largest sheet in a thread of its own, so this prints a timeline instead: each step's start and
end (milliseconds from the start of ``check_file``), the fastest of several runs, beside the
floor (python-calamine reading every tab) timed in the same loop.

    python benchmarks/timeline.py                       # builds a 2,000-client demo first
    python benchmarks/timeline.py path/to/workbook.xlsx --runs 9
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MARKS_NAME = "timeline-marks.txt"


def _instrument(log: list[tuple[float, str]], start: list[float]) -> None:
    """Wrap the steps of the check so each notes when it starts and ends (a forked child
    inherits the wrappers)."""
    from ipsxl import validate
    from ipsxl.core import fidelity, parse
    from ipsxl.files import read

    def wrap(module: Any, name: str, label: str) -> None:
        inner: Callable[..., Any] = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            log.append((time.perf_counter() - start[0], f"{label(args)} start"))
            result = inner(*args, **kwargs)
            log.append((time.perf_counter() - start[0], f"{label(args)} end"))
            return result

        setattr(module, name, timed)

    wrap(read, "check_package", lambda a: "package scan")
    wrap(read, "_parse_sheet", lambda a: f"calamine parses {a[1]!r}")
    wrap(read, "_sheet_grid", lambda a: f"  grid of {a[1]!r} (values, shared)")
    wrap(read, "table_of", lambda a: f"  table of {a[1]!r}")
    wrap(parse, "parse_table", lambda a: f"  typed columns of {a[0].name!r}")
    wrap(validate, "run_rules", lambda a: "rules")
    wrap(fidelity, "score_workbook", lambda a: "fidelity scores")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", nargs="?", type=Path, help="default: a 2,000-client demo")
    parser.add_argument("--runs", type=int, default=7, help="runs; the fastest is shown")
    args = parser.parse_args(argv)

    from python_calamine import CalamineWorkbook

    from ipsxl import validate
    from ipsxl.make.demo import write_demo

    with tempfile.TemporaryDirectory(prefix="ipsxl-timeline-") as tmp:
        path = args.workbook
        if path is None:
            path = Path(tmp) / "agency-2000.xlsx"
            write_demo(path, clients=2000)
        marks = Path(tmp) / MARKS_NAME
        log: list[tuple[float, str]] = []
        start = [0.0]
        _instrument(log, start)
        inner = validate._read_and_check

        def child(*a: Any, **k: Any) -> Any:  # runs in the child: hand the marks back by file
            result = inner(*a, **k)
            log.append((time.perf_counter() - start[0], "report ready to send"))
            marks.write_text("\n".join(f"{t * 1000:8.1f}  {s}" for t, s in log))
            return result

        validate._read_and_check = child
        best: tuple[float, float, str] | None = None
        for _ in range(args.runs):
            began = time.perf_counter()
            book = CalamineWorkbook.from_path(str(path))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python()
            floor = time.perf_counter() - began
            log.clear()
            start[0] = time.perf_counter()
            validate.check_file(path)
            total = time.perf_counter() - start[0]
            if best is None or total < best[0]:
                best = (total, floor, marks.read_text())
    assert best is not None
    total, floor, text = best
    print(text)
    print(
        f"{total * 1000:8.1f}  check_file returns (floor in the same run: {floor * 1000:.0f} ms,"
        f" ratio {total / floor:.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
