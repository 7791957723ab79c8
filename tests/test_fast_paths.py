"""The shortcuts that keep rules and figures fast on a 50,000-row log give what the plain
definitions give: keys worked out per distinct value, difflib's suggestions prefiltered,
figures shared within one workbook's scoring, flag frames built in one piece."""

from __future__ import annotations

import datetime as dt
import difflib
import random
import re
import string

import numpy as np
import pandas as pd
import pytest
from builders import TODAY, clean_tabs, write_workbook
from test_fidelity import END, START

from ipsxl.core import codes, fidelity, parse
from ipsxl.core.fidelity import population as pop
from ipsxl.core.fidelity.population import Frames
from ipsxl.core.model import Period
from ipsxl.core.rules import flags, identity, run_rules
from ipsxl.core.rules.dates import iso
from ipsxl.files import read

# values a column can hold in a hand-built frame: text typed many ways, blanks of every kind,
# and numbers equal to Python (1, 1.0, True) whose text differs
ODD_VALUES = [
    "Ann Lee",
    "ann  lee",
    " AnnLee ",
    "Bo",
    "",
    "  ",
    None,
    np.nan,
    pd.NA,
    1,
    1.0,
    True,
    "1",
    "Straße",
    "STRASSE",
    "a\u00a0b",
    dt.date(2026, 7, 1),
]


def _name_key_one(value: object) -> object:
    """population.name_key of one value, from its definition: the text the "string" dtype gives,
    case folded, whitespace removed; NaN when blank or nothing is left."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    text = pd.array([value], dtype="string")[0]
    return re.sub(r"\s+", "", text.casefold()) or np.nan


def _client_key_one(value: object) -> object:
    return value.strip() if isinstance(value, str) else np.nan


@pytest.mark.parametrize("dtype", [object, "string"])
def test_keys_are_those_of_each_value_alone(dtype):
    rng = random.Random(5)
    for _ in range(200):
        values = [rng.choice(ODD_VALUES) for _ in range(rng.randint(0, 12))]
        if dtype == "string":
            values = [v for v in values if isinstance(v, str) or v is None]
        column = pd.Series(
            values,
            index=rng.sample(range(100), len(values)),
            dtype=dtype,
            name="Employment Specialist",
        )
        ids = identity.client_key(column)
        assert [repr(v) for v in ids] == [repr(_client_key_one(v)) for v in column]
        assert identity.name_key is pop.name_key  # the rules fold names as the figures do
        folded = pop.name_key(column)
        assert str(folded.dtype) == "string"
        assert [None if v is pd.NA else v for v in folded] == [
            None if k is np.nan else k for k in map(_name_key_one, column)
        ]
        for key in (ids, folded):
            assert key.index.equals(column.index) and key.name == column.name


def test_suggestions_are_difflibs():
    rng = random.Random(7)
    letters = string.ascii_lowercase[:7] + "éß "
    for _ in range(400):
        choices = [
            "".join(rng.choice(letters) for _ in range(rng.randint(1, 12)))
            for _ in range(rng.randint(0, 25))
        ]
        if rng.random() < 0.05:  # difflib treats long texts differently (autojunk)
            choices.append("ab" * 120)
        closest = identity.close_matcher(choices)
        for _ in range(5):
            word = "".join(rng.choice(letters + "xyz") for _ in range(rng.randint(1, 12)))
            if rng.random() < 0.05:
                word = "ab" * 119 + "c"
            expected = difflib.get_close_matches(word, choices, n=1, cutoff=identity.CLOSE)
            assert closest(word) == (expected[0] if expected else None)


def _ctx(tmp_path):
    """A clean workbook with two face-to-face contacts more: one under a specialist's name typed
    oddly, one under a name that is no specialist's."""
    tabs = clean_tabs()
    for name in (" bo  CHAN", "Stray Name"):
        tabs["Employer Log"].append(
            [START, name, "Acme", "Pat", "Yes", "Face-to-Face", None, None, "visit"]
        )
    path = write_workbook(tmp_path / "book.xlsx", tabs)
    return parse.parse_workbook(read.read_workbook(path), today=TODAY)


def test_many_tab_flags_are_one_tab_flag_each(tmp_path):
    ctx = _ctx(tmp_path)
    one_by_one = flags.concat(
        [flags.tab(ctx, "Employer Log", codes.LOW_CONTACTS, f"week {k}", value=k) for k in range(3)]
    )
    together = flags.tabs(
        ctx, "Employer Log", codes.LOW_CONTACTS, [f"week {k}" for k in range(3)], [0, 1, 2]
    )
    pd.testing.assert_frame_equal(together, one_by_one)
    assert [type(v) for v in together.iloc[0]] == [type(v) for v in one_by_one.iloc[0]]


def _everything(frames: Frames, period: Period):
    return (
        fidelity.score_items(frames, period),
        fidelity.outcome_figures(frames, period),
        fidelity.specialist_table(frames, period),
    )


def test_figures_shared_within_a_workbook_are_the_figures_worked_out_alone(tmp_path):
    frames, period = Frames.from_parsed(_ctx(tmp_path)), Period(START, END)
    alone = _everything(frames, period)
    with pop.sharing():
        shared = _everything(frames, period)
        # asked twice, worked out once
        assert pop.specialists(frames.staff, frames.caseload) is pop.specialists(
            frames.staff, frames.caseload
        )
    assert repr(shared) == repr(alone)
    assert "Stray Name" in fidelity.items.employer_contacts(frames, period).note


def test_rules_and_scores_sharing_one_block_give_what_each_gives_alone(tmp_path):
    ctx = _ctx(tmp_path)
    frames, period = Frames.from_parsed(ctx), Period(START, END)
    alone_flags, alone = run_rules(ctx), _everything(frames, period)
    with pop.sharing():
        shared_flags = run_rules(ctx)
        with pop.sharing():  # the scores' own block joins the rules' one
            shared = _everything(frames, period)
            assert pop.receives_benefits(frames.caseload) is pop.receives_benefits(frames.caseload)
    pd.testing.assert_frame_equal(shared_flags, alone_flags)
    assert len(alone_flags) > 0
    assert repr(shared) == repr(alone)


def test_sharing_ends_with_its_block(tmp_path):
    frames, period = Frames.from_parsed(_ctx(tmp_path)), Period(START, END)
    assert pop.specialists(frames.staff, frames.caseload) is not pop.specialists(
        frames.staff, frames.caseload
    )
    with pop.sharing():
        before = pop.contact_counts(frames.log, period, pd.Index(["bochan"]))
    frames.log.loc[frames.log.index[-1], "Employment Specialist"] = "Bo Chan"
    with pop.sharing():  # a new block sees the frame as it is now
        after = pop.contact_counts(frames.log, period, pd.Index(["bochan"]))
    assert after.iloc[0] == before.iloc[0] + 1


def test_a_period_is_part_of_what_is_shared(tmp_path):
    frames = Frames.from_parsed(_ctx(tmp_path))
    with pop.sharing():
        quarter = pop.active_clients(frames.caseload, Period(START, END))
        later = pop.active_clients(
            frames.caseload, Period(dt.date(2030, 1, 1), dt.date(2030, 3, 31))
        )
    assert quarter is not later


def test_dates_in_messages_read_as_iso_dates():
    """Year, month and day, four digits to the year (pandas 2.1's strftime writes year 1 as
    "1-01-01"), and nothing for a missing date."""
    days = pd.Series(
        np.array(
            ["0001-01-01", "0999-12-31", "2024-02-29", "NaT", "1969-12-31", "2026-07-01T13:45"],
            dtype="datetime64[us]",
        ),
        index=range(5, 11),
    )
    python = [d.date().isoformat() if pd.notna(d) else "" for d in days.dt.to_pydatetime()]
    assert (
        iso(days).tolist()
        == python
        == [
            "0001-01-01",
            "0999-12-31",
            "2024-02-29",
            "",
            "1969-12-31",
            "2026-07-01",
        ]
    )
    assert iso(days).index.equals(days.index)


def test_flag_frames_joined_as_one_array_are_what_pandas_joins(tmp_path):
    ctx = _ctx(tmp_path)
    parts = [
        flags.tab(ctx, "Employer Log", codes.LOW_CONTACTS, "week 1", value=3),
        flags.empty(),
        flags.tabs(ctx, "Staff", codes.MISSING_TAB, ["a", "b"], [None, 2.5], row=4),
    ]
    joined = flags.concat(parts)
    pd.testing.assert_frame_equal(
        joined, pd.concat([p for p in parts if len(p)], ignore_index=True)
    )
    assert all(d == np.dtype(object) for d in joined.dtypes) and len(joined) == 3
