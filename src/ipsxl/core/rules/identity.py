"""duplicate-id, unknown-client, unknown-specialist, unknown-supervisor: records that should
point at one another and do not.

Every other tab hangs off Caseload by Client ID, and off Staff by a person's name, so a typo in
either key silently drops a job, a contact or a referral from every fidelity figure. These rules
make such typos visible.

How keys are compared (the same way the fidelity figures join records, so a record these
rules accept is one the figures count):

- Client IDs as typed, once ``parse_text`` has stripped them and turned the number 1023 into
  ``"1023"``. Case and leading zeros count (``c12`` is not ``C12``, ``0123`` is not ``123``):
  guessing would hide real differences, and a flag asks the agency to settle it.
- Names folded for case and spacing (``ann  lee`` is ``Ann Lee``; ``population.name_key``, the
  one fold the figures use too); punctuation counts. A name that still does not match gets the
  closest Staff name suggested.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from ipsxl.core import codes
from ipsxl.core import standard as std
from ipsxl.core.fidelity.population import distinct, name_key
from ipsxl.core.model import Parsed
from ipsxl.core.rules import flags

CODES = codes.family("identity")

CLIENT_ID = std.CLIENT_ID
SPECIALIST = std.SPECIALIST
# tabs whose Client ID must name a Caseload client
CLIENT_TABS = (std.JOBS.name, std.EMPLOYER_LOG.name, std.BENEFITS_REFERRALS.name)
# tabs whose Employment Specialist must name a Staff row
SPECIALIST_TABS = (std.CASELOAD.name, std.EMPLOYER_LOG.name)


def client_key(ids: pd.Series) -> pd.Series:
    """The comparable form of Client IDs: the parsed text, stripped; None stays NA."""
    codes, uniques = distinct(ids)
    # what .str.strip() gives (NaN for anything that is not text), once per distinct ID; code -1
    # (a blank) takes the NaN appended last
    stripped = [v.strip() if isinstance(v, str) else np.nan for v in uniques] + [np.nan]
    return pd.Series(
        np.array(stripped, dtype=object)[codes], index=ids.index, name=ids.name, dtype=object
    )


def has_columns(ctx: Parsed, tab: str, *columns: str) -> bool:
    """Whether the tab is in the workbook with every one of these columns.

    Rules that compare against a tab or column the workbook lacks stay silent: the missing-tab
    or missing-column flag already says what is wrong, and a flag on every row would bury it.
    """
    table = ctx.tables.get(tab)
    return table is not None and all(c in table.positions for c in columns)


def has_rows(ctx: Parsed, tab: str, *columns: str) -> bool:
    """``has_columns``, and the tab has a row: a rule that flags rows of a tab has nothing to
    flag in one without any (the template's tabs have none), so it can skip the work."""
    return has_columns(ctx, tab, *columns) and len(ctx.frames[tab]) > 0


def unknown_rows(
    values: pd.Series, key: Callable[[pd.Series], pd.Series], known: set[str]
) -> pd.Series:
    """Rows whose ``key`` (``client_key`` or ``name_key``) is not blank and not ``known``;
    each distinct value is keyed and looked up once."""
    codes, uniques = distinct(values)
    keys = key(uniques).to_numpy(dtype=object)
    unknown = [not blank and k not in known for k, blank in zip(keys, pd.isna(keys), strict=True)]
    unknown.append(False)  # what code -1 (a blank) takes
    return pd.Series(np.array(unknown, dtype=bool)[codes], index=values.index)


def _key_for(column: str) -> Callable[[pd.Series], pd.Series]:
    """How a unique column's values are compared: Client IDs as typed (stripped), people's
    names folded for case and spacing, as everywhere else they are joined."""
    return client_key if column == CLIENT_ID else name_key


def _duplicates(ctx: Parsed, tab: str, column: str) -> pd.DataFrame:
    """Every repeat of a unique column's value after its first row, naming the row(s) it repeats.

    The first row is left alone so the supervisor fixes the copies, not the original.
    """
    if not has_rows(ctx, tab, column):
        return flags.concat([])
    frame = ctx.frames[tab]
    key = _key_for(column)(frame[column])
    known = key.notna()
    repeat = known & key.duplicated(keep="first")
    if not repeat.any():
        return flags.concat([])
    # only repeated values need their rows listed: the messages of the others are never used
    known &= key.duplicated(keep=False)
    keys = key.to_numpy(dtype=object)
    rows_of: dict[object, list[int]] = {}
    for at in np.flatnonzero(known.to_numpy()):
        rows_of.setdefault(keys[at], []).append(int(frame.index[at]))
    where = np.flatnonzero(repeat.to_numpy())  # texts for the flagged rows only
    what = "client" if column == CLIENT_ID else "person"
    message = [
        f"{column} '{typed}' is already on row {min(rows_of[k])} (rows"
        f" {', '.join(map(str, rows_of[k]))}): keep one {tab} row per {what}, or correct the"
        f" {column}"
        for typed, k in zip(frame[column].to_numpy()[where], keys[where], strict=True)
    ]
    return flags.cells(ctx, tab, repeat, column, codes.DUPLICATE_ID, message)


def _duplicate_values(ctx: Parsed) -> pd.DataFrame:
    """duplicate-id for every column the standard declares ``unique``."""
    return flags.concat(
        [_duplicates(ctx, t.name, c.name) for t in std.TABS for c in t.columns if c.unique]
    )


def _unknown_clients(ctx: Parsed) -> pd.DataFrame:
    """Client IDs in Jobs, Employer Log and Benefits Referrals that Caseload does not list."""
    caseload = std.CASELOAD.name
    if not has_columns(ctx, caseload, CLIENT_ID):
        return flags.concat([])
    known = set(client_key(ctx.frames[caseload][CLIENT_ID]).dropna())
    found = []
    for tab in CLIENT_TABS:
        if not has_rows(ctx, tab, CLIENT_ID):
            continue
        ids = ctx.frames[tab][CLIENT_ID]
        unknown = unknown_rows(ids, client_key, known)
        if not unknown.any():
            continue
        message = [  # only for the rows flagged: building 50,000 texts for none is slow
            f"Client ID '{typed}' is not in Caseload: correct the ID, or add the client to Caseload"
            for typed in ids.to_numpy()[unknown.to_numpy()]
        ]
        found.append(flags.cells(ctx, tab, unknown, CLIENT_ID, codes.UNKNOWN_CLIENT, message))
    return flags.concat(found)


def _suggestions(unknown: pd.Series, choices: pd.Series) -> pd.Series:
    """' (did you mean 'X'?)' for each unknown name that closely resembles one of ``choices``.

    Runs once per distinct unknown name, not per row.
    """
    hints = _hints(unknown.dropna().unique(), choices)
    return unknown.map(hints).astype(object).where(unknown.notna(), "")


def _hints(names: Sequence[object], choices: pd.Series) -> dict[object, str]:
    """Each of ``names`` (distinct) -> its ``_suggestions`` text."""
    by_key = dict(zip(name_key(choices), choices, strict=True))
    closest = close_matcher(list(by_key))
    names = pd.Series(names, dtype=object)
    hints = {}
    for name, folded in zip(names, name_key(names), strict=True):
        close = closest(folded)
        hints[name] = f" (did you mean '{by_key[close]}'?)" if close is not None else ""
    return hints


CLOSE = 0.75  # difflib's similarity ratio from which a Staff name is suggested


def _indices(values: Iterable[int]) -> np.ndarray:
    """Integers as an index array (an empty one too, which numpy would make float)."""
    return np.fromiter(values, dtype=np.intp)


def close_matcher(choices: list[str]) -> Callable[[str], str | None]:
    """A function giving ``difflib.get_close_matches(word, choices, n=1, cutoff=CLOSE)[0]``, or
    None when no choice is close, for many words against the same choices.

    difflib compares a word with every choice in pure Python, which for a Staff of a hundred
    names costs more than all the other rules. Its own first two tests are bounds that need
    only the lengths and the letters shared (``real_quick_ratio``, ``quick_ratio``): worked out
    here for all choices at once, they leave difflib the few choices that can pass, and it
    decides on those exactly as before.
    """
    alphabet: dict[str, int] = {}
    for choice in choices:
        for letter in choice:
            alphabet.setdefault(letter, len(alphabet))
    other = len(alphabet)  # a letter of the word that no choice has
    counts = np.zeros((len(choices), other + 1), dtype=np.int64)
    np.add.at(
        counts,
        (
            _indices(i for i, choice in enumerate(choices) for _ in choice),
            _indices(alphabet[letter] for choice in choices for letter in choice),
        ),
        1,
    )
    lengths = np.array([len(choice) for choice in choices], dtype=np.int64)

    def closest(word: str) -> str | None:
        own = np.zeros(other + 1, dtype=np.int64)
        np.add.at(own, _indices(alphabet.get(letter, other) for letter in word), 1)
        shared = np.minimum(counts, own).sum(axis=1)
        total = lengths + len(word)
        # difflib's arithmetic (2.0 * matches / length), with a hair of slack: it re-checks
        may_pass = (2.0 * np.minimum(lengths, len(word)) / total >= CLOSE - 1e-9) & (
            2.0 * shared / total >= CLOSE - 1e-9
        )
        candidates = [choices[i] for i in np.flatnonzero(may_pass)]
        close = difflib.get_close_matches(word, candidates, n=1, cutoff=CLOSE)
        return close[0] if close else None

    return closest


def staff_listed(ctx: Parsed) -> bool:
    """Whether the workbook has a Staff tab that names anyone.

    A Staff tab with no names (the template ships an empty one) counts as no Staff, as in the
    fidelity figures: Caseload's specialists are then the team, and no name can be unknown.
    """
    return has_columns(ctx, std.STAFF.name, "Name") and bool(
        ctx.frames[std.STAFF.name]["Name"].notna().any()
    )


def _unknown_specialists(ctx: Parsed) -> pd.DataFrame:
    """Specialist names in Caseload and Employer Log that name nobody in Staff (any role)."""
    if not staff_listed(ctx):
        return flags.concat([])  # without Staff, Caseload's names are the specialists
    names = ctx.frames[std.STAFF.name]["Name"].dropna()
    known = set(name_key(names))
    found = []
    for tab in SPECIALIST_TABS:
        if not has_rows(ctx, tab, SPECIALIST):
            continue
        column = ctx.frames[tab][SPECIALIST]
        unknown = unknown_rows(column, name_key, known)
        if not unknown.any():
            continue
        typed = column.to_numpy()[unknown.to_numpy()]  # texts for the flagged rows only
        hints = _hints(pd.unique(typed), names)
        message = [
            f"'{name}' is not on the Staff tab{hints[name]}: correct the name, or add the person"
            " to Staff"
            for name in typed
        ]
        found.append(flags.cells(ctx, tab, unknown, SPECIALIST, codes.UNKNOWN_SPECIALIST, message))
    return flags.concat(found)


def _unknown_supervisors(ctx: Parsed) -> pd.DataFrame:
    """Staff ``Supervisor`` cells that do not name a Staff row whose Role is Supervisor.

    The supervisor ratio counts specialists per named supervisor, so a misspelt or wrongly
    roled supervisor breaks the team apart. The message says which of the two it is.
    """
    tab = std.STAFF.name
    if not has_rows(ctx, tab, "Name", "Role", "Supervisor"):
        return flags.concat([])
    staff = ctx.frames[tab]
    name_keys = name_key(staff["Name"])
    supervisors = set(name_keys[staff["Role"] == std.SUPERVISOR_ROLE].dropna())
    typed = staff["Supervisor"]
    key = name_key(typed)
    wrong = key.notna() & ~key.isin(supervisors)
    if not wrong.any():
        return flags.concat([])
    # what the message says of each wrong name, worked out only when there is one
    names = staff["Name"].dropna()
    role_by_key = staff["Role"].groupby(name_keys).first()
    role = key.map(role_by_key).astype(object)
    on_staff = key.isin(set(name_keys.dropna()))
    # named on Staff with a blank or unreadable Role: that Role cell is already an error
    wrong &= ~(on_staff & role.isna())
    quoted = "'" + typed.astype(str) + "'"
    message = pd.Series(
        quoted
        + " is not on the Staff tab"
        + _suggestions(typed.where(wrong & ~on_staff), names)
        + ": add the supervisor to Staff with Role Supervisor, or correct the name",
        index=staff.index,
    )
    misroled = wrong & on_staff
    message[misroled] = (
        quoted + " is on Staff with Role '" + role.astype(str) + "', not Supervisor: correct"
        " the Role of that Staff row, or name the actual supervisor"
    )[misroled]
    return flags.cells(ctx, tab, wrong, "Supervisor", codes.UNKNOWN_SUPERVISOR, message)


def check(ctx: Parsed) -> pd.DataFrame:
    return flags.concat(
        [
            _duplicate_values(ctx),
            _unknown_clients(ctx),
            _unknown_specialists(ctx),
            _unknown_supervisors(ctx),
        ]
    )
