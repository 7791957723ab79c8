"""The checked example's Fidelity sheet in LibreOffice: the reviewer's scores recalculated, kept
on every re-run (also after LibreOffice saved the workbook), and the sheet printed to PDF.

LibreOffice recalculates every formula on load (the cached results ipsxl stores are removed
first, so a value read back can only come from LibreOffice evaluating the formulas).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from office import (
    PDFTOTEXT,
    SOFFICE,
    checked_copy,
    convert_all,
    example_checked,
    example_printed,
    pdf_pages,
    type_into,
    without_cached_results,
)

from ipsxl import sheets
from ipsxl.core import scale
from ipsxl.core.standard import FIDELITY_SHEET
from ipsxl.sheets import fidelity as fidelity_sheet
from ipsxl.validate import check_file

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "example.xlsx"
POS = {item.id: pos for pos, item in enumerate(scale.ITEMS) if item.id}
GENERALISTS = next(pos for pos, item in enumerate(scale.ITEMS) if item.number == 3 and not item.id)


@pytest.fixture(scope="module")
def report():
    return check_file(EXAMPLE)


@pytest.fixture(scope="module")
def layout(report) -> sheets.SheetLayout:
    return fidelity_sheet.fidelity_layout(report, dt.datetime.now())


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> Path:
    """The example as ``ipsxl check`` writes it, run as a user runs it (read, never changed)."""
    return example_checked(tmp_path_factory)


def _check(path: Path) -> Path:
    return checked_copy(path, path.parent)


def _data_used(report) -> dict[int, int]:
    """Scale position -> the data's score that counts (a scale item's; never an indicator's)."""
    return {
        POS[it.id]: it.score
        for it in report.scores.items
        if it.basis == scale.SCALE and it.score is not None
    }


# a reviewer's scores typed in: over a data score, over an indicator, and on an item the data
# says nothing about
SOME = {POS["caseload_size"]: 2, POS["supervisor_ratio"]: 4, GENERALISTS: 3}
# a reviewer's scores and notes, and a note alone
REVIEWS = {
    POS["caseload_size"]: fidelity_sheet.Review(3, "two caseloads over 25 by the chart review"),
    POS["supervisor_ratio"]: fidelity_sheet.Review(5),
    GENERALISTS: fidelity_sheet.Review(4),
    24: fidelity_sheet.Review(None, "ask the team lead"),
}


def _typed_workbook(checked: Path, layout, out: Path) -> Path:
    cells: dict[str, object] = {}
    for pos, review in REVIEWS.items():
        r, _ = sheets.split_ref(layout.input_cells[pos])
        if review.score is not None:
            cells[layout.input_cells[pos]] = review.score
        if review.note is not None:
            cells[sheets.cell_ref(r, fidelity_sheet.REVIEWER_NOTE_COL)] = review.note
    return type_into(checked, out, FIDELITY_SHEET, cells)


@pytest.fixture(scope="module")
def saved_by_libreoffice(checked, report, layout, tmp_path_factory) -> dict[str, Path]:
    """The checked example with a reviewer's entries typed in, opened and saved by LibreOffice:
    ``some`` (the scores of SOME) and ``all`` (4 on every item the data leaves unscored) with
    the Fidelity sheet's cached results removed first, so LibreOffice computed what they hold;
    ``reviewed`` (REVIEWS) as typed. One start of LibreOffice (seconds) for the three."""
    tmp = tmp_path_factory.mktemp("libreoffice")
    some = {layout.input_cells[pos]: score for pos, score in SOME.items()}
    missing = [pos for pos in range(scale.ITEM_COUNT) if pos not in _data_used(report)]
    every = {layout.input_cells[pos]: 4 for pos in missing}
    bare = [
        without_cached_results(
            type_into(checked, tmp / f"{name}.xlsx", FIDELITY_SHEET, cells),
            tmp / f"bare-{name}.xlsx",
            FIDELITY_SHEET,
        )
        for name, cells in (("some", some), ("all", every))
    ]
    reviewed = _typed_workbook(checked, layout, tmp / "reviewed.xlsx")
    some_saved, all_saved, reviewed_saved = convert_all([*bare, reviewed], tmp)
    return {"some": some_saved, "all": all_saved, "reviewed": reviewed_saved}


def _recalculated(path: Path) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(path, data_only=True)[FIDELITY_SHEET]


def test_libreoffice_uses_the_reviewers_scores_over_data_and_indicators(
    saved_by_libreoffice, report, layout
):
    ws = _recalculated(saved_by_libreoffice["some"])

    used = {**_data_used(report), **SOME}
    first, col = sheets.split_ref(layout.anchors["scores"].split(":")[0])
    for pos in range(scale.ITEM_COUNT):
        shown = ws.cell(first + pos, col).value
        assert (shown if shown != "" else None) == used.get(pos), scale.ITEMS[pos].label
    assert ws[layout.anchors["total"]].value == sum(used.values())
    assert ws[layout.anchors["count"]].value == len(used)
    assert ws[layout.anchors["band"]].value == f"incomplete ({len(used)} of 25 scored)"
    # the indicators the reviewer left alone show a suggestion and count nothing
    for item_id in ("follow_along", "work_incentives_planning"):
        r = first + POS[item_id]
        assert str(ws.cell(r, fidelity_sheet.SCORE_COL).value).startswith("suggests ")
        assert ws.cell(r, col).value in ("", None)


def test_libreoffice_gives_the_band_once_all_25_are_scored(saved_by_libreoffice, report, layout):
    data = _data_used(report)
    missing = [pos for pos in range(scale.ITEM_COUNT) if pos not in data]
    ws = _recalculated(saved_by_libreoffice["all"])
    total = sum(data.values()) + 4 * len(missing)
    assert ws[layout.anchors["count"]].value == scale.ITEM_COUNT
    assert ws[layout.anchors["total"]].value == total
    assert ws[layout.anchors["band"]].value == scale.fidelity_band(total)


def _reviews_in(path: Path, layout) -> dict[int, fidelity_sheet.Review]:
    ws = openpyxl.load_workbook(path)[FIDELITY_SHEET]
    out = {}
    for pos, ref in layout.input_cells.items():
        r, _ = sheets.split_ref(ref)
        score, note = ws[ref].value, ws.cell(r, fidelity_sheet.REVIEWER_NOTE_COL).value
        if score is not None or note is not None:
            out[pos] = fidelity_sheet.Review(score, note)
    return out


def test_ipsxl_check_on_a_checked_workbook_keeps_the_reviewers_entries(checked, layout, tmp_path):
    typed = _typed_workbook(checked, layout, tmp_path / "reviewed.xlsx")
    again = _check(typed)
    assert _reviews_in(again, layout) == REVIEWS
    # and once more, from the re-run's own sheet
    assert _reviews_in(_check(again), layout) == REVIEWS


def test_entries_survive_a_save_by_libreoffice(saved_by_libreoffice, layout):
    saved = saved_by_libreoffice["reviewed"]  # opened and saved again by LibreOffice
    assert _reviews_in(_check(saved), layout) == REVIEWS


# --- printed ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> list[str]:
    """The text of each page of the checked example's Fidelity sheet printed alone to PDF by
    LibreOffice."""
    return pdf_pages(example_printed(tmp_path_factory) / "fidelity.pdf")


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler (pdftotext) is not installed")
def test_printed_the_items_outcomes_and_charts_each_start_a_page_one_page_wide(printed, layout):
    assert len(printed) == 3
    items, tables, charts = printed
    # one page wide: the first and the last column's headers on the same page
    assert "Section" in items and "Score used" in items and "Outcomes" not in items
    assert "Outcomes" in tables and "Employment specialists" in tables
    for chart in layout.charts:
        assert chart.title in charts


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler (pdftotext) is not installed")
def test_printed_each_chart_whole_on_one_page(printed, layout):
    """A chart cut by a page break has its title on one page and its legend on the next."""
    for chart in layout.charts:
        holding = [
            n
            for n, text in enumerate(printed)
            if chart.title in text and all(s.name in text for s in chart.series)
        ]
        assert holding, chart.title


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler (pdftotext) is not installed")
def test_printed_headers_whole_words_and_money_as_money(printed, report):
    words = {
        w for h, _, _ in fidelity_sheet.SPECIALIST_COLUMNS for w in h.split() if len(w) > 3
    } | {w for h in fidelity_sheet.FIDELITY_HEADERS for w in h.split() if len(w) > 3}
    text = "\n".join(printed)
    assert not [w for w in words if w not in text]
    wage = report.scores.outcomes["mean_wage"]
    assert f"${wage:,.2f}" in printed[1]
