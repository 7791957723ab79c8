"""Build ``ipsxl.xlam``, the Excel add-in that puts the IPS tab on the ribbon.

The add-in is assembled here without Excel so that it can be built on any machine (CI included)
from the sources in ``macros/``: the ribbon XML goes in as it is, the VBA module is compiled into
``xl/vbaProject.bin`` by ms-ovba, and the rest is the smallest SpreadsheetML package Excel opens as
an add-in. The VBA holds no logic: each button calls a function of ``ipsxl.excel`` through the
xlwings add-in's ``RunPython``. ``RIBBON_ACTIONS`` lists those buttons so tests can check the
ribbon, the VBA and the Python side against one list.

ms-ovba writes its intermediate files into the current directory and next to the module sources,
so the build runs in a private temporary directory on copies of the sources. The build is
reproducible (fixed time stamps and obfuscation seed), and its result ships beside the sources
(``shipped_addin``): installing it (``ipsxl.addin.install``) copies it, so a PC needs no VBA
compiler, and the tests check that it is exactly what the sources build.
"""

from __future__ import annotations

import contextlib
import random
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from ipsxl import __version__
from ipsxl.files.safefiles import replacing

ADDIN_NAME = "ipsxl.xlam"
PYTHON_MODULE = "ipsxl.excel"
VBA_MODULE = "ipsxl"  # VB_Name of macros/ipsxl.bas; ribbon callbacks are "ipsxl.<Sub>"
RIBBON_SOURCE = "customUI.xml"
UDF_MODULE = "ipsxl.udfs"
# The key the xlwings add-in reads its UDF modules from (GetConfig("UDF MODULES") in its VBA): a
# space, not an underscore. A "UDF_MODULES" line would be silently ignored.
UDF_CONFIG_KEY = "UDF MODULES"

# Package parts and the types Excel looks for. The 2009/07 customUI namespace must be stored as
# customUI14.xml behind the 2007 extensibility relationship; the 2006 namespace as customUI.xml
# behind the 2006 one. Excel 2010+ (Windows) and 2016+ (macOS) read the 2009/07 form.
CUSTOMUI_NS_2009 = "http://schemas.microsoft.com/office/2009/07/customui"
CUSTOMUI_NS_2006 = "http://schemas.microsoft.com/office/2006/01/customui"
RIBBON_PARTS = {
    CUSTOMUI_NS_2009: (
        "customUI/customUI14.xml",
        "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
    ),
    CUSTOMUI_NS_2006: (
        "customUI/customUI.xml",
        "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
    ),
}
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
VBA_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
OFFICE_DOCUMENT_RELATIONSHIP = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)

# Document modules the VBA project must have for the workbook and its one sheet; their names are
# the codeName attributes in workbook.xml and sheet1.xml, their GUIDs the Excel type libraries'
# Workbook and Worksheet classes.
WORKBOOK_CODENAME = "ThisWorkbook"
SHEET_CODENAME = "Sheet1"
_DOC_MODULE_GUIDS = {
    WORKBOOK_CODENAME: "00020819-0000-0000-C000-000000000046",
    SHEET_CODENAME: "00020820-0000-0000-C000-000000000046",
}
# A fixed project id keeps every build of the add-in recognisably the same VBA project.
_PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "https://ipsxl/addin")).upper() + "}"
# What Excel writes in PROJECT as VersionCompatible32 (every Excel-made project has this value).
_VERSION_COMPATIBLE32 = "393222000"
# Window state of a module in PROJECT's [Workspace]: left, top, right, bottom, and C (closed).
_CLOSED_WINDOW = (0, 0, 0, 0, "C")
_PART_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class RibbonAction:
    """One button of the IPS tab and the Python function it runs.

    ``function`` is a function of ``ipsxl.excel`` called with no arguments (its ``book`` argument
    is optional and defaults to the workbook xlwings says called it).
    """

    control_id: str
    label: str
    callback: str  # Sub in macros/ipsxl.bas taking (control As IRibbonControl)
    function: str

    @property
    def on_action(self) -> str:
        """The ``onAction`` value in the ribbon XML."""
        return f"{VBA_MODULE}.{self.callback}"

    @property
    def command(self) -> str:
        """The Python statement the VBA callback hands to RunPython."""
        return runpython_command(self.function)


RIBBON_ACTIONS: tuple[RibbonAction, ...] = (
    RibbonAction("ipsxlValidate", "Validate", "OnValidate", "validate"),
    RibbonAction("ipsxlFidelity", "Fidelity", "OnFidelity", "fidelity"),
    RibbonAction("ipsxlClearFlags", "Clear Flags", "OnClearFlags", "clear_flags"),
    RibbonAction("ipsxlNewWorkbook", "New Standard Workbook", "OnNewWorkbook", "new_workbook"),
    RibbonAction("ipsxlHelp", "Help", "OnHelp", "show_help"),
)


def runpython_command(function: str, module: str = PYTHON_MODULE) -> str:
    """The string RunPython executes to call ``module.function()``.

    RunPython runs a Python statement, not a function reference, so the module is imported in the
    same statement.
    """
    return f"import {module}; {module}.{function}()"


class AddinError(RuntimeError):
    """The add-in could not be built or installed; the message says what to do."""


# --------------------------------------------------------------------------- sources


def macros_dir() -> Path:
    """Folder holding ``ipsxl.bas`` and ``customUI.xml``.

    An installed wheel carries them inside the package (``ipsxl/macros``); a source checkout, and
    an editable install of it, has them in the top-level ``macros/`` folder.
    """
    candidates: list[Path] = []
    for package, sub in (("ipsxl.macros", ""), ("ipsxl", "macros")):
        with contextlib.suppress(ModuleNotFoundError, TypeError):
            candidates.append(Path(str(resources.files(package))) / sub)
    candidates.append(Path(__file__).resolve().parents[3] / "macros")
    for candidate in candidates:
        if (candidate / RIBBON_SOURCE).is_file():
            return candidate
    raise AddinError(
        "cannot find the add-in sources (customUI.xml, *.bas); looked in "
        + ", ".join(str(c) for c in candidates)
    )


def vba_sources(source_dir: Path) -> list[Path]:
    """The standard modules (``*.bas``) compiled into the add-in, in a stable order."""
    return sorted(source_dir.glob("*.bas"))


# --------------------------------------------------------------------------- build


def build_addin(target: Path, *, source_dir: Path | None = None) -> Path:
    """Write ``ipsxl.xlam`` and return its path.

    ``target`` is either the ``.xlam`` file to write or a folder to write ``ipsxl.xlam`` into.
    The file is written under a temporary name and moved into place, so a failed build never
    leaves a broken add-in where Excel would load it.
    """
    source_dir = Path(source_dir) if source_dir is not None else macros_dir()
    target = Path(target)
    path = target if target.suffix.lower() == ".xlam" else target / ADDIN_NAME
    path.parent.mkdir(parents=True, exist_ok=True)

    ribbon = (source_dir / RIBBON_SOURCE).read_bytes()
    ribbon_part, ribbon_rel = _ribbon_part(ribbon)
    modules = vba_sources(source_dir)
    if not modules:
        raise AddinError(f"no VBA modules (*.bas) in {source_dir}")
    vba_project = compile_vba_project(modules)

    parts: dict[str, bytes] = {
        "[Content_Types].xml": _content_types().encode(),
        "_rels/.rels": _root_rels(ribbon_part, ribbon_rel).encode(),
        "docProps/core.xml": _CORE_XML.encode(),
        "docProps/app.xml": _APP_XML.encode(),
        "xl/workbook.xml": _WORKBOOK_XML.encode(),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS.encode(),
        "xl/worksheets/sheet1.xml": _SHEET_XML.encode(),
        "xl/styles.xml": _STYLES_XML.encode(),
        "xl/vbaProject.bin": vba_project,
        ribbon_part: ribbon,
    }

    def write(fh: BinaryIO) -> None:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                # a fixed time stamp: the same sources always build the same bytes, so the
                # shipped add-in can be checked against a fresh build
                info = zipfile.ZipInfo(name, date_time=_PART_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)

    write_addin_file(path, write)
    return path


def shipped_addin() -> Path:
    """The built ``ipsxl.xlam`` that ships with ipsxl, beside the sources it is built from.

    Installing copies it, so a PC needs no VBA compiler (ms-ovba); the tests check that it is
    exactly what ``build_addin`` makes of the sources.
    """
    path = macros_dir() / ADDIN_NAME
    if not path.is_file():
        raise AddinError(
            f"{path} is missing; build it with: ipsxl addin build --out {path} "
            "(needs pip install 'ipsxl[addin]')"
        )
    return path


def write_addin_file(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write ``path`` under a temporary name beside it and move it into place
    (``safefiles.replacing``), so a failed write never leaves a broken add-in where Excel would
    load it. A new file gets the permissions the umask gives an ordinary file (0644 under the
    usual 022): an add-in in a shared start-up folder must be readable by whoever starts Excel.
    """
    try:
        with replacing(path) as fh:
            write(fh)
    except PermissionError as exc:
        if not path.exists():
            raise
        raise AddinError(
            f"cannot replace {path}: it is probably open in Excel. Quit Excel and try again."
        ) from exc


def compile_vba_project(modules: list[Path]) -> bytes:
    """Compile ``.bas`` standard modules into the bytes of a ``vbaProject.bin``.

    The project holds the source only (no compiled p-code cache, which MS-OVBA allows); Excel
    compiles it when the add-in is first loaded. Each module is named after its file, so a
    ``.bas`` file's ``Attribute VB_Name`` must match its file name.
    """
    try:
        from ms_ovba.Models.Entities.doc_module import DocModule
        from ms_ovba.Models.Entities.reference import Reference
        from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
        from ms_ovba.Models.Entities.std_module import StdModule
        from ms_ovba.Models.Fields.libid_reference import LibidReference
        from ms_ovba.vbaProject import VbaProject
        from ms_ovba.Views.project_ole_file import ProjectOleFile
    except ImportError as exc:  # the optional "addin" extra
        raise AddinError("building the add-in needs ms-ovba: pip install 'ipsxl[addin]'") from exc

    for module in modules:
        _check_module_name(module)

    with (
        tempfile.TemporaryDirectory(prefix="ipsxl-vba-") as tmp,
        contextlib.chdir(tmp),
        _spec_copy_token_length(),
        _fixed_obfuscation_seed(),
    ):
        work = Path(tmp)
        project = VbaProject()
        project.project_id = _PROJECT_ID
        # what Excel always writes, though MS-OVBA makes it optional: the PROJECTwm stream (the
        # module names in Unicode), the VersionCompatible32 line and the [Workspace] section
        project.include_projectwm()
        project.add_attribute("VersionCompatible32", _VERSION_COMPATIBLE32)

        for name, guid in _DOC_MODULE_GUIDS.items():
            source = work / f"{name}.cls"
            source.write_text(_doc_module_source(name), encoding="ascii")
            doc = DocModule(name)
            doc.add_file(str(source))
            doc.add_guid(uuid.UUID(guid))
            doc.normalize_file()
            doc.add_workspace(*_CLOSED_WINDOW)
            project.add_module(doc)

        for module in modules:
            copy = work / module.name
            # ms-ovba reads in the locale's encoding and VBA stores cp1252; ASCII is safe in both
            copy.write_text(module.read_text(encoding="ascii"), encoding="ascii")
            std = StdModule(module.stem)
            std.add_file(str(copy))
            std.normalize_file()
            std.add_workspace(*_CLOSED_WINDOW)
            project.add_module(std)

        # stdole and the Office library, as in a new Excel project; IRibbonControl is in Office
        for libid, version, path, description, ref_name in (
            (
                "00020430-0000-0000-C000-000000000046",
                "2.0",
                r"C:\Windows\System32\stdole2.tlb",
                "OLE Automation",
                "stdole",
            ),
            (
                "2DF8D04C-5BFA-101B-BDE5-00AA0044DE52",
                "2.0",
                r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
                "Microsoft Office 16.0 Object Library",
                "Office",
            ),
        ):
            library = LibidReference(uuid.UUID(libid), version, "0", path, description)
            project.add_reference(Reference(ReferenceRegistered(library), ref_name))

        streams = ProjectOleFile._build_ole_directory(project)  # writes each stream's file
        with open(work / "project.bin", "ab") as project_stream:
            project_stream.write(b"\r\n")  # Excel ends PROJECT with a blank line
        ProjectOleFile._write_ole_file(streams)
        return (work / "vbaProject.bin").read_bytes()


@contextlib.contextmanager
def _spec_copy_token_length() -> Iterator[None]:
    """Make ms-ovba's compressor respect the longest match a copy token can hold.

    ms-ovba-compression 1.0.1 computes that maximum as ``0xFFFF << (bit_count + 3)`` instead of
    ``(0xFFFF >> bit_count) + 3`` (MS-OVBA 2.4.1.3.19.1), so a repeat longer than a token can
    encode spills into the token's offset bits and Excel reads back garbled source (our module
    has such repeats: one near-identical Sub per button). The specified value is swapped in for
    the duration of a build; it is correct for any version, fixed or not.
    """
    from ms_ovba_compression.ms_ovba import MsOvba

    original = MsOvba.__dict__["copytoken_help"]

    def copytoken_help(difference: int) -> dict:
        help = original.__func__(difference)
        help["maxLength"] = (0xFFFF >> help["bitCount"]) + 3
        return help

    MsOvba.copytoken_help = staticmethod(copytoken_help)
    try:
        yield
    finally:
        MsOvba.copytoken_help = original


@contextlib.contextmanager
def _fixed_obfuscation_seed() -> Iterator[None]:
    """Draw the random bytes that obscure PROJECT's CMG, DPB and GC values (MS-OVBA 2.4.3)
    from a fixed seed, so the same sources always build the same add-in, byte for byte."""
    from ms_ovba_crypto import ms_ovba_crypto

    original = ms_ovba_crypto.random
    ms_ovba_crypto.random = random.Random(_PROJECT_ID)
    try:
        yield
    finally:
        ms_ovba_crypto.random = original


def _check_module_name(module: Path) -> None:
    """Refuse a module whose VB_Name differs from its file name (ms-ovba names it by file)."""
    try:
        text = module.read_text(encoding="ascii")
    except UnicodeDecodeError as exc:
        raise AddinError(f"{module}: VBA sources must be plain ASCII") from exc
    first = text.splitlines()[0].strip() if text.strip() else ""
    if first != f'Attribute VB_Name = "{module.stem}"':
        raise AddinError(
            f'{module}: the first line must be Attribute VB_Name = "{module.stem}" '
            "(the module is named after its file)"
        )


def _doc_module_source(name: str) -> str:
    # the layout VBE exports a document module in; ms-ovba's DocModule skips the four header lines
    return (
        "VERSION 1.0 CLASS\n"
        "BEGIN\n"
        "  MultiUse = -1  'True\n"
        "END\n"
        f'Attribute VB_Name = "{name}"\n'
        "Attribute VB_GlobalNameSpace = False\n"
        "Attribute VB_Creatable = False\n"
        "Attribute VB_PredeclaredId = True\n"
        "Attribute VB_Exposed = True\n"
    )


def _ribbon_part(ribbon: bytes) -> tuple[str, str]:
    """Part name and relationship type for the ribbon XML, chosen by its namespace."""
    from lxml import etree

    try:
        root = etree.fromstring(ribbon)
    except etree.XMLSyntaxError as exc:
        raise AddinError(f"{RIBBON_SOURCE} is not well-formed XML: {exc}") from exc
    namespace = etree.QName(root).namespace
    if etree.QName(root).localname != "customUI" or namespace not in RIBBON_PARTS:
        raise AddinError(
            f"{RIBBON_SOURCE} must have a customUI root in namespace "
            f"{CUSTOMUI_NS_2009} (or {CUSTOMUI_NS_2006})"
        )
    return RIBBON_PARTS[namespace]


def _content_types() -> str:
    openxml = "application/vnd.openxmlformats-officedocument"
    overrides = {
        "/xl/workbook.xml": ADDIN_CONTENT_TYPE,
        "/xl/worksheets/sheet1.xml": f"{openxml}.spreadsheetml.worksheet+xml",
        "/xl/styles.xml": f"{openxml}.spreadsheetml.styles+xml",
        "/xl/vbaProject.bin": VBA_CONTENT_TYPE,
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": f"{openxml}.extended-properties+xml",
    }
    return (
        _XML_DECL
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + '<Default Extension="rels" '
        + 'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        + '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Override PartName="{part}" ContentType="{ctype}"/>'
            for part, ctype in overrides.items()
        )
        + "</Types>"
    )


def _root_rels(ribbon_part: str, ribbon_rel: str) -> str:
    rels = (
        ("rId1", OFFICE_DOCUMENT_RELATIONSHIP, "xl/workbook.xml"),
        (
            "rId2",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
            "docProps/core.xml",
        ),
        (
            "rId3",
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
            "extended-properties",
            "docProps/app.xml",
        ),
        ("rId4", ribbon_rel, ribbon_part),
    )
    return _relationships(rels)


def _relationships(rels: tuple[tuple[str, str, str], ...]) -> str:
    return (
        _XML_DECL
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{p}"/>' for i, t, p in rels)
        + "</Relationships>"
    )


_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# The add-in's one sheet is never shown (an add-in's window is hidden); it says what the file is
# for anyone who opens it with something other than Excel.
_WORKBOOK_XML = (
    _XML_DECL
    + f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
    + f'<workbookPr codeName="{WORKBOOK_CODENAME}"/>'
    + '<bookViews><workbookView visibility="hidden"/></bookViews>'
    + '<sheets><sheet name="ipsxl" sheetId="1" r:id="rId1"/></sheets>'
    + "</workbook>"
)
_WORKBOOK_RELS = _relationships(
    (
        (
            "rId1",
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet",
            "worksheets/sheet1.xml",
        ),
        (
            "rId2",
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles",
            "styles.xml",
        ),
        ("rId3", VBA_RELATIONSHIP, "vbaProject.bin"),
    )
)


def _inline_row(row: int, text: str) -> str:
    return f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{escape(text)}</t></is></c></row>'


_SHEET_XML = (
    _XML_DECL
    + f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
    + f'<sheetPr codeName="{SHEET_CODENAME}"/>'
    + "<sheetData>"
    + _inline_row(1, f"ipsxl {__version__} add-in: the IPS ribbon tab.")
    + _inline_row(2, "The buttons run ipsxl through the xlwings add-in; this sheet is unused.")
    + "</sheetData></worksheet>"
)
_STYLES_XML = (
    _XML_DECL
    + f'<styleSheet xmlns="{_MAIN_NS}">'
    + '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    + '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    + '<fill><patternFill patternType="gray125"/></fill></fills>'
    + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    + '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    + "</styleSheet>"
)
# Excel's Add-ins dialog shows the title and description of an add-in's file properties.
_CORE_XML = (
    _XML_DECL
    + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    + 'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    + "<dc:title>ipsxl: IPS workbook checks</dc:title>"
    + "<dc:description>Adds the IPS ribbon tab: validate an IPS supported-employment workbook, "
    + "score IPS-25 fidelity, clear flags, start a standard workbook.</dc:description>"
    + "<dc:creator>ipsxl</dc:creator>"
    + "</cp:coreProperties>"
)
_APP_XML = (
    _XML_DECL
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    + 'properties"><Application>Microsoft Excel</Application></Properties>'
)
