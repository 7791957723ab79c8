"""The Fidelity sheet as the reviewer uses it: a reviewer cell on every item, the score used,
and the reviewer's entries read back from a Fidelity sheet (by item, wherever its row is)."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from wb_fixtures import make_report

from ipsxl import sheets
from ipsxl.core import scale
from ipsxl.core.model import Item
from ipsxl.core.standard import FIDELITY_SHEET
from ipsxl.sheets import fidelity as fidelity_sheet
from ipsxl.sheets import split_ref
from ipsxl.sheets.fidelity import Review
from ipsxl.writeback import write_back

WHEN = dt.datetime(2026, 10, 1, 9, 30)


def _values(layout: sheets.SheetLayout) -> list[object]:
    return [c.value for row in layout.rows for c in row if c is not None]


def _grid(layout: sheets.SheetLayout) -> list[list[object]]:
    """The sheet's values as a spreadsheet shows them (a formula shows its result)."""
    return [[None if c is None else c.value for c in row] for row in layout.rows]


def _col(layout: sheets.SheetLayout, header: str) -> int:
    head = split_ref(layout.anchors["scores"].split(":")[0])[0] - 1
    values = [c.value if c else None for c in layout.rows[head - 1]]
    return values.index(header) + 1


def _data_used(report) -> dict[int, int]:
    """Scale position -> the data's score that counts: a scale item's score, never an
    indicator's."""
    by_id = {it.id: it for it in report.scores.items}
    out = {}
    for pos, item in enumerate(scale.ITEMS):
        it = by_id.get(item.id) if item.id else None
        if it is not None and it.basis == scale.SCALE and it.score is not None:
            out[pos] = it.score
    return out


def test_every_item_has_an_empty_reviewer_cell_that_takes_1_to_5():
    layout = fidelity_sheet.fidelity_layout(make_report(), WHEN)
    assert sorted(layout.input_cells) == list(range(scale.ITEM_COUNT))
    reviewer_col = _col(layout, "Reviewer score")
    first = split_ref(layout.anchors["scores"].split(":")[0])[0]
    for pos, ref in layout.input_cells.items():
        assert split_ref(ref) == (first + pos, reviewer_col)
        cell = layout.cell(ref)
        assert cell.value is None and cell.style == sheets.SCORE_INPUT
    (rule,) = layout.validations
    assert set(rule.refs) == set(layout.input_cells.values()) and (rule.minimum, rule.maximum) == (
        1,
        5,
    )


def test_score_used_is_the_reviewers_else_a_scale_items_data_score():
    report = make_report()
    typed = {0: 2, 7: 4, 2: 3}  # over a data score, over the supervisor indicator, a blank item
    layout = fidelity_sheet.fidelity_layout(report, WHEN, {p: Review(s) for p, s in typed.items()})
    used_first, used_col = split_ref(layout.anchors["scores"].split(":")[0])
    expected = {**_data_used(report), **typed}
    for pos in range(scale.ITEM_COUNT):
        cell = layout.cell(sheets.cell_ref(used_first + pos, used_col))
        assert cell.formula, pos  # live: it follows what the reviewer types
        assert cell.value == expected.get(pos, ""), scale.ITEMS[pos].label
    total = layout.cell(layout.anchors["total"])
    count = layout.cell(layout.anchors["count"])
    band = layout.cell(layout.anchors["band"])
    assert total.value == sum(expected.values())
    assert count.value == len(expected)
    assert band.value == f"incomplete ({len(expected)} of 25 scored)"
    assert total.formula == f"SUM({layout.anchors['scores']})"


def test_indicators_show_what_they_suggest_and_are_never_counted():
    report = make_report()
    by_id = {it.id: it for it in report.scores.items}
    layout = fidelity_sheet.fidelity_layout(report, WHEN)
    first = split_ref(layout.anchors["scores"].split(":")[0])[0]
    data_col = _col(layout, "Data score")
    used_col = _col(layout, "Score used")
    for pos, item in enumerate(scale.ITEMS):
        it = by_id.get(item.id) if item.id else None
        if it is None or it.basis != scale.INDICATOR:
            continue
        shown = layout.cell(sheets.cell_ref(first + pos, data_col)).value
        assert it.score is None and it.suggests is not None  # no score, only a suggestion
        assert shown == f"suggests {it.suggests}"
        used = layout.cell(sheets.cell_ref(first + pos, used_col))
        assert used.value == "" and sheets.cell_ref(first + pos, data_col) not in used.formula


def test_all_25_scored_gives_the_band_of_the_total():
    report = make_report()
    layout = fidelity_sheet.fidelity_layout(report, WHEN, {p: Review(4) for p in range(25)})
    assert layout.cell(layout.anchors["total"]).value == 100
    assert layout.cell(layout.anchors["band"]).value == "Good fidelity"
    formula = layout.cell(layout.anchors["band"]).formula
    for _, name in scale.BANDS:
        assert name in formula
    assert "incomplete" in formula


def test_reviews_are_read_back_by_item_wherever_the_rows_are():
    report = make_report()
    reviews = {0: Review(2, "caseloads checked by hand"), 7: Review(4), 24: Review(None, "ask")}
    layout = fidelity_sheet.fidelity_layout(report, WHEN, reviews)
    grid = _grid(layout)
    assert fidelity_sheet.reviews_from_grid(grid) == reviews
    # a person inserted two rows above the items and a column before them
    moved = [[None, *row] for row in grid[:3]] + [[], []] + [[None, *row] for row in grid[3:]]
    assert fidelity_sheet.reviews_from_grid(moved) == reviews


def test_reviews_read_from_a_sheet_of_the_earlier_layout():
    """A Fidelity sheet of the earlier layout: one Score column, Basis 'reviewer' where the
    reviewer typed."""
    grid = [
        ["IPS-25 fidelity review"],
        [],
        ["Section", "#", "Item", "Value", "Target", "Score", "Basis", "n", "Note"],
        ["Staffing", 1, "Caseload size", 20, "<= 20", 5, "scale", 40, None],
        ["Staffing", 3, "Vocational generalists", None, None, 4, "reviewer", None, None],
        ["Services", 14, "Assertive engagement", None, None, 2.0, "reviewer", None, None],
    ]
    assert fidelity_sheet.reviews_from_grid(grid) == {2: Review(4), 24: Review(2)}


@pytest.mark.parametrize("typed", ["4", 4.0, 4])
def test_a_typed_score_reads_back_whatever_its_cell_type(typed):
    layout = fidelity_sheet.fidelity_layout(make_report(), WHEN)
    grid = _grid(layout)
    r, c = split_ref(layout.input_cells[3])
    grid[r - 1][c - 1] = typed
    assert fidelity_sheet.reviews_from_grid(grid) == {3: Review(4)}


def test_a_suggestion_comes_from_the_items_suggests_figure_when_it_has_one():
    report = make_report()
    item = next(it for it in report.scores.items if it.id == "follow_along")
    item.score = None
    item.suggests = 3  # what the figures give an indicator, never a score
    layout = fidelity_sheet.fidelity_layout(report, WHEN)
    pos = next(p for p, i in enumerate(scale.ITEMS) if i.id == "follow_along")
    first = split_ref(layout.anchors["scores"].split(":")[0])[0]
    assert layout.cell(sheets.cell_ref(first + pos, _col(layout, "Data score"))).value == (
        "suggests 3"
    )
    assert isinstance(item, Item)


def test_entries_are_kept_when_ipsxls_record_of_its_run_is_gone(written, tmp_path):
    """A workbook saved by an application that drops custom XML parts (openpyxl here): the
    reviewer's entries are read from the visible Fidelity sheet."""
    layout = fidelity_sheet.fidelity_layout(make_report(), WHEN)
    wb = openpyxl.load_workbook(written)
    ws = wb[FIDELITY_SHEET]
    r, _ = split_ref(layout.input_cells[0])
    ws[layout.input_cells[0]] = 1  # over the data's score
    ws.cell(r, fidelity_sheet.REVIEWER_NOTE_COL, "caseloads recounted")
    ws[layout.input_cells[4]] = 5
    saved = tmp_path / "saved.xlsx"
    wb.save(saved)
    assert not [n for n in zipfile.ZipFile(saved).namelist() if n.startswith("customXml/")]

    again = tmp_path / "again.xlsx"
    write_back(saved, again, make_report(), generated_at=WHEN)
    out = openpyxl.load_workbook(again)
    assert out.sheetnames.count(FIDELITY_SHEET) == 1
    ws = out[FIDELITY_SHEET]
    assert ws[layout.input_cells[0]].value == 1
    assert ws.cell(r, fidelity_sheet.REVIEWER_NOTE_COL).value == "caseloads recounted"
    assert ws[layout.input_cells[4]].value == 5
    total = openpyxl.load_workbook(again, data_only=True)[FIDELITY_SHEET][layout.anchors["total"]]
    total = total.value
    assert (
        total
        == fidelity_sheet.fidelity_layout(make_report(), WHEN, {0: Review(1, "x"), 4: Review(5)})
        .cell(layout.anchors["total"])
        .value
    )


def test_fidelity_lists_all_25_items_in_scale_order():
    report = make_report()
    layout = fidelity_sheet.fidelity_layout(report, WHEN)
    first, last = layout.anchors["scores"].split(":")
    r1, _ = split_ref(first)
    r2, _ = split_ref(last)
    assert r2 - r1 + 1 == scale.ITEM_COUNT
    for pos, item in enumerate(scale.ITEMS):
        row = layout.rows[r1 - 1 + pos]
        assert (row[0].value, row[1].value, row[2].value) == (item.section, item.number, item.label)
    computed = {it.id: it for it in report.scores.items}
    for pos, item in enumerate(scale.ITEMS):
        data_cell = layout.rows[r1 - 1 + pos][fidelity_sheet.SCORE_COL - 1]
        it = computed.get(item.id) if item.id else None
        if it is not None and it.score is not None and it.basis == scale.SCALE:
            assert data_cell.value == it.score and data_cell.style == sheets.SCORE
        assert layout.input_cells[pos] == sheets.cell_ref(r1 + pos, fidelity_sheet.REVIEWER_COL)
        assert layout.cell(layout.input_cells[pos]).style == sheets.SCORE_INPUT
    # an item without data says why
    community = scale.ITEMS.index(next(i for i in scale.ITEMS if i.id == "community_based"))
    note = layout.rows[r1 - 1 + community][fidelity_sheet.NOTE_COL - 1]
    assert note.value == computed["community_based"].note


def _data_total(report) -> int:
    return sum(
        it.score for it in report.scores.items if it.score is not None and it.basis == scale.SCALE
    )


def test_total_and_band_are_live_formulas_over_the_score_cells():
    report = make_report()
    layout = fidelity_sheet.fidelity_layout(report, WHEN)
    total = layout.cell(layout.anchors["total"])
    band = layout.cell(layout.anchors["band"])
    rng = layout.anchors["scores"]
    assert total.formula == f"SUM({rng})"
    assert total.value == _data_total(report)
    assert f"{layout.anchors['count']}<{scale.ITEM_COUNT}" in band.formula
    assert band.value.startswith(scale.INCOMPLETE)
    for _, name in scale.BANDS:
        assert name in band.formula
    used = {fn for c in (total, band) for fn in ("SUM", "COUNT", "IF") if fn + "(" in c.formula}
    assert used == {"SUM", "IF"}


@pytest.mark.parametrize("reviewer", [3, 5])
def test_reviewer_scores_complete_the_band(reviewer):
    report = make_report()
    inputs = fidelity_sheet.fidelity_layout(report, WHEN).input_cells
    layout = fidelity_sheet.fidelity_layout(report, WHEN, {pos: reviewer for pos in inputs})
    total = reviewer * scale.ITEM_COUNT
    assert layout.cell(layout.anchors["total"]).value == total
    assert layout.cell(layout.anchors["band"]).value == scale.fidelity_band(total)


def test_outcomes_benchmarks_and_specialists():
    report = make_report()
    layout = fidelity_sheet.fidelity_layout(report, WHEN)
    values = _values(layout)
    for value, name in scale.EMPLOYMENT_RATE_BENCHMARKS:
        assert value in values and name in values
    rate = layout.cell(layout.anchors["employment_rate"])
    assert rate.value == pytest.approx(report.scores.outcomes["employment_rate"])
    shown = sheets.STYLES[rate.style]  # a percentage, centred clear of the note beside it
    assert shown.number_format == sheets.STYLES[sheets.PERCENT].number_format
    assert shown.align == "center"
    for spec in report.scores.specialists:
        assert spec["name"] in values  # names are values, even one that looks like a formula
    charts = {chart.title: chart for chart in layout.charts}
    contacts = charts["Face-to-face employer contacts per week"]
    employment = charts["Employment rate"]
    (target,) = [s for s in contacts.series if s.kind == "target"]
    assert set(_column(layout, target.values)) == {6}
    (bench,) = [s for s in employment.series if s.kind == "target"]
    assert set(_column(layout, bench.values)) == {0.41}


def _column(layout: sheets.SheetLayout, ref: str) -> list[object]:
    first, last = ref.replace("$", "").split(":")
    (r1, c), (r2, _) = split_ref(first), split_ref(last)
    return [layout.cell(sheets.cell_ref(r, c)).value for r in range(r1, r2 + 1)]


def test_without_scores_every_item_is_for_the_reviewer():
    layout = fidelity_sheet.fidelity_layout(make_report(with_scores=False), WHEN)
    assert len(layout.input_cells) == scale.ITEM_COUNT
    assert layout.cell(layout.anchors["total"]).value == 0
    assert layout.charts == []
