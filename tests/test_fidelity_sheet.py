"""The Fidelity sheet as the reviewer uses it: a reviewer cell on every item, the score used,
and the reviewer's entries read back from a Fidelity sheet (by item, wherever its row is)."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from wb_fixtures import make_report

from ipsxl import scale, sheets
from ipsxl.model import Item
from ipsxl.sheets import Review, split_ref
from ipsxl.standard import FIDELITY_SHEET
from ipsxl.writeback import write_back

WHEN = dt.datetime(2026, 10, 1, 9, 30)


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
    layout = sheets.fidelity_layout(make_report(), WHEN)
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
    layout = sheets.fidelity_layout(report, WHEN, {p: Review(s) for p, s in typed.items()})
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
    layout = sheets.fidelity_layout(report, WHEN)
    first = split_ref(layout.anchors["scores"].split(":")[0])[0]
    data_col = _col(layout, "Data score")
    used_col = _col(layout, "Score used")
    for pos, item in enumerate(scale.ITEMS):
        it = by_id.get(item.id) if item.id else None
        if it is None or it.basis != scale.INDICATOR:
            continue
        shown = layout.cell(sheets.cell_ref(first + pos, data_col)).value
        suggested = it.score
        assert shown == (f"suggests {suggested}" if suggested is not None else None)
        used = layout.cell(sheets.cell_ref(first + pos, used_col))
        assert used.value == "" and sheets.cell_ref(first + pos, data_col) not in used.formula


def test_all_25_scored_gives_the_band_of_the_total():
    report = make_report()
    layout = sheets.fidelity_layout(report, WHEN, {p: Review(4) for p in range(25)})
    assert layout.cell(layout.anchors["total"]).value == 100
    assert layout.cell(layout.anchors["band"]).value == "Good fidelity"
    formula = layout.cell(layout.anchors["band"]).formula
    for _, name in scale.BANDS:
        assert name in formula
    assert "incomplete" in formula


def test_reviews_are_read_back_by_item_wherever_the_rows_are():
    report = make_report()
    reviews = {0: Review(2, "caseloads checked by hand"), 7: Review(4), 24: Review(None, "ask")}
    layout = sheets.fidelity_layout(report, WHEN, reviews)
    grid = _grid(layout)
    assert sheets.reviews_from_grid(grid) == reviews
    # a person inserted two rows above the items and a column before them
    moved = [[None, *row] for row in grid[:3]] + [[], []] + [[None, *row] for row in grid[3:]]
    assert sheets.reviews_from_grid(moved) == reviews


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
    assert sheets.reviews_from_grid(grid) == {2: Review(4), 24: Review(2)}


@pytest.mark.parametrize("typed", ["4", 4.0, 4])
def test_a_typed_score_reads_back_whatever_its_cell_type(typed):
    layout = sheets.fidelity_layout(make_report(), WHEN)
    grid = _grid(layout)
    r, c = split_ref(layout.input_cells[3])
    grid[r - 1][c - 1] = typed
    assert sheets.reviews_from_grid(grid) == {3: Review(4)}


def test_a_suggestion_comes_from_the_items_suggests_figure_when_it_has_one():
    report = make_report()
    item = next(it for it in report.scores.items if it.id == "follow_along")
    item.score = None
    item.suggests = 3  # what the figures give an indicator, never a score
    layout = sheets.fidelity_layout(report, WHEN)
    pos = next(p for p, i in enumerate(scale.ITEMS) if i.id == "follow_along")
    first = split_ref(layout.anchors["scores"].split(":")[0])[0]
    assert layout.cell(sheets.cell_ref(first + pos, _col(layout, "Data score"))).value == (
        "suggests 3"
    )
    assert isinstance(item, Item)


def test_entries_are_kept_when_ipsxls_record_of_its_run_is_gone(written, tmp_path):
    """A workbook saved by an application that drops custom XML parts (openpyxl here): the
    reviewer's entries are read from the visible Fidelity sheet."""
    layout = sheets.fidelity_layout(make_report(), WHEN)
    wb = openpyxl.load_workbook(written)
    ws = wb[FIDELITY_SHEET]
    r, _ = split_ref(layout.input_cells[0])
    ws[layout.input_cells[0]] = 1  # over the data's score
    ws.cell(r, sheets.REVIEWER_NOTE_COL, "caseloads recounted")
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
    assert ws.cell(r, sheets.REVIEWER_NOTE_COL).value == "caseloads recounted"
    assert ws[layout.input_cells[4]].value == 5
    total = openpyxl.load_workbook(again, data_only=True)[FIDELITY_SHEET][layout.anchors["total"]]
    total = total.value
    assert (
        total
        == sheets.fidelity_layout(make_report(), WHEN, {0: Review(1, "x"), 4: Review(5)})
        .cell(layout.anchors["total"])
        .value
    )
