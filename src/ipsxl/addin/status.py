"""Is this PC ready for the IPS tab? What ``ipsxl addin status`` checks, and what
``ipsxl addin install`` checks once it has done its part.

The IPS buttons run through the xlwings add-in's RunPython, so the tab works only when every
piece is in place: the xlwings add-in in Excel's start-up folder, of the same version as the
xlwings pip installed (its VBA loads ``xlwings64-<version>.dll`` from the Python folder on
Windows and calls ``xlwings-<version>.applescript`` on macOS, both installed by pip's xlwings),
on macOS that AppleScript in the folder Excel may run scripts from, ``ipsxl.xlam`` beside the
xlwings add-in, and in the xlwings config file a Python that has ipsxl and ``ipsxl.udfs`` among
the UDF modules. Each check says what it found and, when something is missing, the command
that puts it right.

The xlwings add-in's version is read from its VBA source (``XLWINGS_VERSION``): the module
streams of ``vbaProject.bin`` are compressed as MS-OVBA 2.4.1 describes, and ``decompress``
undoes that.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ipsxl.addin.build import ADDIN_NAME, UDF_CONFIG_KEY, UDF_MODULE, AddinError, shipped_addin
from ipsxl.addin.install import default_addin_dir, read_config

XLWINGS_ADDIN = "xlwings.xlam"
XLWINGS_VERSION_RE = re.compile(r'XLWINGS_VERSION\s+As\s+String\s*=\s*"([^"]+)"', re.IGNORECASE)


@dataclass(frozen=True)
class Check:
    """One thing the IPS tab needs: whether it is there, what was found, and what fixes it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{'ok' if self.ok else 'NOT OK':6}  {self.name}: {self.detail}"
        if self.fix and not self.ok:
            text += f"\n        fix: {self.fix}"
        return text


def xlwings_config_file(platform: str | None = None, home: Path | None = None) -> Path:
    """Where xlwings and its add-in read the user's settings (``xlwings.USER_CONFIG_FILE``):
    inside Excel's sandbox on macOS, in ``~/.xlwings`` elsewhere."""
    platform = platform or sys.platform
    home = home or Path.home()
    if platform == "darwin":
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return home / ".xlwings" / "xlwings.conf"


def applescript_dir(home: Path | None = None) -> Path:
    """The one folder from which Excel for Mac may run AppleScripts (``xlwings runpython
    install`` copies xlwings' script there)."""
    return (home or Path.home()) / "Library" / "Application Scripts" / "com.microsoft.Excel"


def check_setup(
    startup: Path | None = None,
    config_file: Path | None = None,
    *,
    platform: str | None = None,
    home: Path | None = None,
) -> list[Check]:
    """Every check, for Excel's start-up folder ``startup`` and the xlwings config file
    ``config_file`` (by default this user's, on this system)."""
    import xlwings

    platform = platform or sys.platform
    home = home or Path.home()
    if startup is None:
        startup = default_addin_dir(platform, home)
        if startup is None:
            raise AddinError(
                f"there is no Excel on {platform}; give the start-up folder to check (--dir)"
            )
    config_file = Path(config_file) if config_file else xlwings_config_file(platform, home)
    startup = Path(startup)

    checks = []
    addin_version = None
    xlwings_addin = startup / XLWINGS_ADDIN
    if xlwings_addin.is_file():
        addin_version = xlwings_addin_version(xlwings_addin)
        found = f"version {addin_version}" if addin_version else "its version cannot be read"
        checks.append(Check("xlwings add-in", True, f"{xlwings_addin} ({found})"))
        checks.append(_same_version(addin_version, xlwings.__version__))
    else:
        missing = f"no {XLWINGS_ADDIN} in {startup}"
        checks.append(Check("xlwings add-in", False, missing, "xlwings addin install"))
    if platform == "darwin":
        checks.append(_applescript(addin_version or xlwings.__version__, home))
    checks.append(_ipsxl_addin(startup / ADDIN_NAME))
    settings = read_config(config_file)
    checks.append(_interpreter(settings, config_file, platform))
    checks.append(_udf_module(settings, config_file))
    return checks


def _same_version(addin_version: str | None, pip_version: str) -> Check:
    name = "xlwings versions"
    fix = f"xlwings addin install   (puts in the add-in of xlwings {pip_version}; quit Excel first)"
    if addin_version is None:
        return Check(
            name, False, f"the xlwings add-in's version is unknown; pip has {pip_version}", fix
        )
    if addin_version != pip_version:
        return Check(
            name,
            False,
            f"the xlwings add-in is {addin_version} but pip's xlwings is {pip_version}; "
            "RunPython (and so every IPS button) needs them equal",
            fix,
        )
    return Check(name, True, f"add-in and pip both xlwings {pip_version}")


def _applescript(version: str, home: Path) -> Check:
    script = applescript_dir(home) / f"xlwings-{version}.applescript"
    if script.is_file():
        return Check("RunPython on macOS", True, str(script))
    return Check("RunPython on macOS", False, f"no {script}", "xlwings runpython install")


def _ipsxl_addin(path: Path) -> Check:
    name, fix = "ipsxl add-in", "ipsxl addin install"
    if not path.is_file():
        return Check(name, False, f"no {path}", fix)
    if path.read_bytes() != shipped_addin().read_bytes():
        return Check(name, False, f"{path} is not the add-in of this ipsxl", fix)
    return Check(name, True, str(path))


def _interpreter(settings: dict[str, str], config_file: Path, platform: str) -> Check:
    """The Python the xlwings add-in starts must exist and have ipsxl."""
    name = "Python"
    key = "INTERPRETER_MAC" if platform == "darwin" else "INTERPRETER_WIN"
    python = settings.get(key) or settings.get("INTERPRETER")
    if python is None and settings.get("CONDA ENV"):
        return Check(name, True, f"conda environment {settings['CONDA ENV']} ({config_file})")
    edit = f'in {config_file}, set "{key}","{sys.executable}" (the Python that has ipsxl)'
    if python is None:
        return Check(name, False, f"no {key} in {config_file}", "ipsxl addin install")
    if not Path(python).is_file():
        return Check(name, False, f"{python} ({key} in {config_file}) does not exist", edit)
    if not _has_ipsxl(python):
        return Check(name, False, f"{python} ({key}) cannot import ipsxl", edit)
    return Check(name, True, f"{python} ({key} in {config_file})")


def _has_ipsxl(python: str) -> bool:
    if Path(python).resolve() == Path(sys.executable).resolve():
        return True
    try:
        done = subprocess.run(
            [python, "-c", "import ipsxl"], capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _udf_module(settings: dict[str, str], config_file: Path) -> Check:
    name = "worksheet functions"
    modules = [m.strip() for m in settings.get(UDF_CONFIG_KEY, "").split(";") if m.strip()]
    if UDF_MODULE in modules:
        return Check(name, True, f"{UDF_MODULE} is among the UDF modules in {config_file}")
    return Check(
        name,
        False,
        f"{UDF_MODULE} is not among the UDF modules in {config_file}",
        "ipsxl addin install",
    )


# --------------------------------------------------------------------------- reading VBA


def xlwings_addin_version(path: Path) -> str | None:
    """``XLWINGS_VERSION`` as the xlwings add-in's VBA declares it; None if it cannot be read."""
    try:
        sources = module_sources(path)
    except (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile, struct.error):
        return None
    for source in sources.values():
        match = XLWINGS_VERSION_RE.search(source)
        if match:
            return match.group(1)
    return None


def module_sources(path: Path) -> dict[str, str]:
    """Module name -> VBA source of an Office file's VBA project (MS-OVBA 2.3.4)."""
    import olefile

    with zipfile.ZipFile(path) as archive:
        project = archive.read("xl/vbaProject.bin")
    if not olefile.isOleFile(io.BytesIO(project)):
        raise ValueError(f"{path}: vbaProject.bin is not an OLE compound file")
    with olefile.OleFileIO(io.BytesIO(project)) as ole:
        codepage, modules = _dir_records(decompress(ole.openstream("VBA/dir").read()))
        return {
            name: decompress(ole.openstream(["VBA", stream]).read()[offset:]).decode(
                codepage, errors="replace"
            )
            for name, stream, offset in modules
        }


def _dir_records(data: bytes) -> tuple[str, list[tuple[str, str, int]]]:
    """The code page, and each module's name, stream name and source offset, from the
    decompressed ``dir`` stream: records of a 2-byte id and a 4-byte size (PROJECTVERSION's
    size leaves out its last 2 bytes)."""
    codepage = "cp1252"
    modules: list[tuple[str, str, int]] = []
    name = stream = ""
    pos = 0
    while pos + 6 <= len(data):
        record, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if record == 0x0009:  # PROJECTVERSION
            size = 6
        value = data[pos : pos + size]
        pos += size
        if record == 0x0003:  # PROJECTCODEPAGE
            codepage = f"cp{struct.unpack('<H', value)[0]}"
        elif record == 0x0019:  # MODULENAME
            name = value.decode(codepage, errors="replace")
        elif record == 0x001A:  # MODULESTREAMNAME
            stream = value.decode(codepage, errors="replace")
        elif record == 0x0031:  # MODULEOFFSET
            modules.append((name, stream, struct.unpack("<I", value)[0]))
    return codepage, modules


def decompress(container: bytes) -> bytes:
    """Undo MS-OVBA compression (2.4.1.3.1): chunks of up to 4096 bytes, each either stored as
    it is or as flag bytes followed by literals and copy tokens that repeat earlier bytes of
    the same chunk."""
    if not container or container[0] != 1:
        raise ValueError("not an MS-OVBA compressed container")
    out = bytearray()
    pos = 1
    while pos + 2 <= len(container):
        header = struct.unpack_from("<H", container, pos)[0]
        end = min(pos + (header & 0x0FFF) + 3, len(container))
        pos += 2
        if not header & 0x8000:  # stored as it is
            out += container[pos : pos + 4096]
            pos += 4096
            continue
        start = len(out)
        while pos < end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(container[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", container, pos)[0]
                pos += 2
                offset_bits = max((len(out) - start - 1).bit_length(), 4)
                offset = (token >> (16 - offset_bits)) + 1
                length = (token & (0xFFFF >> offset_bits)) + 3
                for _ in range(length):
                    out.append(out[-offset])
        pos = end
    return bytes(out)
