"""The Fidelity and Flags layouts, as data any face renders."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from wb_fixtures import FLAGS, INJECTIONS, make_report

from ipsxl import scale, sheets
from ipsxl.sheets import SCORE_INPUT, split_ref

WHEN = dt.datetime(2026, 10, 1, 9, 30)


def _values(layout: sheets.SheetLayout) -> list[object]:
    return [c.value for row in layout.rows for c in row if c is not None]


def test_flags_table_sorted_by_sheet_then_row_with_links():
    report = make_report()
    table = sheets.flags_table(report, sheets={"Caseload", "Employer Log"})
    assert list(table.columns) == sheets.FLAGS_COLUMNS
    assert len(table) == len(FLAGS)
    keys = [
        (rec["Sheet"], -1 if pd.isna(rec["Row"]) else rec["Row"])
        for rec in table.to_dict("records")
    ]
    assert keys == sorted(keys)
    by_code = table.set_index("Code")
    # a cell flag links to its cell, a whole-row flag to the row's first cell
    assert by_code.loc["bad-choice"].iloc[0]["Link target"] in (
        "'Caseload'!F3",
        "'Employer Log'!C8",
    )
    assert by_code.loc["out-of-period"]["Link target"] == "'Employer Log'!A7"
    # a whole-tab flag links to the header row; a missing tab links nowhere
    assert by_code.loc["low-contacts"]["Link target"] == "'Employer Log'!A1"
    assert pd.isna(by_code.loc["missing-tab"]["Link target"])


def test_flags_layout_keeps_workbook_text_as_values():
    layout = sheets.flags_layout(make_report(), sheets={"Caseload", "Employer Log"})
    assert [c.value for c in layout.rows[0]] == list(sheets.FLAGS_HEADERS)
    assert layout.table is not None and layout.table.ref == f"A1:H{len(FLAGS) + 1}"
    cells = [c for row in layout.rows for c in row if c is not None]
    assert not any(c.formula for c in cells)
    for text in INJECTIONS:
        assert text in _values(layout)
    links = [c for c in cells if c.link]
    assert all(c.style == sheets.LINK for c in links)
    assert len(links) == len(FLAGS) - 1  # all but the missing tab


def test_fidelity_lists_all_25_items_in_scale_order():
    report = make_report()
    layout = sheets.fidelity_layout(report, WHEN)
    first, last = layout.anchors["scores"].split(":")
    r1, col = split_ref(first)
    r2, _ = split_ref(last)
    assert r2 - r1 + 1 == scale.ITEM_COUNT
    for pos, item in enumerate(scale.ITEMS):
        row = layout.rows[r1 - 1 + pos]
        assert (row[0].value, row[1].value, row[2].value) == (item.section, item.number, item.label)
    computed = {it.id: it for it in report.scores.items}
    for pos, item in enumerate(scale.ITEMS):
        score_cell = layout.rows[r1 - 1 + pos][col - 1]
        it = computed.get(item.id) if item.id else None
        if it is not None and it.score is not None:
            assert score_cell.value == it.score and score_cell.style != SCORE_INPUT
        else:
            assert score_cell.value is None and score_cell.style == SCORE_INPUT
            assert layout.input_cells[pos] == sheets.cell_ref(r1 + pos, col)
    # an item without data says why
    community = scale.ITEMS.index(next(i for i in scale.ITEMS if i.id == "community_based"))
    note = layout.rows[r1 - 1 + community][8]
    assert note.value == computed["community_based"].note


def test_total_and_band_are_live_formulas_over_the_score_cells():
    report = make_report()
    layout = sheets.fidelity_layout(report, WHEN)
    total = layout.cell(layout.anchors["total"])
    band = layout.cell(layout.anchors["band"])
    rng = layout.anchors["scores"]
    assert total.formula == f"SUM({rng})"
    assert total.value == report.scores.data_total
    assert f"COUNT({rng})<{scale.ITEM_COUNT}" in band.formula
    assert band.value == scale.INCOMPLETE
    for _, name in scale.BANDS:
        assert name in band.formula
    used = {fn for c in (total, band) for fn in ("SUM", "COUNT", "IF") if fn + "(" in c.formula}
    assert used == {"SUM", "COUNT", "IF"}


@pytest.mark.parametrize("reviewer", [3, 5])
def test_reviewer_scores_complete_the_band(reviewer):
    report = make_report()
    inputs = sheets.fidelity_layout(report, WHEN).input_cells
    layout = sheets.fidelity_layout(report, WHEN, {pos: reviewer for pos in inputs})
    total = report.scores.data_total + reviewer * len(inputs)
    assert layout.cell(layout.anchors["total"]).value == total
    assert layout.cell(layout.anchors["band"]).value == scale.fidelity_band(total)


def test_outcomes_benchmarks_and_specialists():
    report = make_report()
    layout = sheets.fidelity_layout(report, WHEN)
    values = _values(layout)
    for value, name in scale.EMPLOYMENT_RATE_BENCHMARKS:
        assert value in values and name in values
    rate = layout.cell(layout.anchors["employment_rate"])
    assert rate.value == pytest.approx(report.scores.outcomes["employment_rate"])
    assert rate.style == sheets.PERCENT
    for spec in report.scores.specialists:
        assert spec["name"] in values  # names are values, even one that looks like a formula
    assert len(layout.charts) == 2
    contacts, employment = layout.charts
    assert any(s.kind == "line" for s in contacts.series)
    target = [layout.cell(f"E{r}").value for r in range(*_rows(contacts.categories))]
    assert set(target) == {scale.CONTACTS_PER_WEEK}  # the scale's 6 a week
    bench = [layout.cell(f"H{r}").value for r in range(*_rows(employment.categories))]
    assert set(bench) == {0.41}


def test_without_scores_every_item_is_for_the_reviewer():
    layout = sheets.fidelity_layout(make_report(with_scores=False), WHEN)
    assert len(layout.input_cells) == scale.ITEM_COUNT
    assert layout.charts == []


def _rows(ref: str) -> tuple[int, int]:
    first, last = ref.split(":")
    return split_ref(first)[0], split_ref(last)[0] + 1
