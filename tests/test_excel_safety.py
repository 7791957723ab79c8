"""The ribbon's runs keep the agency's workbook whole, driven through xlwings' own Book as in
``test_excel`` (whose Excel simulation and JSON builders are reused here)."""

from __future__ import annotations

import copy

from builders import clean_tabs, set_cell
from test_excel import (  # noqa: F401 - remote_engine is a fixture
    ExcelSim,
    alert_text,
    block,
    book_json,
    remote_engine,
)

from ipsxl import excel, sheets


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


def _with_agency_sheets() -> dict:
    tabs = clean_tabs()
    set_cell(tabs, "Caseload", 1, "Enrollment Date", "13/45/2026")
    tabs["flags"] = [["Our own list of things to fix"], ["call the funder"]]
    tabs["Fidelity"] = [["Our fidelity review of 2025"], ["score", 97]]
    return book_json("agency.xlsx", tabs)


def _values(sim: ExcelSim, name: str) -> list[list[object]]:
    return sim.sheet(name)["values"]


def test_the_ribbon_never_replaces_an_agency_sheet_named_flags_or_fidelity():
    sim = ExcelSim(_with_agency_sheets())
    theirs = {name: copy.deepcopy(_values(sim, name)) for name in ("flags", "Fidelity")}
    for button in (excel.fidelity, excel.validate, excel.fidelity):
        _, actions, _ = sim.run(button)
        for name, values in theirs.items():
            assert _values(sim, name) == values, (button.__name__, name)
        assert sim.names().count("Flags (ipsxl)") == 1
        assert sim.names().count("Fidelity (ipsxl)") == 1
        assert "Flags (ipsxl)" in alert_text(actions)
    sim.run(excel.clear_flags)
    assert "Flags (ipsxl)" not in sim.names() and "Fidelity (ipsxl)" not in sim.names()
    for name, values in theirs.items():
        assert _values(sim, name) == values


def _flag_row(sim: ExcelSim, sheet: str, code: str) -> int:
    rows = _values(sim, "Flags")
    return next(i for i, row in enumerate(rows, 1) if row[0] == sheet and row[3] == code)


def test_a_second_validate_keeps_a_column_added_beside_the_flags_table():
    tabs = clean_tabs()
    set_cell(tabs, "Caseload", 1, "Enrollment Date", "13/45/2026")
    status = set_cell(tabs, "Caseload", 2, "Status", "Sleeping")
    sim = ExcelSim(book_json("agency.xlsx", tabs))
    sim.run(excel.validate)
    beside = len(sheets.FLAGS_HEADERS) + 1
    flags = sim.sheet("Flags")
    sim._put(flags, 1, beside, "Action taken")
    sim._put(flags, _flag_row(sim, "Caseload", "bad-date"), beside, "asked Ann")
    sim._put(flags, _flag_row(sim, "Caseload", "bad-choice"), beside, "list sent")
    sim._put(sim.sheet("Caseload"), status, tabs["Caseload"][0].index("Status") + 1, "Active")
    _, actions, _ = sim.run(excel.validate)
    assert sim.cell_value("Flags", 1, beside) == "Action taken"
    assert sim.cell_value("Flags", _flag_row(sim, "Caseload", "bad-date"), beside) == "asked Ann"
    kept = [n for n in sim.names() if n.startswith("Flags ")]
    assert len(kept) == 1 and kept[0] in alert_text(actions)
    assert any("list sent" in row for row in _values(sim, kept[0]))
