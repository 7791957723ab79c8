"""A1 references: column letters, cell addresses, and links to a cell of a named sheet."""

from __future__ import annotations


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str) -> int:
    """A -> 1, AA -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def cell_ref(row: int, col: int, absolute: bool = False) -> str:
    """(12, 3) -> "C12" (or "$C$12")."""
    d = "$" if absolute else ""
    return f"{d}{column_letter(col)}{d}{row}"


def split_ref(ref: str) -> tuple[int, int]:
    """ "C12" or "$C$12" -> (12, 3)."""
    ref = ref.replace("$", "")
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    return int(ref[i:]), column_number(ref[:i])


def sheet_target(sheet: str, row: int, col: int) -> str:
    """An internal link target to one cell, the sheet name always quoted: "'Jobs'!B4"."""
    return f"{quote_sheet(sheet)}!{cell_ref(row, col)}"


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"
