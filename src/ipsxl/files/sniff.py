"""What a file on disk really is: a workbook package, or an encrypted or old binary workbook, a
CSV, a web page or a PDF with an Excel name, told apart from its first bytes so that the reason a
file cannot be read is one line its sender understands. The file is read once, here."""

from __future__ import annotations

from pathlib import Path

from ipsxl.files.limits import Limits, UnreadableWorkbook
from ipsxl.files.snapshot import Snapshot, TooLarge


def check_file(path: Path, limits: Limits) -> Snapshot:
    """What is on disk: a regular file, not too big, and a zip package, not something else.
    Returns its bytes, read once: the rest of the run reads those, never the file again."""
    try:
        if not path.exists():
            raise UnreadableWorkbook("no such file")
        if not path.is_file():
            raise UnreadableWorkbook("not a file (a folder, device or pipe)")
        snapshot = Snapshot.take(path, limits.max_bytes)
    except TooLarge as exc:
        raise UnreadableWorkbook(
            f"too large: {exc.size:,} bytes on disk (limit {limits.max_bytes:,}; raise --max-mb)"
        ) from None
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise UnreadableWorkbook(f"cannot be opened: {why}") from None
    head = snapshot.data[:4096]
    if not head:
        raise UnreadableWorkbook("not an Excel workbook: the file is empty (0 bytes)")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnreadableWorkbook(_ole_reason(snapshot.data))
    if not head.startswith(b"PK"):
        raise UnreadableWorkbook(f"not an Excel workbook: {what_it_is(head)}")
    return snapshot


def what_it_is(head: bytes) -> str:
    """A guess at what a file that is not a zip package is, for the one-line reason."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"%pdf"):
        return "it is a PDF"
    if text.startswith((b"<!doctype html", b"<html", b"<table")):
        return "it is a web page (HTML) with an Excel name; open it and save it as .xlsx"
    if text.startswith(b"<?xml"):
        return "it is an XML file (perhaps Excel 2003 XML); open it and save it as .xlsx"
    if text.startswith(b"{\\rtf"):
        return "it is an RTF document"
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError:
        decoded = head.decode("latin-1") if b"\x00" not in head else ""
    if decoded and sum(ch.isprintable() or ch in "\t\r\n" for ch in decoded) > 0.95 * len(decoded):
        if any(sep in decoded for sep in (",", ";", "\t")):
            return "it is a text file (a CSV renamed .xlsx?); open it and save it as .xlsx"
        return "it is a text file; a workbook must be saved from Excel as .xlsx"
    return "it is not a zip package (.xlsx and .xlsm files are)"


def _ole_reason(data: bytes) -> str:
    """An OLE compound file is an encrypted .xlsx (Excel wraps those in OLE), an old binary .xls,
    or another Office binary. The directory's stream names tell which; they are UTF-16 and may
    sit anywhere in the file, so the whole file is searched."""
    encrypted = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
    workbook = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
    if any(name in data for name in encrypted):
        return "password-protected: remove the password in Excel and submit again"
    if any(name in data for name in workbook):
        return "not an Excel workbook: an old .xls workbook: save it as .xlsx in Excel"
    return "not an Excel workbook: an old Office binary file; open it and save it as .xlsx"
