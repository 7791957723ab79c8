"""Build small standard workbooks in tests, from rows a test writes by hand.

``clean_tabs()`` is a tiny, fully valid workbook that raises no flag; a test copies it, changes
the one thing it is about, writes it with ``write_workbook`` and checks what ipsxl says.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import openpyxl

D = dt.date
START, END = D(2026, 7, 1), D(2026, 9, 30)  # a 92-day quarter: 13.14 weeks

PROGRAM = [
    ["Field", "Value"],
    ["Agency", "Test Agency"],
    ["Program", "Test Team"],
    ["Supervisor", "Sam Boss"],
    ["Period Start", START],
    ["Period End", END],
]


def _weekly_contacts(specialist: str, employers: list[str], per_week: int = 6) -> list[list]:
    """``per_week`` face-to-face contacts in each full week of the quarter."""
    rows = []
    for week in range(13):
        for k in range(per_week):
            day = START + dt.timedelta(days=7 * week + k % 5)
            rows.append(
                [
                    day,
                    specialist,
                    employers[(week + k) % len(employers)],
                    "Pat Manager",
                    "Yes",
                    "Face-to-Face",
                    None,
                    None,
                    "introduced the program",
                ]
            )
    return rows


def _by_column(columns: dict[str, list]) -> list[list]:
    """A tab's rows, header first, from its columns written one a line (header: values), so
    each column reads with its name."""
    return [list(columns), *(list(row) for row in zip(*columns.values(), strict=True))]


def clean_tabs() -> dict[str, list[list]]:
    """Tabs of a valid workbook: header row first, then data rows, in standard column order."""
    employers = ["Acme Grocery", "City Hospital", "Blue Cafe", "Metro Library", "Park Hotel"]
    log_header = [
        "Date",
        "Employment Specialist",
        "Employer",
        "Contact Person",
        "Hiring Manager",
        "Contact Type",
        "Client ID",
        "Client Preference",
        "Notes",
    ]
    log = _weekly_contacts("Ann Lee", employers) + _weekly_contacts("Bo Chan", employers)
    log.append(
        [
            D(2026, 7, 2),
            "Ann Lee",
            "Acme Grocery",
            "Pat",
            "Yes",
            "Face-to-Face",
            "C1",
            "Yes",
            "asked about stocking job for C1",
        ]
    )
    return {
        "Program": copy.deepcopy(PROGRAM),
        "Staff": [
            ["Name", "Role", "FTE", "Supervisor", "Community Hours %", "IPS Only"],
            ["Ann Lee", "Employment Specialist", 1.0, "Sam Boss", 70, "Yes"],
            ["Bo Chan", "Employment Specialist", 1.0, "Sam Boss", 60, "Yes"],
            ["Sam Boss", "Supervisor", 1.0, None, 20, "Yes"],
        ],
        "Caseload": _by_column(
            {
                "Client ID": ["C1", "C2", "C3"],
                "Employment Specialist": ["Ann Lee", "Ann Lee", "Bo Chan"],
                "Referral Date": [D(2026, 5, 20), D(2026, 6, 20), D(2026, 2, 1)],
                "Enrollment Date": [D(2026, 6, 1), D(2026, 7, 1), D(2026, 2, 10)],
                "First Employer Contact": [D(2026, 6, 15), D(2026, 7, 10), D(2026, 2, 20)],
                "Job Preference": ["stocking", "cook", "clerk"],
                "Receives Benefits": ["Yes", "No", "No"],
                "In Education": ["No", "Yes", "No"],
                "Status": ["Active", "Active", "Follow-Along"],
                "Closed Date": [None, None, None],
                "Closure Reason": [None, None, None],
            }
        ),
        "Jobs": _by_column(
            {
                "Client ID": ["C1", "C3"],
                "Job Start Date": [D(2026, 8, 3), D(2026, 4, 1)],
                "Job End Date": [None, None],
                "Employer": ["Acme Grocery", "Metro Library"],
                "Job Title": ["Stocker", "Clerk"],
                "Job Type": ["retail", "clerical"],
                "Competitive": ["Yes", "Yes"],
                "Hours Per Week": [20, 15],
                "Hourly Wage": [16.5, 17.0],
                "End Reason": [None, None],
                "Pre-Start Contact": [D(2026, 7, 30), D(2026, 3, 28)],
                "Post-Start Contact": [D(2026, 8, 5), D(2026, 4, 2)],
            }
        ),
        "Employer Log": [log_header, *log],
        "Benefits Referrals": [
            [
                "Client ID",
                "Referral Date",
                "Benefit Types",
                "Referred To",
                "Completed Date",
                "Status",
            ],
            ["C1", D(2026, 7, 6), "SSI, Medicaid", "Benefits Planner", D(2026, 7, 20), "Completed"],
        ],
    }


def write_workbook(path: Path, tabs: dict[str, list[list]]) -> Path:
    """Write tabs (name -> rows, header included) as an .xlsx file, in the given tab order."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in tabs.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def column(tabs: dict[str, list[list]], tab: str, name: str) -> int:
    """Index of a column in a tab's header row, so tests edit cells by name."""
    return tabs[tab][0].index(name)


def set_cell(tabs: dict[str, list[list]], tab: str, data_row: int, name: str, value) -> int:
    """Set a cell of the ``data_row``-th data row (1-based); return its Excel row number."""
    tabs[tab][data_row][column(tabs, tab, name)] = value
    return data_row + 1


# --- running the rules on a written workbook ------------------------------------------------

TODAY = D(2026, 10, 15)  # after the clean workbook's quarter, so nothing in it is "future"


def read_here(path: Path):
    """``path`` read by the real reader (``read.read_workbook``), in this process: without a
    time or memory limit the reader needs no child process to enforce one. The limits are the
    business of test_guarded_check.py and test_hostile.py; a test of what is read, flagged or
    scored spares the child it would start per workbook."""
    import dataclasses

    from ipsxl.files import read
    from ipsxl.files.limits import DEFAULT_LIMITS

    return read.read_workbook(
        path, dataclasses.replace(DEFAULT_LIMITS, max_seconds=None, max_memory=None)
    )


def run_rules(tmp_path: Path, tabs: dict[str, list[list]], today: dt.date = TODAY, **period):
    """Write the tabs, read them back through the real reader, and return every flag."""
    from ipsxl.core import parse, rules

    path = write_workbook(tmp_path / "book.xlsx", tabs)
    return rules.run_rules(parse.parse_workbook(read_here(path), today=today, **period))


def one(found, code: str) -> dict:
    """The single flag raised, asserting it is the only one and has the given code."""
    assert list(found["code"]) == [code], found[["code", "message"]].to_string()
    return found.iloc[0].to_dict()


def col_of(tabs: dict[str, list[list]], tab: str, name: str) -> int:
    """The 1-based sheet column of a header in rows written with the header first."""
    return column(tabs, tab, name) + 1
