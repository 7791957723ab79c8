"""The JSON report of the shipped example workbook, kept under tests/golden/ and reviewed when
it changes: any change to a flag or a figure shows in the diff of that file.

After a deliberate change, refresh it with
``IPSXL_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and read the diff before
committing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from ipsxl import report
from ipsxl.validate import Options, check_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "example.xlsx"
GOLDEN = ROOT / "tests" / "golden" / "example.json"
TODAY = dt.date(2026, 12, 1)  # fixed, so "after today" flags do not move with the calendar


def example_report() -> str:
    result = check_file(EXAMPLE, Options(today=TODAY))
    document = json.loads(report.to_json([result]))
    document["ipsxl_version"] = "(any)"
    for workbook in document["workbooks"]:
        workbook["file"] = "workbooks/example.xlsx"
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def test_example_report_matches_the_reviewed_golden_file():
    current = example_report()
    if os.environ.get("IPSXL_UPDATE_GOLDEN"):
        GOLDEN.write_text(current, encoding="utf-8")
    assert GOLDEN.exists(), "no golden report: run with IPSXL_UPDATE_GOLDEN=1 and review it"
    assert current == GOLDEN.read_text(encoding="utf-8"), (
        "the example's report changed: if that is intended, refresh tests/golden/example.json "
        "with IPSXL_UPDATE_GOLDEN=1 and review its diff"
    )
