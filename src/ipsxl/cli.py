"""The ``ipsxl`` command: a thin click layer over the library, one command per documented call."""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import partial, wraps
from pathlib import Path

import click

from ipsxl import __version__, report
from ipsxl.batch import check_many, find_workbooks
from ipsxl.core.model import ERROR
from ipsxl.files import safefiles
from ipsxl.files.limits import first_line
from ipsxl.files.read import DEFAULT_LIMITS, Limits
from ipsxl.validate import INTERNAL_ERROR, Options

FORMATS = ("text", "json", "csv")
RENDER = {
    "json": lambda reports, raw: report.to_json(reports),
    "csv": report.to_csv,
    "text": lambda reports, raw: "".join(report.to_text(r) for r in reports),
}


def _composed(*options):
    """One decorator applying ``options``, listed in --help in the order given: click's way
    of sharing a block of options between commands."""

    def apply(func):
        for option in reversed(options):
            func = option(func)
        return func

    return apply


_csv_raw_option = click.option(
    "--csv-raw",
    is_flag=True,
    help="CSV cells exactly as found, for scripts. Without it, a cell starting with ="
    " + - @ gets a leading ' so that Excel shows it instead of running it.",
)

_jobs_option = click.option(
    "--jobs",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Workbooks validated at once, in worker processes.",
)


def _format_option(help: str):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help=help,
    )


class Day(click.ParamType):
    """A day typed as 2026-07-01 (the form the reports print); the error says so in words."""

    name = "date"

    def get_metavar(self, param, ctx=None) -> str:  # ctx: click >= 8.2 passes it
        return "DATE"

    def convert(self, value, param, ctx) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.datetime.strptime(str(value), "%Y-%m-%d").date()
        except ValueError:
            self.fail(f"expected a date such as 2026-07-01, not {value!r}", param, ctx)


_period_options = _composed(
    click.option(
        "--start", type=Day(), help="First day of the period, as 2026-07-01 (overrides Program)."
    ),
    click.option(
        "--end", type=Day(), help="Last day of the period, as 2026-09-30 (overrides Program)."
    ),
)

# Safety limits against crafted files; the defaults suit any real agency's workbook.
_limit_options = _composed(
    click.option(
        "--timeout",
        type=click.FloatRange(0, min_open=True),
        default=DEFAULT_LIMITS.max_seconds,
        show_default=True,
        help="Give up on a workbook that takes longer than this many seconds to read and"
        " check (for check, to write its checked copy too).",
    ),
    click.option(
        "--max-mb",
        type=click.IntRange(1),
        default=DEFAULT_LIMITS.max_uncompressed // 2**20,
        show_default=True,
        help="Refuse a workbook that inflates past this many MB.",
    ),
    click.option(
        "--max-rows",
        type=click.IntRange(1),
        default=DEFAULT_LIMITS.max_rows,
        show_default=True,
        help="Refuse a sheet with more rows.",
    ),
)

_debug_option = click.option(
    "--debug",
    is_flag=True,
    help="Show the traceback of an internal error (to include when reporting it).",
)


def _reading_options(func):
    """What every command that reads workbooks takes, after its own options, handed to it as
    ``options`` (the ``Options`` every workbook of the run is checked with) and ``debug``.

    With --debug a bug of ours is still one line per workbook, followed by its traceback; what
    escapes the command is said here, where the flag is known (the group says it without
    traceback for the commands that do not read workbooks)."""

    @wraps(func)
    def command(*args, start, end, max_rows, max_mb, timeout, debug, **kwargs):
        if start and end and start > end:
            raise click.UsageError(f"--start {start} is after --end {end}")
        limits = Limits(
            max_rows=max_rows,
            max_uncompressed=max_mb * 2**20,
            max_bytes=max(DEFAULT_LIMITS.max_bytes, max_mb * 2**20),
            max_seconds=timeout,
        )
        options = Options(start=start, end=end, limits=limits)
        with _one_line_on_failure(debug):
            return func(*args, options=options, debug=debug, **kwargs)

    return _composed(_period_options, _limit_options, _debug_option)(command)


def _tell(reports, also_on_stdout: bool, debug: bool) -> None:
    """One line on stderr for each workbook without figures, unless the text report on stdout
    said it already to the same place (a terminal shows both streams: the line would be there
    twice); with --debug, the traceback of each internal error in any case."""
    said = also_on_stdout and _same_place(sys.stdout, sys.stderr)
    for r in reports:
        if not r.readable and not said:
            click.echo(f"ipsxl: {report.problem_line(r)}", err=True)
        if r.internal is not None and debug:
            click.echo(r.internal.rstrip("\n"), err=True)


def _same_place(one, other) -> bool:
    """Whether two streams end in the same file, pipe or terminal."""
    try:
        a, b = os.fstat(one.fileno()), os.fstat(other.fileno())
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


class _Commands(click.Group):
    """The ``ipsxl`` group: whatever a command did not handle ends it with one line and exit
    code 2 (1 would read as "errors found in the workbooks"): an I/O error says which file and
    why, anything else is a bug of ours to report (with its traceback when a command that
    reads workbooks was given --debug: see ``_reading_options``)."""

    def invoke(self, ctx: click.Context):
        with _one_line_on_failure(debug=False):
            return super().invoke(ctx)


@contextmanager
def _one_line_on_failure(debug: bool) -> Iterator[None]:
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise  # click's own: the reader of the output went away
        where = f"{report.shown(exc.filename)}: " if exc.filename else ""
        _stop_with(f"{where}{exc.strerror or first_line(exc)}", debug)
    except Exception as exc:  # noqa: BLE001 - see _Commands
        _stop_with(
            f"{INTERNAL_ERROR}: {type(exc).__name__}: {first_line(exc)}; please report it", debug
        )


def _stop_with(line: str, debug: bool = False) -> None:
    click.echo(f"ipsxl: {line}", err=True)
    if debug:
        click.echo(traceback.format_exc().rstrip("\n"), err=True)
    sys.exit(2)


def _cannot_write(target: Path, exc: OSError) -> str:
    return f"cannot write {report.shown(target)}: {exc.strerror or first_line(exc)}"


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ipsxl")
def main() -> None:
    """Check IPS supported-employment workbooks: flag bad or late entries, score fidelity."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_format_option("What to print.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write one report per workbook into this folder.",
)
@_jobs_option
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="Validate on a Dask cluster instead (its scheduler, tcp://host:8786); the"
    " workers must see the same files. Needs ipsxl[dask].",
)
@_csv_raw_option
@_reading_options
def validate(paths, fmt, out_dir, jobs, dask_address, csv_raw, options, debug) -> None:
    """Validate workbooks (files, folders, globs) and print a report for each.

    \b
    Example:
      ipsxl validate submissions/ --format json --out reports/ --jobs 2
    Exit code: 0 no errors, 1 error flags found, 2 a workbook could not be read.
    """
    files = find_workbooks(paths)
    if not files:
        raise click.UsageError(f"no .xlsx or .xlsm workbooks found in {', '.join(paths)}")
    if dask_address and jobs > 1:
        raise click.UsageError("--jobs and --dask cannot be used together")
    reports = _run_batch(files, options, jobs, dask_address)
    written, not_written = _write_reports(reports, out_dir, fmt, csv_raw) if out_dir else ({}, None)
    if fmt == "json":
        click.echo(report.to_json(reports))
    elif fmt == "csv":
        click.echo(report.to_csv(reports, raw=csv_raw), nl=False)
    else:
        for r in reports:
            click.echo(report.to_text(r, full_report=written.get(r.file)))
        click.echo(report.batch_text(reports), nl=False)
    _tell(reports, also_on_stdout=fmt == "text", debug=debug)
    if not_written:
        _stop_with(not_written)
    sys.exit(report.exit_code(reports))


def _run_batch(files: list[Path], options: Options, jobs: int, dask: str | None = None) -> list:
    """Check the files, with a progress bar on a terminal (files, flags found, time left);
    on the Dask cluster whose scheduler is at ``dask`` when given."""
    run = _on_dask(dask, options) if dask else partial(check_many, options=options, jobs=jobs)
    if not sys.stderr.isatty() or len(files) < 2:
        return run(files)
    found = {"flags": 0}

    def show(_item) -> str:
        return f"{found['flags']} flags"

    with click.progressbar(
        length=len(files),
        label="Validating",
        file=sys.stderr,
        show_pos=True,
        show_eta=True,
        item_show_func=show,
    ) as bar:

        def done(r) -> None:
            found["flags"] += len(r.flags)
            bar.update(1, r.file)

        return run(files, on_done=done)


def _on_dask(address: str, options: Options):
    """``check_many`` on a Dask cluster; a missing extra or an unreachable scheduler is one
    line and exit code 2, like any other wrong use of the command."""
    from ipsxl.distributed import DaskUnavailable, check_many_dask

    def run(files: list[Path], on_done=None) -> list:
        try:
            return check_many_dask(files, options, address, on_done=on_done)
        except DaskUnavailable as exc:
            click.echo(f"ipsxl: {exc}", err=True)
            sys.exit(2)

    return run


def _write_reports(
    reports, out_dir: Path, fmt: str, csv_raw: bool
) -> tuple[dict[str, str], str | None]:
    """One report per workbook, named after it; returns file -> report path, and the line
    saying what could not be written (the first report that failed, and none after it)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return {}, _cannot_write(out_dir, exc)
    suffix = {"json": ".json", "csv": ".csv", "text": ".txt"}[fmt]
    written: dict[str, str] = {}
    used: set[str] = set()
    for r in reports:
        stem = Path(r.file).stem
        name, k = stem, 1
        while name in used:  # two agencies' folders may both hold "q3.xlsx"
            k += 1
            name = f"{stem}-{k}"
        used.add(name)
        target = out_dir / f"{name}{suffix}"
        try:
            safefiles.write_text(target, RENDER[fmt]([r], csv_raw))
        except OSError as exc:
            return written, _cannot_write(target, exc)
        written[r.file] = str(target)
    return written, None


def _refuse(path: Path, why: str) -> None:
    """One line saying why nothing was written, and exit code 2."""
    click.echo(f"ipsxl: {path}: {why}", err=True)
    sys.exit(2)


def _refuse_existing(file: Path, force: bool) -> None:
    """``template`` and ``demo`` write a new workbook: never over a file, unless told to."""
    if not force and os.path.lexists(file):
        _refuse(file, "already exists; add --force to replace it")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the checked copy (default NAME.checked.xlsx beside it).",
)
@click.option(
    "--in-place",
    is_flag=True,
    help="Write into the workbook itself, after keeping it as NAME.bak.xlsx (then"
    " NAME.bak-2.xlsx, ...: no backup is ever overwritten).",
)
@click.option("--force", is_flag=True, help="With --in-place: write into a read-only workbook.")
@_reading_options
def check(path, output, in_place, force, options, debug) -> None:
    """Validate one workbook and write Fidelity, Flags and cell highlights into a copy.

    \b
    Example:
      ipsxl check agency-a.xlsx            # writes agency-a.checked.xlsx
      ipsxl check agency-a.xlsx --in-place # keeps agency-a.bak.xlsx first
    """
    if in_place and output:
        raise click.UsageError("--in-place and --output cannot be used together")
    target = path if in_place else output or path.with_name(f"{path.stem}.checked{path.suffix}")
    if not in_place and safefiles.same_file(target, path):
        _refuse(path, "--output is the workbook itself; use --in-place to write into it")
    if in_place and not force and safefiles.read_only(path):
        _refuse(path, "is read-only; add --force to write into it anyway")
    with ExitStack() as stack:
        if in_place and path.exists():
            try:
                stack.enter_context(safefiles.locked(path))
            except safefiles.Busy as exc:
                click.echo(f"ipsxl: {exc}", err=True)
                sys.exit(2)
            except OSError as exc:
                _refuse(path, f"cannot be written into: {exc.strerror or exc}")
        _check_and_write(path, target, in_place, options, debug)


def _check_and_write(
    path: Path, target: Path, in_place: bool, options: Options, debug: bool
) -> None:
    """``check``'s run on one snapshot of the workbook: the report, the backup (in place) and
    the checked copy all come from the bytes read once at the start."""
    from ipsxl.checked_copy import check_for_writing
    from ipsxl.files.snapshot import Changed
    from ipsxl.writeback import WritebackError

    checked = check_for_writing(path, options)
    result = checked.report
    if not result.readable:
        _tell([result], also_on_stdout=False, debug=debug)
        sys.exit(2)
    backup = None
    try:
        if in_place:
            checked.snapshot.ensure_unchanged()
            backup = safefiles.keep_backup(checked.snapshot)
        said = checked.write(target)
    except (Changed, WritebackError, OSError) as exc:
        if backup is not None:  # nothing was written: a backup of it would only mislead
            backup.unlink(missing_ok=True)
        why = exc if isinstance(exc, Changed) else f"{path}: cannot write {target}: {exc}"
        click.echo(f"ipsxl: {why}", err=True)
        sys.exit(2)
    click.echo(report.to_text(result), nl=False)
    if in_place:
        click.echo(f"  wrote into {target} (original kept as {backup})")
    else:
        click.echo(f"  wrote {target}")
    for line in said:
        click.echo(f"  {line}")
    sys.exit(1 if result.counts()[ERROR] else 0)


_FORCE = click.option("--force", is_flag=True, help="Replace FILE if it exists.")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_FORCE
def template(file: Path, force: bool) -> None:
    """Write an empty standard workbook: every tab and header, drop-downs, date formats.

    \b
    Example:
      ipsxl template ips-2026-q3.xlsx
    """
    from ipsxl.make.template import write_template

    _refuse_existing(file, force)
    write_template(file)
    click.echo(f"wrote {file}")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--clients",
    type=click.IntRange(1),
    default=40,
    show_default=True,
    help="Clients on the caseload; jobs, referrals and contacts scale with it.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same workbook.")
@click.option("--agency", help="The Program tab's Agency  [default: an invented agency]")
@click.option("--program", help="The Program tab's Program (a team; none with --agency alone).")
@click.option(
    "--start", type=Day(), help="First day of the period, as 2026-07-01  [default: 2026-07-01]"
)
@click.option("--end", type=Day(), help="Last day of the period  [default: 2026-09-30]")
@click.option(
    "--contacts-per-client",
    type=click.FloatRange(0),
    help="Employer Log contacts per client instead of a realistic log (25 for a stress test).",
)
@_FORCE
def demo(
    file: Path, clients: int, seed: int, agency, program, start, end, contacts_per_client, force
) -> None:
    """Write a realistic filled workbook with a few typical mistakes, to try ipsxl on.

    \b
    Examples:
      ipsxl demo demo.xlsx --clients 40 --seed 7 && ipsxl validate demo.xlsx
      ipsxl demo q1.xlsx --agency "North Valley" --start 2026-01-01 --end 2026-03-31 --seed 1
    """
    from ipsxl.make import demo as demos

    first = start or demos.DEFAULT_PERIOD[0]
    last = end or demos.DEFAULT_PERIOD[1]
    if last < first:
        raise click.UsageError(f"--end {last} is before --start {first}")
    _refuse_existing(file, force)
    if agency is None:
        agency, program = demos.DEFAULT_AGENCY, program or demos.DEFAULT_PROGRAM
    demos.write_demo(
        file,
        clients=clients,
        seed=seed,
        start=first,
        end=last,
        agency=agency,
        program=program,
        contacts_per_client=contacts_per_client,
    )
    click.echo(f"wrote {file}")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The summary workbook to write (.xlsx).",
)
@_format_option("What to print: send-backs and a total (text), or the Submissions table.")
@_jobs_option
@_csv_raw_option
@_reading_options
def summary(paths, output, fmt, jobs, csv_raw, options, debug) -> None:
    """Validate a quarter's submissions and write one summary workbook for the state office.

    Sheets: Submissions (one row per workbook, which need correction), Trends (employment
    rate and data total by agency and period), Items (agencies by score), About. Counts,
    rates and scores only: no client identifiers. With --format csv or json, the Submissions
    table is printed (and --output is optional).

    \b
    Example:
      ipsxl summary submissions/ --output summary-2026q3.xlsx --jobs 4
    Exit code, as validate: 0 no errors, 1 error flags found, 2 a workbook could not be
    read; the summary is written in every case.
    """
    from ipsxl import summary as summ

    if output is None and fmt == "text":
        raise click.UsageError("give --output FILE.xlsx, or --format csv|json to print the table")
    if output is not None and output.suffix.lower() != ".xlsx":
        raise click.UsageError(f"--output must be an .xlsx file, not {output.name}")
    files = summ.find_submissions(paths)
    if not files:
        raise click.UsageError(f"no .xlsx or .xlsm workbooks found in {', '.join(paths)}")
    if output is not None and any(safefiles.same_file(output, f) for f in files):
        _refuse(output, "is one of the submissions being summarised; choose another --output")
    reports = _run_batch(files, options, jobs)
    result = summ.build_summary(reports, options)
    if output is not None:
        try:
            summ.write_summary(result, output)
        except OSError as exc:
            click.echo(f"ipsxl: cannot write {output}: {exc.strerror or exc}", err=True)
            sys.exit(2)
    if fmt == "json":
        click.echo(summ.to_json(result))
    elif fmt == "csv":
        click.echo(summ.to_csv(result, raw=csv_raw), nl=False)
    else:
        click.echo(summ.to_text(result, str(output)), nl=False)
    if output is not None and fmt != "text":
        click.echo(f"wrote {output}", err=True)
    _tell(reports, also_on_stdout=fmt == "text", debug=debug)
    sys.exit(report.exit_code(reports))


def _addin_options(config_help: str):
    """--dir and --config, where install writes and status looks."""
    return _composed(
        click.option(
            "--dir",
            "target_dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Excel's add-in start-up folder (default: XLSTART on Windows/macOS).",
        ),
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help=config_help,
        ),
    )


@main.group()
def addin() -> None:
    """Build or install the Excel add-in (IPS ribbon tab and worksheet functions)."""


@addin.command("build")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder (or .xlam path) to write ipsxl.xlam to.",
)
def addin_build(out: Path) -> None:
    """Build ipsxl.xlam from macros/ without Excel.

    \b
    Example:
      ipsxl addin build --out dist/
    """
    from ipsxl.addin import AddinError, build_addin

    try:
        click.echo(f"wrote {build_addin(out)}")
    except AddinError as exc:
        raise click.ClickException(str(exc)) from None


@addin.command("install")
@_addin_options("xlwings.conf to update (default: ~/.xlwings/xlwings.conf).")
def addin_install(target_dir: Path | None, config_file: Path | None) -> None:
    """Install ipsxl.xlam where Excel loads it and register the worksheet functions.

    Copies the ipsxl.xlam that ships with ipsxl (no VBA compiler needed) and adds
    ipsxl.udfs, and this Python if none is named yet, to xlwings.conf. On Windows
    and macOS it then checks what `ipsxl addin status` checks and exits 1, saying
    the command that fixes it, if the IPS tab would still not work (for example an
    xlwings add-in of another version than pip's xlwings).

    \b
    Example:
      ipsxl addin install
    """
    from ipsxl.addin import AddinError, install_addin

    try:
        result = install_addin(target_dir, config_file=config_file)
    except AddinError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(result.summary())
    sys.exit(1 if result.problems else 0)


@addin.command("status")
@_addin_options("xlwings.conf to read (default: the one xlwings reads).")
def addin_status(target_dir: Path | None, config_file: Path | None) -> None:
    """Check that this PC has all the IPS tab needs; exit 1 and say the fix if not.

    \b
    Checks: the xlwings add-in is in the start-up folder, of the same version as
    the xlwings pip installed (and, on macOS, its RunPython AppleScript); ipsxl.xlam
    is there; xlwings.conf names a Python that has ipsxl, and ipsxl.udfs among the
    UDF modules.

    \b
    Example:
      ipsxl addin status
    """
    from ipsxl.addin import AddinError
    from ipsxl.addin import status as addin_check

    try:
        checks = addin_check.check_setup(target_dir, config_file)
    except AddinError as exc:
        raise click.ClickException(str(exc)) from None
    for check in checks:
        click.echo(check.line())
    sys.exit(0 if all(check.ok for check in checks) else 1)


if __name__ == "__main__":  # pragma: no cover
    main()
