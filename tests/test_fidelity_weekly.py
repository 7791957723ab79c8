"""Face-to-face employer contacts week by week, per specialist, counted by hand."""

from __future__ import annotations

import datetime as dt

from builders import clean_tabs, write_workbook

from ipsxl.core import parse
from ipsxl.core.fidelity.population import Frames
from ipsxl.core.fidelity.weekly import weekly_contacts
from ipsxl.files import read

D = dt.date


def _row(tabs: dict[str, list[list]], tab: str, **values: object) -> list[object]:
    header = tabs[tab][0]
    return [values.get(name.replace(" ", "_").lower()) for name in header]


def _contact(tabs, day: dt.date, who: str, kind: str = "Face-to-Face") -> list[object]:
    return _row(
        tabs,
        "Employer Log",
        date=day,
        employment_specialist=who,
        employer="Acme",
        contact_type=kind,
    )


def test_each_specialists_contacts_fall_in_their_week(tmp_path):
    tabs = clean_tabs()  # the builders' quarter, 2026-07-01 to 2026-09-30: 92 days
    tabs["Employer Log"] = [
        tabs["Employer Log"][0],
        _contact(tabs, D(2026, 7, 1), "Ann Lee"),
        _contact(tabs, D(2026, 7, 7), "Ann Lee"),  # day 7: still week 1
        _contact(tabs, D(2026, 7, 8), "Ann Lee"),  # week 2
        _contact(tabs, D(2026, 7, 14), "ann  LEE"),  # the same person, typed another way
        _contact(tabs, D(2026, 7, 9), "Ann Lee", kind="Phone"),  # not face to face
        _contact(tabs, D(2026, 6, 30), "Ann Lee"),  # before the period
        _contact(tabs, D(2026, 9, 30), "Ann Lee"),  # the last day: a one-day 14th week
        _contact(tabs, D(2026, 7, 3), "Bo Chan"),
        _contact(tabs, D(2026, 7, 3), "Sam Boss"),  # a supervisor: no specialist's contact
    ]
    parsed = parse.parse_workbook(read.read_workbook(write_workbook(tmp_path / "b.xlsx", tabs)))
    weekly = weekly_contacts(Frames.from_parsed(parsed), parsed.period)

    assert len(weekly.starts) == 14
    assert weekly.starts[:2] == [D(2026, 7, 1), D(2026, 7, 8)]
    assert weekly.days == [7] * 13 + [1]
    assert weekly.contacts["Ann Lee"] == [2, 2] + [0] * 11 + [1]
    assert weekly.contacts["Bo Chan"] == [1] + [0] * 13
    assert "Sam Boss" not in weekly.contacts


def test_no_log_no_weeks(tmp_path):
    tabs = clean_tabs()
    del tabs["Employer Log"]
    parsed = parse.parse_workbook(read.read_workbook(write_workbook(tmp_path / "b.xlsx", tabs)))
    assert weekly_contacts(Frames.from_parsed(parsed), parsed.period).contacts == {}
