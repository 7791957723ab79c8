"""Each part of a workbook is parsed once, in the guard's child, whatever else the workbook
holds: a huge sheet that is not the standard's, and millions of shared strings, cost the child
(within its time and memory limits) one pass each, and the process that runs the batch nothing."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from builders import clean_tabs
from click.testing import CliRunner
from hostile import NS, NS_R, XML_DECL, Raw, Sheet, sheets_of, write_xlsx

from ipsxl.cli import main
from ipsxl.files import package_scan, read

STRINGS = 5_000


def _with_shared_strings(parts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The package with a shared-strings part (every string the extra sheet uses)."""
    sst = (
        f'{XML_DECL}<sst xmlns="{NS}" count="{STRINGS}" uniqueCount="{STRINGS}">'
        + "".join(f"<si><t>remark {i}</t></si>" for i in range(STRINGS))
        + "</sst>"
    ).encode()
    edited = []
    for name, data in parts:
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(
                b"</Relationships>",
                f'<Relationship Id="rIdS" Type="{NS_R}/sharedStrings" '
                'Target="sharedStrings.xml"/></Relationships>'.encode(),
            )
        edited.append((name, data))
    return [*edited, ("xl/sharedStrings.xml", sst)]


def _book(path: Path) -> Path:
    """The clean workbook, and after its tabs a big sheet of the agency's own (shared strings)."""
    extra = Sheet(
        "Agency Notes",
        [
            [Raw(f'<c r="{{ref}}" t="s"><v>{(r * 3 + c) % STRINGS}</v></c>') for c in range(3)]
            for r in range(STRINGS)
        ],
    )
    return write_xlsx(path, [*sheets_of(clean_tabs()), extra], edit=_with_shared_strings)


def _counting(monkeypatch, log: Path) -> None:
    """Log (process, what) for every calamine book opened and every package part inflated; the
    guard's child inherits the patches, and appends to the same file."""
    open_book, inflate = read._open_book, package_scan._inflate

    def opened(path):
        with log.open("a") as fh:
            fh.write(f"{os.getpid()} book\n")
        return open_book(path)

    def inflated(fh, info, budget):
        with log.open("a") as out:
            out.write(f"{os.getpid()} {info.filename}\n")
        return inflate(fh, info, budget)

    monkeypatch.setattr(read, "_open_book", opened)
    monkeypatch.setattr(package_scan, "_inflate", inflated)


@pytest.mark.parametrize(("twice_from", "books"), [(0, 1), (read.SHARED_STRINGS_TWICE, 2)])
def test_each_part_is_parsed_once_and_only_in_the_child(tmp_path, monkeypatch, twice_from, books):
    book = _book(tmp_path / "agency.xlsx")
    log = tmp_path / "parsed.log"
    _counting(monkeypatch, log)
    monkeypatch.setattr(read, "SHARED_STRINGS_TWICE", twice_from)
    result = CliRunner().invoke(main, ["validate", str(book)])
    assert result.exit_code == 0, result.output
    entries = [line.split(" ", 1) for line in log.read_text().splitlines()]
    here = str(os.getpid())
    assert [what for pid, what in entries if pid == here] == []  # the batch's process: nothing
    child = [what for pid, what in entries if pid != here]
    assert len({pid for pid, _ in entries}) == 1
    extra_part = "xl/worksheets/sheet7.xml"
    assert child.count(extra_part) == 1  # the package scan's one pass; calamine never reads it
    assert child.count("xl/sharedStrings.xml") == 1
    # with few strings the largest tab is parsed meanwhile, with a book of its own; with many,
    # the strings are parsed once by one book
    assert child.count("book") == books


def test_check_parses_the_shared_strings_once(tmp_path, monkeypatch):
    """`ipsxl check` too: the strings are parsed once, by the child's one calamine book; the
    process that writes the checked copy scans their part (size, checksum, no DTD) and copies
    it as it is stored, never inflating it to parse or to copy it."""
    from ipsxl.writeback import package, xmlparse

    book = _book(tmp_path / "agency.xlsx")
    log = tmp_path / "parsed.log"
    _counting(monkeypatch, log)
    monkeypatch.setattr(read, "SHARED_STRINGS_TWICE", 0)  # many strings: one book
    here = str(os.getpid())
    parsed: list[str] = []
    real_parse, real_read = xmlparse.parse, package._Source.read

    def parse(data, name="", *args, **kwargs):
        if str(os.getpid()) == here:
            parsed.append(name)
        return real_parse(data, name, *args, **kwargs)

    def inflate(source, info):
        if str(os.getpid()) == here:
            parsed.append(f"inflated {info.filename}")
        return real_read(source, info)

    monkeypatch.setattr(xmlparse, "parse", parse)
    monkeypatch.setattr(package._Source, "read", inflate)
    result = CliRunner().invoke(main, ["check", str(book)])
    assert result.exit_code == 0, result.output
    entries = [line.split(" ", 1) for line in log.read_text().splitlines()]
    child = [what for pid, what in entries if pid != here]
    assert child.count("book") == 1  # calamine: the one parse of the strings
    assert child.count("xl/sharedStrings.xml") == 1  # the child's package scan
    assert [what for pid, what in entries if pid == here].count("xl/sharedStrings.xml") == 1
    assert not [p for p in parsed if p.endswith("sharedStrings.xml")], parsed
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(book.with_suffix(".checked.xlsx")) as out:
        assert out.read("xl/sharedStrings.xml") == source.read("xl/sharedStrings.xml")
