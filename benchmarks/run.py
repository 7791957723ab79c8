"""How fast ipsxl is against the floor and its peers, measured in one run (issue #5).

Every figure here is a ratio taken in the same run, because the machines this runs on are shared
and their absolute timings drift. The run builds what it needs under a temporary folder:

- one large workbook (``ipsxl demo --clients 2000 --contacts-per-client 25``: about 2,000
  clients and 50,000 employer contacts, a large agency's quarter), and
- a batch of workbooks (200 of ``--clients 200`` by default, with the same contacts per client;
  a few distinct demos copied, since each copy costs the checker the same work and generating
  200 takes minutes),

then times, several repetitions each, median reported:

1. the floor: python-calamine reading every tab's values and nothing else;
2. the naive peer: ``pandas.read_excel(path, sheet_name=None, engine="openpyxl")``;
3. the data-validation peer: frictionless validating every tab (frictionless validates one sheet
   per call, so one ``Resource(path, control=ExcelControl(sheet=...)).validate()`` per tab);
4. ``ipsxl validate``: ``check_file`` + the JSON report, in process (the figure the targets use),
   and the CLI in a child process (interpreter start and imports included);
5. ``ipsxl check``: the same plus the write-back into a copy (prepared while the workbook is
   checked, as the CLI does), against openpyxl's
   ``load_workbook`` + ``save`` of the same file; in process and as the CLI;
6. the batch through the CLI with ``--jobs 1`` and ``--jobs 2`` (and ``--dask`` on a local
   two-worker cluster when dask.distributed is installed), checking that the three JSON
   documents are identical;
7. peak memory (max RSS) of the CLI runs of 4 and 5, each in a child process of its own,
   read with ``os.wait4``; and of ``ipsxl check`` on the same workbook with a big sheet of the
   agency's own added (``--own-sheet-mb``, a pivot table's source data, say), against that of
   the workbook without it: the write-back copies such a sheet as stored, never inflated.

In-process timings of the floor, validate and check are interleaved repetition by repetition,
so a burst of load from elsewhere hits all three alike. CPU seconds (this process and the child
it reads each workbook in) are kept beside wall seconds for the in-process rows: on a busy
machine they drift less.

    python benchmarks/run.py                       # the full run (about 10 minutes on 2 cores)
    python benchmarks/run.py --reps 3 --batch 20   # quicker
    python benchmarks/run.py --clients 200 --batch 10 --batch-clients 40 --no-peers  # smoke

The table is printed and written as JSON to ``benchmarks/results/latest.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "latest.json"
MB = 1024 * 1024
# The stress workbooks' Employer Log: 25 contacts per client (50,000 for 2,000 clients), many
# more than a realistic demo's, so the largest tab is the size the targets are set for.
CONTACTS_PER_CLIENT = 25

# (key, description, the figure, how it compares, target): every target is a ratio of two rows
# of the same run, or a peak in MB
TARGETS = (
    ("validate_vs_floor", "validate / floor", "le", 1.5),
    ("naive_vs_validate", "pandas.read_excel(openpyxl) / validate", "ge", 5.0),
    ("check_vs_floor", "check / floor", "le", 3.0),
    ("openpyxl_vs_check", "openpyxl load+save / check", "ge", 10.0),
    ("batch_jobs1_vs_jobs2", "batch --jobs 1 / --jobs 2", "ge", 1.7),
    ("check_peak_mb", "peak memory of ipsxl check (CLI), MB", "le", 400.0),
    ("own_sheet_extra_mb", "memory a big sheet of its own adds to check, MB", "le", 64.0),
)


@dataclass
class Row:
    """One measured thing: its timings (seconds) and, for child processes, peak memory."""

    key: str
    label: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.wall) if self.wall else None

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "median_s": _round(self.median),
            "min_s": _round(min(self.wall)) if self.wall else None,
            "runs_s": [_round(w) for w in self.wall],
            "median_cpu_s": _round(statistics.median(self.cpu)) if self.cpu else None,
            "peak_mb": _round(max(self.peak_mb), 1) if self.peak_mb else None,
            "note": self.note,
        }


def _round(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


# --- the things measured --------------------------------------------------------------------


def floor(path: Path) -> None:
    """python-calamine reading every tab's values, and nothing else."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def floor_threads(path: Path) -> None:
    """The floor with calamine's sheets parsed by two threads, a book each (calamine lets go of
    the GIL while parsing, and ipsxl reads this way): not the issue's floor, shown beside it so
    the ratios can be read against a reader that uses both cores too."""
    from concurrent.futures import ThreadPoolExecutor

    from python_calamine import CalamineWorkbook

    def parse(name: str) -> object:
        return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)

    names = CalamineWorkbook.from_path(str(path)).sheet_names
    with ThreadPoolExecutor(max_workers=2) as pool:
        for sheet in pool.map(parse, names):
            sheet.to_python()


def ipsxl_validate(path: Path) -> None:
    """What ``ipsxl validate PATH --format json`` does for one workbook, minus the interpreter."""
    from ipsxl import report
    from ipsxl.validate import check_file

    report.to_json([check_file(path)])


def ipsxl_check(path: Path, target: Path) -> None:
    """What ``ipsxl check PATH --output TARGET`` does, minus the interpreter."""
    from ipsxl import report
    from ipsxl.checked_copy import check_for_writing

    checked = check_for_writing(path)
    checked.write(target)
    report.to_text(checked.report)


def naive_pandas(path: Path) -> None:
    import pandas as pd

    pd.read_excel(path, sheet_name=None, engine="openpyxl")


def openpyxl_roundtrip(path: Path, target: Path) -> None:
    import openpyxl

    openpyxl.load_workbook(path).save(target)


def frictionless_validate(path: Path) -> tuple[int, int]:
    """Every tab validated by frictionless (schema inferred), every row and every error (its
    default stops at 1,000 errors); returns the rows it read and the errors it found."""
    from frictionless import Resource
    from frictionless.formats import ExcelControl
    from python_calamine import CalamineWorkbook

    rows = errors = 0
    for sheet in CalamineWorkbook.from_path(str(path)).sheet_names:
        # frictionless refuses absolute paths as "not safe" unless given a base path
        resource = Resource(
            path=path.name, basepath=str(path.parent), control=ExcelControl(sheet=sheet)
        )
        found = resource.validate(limit_errors=10**9)
        if not found.tasks or any(e.type == "resource-error" for e in found.tasks[0].errors):
            raise RuntimeError(f"frictionless could not validate {sheet}: {found.flatten()}")
        rows += int(found.tasks[0].stats.get("rows") or 0)
        errors += int(found.tasks[0].stats.get("errors") or 0)
    return rows, errors


def _cpu() -> float:
    """CPU seconds of this process and of its children waited for (ipsxl reads each workbook in
    a child process on Linux: its time counts too)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(row: Row, func: Callable[[], object]) -> object:
    wall, cpu = time.perf_counter(), _cpu()
    result = func()
    row.cpu.append(_cpu() - cpu)
    row.wall.append(time.perf_counter() - wall)
    return result


# Runs one command and prints its wall seconds and peak memory as JSON. A launcher of its own,
# because a child forked straight from this (large) process inherits this process's peak RSS in
# ru_maxrss; the launcher's own footprint is a bare interpreter's, far below what is measured.
LAUNCHER = """
import json, os, subprocess, sys, time
argv, out = json.loads(sys.argv[1]), sys.argv[2]
sink = open(out, "wb") if out else subprocess.DEVNULL
start = time.perf_counter()
proc = subprocess.Popen(argv, stdout=sink)
_, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - start
kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "maxrss_kib": kib,
                  "code": os.waitstatus_to_exitcode(status)}))
"""


def _child(row: Row, argv: list[str], stdout: Path | None = None) -> int:
    """Run ``argv`` as a child process (through ``LAUNCHER``), recording its wall seconds and
    its own peak memory: the rusage ``os.wait4`` gives for exactly that child."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, json.dumps(argv), str(stdout or "")],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout)
    row.wall.append(figures["seconds"])
    row.peak_mb.append(figures["maxrss_kib"] / 1024)
    return figures["code"]


def _python(*code_lines: str) -> list[str]:
    return [sys.executable, "-c", "\n".join(code_lines)]


def _ipsxl(*args: str) -> list[str]:
    return [sys.executable, "-m", "ipsxl", *args]


# --- building the workbooks -----------------------------------------------------------------


def build(work: Path, clients: int, batch: int, batch_clients: int, distinct: int) -> tuple:
    from ipsxl.make.demo import write_demo

    big = work / f"agency-{clients}.xlsx"
    t = time.perf_counter()
    write_demo(big, clients=clients, seed=1, contacts_per_client=CONTACTS_PER_CLIENT)
    demo_seconds = time.perf_counter() - t
    folder = work / "batch"
    folder.mkdir()
    sources = []
    for k in range(min(distinct, batch)):
        src = folder / f"agency-{k + 1:03d}.xlsx"
        write_demo(
            src, clients=batch_clients, seed=100 + k, contacts_per_client=CONTACTS_PER_CLIENT
        )
        sources.append(src)
    for k in range(len(sources), batch):
        shutil.copyfile(sources[k % len(sources)], folder / f"agency-{k + 1:03d}.xlsx")
    return big, folder, demo_seconds


NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def with_own_sheet(source: Path, target: Path, mb: int) -> int:
    """``source`` with, after its tabs, a sheet of the agency's own of about ``mb`` MB of XML
    (numbers and notes that deflate about fifteenfold, as such data does), written a chunk of
    rows at a time; its inflated size in bytes."""
    notes = [
        f"{kind} contact with employer {k}, follow-up agreed"
        for k in range(5)
        for kind in ("Phone", "Visit")
    ]
    part = "xl/worksheets/own-data.xml"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(
                    b"</sheets>",
                    f'<sheet xmlns:r="{NS_REL}" name="Pivot Source" sheetId="999" '
                    'r:id="rIdOwnData"/></sheets>'.encode(),
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdOwnData" Type="{NS_REL}/worksheet" '
                    'Target="worksheets/own-data.xml"/></Relationships>'.encode(),
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    f'<Override PartName="/{part}" ContentType="{CT_SHEET}"/></Types>'.encode(),
                )
            zout.writestr(info, data)
        size, r = 0, 0
        with zout.open(part, "w", force_zip64=True) as fh:
            size += fh.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
                b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            while size < mb * MB:
                rows = "".join(
                    f'<row r="{r}"><c r="A{r}"><v>{r % 1000}</v></c>'
                    f'<c r="B{r}" t="inlineStr"><is><t>{notes[r % 10]}</t></is></c>'
                    f'<c r="C{r}" t="inlineStr"><is><t>{notes[r % 7]}</t></is></c>'
                    f'<c r="D{r}"><v>{r % 365 + 46000}</v></c></row>'
                    for r in range(r + 1, r + 10_001)
                )
                r += 10_000
                size += fh.write(rows.encode())
            size += fh.write(b"</sheetData></worksheet>")
    return size


def _counts(path: Path) -> dict[str, int]:
    """Data rows per tab of a workbook (rows below each header with anything in them)."""
    from ipsxl.files.read import read_workbook

    raw = read_workbook(path)
    return {name: len(t.frame) for name, t in raw.tables.items()}


# --- the run --------------------------------------------------------------------------------


def machine() -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    versions = {}
    for name in (
        "ipsxl",
        "pandas",
        "numpy",
        "python-calamine",
        "openpyxl",
        "frictionless",
        "distributed",
    ):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # noqa: BLE001 - not installed
            versions[name] = None
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def run(args: argparse.Namespace) -> dict[str, object]:
    rows: dict[str, Row] = {}

    def row(key: str, label: str) -> Row:
        return rows.setdefault(key, Row(key, label))

    loadavg_start = os.getloadavg()
    started = dt.datetime.now().isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix="ipsxl-bench-", dir=args.workdir) as tmp:
        work = Path(tmp)
        say(f"building workbooks under {work} ...")
        big, folder, demo_seconds = build(
            work, args.clients, args.batch, args.batch_clients, args.distinct
        )
        counts = _counts(big)
        say(
            f"  {big.name}: {big.stat().st_size / MB:.1f} MB, rows {counts}"
            f" (demo wrote it in {demo_seconds:.1f} s)"
        )
        target = work / "checked.xlsx"

        # 1, 4, 5 in process, interleaved; one untimed round first (imports, caches)
        floor(big), floor_threads(big), ipsxl_validate(big), ipsxl_check(big, target)
        say(f"in process, {args.reps} repetitions ...")
        for _ in range(args.reps):
            _timed(row("floor", "floor: python-calamine, every tab's values"), lambda: floor(big))
            _timed(
                row("floor_threads", "floor, sheets parsed by 2 threads (not a target)"),
                lambda: floor_threads(big),
            )
            _timed(
                row("validate", "ipsxl validate (in process: check_file + JSON)"),
                lambda: ipsxl_validate(big),
            )
            _timed(
                row("check", "ipsxl check (in process: + write_back)"),
                lambda: ipsxl_check(big, target),
            )

        # 4, 5 and 7 as the CLI, each run a child process of its own
        say(f"command line, {args.cli_reps} repetitions ...")
        for _ in range(args.cli_reps):
            _child(
                row("floor_cli", "floor in a child process (python -c)"),
                _python(
                    "from python_calamine import CalamineWorkbook",
                    f"b = CalamineWorkbook.from_path({str(big)!r})",
                    "[b.get_sheet_by_name(n).to_python() for n in b.sheet_names]",
                ),
            )
            _child(
                row("validate_cli", "ipsxl validate --format json (CLI)"),
                _ipsxl("validate", str(big), "--format", "json"),
            )
            _child(
                row("check_cli", "ipsxl check --output (CLI)"),
                _ipsxl("check", str(big), "--output", str(target)),
            )
        if args.own_sheet_mb:
            own = work / f"agency-{args.clients}-own-sheet.xlsx"
            inflated = with_own_sheet(big, own, args.own_sheet_mb)
            say(
                f"  + a sheet of its own: {inflated / MB:.0f} MB of XML,"
                f" {own.stat().st_size / MB:.1f} MB on disk; {args.cli_reps} repetitions ..."
            )
            for _ in range(args.cli_reps):
                _child(
                    row(
                        "check_own_sheet_cli",
                        f"ipsxl check (CLI), + a {args.own_sheet_mb} MB sheet of its own",
                    ),
                    _ipsxl("check", str(own), "--output", str(work / "own-checked.xlsx")),
                )
            own.unlink()

        # 2, 3 and openpyxl load+save: the peers
        if not args.no_peers:
            say(f"peers, {args.peer_reps} repetitions (slow) ...")
            naive_pandas(big)  # warm imports
            for _ in range(args.peer_reps):
                _timed(
                    row("pandas", 'pandas.read_excel(sheet_name=None, engine="openpyxl")'),
                    lambda: naive_pandas(big),
                )
                _timed(
                    row("openpyxl", "openpyxl load_workbook + save"),
                    lambda: openpyxl_roundtrip(big, work / "openpyxl.xlsx"),
                )
            for _ in range(args.peer_reps):
                _child(
                    row("openpyxl_cli", "openpyxl load_workbook + save (child process)"),
                    _python(
                        "import openpyxl",
                        f"openpyxl.load_workbook({str(big)!r})"
                        f".save({str(work / 'openpyxl.xlsx')!r})",
                    ),
                )
            try:
                fl = row("frictionless", "frictionless validate, every tab (in process)")
                for _ in range(args.peer_reps):
                    rows_read, errors = _timed(fl, lambda: frictionless_validate(big))
                fl.note = (
                    f"{rows_read} rows read, {errors} errors reported (schema inferred per"
                    " tab; it knows nothing of the standard)"
                )
            except ImportError:
                rows.pop("frictionless", None)
                say("  frictionless is not installed: pip install -e '.[bench]'")

        # 6: the batch through the CLI
        identical = None
        if args.batch:
            say(
                f"batch of {args.batch} x clients={args.batch_clients},"
                f" {args.batch_reps} repetitions ..."
            )
            outputs: dict[str, Path] = {}
            for rep in range(args.batch_reps):
                for jobs in (1, 2):
                    out = work / f"batch-jobs{jobs}-{rep}.json"
                    _child(
                        row(f"batch_jobs{jobs}", f"batch of {args.batch}, --jobs {jobs}"),
                        _ipsxl("validate", str(folder), "--format", "json", "--jobs", str(jobs)),
                        stdout=out,
                    )
                    outputs[f"jobs{jobs}"] = out
            if not args.no_dask:
                dask_out = _dask_batch(row, folder, work, args)
                if dask_out is not None:
                    outputs["dask"] = dask_out
            docs = {k: p.read_bytes() for k, p in outputs.items()}
            identical = len(set(docs.values())) == 1
            if not identical:
                say("  the batch reports DIFFER between " + ", ".join(docs))

    result = _summarise(rows, identical)
    result.update(
        {
            "started": started,
            "machine": machine(),
            "loadavg": {"start": loadavg_start, "end": os.getloadavg()},
            "config": {
                "clients": args.clients,
                "rows": counts,
                "reps": args.reps,
                "cli_reps": args.cli_reps,
                "peer_reps": 0 if args.no_peers else args.peer_reps,
                "batch": args.batch,
                "batch_clients": args.batch_clients,
                "batch_distinct": min(args.distinct, args.batch),
                "batch_reps": args.batch_reps,
            },
        }
    )
    return result


def _dask_batch(
    row: Callable[[str, str], Row], folder: Path, work: Path, args: argparse.Namespace
) -> Path | None:
    """The batch through ``--dask`` on a local cluster of two single-threaded worker
    processes on loopback (started here, outside the timing)."""
    try:
        from distributed import LocalCluster
    except ImportError:
        say("  dask.distributed is not installed: pip install -e '.[dask]' (skipped)")
        return None
    out = work / "batch-dask.json"
    with LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as cluster:
        for _ in range(args.batch_reps):
            _child(
                row("batch_dask", f"batch of {args.batch}, --dask (2 local workers)"),
                _ipsxl(
                    "validate", str(folder), "--format", "json", "--dask", cluster.scheduler_address
                ),
                stdout=out,
            )
    return out


def _summarise(rows: dict[str, Row], identical: bool | None) -> dict[str, object]:
    def med(key: str) -> float | None:
        return rows[key].median if key in rows else None

    def ratio(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None or b == 0 else a / b

    def peak_of(key: str) -> float | None:
        return rows[key].as_dict()["peak_mb"] if key in rows else None  # type: ignore[return-value]

    peak = peak_of("check_cli")
    own_peak = peak_of("check_own_sheet_cli")
    figures = {
        "validate_vs_floor": ratio(med("validate"), med("floor")),
        "naive_vs_validate": ratio(med("pandas"), med("validate")),
        "check_vs_floor": ratio(med("check"), med("floor")),
        "openpyxl_vs_check": ratio(med("openpyxl"), med("check")),
        "batch_jobs1_vs_jobs2": ratio(med("batch_jobs1"), med("batch_jobs2")),
        "check_peak_mb": peak,
        "own_sheet_extra_mb": None if peak is None or own_peak is None else own_peak - peak,
    }
    targets = []
    for key, label, how, limit in TARGETS:
        value = figures[key]
        met = None if value is None else (value <= limit if how == "le" else value >= limit)
        targets.append(
            {
                "key": key,
                "label": label,
                "value": _round(value, 2),
                "target": f"{'<=' if how == 'le' else '>='} {limit:g}",
                "met": met,
            }
        )

    def cpu(key: str) -> float | None:
        return statistics.median(rows[key].cpu) if key in rows and rows[key].cpu else None

    extra = {
        "validate_vs_floor_threads": _round(ratio(med("validate"), med("floor_threads")), 2),
        "check_vs_floor_threads": _round(ratio(med("check"), med("floor_threads")), 2),
        "validate_vs_floor_cpu": _round(ratio(cpu("validate"), cpu("floor")), 2),
        "check_vs_floor_cpu": _round(ratio(cpu("check"), cpu("floor")), 2),
        "frictionless_vs_validate": _round(ratio(med("frictionless"), med("validate")), 2),
        "validate_cli_vs_floor_cli": _round(ratio(med("validate_cli"), med("floor_cli")), 2),
        "check_cli_vs_floor_cli": _round(ratio(med("check_cli"), med("floor_cli")), 2),
        "batch_jobs1_vs_dask": _round(ratio(med("batch_jobs1"), med("batch_dask")), 2),
    }
    return {
        "rows": {k: r.as_dict() for k, r in rows.items()},
        "targets": targets,
        "other_ratios": extra,
        "batch_reports_identical": identical,
    }


def table(result: dict[str, object]) -> str:
    """The result as the plain-text table the README quotes."""
    floors = {k: result["rows"].get(k, {}).get("median_s") for k in ("floor", "floor_cli")}
    lines = [
        f"{'measured':58} {'median s':>9} {'cpu s':>7} {'peak MB':>8} {'x floor':>8}",
        "-" * 94,
    ]
    for key, r in result["rows"].items():
        # in-process rows against the floor, child-process rows against the floor in a child
        base = (
            None
            if key.startswith("batch")
            else floors["floor_cli" if key.endswith("_cli") else "floor"]
        )
        x = "" if not base or r["median_s"] is None else f"{r['median_s'] / base:.2f}"
        lines.append(
            f"{r['label'][:58]:58} {_fmt(r['median_s']):>9} {_fmt(r['median_cpu_s']):>7}"
            f" {_fmt(r['peak_mb'], 0):>8} {x:>8}"
        )
    lines += ["", f"{'target':46} {'value':>8} {'target':>9}  met", "-" * 72]
    for t in result["targets"]:
        met = {True: "yes", False: "NO", None: "-"}[t["met"]]
        lines.append(f"{t['label']:46} {_fmt(t['value'], 2):>8} {t['target']:>9}  {met}")
    for key, value in result["other_ratios"].items():
        lines.append(f"{key:46} {_fmt(value, 2):>8}")
    if result["batch_reports_identical"] is not None:
        lines.append(
            f"{'batch JSON identical across --jobs 1, 2, --dask':46}"
            f" {'yes' if result['batch_reports_identical'] else 'NO':>8}"
        )
    m = result["machine"]
    lines += [
        "",
        f"machine: {m['nproc']} x {m['cpu']}, Python {m['python']},"
        f" load average at start {result['loadavg']['start'][0]:.2f}",
    ]
    return "\n".join(lines)


def _fmt(value: float | None, places: int = 3) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--clients", type=int, default=2000, help="clients in the large workbook (default 2000)"
    )
    parser.add_argument(
        "--reps",
        type=int,
        default=7,
        help="repetitions of floor/validate/check in process (default 7)",
    )
    parser.add_argument(
        "--cli-reps", type=int, default=3, help="repetitions of the CLI runs (default 3)"
    )
    parser.add_argument(
        "--peer-reps", type=int, default=3, help="repetitions of the slow peers (default 3)"
    )
    parser.add_argument(
        "--no-peers", action="store_true", help="skip pandas, openpyxl and frictionless"
    )
    parser.add_argument(
        "--batch", type=int, default=200, help="workbooks in the batch, 0 to skip (default 200)"
    )
    parser.add_argument(
        "--batch-clients", type=int, default=200, help="clients per batch workbook (default 200)"
    )
    parser.add_argument(
        "--batch-reps", type=int, default=3, help="repetitions of each batch run (default 3)"
    )
    parser.add_argument(
        "--distinct",
        type=int,
        default=8,
        help="distinct demo workbooks the batch is copied from (default 8)",
    )
    parser.add_argument("--no-dask", action="store_true", help="skip the --dask batch")
    parser.add_argument(
        "--own-sheet-mb",
        type=int,
        default=200,
        help="MB of XML in the sheet of its own added for the memory row, 0 to skip (default 200)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where the temporary folder goes (default: the system's)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"JSON results (default {DEFAULT_OUT.relative_to(HERE.parent)})",
    )
    args = parser.parse_args(argv)
    result = run(args)
    text = table(result)
    result["table"] = text
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(text)
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
