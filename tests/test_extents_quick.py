"""The quick scan of a sheet part (``extents.QuickScan``): how far the cells holding something
reach, and when it leaves the part to the slow scan (a real XML parser) instead of guessing.

A sheet whose cells or quoting the quick scan's patterns cannot read for sure must go to the
slow scan, whatever shortcut the quick scan takes; and the cells it measures are the same
ones, however the part is cut into pieces."""

from __future__ import annotations

import pytest

from ipsxl.files.extents import QuickScan, SlowScan

HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = b"</sheetData></worksheet>"


def _quick(rows: bytes, chunk: int | None = None) -> QuickScan:
    data = HEAD + rows + TAIL
    scan = QuickScan()
    step = chunk or len(data)
    for at in range(0, len(data), step):
        scan.feed(data[at : at + step])
    scan.finish()
    return scan


def _row(n: int, cells: bytes) -> bytes:
    return b'<row r="%d">' % n + cells + b"</row>"


@pytest.mark.parametrize(
    ("rows", "reach"),
    [
        # cells holding something, in and out of order; empty styled cells do not count
        (_row(1, b'<c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="D1"><v>2</v></c>'), (1, 4)),
        (_row(9, b'<c r="B9"><v>1</v></c>') + _row(3, b'<c r="C3"><v>1</v></c>'), (9, 3)),
        (_row(1, b'<c r="A1"><v>1</v></c>') + _row(50, b'<c r="XFD50" s="1"/>'), (1, 1)),
        (_row(1, b'<c r="B1" s="2" t="n"></c><c r="AB1" s="2"></c>'), (1, 28)),
        (_row(7, b'<c r="A007"><v>1</v></c>'), (7, 1)),
        (_row(2, b'<c r="Z2"><v>1</v></c><c r="AA2"><v>1</v></c><c r="C2"><v>1</v></c>'), (2, 27)),
        # formulas and text that quote: '=' and '>' outside a value, apostrophes in text
        (_row(1, b'<c r="A1"><f>IF(B1="x",1,0)</f><v>1</v></c>'), (1, 1)),
        (_row(1, b'<c r="E1" t="inlineStr"><is><t>O\'Brien\'s</t></is></c>'), (1, 5)),
        (_row(1, b'<c r="A1" t="inlineStr"><is><t>say "hi" &gt; 2</t></is></c>'), (1, 1)),
        (b"", (0, 0)),
    ],
)
def test_the_quick_scan_measures_the_cells_holding_something(rows, reach):
    for chunk in (None, 7, 64):
        scan = _quick(rows, chunk)
        assert scan.ok
        assert (scan.extent.rows, scan.extent.cols) == reach


@pytest.mark.parametrize(
    "rows",
    [
        _row(1, b'<c r="A1" x="a>b"><v>1</v></c>'),  # a '>' inside a value
        _row(1, b'<c r="A1" x= "a>b"><v>1</v></c>'),
        _row(1, b"<c r=\"A1\" x='a&gt;b'><v>1</v></c><c r=\"B1\" y='c>d'><v>1</v></c>"),
        _row(1, b'<c r="A1" t="inlineStr"><is><t>x="y>z</t></is></c>'),  # as text too
        _row(1, b"<c><v>1</v></c>"),  # a cell without a reference
        _row(1, b'<c t="n" r="A1"><v>1</v></c>'),  # the reference not first
        _row(1, b'<c\nr="A1"><v>1</v></c>'),
        _row(1, b'<c  r="A1"><v>1</v></c>'),
        _row(1, b"<c r='A1'><v>1</v></c>"),
        _row(1, b'<c r="a1"><v>1</v></c>'),
        _row(1, b'<c r="ABCD1"><v>1</v></c>'),
        _row(1, b'<c r="A12345678"><v>1</v></c>'),
        _row(1, b'<c r="A1" s="1/2"><v>1</v></c>'),
        _row(1, b'<c r="A1" <c r="B1"><v>1</v></c>'),  # one tag inside another
        _row(1, b'<x:c r="A1"><v>1</v></x:c>'),
    ],
)
def test_what_the_quick_scan_cannot_vouch_for_goes_to_the_slow_scan(rows):
    assert not _quick(rows).ok


def test_the_slow_scan_measures_what_the_quick_scan_left():
    rows = _row(4, b'<c t="n" r="C4"><v>1</v></c><c r="A4" x="a>b"><v>2</v></c>')
    assert not _quick(rows).ok
    slow = SlowScan()
    slow.feed(HEAD + rows + TAIL)
    slow.finish()
    assert (slow.extent.rows, slow.extent.cols) == (4, 3)
