"""The checked example's Fidelity sheet as a spreadsheet application reads it (openpyxl): print
setup, fonts, number formats, merged cells, the reviewer's cells; the same numbers as the JSON
report; and charts that stay readable with a hundred specialists."""

from __future__ import annotations

import datetime as dt
import json
from itertools import combinations
from pathlib import Path

import openpyxl
import pytest
from commands import ipsxl
from office import example_checked
from wb_fixtures import make_report

from ipsxl.core import scale
from ipsxl.core.model import Weekly
from ipsxl.core.standard import FIDELITY_SHEET
from ipsxl.sheets import FONT, split_ref
from ipsxl.sheets import fidelity as fidelity_sheet

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "example.xlsx"
WHEN = dt.datetime(2026, 10, 1, 9, 30)


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> Path:
    """The example as ``ipsxl check`` writes it, made once per session (office.py): read only."""
    return example_checked(tmp_path_factory)


@pytest.fixture(scope="module")
def ws(checked):
    return openpyxl.load_workbook(checked)[FIDELITY_SHEET]


@pytest.fixture(scope="module")
def shown(checked):
    """The sheet's values as a spreadsheet shows them before recalculating (cached results)."""
    return openpyxl.load_workbook(checked, data_only=True)[FIDELITY_SHEET]


def _row_of(ws, text: str, col: int = 1) -> int:
    for row in ws.iter_rows(min_col=col, max_col=col):
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"no row reads {text!r}")


def _columns(ws, row: int) -> dict[str, int]:
    return {c.value: c.column for c in ws[row] if isinstance(c.value, str)}


# --- printing -----------------------------------------------------------------------------------


def test_prints_landscape_on_one_page_wide(ws):
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    area = ws.print_area.split("!")[-1]
    first, last = area.replace("$", "").split(":")
    assert first == "A1" and split_ref(last)[1] == fidelity_sheet.PRINT_COLUMNS
    # everything a person reads is inside it: the items, the specialists, the charts
    assert split_ref(last)[0] >= max(c.anchor._from.row + 1 for c in ws._charts)


def test_no_page_break_cuts_a_chart(ws):
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks, "manual page breaks"
    charts = ws._charts
    assert len(charts) == 3
    first_chart_row = min(c.anchor._from.row + 1 for c in charts)
    assert any(b < first_chart_row for b in breaks)
    for chart in charts:
        top, bottom = chart.anchor._from.row + 1, chart.anchor.to.row + 1
        assert not [b for b in breaks if top <= b < bottom], "a break inside a chart"
    # the items end on the first page: the outcomes start a page
    assert _row_of(ws, "Outcomes") - 1 in breaks


# --- how cells look -----------------------------------------------------------------------------


def test_every_cell_in_one_font_family_headers_bold(ws):
    head = fidelity_sheet.ITEM_FIRST_ROW - 1
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                assert cell.font.name == FONT, cell.coordinate
    assert all(c.font.bold for c in ws[head] if c.value)


def test_item_numbers_and_names_stand_in_separate_cells(ws):
    first = fidelity_sheet.ITEM_FIRST_ROW
    for pos, item in enumerate(scale.ITEMS):
        r = first + pos
        assert ws.cell(r, fidelity_sheet.NUMBER_COL).value == item.number
        assert ws.cell(r, fidelity_sheet.ITEM_COL).value == item.label
    assert ws.cell(first, fidelity_sheet.NUMBER_COL).alignment.horizontal == "center"


def test_money_percentages_and_scores_have_their_formats(ws):
    wage = _row_of(ws, "Mean hourly wage (competitive jobs)")
    assert ws.cell(wage, fidelity_sheet.VALUE_COL).number_format == '"$"#,##0.00'
    rate = _row_of(ws, "Employment rate")
    assert ws.cell(rate, fidelity_sheet.VALUE_COL).number_format == "0.0%"
    first = fidelity_sheet.ITEM_FIRST_ROW
    pos = next(p for p, i in enumerate(scale.ITEMS) if i.id == "competitive_jobs")
    assert ws.cell(first + pos, fidelity_sheet.VALUE_COL).number_format == "0.0%"
    head = _row_of(ws, "Employment specialist")
    cols = _columns(ws, head)
    assert ws.cell(head + 1, cols["Employment rate"]).number_format == "0.0%"
    assert ws.cell(head + 1, cols["Contacts per week"]).number_format == "0.0"


def test_values_are_centred_so_they_stand_clear_of_the_target_beside_them(ws):
    """Right-aligned, an item's value prints touching the target beside it ("5.9 6 a week")
    and the employment rate its note; centred like the target, each keeps a margin."""
    col = fidelity_sheet.VALUE_COL
    first = fidelity_sheet.ITEM_FIRST_ROW
    items = [ws.cell(first + p, col) for p in range(scale.ITEM_COUNT)]
    shown = [c for c in items if c.value is not None]
    assert len(shown) >= 10
    assert all(c.alignment.horizontal == "center" for c in shown), [c.coordinate for c in shown]
    assert ws.cell(first, fidelity_sheet.TARGET_COL).alignment.horizontal == "center"
    # the outcomes and benchmarks below, in the same column, line up with the items' values
    top, level = _row_of(ws, "Outcomes"), _row_of(ws, "Program's level")
    figures = [
        ws.cell(r, col)
        for r in range(top + 2, level)
        if isinstance(ws.cell(r, col).value, int | float)
    ]
    assert len(figures) >= 10
    assert all(c.alignment.horizontal == "center" for c in figures), [c.coordinate for c in figures]


def test_no_merged_cells_overlap(ws):
    ranges = list(ws.merged_cells.ranges)
    for a, b in combinations(ranges, 2):
        assert a.isdisjoint(b), (a, b)


def test_headers_break_only_at_spaces(ws):
    """Each header word fits its column with a character to spare on each side, so no header
    breaks mid-word ("Benchma rk")."""
    for head in (fidelity_sheet.ITEM_FIRST_ROW - 1, _row_of(ws, "Employment specialist")):
        for cell in ws[head][1:]:
            if not cell.value:
                continue
            width = ws.column_dimensions[cell.column_letter].width
            longest = max(len(w) for w in str(cell.value).split())
            assert longest + 2 <= width, (cell.value, width)


def test_the_reviewer_has_a_1_to_5_cell_on_every_item(ws):
    first = fidelity_sheet.ITEM_FIRST_ROW
    cells = {f"{ws.cell(first + p, fidelity_sheet.REVIEWER_COL).coordinate}" for p in range(25)}
    (rule,) = [v for v in ws.data_validations.dataValidation if v.type == "whole"]
    covered = {
        openpyxl.utils.get_column_letter(c) + str(r)
        for rng in rule.sqref.ranges
        for r in range(rng.min_row, rng.max_row + 1)
        for c in range(rng.min_col, rng.max_col + 1)
    }
    assert covered == cells
    assert (rule.formula1, rule.formula2) == ("1", "5")
    for ref in cells:
        assert ws[ref].fill.fgColor.rgb.endswith("FFF2CC")
        assert ws[ref].value is None


# --- the same numbers as the JSON report -------------------------------------------------------


def test_the_sheet_shows_the_json_reports_numbers(checked, shown, tmp_path):
    out = ipsxl("validate", str(EXAMPLE), "--format", "json").stdout
    (book,) = json.loads(out)["workbooks"]

    first = fidelity_sheet.ITEM_FIRST_ROW
    positions = {item.id: p for p, item in enumerate(scale.ITEMS) if item.id}
    for item in book["fidelity"]["items"]:
        r = first + positions[item["id"]]
        value = shown.cell(r, fidelity_sheet.VALUE_COL).value
        percent = scale.BANDS_BY_ID[item["id"]].percent
        expected = None if item["value"] is None else item["value"] / (100 if percent else 1)
        # the JSON gives the value to 3 places; the sheet holds it as computed
        places = 0.0005 / (100 if percent else 1)
        assert value == pytest.approx(expected, abs=places), item["id"]
        assert shown.cell(r, fidelity_sheet.N_COL).value == item["n"]
        data = shown.cell(r, fidelity_sheet.SCORE_COL).value
        if item["basis"] == scale.SCALE:
            assert data == item["score"], item["id"]
        else:
            suggests = item.get("suggests", item["score"])
            assert data == (None if suggests is None else f"suggests {suggests}"), item["id"]

    labels = {key: label for label, key, _ in fidelity_sheet.OUTCOMES}
    for key, value in book["outcomes"].items():
        if key not in labels:
            continue
        r = _row_of(shown, labels[key])
        if isinstance(value, dict):
            for reason, count in value.items():
                assert shown.cell(_row_of(shown, f"    {reason}"), 4).value == count
            value = sum(value.values())
        assert shown.cell(r, fidelity_sheet.VALUE_COL).value == pytest.approx(value), key

    head = _row_of(shown, "Employment specialist")
    cols = _columns(shown, head)
    rows = {shown.cell(r, 1).value: r for r in range(head + 1, head + 1 + len(book["specialists"]))}
    for spec in book["specialists"]:
        r = rows[spec["name"]]
        for header, keys, _ in fidelity_sheet.SPECIALIST_COLUMNS[1:]:
            if keys[0] not in spec:
                continue
            expected = spec[keys[0]]
            if expected is not None and keys[0].endswith("_pct"):
                expected = expected / 100
            assert shown.cell(r, cols[header]).value == pytest.approx(expected, abs=0.0005), (
                spec["name"],
                header,
            )


# --- a hundred specialists -------------------------------------------------------------------


def _big_report(n: int = 120):
    report = make_report()
    people = [
        {
            "kind": "specialist",
            "name": f"Specialist {i:03d}",
            "caseload": 20,
            "face_to_face_contacts": i * 13,
            "contacts_per_week": i / 10,
            "employed_clients": i % 20,
            "employment_rate": (i % 20) / 20,
            "job_starts": i % 7,
        }
        for i in range(n)
    ]
    report.scores.specialists = people
    starts = [dt.date(2026, 7, 1) + dt.timedelta(days=7 * k) for k in range(14)]
    report.scores.weekly = Weekly(
        starts,
        [7] * 13 + [1],
        {p["name"]: [i % 9 + k % 3 for k in range(14)] for i, p in enumerate(people)},
    )
    return report


def test_a_hundred_specialists_chart_the_top_and_bottom_15_and_say_so():
    report = _big_report()
    layout = fidelity_sheet.fidelity_layout(report, WHEN)
    charts = {c.title: c for c in layout.charts}
    contacts = charts["Face-to-face employer contacts per week"]
    names = _column(layout, contacts.categories)
    assert len(names) == 30
    assert names[:15] == [f"Specialist {i:03d}" for i in range(119, 104, -1)]
    assert names[15:] == [f"Specialist {i:03d}" for i in range(14, -1, -1)]
    captions = [c.value for row in layout.rows for c in row if c and isinstance(c.value, str)]
    assert any("Top 15 and bottom 15 of 120 specialists" in t for t in captions)
    # week by week: the mean, the lowest and the highest, not 120 lines
    weekly = charts["Face-to-face employer contacts, week by week"]
    assert [s.name for s in weekly.series] == [
        "Mean of specialists",
        "Lowest",
        "Highest",
        "Target (6 a week)",
    ]
    lowest = _column(layout, weekly.series[1].values)
    assert lowest[0] == min(w[0] for w in report.scores.weekly.contacts.values())
    assert any("The last week has 1 day." in t for t in captions)
    # every specialist is still in the table
    r1, r2 = (split_ref(x)[0] for x in layout.anchors["specialists"].split(":"))
    assert r2 - r1 == 120  # the header row, then the 120


def test_a_small_team_charts_everyone_with_a_line_each_week():
    report = _big_report(5)
    layout = fidelity_sheet.fidelity_layout(report, WHEN)
    charts = {c.title: c for c in layout.charts}
    assert len(_column(layout, charts["Employment rate"].categories)) == 5
    weekly = charts["Face-to-face employer contacts, week by week"]
    assert [s.name for s in weekly.series[:-1]] == [f"Specialist {i:03d}" for i in range(5)]


def _column(layout, ref: str) -> list[object]:
    first, last = ref.replace("$", "").split(":")
    (r1, c), (r2, _) = split_ref(first), split_ref(last)
    return [
        layout.cell(f"{openpyxl.utils.get_column_letter(c)}{r}").value for r in range(r1, r2 + 1)
    ]
