"""Building ipsxl.xlam without Excel, and installing it where Excel and xlwings look.

There is no Excel here, so the add-in is checked the way other tools see it: as an OPC package
(every part typed, every relationship resolving), as a workbook python-calamine can open, and as
a VBA project olevba can read the module source back from.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlwings
import xlwings.utils
from lxml import etree

from ipsxl.addin.build import (
    ADDIN_CONTENT_TYPE,
    ADDIN_NAME,
    CUSTOMUI_NS_2006,
    OFFICE_DOCUMENT_RELATIONSHIP,
    RIBBON_PARTS,
    RIBBON_SOURCE,
    SHEET_CODENAME,
    UDF_CONFIG_KEY,
    UDF_MODULE,
    VBA_CONTENT_TYPE,
    VBA_RELATIONSHIP,
    WORKBOOK_CODENAME,
    AddinError,
    build_addin,
    macros_dir,
    shipped_addin,
    vba_sources,
)
from ipsxl.addin.install import (
    configure_xlwings,
    default_addin_dir,
    default_config_file,
    install_addin,
)

olevba = pytest.importorskip("oletools.olevba")
olefile = pytest.importorskip("olefile")
python_calamine = pytest.importorskip("python_calamine")

CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# Add-ins Excel itself saved, shipped inside the xlwings package: what "as Excel writes it" means.
EXCEL_MADE = [
    Path(xlwings.__file__).parent / "addin" / "xlwings.xlam",
    Path(xlwings.__file__).parent / "quickstart_addin.xlam",
]


@pytest.fixture(scope="module")
def xlam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_addin(tmp_path_factory.mktemp("build"))


def relationships(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    """(type, target part name) of each relationship of ``part`` ("" for the package)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    root = etree.fromstring(archive.read(rels))
    return [
        (rel.get("Type"), posixpath.normpath(posixpath.join(folder, rel.get("Target"))))
        for rel in root.iter(f"{REL_NS}Relationship")
    ]


def content_types(archive: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    root = etree.fromstring(archive.read("[Content_Types].xml"))
    defaults = {
        d.get("Extension").lower(): d.get("ContentType") for d in root.iter(f"{CT_NS}Default")
    }
    overrides = {o.get("PartName"): o.get("ContentType") for o in root.iter(f"{CT_NS}Override")}
    return defaults, overrides


def vba_modules(path: Path) -> dict[str, str]:
    """Module name -> source text, as olevba reads them out of the file."""
    parser = olevba.VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        return {stream.rpartition("/")[2]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def lines(text: str) -> list[str]:
    """Text split into lines, so CRLF (as VBA stores it) and LF (as git may) compare equal."""
    return text.splitlines()


# --------------------------------------------------------------------------- build


def test_build_writes_ipsxl_xlam_into_a_folder_or_to_a_file(tmp_path: Path) -> None:
    assert build_addin(tmp_path / "dir") == tmp_path / "dir" / ADDIN_NAME
    assert build_addin(tmp_path / "other.xlam") == tmp_path / "other.xlam"
    assert zipfile.is_zipfile(tmp_path / "dir" / ADDIN_NAME)
    assert zipfile.is_zipfile(tmp_path / "other.xlam")


def test_package_is_a_macro_enabled_addin(xlam: Path) -> None:
    with zipfile.ZipFile(xlam) as archive:
        assert archive.testzip() is None
        (workbook,) = [
            target
            for kind, target in relationships(archive, "")
            if kind == OFFICE_DOCUMENT_RELATIONSHIP
        ]
        _, overrides = content_types(archive)
        assert overrides["/" + workbook] == ADDIN_CONTENT_TYPE


def test_every_part_has_a_content_type_and_every_relationship_resolves(xlam: Path) -> None:
    with zipfile.ZipFile(xlam) as archive:
        names = set(archive.namelist())
        defaults, overrides = content_types(archive)
        for name in names - {"[Content_Types].xml"}:
            extension = name.rpartition(".")[2].lower()
            assert "/" + name in overrides or extension in defaults, f"{name} has no content type"
        for part in overrides:
            assert part.lstrip("/") in names, f"content type for missing part {part}"
        for rels in (n for n in names if n.endswith(".rels")):
            source = posixpath.join(
                posixpath.dirname(posixpath.dirname(rels)),
                posixpath.basename(rels)[: -len(".rels")],
            )
            for _, target in relationships(archive, source):
                assert target in names, f"{rels} points at missing {target}"


def test_ribbon_part_is_the_macros_ribbon_behind_the_root_relationship(xlam: Path) -> None:
    source = (macros_dir() / RIBBON_SOURCE).read_bytes()
    namespace = etree.QName(etree.fromstring(source)).namespace
    part, relationship = RIBBON_PARTS[namespace]
    with zipfile.ZipFile(xlam) as archive:
        assert (relationship, part) in relationships(archive, "")
        assert archive.read(part) == source


def test_workbook_links_the_vba_project(xlam: Path) -> None:
    with zipfile.ZipFile(xlam) as archive:
        targets = [
            t for kind, t in relationships(archive, "xl/workbook.xml") if kind == VBA_RELATIONSHIP
        ]
        assert targets == ["xl/vbaProject.bin"]
        assert content_types(archive)[1]["/xl/vbaProject.bin"] == VBA_CONTENT_TYPE
        assert archive.read("xl/vbaProject.bin").startswith(bytes.fromhex("d0cf11e0a1b11ae1"))


def test_calamine_opens_the_addin_as_a_workbook(xlam: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(xlam))
    assert len(book.sheet_names) == 1
    cells = book.get_sheet_by_index(0).to_python()
    assert any("ipsxl" in str(value) for row in cells for value in row)


def test_vba_source_reads_back_equal_to_the_bas_files(xlam: Path) -> None:
    modules = vba_modules(xlam)
    sources = vba_sources(macros_dir())
    assert sources
    for source in sources:
        assert source.stem in modules, f"{source.stem} missing from vbaProject.bin"
        assert lines(modules[source.stem]) == lines(source.read_text(encoding="ascii"))


def test_long_repetitive_module_reads_back_intact(tmp_path: Path) -> None:
    # VBA compresses source in 4096-byte chunks of copy tokens; many near-identical Subs make
    # long repeats and several chunks, where a wrong token length would garble the source
    sources = copy_sources(tmp_path)
    body = "".join(
        f"Public Sub Button{i}(control As IRibbonControl)\n"
        f'    RunIpsxl "import ipsxl.excel; ipsxl.excel.function_{i}()"\n'
        "End Sub\n\n"
        for i in range(150)
    )
    text = 'Attribute VB_Name = "Long"\nOption Explicit\n' + " " * 300 + "\n" + body
    (sources / "Long.bas").write_text(text)
    assert len(text) > 3 * 4096
    modules = vba_modules(build_addin(tmp_path, source_dir=sources))
    assert lines(modules["Long"]) == lines(text)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_libreoffice_imports_the_vba_project(xlam: Path, tmp_path: Path) -> None:
    # A second reader of vbaProject.bin, independent of olevba. LibreOffice opens no .xlam (not
    # even one saved by Excel), so it is offered the same parts typed as a macro workbook.
    probe = tmp_path / "probe.xlsm"
    with zipfile.ZipFile(xlam) as source, zipfile.ZipFile(probe, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(
                    ADDIN_CONTENT_TYPE.encode(),
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            target.writestr(name, data)
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [shutil.which("soffice"), f"-env:UserInstallation={profile}", "--headless"]
        + ["--convert-to", "ods", "--outdir", str(tmp_path), str(probe)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    with zipfile.ZipFile(tmp_path / "probe.ods") as ods:
        for source in vba_sources(macros_dir()):
            module = etree.fromstring(ods.read(f"Basic/VBAProject/{source.stem}.xml"))
            # LibreOffice turns the Attribute line into two lines of its own
            imported = lines(module.text)[2:]
            expected = lines(source.read_text(encoding="ascii"))[1:]
            assert imported[: len(expected)] == expected
            assert not any(line.strip() for line in imported[len(expected) :])
        for name in (WORKBOOK_CODENAME, SHEET_CODENAME):
            module = etree.fromstring(ods.read(f"Basic/VBAProject/{name}.xml"))
            assert module.get("{http://openoffice.org/2000/script}moduleType") == "document"


def test_document_modules_match_the_workbook_code_names(xlam: Path) -> None:
    # Excel ties ThisWorkbook and each sheet to a document module by codeName
    modules = vba_modules(xlam)
    with zipfile.ZipFile(xlam) as archive:
        workbook = etree.fromstring(archive.read("xl/workbook.xml"))
        code_names = [workbook.find(f"{MAIN_NS}workbookPr").get("codeName")]
        for _, target in relationships(archive, "xl/workbook.xml"):
            if target.startswith("xl/worksheets/"):
                sheet = etree.fromstring(archive.read(target))
                code_names.append(sheet.find(f"{MAIN_NS}sheetPr").get("codeName"))
    for name in code_names:
        assert name in modules
        assert f'Attribute VB_Name = "{name}"' in modules[name]


def test_build_leaves_no_files_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ms-ovba writes scratch files into the working directory and next to its sources
    sources_before = sorted(os.listdir(macros_dir()))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    out = tmp_path / "out"
    build_addin(out)
    build_addin(out)  # rebuilding replaces the add-in
    assert os.listdir(cwd) == []
    assert os.listdir(out) == [ADDIN_NAME]
    assert Path.cwd() == cwd
    assert sorted(os.listdir(macros_dir())) == sources_before


def copy_sources(tmp_path: Path) -> Path:
    sources = tmp_path / "src"
    shutil.copytree(macros_dir(), sources)
    return sources


def test_module_named_differently_from_its_file_is_refused(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path)
    (sources / "Extra.bas").write_text('Attribute VB_Name = "Other"\nSub X()\nEnd Sub\n')
    with pytest.raises(AddinError, match="VB_Name"):
        build_addin(tmp_path / "out", source_dir=sources)
    assert not (tmp_path / "out" / ADDIN_NAME).exists()


def test_ribbon_outside_the_customui_namespace_is_refused(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path)
    (sources / RIBBON_SOURCE).write_text('<customUI xmlns="urn:not-office"/>')
    with pytest.raises(AddinError, match="namespace"):
        build_addin(tmp_path / "out", source_dir=sources)


def test_2006_ribbon_is_stored_as_customui_xml(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path)
    ribbon = sources / RIBBON_SOURCE
    text = re.sub(r'xmlns="[^"]+"', f'xmlns="{CUSTOMUI_NS_2006}"', ribbon.read_text(), count=1)
    ribbon.write_text(text)
    with zipfile.ZipFile(build_addin(tmp_path, source_dir=sources)) as archive:
        assert (RIBBON_PARTS[CUSTOMUI_NS_2006][1], "customUI/customUI.xml") in relationships(
            archive, ""
        )


# --------------------------------------------------------------------------- install


@pytest.fixture
def user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file xlwings itself reads, so the test reads it back the way xlwings does."""
    path = tmp_path / "home" / ".xlwings" / "xlwings.conf"
    monkeypatch.setattr(xlwings, "USER_CONFIG_FILE", str(path))
    return path


def test_config_key_is_the_one_the_xlwings_addin_reads() -> None:
    main = (Path(xlwings.__file__).parent / "addin" / "Main.bas").read_text(errors="replace")
    udf_modules = re.search(r"Function GetUdfModules.*?GetConfig\(\"([^\"]+)\"\)", main, re.DOTALL)
    assert udf_modules and udf_modules.group(1) == UDF_CONFIG_KEY


def test_install_copies_the_addin_and_configures_xlwings(tmp_path: Path, user_config: Path) -> None:
    startup = tmp_path / "XLSTART"
    result = install_addin(startup, config_file=user_config, interpreter="/opt/py/bin/python")
    assert result.addin == startup / ADDIN_NAME
    assert "ipsxl" in vba_modules(result.addin)
    settings = xlwings.utils.read_user_config()
    assert settings[UDF_CONFIG_KEY.lower()] == UDF_MODULE
    assert "/opt/py/bin/python" in settings.values()
    assert str(result.addin) in result.summary()
    assert UDF_CONFIG_KEY in result.summary()


def test_install_copies_a_given_addin(tmp_path: Path, xlam: Path, user_config: Path) -> None:
    result = install_addin(tmp_path / "XLSTART", addin=xlam, config_file=user_config)
    assert result.addin.read_bytes() == xlam.read_bytes()


def test_install_keeps_other_config_lines(tmp_path: Path, user_config: Path) -> None:
    other = [
        b'"PYTHONPATH","C:\\work\\a,b"\r\n',
        b"\r\n",
        b'"INTERPRETER_WIN","C:\\Python\\pythonw.exe"\r\n',
        b'"INTERPRETER_MAC","/usr/local/bin/python3"\r\n',
        b'"Show Console","True"\r\n',
    ]
    user_config.parent.mkdir(parents=True)
    user_config.write_bytes(b"".join([other[0], b'"udf modules","mymodule"\r\n', *other[1:]]))

    result = install_addin(tmp_path / "XLSTART", config_file=user_config)

    written = user_config.read_bytes().splitlines(keepends=True)
    assert [line for line in written if b"UDF" not in line.upper()] == other
    assert read_udf_modules() == ["mymodule", UDF_MODULE]
    assert xlwings.utils.read_user_config()["interpreter_win"] == "C:\\Python\\pythonw.exe"
    assert len(result.config_changes) == 1

    again = install_addin(tmp_path / "XLSTART", config_file=user_config)
    assert again.config_changes == ()
    assert user_config.read_bytes().splitlines(keepends=True) == written


def read_udf_modules() -> list[str]:
    return xlwings.utils.read_user_config()[UDF_CONFIG_KEY.lower()].split(";")


def test_duplicate_key_lines_collapse_to_one(tmp_path: Path) -> None:
    # xlwings' VBA takes the first line of a key and its Python the last: keep only one
    config = tmp_path / "xlwings.conf"
    config.write_text('"UDF MODULES","a"\n"X","1"\n"UDF MODULES","b"\n')
    configure_xlwings(config, interpreter="python", platform="win32")
    assert config.read_text().splitlines() == [
        f'"UDF MODULES","a;{UDF_MODULE}"',
        '"X","1"',
        '"INTERPRETER_WIN","python"',
    ]


def test_config_without_final_newline_gets_a_new_line(tmp_path: Path) -> None:
    config = tmp_path / "xlwings.conf"
    config.write_text('"INTERPRETER_MAC","/usr/bin/python3"')
    configure_xlwings(config, platform="darwin")
    assert config.read_text().splitlines() == [
        '"INTERPRETER_MAC","/usr/bin/python3"',
        f'"{UDF_CONFIG_KEY}","{UDF_MODULE}"',
    ]


def test_install_without_a_folder_needs_excel(
    tmp_path: Path, user_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    with pytest.raises(AddinError, match="folder"):
        install_addin(config_file=user_config)
    assert not user_config.exists()


def test_default_folder_is_the_users_excel_startup_folder(tmp_path: Path) -> None:
    windows = default_addin_dir("win32", tmp_path, {"APPDATA": str(tmp_path / "Roaming")})
    assert windows == tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    mac = default_addin_dir("darwin", tmp_path, {})
    assert mac is not None and mac.parts[-1] == "Excel" and "UBF8T346G9.Office" in mac.parts
    assert mac.is_relative_to(tmp_path / "Library")
    assert default_addin_dir("linux", tmp_path, {}) is None


def test_default_config_file_is_xlwings_own(user_config: Path) -> None:
    assert default_config_file() == user_config


# --------------------------------------------------------------------------- as Excel writes it


def vba_storage(path: Path) -> olefile.OleFileIO:
    with zipfile.ZipFile(path) as archive:
        return olefile.OleFileIO(io.BytesIO(archive.read("xl/vbaProject.bin")))


def project_text(path: Path) -> str:
    return vba_storage(path).openstream("PROJECT").read().decode("cp1252")


def project_layout(text: str) -> list[str]:
    """What each line of a PROJECT stream is, names and values left out, runs of one kind
    (the module lines, the window lines) as one."""
    kinds: list[str] = []
    section = ""
    for line in text.split("\r\n"):
        if line.startswith("["):
            section = kind = line
        elif not line:
            kind = "blank"
        elif section == "[Workspace]":
            kind = "window"
        else:
            key = line.split("=")[0]
            kind = "module" if key in ("Document", "Module", "Class") else key
            if key.startswith("&H"):
                kind = "host extender"
        if not kinds or kinds[-1] != kind:
            kinds.append(kind)
    return kinds


def project_modules(text: str) -> list[str]:
    """The module names PROJECT lists, in order (a document module's name before its "/")."""
    names = []
    for line in text.split("\r\n"):
        key, _, value = line.partition("=")
        if key in ("Document", "Module", "Class"):
            names.append(value.split("/")[0])
    return names


def test_project_stream_is_laid_out_as_excel_lays_it_out(xlam: Path) -> None:
    ours = project_text(xlam)
    for made in EXCEL_MADE:
        assert project_layout(ours) == project_layout(project_text(made)), made.name
    assert ours.endswith("\r\n\r\n")  # Excel ends the stream with a blank line


def test_project_stream_has_the_version_line_excel_writes(xlam: Path) -> None:
    def version_line(text: str) -> list[str]:
        return [line for line in text.split("\r\n") if line.startswith("VersionCompatible32=")]

    assert version_line(project_text(xlam)) == version_line(project_text(EXCEL_MADE[0]))
    assert version_line(project_text(xlam)) == ['VersionCompatible32="393222000"']


def test_workspace_lists_every_module_with_its_window_closed(xlam: Path) -> None:
    text = project_text(xlam)
    workspace = text.split("[Workspace]\r\n")[1].strip("\r\n").split("\r\n")
    windows = dict(line.split("=") for line in workspace)
    assert list(windows) == project_modules(text)
    assert set(windows.values()) == {"0, 0, 0, 0, C"}
    assert set(project_modules(text)) == {WORKBOOK_CODENAME, SHEET_CODENAME, "ipsxl"}


def test_projectwm_names_every_module_in_both_encodings(xlam: Path) -> None:
    storage = vba_storage(xlam)
    assert storage.exists("PROJECTwm")
    data = storage.openstream("PROJECTwm").read()
    names = []
    while not data.startswith(b"\x00\x00"):
        mbcs, data = data.split(b"\x00", 1)
        end = next(i for i in range(0, len(data), 2) if data[i : i + 2] == b"\x00\x00")
        assert data[:end].decode("utf-16-le") == mbcs.decode("cp1252")
        names.append(mbcs.decode("cp1252"))
        data = data[end + 2 :]
    assert data == b"\x00\x00"
    assert names == project_modules(project_text(xlam))


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_addin_is_written_with_the_permissions_the_umask_gives(
    tmp_path: Path, user_config: Path, umask: int
) -> None:
    # a temporary file is made private (0600); the add-in is an ordinary file others may read
    previous = os.umask(umask)
    try:
        built = build_addin(tmp_path / "built")
        installed = install_addin(tmp_path / "XLSTART", config_file=user_config).addin
    finally:
        os.umask(previous)
    for path in (built, installed):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path


# --------------------------------------------------------------------------- the shipped add-in


def zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_two_builds_are_identical(tmp_path: Path) -> None:
    first = build_addin(tmp_path / "a")
    second = build_addin(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()


def test_shipped_addin_is_what_macros_builds(tmp_path: Path) -> None:
    # ipsxl ships a built ipsxl.xlam so that installing needs no VBA compiler; it must be
    # exactly what the sources in macros/ build to
    rebuilt = build_addin(tmp_path)
    shipped = shipped_addin()
    stale = "out of date: rebuild it with  ipsxl addin build --out macros/ipsxl.xlam"
    assert zip_parts(shipped) == zip_parts(rebuilt), f"{shipped} is {stale}"
    assert vba_modules(shipped) == vba_modules(rebuilt)
    assert shipped.read_bytes() == rebuilt.read_bytes(), f"{shipped} is {stale}"


def without_ms_ovba(monkeypatch: pytest.MonkeyPatch) -> None:
    """ms-ovba and its parts made unimportable, loaded already or not."""
    for name in [*sys.modules, "ms_ovba", "ms_ovba_compression", "ms_cfb"]:
        if name.split(".")[0] in ("ms_ovba", "ms_ovba_compression", "ms_cfb"):
            monkeypatch.setitem(sys.modules, name, None)


def test_install_needs_no_vba_compiler(
    tmp_path: Path, user_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_ms_ovba(monkeypatch)  # as on a PC with a plain pip install
    result = install_addin(tmp_path / "XLSTART", config_file=user_config)
    assert result.addin.read_bytes() == shipped_addin().read_bytes()
    assert "ipsxl" in vba_modules(result.addin)


def test_building_without_ms_ovba_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_ms_ovba(monkeypatch)
    with pytest.raises(AddinError, match=r"ipsxl\[addin\]"):
        build_addin(tmp_path)
