"""Is a PC ready for the IPS tab? ``ipsxl addin status``, and the checks ``ipsxl addin install``
ends with, on a fake home folder laid out as xlwings and Excel lay out a real one.

The xlwings add-in is installed the way ``xlwings addin install`` installs it (a copy of the
add-in in the xlwings package, see xlwings/cli.py) and, for macOS, the AppleScript by xlwings' own
``runpython_install``. An xlwings add-in of another version is built with ipsxl's add-in builder
from a module that declares that version, as xlwings' release add-in does.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

import pytest
import xlwings
import xlwings.cli
from click.testing import CliRunner

from ipsxl.addin import status as addin_check
from ipsxl.addin.build import (
    ADDIN_NAME,
    RIBBON_SOURCE,
    UDF_CONFIG_KEY,
    UDF_MODULE,
    build_addin,
    macros_dir,
    shipped_addin,
)
from ipsxl.addin.install import default_addin_dir, install_addin
from ipsxl.addin.status import (
    XLWINGS_ADDIN,
    check_setup,
    module_sources,
    xlwings_addin_version,
    xlwings_config_file,
)
from ipsxl.cli import main

PIP_XLWINGS_ADDIN = Path(xlwings.__file__).parent / "addin" / XLWINGS_ADDIN


def xlwings_addin_install(startup: Path, addin: Path = PIP_XLWINGS_ADDIN) -> None:
    """What ``xlwings addin install`` does to the start-up folder: copy the add-in there."""
    startup.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(addin, startup / XLWINGS_ADDIN)


def xlwings_addin_of_version(version: str, folder: Path) -> Path:
    """An add-in whose VBA declares ``XLWINGS_VERSION`` as ``version``, as xlwings' does."""
    pytest.importorskip("ms_ovba")
    sources = folder / "sources"
    sources.mkdir(parents=True)
    shutil.copy(macros_dir() / RIBBON_SOURCE, sources)
    (sources / "Main.bas").write_text(
        'Attribute VB_Name = "Main"\n'
        f'Public Const XLWINGS_VERSION As String = "{version}"\n'
        "Sub RunPython(PythonCommand As String)\nEnd Sub\n"
    )
    return build_addin(folder / XLWINGS_ADDIN, source_dir=sources)


@pytest.fixture
def mac(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home folder of a Mac user; HOME points at it (xlwings' commands use ~)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


def mac_startup(home: Path) -> Path:
    folder = default_addin_dir("darwin", home, {})
    assert folder is not None
    return folder


def set_up_mac(home: Path) -> list:
    """The README's steps on a Mac: xlwings addin install (which also installs the
    AppleScript), then ipsxl addin install; what install reported."""
    startup = mac_startup(home)
    xlwings_addin_install(startup)
    xlwings.cli.runpython_install(None)
    config = xlwings_config_file("darwin", home)
    return install_addin(startup, config_file=config, platform="darwin", home=home)


def by_name(checks: list) -> dict:
    return {check.name: check for check in checks}


# --------------------------------------------------------------------------- reading add-ins


def test_reads_the_version_of_the_excel_made_xlwings_addin() -> None:
    assert xlwings_addin_version(PIP_XLWINGS_ADDIN) == xlwings.__version__


def test_reads_back_the_source_of_ipsxls_own_addin() -> None:
    sources = module_sources(shipped_addin())
    bas = (macros_dir() / "ipsxl.bas").read_text(encoding="ascii")
    assert sources["ipsxl"].splitlines() == bas.splitlines()


def test_a_file_that_is_not_an_addin_has_no_version(tmp_path: Path) -> None:
    broken = tmp_path / XLWINGS_ADDIN
    broken.write_bytes(b"PK\x03\x04 not really")
    assert xlwings_addin_version(broken) is None


def test_an_addin_with_damaged_vba_has_no_version(tmp_path: Path) -> None:
    damaged = tmp_path / XLWINGS_ADDIN
    with zipfile.ZipFile(PIP_XLWINGS_ADDIN) as source, zipfile.ZipFile(damaged, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/vbaProject.bin":
                data = data[:4096] + bytes(len(data) - 4096)  # everything after the header gone
            target.writestr(name, data)
    assert xlwings_addin_version(damaged) is None


def test_config_file_is_where_xlwings_reads_it() -> None:
    assert xlwings_config_file(sys.platform, Path.home()) == Path(xlwings.USER_CONFIG_FILE)


# --------------------------------------------------------------------------- a Mac


def test_a_mac_set_up_as_the_readme_says_passes_every_check(mac: Path) -> None:
    result = set_up_mac(mac)
    assert result.problems == ()
    checks = check_setup(platform="darwin", home=mac)
    assert all(c.ok for c in checks), [c.line() for c in checks if not c.ok]
    found = by_name(checks)
    assert set(found) == {
        "xlwings add-in",
        "xlwings versions",
        "RunPython on macOS",
        "ipsxl add-in",
        "Python",
        "worksheet functions",
    }
    assert xlwings.__version__ in found["xlwings versions"].detail
    assert str(mac_startup(mac) / ADDIN_NAME) in found["ipsxl add-in"].detail


def test_a_mac_with_nothing_installed_gets_a_fix_for_each_check(mac: Path) -> None:
    checks = by_name(check_setup(platform="darwin", home=mac))
    assert not any(c.ok for c in checks.values())
    assert checks["xlwings add-in"].fix == "xlwings addin install"
    assert checks["RunPython on macOS"].fix == "xlwings runpython install"
    assert checks["ipsxl add-in"].fix == "ipsxl addin install"
    assert checks["worksheet functions"].fix == "ipsxl addin install"
    assert "ipsxl addin install" in checks["Python"].fix


def test_install_on_a_mac_with_another_xlwings_addin_says_what_fixes_it(
    mac: Path, tmp_path: Path
) -> None:
    older = xlwings_addin_of_version("0.30.0", tmp_path / "older")
    xlwings_addin_install(mac_startup(mac), older)
    xlwings.cli.runpython_install(None)
    result = install_addin(
        mac_startup(mac), config_file=xlwings_config_file("darwin", mac), platform="darwin"
    )
    assert (mac_startup(mac) / ADDIN_NAME).is_file()  # ipsxl's part is done all the same
    (problem,) = [c for c in result.problems if c.name == "xlwings versions"]
    assert "0.30.0" in problem.detail and xlwings.__version__ in problem.detail
    assert problem.fix.startswith("xlwings addin install")
    assert "xlwings addin install" in result.summary()

    xlwings_addin_install(mac_startup(mac))  # the fix
    assert by_name(check_setup(platform="darwin", home=mac))["xlwings versions"].ok


def test_runpython_needs_the_applescript_of_the_addins_version(mac: Path) -> None:
    set_up_mac(mac)
    scripts = mac / "Library" / "Application Scripts" / "com.microsoft.Excel"
    for script in scripts.glob("xlwings-*.applescript"):
        script.unlink()
    check = by_name(check_setup(platform="darwin", home=mac))["RunPython on macOS"]
    assert not check.ok
    assert f"xlwings-{xlwings.__version__}.applescript" in check.detail


def test_an_interpreter_that_is_gone_is_reported(mac: Path, tmp_path: Path) -> None:
    set_up_mac(mac)
    config = xlwings_config_file("darwin", mac)
    gone = tmp_path / "old-python" / "bin" / "python3"
    text = config.read_text()
    config.write_text(
        text.replace(f'"INTERPRETER_MAC","{sys.executable}"', f'"INTERPRETER_MAC","{gone}"')
    )
    check = by_name(check_setup(platform="darwin", home=mac))["Python"]
    assert not check.ok
    assert str(gone) in check.detail
    assert str(config) in check.fix


def test_an_interpreter_without_ipsxl_is_reported(mac: Path, tmp_path: Path) -> None:
    set_up_mac(mac)
    config = xlwings_config_file("darwin", mac)
    bare = shutil.which("python3")
    if bare is None or Path(bare).resolve() == Path(sys.executable).resolve():
        pytest.skip("needs a Python without ipsxl")
    text = config.read_text().replace(
        f'"INTERPRETER_MAC","{sys.executable}"', f'"INTERPRETER_MAC","{bare}"'
    )
    config.write_text(text)
    check = by_name(check_setup(platform="darwin", home=mac))["Python"]
    assert not check.ok
    assert "ipsxl" in check.detail


# --------------------------------------------------------------------------- the commands


def test_status_command_says_ok_or_what_to_run(tmp_path: Path) -> None:
    startup, config = tmp_path / "XLSTART", tmp_path / "xlwings.conf"
    runner = CliRunner()
    args = ["--dir", str(startup), "--config", str(config)]
    assert runner.invoke(main, ["addin", "install", *args]).exit_code == 0

    missing = runner.invoke(main, ["addin", "status", *args])
    assert missing.exit_code == 1
    assert "xlwings addin install" in missing.output

    xlwings_addin_install(startup)
    ready = runner.invoke(main, ["addin", "status", *args])
    assert ready.exit_code == 0, ready.output
    assert f'"{UDF_CONFIG_KEY}"' not in ready.output  # says it in words, not as a config line
    for word in (XLWINGS_ADDIN, ADDIN_NAME, UDF_MODULE, xlwings.__version__):
        assert word in ready.output


def test_status_reports_an_outdated_ipsxl_addin(tmp_path: Path) -> None:
    startup, config = tmp_path / "XLSTART", tmp_path / "xlwings.conf"
    install_addin(startup, config_file=config)
    xlwings_addin_install(startup)
    (startup / ADDIN_NAME).write_bytes(b"an older build")
    check = by_name(check_setup(startup, config))["ipsxl add-in"]
    assert not check.ok and check.fix == "ipsxl addin install"


def test_status_is_about_this_pcs_folders_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}

    def fake(startup=None, config_file=None, **kwargs):
        seen.update(startup=startup, config_file=config_file)
        return []

    monkeypatch.setattr(addin_check, "check_setup", fake)
    assert CliRunner().invoke(main, ["addin", "status"]).exit_code == 0
    assert seen == {"startup": None, "config_file": None}
