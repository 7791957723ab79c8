"""The package scan inflates each part through zipfile's own stream: never past the size the zip
directory declares, every byte counted against the package's budget, and a part whose bytes do
not match its header refused with a line that names it."""

from __future__ import annotations

import io
import zipfile

from hostile import zip_bytes

from ipsxl.files import package_scan
from ipsxl.files.limits import UnreadableWorkbook

PART = "xl/worksheets/sheet1.xml"


def _inflate(blob: bytes, budget: int = 1 << 30) -> tuple[int, str | None]:
    """How many bytes the scan inflated from ``PART``, and why it refused the part (or None)."""
    inflated = 0
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        try:
            for chunk in package_scan._inflate(zf, zf.getinfo(PART), package_scan._Budget(budget)):
                inflated += len(chunk)
        except UnreadableWorkbook as exc:
            return inflated, str(exc)
    return inflated, None


def test_a_sound_part_comes_out_whole():
    data = b"<x>" + b"row " * 700_000 + b"</x>"
    assert _inflate(zip_bytes([(PART, data)])) == (len(data), None)


def test_a_part_that_inflates_past_its_declared_size_is_refused_having_inflated_no_more():
    data = b"<x>" + b"a" * 5_000_000 + b"</x>"
    inflated, why = _inflate(zip_bytes([(PART, data)], declared={PART: 900}))
    assert inflated <= 900
    assert why == f"damaged: {PART} is corrupt (its size or checksum does not match)"


def test_a_part_shorter_than_its_declared_size_is_refused_even_with_the_right_checksum():
    data = b"<x>a few bytes</x>"
    _, why = _inflate(zip_bytes([(PART, data)], declared={PART: len(data) + 100}))
    assert why == f"damaged: {PART} is corrupt (its size or checksum does not match)"


def test_every_inflated_byte_counts_against_the_budget():
    data = b"<x>" + b"a" * 3_000_000 + b"</x>"
    inflated, why = _inflate(zip_bytes([(PART, data)]), budget=1_000_000)
    assert inflated <= 1_000_000
    assert why is not None and why.startswith("too large: the parts inflate past") and PART in why


def test_a_part_compressed_in_a_way_excel_never_uses_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_BZIP2) as zf:
        zf.writestr(PART, b"<x/>")
    _, why = _inflate(buf.getvalue())
    assert why == f"damaged: {PART} is compressed in a way Excel never uses (method 12)"
