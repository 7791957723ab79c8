"""The written workbook in a real spreadsheet application: LibreOffice, headless.

LibreOffice opens the workbook, recalculates every formula (the cached results ipsxl stores are
removed first, so the values read back can only come from LibreOffice evaluating the formulas)
and saves it again; openpyxl then reads what it computed.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from office import SOFFICE, convert_all, rewrite, without_cached_results
from wb_fixtures import WHEN, make_report, read_parts, sheet_part

from ipsxl import sheets
from ipsxl.core import scale
from ipsxl.core.standard import FIDELITY_SHEET, FLAGS_SHEET
from ipsxl.sheets import fidelity as fidelity_sheet

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _scored(written: Path, out: Path) -> Path:
    """``written`` with the reviewer's 4 typed into every item's cell (over the data's scores
    too), as a person would, so the band formula has a band to compute."""
    inputs = fidelity_sheet.fidelity_layout(make_report(), WHEN).input_cells
    parts = read_parts(written)
    fid = sheet_part(written, FIDELITY_SHEET)
    for ref in inputs.values():
        parts[fid] = re.sub(
            rf'<c r="{ref}" s="(\d+)"/>'.encode(),
            rf'<c r="{ref}" s="\1"><v>4</v></c>'.encode(),
            parts[fid],
        )
    return rewrite(written, out, parts)


@pytest.fixture(scope="module")
def recalculated(written, tmp_path_factory) -> dict[str, Path]:
    """The written agency workbook (``written``, conftest.py) opened and saved by LibreOffice
    with every cached result of its Fidelity sheet removed first: ``scored`` with the reviewer's
    scores typed in, ``unscored`` as written. One start of LibreOffice for both."""
    tmp = tmp_path_factory.mktemp("libreoffice")
    scored = _scored(written, tmp / "scored.xlsm")
    bare = [
        without_cached_results(path, tmp / f"bare-{name}.xlsm", FIDELITY_SHEET)
        for name, path in (("scored", scored), ("unscored", written))
    ]
    scored_saved, unscored_saved = convert_all(bare, tmp)
    return {"scored": scored_saved, "unscored": unscored_saved}


def test_libreoffice_computes_the_fidelity_formulas_and_reads_flags(recalculated):
    report = make_report()
    inputs = fidelity_sheet.fidelity_layout(report, WHEN).input_cells
    layout = fidelity_sheet.fidelity_layout(report, WHEN, {pos: 4 for pos in inputs})
    wb = openpyxl.load_workbook(recalculated["scored"], data_only=True)
    ws = wb[FIDELITY_SHEET]
    total = 4 * scale.ITEM_COUNT
    assert ws[layout.anchors["total"]].value == total
    assert ws[layout.anchors["count"]].value == scale.ITEM_COUNT
    assert ws[layout.anchors["band"]].value == scale.fidelity_band(total)
    rate = report.scores.outcomes["employment_rate"]
    level = [name for value, name in scale.EMPLOYMENT_RATE_BENCHMARKS if rate >= value]
    assert ws[layout.anchors["rate_level"]].value == (level[-1] if level else "below minimal")

    flags = wb[FLAGS_SHEET]
    expected = sheets.flags_table(report, sheets={"Caseload", "Employer Log"})
    first = expected.iloc[0]
    assert [c.value for c in flags[1]] == list(sheets.FLAGS_HEADERS)
    row = [c.value for c in flags[2]]
    assert row[0] == first["Sheet"] and row[3] == first["Code"] and row[5] == first["Message"]
    assert flags.max_row == len(expected) + 1


def test_libreoffice_sees_the_unscored_total(recalculated):
    """Without reviewer scores the total is the scale items' data scores (an indicator's
    suggestion never counts) and the band says how many items are scored."""
    report = make_report()
    ws = openpyxl.load_workbook(recalculated["unscored"], data_only=True)[FIDELITY_SHEET]
    layout = fidelity_sheet.fidelity_layout(report, WHEN)
    scale_scores = [
        it.score for it in report.scores.items if it.basis == scale.SCALE and it.score is not None
    ]
    assert ws[layout.anchors["total"]].value == sum(scale_scores)
    assert ws[layout.anchors["band"]].value == (
        f"{scale.INCOMPLETE} ({len(scale_scores)} of {scale.ITEM_COUNT} scored)"
    )
