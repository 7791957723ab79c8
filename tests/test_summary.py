"""The state office's summary workbook, read the way the office reads it.

One folder of submissions is built once for the module: three agencies over four quarters (two
from the demo generator, one from ``clean_tabs`` with its dates moved to each quarter), a
corrected resubmission beside the workbook it corrects, a one-off agency whose workbook has an
error, and a file that is not a workbook. Expected figures come from each workbook's own
``ipsxl validate --format json`` report and from what the test wrote, never from the summary code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import builders
import office
import openpyxl
import pytest
from builders import clean_tabs, set_cell, write_workbook
from click.testing import CliRunner
from commands import ipsxl
from python_calamine import CalamineWorkbook

from ipsxl.cli import main
from ipsxl.core import scale
from ipsxl.make.demo import write_demo
from ipsxl.summary import summarize
from ipsxl.summary.table import TREND_MEASURES

D = dt.date
QUARTERS = [
    (D(2025, 7, 1), D(2025, 9, 30)),
    (D(2025, 10, 1), D(2025, 12, 31)),
    (D(2026, 1, 1), D(2026, 3, 31)),
    (D(2026, 4, 1), D(2026, 6, 30)),
]
LABELS = ["2025 Q3", "2025 Q4", "2026 Q1", "2026 Q2"]
TAGS = ["2025q3", "2025q4", "2026q1", "2026q2"]

NORTH = "North Valley Services (Supported Employment)"
LAKESIDE = "Lakeside Clinic"
HILL = "Hill County Behavioral Health (Hill IPS)"
SOLO_BAD_DATE = "31/02/2026"
SHEETS = ["Overview", "Submissions", "Trends", "Items", "About"]
ITEM_HEADERS = {
    it.id: f"{it.label} (suggests)" if scale.is_indicator(it.id) else it.label
    for it in scale.ITEMS
    if it.id
}
# the new outcome columns of Submissions: header -> how the report gives the figure
OUTCOME_HEADERS = {
    "New Enrollments": lambda o: o["new_enrollments"],
    "Clients With a Job Start": lambda o: o["clients_with_job_start"],
    "First Jobs": lambda o: o["first_jobs"],
    "Median Days to First Job": lambda o: o["days_to_first_job"],
    "Job Endings": lambda o: sum(o["job_endings"].values()),
    "90-Day Retention": lambda o: o["retention_90"],
    "Closures": lambda o: sum(o["closures"].values()),
    "Median Wage": lambda o: o["median_wage"],
}


def shown_score(item):
    """What the summary shows for an item: the data's score, or an indicator's suggestion."""
    return item["suggests"] if item["basis"] == scale.INDICATOR else item["score"]


def _beside_a_real_run(
    real: list[str], here: list[str]
) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """``ipsxl REAL`` in a real process and, while it runs, ``ipsxl HERE`` in this one (through
    click's CliRunner): the two runs side by side, what each printed and its exit code."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ipsxl", *real],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        in_here = ipsxl(*here)
    finally:
        out, err = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(real, proc.returncode, out, err), in_here


def _rename_clients(tabs: dict, prefix: str, number: int) -> None:
    """C1..C3 become PREFIX-<number+k>: IDs no XML part of the summary could hold by chance."""
    ids = {f"C{k}": f"{prefix}-{number + k}" for k in (1, 2, 3)}
    for name, rows in tabs.items():
        if name != "Program":
            for row in rows[1:]:
                row[:] = [
                    re.sub(r"\bC[123]\b", lambda m: ids[m.group(0)], v) if isinstance(v, str) else v
                    for v in row
                ]


def _program(tabs: dict, agency: str, program: str | None, start: dt.date, end: dt.date) -> None:
    fields = {row[0]: row for row in tabs["Program"]}
    fields["Agency"][1], fields["Program"][1] = agency, program
    fields["Period Start"][1], fields["Period End"][1] = start, end


def _hill_tabs(quarter: int, drop_first_job: bool = False) -> dict:
    """clean_tabs (no flag at all) moved to a quarter, for the agency with no errors."""
    tabs = clean_tabs()
    start, end = QUARTERS[quarter]
    shift = start - builders.START
    for name, rows in tabs.items():
        if name != "Program":
            for row in rows[1:]:
                row[:] = [v + shift if isinstance(v, dt.date) else v for v in row]
    _rename_clients(tabs, "HC", 7100 + 10 * quarter)
    _program(tabs, "Hill County Behavioral Health", "Hill IPS", start, end)
    if drop_first_job:
        del tabs["Jobs"][1]  # the first client's job: one employed client fewer
    return tabs


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The submissions folder, every workbook's validate JSON, and one summary run over it."""
    root = tmp_path_factory.mktemp("summary")
    subs = root / "submissions"
    files: dict[tuple[str, int], Path] = {}
    for agency, folder, program, seed in (
        ("North Valley Services", "north", "Supported Employment", 100),
        ("Lakeside Clinic", "lakeside", None, 200),
    ):
        (subs / folder).mkdir(parents=True)
        for q, (start, end) in enumerate(QUARTERS):
            name = agency.upper() if (folder, q) == ("north", 1) else agency  # typed differently
            path = subs / folder / f"{folder}-{TAGS[q]}.xlsx"
            write_demo(
                path, clients=8, seed=seed + q, start=start, end=end, agency=name, program=program
            )
            files[(folder, q)] = path
    (subs / "hill").mkdir()
    for q in range(4):
        path = (
            subs / "hill" / (f"hill-{TAGS[q]}-corrected.xlsx" if q == 2 else f"hill-{TAGS[q]}.xlsx")
        )
        files[("hill", q)] = write_workbook(path, _hill_tabs(q, drop_first_job=q == 1))
    # the first 2026 Q1 workbook, with an error and a job missing; the corrected one replaces it
    first = _hill_tabs(2, drop_first_job=True)
    set_cell(first, "Caseload", 1, "Referral Date", "45/45/2026")
    files[("hill-first", 2)] = write_workbook(subs / "hill" / "hill-2026q1.xlsx", first)
    solo = clean_tabs()
    _rename_clients(solo, "SO", 1000)
    _program(solo, "Solo Harbor House", None, builders.START, builders.END)
    set_cell(solo, "Caseload", 2, "Enrollment Date", SOLO_BAD_DATE)
    files[("solo", 0)] = write_workbook(subs / "solo-2026q3.xlsx", solo)
    broken = subs / "zz-unreadable.xlsx"
    broken.write_text("agency,quarter\nnot,a workbook\n")

    out = root / "out" / "summary.xlsx"
    (root / "out").mkdir()
    # the summary as a state office runs it (a real process, two workers) and, side by side, the
    # expected figures: validate's reports, in this process
    proc, validated = _beside_a_real_run(
        ["summary", str(subs), "--output", str(out), "--jobs", "2", "--format", "json"],
        ["validate", str(subs), "--format", "json"],
    )
    assert validated.returncode == 2, validated.stderr
    reports = {w["file"]: w for w in json.loads(validated.stdout)["workbooks"]}
    return {
        "root": root,
        "subs": subs,
        "files": files,
        "broken": broken,
        "reports": reports,
        "out": out,
        "proc": proc,
    }


def _table(ws) -> list[dict[str, object]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _block(ws, title: str) -> dict[str, dict[str, object]]:
    """A Trends block: agency (column header) -> period label -> value."""
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    top = next(i for i, row in enumerate(cells) if row[0] == title)
    header = cells[top + 1]
    out: dict[str, dict[str, object]] = {}
    for row in cells[top + 2 :]:
        if row[0] is None:
            break
        for name, value in zip(header[1:], row[1:], strict=False):
            if name and not str(name).startswith("Benchmark"):
                out.setdefault(name, {})[row[0]] = value
    return out


def _rate(report: dict) -> float | None:
    return report["outcomes"]["employment_rate"]


def test_exit_code_is_2_and_the_text_lists_what_goes_back(batch):
    proc = batch["proc"]
    assert proc.returncode == 2, proc.stderr
    assert batch["out"].exists() and f"wrote {batch['out']}" in proc.stderr
    assert f"{batch['broken']}: not an Excel workbook" in proc.stderr
    assert "Traceback" not in proc.stderr

    subs, reports = batch["subs"], batch["reports"]
    paths = [
        batch["files"][("hill-first", 2)],
        subs / "solo-2026q3.xlsx",
        batch["broken"],
        batch["files"][("hill", 3)],
    ]  # several PATHs, in the order given
    result = CliRunner().invoke(
        main, ["summary", *map(str, paths), "--output", str(batch["root"] / "text.xlsx")]
    )
    assert result.exit_code == 2
    given = [str(p) for p in paths]
    back = [f for f in given if not reports[f]["readable"] or reports[f]["counts"]["error"]]
    assert back == [
        str(batch["files"][("hill-first", 2)]),
        str(batch["files"][("solo", 0)]),
        str(batch["broken"]),
    ]
    sent = [
        line.split(": send back:")[0]
        for line in result.stdout.splitlines()
        if ": send back:" in line
    ]
    assert sent == back
    assert "4 workbooks from 2 agencies: 3 need correction (1 unreadable)" in result.stdout


def test_the_terminal_names_each_agency_and_period_sent_twice(batch):
    files = batch["files"]
    paths = [files[("hill-first", 2)], files[("hill", 2)], files[("hill", 3)]]
    result = CliRunner().invoke(
        main, ["summary", *map(str, paths), "--output", str(batch["root"] / "twice.xlsx")]
    )
    assert result.exit_code == 1
    assert (
        f"{HILL}, 2026 Q1: two submissions; {files[('hill', 2)]} is used,"
        f" not {files[('hill-first', 2)]}."
    ) in result.stdout.splitlines()


def test_submissions_has_one_row_per_workbook_matching_its_report(batch):
    wb = openpyxl.load_workbook(batch["out"])
    assert wb.sheetnames == SHEETS
    ws = wb["Submissions"]
    rows = _table(ws)
    reports = batch["reports"]
    assert [r["File"] for r in rows] == list(reports)  # validate's order
    for row in rows:
        rep = reports[row["File"]]
        if not rep["readable"]:
            assert row["Readable"] == "No" and row["Needs Correction"] == "Yes"
            assert row["Reason Unreadable"] == rep["error"]
            assert row["Errors"] is None and row["Employment Rate"] is None
            continue
        errors = rep["counts"]["error"]
        assert row["Readable"] == "Yes" and row["Reason Unreadable"] is None
        assert row["Agency"] == rep["agency"] and row["Program"] == rep["program"]
        assert row["Period Start"].date().isoformat() == rep["period"]["start"]
        assert row["Period End"].date().isoformat() == rep["period"]["end"]
        assert (row["Errors"], row["Warnings"]) == (errors, rep["counts"]["warning"])
        assert row["Needs Correction"] == ("Yes" if errors else "No")
        assert row["Active Clients"] == rep["outcomes"]["active_clients"]
        assert row["Employed Clients"] == rep["outcomes"]["employed_clients"]
        assert row["Employment Rate"] == pytest.approx(_rate(rep))
        for item in rep["fidelity"]["items"]:
            assert row[ITEM_HEADERS[item["id"]]] == shown_score(item), item["id"]
        for header, figure in OUTCOME_HEADERS.items():
            assert row[header] == figure(rep["outcomes"]), header
        assert row["Rate Note"] == rep["outcomes"]["employment_rate_note"]
        assert row["Data Total"] == rep["fidelity"]["data_total"]
        assert row["Items Scored"] == rep["fidelity"]["scored_items"]
    by_file = {r["File"]: r for r in rows}
    hill = [by_file[str(batch["files"][("hill", q)])] for q in range(4)]
    assert [r["Period"] for r in hill] == LABELS
    assert [r["Needs Correction"] for r in hill] == ["No"] * 4
    assert by_file[str(batch["files"][("hill-first", 2)])]["Needs Correction"] == "Yes"
    assert by_file[str(batch["files"][("hill", 1)])]["Employment Rate"] == pytest.approx(0.333)
    assert by_file[str(batch["files"][("solo", 0)])]["Errors"] == 1

    (table,) = ws.tables.values()
    assert table.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{len(rows) + 1}"
    formulas = " ".join(
        f for cf in ws.conditional_formatting for rule in cf.rules for f in rule.formula
    )
    for threshold in ("0.31", "0.41", "0.5"):
        assert f">={threshold}" in formulas
    assert "<=2" in formulas and "=3" in formulas and ">=4" in formulas


def test_trends_follow_each_agency_across_quarters(batch):
    wb = openpyxl.load_workbook(batch["out"])
    ws = wb["Trends"]
    reports, files = batch["reports"], batch["files"]
    rate, total = _block(ws, "Employment rate"), _block(ws, "Data total")
    assert set(rate) == set(total) == {NORTH, LAKESIDE, HILL}  # Solo has one period only
    for name, folder in ((NORTH, "north"), (LAKESIDE, "lakeside"), (HILL, "hill")):
        expect = [reports[str(files[(folder, q)])] for q in range(4)]
        assert [rate[name][label] for label in LABELS] == pytest.approx(
            [_rate(r) for r in expect]
        ), name
        assert [total[name][label] for label in LABELS] == [
            r["fidelity"]["data_total"] for r in expect
        ], name
    first = reports[str(files[("hill-first", 2)])]
    assert _rate(first) != _rate(reports[str(files[("hill", 2)])])  # the test tells them apart
    notes = [
        (c.row, c.value) for c in ws["A"] if isinstance(c.value, str) and "submissions;" in c.value
    ]
    assert [text for _, text in notes] == [
        f"{HILL}, 2026 Q1: two submissions; {files[('hill', 2)]} is used,"
        f" not {files[('hill-first', 2)]}."
    ]
    first_block = next(c.row for c in ws["A"] if c.value == "Employment rate")
    assert notes[0][0] < first_block  # said before the figures it changes, not under the charts

    with zipfile.ZipFile(batch["out"]) as zf:
        charts = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert sum(bool(re.search(r"<(c:)?lineChart>", c)) for c in charts) == len(TREND_MEASURES)
    for header, key in (
        ("90-day retention", "retention_90"),
        ("New enrollments", "new_enrollments"),
    ):
        block = _block(ws, header)
        for name, folder in ((NORTH, "north"), (HILL, "hill")):
            expect = [reports[str(files[(folder, q)])]["outcomes"][key] for q in range(4)]
            assert [block[name][label] for label in LABELS] == pytest.approx(expect), (header, name)
    assert sum(bool(re.search(r"<(c:)?barChart>", c)) for c in charts) == 1


def _charts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/charts/chart")]


def _axis_scale(chart: str) -> tuple[float, float]:
    axis = re.search(r"<(?:c:)?valAx>.*?</(?:c:)?valAx>", chart, re.S).group(0)
    low = re.search(r'<(?:c:)?min val="([^"]+)"', axis).group(1)
    high = re.search(r'<(?:c:)?max val="([^"]+)"', axis).group(1)
    return float(low), float(high)


def test_trends_axes_fit_the_data_and_the_benchmark_lines_are_labelled(batch):
    ws = openpyxl.load_workbook(batch["out"])["Trends"]
    lines = [c for c in _charts(batch["out"]) if re.search(r"<(c:)?lineChart>", c)]
    rate_chart = next(c for c in lines if "Employment rate by period" in c)
    total_chart = next(c for c in lines if "Data total by period" in c)

    def plotted(title: str) -> list[float]:
        return [v for per in _block(ws, title).values() for v in per.values() if v is not None]

    shown = plotted("Employment rate") + [value for value, _ in scale.EMPLOYMENT_RATE_BENCHMARKS]
    low, high = _axis_scale(rate_chart)
    assert low <= min(shown) and max(shown) <= high  # every point and benchmark in view
    assert high - low <= max(shown) - min(shown) + 0.25  # and not the whole 0-100%
    totals = plotted("Data total")
    low, high = _axis_scale(total_chart)
    assert (
        low <= min(totals) and max(totals) <= high and high - low <= max(totals) - min(totals) + 15
    )

    # each benchmark line names itself at its end, not only in the legend
    labels = re.findall(r"<(?:c:)?dLbl>.*?</(?:c:)?dLbl>", rate_chart, re.S)
    named = [lbl for lbl in labels if re.search(r'<(?:c:)?showSerName val="1"', lbl)]
    assert len(named) == len(scale.EMPLOYMENT_RATE_BENCHMARKS)
    # the label is the series' name, its header cell: the benchmark and its rate
    headers = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for value, name in scale.EMPLOYMENT_RATE_BENCHMARKS:
        assert f"Benchmark: {name} ({value:.0%})" in headers


def _header_cells(ws):
    """Every header cell (bold on a fill) of a sheet, with its column's width."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value and cell.font.b and cell.fill.fill_type == "solid":
                letter = openpyxl.utils.get_column_letter(cell.column)
                width = ws.column_dimensions[letter].width
                yield cell, width


def test_no_header_breaks_mid_word(batch):
    """A header wraps between words only: each column is wider than its header's longest
    word, bold, with the cell's margins."""
    wb = openpyxl.load_workbook(batch["out"])
    seen = 0
    for ws in wb.worksheets:
        for cell, width in _header_cells(ws):
            longest = max(len(word) for word in str(cell.value).split())
            assert width >= 1.15 * longest + 1, (ws.title, cell.coordinate, cell.value, width)
            seen += 1
    assert seen > 40


def test_every_sheet_prints_landscape_with_its_headers_repeated(batch):
    wb = openpyxl.load_workbook(batch["out"])
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    overview, subs = wb["Overview"], wb["Submissions"]
    assert overview.page_setup.fitToWidth == 1  # the people's page: one page wide
    header = next(c.row for c, _ in _header_cells(overview))
    assert overview.print_title_rows == f"${header}:${header}"
    assert overview.freeze_panes == f"A{header + 1}"
    # the full table runs over a few pages wide, each with the header row and the file column
    assert 1 < subs.page_setup.fitToWidth <= 4
    assert subs.print_title_rows == "$1:$1" and subs.print_title_cols == "$A:$A"
    assert subs.freeze_panes == "B2"


def test_overview_lists_every_workbook_what_to_send_back_first(batch):
    ws = openpyxl.load_workbook(batch["out"])["Overview"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(i for i, row in enumerate(cells) if row[0] == "Agency")
    headers = cells[head]
    rows = [dict(zip(headers, row, strict=True)) for row in cells[head + 1 :] if any(row)]
    reports = batch["reports"]
    assert sorted(r["File"] for r in rows) == sorted(Path(f).name for f in reports)
    flags = [r["Needs Correction"] == "Yes" for r in rows]
    assert flags == sorted(flags, reverse=True)  # every send-back before the rest
    by_file = {r["File"]: r for r in rows}
    for file, rep in reports.items():
        row = by_file[Path(file).name]
        if not rep["readable"]:
            assert rep["error"] in row["Note"]
            continue
        assert row["Errors"] == rep["counts"]["error"]
        assert row["Employment Rate"] == pytest.approx(_rate(rep))
    set_aside = by_file[batch["files"][("hill-first", 2)].name]
    assert (
        "set aside" in set_aside["Note"] and batch["files"][("hill", 2)].name in set_aside["Note"]
    )
    assert len(headers) <= 12  # a page a person reads, not the 30-column table


def test_a_period_sent_three_times_is_said_so_with_the_one_used():
    from ipsxl.summary.table import TREND_MEASURES, Submission, trends

    q1 = (D(2026, 1, 1), D(2026, 3, 31))
    q2 = (D(2026, 4, 1), D(2026, 6, 30))
    key = ("hill", "")

    def sub(index: int, file: str, errors: int, period) -> Submission:
        row = {"file": file, "errors": errors, "readable": True, "needs_correction": bool(errors)}
        row.update({measure.key: 1 for measure in TREND_MEASURES})
        return Submission(index, row, key, "Hill", period)

    rows = [
        sub(0, "q1.xlsx", 3, q1),
        sub(1, "q1-fixed.xlsx", 0, q1),
        sub(2, "q1-again.xlsx", 1, q1),
        sub(3, "q2.xlsx", 0, q2),
    ]
    result = trends(rows)
    assert result.notes == [
        "Hill, 2026 Q1: three submissions; q1-fixed.xlsx is used, not q1.xlsx, q1-again.xlsx."
    ]
    assert result.values["data_total"][key][q1].file == "q1-fixed.xlsx"


def test_items_count_agencies_by_score_at_their_latest_period(batch):
    ws = openpyxl.load_workbook(batch["out"])["Items"]
    reports, files = batch["reports"], batch["files"]
    latest = [
        reports[str(files[key])]
        for key in (("north", 3), ("lakeside", 3), ("hill", 3), ("solo", 0))
    ]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert any("latest period" in str(row[0]) for row in cells[:3])
    head = next(i for i, row in enumerate(cells) if row[0] == "Item")
    table = {
        row[1]: dict(zip(cells[head], row, strict=True))
        for row in cells[head + 1 : head + 1 + len(scale.COMPUTED_IDS)]
    }
    assert list(table) == list(scale.COMPUTED_IDS)
    for item_id, row in table.items():
        scores = Counter(
            next(shown_score(i) for i in r["fidelity"]["items"] if i["id"] == item_id)
            for r in latest
        )
        assert [row[f"Score {s}"] for s in range(1, 6)] == [scores[s] for s in range(1, 6)]
        assert row["Not Scored"] == scores[None]
        assert row["Agencies"] == 4


def test_about_says_when_by_what_over_which_files(batch):
    ws = openpyxl.load_workbook(batch["out"])["About"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    from ipsxl import __version__

    assert f"ipsxl {__version__}" in text
    generated = next(row[1].value for row in ws.iter_rows() if row[0].value == "Generated")
    assert abs(generated - dt.datetime.now()) < dt.timedelta(hours=26)  # any time zone
    for file in batch["reports"]:
        assert file in text
    for _, name in scale.EMPLOYMENT_RATE_BENCHMARKS:
        assert name in text
    assert "31% minimal, 41% average, 50% excellent" in text


def _client_ids(paths) -> set[str]:
    """Every value under a "Client ID" header in every tab of the given workbooks (read with
    python-calamine, which reads a demo's thousand formatted blank rows per tab in no time)."""
    ids: set[str] = set()
    for path in paths:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            column = None
            for row in book.get_sheet_by_name(name).to_python():
                if column is None:
                    column = row.index("Client ID") if "Client ID" in row else None
                elif column < len(row) and row[column] != "":
                    ids.add(str(row[column]))
    return ids


def test_no_client_identifier_or_flagged_value_reaches_the_summary(batch):
    readable = [Path(f) for f, r in batch["reports"].items() if r["readable"]]
    ids = _client_ids(readable)
    assert {"HC-7121", "SO-1001"} <= ids and len(ids) > 40  # demo IDs are there too
    with zipfile.ZipFile(batch["out"]) as zf:
        package = "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    found = sorted(i for i in ids if i in package)
    assert found == []
    flagged = {
        f["value"]
        for r in batch["reports"].values()
        if r["readable"]
        for f in r["flags"]
        if f["code"] == "bad-date"
    }
    assert SOLO_BAD_DATE in flagged
    assert sorted(v for v in flagged if v in package) == []


def test_the_summary_opens_in_libreoffice(batch, tmp_path):
    if office.SOFFICE is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc-nogui"
        )
    converted = office.convert(batch["out"], tmp_path)  # opened, recalculated and saved
    assert converted.exists()
    wb = openpyxl.load_workbook(converted)
    assert wb.sheetnames == SHEETS
    rows = _table(wb["Submissions"])
    reports = batch["reports"]
    assert [r["File"] for r in rows] == list(reports)
    assert [r["Needs Correction"] for r in rows] == [
        "Yes" if not r["readable"] or r["counts"]["error"] else "No" for r in reports.values()
    ]
    with zipfile.ZipFile(converted) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == len(TREND_MEASURES) + 1  # one per trend, and the Items chart


def test_json_and_csv_print_the_submissions_table(batch):
    reports = batch["reports"]
    doc = json.loads(batch["proc"].stdout)  # the fixture's run: --format json with --output
    rows = doc["submissions"]
    assert [r["file"] for r in rows] == list(reports)
    for row in rows:
        rep = reports[row["file"]]
        assert row["needs_correction"] is (not rep["readable"] or rep["counts"]["error"] > 0)
        if rep["readable"]:
            assert row["employment_rate"] == _rate(rep)
            assert row["data_total"] == rep["fidelity"]["data_total"]
            assert row["period_start"] == rep["period"]["start"]
            for item in rep["fidelity"]["items"]:
                assert row[item["id"]] == shown_score(item)
    assert doc["totals"]["workbooks"] == len(reports) and doc["totals"]["unreadable"] == 1

    hill = batch["subs"] / "hill"
    result = CliRunner().invoke(main, ["summary", str(hill), "--format", "csv"])
    assert result.exit_code == 1  # the first 2026 Q1 workbook has an error
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["file"] for r in table] == [f for f in reports if f.startswith(str(hill))]
    assert [r["needs_correction"] for r in table] == [
        "yes" if reports[r["file"]]["counts"]["error"] else "no" for r in table
    ]
    assert [r["employment_rate"] for r in table] == [str(_rate(reports[r["file"]])) for r in table]


def test_a_clean_folder_exits_0_and_a_summary_inside_it_is_not_a_submission(tmp_path):
    write_workbook(tmp_path / "a.xlsx", clean_tabs())
    target = tmp_path / "summary.xlsx"
    for _ in range(2):  # the second run finds the first run's summary in the folder
        result = CliRunner().invoke(main, ["summary", str(tmp_path), "--output", str(target)])
        assert result.exit_code == 0, result.output
        rows = _table(openpyxl.load_workbook(target)["Submissions"])
        assert [r["File"] for r in rows] == [str(tmp_path / "a.xlsx")]
        assert rows[0]["Needs Correction"] == "No"
    assert "1 workbooks from 1 agencies: 0 need correction" in result.output
    trends = openpyxl.load_workbook(target)["Trends"]
    assert "nothing to compare yet" in trends["A4"].value
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "summary.xlsx"]  # no temp


def test_names_are_written_as_text_never_as_formulas(tmp_path):
    tabs = clean_tabs()
    tabs["Program"][1][1] = '=HYPERLINK("http://example.invalid","x")'
    book = tmp_path / "a.xlsx"
    write_workbook(book, tabs)
    # openpyxl wrote the name as a formula; store it as text, as an agency would have typed it
    wb = openpyxl.load_workbook(book)
    wb["Program"]["B2"].data_type = "s"
    wb.save(book)
    target = tmp_path / "out.xlsx"
    summary, reports = summarize([book], output=target)  # the library's door
    assert [s.row["agency"] for s in summary.rows] == [r.agency for r in reports]
    with zipfile.ZipFile(target) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    cell = openpyxl.load_workbook(target)["Submissions"]["B2"]
    assert cell.value == tabs["Program"][1][1] and cell.data_type == "s"


def test_wrong_use_is_one_line_and_exit_2(tmp_path):
    book = write_workbook(tmp_path / "a.xlsx", clean_tabs())
    for args, says in (
        ([str(book)], "give --output FILE.xlsx"),
        ([str(book), "--output", str(tmp_path / "s.csv")], "must be an .xlsx file"),
        ([str(tmp_path / "empty"), "--format", "json"], "no .xlsx or .xlsm workbooks found"),
    ):
        (tmp_path / "empty").mkdir(exist_ok=True)
        result = CliRunner().invoke(main, ["summary", *args])
        assert result.exit_code == 2 and says in result.output, result.output
