"""Build, in tests, an agency workbook that carries everything write-back must not lose, and a
Report about it by hand (the core that fills Reports is written elsewhere).

The workbook is made with openpyxl (sheets, comments, validation, conditional formatting, a
chart, names, frozen panes, a hidden sheet), then edited as a zip to carry what openpyxl cannot
make: a VBA project with the macro-enabled content type, and an image.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from ipsxl.core import scale, standard
from ipsxl.core.model import ERROR, INFO, WARNING, Item, Period, Report, Scores, Table

D = dt.date
START, END = D(2026, 7, 1), D(2026, 9, 30)
INJECTIONS = ['=HYPERLINK("http://x","y")', "+1-555", "-3", "@x"]
VBA_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4
XLSM_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _png() -> bytes:
    """A 2x2 red PNG, made by hand so no imaging library is needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def build_workbook(path: Path) -> Path:
    """An .xlsm-like agency workbook with a VBA part, chart, image, notes, names, ..."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    program = wb.create_sheet("Program")
    for row in (
        ["Field", "Value"],
        ["Agency", "Test Agency"],
        ["Program", "Test Team"],
        ["Period Start", START],
        ["Period End", END],
    ):
        program.append(row)

    case = wb.create_sheet("Caseload")
    case.append(
        [
            "Client ID",
            "Employment Specialist",
            "Enrollment Date",
            "Status",
            "Closed Date",
            "Receives Benefits",
        ]
    )
    case.append(["C1", "Ann Lee", D(2026, 6, 1), "Active", None, "Yes"])
    case.append(["C2", "Ann Lee", "13/45/2026", "Closed", None, "maybe"])
    case.append(["C3", "Bo Chan", D(2026, 2, 10), "Follow-Along", None, "No"])
    case.append(["C1", INJECTIONS[0], D(2026, 7, 3), "Active", None, "No"])
    for r in range(2, 6):
        case.cell(r, 3).number_format = "yyyy-mm-dd"
    case["B3"].number_format = "@"
    case["A2"].comment = Comment("Agency note on C1", "Agency")
    case.freeze_panes = "A2"
    dv = DataValidation(type="list", formula1='"Active,Follow-Along,Closed"', allow_blank=True)
    dv.add("D2:D50")
    case.add_data_validation(dv)
    case.conditional_formatting.add(
        "F2:F50",
        CellIsRule(
            operator="equal", formula=['"Yes"'], fill=PatternFill("solid", start_color="FFC6EFCE")
        ),
    )
    case["G1"] = "Days"
    case["G2"] = "=TODAY()-C2"

    log = wb.create_sheet("Employer Log")
    log.append(["Date", "Employment Specialist", "Employer", "Contact Type"])
    for k in range(6):
        log.append(
            [D(2026, 7, 1 + k), "Ann Lee" if k % 2 else "Bo Chan", f"Employer {k}", "Face-to-Face"]
        )
    log.append([D(2026, 7, 9), "Bo Chan", "+1-555", "Phone"])
    chart = BarChart()
    chart.add_data(Reference(log, min_col=1, min_row=1, max_row=7), titles_from_data=True)
    log.add_chart(chart, "H2")

    lookup = wb.create_sheet("Lookup")
    lookup.append(["Statuses"])
    for s in standard.STATUSES:
        lookup.append([s])
    lookup.sheet_state = "hidden"
    wb.create_sheet("Notes")["A1"] = "Picture of the team:"

    wb.defined_names["ClientIDs"] = DefinedName("ClientIDs", attr_text="Caseload!$A$2:$A$50")
    wb.defined_names["StatusList"] = DefinedName("StatusList", attr_text="Lookup!$A$2:$A$4")
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    _add_vba_and_image(tmp, path)
    tmp.unlink()
    return path


def _add_vba_and_image(src: Path, dst: Path) -> None:
    with zipfile.ZipFile(src) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    ct = parts["[Content_Types].xml"].decode()
    ct = ct.replace(XLSX_TYPE, XLSM_TYPE)
    ct = ct.replace(
        "</Types>",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        '<Default Extension="png" ContentType="image/png"/>'
        '<Override PartName="/xl/drawings/drawing99.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
    )
    parts["[Content_Types].xml"] = ct.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/'
        'vbaProject" Target="vbaProject.bin"/></Relationships>',
    )
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    parts["xl/vbaProject.bin"] = VBA_BYTES
    parts["xl/media/image1.png"] = _png()
    notes = _sheet_part(parts, "Notes")
    sheet = parts[notes].decode()
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = sheet.replace("</worksheet>", f'<drawing xmlns:r="{r}" r:id="rIdImg"/></worksheet>')
    parts[notes] = sheet.encode()
    folder, base = notes.rsplit("/", 1)
    parts[f"{folder}/_rels/{base}.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdImg" '
        f'Type="{r}/drawing" Target="../drawings/drawing99.xml"/></Relationships>'
    ).encode()
    parts["xl/drawings/drawing99.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="http://'
        'schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.'
        'openxmlformats.org/drawingml/2006/main"><xdr:oneCellAnchor><xdr:from><xdr:col>1'
        "</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff>"
        '</xdr:from><xdr:ext cx="190500" cy="190500"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="1" '
        'name="Team"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill><a:blip xmlns:r="'
        f'{r}" r:embed="rIdPng"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>'
        "</xdr:oneCellAnchor></xdr:wsDr>"
    ).encode()
    parts["xl/drawings/_rels/drawing99.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdPng" '
        f'Type="{r}/image" Target="../media/image1.png"/></Relationships>'
    ).encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)


def _sheet_part(parts: dict[str, bytes], name: str) -> str:
    wb = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    import re

    rid = re.search(rf'<sheet [^>]*name="{name}"[^>]*r:id="([^"]+)"', wb).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    t = target.group(1) or target.group(2)
    return t.lstrip("/") if t.startswith("/") else "xl/" + t


def sheet_part(path: Path, name: str) -> str:
    """The part name of a sheet in a saved workbook."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")}
    return _sheet_part(parts, name)


def read_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}


# --- a Report about that workbook -------------------------------------------------------------

CASELOAD_COLS = {
    "Client ID": 1,
    "Employment Specialist": 2,
    "Enrollment Date": 3,
    "Status": 4,
    "Closed Date": 5,
    "Receives Benefits": 6,
}
LOG_COLS = {"Date": 1, "Employment Specialist": 2, "Employer": 3, "Contact Type": 4}

# (sheet, row, column, code, severity, message, value, col)
FLAGS = [
    (
        "Caseload",
        3,
        "Enrollment Date",
        "bad-date",
        ERROR,
        "'13/45/2026' is not a date",
        "13/45/2026",
        3,
    ),
    (
        "Caseload",
        3,
        "Enrollment Date",
        "date-order",
        WARNING,
        "enrolled after closing",
        "13/45/2026",
        3,
    ),
    (
        "Caseload",
        3,
        "Closed Date",
        "missing-value",
        ERROR,
        "Closed Date is required when Status is Closed",
        None,
        5,
    ),
    (
        "Caseload",
        3,
        "Receives Benefits",
        "bad-choice",
        ERROR,
        "'maybe' is not yes or no",
        "maybe",
        6,
    ),
    ("Caseload", 5, "Client ID", "duplicate-id", ERROR, "C1 repeats row 2", "C1", 1),
    ("Caseload", 2, "Client ID", "duplicate-id", WARNING, "C1 repeats in row 5", "C1", 1),
    (
        "Caseload",
        5,
        "Employment Specialist",
        "unknown-specialist",
        WARNING,
        "not in Staff",
        INJECTIONS[0],
        2,
    ),
    ("Caseload", 4, "Enrollment Date", "future-date", INFO, "old \x01 control", "\x0b", 3),
    ("Caseload", 9, "Status", "missing-value", ERROR, "row beyond the data", None, 4),
    (
        "Caseload",
        1,
        "Referral Date",
        "missing-column",
        ERROR,
        "no Referral Date column",
        None,
        None,
    ),
    (
        "Employer Log",
        8,
        "Employer",
        "bad-choice",
        WARNING,
        "phone is not face to face",
        INJECTIONS[1],
        3,
    ),
    (
        "Employer Log",
        None,
        None,
        "low-contacts",
        WARNING,
        "Bo Chan made 2 contacts in week 2",
        None,
        None,
    ),
    ("Employer Log", 7, None, "out-of-period", WARNING, "row dated outside the period", "-3", None),
    ("Staff", None, None, "missing-tab", ERROR, "no Staff tab", "@x", None),
]

ITEM_VALUES = {
    "caseload_size": (18.5, 37),
    "employment_services_staff": (None, 0),
    "supervisor_ratio": (2.0, 2),
    "rapid_job_search": (24.0, 12),
    "individualized_job_search": (80.0, 40),
    "employer_contacts": (5.2, 2),
    "diversity_job_types": (70.0, 10),
    "diversity_employers": (90.0, 10),
    "competitive_jobs": (100.0, 10),
    "follow_along": (60.0, 5),
    "community_based": (None, 0),
    "work_incentives_planning": (100.0, 3),
}


def make_report(flags=FLAGS, with_scores: bool = True) -> Report:
    frame = pd.DataFrame(
        flags, columns=["sheet", "row", "column", "code", "severity", "message", "value", "col"]
    )
    items = []
    for item_id, (value, n) in ITEM_VALUES.items():
        band = scale.BANDS_BY_ID[item_id]
        note = "" if value is not None else "no Staff tab"
        suggests = scale.points(item_id, value) if scale.is_indicator(item_id) else None
        score = scale.score(item_id, value)
        items.append(Item(item_id, value, band.target, score, n, band.basis, note, suggests))
    specialists = [
        {
            "name": "Ann Lee",
            "caseload": 2,
            "face_to_face_contacts": 39,
            "contacts_per_week": 39 / 13,
            "employed_clients": 1,
            "employment_rate": 0.5,
            "job_starts": 1,
        },
        {
            "name": "=cmd|' /C calc'!A0",
            "caseload": 1,
            "face_to_face_contacts": 80,
            "contacts_per_week": 80 / 13,
            "employed_clients": 0,
            "employment_rate": 0.0,
            "job_starts": 0,
        },
    ]
    outcomes = {
        "active_clients": 3,
        "employed_clients": 1,
        "employment_rate": 1 / 3,
        "job_starts": 1,
        "in_education": 0,
        "mean_hours": 20.0,
        "mean_wage": 16.5,
    }
    tables = {
        "Caseload": Table(standard.CASELOAD, "Caseload", 1, pd.DataFrame(), CASELOAD_COLS),
        "Employer Log": Table(standard.EMPLOYER_LOG, "Employer Log", 1, pd.DataFrame(), LOG_COLS),
    }
    return Report(
        file="/data/agency-a.xlsm",
        readable=True,
        agency="Test Agency",
        program="+Team",
        period=Period(START, END),
        flags=frame,
        scores=Scores(items, outcomes, specialists) if with_scores else None,
        tables=tables,
    )


WHEN = dt.datetime(2026, 10, 1, 9, 30)  # the time the Fidelity sheet gives in these tests
