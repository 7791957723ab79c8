"""The ribbon's runs keep the agency's workbook whole, driven through xlwings' own Book as in
``test_excel`` (whose Excel simulation and JSON builders are reused here)."""

from __future__ import annotations

from builders import clean_tabs
from test_excel import ExcelSim, block, book_json, remote_engine  # noqa: F401 - a fixture

from ipsxl import excel


def _no_header_rows() -> dict:
    """A Program tab without its Field/Value header, a Jobs tab with headers in Spanish."""
    tabs = clean_tabs()
    tabs["Program"] = tabs["Program"][1:]
    tabs["Jobs"][0] = [f"Columna {i}" for i in range(1, len(tabs["Jobs"][0]) + 1)]
    return book_json("no-header.xlsx", tabs)


def test_validate_marks_no_cell_for_a_flag_without_one():
    payload = _no_header_rows()
    start = [s["name"] for s in payload["sheets"]]
    sim = ExcelSim(payload)
    _, actions, report = sim.run(excel.validate)
    assert report is not None
    cells = [a for a in actions if a.get("start_row") is not None]
    assert cells and all(a["start_row"] >= 0 and a["start_column"] >= 0 for a in cells)
    assert not any(name == "Jobs" for name, _, _ in sim.fills)
    assert not any(name == "Jobs" for name, _ in sim.notes)
    rows = block(actions, start, "Flags")
    jobs = [row for row in rows[1:] if row[0] == "Jobs" and row[3] == "missing-column"]
    assert jobs and all(row[1] in ("", None) for row in jobs)
