"""A corpus of hostile and broken workbooks, generated when the tests run (no binaries committed).

Submitted workbooks come from many hands: renamed CSVs, old .xls files, password-protected
copies, half-uploaded files, files written by other programs, and now and then one crafted to
hurt whoever opens it. ``build_corpus(folder)`` writes one file per such case and returns what
ipsxl must say about each: the phrase its one-line reason contains (unreadable files, exit 2)
or the flags it must raise at which cells (readable files with wrong data).

Workbooks are written here at the level of the zip package and its XML, not with openpyxl, so a
case can hold what no well-behaved library would write: a DTD, a cell error with its cached
value, a zip header that lies about a part's size, a cell at XFD1048576.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from builders import clean_tabs, set_cell

from ipsxl.core.values import CellError

# --- writing packages ---------------------------------------------------------------------------


def zip_bytes(parts: Sequence[tuple[str, bytes]], declared: dict[str, int] | None = None) -> bytes:
    """A zip archive of ``parts`` (name, data), deflated; ``declared`` makes a part's headers
    claim another uncompressed size than it has (a lying header). Names may repeat."""
    declared = declared or {}
    out, central = bytearray(), bytearray()
    for name, data in parts:
        raw = name.encode("utf-8")
        packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        packed = packer.compress(data) + packer.flush()
        crc = zlib.crc32(data)
        size = declared.get(name, len(data))
        offset = len(out)
        # version needed, flags (UTF-8 names), deflate, time, date, crc, sizes, name, extra:
        # the same in the local header and in the central directory's entry
        entry = (20, 0x800, 8, 0, 0x21, crc, len(packed), size, len(raw), 0)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", *entry) + raw + packed
        # made by, the entry, comment, disk, internal and external attributes, offset
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *entry, 0, 0, 0, 0, offset) + raw
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), len(out), 0
    )
    return bytes(out + central + end)


NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EPOCH = dt.date(1899, 12, 30)


@dataclass
class Raw:
    """Cell XML written as given (``{ref}`` is replaced by the cell's reference)."""

    xml: str


@dataclass
class Sheet:
    """One worksheet: rows from A1 (or from ``first_row``), and XML around them."""

    name: str
    rows: list[list[object]]
    state: str | None = None  # "hidden" or "veryHidden"
    first_row: int = 1
    before_data: str = ""  # elements before <sheetData> (a <dimension>, say)
    after_data: str = ""  # elements after it (<mergeCells>, say)
    extra_rows: str = ""  # raw <row> elements appended inside <sheetData>
    prolog: str = XML_DECL  # what stands before <worksheet> (a DTD, say)


def column_letters(n: int) -> str:
    """1 -> A, 27 -> AA."""
    text = ""
    while n:
        n, rem = divmod(n - 1, 26)
        text = chr(65 + rem) + text
    return text


def xstring(text: str) -> str:
    """Text as OOXML stores it: markup escaped, characters XML forbids as _xHHHH_."""
    out = []
    for ch in text:
        code = ord(ch)
        if (
            code < 0x20
            and ch not in "\t\n\r"
            or 0xD800 <= code <= 0xDFFF
            or code in (0xFFFE, 0xFFFF)
        ):
            out.append(f"_x{code:04X}_")
        else:
            out.append(ch)
    return escape("".join(out))


def cell_xml(ref: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Raw):
        return value.xml.replace("{ref}", ref)
    if isinstance(value, CellError):
        return f'<c r="{ref}" t="e"><f>1/0</f><v>{escape(str(value))}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{ref}" s="1"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="1"><v>{(value - EPOCH).days}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    space = ' xml:space="preserve"' if str(value) != str(value).strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{xstring(str(value))}</t></is></c>'


def sheet_xml(sheet: Sheet) -> bytes:
    rows = []
    for i, row in enumerate(sheet.rows):
        r = sheet.first_row + i
        cells = "".join(cell_xml(f"{column_letters(c + 1)}{r}", v) for c, v in enumerate(row))
        if cells:
            rows.append(f'<row r="{r}">{cells}</row>')
    body = "".join(rows) + sheet.extra_rows
    return (
        f'{sheet.prolog}<worksheet xmlns="{NS}" xmlns:r="{NS_R}">{sheet.before_data}'
        f"<sheetData>{body}</sheetData>{sheet.after_data}</worksheet>"
    ).encode()


STYLES = (
    f'{XML_DECL}<styleSheet xmlns="{NS}"><fonts count="1"><font><sz val="11"/>'
    '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>'
    '</fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/>'
    '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" '
    'quotePrefix="1"/></cellXfs></styleSheet>'
).encode()
QUOTE_PREFIX = 2  # the style index of a cell typed with a leading apostrophe in Excel


def package_parts(
    sheets: Sequence[Sheet], workbook_prolog: str = XML_DECL
) -> list[tuple[str, bytes]]:
    """The parts of an .xlsx holding ``sheets``."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    content_types = (
        f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        f'{XML_DECL}<Relationships xmlns="{NS_PKG_R}"><Relationship Id="rId1" '
        f'Type="{NS_R}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    entries, rels = [], []
    for i, sheet in enumerate(sheets, 1):
        state = f' state="{sheet.state}"' if sheet.state else ""
        entries.append(f'<sheet name={quoteattr(sheet.name)} sheetId="{i}"{state} r:id="rId{i}"/>')
        rels.append(
            f'<Relationship Id="rId{i}" Type="{NS_R}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        )
    rels.append(
        f'<Relationship Id="rId{len(sheets) + 1}" Type="{NS_R}/styles" Target="styles.xml"/>'
    )
    workbook = (
        f'{workbook_prolog}<workbook xmlns="{NS}" xmlns:r="{NS_R}"><sheets>'
        f"{''.join(entries)}</sheets></workbook>"
    )
    parts = [
        ("[Content_Types].xml", content_types.encode()),
        ("_rels/.rels", root_rels.encode()),
        ("xl/workbook.xml", workbook.encode()),
        (
            "xl/_rels/workbook.xml.rels",
            f'{XML_DECL}<Relationships xmlns="{NS_PKG_R}">{"".join(rels)}</Relationships>'.encode(),
        ),
        ("xl/styles.xml", STYLES),
    ]
    parts += [(f"xl/worksheets/sheet{i}.xml", sheet_xml(s)) for i, s in enumerate(sheets, 1)]
    return parts


def sheets_of(tabs: dict[str, list[list]], **by_name: dict) -> list[Sheet]:
    """Sheets from ``clean_tabs()``-style rows; keyword arguments set a sheet's other fields."""
    return [Sheet(name, rows, **by_name.get(name, {})) for name, rows in tabs.items()]


def prefixed(sheet: int) -> Callable[[list[tuple[str, bytes]]], list[tuple[str, bytes]]]:
    """A ``write_xlsx`` edit writing the ``sheet``-th sheet (1-based) with the spreadsheetml
    namespace bound to a prefix on its root (``<x:worksheet xmlns:x=...>``, ``<x:c>``,
    ``<x:f>``), as some generators do."""
    part = f"xl/worksheets/sheet{sheet}.xml"

    def edit(parts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        out = []
        for name, data in parts:
            if name == part:
                data = re.sub(rb"<(/?)([A-Za-z][\w.-]*)(?=[\s/>])", rb"<\1x:\2", data)
                data = data.replace(b'xmlns="', b'xmlns:x="', 1)
            out.append((name, data))
        return out

    return edit


def write_xlsx(
    path: Path,
    sheets: Sequence[Sheet],
    workbook_prolog: str = XML_DECL,
    declared: dict[str, int] | None = None,
    edit: Callable[[list[tuple[str, bytes]]], list[tuple[str, bytes]]] | None = None,
) -> Path:
    parts = package_parts(sheets, workbook_prolog)
    if edit is not None:
        parts = edit(parts)
    path.write_bytes(zip_bytes(parts, declared))
    return path


def clean_xlsx(path: Path) -> Path:
    return write_xlsx(path, sheets_of(clean_tabs()))


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding ``streams`` (each at
    least 4,096 bytes, so they live in the regular FAT): what an old .xls or an encrypted
    workbook is wrapped in."""
    sector = 512
    free, end, fat_mark = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    data_sectors: list[tuple[int, int]] = []  # (first sector, size) per stream
    next_sector = 2  # 0: FAT, 1: directory
    chunks = []
    for payload in streams.values():
        assert len(payload) >= 4096
        count = -(-len(payload) // sector)
        data_sectors.append((next_sector, len(payload)))
        chunks.append(payload.ljust(count * sector, b"\0"))
        next_sector += count
    assert next_sector <= 128 and len(streams) <= 3
    fat = [fat_mark, end] + [free] * 126
    for first, size in data_sectors:
        count = -(-size // sector)
        for k in range(count):
            fat[first + k] = first + k + 1 if k < count - 1 else end

    def entry(
        name: str, kind: int, start: int, size: int, child: int = free, right: int = free
    ) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB3L", len(raw), kind, 1, free, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<LLL", start, size, 0)
        )

    names = list(streams)
    directory = entry("Root Entry", 5, end, 0, child=1)
    for k, (name, (first, size)) in enumerate(zip(names, data_sectors, strict=True)):
        directory += entry(name, 2, first, size, right=k + 2 if k + 1 < len(names) else free)
    directory = directory.ljust(sector, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<LLLLLLLLL", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109L", 0, *([free] * 108))
    )
    assert len(header) == sector
    return header + struct.pack("<128L", *fat) + directory + b"".join(chunks)


# --- the cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """A flag that must be raised: where, which code, and a phrase of its message or value."""

    sheet: str
    row: int | None
    column: str | None
    code: str
    says: str = ""  # in the message
    value: str | None = None  # the flag's value, exactly, when given


@dataclass
class Case:
    """One file of the corpus and what ipsxl must answer."""

    name: str
    why: str
    reason: str | None = None  # unreadable: a phrase of the one-line reason
    flags: list[Flag] = field(default_factory=list)  # readable: flags that must be there
    exit_code: int | None = 0  # None: readable, and whether errors are found is not the point
    # readable: (sheet, row, column or None for any) where no flag may be: what must pass
    clean: list[tuple[str, int, str | None]] = field(default_factory=list)
    options: tuple[str, ...] = ()  # command-line options the case needs

    @property
    def readable(self) -> bool:
        return self.reason is None


def _broken(folder: Path) -> list[Case]:
    cases = []
    (folder / "random-bytes.xlsx").write_bytes(bytes(range(256)) * 64)
    cases.append(
        Case(
            "random-bytes.xlsx",
            "bytes that are no format at all",
            reason="not an Excel workbook",
            exit_code=2,
        )
    )
    (folder / "empty.xlsx").write_bytes(b"")
    cases.append(
        Case("empty.xlsx", "an upload that wrote nothing", reason="the file is empty", exit_code=2)
    )
    whole = zip_bytes(package_parts(sheets_of(clean_tabs())))
    (folder / "half-uploaded.xlsx").write_bytes(whole[: len(whole) // 2])
    cases.append(
        Case(
            "half-uploaded.xlsx", "the first half of a good workbook", reason="damaged", exit_code=2
        )
    )
    (folder / "renamed.xlsx").write_text(
        "Client ID,Employment Specialist,Enrollment Date\nC1,Ann Lee,2026-07-01\n"
    )
    cases.append(
        Case(
            "renamed.xlsx",
            "a CSV renamed .xlsx",
            exit_code=2,
            reason="not an Excel workbook: it is a text file (a CSV renamed .xlsx?)",
        )
    )
    (folder / "page.xlsx").write_text(
        "<html><body><table><tr><td>C1</td></tr></table></body></html>"
    )
    cases.append(
        Case(
            "page.xlsx",
            "a web page saved with an Excel name",
            exit_code=2,
            reason="not an Excel workbook: it is a web page",
        )
    )
    legacy = ole_file({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\0" * 4600})
    (folder / "legacy.xlsx").write_bytes(legacy)
    cases.append(
        Case(
            "legacy.xlsx",
            "an old binary .xls renamed .xlsx",
            exit_code=2,
            reason="not an Excel workbook: an old .xls workbook: save it as .xlsx in Excel",
        )
    )
    (folder / "legacy.xls").write_bytes(legacy)
    cases.append(
        Case(
            "legacy.xls",
            "an old binary .xls, as saved",
            exit_code=2,
            reason="not an Excel workbook: an old .xls workbook: save it as .xlsx in Excel",
        )
    )
    docx = [("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<document/>")]
    (folder / "letter.xlsx").write_bytes(zip_bytes(docx))
    cases.append(
        Case(
            "letter.xlsx",
            "a Word document renamed .xlsx",
            exit_code=2,
            reason="not an Excel workbook: a Word document",
        )
    )
    ods = [
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", b"<office:document-content/>"),
    ]
    (folder / "calc.xlsx").write_bytes(zip_bytes(ods))
    cases.append(
        Case(
            "calc.xlsx",
            "an OpenDocument spreadsheet renamed .xlsx",
            exit_code=2,
            reason="not an Excel workbook: an OpenDocument (.ods) spreadsheet",
        )
    )
    cases += _encrypted(folder)
    parts = package_parts(sheets_of(clean_tabs()))
    twice = [*parts, ("xl/worksheets/sheet3.xml", sheet_xml(Sheet("x", [["Client ID"]])))]
    (folder / "two-parts-one-name.xlsx").write_bytes(zip_bytes(twice))
    cases.append(
        Case(
            "two-parts-one-name.xlsx",
            "a zip holding two parts of the same name, so "
            "two readers could see two different sheets",
            exit_code=2,
            reason="damaged: the package holds two parts named",
        )
    )
    good = zip_bytes(parts)
    flipped = bytearray(good)
    name = b"xl/worksheets/sheet3.xml"
    flipped[good.index(name) + len(name) + 20] ^= 0xFF  # inside that part's deflated data
    (folder / "bit-flip.xlsx").write_bytes(bytes(flipped))
    cases.append(
        Case(
            "bit-flip.xlsx",
            "one flipped bit inside a sheet's compressed data",
            reason="damaged",
            exit_code=2,
        )
    )
    return cases


def _encrypted(folder: Path) -> list[Case]:
    """A password-protected workbook, made with msoffcrypto-tool when it is installed, and the
    OLE wrapper Excel puts such a workbook in (its stream names) otherwise."""
    plain = clean_xlsx(folder / ".plain-for-encryption.xlsx")
    target = folder / "password.xlsx"
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        target.write_bytes(
            ole_file(
                {
                    "EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 4096,
                    "EncryptedPackage": b"\0" * 8192,
                }
            )
        )
    else:
        with plain.open("rb") as src, target.open("wb") as out:
            OOXMLFile(src).encrypt("s3cret", out)
    plain.unlink()
    return [
        Case(
            "password.xlsx",
            "a workbook protected with a password",
            exit_code=2,
            reason="password-protected",
        )
    ]


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE worksheet [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n"
)


def _crafted(folder: Path, secret: Path) -> list[Case]:
    cases = []
    tabs = clean_tabs()
    laughs = sheets_of(tabs, Caseload={"prolog": BILLION_LAUGHS})
    laughs[2].rows[1][0] = Raw('<c r="{ref}" t="inlineStr"><is><t>&lol9;</t></is></c>')
    write_xlsx(folder / "billion-laughs.xlsx", laughs)
    cases.append(
        Case(
            "billion-laughs.xlsx",
            "entities that expand to 10^9 'lol's",
            reason="declares XML entities (a DTD)",
            exit_code=2,
        )
    )
    uri = secret.resolve().as_uri()
    xxe = f'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{uri}">]>\n'
    sheets = sheets_of(clean_tabs(), Caseload={"prolog": xxe})
    sheets[2].rows[1][0] = Raw('<c r="{ref}" t="inlineStr"><is><t>&xxe;</t></is></c>')
    write_xlsx(folder / "xxe-sheet.xlsx", sheets)
    cases.append(
        Case(
            "xxe-sheet.xlsx",
            "an external entity that would read a local file",
            reason="declares XML entities (a DTD)",
            exit_code=2,
        )
    )
    wb_xxe = f'<?xml version="1.0"?>\n<!DOCTYPE workbook [<!ENTITY n SYSTEM "{uri}">]>\n'

    def name_from_entity(parts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        return [
            (n, d.replace(b'name="Staff"', b'name="&n;"') if n == "xl/workbook.xml" else d)
            for n, d in parts
        ]

    write_xlsx(
        folder / "xxe-workbook.xlsx",
        sheets_of(clean_tabs()),
        workbook_prolog=wb_xxe,
        edit=name_from_entity,
    )
    cases.append(
        Case(
            "xxe-workbook.xlsx",
            "an external entity in workbook.xml",
            reason="declares XML entities (a DTD)",
            exit_code=2,
        )
    )

    # a sheet part of 16 MB of spaces: 1,000 times smaller packed than inflated
    def bomb(parts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        return [
            (
                n,
                d.replace(b"<sheetData>", b"<sheetData>" + b" " * (16 << 20))
                if n == "xl/worksheets/sheet3.xml"
                else d,
            )
            for n, d in parts
        ]

    write_xlsx(folder / "zip-bomb.xlsx", sheets_of(clean_tabs()), edit=bomb)
    cases.append(
        Case(
            "zip-bomb.xlsx",
            "a sheet part that inflates 1,000 times its size",
            reason="a zip bomb",
            exit_code=2,
        )
    )
    write_xlsx(
        folder / "lying-header.xlsx",
        sheets_of(clean_tabs()),
        edit=bomb,
        declared={"xl/worksheets/sheet3.xml": 900},
    )
    cases.append(
        Case(
            "lying-header.xlsx",
            "the same bomb, its zip headers claiming 900 bytes",
            reason="damaged: xl/worksheets/sheet3.xml",
            exit_code=2,
        )
    )
    far = sheets_of(
        clean_tabs(),
        Caseload={"extra_rows": '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'},
    )
    write_xlsx(folder / "far-cell.xlsx", far)
    cases.append(
        Case(
            "far-cell.xlsx",
            "one value at XFD1048576: 17 billion cells to allocate",
            reason="too large",
            exit_code=2,
        )
    )
    return cases


def _readable(folder: Path) -> list[Case]:
    """Files that open, whose data is odd or wrong: flags at the right cells, or none."""
    cases = []

    tabs = clean_tabs()
    write_xlsx(
        folder / "dimension-lies.xlsx",
        sheets_of(tabs, Caseload={"before_data": '<dimension ref="A1:K1048576"/>'}),
    )
    cases.append(
        Case("dimension-lies.xlsx", "a sheet whose <dimension> claims a million rows", exit_code=0)
    )

    tabs = clean_tabs()
    for k, row in enumerate(tabs["Caseload"]):
        row += [f"Extra {c}" if k == 0 else c * k for c in range(1, 990)]
    write_xlsx(folder / "thousand-columns.xlsx", sheets_of(tabs))
    cases.append(
        Case("thousand-columns.xlsx", "1,000 columns, 989 of them not the standard's", exit_code=0)
    )

    tabs = clean_tabs()
    tabs["Employer Log"][1][8] = "x" * 32767
    row = set_cell(tabs, "Caseload", 1, "Enrollment Date", "7" * 32767)
    write_xlsx(folder / "long-cell.xlsx", sheets_of(tabs))
    cases.append(
        Case(
            "long-cell.xlsx",
            "cells of 32,767 characters (Excel's most)",
            exit_code=1,
            flags=[Flag("Caseload", row, "Enrollment Date", "bad-date", says="32,767 characters")],
            clean=[("Employer Log", 2, None)],
        )
    )

    tabs = clean_tabs()
    ref_row = set_cell(tabs, "Caseload", 2, "Enrollment Date", CellError("#REF!"))
    div_row = set_cell(tabs, "Jobs", 1, "Hours Per Week", CellError("#DIV/0!"))
    na_row = set_cell(tabs, "Jobs", 2, "Employer", CellError("#N/A"))
    val_row = set_cell(tabs, "Caseload", 1, "Status", CellError("#VALUE!"))
    write_xlsx(folder / "formula-errors.xlsx", sheets_of(tabs))
    cases.append(
        Case(
            "formula-errors.xlsx",
            "formulas whose cached results are errors",
            exit_code=1,
            flags=[
                Flag("Caseload", ref_row, "Enrollment Date", "bad-date", "'#REF!'", value="#REF!"),
                Flag("Jobs", div_row, "Hours Per Week", "bad-number", "'#DIV/0!'", value="#DIV/0!"),
                Flag("Jobs", na_row, "Employer", "missing-value", value="#N/A"),
                Flag("Caseload", val_row, "Status", "bad-choice", "'#VALUE!'", value="#VALUE!"),
            ],
        )
    )

    tabs = clean_tabs()
    wage_row = set_cell(
        tabs, "Jobs", 1, "Hourly Wage", Raw('<c r="{ref}"><f>16.5*1</f><v></v></c>')
    )
    hours_row = set_cell(
        tabs, "Jobs", 2, "Hours Per Week", Raw('<c r="{ref}"><f t="shared" si="0"/></c>')
    )
    title_row = set_cell(
        tabs, "Jobs", 2, "Job Title", Raw('<c r="{ref}" t="str"><f>""</f><v/></c>')
    )
    write_xlsx(folder / "formulas-never-computed.xlsx", sheets_of(tabs))
    cases.append(
        Case(
            "formulas-never-computed.xlsx",
            "formulas a script wrote and no one computed (an empty text result is computed)",
            exit_code=1,
            flags=[
                Flag("Jobs", wage_row, "Hourly Wage", "bad-value", "open and save", "=16.5*1"),
                Flag("Jobs", hours_row, "Hours Per Week", "bad-value", "open and save"),
            ],
            clean=[("Jobs", title_row, "Job Title")],
        )
    )

    tabs = clean_tabs()
    wage_row = set_cell(tabs, "Jobs", 1, "Hourly Wage", Raw('<c r="{ref}"><f>SUM(A1:A2)</f></c>'))
    hours_row = set_cell(
        tabs, "Jobs", 2, "Hours Per Week", Raw('<c r="{ref}"><f t="shared" si="0"/><v/></c>')
    )
    title_row = set_cell(
        tabs, "Jobs", 2, "Job Title", Raw('<c r="{ref}" t="str"><f>""</f><v/></c>')
    )
    write_xlsx(
        folder / "formulas-never-computed-prefixed.xlsx",
        sheets_of(tabs),
        edit=prefixed(list(tabs).index("Jobs") + 1),
    )
    cases.append(
        Case(
            "formulas-never-computed-prefixed.xlsx",
            "formulas no one computed, in a sheet whose tags carry a prefix (<x:c><x:f>)",
            exit_code=1,
            flags=[
                Flag("Jobs", wage_row, "Hourly Wage", "bad-value", "open and save", "=SUM(A1:A2)"),
                Flag("Jobs", hours_row, "Hours Per Week", "bad-value", "open and save"),
            ],
            clean=[("Jobs", title_row, "Job Title")],
        )
    )

    tabs = clean_tabs()
    set_cell(tabs, "Caseload", 2, "Employment Specialist", None)  # C2 is Ann Lee's, as C1
    merges = '<mergeCells count="1"><mergeCell ref="B2:B3"/></mergeCells>'
    write_xlsx(folder / "merged-specialist.xlsx", sheets_of(tabs, Caseload={"after_data": merges}))
    cases.append(
        Case(
            "merged-specialist.xlsx",
            "a specialist's name merged down over the rows of their clients",
            exit_code=0,
        )
    )

    tabs = clean_tabs()
    jobs = tabs["Jobs"]
    jobs.append(["Total", *[None] * 6, 35, 16.75, None, None, None])
    ref = f"A1:L{len(jobs)}"
    table = (
        f'{XML_DECL}<table xmlns="{NS}" id="1" name="Jobs" displayName="Jobs" ref="{ref}" '
        f'totalsRowCount="1"><tableColumns count="12">'
        + "".join(f'<tableColumn id="{i + 1}" name="{h}"/>' for i, h in enumerate(jobs[0]))
        + "</tableColumns></table>"
    ).encode()
    rels = (
        f'{XML_DECL}<Relationships xmlns="{NS_PKG_R}"><Relationship Id="rId1" '
        f'Type="{NS_R}/table" Target="../tables/table1.xml"/></Relationships>'
    ).encode()
    jobs_part = f"xl/worksheets/sheet{list(tabs).index('Jobs') + 1}.xml"
    rels_part = jobs_part.replace("worksheets/", "worksheets/_rels/") + ".rels"
    write_xlsx(
        folder / "table-totals-row.xlsx",
        sheets_of(
            tabs, Jobs={"after_data": '<tableParts count="1"><tablePart r:id="rId1"/></tableParts>'}
        ),
        edit=lambda parts: [*parts, (rels_part, rels), ("xl/tables/table1.xml", table)],
    )
    cases.append(
        Case(
            "table-totals-row.xlsx",
            "the Jobs table of Excel with its totals row shown",
            exit_code=0,
            clean=[("Jobs", len(jobs), None)],
        )
    )

    tabs = clean_tabs()
    set_cell(tabs, "Jobs", 1, "Hourly Wage", "17,50")
    set_cell(tabs, "Jobs", 1, "Hours Per Week", "1.234,5")  # 1234.5 hours: out of range
    bad_row = set_cell(tabs, "Jobs", 2, "Hourly Wage", "1,7,50")
    write_xlsx(folder / "decimal-commas.xlsx", sheets_of(tabs))
    cases.append(
        Case(
            "decimal-commas.xlsx",
            "numbers typed with a decimal comma, as a European locale writes them",
            exit_code=1,
            flags=[
                Flag("Jobs", 2, "Hours Per Week", "bad-number", "'1.234,5'"),
                Flag("Jobs", bad_row, "Hourly Wage", "bad-number", "'1,7,50'"),
            ],
            clean=[("Jobs", 2, "Hourly Wage")],
        )
    )

    tabs = clean_tabs()
    title = ["Caseload, July to September 2026"] + [None] * 10
    tabs["Caseload"].insert(0, title)
    tabs["Caseload"][1][5] = "Job Preference"
    tabs["Caseload"][1].insert(6, None)  # "Job Preference" merged over F2:G2
    for data in tabs["Caseload"][2:]:
        data.insert(6, None)
    tabs["Caseload"][3][3] = "2026-13-01"  # Enrollment Date of C2, Excel row 4
    merges = '<mergeCells count="2"><mergeCell ref="A1:L1"/><mergeCell ref="F2:G2"/></mergeCells>'
    write_xlsx(folder / "merged-header.xlsx", sheets_of(tabs, Caseload={"after_data": merges}))
    cases.append(
        Case(
            "merged-header.xlsx",
            "a merged title over the header, a merged header cell",
            exit_code=1,
            flags=[Flag("Caseload", 4, "Enrollment Date", "bad-date", "'2026-13-01'")],
            clean=[("Caseload", 3, None), ("Caseload", 5, None)],
        )
    )

    write_xlsx(
        folder / "hidden-caseload.xlsx",
        sheets_of(clean_tabs(), Caseload={"state": "hidden"}, Jobs={"state": "veryHidden"}),
    )
    cases.append(
        Case(
            "hidden-caseload.xlsx",
            "required tabs hidden (Caseload) and very hidden (Jobs): read as any other",
            exit_code=0,
        )
    )

    tabs = clean_tabs()
    tabs["Jobs"] = tabs["Jobs"][:1]
    tabs["Benefits Referrals"] = tabs["Benefits Referrals"][:1]
    write_xlsx(folder / "headers-only.xlsx", sheets_of(tabs))
    cases.append(Case("headers-only.xlsx", "tabs with a header row and no data", exit_code=None))

    tabs = clean_tabs()
    header = list(tabs["Caseload"][0])
    tabs["Caseload"].insert(2, header)  # pasted again after the first client: Excel row 3
    tabs["Caseload"][0].append("Client ID")  # and one header named twice: the first counts
    for data in tabs["Caseload"][1:]:
        data.append("not the id")
    write_xlsx(folder / "header-twice.xlsx", sheets_of(tabs))
    cases.append(
        Case(
            "header-twice.xlsx",
            "the header row pasted twice; a column named twice",
            exit_code=1,
            flags=[
                Flag("Caseload", 3, "Enrollment Date", "bad-date", "'Enrollment Date'"),
                Flag("Caseload", 3, "Status", "bad-choice", "'Status'"),
            ],
            clean=[("Caseload", 2, None), ("Caseload", 4, None), ("Caseload", 5, None)],
        )
    )

    tabs = clean_tabs()
    old = set_cell(tabs, "Caseload", 3, "Referral Date", "1850-01-01")
    set_cell(tabs, "Jobs", 2, "Job End Date", dt.date(9999, 12, 31))
    write_xlsx(folder / "far-dates.xlsx", sheets_of(tabs))
    cases.append(
        Case(
            "far-dates.xlsx",
            "a date before 1900 (text: Excel has none) and one in 9999",
            exit_code=None,
            clean=[("Caseload", old, "Referral Date")],
        )
    )

    tabs = clean_tabs()
    hours = set_cell(tabs, "Jobs", 1, "Hours Per Week", 1e308)
    wage = set_cell(tabs, "Jobs", 2, "Hourly Wage", 1e308)
    fte = set_cell(tabs, "Staff", 1, "FTE", "NaN")
    pct = set_cell(tabs, "Staff", 2, "Community Hours %", "inf")
    set_cell(tabs, "Staff", 3, "Community Hours %", -0.0)
    raw_nan = set_cell(tabs, "Jobs", 1, "Hourly Wage", Raw('<c r="{ref}"><v>NaN</v></c>'))
    write_xlsx(folder / "odd-numbers.xlsx", sheets_of(tabs))
    cases.append(
        Case(
            "odd-numbers.xlsx",
            "1e308, NaN, inf and -0 in number columns",
            exit_code=1,
            flags=[
                Flag("Jobs", hours, "Hours Per Week", "bad-number", "'1e+308'"),
                Flag("Jobs", wage, "Hourly Wage", "bad-number"),
                Flag("Staff", fte, "FTE", "bad-number", "'NaN'"),
                Flag("Staff", pct, "Community Hours %", "bad-number", "'inf'"),
            ],
            clean=[("Staff", 4, None), ("Jobs", raw_nan, "Hourly Wage")],
        )
    )

    tabs = clean_tabs()
    for k, name in enumerate(("C1", "C2", "C3"), 1):  # IDs changed alike in every tab
        new = {"C1": "C1-😀", "C2": "ملف-٢", "C3": "תיק-3"}[name]
        for tab in ("Caseload", "Jobs", "Benefits Referrals", "Employer Log"):
            for data in tabs[tab][1:]:
                for c, value in enumerate(data):
                    if value == name and tabs[tab][0][c] == "Client ID":
                        data[c] = new
        del k
    notes = set_cell(
        tabs,
        "Employer Log",
        1,
        "Notes",
        "bell\x07 escape\x1b[2J tab\t null\x00 \u202eevil\u202c new\nline",
    )
    bad = set_cell(tabs, "Caseload", 1, "Enrollment Date", "\x1b[31m2026-06-01\u202e")
    set_cell(tabs, "Caseload", 2, "Job Preference", "مطبخ 🍳 cook")
    write_xlsx(folder / "unicode-text.xlsx", sheets_of(tabs))
    cases.append(
        Case(
            "unicode-text.xlsx",
            "emoji, right-to-left script, control characters",
            exit_code=1,
            flags=[Flag("Caseload", bad, "Enrollment Date", "bad-date", "\\x1b[31m")],
            clean=[("Employer Log", notes, None), ("Caseload", 3, None)],
        )
    )

    tabs = clean_tabs()
    typed = set_cell(
        tabs,
        "Caseload",
        1,
        "Enrollment Date",
        Raw(f'<c r="{{ref}}" s="{QUOTE_PREFIX}" t="inlineStr"><is><t>6/1/2026</t></is></c>'),
    )
    literal = set_cell(tabs, "Caseload", 2, "Enrollment Date", "'2026-07-01")
    write_xlsx(folder / "apostrophes.xlsx", sheets_of(tabs))
    cases.append(
        Case(
            "apostrophes.xlsx",
            "a date typed '6/1/2026 in Excel (the apostrophe is "
            "formatting) and one with a literal apostrophe in the text",
            exit_code=1,
            flags=[Flag("Caseload", literal, "Enrollment Date", "bad-date", "''2026-07-01'")],
            clean=[("Caseload", typed, None)],
        )
    )

    tabs = clean_tabs()
    sheets = sheets_of(tabs)
    shadow = copy.deepcopy(tabs["Caseload"])
    shadow[1][3] = "not a date"
    sheets.append(Sheet("CASELOAD", shadow))
    write_xlsx(folder / "tab-twice.xlsx", sheets)
    cases.append(
        Case(
            "tab-twice.xlsx",
            "two tabs whose names differ only by case (Excel "
            "forbids it; a crafted file may not): the first is read",
            exit_code=0,
        )
    )

    tabs = clean_tabs()
    sheets = sheets_of(tabs)
    far_row = len(tabs["Caseload"]) + 1
    sheets[2].extra_rows = (
        f'<row r="{far_row}"><c r="A{far_row}" t="inlineStr"><is><t>C9</t>'
        '</is></c></row><row r="900000"><c r="B900000" s="2"/></row>'
    )
    write_xlsx(folder / "styled-far-below.xlsx", sheets)
    cases.append(
        Case(
            "styled-far-below.xlsx",
            "an empty formatted cell at row 900,000 (no value: nothing to read there)",
            exit_code=1,
            flags=[Flag("Caseload", far_row, "Enrollment Date", "missing-value")],
        )
    )

    tabs = clean_tabs()
    sheets = sheets_of(tabs)
    rows = "".join(
        "<row>"
        + "".join(
            f'<c t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
            if isinstance(v, str)
            else cell_xml("A1", v).replace(' r="A1"', "")
            if v is not None
            else "<c/>"
            for v in data
        )
        + "</row>"
        for data in tabs["Caseload"]
    )
    sheets[2] = Sheet("Caseload", [], extra_rows=rows)
    write_xlsx(folder / "no-references.xlsx", sheets)
    cases.append(
        Case(
            "no-references.xlsx",
            "cells and rows without r= references (valid OOXML, written by some libraries)",
            exit_code=0,
        )
    )
    return cases


def many_sheets_xlsx(path: Path, empty: int) -> Path:
    """The standard tabs, one bad date on Caseload, and ``empty`` empty sheets after them (a
    package of thousands of parts: 5,000 sheets make 1.5 MB)."""
    tabs = clean_tabs()
    set_cell(tabs, "Caseload", 1, "Enrollment Date", "13/45/2026")
    return write_xlsx(
        path, sheets_of(tabs) + [Sheet(f"Empty {i}", []) for i in range(1, empty + 1)]
    )


MANY_SHEETS = 5_000


def _many_parts(folder: Path) -> list[Case]:
    many_sheets_xlsx(folder / "many-sheets.xlsx", MANY_SHEETS)
    return [
        Case(
            "many-sheets.xlsx",
            f"{MANY_SHEETS:,} empty sheets beside the standard tabs",
            exit_code=1,
            flags=[Flag("Caseload", 2, "Enrollment Date", "bad-date", "'13/45/2026'")],
        )
    ]


def build_corpus(folder: Path, secret: Path | None = None) -> list[Case]:
    """Write every case into ``folder``; ``secret`` is the file the XXE cases try to read."""
    folder.mkdir(parents=True, exist_ok=True)
    if secret is None:
        secret = folder / ".secret.txt"
        secret.write_text("TOP-SECRET-XXE")
    return _broken(folder) + _crafted(folder, secret) + _readable(folder) + _many_parts(folder)
