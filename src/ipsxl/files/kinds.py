"""What a submitted file is when it is not an .xlsx/.xlsm workbook, and what the agency can do.

Agencies send what their software saves: an old .xls, a LibreOffice .ods, an export to .csv, a
Numbers file from a Mac. A folder scan lists each of these (an agency must not vanish from the
report because it sent the wrong kind of file), and each is reported unreadable with the step
that turns it into a workbook ipsxl reads. The bytes decide, not the name alone: a real
workbook renamed .csv is told apart from a CSV export. Paths that are not there, and files that
are not regular files (a named pipe would block whoever opens it), are refused here too,
before anything opens them.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

from ipsxl.files.sniff import what_it_is  # what a file that is no zip package seems to be

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Spreadsheets ipsxl cannot read, and what to do with each (what it is, then the step).
OTHER_KINDS = {
    ".xls": "an old .xls workbook: save it as .xlsx in Excel",
    ".xlsb": "a binary .xlsb workbook: save it as .xlsx in Excel",
    ".ods": "an OpenDocument spreadsheet (.ods): save it as .xlsx (File > Save As in"
    " LibreOffice or Excel)",
    ".csv": "a CSV file, not a workbook: the standard has several tabs; copy it into the"
    " standard workbook (ipsxl template) and save that as .xlsx",
    ".numbers": "a Numbers spreadsheet: export it to Excel (.xlsx) from Numbers",
}
SUBMISSION_SUFFIXES = WORKBOOK_SUFFIXES + tuple(OTHER_KINDS)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: .xls and other Office binaries


# what ipsxl check writes beside a workbook: NAME.checked.xlsx, NAME.bak.xlsx, NAME.bak-2.xlsx
_WRITTEN_BY_CHECK = re.compile(r"\.(checked|bak|bak-\d+)\.", re.IGNORECASE)


def looks_submitted(path: Path) -> bool:
    """A file in a submissions folder that an agency sent: any spreadsheet kind, but not
    Excel's lock file (``~$``) nor a copy ipsxl wrote itself."""
    return (
        path.suffix.lower() in SUBMISSION_SUFFIXES
        and not path.name.startswith("~$")
        and not _WRITTEN_BY_CHECK.search(path.name)
    )


def refusal(path: Path) -> str | None:
    """Why ``path`` cannot be checked as a workbook before it is even opened as one, or None
    when it is a regular file that may be a workbook (the package checks take it from there)."""
    suffix = path.suffix.lower()
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file" if suffix in SUBMISSION_SUFFIXES else "no such file or folder"
    except OSError as exc:
        return f"cannot be opened: {exc.strerror or type(exc).__name__}"
    if suffix == ".numbers":  # a folder on a Mac, a zip elsewhere: a Numbers file either way
        return f"not an Excel workbook: {OTHER_KINDS[suffix]}"
    if not stat.S_ISREG(mode):  # opening a named pipe would wait for a writer for ever
        return "not a file (a folder, device or pipe)"
    if suffix in OTHER_KINDS:
        kind = _other_kind(path, suffix)
        return f"not an Excel workbook: {kind}" if kind else None
    return None


def _other_kind(path: Path, suffix: str) -> str | None:
    """What a file with another spreadsheet's name really is: its bytes, then its zip parts;
    None for an OLE file, which the package checks tell apart (an .xls or an encrypted one)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        return f"cannot be opened: {exc.strerror or type(exc).__name__}"
    if not head:
        return "the file is empty (0 bytes)"
    if head.startswith(_OLE):
        return None
    if head.startswith(b"PK"):
        return _zip_kind(path, suffix)
    if suffix == ".csv" and b"\0" not in head:
        return OTHER_KINDS[".csv"]
    return what_it_is(head)


def _zip_kind(path: Path, suffix: str) -> str:
    """A zip package: a real .xlsx/.xlsm under another name, or the kind its name says."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return OTHER_KINDS[suffix]
    if "xl/workbook.xml" in names:
        return f"an Excel workbook named {suffix}: rename it to .xlsx"
    if "xl/workbook.bin" in names:
        return OTHER_KINDS[".xlsb"]
    if "content.xml" in names and "mimetype" in names:
        return OTHER_KINDS[".ods"]
    return OTHER_KINDS[suffix]
