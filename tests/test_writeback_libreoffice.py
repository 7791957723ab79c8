"""The written workbook in a real spreadsheet application: LibreOffice, headless.

LibreOffice opens the workbook, recalculates every formula (the cached results ipsxl stores are
removed first, so the values read back can only come from LibreOffice evaluating the formulas)
and saves it again; openpyxl then reads what it computed.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from office import SOFFICE, convert, rewrite
from wb_fixtures import build_workbook, make_report, read_parts, sheet_part

from ipsxl import sheets
from ipsxl.core import scale
from ipsxl.core.standard import FIDELITY_SHEET, FLAGS_SHEET
from ipsxl.sheets import fidelity as fidelity_sheet
from ipsxl.writeback import write_back

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

WHEN = dt.datetime(2026, 10, 1, 9, 30)


def _without_cached_results(path: Path, out: Path) -> Path:
    parts = read_parts(path)
    fid = sheet_part(path, FIDELITY_SHEET)
    text = parts[fid].decode()
    text = re.sub(r'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="str">(<f>.*?</f>)<v>.*?</v>', r"\1>\2", text)
    text = re.sub(r"(</f>)<v>.*?</v>", r"\1", text)
    parts[fid] = text.encode()
    return rewrite(path, out, parts)


def test_libreoffice_computes_the_fidelity_formulas_and_reads_flags(tmp_path):
    report = make_report()
    source = build_workbook(tmp_path / "agency.xlsm")
    written = tmp_path / "agency.checked.xlsm"
    # the reviewer scores every item 4 (over the data's scores too), so the band formula has a
    # band to compute
    inputs = fidelity_sheet.fidelity_layout(report, WHEN).input_cells
    layout = fidelity_sheet.fidelity_layout(report, WHEN, {pos: 4 for pos in inputs})
    write_back(source, written, report, generated_at=WHEN)
    # put the reviewer scores in as a person would, then drop every cached result
    parts = read_parts(written)
    fid = sheet_part(written, FIDELITY_SHEET)
    for ref in inputs.values():
        parts[fid] = re.sub(
            rf'<c r="{ref}" s="(\d+)"/>'.encode(),
            rf'<c r="{ref}" s="\1"><v>4</v></c>'.encode(),
            parts[fid],
        )
    scored = tmp_path / "scored.xlsm"
    with zipfile.ZipFile(scored, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    converted = convert(_without_cached_results(scored, tmp_path / "bare.xlsm"), tmp_path)

    wb = openpyxl.load_workbook(converted, data_only=True)
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


def test_libreoffice_sees_the_unscored_total(tmp_path):
    """Without reviewer scores the total is the scale items' data scores (an indicator's
    suggestion never counts) and the band says how many items are scored."""
    report = make_report()
    source = build_workbook(tmp_path / "agency.xlsm")
    written = tmp_path / "agency.checked.xlsm"
    write_back(source, written, report, generated_at=WHEN)
    converted = convert(_without_cached_results(written, tmp_path / "bare.xlsm"), tmp_path)
    ws = openpyxl.load_workbook(converted, data_only=True)[FIDELITY_SHEET]
    layout = fidelity_sheet.fidelity_layout(report, WHEN)
    scale_scores = [
        it.score for it in report.scores.items if it.basis == scale.SCALE and it.score is not None
    ]
    assert ws[layout.anchors["total"]].value == sum(scale_scores)
    assert ws[layout.anchors["band"]].value == (
        f"{scale.INCOMPLETE} ({len(scale_scores)} of {scale.ITEM_COUNT} scored)"
    )
