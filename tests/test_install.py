"""ipsxl as IT installs it: a plain ``pip install`` of the checkout's wheel (no extras) into a
fresh environment, then ``ipsxl addin install``, run as the commands a person types.

Downloading pandas, numpy and lxml again for every run would take minutes, so the fresh
environment borrows the already-installed dependencies of the running one through a path file,
leaving out ipsxl itself and the VBA compiler ms-ovba (a test extra a supervisor's PC never has).
pip still resolves and checks every dependency ipsxl declares, and installs ipsxl itself from the
wheel pip built from the checkout (once per session, tests/checkout_wheel.py, as
``pip install .`` builds one first). The wheel is also checked for what xlwings Lite (Pyodide)
needs: pure Python, and no python-calamine on emscripten.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import sysconfig
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from checkout_wheel import built_wheel

from ipsxl.addin.build import ADDIN_NAME, UDF_MODULE, shipped_addin

packaging_markers = pytest.importorskip("packaging.requirements")
olevba = pytest.importorskip("oletools.olevba")

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# What a supervisor's PC never has: ipsxl (it is installed fresh) and the VBA compiler.
NOT_BORROWED = ("ipsxl", "__editable__", "ms_ovba", "ms-ovba", "ms_cfb", "ms-cfb", "ms_dtyp")
# What micropip in Pyodide (xlwings Lite) evaluates markers with.
EMSCRIPTEN = {"sys_platform": "emscripten", "platform_system": "Emscripten"}


def run(*args: object, **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_wheel(tmp_path_factory)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A new environment where the checkout's wheel was installed by pip (no extras); its bin
    folder."""
    base = tmp_path_factory.mktemp("fresh")
    env = base / "env"
    venv.create(env, with_pip=False)
    scripts = Path(sysconfig.get_path("scripts", vars={"base": env, "platbase": env}))
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    site = Path(sysconfig.get_path("purelib", vars={"base": env, "platbase": env}))

    borrowed = base / "borrowed"
    borrowed.mkdir()
    for entry in Path(sysconfig.get_path("purelib")).iterdir():
        if not entry.name.lower().startswith(NOT_BORROWED):
            (borrowed / entry.name).symlink_to(entry)
    (site / "borrowed-dependencies.pth").write_text(f"{borrowed}\n")

    done = run(sys.executable, "-m", "pip", "--python", python, "install", "-q", wheel)
    assert done.returncode == 0, done.stderr
    return scripts


def test_plain_install_has_ipsxl_and_no_vba_compiler(fresh: Path) -> None:
    code = (
        "import importlib.util, ipsxl; print(ipsxl.__file__); "
        "print(importlib.util.find_spec('ms_ovba') is None)"
    )
    done = run(fresh / "python", "-c", code)
    where, no_compiler = done.stdout.split()
    assert Path(where).is_relative_to(fresh.parent), "ipsxl must come from the fresh install"
    assert no_compiler == "True"


def test_addin_install_from_a_plain_install_gives_a_working_addin(
    fresh: Path, tmp_path: Path
) -> None:
    startup, config = tmp_path / "XLSTART", tmp_path / "home" / ".xlwings" / "xlwings.conf"
    done = run(fresh / "ipsxl", "addin", "install", "--dir", startup, "--config", config)
    assert done.returncode == 0, done.stderr
    installed = startup / ADDIN_NAME
    assert str(installed) in done.stdout

    assert installed.read_bytes() == shipped_addin().read_bytes()
    parser = olevba.VBA_Parser(str(installed))
    try:
        modules = {s.rpartition("/")[2]: code for _, s, _, code in parser.extract_macros()}
    finally:
        parser.close()
    bas = (ROOT / "macros" / "ipsxl.bas").read_text(encoding="ascii")
    assert modules["ipsxl"].splitlines() == bas.splitlines()

    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(installed.stat().st_mode) == 0o666 & ~umask

    settings = config.read_text()
    assert f'"UDF MODULES","{UDF_MODULE}"' in settings
    assert str(fresh / "python") in settings  # the Python that has ipsxl


def test_wheel_is_pure_python_and_leaves_calamine_out_on_emscripten(wheel: Path) -> None:
    assert wheel.name.endswith("-py3-none-any.whl")

    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(archive.read(metadata).decode())
    assert f"ipsxl/macros/{ADDIN_NAME}" in names

    requirements = [packaging_markers.Requirement(r) for r in message.get_all("Requires-Dist")]

    def needed(environment: dict[str, str]) -> set[str]:
        return {
            r.name.lower()
            for r in requirements
            if r.marker is None or r.marker.evaluate({**environment, "extra": ""})
        }

    on_pyodide = needed(EMSCRIPTEN)
    assert "python-calamine" not in on_pyodide
    assert {"pandas", "xlwings", "openpyxl", "click", "lxml"} <= on_pyodide
    for platform, system in (("win32", "Windows"), ("darwin", "Darwin"), ("linux", "Linux")):
        assert "python-calamine" in needed({"sys_platform": platform, "platform_system": system})
