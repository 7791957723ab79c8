"""Text a reviewer types into one of ipsxl's notes survives Validate, Fidelity and Clear Flags.

ipsxl's note on a flagged cell starts with the line "ipsxl:" and lists its messages; a reviewer
may add a line of their own to it ("called employer 12/3"). Where the engine reads note text
(desktop Excel, stood for by the ``com_notes`` fixture; xlwings Lite, by ``lite_note_reads``),
a later run or Clear Flags takes out ipsxl's lines only. Where it cannot (the remote engine of
xlwings Server, as ``Book(json=...)`` is by default), a note ipsxl would have to change or
delete is left as it is, and the alert says so. Driven through xlwings' own Book as in
``test_excel``.
"""

from __future__ import annotations

import pytest
from builders import clean_tabs, col_of, set_cell
from test_excel import (  # noqa: F401 - fixtures
    ExcelSim,
    alert_text,
    book_json,
    com_notes,
    lite_note_reads,
    read_notes_as_desktop_excel,
    remote_engine,
)

from ipsxl import excel, lite, sheets
from ipsxl.excel.state import STATE_HEADERS, STATE_SHEET

REVIEWER = "called employer 12/3, fixed next week"
MARKER = sheets.NOTE_MARKER
NOT_A_NUMBER = "'twenty' is not a number in the range 0..80"
TOO_MANY = "'90' is not a number in the range 0..80"


def _two_bad_hours() -> tuple[dict, str, str]:
    """A workbook whose Jobs tab has two flagged Hours Per Week cells; their refs."""
    tabs = clean_tabs()
    col = col_of(tabs, "Jobs", "Hours Per Week")
    first = set_cell(tabs, "Jobs", 1, "Hours Per Week", "twenty")
    second = set_cell(tabs, "Jobs", 2, "Hours Per Week", 90)
    return book_json("jobs.xlsx", tabs), sheets.cell_ref(first, col), sheets.cell_ref(second, col)


def _validated() -> tuple[ExcelSim, str, str]:
    payload, first, second = _two_bad_hours()
    sim = ExcelSim(payload)
    sim.run(excel.validate)
    assert sim.notes == {
        ("Jobs", first): f"{MARKER}\n{NOT_A_NUMBER}",
        ("Jobs", second): f"{MARKER}\n{TOO_MANY}",
    }
    return sim, first, second


def _set_value(sim: ExcelSim, ref: str, value: object) -> None:
    sim._put(sim.sheet("Jobs"), *sheets.split_ref(ref), value)


def _funcs_on_jobs(actions: list[dict], sim: ExcelSim) -> set[str]:
    jobs = sim.names().index("Jobs")  # Jobs stands before every sheet a run adds or deletes
    return {a["func"] for a in actions if a.get("sheet_position") == jobs}


# --------------------------------------------------------------------------- desktop Excel


@pytest.mark.usefixtures("com_notes")
def test_a_rerun_keeps_the_line_a_reviewer_typed_into_ipsxls_note():
    sim, first, second = _validated()
    sim.type_into_note("Jobs", first, REVIEWER)
    _, actions, _ = sim.run(excel.validate)
    assert sim.notes[("Jobs", first)] == f"{MARKER}\n{NOT_A_NUMBER}\n{REVIEWER}"
    assert sim.notes[("Jobs", second)] == f"{MARKER}\n{TOO_MANY}"
    assert "kept text you added to 1 note" in alert_text(actions).lower()
    # and again: the reviewer's line is carried once, not piled up
    _, actions, _ = sim.run(excel.validate)
    assert sim.notes[("Jobs", first)] == f"{MARKER}\n{NOT_A_NUMBER}\n{REVIEWER}"


@pytest.mark.usefixtures("com_notes")
def test_new_messages_replace_ipsxls_lines_and_keep_the_reviewers():
    sim, first, _ = _validated()
    sim.type_into_note("Jobs", first, REVIEWER)
    sim.type_into_note("Jobs", first, "checked with Pat", above=True)
    _set_value(sim, first, 90)
    sim.run(excel.validate)
    assert sim.notes[("Jobs", first)] == f"checked with Pat\n{MARKER}\n{TOO_MANY}\n{REVIEWER}"


@pytest.mark.usefixtures("com_notes")
def test_a_cell_no_longer_flagged_keeps_only_the_reviewers_line():
    sim, first, second = _validated()
    sim.type_into_note("Jobs", first, REVIEWER)
    _set_value(sim, first, 20)  # the reviewer fixed the hours
    _, actions, report = sim.run(excel.validate)
    assert sheets.split_ref(first) not in sheets.highlight_marks(report)["Jobs"]
    assert sim.notes[("Jobs", first)] == REVIEWER
    assert ("Jobs", *sheets.split_ref(first)) not in sim.fills
    assert "kept text you added to 1 note" in alert_text(actions).lower()
    # the note is the reviewer's now: Clear Flags leaves it and takes the other one
    sim.run(excel.clear_flags)
    assert sim.notes == {("Jobs", first): REVIEWER}


@pytest.mark.usefixtures("com_notes")
def test_clear_flags_removes_ipsxls_lines_and_keeps_the_reviewers():
    sim, first, second = _validated()
    sim.type_into_note("Jobs", first, REVIEWER)
    sim.type_into_note("Jobs", second, "asked Dana", above=True)
    _, actions, _ = sim.run(excel.clear_flags)
    assert sim.notes == {("Jobs", first): REVIEWER, ("Jobs", second): "asked Dana"}
    assert sim.fills == {}
    assert "kept text you added to 2 notes" in alert_text(actions).lower()


@pytest.mark.usefixtures("com_notes")
def test_a_note_that_is_all_ipsxls_is_replaced_and_removed():
    sim, first, second = _validated()
    _set_value(sim, first, 90)
    _, actions, _ = sim.run(excel.validate)
    assert sim.notes == {
        ("Jobs", first): f"{MARKER}\n{TOO_MANY}",
        ("Jobs", second): f"{MARKER}\n{TOO_MANY}",
    }
    assert "kept text" not in alert_text(actions).lower()
    _, actions, _ = sim.run(excel.clear_flags)
    assert sim.notes == {}
    assert "kept text" not in alert_text(actions).lower()
    assert STATE_SHEET not in sim.names()


@pytest.mark.usefixtures("com_notes")
def test_a_workbook_marked_before_notes_messages_were_listed_keeps_the_reviewers_line():
    """A state sheet without its "Note text" column: the messages come from the Flags sheet."""
    sim, first, _ = _validated()
    for row in sim.sheet(STATE_SHEET)["values"]:
        del row[STATE_HEADERS.index("Note text")]
    sim.type_into_note("Jobs", first, REVIEWER)
    sim.run(excel.clear_flags)
    assert sim.notes == {("Jobs", first): REVIEWER}


@pytest.mark.usefixtures("com_notes")
def test_a_note_whose_ipsxl_line_a_person_deleted_is_theirs():
    sim, first, _ = _validated()
    sim.notes[("Jobs", first)] = "hours are on the timesheet"
    sim.run(excel.clear_flags)
    assert sim.notes == {("Jobs", first): "hours are on the timesheet"}


# --------------------------------------------------------------------------- notes not readable


def test_unreadable_notes_with_the_same_messages_are_left_untouched():
    sim, first, second = _validated()
    sim.type_into_note("Jobs", first, REVIEWER)  # the engine cannot see this line
    _, actions, _ = sim.run(excel.validate)
    assert not {"deleteNote", "addNote", "setNoteText"} & _funcs_on_jobs(actions, sim)
    assert sim.notes[("Jobs", first)] == f"{MARKER}\n{NOT_A_NUMBER}\n{REVIEWER}"
    assert "left as they were" not in alert_text(actions)


def test_unreadable_notes_that_must_change_or_go_are_left_and_the_alert_says_so():
    sim, first, second = _validated()
    sim.type_into_note("Jobs", first, REVIEWER)
    _set_value(sim, first, 20)  # no longer flagged
    _set_value(sim, second, "twenty")  # another message
    _, actions, _ = sim.run(excel.validate)
    assert not {"deleteNote", "addNote", "setNoteText"} & _funcs_on_jobs(actions, sim)
    assert sim.notes[("Jobs", first)] == f"{MARKER}\n{NOT_A_NUMBER}\n{REVIEWER}"
    assert sim.notes[("Jobs", second)] == f"{MARKER}\n{TOO_MANY}"
    text = alert_text(actions)
    assert "2 notes" in text and "left as they were" in text

    _, actions, _ = sim.run(excel.clear_flags)
    assert sim.notes[("Jobs", first)] == f"{MARKER}\n{NOT_A_NUMBER}\n{REVIEWER}"
    assert len(sim.notes) == 2
    assert sim.fills == {}
    text = alert_text(actions)
    assert "2 notes" in text and "left as they were" in text
    assert "fills and notes are removed" not in text
    assert STATE_SHEET in sim.names()  # still listed as ipsxl's, for a later run


def test_desktop_excel_finishes_what_an_unreadable_run_left(monkeypatch):
    sim, first, second = _validated()
    sim.type_into_note("Jobs", first, REVIEWER)
    _set_value(sim, first, 20)
    sim.run(excel.clear_flags)  # cannot read: both notes stay
    assert len(sim.notes) == 2
    read_notes_as_desktop_excel(monkeypatch)  # the same workbook opened in desktop Excel
    _, actions, _ = sim.run(excel.clear_flags)
    assert sim.notes == {("Jobs", first): REVIEWER}
    assert STATE_SHEET not in sim.names()
    assert "kept text you added to 1 note" in alert_text(actions).lower()


# --------------------------------------------------------------------------- xlwings Lite


@pytest.mark.usefixtures("lite_note_reads")
def test_lite_reads_notes_with_get_text_and_keeps_the_reviewers_line():
    sim = ExcelSim(_two_bad_hours()[0])
    sim.run(lite.validate)
    first, second = sorted(ref for _, ref in sim.notes)
    sim.type_into_note("Jobs", first, REVIEWER)
    sim.run(lite.validate)
    assert sim.notes[("Jobs", first)] == f"{MARKER}\n{NOT_A_NUMBER}\n{REVIEWER}"
    sim.run(lite.clear_flags)
    assert sim.notes == {("Jobs", first): REVIEWER}


def test_lite_asks_excel_for_ipsxls_notes_only(monkeypatch):
    from xlwings.pro import _xlremote

    asked = []

    async def get_text(note: _xlremote.Note) -> str | None:
        asked.append(note.range.address)
        return note._entry.get("text")

    monkeypatch.setattr(_xlremote.Note, "get_text", get_text)
    payload, first, second = _two_bad_hours()
    jobs = next(s for s in payload["sheets"] if s["name"] == "Jobs")
    jobs["notes"].append({"address": "$A$2"})  # a note of the agency's own
    sim = ExcelSim(payload)
    sim.run(lite.validate)
    assert asked == []  # nothing of ipsxl's yet
    sim.run(lite.clear_flags)
    assert sorted(a.replace("$", "") for a in asked) == [first, second]
    assert sim.notes == {("Jobs", "A2"): "(theirs)"}


def test_lite_without_note_reads_leaves_ipsxls_notes():
    sim = ExcelSim(_two_bad_hours()[0])
    sim.run(lite.validate)
    sim.run(lite.clear_flags)
    assert len(sim.notes) == 2


# --------------------------------------------------------------------------- the one rule


def test_the_rule_reads_notes_as_excel_for_mac_gives_them():
    """AppleScript gives a note's line breaks as carriage returns."""
    lines = sheets.split_note(f"checked\r{MARKER}\r{NOT_A_NUMBER}\r{REVIEWER}", NOT_A_NUMBER)
    assert lines is not None and lines.theirs == ["checked", REVIEWER]
    assert sheets.split_note("a note of someone's", NOT_A_NUMBER) is None
