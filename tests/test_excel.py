"""The ribbon's Python side, driven through xlwings' own Book as Excel's xlwings client drives it.

Excel's client sends the workbook as JSON (every sheet's values from A1, dates as ISO strings,
the notes' addresses) and applies the actions Python queues. ``xlwings.Book(json=...)`` is the
real xlwings object model over that JSON, so these tests run each button's function exactly as
a click would, and check the actions: the sheets added, the values of the Flags and Fidelity
blocks, the fills and notes on the flagged cells. ``ExcelSim`` applies those actions to the
JSON the way Excel would, so a second click (and Clear Flags) can be run on a workbook that
holds what the first one wrote. Figures are compared with the command line's for the same file.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import xlwings as xw
from builders import clean_tabs, set_cell

from ipsxl import excel, sheets
from ipsxl.core import scale
from ipsxl.core import standard as std
from ipsxl.core.model import ERROR, WARNING
from ipsxl.excel import highlights
from ipsxl.excel.engine import Engine
from ipsxl.excel.ranges import MAX_AREA_ADDRESS, paint, rectangles
from ipsxl.excel.reading import read_book
from ipsxl.excel.render import TABLE_STYLE
from ipsxl.excel.state import STATE_SHEET
from ipsxl.report import to_dict
from ipsxl.sheets import fidelity as fidelity_sheet
from ipsxl.validate import check_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "example.xlsx"
RED, AMBER = sheets.HIGHLIGHT_FILLS[ERROR], sheets.HIGHLIGHT_FILLS[WARNING]
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


@pytest.fixture(autouse=True)
def remote_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """xlwings' remote engine (the one behind ``Book(json=...)``) under the noncommercial key.

    xlwings registers the engine when it is imported, and only with a license key set; it was
    imported before this fixture runs, so the engine is registered here if it is missing.
    """
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    if "remote" not in [engine.name for engine in xw.engines]:
        from xlwings.pro import _xlremote

        xw.engines.add(xw.Engine(impl=_xlremote.engine))


@pytest.fixture
def com_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notes read as desktop Excel reads them (see ``read_notes_as_desktop_excel``)."""
    read_notes_as_desktop_excel(monkeypatch)


def read_notes_as_desktop_excel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Desktop Excel's note reading, on the remote engine: the classic add-in's engines (COM on
    Windows, AppleScript on macOS) read a note's text with ``note.text``; the remote engine
    raises NotImplementedError there, its payload holding only which cells have notes. Here
    ``Note.text`` reads the text ``ExcelSim.book`` carries in each notes entry, so a test runs
    the path of the engines supervisors use, through xlwings' own Book and Note."""
    from xlwings.pro import _xlremote

    def read(note: _xlremote.Note) -> str | None:
        entry = note._entry
        return None if entry is None else entry.get("text")

    monkeypatch.setattr(_xlremote.Note, "text", property(read, _xlremote.Note.text.fset))


@pytest.fixture
def lite_note_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """xlwings Lite's note reading: ``await note.get_text()`` asks Excel for one note's text
    (only under emscripten); here it returns the text ``ExcelSim.book`` carries in the notes
    entry. ``note.text`` stays unreadable, as it is in Lite."""
    from xlwings.pro import _xlremote

    async def get_text(note: _xlremote.Note) -> str | None:
        entry = note._entry
        return None if entry is None else entry.get("text")

    monkeypatch.setattr(_xlremote.Note, "get_text", get_text)


# --------------------------------------------------------------------------- what Excel sends


def excel_value(value: object) -> object:
    """A cell as Excel's xlwings client puts it in the JSON: blanks as "", dates (cells with a
    date format) as ISO strings in UTC, whole numbers as JSON integers."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, dt.date):
        return (
            dt.datetime(value.year, value.month, value.day).isoformat(timespec="milliseconds") + "Z"
        )
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def sheet_json(name: str, rows: list[list[object]], client: str, hidden: bool = False) -> dict:
    width = max((len(r) for r in rows), default=0)
    values = [[excel_value(v) for v in r] + [""] * (width - len(r)) for r in rows] or [[]]
    sheet = {"name": name, "values": values, "pictures": [], "tables": []}
    if client == "Office.js":
        address = f"A1:{sheets.column_letter(width)}{len(rows)}" if rows and width else None
        sheet.update(
            {
                "shapes": [],
                "charts": [],
                "notes": [],
                "print_area": None,
                "visibility": "Hidden" if hidden else "Visible",
                "used_range_address": address,
            }
        )
    return sheet


def book_json(name: str, tabs: dict[str, list[list[object]]], client: str = "Office.js") -> dict:
    return {
        "client": client,
        "version": xw.__version__,
        "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [sheet_json(sheet, rows, client) for sheet, rows in tabs.items()],
    }


def file_json(path: Path, client: str = "Office.js") -> dict:
    """The JSON Excel would send for a workbook file (read with calamine, as Excel shows it)."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    book = CalamineWorkbook.from_path(str(path))
    payload = book_json(path.name, {}, client)
    for meta in book.sheets_metadata:
        rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        payload["sheets"].append(
            sheet_json(meta.name, rows, client, hidden=meta.visible != SheetVisibleEnum.Visible)
        )
    return payload


# --------------------------------------------------------------------------- what Excel does


class ExcelSim:
    """Applies a run's actions to the JSON as Excel would, and keeps what the JSON does not
    carry (fills, note texts, formulas), so tests can look at the workbook after a run and
    hand it to the next one."""

    def __init__(self, payload: dict) -> None:
        self.payload = copy.deepcopy(payload)
        self.fills: dict[tuple[str, int, int], str] = {}
        self.notes: dict[tuple[str, str], str] = {}
        self.formulas: dict[tuple[str, int, int], str] = {}
        for sheet in self.payload["sheets"]:
            for note in sheet.get("notes", []):
                self.notes[(sheet["name"], note["address"].replace("$", ""))] = "(theirs)"

    @property
    def sheets(self) -> list[dict]:
        return self.payload["sheets"]

    def names(self) -> list[str]:
        return [s["name"] for s in self.sheets]

    def sheet(self, name: str) -> dict:
        return next(s for s in self.sheets if s["name"] == name)

    def book(self) -> xw.Book:
        """The workbook as Excel's client sends it; each notes entry also carries the note's
        text, which the client never sends and xlwings' remote engine does not read: only the
        ``com_notes`` and ``lite_note_reads`` fixtures read it (see there)."""
        payload = copy.deepcopy(self.payload)
        for sheet in payload["sheets"]:
            for note in sheet.get("notes", []):
                note["text"] = self.notes.get((sheet["name"], note["address"].replace("$", "")))
        return xw.Book(json=payload)

    def run(self, button, **kwargs) -> tuple[xw.Book, list[dict], object]:
        """Click a button: run its function on this workbook, apply its actions. A script of
        ``ipsxl.lite`` may be a coroutine function: it is run to its end, as Lite runs it."""
        book = self.book()
        result = button(book, **kwargs)
        if inspect.iscoroutine(result):
            result = asyncio.run(result)
        actions = book.json()["actions"]
        self.apply(actions)
        return book, actions, result

    def apply(self, actions: list[dict]) -> None:
        for action in actions:
            getattr(self, "_" + action["func"], lambda a: None)(action)

    def cell_value(self, name: str, row: int, col: int) -> object:
        values = self.sheet(name)["values"]
        try:
            return values[row - 1][col - 1]
        except IndexError:
            return ""

    # actions -------------------------------------------------------------------------------

    def _at(self, action: dict) -> dict:
        return self.sheets[action["sheet_position"]]

    def _cells(self, action: dict):
        for i in range(action["row_count"]):
            for j in range(action["column_count"]):
                yield action["start_row"] + i + 1, action["start_column"] + j + 1

    def _addSheet(self, action: dict) -> None:  # noqa: N802
        position, name = action["args"]
        new = sheet_json(name, [], self.payload["client"])
        self.sheets.insert(position, new)
        for entry in self.payload["names"]:  # a name scoped to a sheet follows the sheet
            if (
                entry.get("scope_sheet_index") is not None
                and entry["scope_sheet_index"] >= position
            ):
                entry["scope_sheet_index"] += 1

    def _sheetDelete(self, action: dict) -> None:  # noqa: N802
        name = self._at(action)["name"]
        position = action["sheet_position"]
        kept = []
        for entry in self.payload["names"]:
            scope = entry.get("scope_sheet_index")
            if scope == position:
                continue  # the sheet's own names go with it
            if scope is not None and scope > position:
                entry["scope_sheet_index"] = scope - 1
            kept.append(entry)
        self.payload["names"] = kept
        self.sheets.remove(self._at(action))
        for store in (self.fills, self.formulas):
            for key in [k for k in store if k[0] == name]:
                del store[key]
        for key in [k for k in self.notes if k[0] == name]:
            del self.notes[key]

    def _namesAdd(self, action: dict) -> None:  # noqa: N802
        name, refers_to = action["args"]
        position = action["sheet_position"]
        self.payload["names"].append(
            {
                "name": name,
                "refers_to": refers_to,
                "sheet_index": None,
                "address": None,
                "book_scope": position is None,
                "scope_sheet_index": position,
                "scope_sheet_name": None if position is None else self.sheets[position]["name"],
            }
        )

    def _nameDelete(self, action: dict) -> None:  # noqa: N802
        _, _, name, _, book_scope, scope = action["args"]
        self.payload["names"] = [
            n
            for n in self.payload["names"]
            if (n["name"], n["book_scope"], n.get("scope_sheet_index")) != (name, book_scope, scope)
        ]

    def _setSheetName(self, action: dict) -> None:  # noqa: N802
        args = action["args"]
        self._at(action)["name"] = args if isinstance(args, str) else args[0]

    def _setSheetVisibility(self, action: dict) -> None:  # noqa: N802
        self._at(action)["visibility"] = action["args"][0]

    def _grow(self, sheet: dict, rows: int, cols: int) -> list[list]:
        """The sheet's values, grown (as Excel's used range grows) to hold the cell at row
        ``rows``, column ``cols``: every row as wide as the widest."""
        values = sheet["values"]
        if values == [[]]:
            values.clear()
        while len(values) < rows:
            values.append([])
        width = max(cols, max(len(r) for r in values))
        for r in values:
            r.extend([""] * (width - len(r)))
        if "used_range_address" in sheet:
            sheet["used_range_address"] = f"A1:{sheets.column_letter(width)}{len(values)}"
        return values

    def _put(self, sheet: dict, row: int, col: int, value: object) -> None:
        self._grow(sheet, row, col)[row - 1][col - 1] = value

    def _put_block(self, sheet: dict, action: dict, values: list[list[object]]) -> None:
        """``values`` written from the action's top-left cell: the sheet grown once to the
        block's far corner, then each cell set, as ``_put`` cell by cell would leave it."""
        filled = [i for i, row in enumerate(values) if row]
        if not filled:
            return
        top, left = action["start_row"], action["start_column"]
        grid = self._grow(sheet, top + filled[-1] + 1, left + max(len(row) for row in values))
        for i, row in enumerate(values):
            grid[top + i][left : left + len(row)] = row

    def _setValues(self, action: dict) -> None:  # noqa: N802
        sheet = self._at(action)
        stored = [[as_excel_stores(value) for value in row] for row in action["values"]]
        self._put_block(sheet, action, stored)
        for i, row in enumerate(stored):
            for j in range(len(row)):
                self.formulas.pop(
                    (sheet["name"], action["start_row"] + i + 1, action["start_column"] + j + 1),
                    None,
                )

    def _setFormula(self, action: dict) -> None:  # noqa: N802
        sheet = self._at(action)
        for i, row in enumerate(action["values"]):
            for j, formula in enumerate(row):
                r, c = action["start_row"] + i + 1, action["start_column"] + j + 1
                self.formulas[(sheet["name"], r, c)] = formula
        self._put_block(
            sheet, action, [[formula_result(f) for f in row] for row in action["values"]]
        )

    def delete_row(self, name: str, row: int) -> None:
        """A person deletes a row of a sheet: what is below moves up, and Excel rewrites the
        references to that sheet's cells in formulas (#REF! for the deleted row)."""
        del self.sheet(name)["values"][row - 1]

        def moved(r: int) -> int:
            return r - 1 if r > row else r

        self.fills = {
            (s, moved(r) if s == name else r, c): f
            for (s, r, c), f in self.fills.items()
            if not (s == name and r == row)
        }
        notes = {}
        for (s, address), text in self.notes.items():
            r, c = sheets.split_ref(address)
            if s == name and r == row:
                continue
            notes[(s, sheets.cell_ref(moved(r), c) if s == name else address)] = text
        self.notes = notes
        for sheet in self.sheets:
            for note in sheet.get("notes", []):
                r, c = sheets.split_ref(note["address"])
                if sheet["name"] == name and r > row:
                    note["address"] = sheets.cell_ref(r - 1, c, absolute=True)
        target = re.escape(sheets.quote_sheet(name))

        def rewrite(match: re.Match) -> str:
            r = int(match.group(2))
            if r == row:
                return "#REF!"
            return f"{match.group(0)[: match.start(2) - match.start(0)]}{moved(r)}"

        for (s, r, c), formula in list(self.formulas.items()):
            new = re.sub(target + r"!([A-Z]+)(\d+)", rewrite, formula)
            if new != formula:
                self.formulas[(s, r, c)] = new
                self._put(self.sheet(s), r, c, formula_result(new))

    def _setRangeColor(self, action: dict) -> None:  # noqa: N802
        name = self._at(action)["name"]
        for r, c in self._cells(action):
            self._fill(name, r, c, action["args"][0])

    def _setRangeColors(self, action: dict) -> None:  # noqa: N802
        name = self._at(action)["name"]
        matrix = action["args"][0]
        for i, row in enumerate(matrix):
            for j, color in enumerate(row):
                if color != "keep":
                    self._fill(
                        name, action["start_row"] + i + 1, action["start_column"] + j + 1, color
                    )

    def _fill(self, name: str, r: int, c: int, color: str | None) -> None:
        if color is None:
            self.fills.pop((name, r, c), None)
        else:
            self.fills[(name, r, c)] = color.lstrip("#").upper()

    def _addNote(self, action: dict) -> None:  # noqa: N802
        sheet = self._at(action)
        address, text = action["args"]
        sheet["notes"].append({"address": address})
        self.notes[(sheet["name"], address.replace("$", ""))] = text

    def _setNoteText(self, action: dict) -> None:  # noqa: N802
        sheet = self._at(action)
        address, text = action["args"]
        self.notes[(sheet["name"], address.replace("$", ""))] = text

    def type_into_note(self, name: str, ref: str, text: str, above: bool = False) -> None:
        """A person edits a note: a line of their own below (or above) what it says."""
        old = self.notes[(name, ref)]
        self.notes[(name, ref)] = f"{text}\n{old}" if above else f"{old}\n{text}"

    def _deleteNote(self, action: dict) -> None:  # noqa: N802
        sheet = self._at(action)
        address = action["args"][0]
        sheet["notes"] = [n for n in sheet["notes"] if n["address"] != address]
        del self.notes[(sheet["name"], address.replace("$", ""))]


def formula_result(formula: str) -> object:
    """What Excel sends back for one of the formulas ipsxl writes."""
    link = re.match(r'^=HYPERLINK\("[^"]*","(.*)"\)$', formula)
    if link:
        return link.group(1).replace('""', '"')
    ref = re.match(r"^=(ROW|COLUMN)\((.*)\)$", formula)
    if ref:
        if "#REF!" in ref.group(2):
            return "#REF!"
        r, c = sheets.split_ref(ref.group(2).rpartition("!")[2])
        return r if ref.group(1) == "ROW" else c
    return ""  # the Fidelity sheet's totals: not needed by the tests


def as_excel_stores(value: object) -> object:
    """A written value as Excel keeps it and sends it back: a leading apostrophe makes the rest
    text (and is not part of the value); an ISO date string becomes a date."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.startswith("'"):
            return value[1:]
        if ISO_DAY.match(value):
            return value + "T00:00:00.000Z"
        if ISO_TIME.match(value):
            return value.replace(" ", "T") + ".000Z"
    return value


def blank_as_empty(value: object) -> object:
    """A missing figure as an empty cell reads back (xlwings writes None as "")."""
    return "" if value is None or value is pd.NA or value != value else value


def shown(value: object) -> object:
    """What a person sees in a cell written with ``value``."""
    return as_excel_stores(value) if isinstance(value, str) else value


# --------------------------------------------------------------------------- reading actions


def sheet_positions(actions: list[dict], start: list[str]) -> list[tuple[dict, list[str]]]:
    """Each action with the sheet names as they stood when it ran."""
    names = list(start)
    out = []
    for action in actions:
        out.append((action, list(names)))
        if action["func"] == "addSheet":
            names.insert(action["args"][0], action["args"][1])
        elif action["func"] == "sheetDelete":
            del names[action["sheet_position"]]
    return out


def on_sheet(actions: list[dict], start: list[str], name: str, func: str) -> list[dict]:
    return [
        a
        for a, names in sheet_positions(actions, start)
        if a["func"] == func
        and a["sheet_position"] is not None
        and names[a["sheet_position"]] == name
    ]


def block(actions: list[dict], start: list[str], name: str) -> list[list[object]]:
    """The values block written to a sheet, as shown (the one setValues at A1)."""
    writes = [
        a
        for a in on_sheet(actions, start, name, "setValues")
        if (a["start_row"], a["start_column"]) == (0, 0)
    ]
    assert len(writes) == 1, f"{name} is written in one block"
    return [[shown(v) for v in row] for row in writes[0]["values"]]


def alert_text(actions: list[dict]) -> str:
    alerts = [a for a in actions if a["func"] == "alert"]
    assert len(alerts) == 1
    return alerts[0]["args"][0]


def flag_keys(report) -> set[tuple]:
    return {(r["sheet"], r["row"], r["column"], r["code"]) for r in to_dict(report)["flags"]}


@pytest.fixture(scope="module")
def cli_report():
    return check_file(EXAMPLE)


def flagged(report, code: str, column: str, sheet: str = "Caseload") -> tuple[int, int]:
    """The (row, column) of the first cell a report flags with ``code`` in ``column``."""
    return next(
        (int(f.row), int(f.col))
        for f in report.flags.itertuples()
        if f.sheet == sheet and f.code == code and f.column == column
    )


@pytest.fixture(scope="module")
def example_json() -> dict:
    return file_json(EXAMPLE)


# --------------------------------------------------------------------------- Validate


def test_validate_reports_what_the_command_line_reports(example_json, cli_report):
    sim = ExcelSim(example_json)
    _, actions, report = sim.run(excel.validate)
    assert flag_keys(report) == flag_keys(cli_report)
    assert to_dict(report)["flags"] == to_dict(cli_report)["flags"]
    assert to_dict(report)["fidelity"] == to_dict(cli_report)["fidelity"]
    counts = cli_report.counts()
    text = alert_text(actions)
    assert f"{counts[ERROR]} errors and {counts[WARNING]} warnings" in text


def test_fidelity_figures_equal_ipsxl_validate_json(example_json):
    from click.testing import CliRunner

    from ipsxl.cli import main

    result = CliRunner().invoke(main, ["validate", str(EXAMPLE), "--format", "json"])
    cli = json.loads(result.output)["workbooks"][0]
    _, actions, report = ExcelSim(example_json).run(excel.fidelity)
    mine = to_dict(report)
    keys = {(f["sheet"], f["row"], f["column"], f["code"]) for f in cli["flags"]}
    assert flag_keys(report) == keys
    assert {i["id"]: i["score"] for i in mine["fidelity"]["items"]} == {
        i["id"]: i["score"] for i in cli["fidelity"]["items"]
    }
    assert mine["fidelity"]["data_total"] == cli["fidelity"]["data_total"]
    assert f"data total {cli['fidelity']['data_total']} of" in alert_text(actions)


def test_validate_writes_the_flags_sheet_as_a_table_with_links(example_json, cli_report):
    start = [s["name"] for s in example_json["sheets"]]
    sim = ExcelSim(example_json)
    _, actions, _ = sim.run(excel.validate)
    assert [a["args"][1] for a in actions if a["func"] == "addSheet"] == [
        "Flags",
        STATE_SHEET,
    ]
    assert sim.names() == [*start, "Flags", STATE_SHEET]

    rows = block(actions, start, "Flags")
    assert tuple(rows[0]) == sheets.FLAGS_HEADERS
    expected = sheets.flags_table(cli_report, sheets=start)  # in the book's tab order
    assert len(rows) - 1 == len(expected) == len(cli_report.flags)
    for row, (_, rec) in zip(rows[1:], expected.iterrows(), strict=True):
        assert row[:7] == [blank_as_empty(rec[k]) for k in sheets.FLAGS_COLUMNS[:7]]

    # one link per row, each to its flagged cell, written as one block of formulas
    links = on_sheet(actions, start, "Flags", "setFormula")
    assert len(links) == 1 and links[0]["start_column"] == 7 and links[0]["start_row"] == 1
    targets = [
        re.match(r'=HYPERLINK\("#(.*)",', f[0]).group(1).replace('""', '"')
        for f in links[0]["values"]
    ]
    assert targets == list(expected["Link target"])

    tables = on_sheet(actions, start, "Flags", "addTable")
    assert [t["args"] for t in tables] == [
        [f"$A$1:$H${len(rows)}", True, TABLE_STYLE, sheets.FLAGS_TABLE]
    ]

    # rows whose message wraps get the height of its lines, as the file's Flags sheet does
    heights = {
        row: a["args"][0]
        for a in on_sheet(actions, start, "Flags", "setRowHeight")
        for row in range(a["start_row"] + 1, a["start_row"] + a["row_count"] + 1)
    }
    layout = sheets.flags_layout(cli_report, sheets=start)
    assert heights == layout.heights


def test_validate_fills_and_notes_exactly_the_flagged_cells(example_json, cli_report):
    sim = ExcelSim(example_json)
    sim.run(excel.validate)
    marks = sheets.highlight_marks(cli_report)
    expected = {
        (name, r, c): mark.fill for name, cells in marks.items() for (r, c), mark in cells.items()
    }
    agency = {k: v for k, v in sim.fills.items() if k[0] not in ("Flags", STATE_SHEET)}
    assert agency == expected
    assert set(expected.values()) == {RED, AMBER}
    # the error cells are red, the warning-only cells amber
    caseload = {(r, c): f for (s, r, c), f in agency.items() if s == "Caseload"}
    assert caseload[flagged(cli_report, "bad-date", "Referral Date")] == RED  # '13/45/2026'
    notes = {
        (name, sheets.cell_ref(r, c)): mark.note
        for name, cells in marks.items()
        for (r, c), mark in cells.items()
    }
    assert sim.notes == notes
    assert all(text.startswith(sheets.NOTE_MARKER + "\n") for text in sim.notes.values())


def test_validate_reads_dates_as_datetimes_and_text_dates_as_text(example_json):
    book = xw.Book(json=copy.deepcopy(example_json))
    raw = read_book(book)
    caseload = raw.tables["Caseload"].frame
    enrolled = caseload["Enrollment Date"].dropna()
    assert any(isinstance(v, dt.datetime) for v in enrolled)
    assert any(isinstance(v, str) and re.match(r"\d{4}-\d{2}-\d{2}$", v) for v in enrolled)
    assert raw.tables["Caseload"].header_row == 2  # a title row above the header
    assert raw.sheets == [s["name"] for s in example_json["sheets"]]


def test_a_table_away_from_a1_is_read_at_its_cells():
    tabs = clean_tabs()
    tabs["Jobs"] = [[None] * 3 + row for row in [[], [], *tabs["Jobs"]]]  # header at D3
    tabs["Jobs"][3][3] = "C404"  # the first job's client: not in Caseload
    payload = book_json("away.xlsx", tabs)
    jobs = next(s for s in payload["sheets"] if s["name"] == "Jobs")
    # the client sends values from A1 and the used range's true corner
    width = len(jobs["values"][2])
    jobs["used_range_address"] = f"D3:{sheets.column_letter(width)}{len(jobs['values'])}"
    sim = ExcelSim(payload)
    _, _, report = sim.run(excel.validate)
    flags = report.flags
    unknown = flags[flags["code"] == "unknown-client"]
    assert list(zip(unknown["sheet"], unknown["row"], unknown["col"], strict=True)) == [
        ("Jobs", 4, 4)
    ]
    assert ("Jobs", 4, 4) in sim.fills


def test_text_from_the_workbook_is_written_as_text():
    tabs = clean_tabs()
    sneaky = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "2026-07-14"]
    for i, value in enumerate(sneaky[:2], 1):
        set_cell(tabs, "Jobs", i, "Client ID", value)  # unknown-client: quoted in Value
    tabs["Jobs"].append(copy.copy(tabs["Jobs"][1]))
    set_cell(tabs, "Jobs", 3, "Client ID", sneaky[2])
    tabs["Jobs"].append(copy.copy(tabs["Jobs"][1]))
    set_cell(tabs, "Jobs", 4, "Client ID", sneaky[3])
    tabs["Jobs"].append(copy.copy(tabs["Jobs"][1]))
    set_cell(tabs, "Jobs", 5, "Client ID", sneaky[4])
    payload = book_json("sneaky.xlsx", tabs)
    start = list(tabs)
    sim = ExcelSim(payload)
    _, actions, _ = sim.run(excel.validate)
    written = on_sheet(actions, start, "Flags", "setValues")[0]["values"]
    values = [row[6] for row in written[1:]]
    for text in sneaky:
        assert "'" + text in values, text  # kept text by the apostrophe
    # no formula but ipsxl's own links reaches the sheet
    formulas = [f for a in actions if a["func"] == "setFormula" for row in a["values"] for f in row]
    assert all(f.startswith(("=HYPERLINK(\"#'", "=ROW('", "=COLUMN('")) for f in formulas)
    assert not any(text in f for f in formulas for text in sneaky)
    assert sim.cell_value("Flags", 2 + values.index("'-2"), 7) == "-2"


def test_no_standard_tab_means_nothing_is_written():
    sim = ExcelSim(book_json("other.xlsx", {"Budget": [["Item", "Cost"], ["Paper", 3]]}))
    _, actions, report = sim.run(excel.validate)
    assert report is None
    assert [a["func"] for a in actions] == ["alert"]
    assert "none of the IPS standard tabs" in actions[0]["args"][0]


# --------------------------------------------------------------------------- Fidelity


def test_fidelity_sheet_shows_the_command_lines_scores(example_json, cli_report):
    start = [s["name"] for s in example_json["sheets"]]
    sim = ExcelSim(example_json)
    _, actions, report = sim.run(excel.fidelity)
    assert to_dict(report)["fidelity"] == to_dict(cli_report)["fidelity"]
    assert sim.names() == [*start, "Fidelity", "Flags", STATE_SHEET]

    rows = block(actions, start, "Fidelity")
    layout = fidelity_sheet.fidelity_layout(cli_report, dt.datetime.now())
    first = sheets.split_ref(layout.anchors["scores"].split(":")[0])[0]
    by_id = {item.id: item for item in cli_report.scores.items}
    for pos, item in enumerate(scale.ITEMS):
        row = rows[first - 1 + pos]
        assert row[2] == item.label
        computed = by_id.get(item.id)
        expected: object = computed.score if computed is not None else None
        if computed is not None and computed.basis == scale.INDICATOR:
            assert computed.score is None  # shown, never counted
            expected = None if computed.suggests is None else f"suggests {computed.suggests}"
        assert row[fidelity_sheet.SCORE_COL - 1] == blank_as_empty(expected), item.label

    # the total, count and band are live formulas over the 25 score cells
    formulas = {
        (a["start_row"] + 1 + i, a["start_column"] + 1 + j): f
        for a in on_sheet(actions, start, "Fidelity", "setFormula")
        for i, row in enumerate(a["values"])
        for j, f in enumerate(row)
    }
    total = sheets.split_ref(layout.anchors["total"])
    band = sheets.split_ref(layout.anchors["band"])
    score_range = layout.anchors["scores"]
    assert formulas[total] == f"=SUM({score_range})"
    assert formulas[band] == "=" + fidelity_sheet.band_formula(
        layout.anchors["count"], layout.anchors["total"]
    )

    # the reviewer's cells take whole numbers 1-5; the layout's charts
    rules = on_sheet(actions, start, "Fidelity", "setDataValidationRule")
    charts = on_sheet(actions, start, "Fidelity", "addChart")
    assert rules and len(charts) == len(layout.charts) == 3
    text = alert_text(actions)
    assert f"data total {cli_report.scores.data_total} of {cli_report.scores.data_max}" in text


def test_fidelity_keeps_the_scores_a_reviewer_typed(example_json, cli_report):
    sim = ExcelSim(example_json)
    sim.run(excel.fidelity)
    layout = fidelity_sheet.fidelity_layout(cli_report, dt.datetime.now())
    typed = {0: 2, 7: 4, 24: 3}  # over a data score, over an indicator, a reviewer-only item
    for pos, score in typed.items():
        r, c = sheets.split_ref(layout.input_cells[pos])
        sim._put(sim.sheet("Fidelity"), r, c, score)
    note_row = sheets.split_ref(layout.input_cells[0])[0]
    sim._put(sim.sheet("Fidelity"), note_row, fidelity_sheet.REVIEWER_NOTE_COL, "recounted by hand")
    start = sim.names()
    _, actions, _ = sim.run(excel.fidelity)
    rows = block(actions, start, "Fidelity")
    for pos, score in typed.items():
        r, c = sheets.split_ref(layout.input_cells[pos])
        assert rows[r - 1][c - 1] == score
        assert sim.cell_value("Fidelity", r, c) == score
    assert (
        sim.cell_value("Fidelity", note_row, fidelity_sheet.REVIEWER_NOTE_COL)
        == "recounted by hand"
    )


def test_validate_leaves_an_earlier_fidelity_sheet_alone(example_json):
    sim = ExcelSim(example_json)
    sim.run(excel.fidelity)
    before = copy.deepcopy(sim.sheet("Fidelity"))
    start = sim.names()
    _, actions, _ = sim.run(excel.validate)
    assert on_sheet(actions, start, "Fidelity", "sheetDelete") == []
    assert sim.sheet("Fidelity") == before
    sim.run(excel.clear_flags)
    assert "Fidelity" not in sim.names()


# --------------------------------------------------------------------------- again, and Clear


def test_a_second_run_replaces_the_first(example_json):
    sim = ExcelSim(example_json)
    sim.run(excel.fidelity)
    after_one = (sim.names(), dict(sim.fills), dict(sim.notes))
    start = sim.names()
    _, actions, _ = sim.run(excel.fidelity)
    deleted = [
        names[a["sheet_position"]]
        for a, names in sheet_positions(actions, start)
        if a["func"] == "sheetDelete"
    ]
    assert sorted(deleted) == sorted(["Fidelity", "Flags", STATE_SHEET])
    assert (sim.names(), sim.fills, sim.notes) == after_one


@pytest.mark.usefixtures("com_notes")  # notes read as desktop Excel reads them
def test_clear_flags_takes_back_everything_and_nothing_else(example_json):
    original = ExcelSim(example_json)
    sim = ExcelSim(example_json)
    sim.run(excel.fidelity)
    assert sim.fills and sim.notes
    start = sim.names()
    _, actions, _ = sim.run(excel.clear_flags)
    assert sim.names() == original.names()
    assert sim.fills == {} and sim.notes == {}
    for sheet in original.sheets:
        assert sim.sheet(sheet["name"])["values"] == sheet["values"]
    # nothing is written into the agency's sheets: fills cleared, notes deleted, that is all
    agency = set(original.names())
    touched = Counter(
        a["func"]
        for a, names in sheet_positions(actions, start)
        if a["sheet_position"] is not None and names[a["sheet_position"]] in agency
    )
    assert set(touched) <= {"setRangeColor", "setRangeColors", "deleteNote"}
    assert "removed" in alert_text(actions)


@pytest.mark.usefixtures("com_notes")  # notes read as desktop Excel reads them
def test_marks_follow_the_cells_when_a_person_deletes_a_row(example_json):
    """Fixing a duplicate by deleting its row moves every mark below it up a row; Clear Flags
    and the next run find them where they are now, not where they were."""
    sim = ExcelSim(example_json)
    _, _, report = sim.run(excel.validate)
    # the second row of a duplicated client, and a flagged cell further down
    dup, id_col = max(
        (int(f.row), int(f.col))
        for f in report.flags.itertuples()
        if f.sheet == "Caseload" and f.code == "duplicate-id"
    )
    below = min((r, c) for (s, r, c) in sim.fills if s == "Caseload" and r > dup + 1)
    assert ("Caseload", dup, id_col) in sim.fills and ("Caseload", *below) in sim.fills
    sim.delete_row("Caseload", dup)
    assert ("Caseload", below[0] - 1, below[1]) in sim.fills  # moved up with its row
    sim.run(excel.clear_flags)
    assert sim.fills == {} and sim.notes == {}

    sim = ExcelSim(example_json)
    sim.run(excel.validate)
    sim.delete_row("Caseload", dup)
    _, _, report = sim.run(excel.validate)
    marks = sheets.highlight_marks(report)
    assert {k for k in sim.fills if k[0] in marks} == {
        (name, r, c) for name, cells in marks.items() for (r, c) in cells
    }
    assert ("Caseload", dup, id_col) not in sim.fills  # the duplicate is gone with its row


@pytest.mark.usefixtures("com_notes")  # notes read as desktop Excel reads them
def test_someone_elses_note_is_left_alone(example_json, cli_report):
    payload = copy.deepcopy(example_json)
    caseload = next(s for s in payload["sheets"] if s["name"] == "Caseload")
    row, col = flagged(cli_report, "bad-date", "Referral Date")
    ref = sheets.cell_ref(row, col)
    caseload["notes"].append({"address": sheets.cell_ref(row, col, absolute=True)})
    sim = ExcelSim(payload)
    _, actions, _ = sim.run(excel.validate)
    assert ("Caseload", ref) not in [(a["args"][0]) for a in actions if a["func"] == "addNote"]
    assert sim.notes[("Caseload", ref)] == "(theirs)"
    assert ("Caseload", row, col) in sim.fills
    sim.run(excel.clear_flags)
    assert sim.notes == {("Caseload", ref): "(theirs)"}
    assert sim.fills == {}


def test_clear_flags_on_a_workbook_ipsxl_never_marked():
    tabs = clean_tabs()
    sim = ExcelSim(book_json("clean.xlsx", tabs))
    _, actions, _ = sim.run(excel.clear_flags)
    assert [a["func"] for a in actions] == ["alert"]


# --------------------------------------------------------------------------- big tabs


@pytest.mark.usefixtures("com_notes")  # notes read as desktop Excel reads them
def test_a_large_tab_is_read_and_written_in_blocks(monkeypatch):
    tabs = clean_tabs()
    log = tabs["Employer Log"]
    while len(log) < 3001:
        log.append(copy.copy(log[1 + len(log) % 150]))
    for r in range(2, len(log), 2):
        log[r][5] = "Drop-in"  # every other contact: not a contact type (bad-choice)
    monkeypatch.setattr(highlights, "MAX_NOTES", 50)
    start = list(tabs)
    sim = ExcelSim(book_json("big.xlsx", tabs))
    _, actions, report = sim.run(excel.validate)
    bad = report.flags[report.flags["code"] == "bad-choice"]
    assert len(bad) == 1500
    assert len(actions) < 150
    assert len(on_sheet(actions, start, "Flags", "setValues")) == 1
    assert len(on_sheet(actions, start, "Flags", "setFormula")) == 1
    # 1,500 scattered cells: painted with colour matrices, one per column
    paints = on_sheet(actions, start, "Employer Log", "setRangeColors")
    assert on_sheet(actions, start, "Employer Log", "setRangeColor") == []
    columns = {c for (name, _, c) in sim.fills if name == "Employer Log"}
    assert sorted(p["start_column"] + 1 for p in paints) == sorted(columns)
    assert {k for k in sim.fills if k[0] == "Employer Log" and k[2] == 6} == {
        ("Employer Log", r, 6) for r in bad["row"]
    }
    assert len(on_sheet(actions, start, "Employer Log", "addNote")) == 50
    assert "first 50 flagged cells" in alert_text(actions)
    sim.run(excel.clear_flags)
    assert sim.fills == {} and sim.notes == {}


def test_rectangles_join_runs_down_columns_and_across_rows():
    cells = [(2, 1), (3, 1), (4, 1), (1, 1), (1, 2), (1, 3), (6, 2), (2, 2), (3, 2), (4, 2)]
    rects = rectangles(cells)
    assert rects == [(1, 1, 4, 2), (1, 3, 1, 3), (6, 2, 6, 2)]
    covered = [
        (r, c) for r1, c1, r2, c2 in rects for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
    ]
    assert sorted(covered) == sorted(cells)  # every cell once, nothing else


def test_the_desktop_paints_many_rectangles_per_call():
    class FakeRange:
        def __init__(self, address: str, log: list) -> None:
            self.address, self.log = address, log

        @property
        def color(self):
            return None

        @color.setter
        def color(self, value):
            self.log.append((self.address, value))

    class FakeSheet:
        def __init__(self) -> None:
            self.log: list = []

        def range(self, *args):
            return FakeRange(args[0] if isinstance(args[0], str) else str(args), self.log)

    sheet = FakeSheet()
    desktop = Engine(remote=False, officejs=False)
    paint(sheet, desktop, {(r, 3): "FFC7CE" for r in range(1, 400, 2)})
    assert all(len(address) <= MAX_AREA_ADDRESS for address, _ in sheet.log)
    assert len(sheet.log) < 20
    painted = {a for address, _ in sheet.log for a in address.split(",")}
    assert painted == {f"C{r}" for r in range(1, 400, 2)}


# --------------------------------------------------------------------------- other clients


def test_a_client_without_notes_or_charts_gets_fills_and_sheets():
    sim = ExcelSim(file_json(EXAMPLE, client="Microsoft Office Scripts"))
    _, actions, report = sim.run(excel.fidelity)
    funcs = Counter(a["func"] for a in actions)
    assert funcs["addNote"] == 0 and funcs["addChart"] == 0 and funcs["setRangeColors"] == 0
    assert funcs["setRangeColor"] > 0
    assert report.counts()[ERROR] > 0
    marks = sheets.highlight_marks(report)
    assert {k for k in sim.fills if k[0] in marks} == {
        (name, r, c) for name, cells in marks.items() for (r, c) in cells
    }


# --------------------------------------------------------------------------- the other buttons


def test_ribbon_actions_are_functions_of_this_module():
    from ipsxl.addin.build import RIBBON_ACTIONS

    for action in RIBBON_ACTIONS:
        assert callable(getattr(excel, action.function))


def test_help_names_every_button():
    from ipsxl.addin.build import RIBBON_ACTIONS

    sim = ExcelSim(book_json("any.xlsx", {"Sheet1": []}))
    _, actions, _ = sim.run(excel.show_help)
    text = alert_text(actions)
    for action in RIBBON_ACTIONS:
        if action.function != "show_help":
            assert action.label in text


def test_new_workbook_adds_the_standard_tabs_to_a_blank_book():
    sim = ExcelSim(book_json("Book1", {"Sheet1": []}))
    _, actions, _ = sim.run(excel.new_workbook)
    assert sim.names() == [tab.name for tab in std.TABS]
    for tab in std.TABS:
        assert sim.sheet(tab.name)["values"][0] == [c.name for c in tab.columns]
    program = sim.sheet(std.PROGRAM.name)["values"]
    assert [row[0] for row in program[1:]] == [f.name for f in std.PROGRAM.fields]
    lists = [a for a in actions if a["func"] == "setDataValidationList"]
    assert lists, "choice and yes/no columns get drop-downs"


def test_new_workbook_leaves_a_workbook_with_ips_tabs_alone():
    sim = ExcelSim(book_json("ips.xlsx", clean_tabs()))
    _, actions, result = sim.run(excel.new_workbook)
    assert result is None
    assert [a["func"] for a in actions] == ["alert"]


def test_new_workbook_on_the_desktop_opens_a_saved_template(tmp_path, monkeypatch):
    opened = []

    class Books:
        def open(self, path):
            opened.append(path)
            return book

    class App:
        books = Books()
        alerts: list = []

        def alert(self, text, title=None):
            self.alerts.append(text)

    class FakeBook:
        app = App()

    book = FakeBook()
    monkeypatch.setattr(Engine, "of", classmethod(lambda cls, b: cls(False, False)))
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    (tmp_path / "Documents").mkdir()
    (tmp_path / "Documents" / "IPS workbook.xlsx").write_bytes(b"someone's")
    excel.new_workbook(book)
    assert opened == [str(tmp_path / "Documents" / "IPS workbook (2).xlsx")]
    assert check_file(opened[0]).readable
    assert (tmp_path / "Documents" / "IPS workbook.xlsx").read_bytes() == b"someone's"


# --------------------------------------------------------------------------- runtimes


def test_excel_and_udfs_import_without_calamine_openpyxl_or_lxml():
    """xlwings Lite (Excel on the web) has no python-calamine; the ribbon module and the
    worksheet functions must load without it (and without the file-only openpyxl and lxml)."""
    code = textwrap.dedent("""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("python_calamine", "openpyxl", "lxml"):
                    raise ImportError("not in this runtime: " + name)
        sys.meta_path.insert(0, Block())
        import ipsxl.excel, ipsxl.udfs
        print("ok")
    """)
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr
