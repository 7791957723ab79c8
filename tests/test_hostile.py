"""Hostile and broken workbooks: each gets one clear line (or flags at the right cells) and
the batch goes on: no traceback, no hang, no machine eaten, no file touched.

The corpus is written by ``hostile.build_corpus`` (see there for every case); one
``ipsxl validate`` run over all of it is what a state office's run over a folder of submissions
looks like, and its JSON report is checked case by case.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
import json
import os
import pickle
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import forked
import openpyxl
import pytest
from builders import clean_tabs
from click.testing import CliRunner, Result
from commands import ipsxl
from hostile import (
    MANY_SHEETS,
    Case,
    Sheet,
    build_corpus,
    clean_xlsx,
    many_sheets_xlsx,
    package_parts,
    sheets_of,
    write_xlsx,
)
from session import built_once
from wb_fixtures import sheet_part

from ipsxl.cli import main
from ipsxl.files import guard, package_scan, read
from ipsxl.files.read import DEFAULT_LIMITS, Limits, UnreadableWorkbook
from ipsxl.validate import check_file
from ipsxl.writeback import clear

SECRET = "TOP-SECRET-XXE-7f3a"
NO_GUARD = Limits(max_seconds=None, max_memory=None)  # in-process, extents scanned first


@dataclasses.dataclass
class Corpus:
    folder: Path
    cases: list[Case]
    digests: dict[str, str]

    def path(self, case: Case) -> Path:
        return self.folder / case.name


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_BUILT: dict[str, tuple[Path, list[Case]]] = {}


def _build(config: pytest.Config) -> tuple[Path, list[Case]]:
    """The corpus, written once per test session (collection needs the case names already,
    and every xdist worker collects): under the session's temporary folder, which pytest
    removes in its time, with the cases beside it for the workers that did not write it."""
    if "corpus" not in _BUILT:
        root = built_once(config._tmp_path_factory, "hostile-corpus", _write_corpus)
        cases = pickle.loads((root / "cases.pickle").read_bytes())
        _BUILT["corpus"] = root / "corpus", cases
    return _BUILT["corpus"]


def _write_corpus(root: Path) -> None:
    secret = root / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET)
    cases = build_corpus(root / "corpus", secret)
    (root / "cases.pickle").write_bytes(pickle.dumps(cases))


def pytest_generate_tests(metafunc) -> None:
    if "case_name" in metafunc.fixturenames:
        metafunc.parametrize("case_name", [c.name for c in _build(metafunc.config)[1]])


@pytest.fixture(scope="module")
def corpus(pytestconfig: pytest.Config) -> Corpus:
    folder, cases = _build(pytestconfig)
    return Corpus(folder, cases, {c.name: _digest(folder / c.name) for c in cases})


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``ipsxl ARGS`` as a real process started afresh: what reaches a terminal (the corpus's
    batch runs in a forked process, the other runs in this process, through ``commands``)."""
    return subprocess.run(
        [sys.executable, "-m", "ipsxl", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def validated(corpus: Corpus) -> tuple[subprocess.CompletedProcess, dict[str, dict]]:
    """One `ipsxl validate --format json` over the folder (and the .xls, named on its own), in
    a process of its own (forked from this one)."""
    proc = forked.run(
        "validate", str(corpus.folder), str(corpus.folder / "legacy.xls"), "--format", "json"
    )
    doc = json.loads(proc.stdout, parse_constant=_no_constants)
    return proc, {Path(w["file"]).name: w for w in doc["workbooks"]}


def _no_constants(name: str) -> None:
    raise AssertionError(f"the JSON report holds {name}, which is not JSON")


def _case(corpus: Corpus, name: str) -> Case:
    return next(c for c in corpus.cases if c.name == name)


def _exit_code_of(workbook: dict) -> int:
    if not workbook["readable"]:
        return 2
    return 1 if workbook["counts"]["error"] else 0


def test_every_case_ends_as_described(corpus, validated, case_name):
    case = _case(corpus, case_name)
    proc, by_name = validated
    wb = by_name[case.name]
    if not case.readable:
        assert wb == {"file": wb["file"], "readable": False, "error": wb["error"]}
        assert case.reason in wb["error"], wb["error"]
        line = f"ipsxl: {wb['file']}: {wb['error']}"
        assert proc.stderr.splitlines().count(line) == 1  # one line says which file and why
        assert "\n" not in wb["error"] and len(wb["error"]) < 300
        return
    assert wb["readable"] is True, wb.get("error")
    if case.exit_code is not None:
        assert _exit_code_of(wb) == case.exit_code, wb["flags"]
    for want in case.flags:
        hits = [
            f
            for f in wb["flags"]
            if (f["sheet"], f["row"], f["column"], f["code"])
            == (want.sheet, want.row, want.column, want.code)
        ]
        assert hits, f"no {want} among {wb['flags']}"
        assert want.says in hits[0]["message"], hits[0]["message"]
        if want.value is not None:
            assert hits[0]["value"] == want.value
    for sheet, row, column in case.clean:
        wrong = [
            f
            for f in wb["flags"]
            if f["sheet"] == sheet and f["row"] == row and (column is None or f["column"] == column)
        ]
        assert not wrong, wrong


def test_the_batch_goes_on_exits_2_without_a_traceback(corpus, validated):
    proc, by_name = validated
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert set(by_name) == {c.name for c in corpus.cases}
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == len([c for c in corpus.cases if not c.readable])
    assert all(line.startswith(f"ipsxl: {corpus.folder}") for line in lines)


def test_no_file_of_the_corpus_is_changed_or_added_to(corpus, validated):
    assert {c.name: _digest(corpus.path(c)) for c in corpus.cases} == corpus.digests
    assert sorted(p.name for p in corpus.folder.iterdir() if not p.name.startswith(".")) == sorted(
        c.name for c in corpus.cases
    )


def test_the_text_report_cannot_drive_the_terminal(corpus):
    """Control and bidirectional-override characters from cells are shown as escapes."""
    names = ["unicode-text.xlsx", "long-cell.xlsx", "formula-errors.xlsx", "renamed.xlsx"]
    proc = run("validate", *(str(corpus.folder / n) for n in names))
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out
    assert not any(ch in out for ch in "\x1b\x07\x00\u202e\u202c"), "raw control characters"
    assert "\\x1b[31m" in out  # the bad date of unicode-text.xlsx, readable as text


def test_no_entity_is_ever_expanded_nor_the_local_file_read(corpus, validated):
    proc, _ = validated
    assert SECRET not in proc.stdout + proc.stderr
    assert "lollollol" not in proc.stdout + proc.stderr


def test_calamine_itself_neither_expands_entities_nor_reads_files(corpus):
    """Proof for the reader below ipsxl's own checks: quick-xml knows no DTD entities, so
    python-calamine refuses the reference instead of expanding it (in a moment)."""
    from python_calamine import CalamineWorkbook

    for name in ("billion-laughs.xlsx", "xxe-sheet.xlsx", "xxe-workbook.xlsx"):
        started = time.monotonic()
        with pytest.raises(Exception) as caught:
            book = CalamineWorkbook.from_path(str(corpus.folder / name))
            for sheet in book.sheet_names:
                book.get_sheet_by_name(sheet).to_python()
        assert "entity" in str(caught.value)
        assert SECRET not in str(caught.value)
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("how", ["no guard (extents scanned first)", "thread (no fork)"])
def test_every_case_ends_the_same_without_the_child_process(corpus, how, monkeypatch):
    """Where there is no fork (Windows) or no memory cap, the package scan measures how far
    each sheet reaches before calamine allocates it: same answers, more precise for far cells."""
    limits = NO_GUARD
    if how.startswith("thread"):
        monkeypatch.delattr(os, "fork", raising=False)
        limits = DEFAULT_LIMITS
    for case in corpus.cases:
        try:
            read.read_workbook(corpus.path(case), limits)
        except UnreadableWorkbook as exc:
            assert case.reason and case.reason in str(exc), (case.name, str(exc))
        else:
            assert case.readable, case.name
    with pytest.raises(UnreadableWorkbook) as far:
        read.read_workbook(corpus.folder / "far-cell.xlsx", limits)
    assert str(far.value).startswith("too large: sheet 'Caseload' spans 1,048,576 rows x 16,384")


def test_check_refuses_a_hostile_file_with_one_line_and_writes_nothing(corpus, tmp_path):
    for name in ("password.xlsx", "xxe-sheet.xlsx", "zip-bomb.xlsx"):
        src = tmp_path / name
        src.write_bytes((corpus.folder / name).read_bytes())
        proc = ipsxl("check", str(src))
        assert proc.returncode == 2
        assert proc.stderr.strip().splitlines() == [f"ipsxl: {src}: {_reason(corpus, name)}"]
        assert not list(tmp_path.glob("*.checked.*"))
        assert src.read_bytes() == (corpus.folder / name).read_bytes()


def _reason(corpus: Corpus, name: str) -> str:
    return check_file(corpus.folder / name).error


# --- the limits, set from the command line ------------------------------------------------------


def test_max_rows_refuses_a_longer_sheet(tmp_path):
    book = clean_xlsx(tmp_path / "a.xlsx")
    result = CliRunner().invoke(main, ["validate", str(book), "--max-rows", "50"])
    assert result.exit_code == 2
    assert "too large: sheet 'Employer Log' has cells down to row 158 (limit 50;" in result.output


def test_max_mb_refuses_what_inflates_past_it(tmp_path):
    tabs = clean_tabs()
    for row in tabs["Employer Log"][1:]:
        row[8] = "a long note " * 1200  # about 1.1 MB of notes in all
    book = write_xlsx(tmp_path / "a.xlsx", sheets_of(tabs))
    result = CliRunner().invoke(main, ["validate", str(book), "--max-mb", "1"])
    assert result.exit_code == 2
    assert "too large:" in result.output and "(limit 1 MB; raise --max-mb)" in result.output
    result = CliRunner().invoke(main, ["validate", str(book), "--max-mb", "4"])
    assert result.exit_code == 0, result.output


def test_timeout_gives_up_on_a_slow_read_and_goes_on(tmp_path):
    slow = clean_xlsx(tmp_path / "a-slow.xlsx")
    proc = ipsxl("validate", str(slow), "--timeout", "0.001")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"ipsxl: {slow}: too slow: reading it took longer than 0.001"
        " seconds (raise --timeout to allow more)"
    )


# --- the guard: time, memory, crashes -----------------------------------------------------------


def _sleep(path, limits, capped=False):
    time.sleep(30)


def _allocate(path, limits, capped=False):
    return bytearray(3 * 1024**3)  # 3 GB


def _abort(path, limits, capped=False):
    os.abort()


def _raise(path, limits, capped=False):
    raise RuntimeError("line one\nline two \x1b[2J")


def _ok(path, limits, capped=False):
    return {"capped": capped, "pid": os.getpid()}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the child-process guard needs fork")
def test_the_guard_kills_a_hung_read_in_time(tmp_path):
    started = time.monotonic()
    with pytest.raises(UnreadableWorkbook, match="too slow: reading it took longer than 0.3"):
        guard.guarded(_sleep, tmp_path, Limits(max_seconds=0.3))
    assert time.monotonic() - started < 5


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="memory cap needs Linux")
def test_the_guard_caps_memory():
    with pytest.raises(UnreadableWorkbook, match="too large: reading it needs more than 256 MB"):
        guard.guarded(_allocate, Path("x"), Limits(max_memory=256 * 1024**2))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the child-process guard needs fork")
def test_a_crash_in_the_reader_is_one_line_not_the_end_of_the_batch():
    with pytest.raises(UnreadableWorkbook, match="^too large: reading it needs more than"):
        guard.guarded(_abort, Path("x"), DEFAULT_LIMITS)
    with pytest.raises(UnreadableWorkbook) as caught:
        guard.guarded(_raise, Path("x"), DEFAULT_LIMITS)
    assert str(caught.value) == "damaged: RuntimeError: line one"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the child-process guard needs fork")
def test_the_guarded_read_runs_in_a_capped_child():
    got = guard.guarded(_ok, Path("x"), DEFAULT_LIMITS)
    assert got["pid"] != os.getpid()
    assert got["capped"] is Path("/proc/self/statm").exists()
    assert guard.guarded(_ok, Path("x"), NO_GUARD) == {"capped": False, "pid": os.getpid()}


def test_the_thread_guard_gives_up_in_time(monkeypatch):
    started = time.monotonic()
    with pytest.raises(UnreadableWorkbook, match="too slow"):
        guard._in_thread(_sleep, Path("x"), Limits(max_seconds=0.2)).result()
    assert time.monotonic() - started < 5


def test_unreadable_paths_are_one_line_too(tmp_path):
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    locked = clean_xlsx(tmp_path / "locked.xlsx")
    locked.chmod(0)
    try:
        reports = {p.name: check_file(p) for p in (folder, tmp_path / "gone.xlsx", locked)}
    finally:
        locked.chmod(0o644)
    assert reports["folder.xlsx"].error == "not a file (a folder, device or pipe)"
    assert reports["gone.xlsx"].error == "no such file"
    if os.geteuid() != 0:  # root reads anything
        assert reports["locked.xlsx"].error == "cannot be opened: Permission denied"


@pytest.mark.skipif(
    importlib.util.find_spec("ipsxl.writeback") is None,
    reason="ipsxl.writeback (ipsxl check) is not there yet",
)
def test_check_writes_a_sound_copy_of_every_readable_case(corpus, checked_cases):
    """Odd but readable workbooks go through write-back too: a copy that reads back with its
    Flags sheet, and the original untouched."""
    for case in corpus.cases:
        if not case.readable:
            continue
        src, result, _ = checked_cases[case.name]
        assert result.exit_code in (0, 1), (case.name, result.output)
        assert src.read_bytes() == corpus.path(case).read_bytes(), case.name
        checked = read.read_workbook(src.with_name(src.stem + ".checked.xlsx"), NO_GUARD)
        assert "Flags" in checked.sheets, case.name


def test_hidden_tabs_are_read_and_known_as_hidden(corpus):
    raw = read.read_workbook(corpus.folder / "hidden-caseload.xlsx")
    assert raw.hidden == ["Caseload", "Jobs"]
    assert len(raw.tables["Caseload"].frame) == 3 and len(raw.tables["Jobs"].frame) == 2


def test_our_xml_parser_neither_expands_nor_fetches(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    doc = (
        f'<!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}"><!ENTITY l "lol">]><x>&e;&l;</x>'
    ).encode()
    root = package_scan._xml(doc, "part.xml")
    assert SECRET not in (root.text or "") and "lol" not in (root.text or "")


SRC = Path(read.__file__).parent


def test_every_xml_parser_in_the_source_is_hardened():
    """A guard for code to come: any lxml parser built in src/ipsxl resolves no entities and
    fetches nothing, and no stdlib or openpyxl XML reader parses a submitted file."""
    import re

    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"(?:XMLParser|XMLPullParser|iterparse)\(", text):
            args = text[call.end() : call.end() + 400]
            assert "resolve_entities=False" in args and "no_network=True" in args, (
                f"{path.name}: {text[call.start() : call.start() + 80]}"
            )
        for risky in (
            r"\bxml\.dom",
            r"\bxml\.sax(?!\.saxutils)",
            r"(?<!l)xml\.etree",
            r"load_workbook\(",
        ):
            assert not re.search(risky, text), f"{path.name}: {risky}; use a hardened lxml"


# --- a package of thousands of parts ------------------------------------------------------------


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Count, by part name, every XML parse the write-back makes in this process."""
    from ipsxl.writeback import xmlparse

    counts: Counter = Counter()
    for name in ("parse", "parse_shallow"):
        real = getattr(xmlparse, name)

        def counting(data, part="", *args, real=real, **kwargs):
            counts[part] += 1
            return real(data, part, *args, **kwargs)

        monkeypatch.setattr(xmlparse, name, counting)
    return counts


@pytest.fixture(scope="module")
def checked_cases(corpus, tmp_path_factory) -> dict[str, tuple[Path, Result, Counter]]:
    """`ipsxl check` of a copy of each readable case of the corpus, run once for the tests that
    look at it: by case, the copy checked, the run's result, and the XML parses its write-back
    made (by part)."""
    folder = tmp_path_factory.mktemp("checked")
    out = {}
    with pytest.MonkeyPatch.context() as patch:
        counts = _count_parses(patch)
        for case in corpus.cases:
            if not case.readable:
                continue
            src = folder / case.name
            src.write_bytes(corpus.path(case).read_bytes())
            before = counts.copy()
            result = CliRunner().invoke(main, ["check", str(src)])
            out[case.name] = src, result, counts - before
    return out


@pytest.mark.parametrize("empty", [MANY_SHEETS, 15_000])
def test_check_reads_each_part_of_a_many_sheet_package_once(tmp_path, monkeypatch, empty, request):
    """Thousands of empty sheets: the checked copy is written, and no part is parsed again for
    each sheet (the write-back's cost grows with the package, not with its square). The
    smaller package is the corpus's many-sheets.xlsx (the same workbook, built by
    ``many_sheets_xlsx``), whose check ``checked_cases`` has made already."""
    if empty == MANY_SHEETS:
        book, result, counts = request.getfixturevalue("checked_cases")["many-sheets.xlsx"]
    else:
        book = many_sheets_xlsx(tmp_path / "many.xlsx", empty)
        counts = _count_parses(monkeypatch)
        result = CliRunner().invoke(main, ["check", str(book), "--timeout", "600"])
    assert result.exit_code == 1, result.output
    checked = book.with_name(f"{book.stem}.checked.xlsx")
    assert {"Fidelity", "Flags"} <= set(read.read_workbook(checked, NO_GUARD).sheets)
    assert counts["[Content_Types].xml"] == 1
    assert counts["xl/workbook.xml"] <= 2  # as read, and once its ipsxl sheets are gone
    assert max(counts.values()) <= 2, counts.most_common(3)
    assert sum(counts.values()) < 50  # the standard tabs and the package's own parts


def test_the_timeout_covers_the_write_back(tmp_path, monkeypatch):
    """--timeout bounds the whole check, write-back included: past it, one line, exit 2, and
    no checked copy (nor a temporary file) left behind. The write-back's clock is made to run
    ten seconds a look, so the test does not depend on how fast this machine is."""
    from ipsxl.writeback import deadline

    ticks = iter(range(0, 10_000, 10))
    monkeypatch.setattr(deadline, "monotonic", lambda: float(next(ticks)))
    book = many_sheets_xlsx(tmp_path / "many.xlsx", 50)
    result = CliRunner().invoke(main, ["check", str(book), "--timeout", "45"])
    assert result.exit_code == 2
    assert "too slow: checking and writing it took longer than 45 seconds" in result.output
    assert "(raise --timeout to allow more)" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.xlsx"]


# --- a huge sheet of the agency's own -----------------------------------------------------------

# Runs `python -m ipsxl ARGS` as the CLI does and, as it exits, writes this process's own peak
# memory to stderr: the high-water mark of its address space since it started (not its
# children's: the guard's child reads the workbook; and not ru_maxrss, which keeps the peak of
# the process it was forked from, here pytest's).
_OWN_PEAK = """
import atexit, runpy, sys
def peak():
    with open("/proc/self/status") as fh:
        kib = next(line.split()[1] for line in fh if line.startswith("VmHWM:"))
    sys.stderr.write("peak-kib %s\\n" % kib)
atexit.register(peak)
sys.argv = ["ipsxl", *sys.argv[1:]]
runpy.run_module("ipsxl", run_name="__main__")
"""
PIVOT_PART = "xl/worksheets/sheet7.xml"  # after the six standard tabs


HUGE_ROWS = 24_000  # about 65 MB of XML in the sheet, packed into about 1 MB


@functools.cache
def _pivot_source_rows(rows: int) -> str:
    """Rows of an agency's own data sheet (a pivot table's source, say): a number, five notes
    of a contact with an employer and a date serial. The notes repeat enough to deflate about
    sixtyfold, less than a zip bomb does (the package scan refuses a part that inflates more
    than 200 times): the sheet is large inflated and small packed, so what the process holds
    of the packed file (the whole of it: see ``Snapshot``) stays small beside the sheet."""
    said = (
        "talked through the client's strengths, the hours the client can work and the support"
        " the specialist gives on the job, and agreed a follow-up visit in two weeks; "
    )
    notes = [
        f"{kind} contact with employer {k}: {said * 3}"
        for k in range(2)
        for kind in ("Phone", "Visit", "Email", "Meeting", "Job fair")
    ]
    return "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r % 1000}</v></c>'
        + "".join(
            f'<c r="{column}{r}" t="inlineStr"><is><t>{notes[(3 * r + k) % 10]}</t></is></c>'
            for k, column in enumerate("BCDEF")
        )
        + f'<c r="G{r}"><v>{r % 365 + 46000}</v></c></row>'
        for r in range(1, rows + 1)
    )


def _with_own_sheet(path: Path, rows: int, selected: bool = False) -> Path:
    """The clean workbook and, after its tabs, a sheet of the agency's own of ``rows`` rows;
    ``selected``: saved with that sheet's tab selected and active, as Excel leaves the sheet
    a person was on."""
    views = '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
    own = Sheet(
        "Pivot Source",
        [],
        extra_rows=_pivot_source_rows(rows),
        before_data=views if selected else "",
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in package_parts([*sheets_of(clean_tabs()), own]):
            if selected and name == "xl/workbook.xml":
                active = b'<bookViews><workbookView activeTab="6"/></bookViews><sheets>'
                data = data.replace(b"<sheets>", active, 1)
            zf.writestr(name, data)
    return path


def _part_digests(book: Path) -> dict[str, str]:
    """Each part's SHA-256, read a chunk at a time."""
    out = {}
    with zipfile.ZipFile(book) as zf:
        for info in zf.infolist():
            digest = hashlib.sha256()
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
            out[info.filename] = digest.hexdigest()
    return out


def _selected_tabs(book: Path) -> list[str]:
    wb = openpyxl.load_workbook(book)
    return [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected]


def _check_peak_kib(book: Path, out: Path) -> int:
    """`ipsxl check BOOK --output OUT` as a real process; the peak memory of that process."""
    proc = subprocess.run(
        [sys.executable, "-c", _OWN_PEAK, "check", str(book), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return int(proc.stderr.rsplit("peak-kib ", 1)[1].split()[0])


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's")
def test_check_copies_a_huge_sheet_of_its_own_without_holding_it_in_memory(tmp_path):
    """A workbook with a big sheet that is not the standard's (tens of MB of XML, where a real
    one may hold hundreds): `ipsxl check` copies it as it is into the checked copy, and the
    process that writes the copy never holds it inflated (its peak memory grows by far less
    than the sheet's size over that of the same workbook with a short such sheet)."""
    big = _with_own_sheet(tmp_path / "big.xlsx", HUGE_ROWS)
    small = _with_own_sheet(tmp_path / "small.xlsx", 10)
    with zipfile.ZipFile(big) as zf:
        inflated = zf.getinfo(PIVOT_PART).file_size
        pivot = zf.read(PIVOT_PART)
    assert inflated > 60 * 1024 * 1024
    baseline = _check_peak_kib(small, tmp_path / "small.checked.xlsx")
    peak = _check_peak_kib(big, tmp_path / "big.checked.xlsx")
    assert (peak - baseline) * 1024 < inflated / 4, (peak - baseline) // 1024
    with zipfile.ZipFile(tmp_path / "big.checked.xlsx") as zf:
        assert zf.read(PIVOT_PART) == pivot
        assert zf.testzip() is None
    checked = read.read_workbook(tmp_path / "big.checked.xlsx")
    assert {"Fidelity", "Flags", "Pivot Source"} <= set(checked.sheets)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's")
def test_check_copies_a_huge_selected_sheet_without_holding_it_and_clear_selects_it_again(
    tmp_path,
):
    """The agency saved with its big sheet selected: the checked copy opens on ipsxl's sheet
    with that one tab selected (two would group the sheets in Excel), which means an edit in
    the big sheet's views, and still the process never holds the sheet inflated. Clearing the
    copy gives back the agency's workbook exactly, its selection with it."""
    big = _with_own_sheet(tmp_path / "big.xlsx", HUGE_ROWS, selected=True)
    small = _with_own_sheet(tmp_path / "small.xlsx", 10, selected=True)
    with zipfile.ZipFile(big) as zf:
        inflated = zf.getinfo(PIVOT_PART).file_size
        with zf.open(PIVOT_PART) as fh:
            head = fh.read(4096)
    assert inflated > 60 * 1024 * 1024 and b'tabSelected="1"' in head
    baseline = _check_peak_kib(small, tmp_path / "small.checked.xlsx")
    peak = _check_peak_kib(big, tmp_path / "big.checked.xlsx")
    assert (peak - baseline) * 1024 < inflated / 4, (peak - baseline) // 1024

    opens_on = _selected_tabs(tmp_path / "small.checked.xlsx")
    assert opens_on in (["Fidelity"], ["Flags"])
    with zipfile.ZipFile(tmp_path / "big.checked.xlsx") as zf:
        assert zf.testzip() is None
        with zf.open(PIVOT_PART) as fh:
            copied = fh.read(4096)
        assert b'tabSelected="1"' not in copied[: copied.index(b"sheetData")]
        assert copied.replace(b'tabSelected="0"', b'tabSelected="1"', 1) == head
        for sheet in ("Fidelity", "Flags"):
            part = sheet_part(tmp_path / "big.checked.xlsx", sheet)
            selected = b'tabSelected="1"' in zf.read(part)
            assert selected == (sheet in opens_on), sheet

    again = tmp_path / "small.again.xlsx"  # checked once more: the first run taken back first
    result = CliRunner().invoke(
        main, ["check", str(tmp_path / "small.checked.xlsx"), "--output", str(again)]
    )
    assert result.exit_code == 0, result.output
    assert _selected_tabs(again) == opens_on
    for name in ("small", "big", "small.again"):
        checked = tmp_path / f"{name}.checked.xlsx" if name != "small.again" else again
        cleared = tmp_path / f"{name}.cleared.xlsx"
        clear(checked, cleared)
        original = tmp_path / f"{name.split('.')[0]}.xlsx"
        assert _part_digests(cleared) == _part_digests(original), name
    assert _selected_tabs(tmp_path / "small.cleared.xlsx") == ["Pivot Source"]
