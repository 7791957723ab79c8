"""The shipped example is exactly what ``ipsxl demo`` writes: regenerating it changes no cell.

Compared cell for cell the way Excel shows a workbook: every value, every style the template
sets (number format, font, fill, alignment, border, protection), the header notes, and each
sheet's frozen panes, column widths, merged cells, drop-downs, Excel tables and print setup.
A change to the demo or the template that changes the example must regenerate it (see the
developers' map), and one that should not (moving code around) is caught here.
"""

from __future__ import annotations

import zipfile
from copy import copy
from pathlib import Path

import openpyxl
import pytest
from commands import ipsxl

from ipsxl.make.demo import write_demo

SHIPPED = Path(__file__).resolve().parents[1] / "workbooks" / "example.xlsx"


def cells(ws) -> dict[str, tuple]:
    """Each written cell: its value, the styles a person sees and its note."""
    looks: dict[int, tuple] = {}  # a workbook's style id -> the styles it stands for

    def look(cell) -> tuple:
        if cell.style_id not in looks:
            # copies: openpyxl's style proxies compare equal to nothing
            looks[cell.style_id] = (
                cell.number_format,
                *(copy(s) for s in (cell.font, cell.fill, cell.alignment, cell.border)),
                copy(cell.protection),
            )
        return looks[cell.style_id]

    return {
        cell.coordinate: (cell.value, look(cell), cell.comment.text if cell.comment else None)
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None or cell.has_style or cell.comment
    }


def sheet_setup(ws) -> dict[str, object]:
    """What a sheet holds besides its cells."""
    return {
        "freeze": ws.freeze_panes,
        "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "dropdowns": sorted(
            (str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.operator, dv.error, dv.prompt)
            for dv in ws.data_validations.dataValidation
        ),
        "tables": sorted(
            (t.displayName, t.ref, t.tableStyleInfo.name, [c.name for c in t.tableColumns])
            for t in ws.tables.values()
        ),
        "print": (
            ws.page_setup.orientation,
            ws.page_setup.fitToWidth,
            ws.page_setup.fitToHeight,
            ws.print_title_rows,
        ),
        "state": ws.sheet_state,
    }


def assert_same_workbook(path: Path, expected: Path) -> None:
    got, want = openpyxl.load_workbook(path), openpyxl.load_workbook(expected)
    assert got.sheetnames == want.sheetnames
    assert sorted(got.defined_names) == sorted(want.defined_names)
    for name in want.sheetnames:
        assert sheet_setup(got[name]) == sheet_setup(want[name]), name
        mine, theirs = cells(got[name]), cells(want[name])
        differ = [c for c in theirs.keys() | mine.keys() if mine.get(c) != theirs.get(c)]
        assert not differ, f"{name}: {sorted(differ)[:5]} differ, such as {differ[0]}: " + (
            f"{mine.get(differ[0])} != {theirs.get(differ[0])}"
        )


def test_ipsxl_demo_regenerates_the_shipped_example_cell_for_cell(tmp_path: Path) -> None:
    out = tmp_path / "example.xlsx"
    out.write_bytes(b"an older example")  # --force replaces it, as when regenerating
    run = ipsxl("demo", str(out), "--clients", "40", "--seed", "7", "--force")
    assert run.returncode == 0, run.stderr
    assert_same_workbook(out, SHIPPED)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"clients": 25, "seed": 1},
        {"clients": 120, "seed": 11, "contacts_per_client": 9},
    ],
)
def test_the_same_arguments_write_the_same_workbook(tmp_path: Path, kwargs: dict) -> None:
    """Other seeds and sizes, the stress log included: written twice, the same bytes in every
    part but the one that holds when the file was written."""
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_demo(first, **kwargs)
    write_demo(second, **kwargs)
    mine, theirs = parts(second), parts(first)
    assert mine.keys() == theirs.keys()
    assert [name for name in theirs if mine[name] != theirs[name]] == []


def parts(path: Path) -> dict[str, bytes]:
    """A workbook's parts, less its core properties (the time it was written)."""
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}
