"""Install ``ipsxl.xlam`` where Excel loads add-ins at start-up, and point xlwings at ipsxl.

The add-in copied is the one that ships built beside its sources (``build.shipped_addin``), so
installing needs no VBA compiler. The xlwings user config gets ipsxl's worksheet functions and,
only when it names none yet, this Python as the interpreter; every other line of it is kept.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ipsxl.addin.build import (
    ADDIN_NAME,
    UDF_CONFIG_KEY,
    UDF_MODULE,
    AddinError,
    shipped_addin,
    write_addin_file,
)
from ipsxl.files.safefiles import write_bytes

if TYPE_CHECKING:
    from ipsxl.addin.status import Check


@dataclass(frozen=True)
class InstallResult:
    """What ``install_addin`` did, for the command line to print."""

    addin: Path
    config_file: Path
    config_changes: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())
    checks: tuple[Check, ...] = field(default=())  # see ``status.check_setup``

    @property
    def problems(self) -> tuple[Check, ...]:
        """The checks that failed: what still keeps the IPS tab from working."""
        return tuple(check for check in self.checks if not check.ok)

    def summary(self) -> str:
        lines = [f"Installed the add-in: {self.addin}"]
        if self.config_changes:
            lines.append(f"Updated {self.config_file}:")
            lines += [f"  {change}" for change in self.config_changes]
        else:
            lines.append(f"{self.config_file} already had the ipsxl settings.")
        if self.problems:
            lines.append("The IPS tab will not work until this is put right:")
            lines += [check.line() for check in self.problems]
        lines += self.notes
        return "\n".join(lines)


def default_addin_dir(
    platform: str | None = None,
    home: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Path | None:
    """The folder Excel opens add-ins from at start-up for this user, or None without Excel.

    Windows: the user XLSTART folder under %APPDATA%. macOS (Excel 2016 and later, sandboxed): the
    Excel start-up folder in Office's group container. Other systems have no Excel.
    """
    platform = platform or sys.platform
    home = home or Path.home()
    environ = os.environ if environ is None else environ
    if platform.startswith("win"):
        appdata = environ.get("APPDATA")
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
        return base / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return (
            home
            / "Library"
            / "Group Containers"
            / "UBF8T346G9.Office"
            / "User Content.localized"
            / "Startup.localized"
            / "Excel"
        )
    return None


def default_config_file() -> Path:
    """The xlwings user config file, where xlwings itself (and its add-in) looks for it."""
    import xlwings

    return Path(xlwings.USER_CONFIG_FILE)


def install_addin(
    target_dir: Path | None = None,
    *,
    addin: Path | None = None,
    config_file: Path | None = None,
    udf_module: str = UDF_MODULE,
    interpreter: str | None = None,
    platform: str | None = None,
    home: Path | None = None,
) -> InstallResult:
    """Put ``ipsxl.xlam`` where Excel loads it and point xlwings at ipsxl.

    ``target_dir`` defaults to this user's Excel start-up folder (XLSTART); on a system without
    Excel it must be given. ``addin`` is a built add-in to copy; without it the one that ships
    with ipsxl is copied (so no VBA compiler is needed here). The xlwings user config gets
    ``udf_module`` added to "UDF MODULES" and, only if it names no interpreter yet, this Python
    as the interpreter (the one that has ipsxl installed); every other line is left as it was.

    On Windows and macOS (``platform``, this system by default) the result then carries the
    checks of ``ipsxl addin status``: whatever else keeps the IPS tab from working (no xlwings
    add-in, one of another version than pip's xlwings, no RunPython AppleScript) with the
    command that fixes it.
    """
    platform = platform or sys.platform
    if target_dir is None:
        target_dir = default_addin_dir(platform, home)
        if target_dir is None:
            raise AddinError(
                f"there is no Excel on {platform}, so no start-up folder to install into; "
                "give the folder to copy ipsxl.xlam to"
            )
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)

    source = Path(addin) if addin is not None else shipped_addin()
    installed = target_dir / ADDIN_NAME
    if source.resolve() != installed.resolve():
        try:
            write_addin_file(installed, lambda fh: _copy_into(source, fh))
        except PermissionError as exc:
            raise AddinError(
                f"cannot write {installed}: it is probably open in Excel. Quit Excel and try again."
            ) from exc

    config_file = Path(config_file) if config_file is not None else default_config_file()
    changes = configure_xlwings(
        config_file, udf_module=udf_module, interpreter=interpreter, platform=platform
    )

    checks: list[Check] = []
    if platform == "darwin" or platform.startswith("win"):
        from ipsxl.addin.status import check_setup

        checks = check_setup(target_dir, config_file, platform=platform, home=home)
        quit_excel = "quit it with Cmd-Q" if platform == "darwin" else "close it"
        notes = [f"Start Excel again ({quit_excel} first) to see the IPS tab."]
    else:
        notes = [
            f"There is no Excel on {platform}: copy {installed.name} and the xlwings add-in "
            "to Excel's start-up folder, then check with: ipsxl addin status --dir FOLDER"
        ]
    return InstallResult(installed, config_file, tuple(changes), tuple(notes), tuple(checks))


def _copy_into(source: Path, target: BinaryIO) -> None:
    with open(source, "rb") as fh:
        shutil.copyfileobj(fh, target)


def configure_xlwings(
    config_file: Path,
    *,
    udf_module: str = UDF_MODULE,
    interpreter: str | None = None,
    platform: str | None = None,
) -> list[str]:
    """Add ipsxl's settings to an xlwings config file; return what was changed.

    The file has one ``"KEY","VALUE"`` line per setting. xlwings' VBA reads keys without regard to
    case and takes the first match, its Python side takes the last, so a key is updated in place
    and any later duplicate of it dropped; all other lines, blank ones and line endings included,
    are kept byte for byte.
    """
    platform = platform or sys.platform
    interpreter_key = "INTERPRETER_MAC" if platform == "darwin" else "INTERPRETER_WIN"
    config_file = Path(config_file)
    text = _config_text(config_file)
    newline = "\r\n" if "\r\n" in text else ("\n" if text else os.linesep)
    lines = text.splitlines(keepends=True)
    settings = _settings(lines)

    changes: list[str] = []
    modules = [m for m in settings.get(UDF_CONFIG_KEY, "").split(";") if m.strip()]
    if udf_module not in (m.strip() for m in modules):
        value = ";".join([*modules, udf_module])
        lines = _set_config_value(lines, UDF_CONFIG_KEY, value, newline)
        changes.append(f'"{UDF_CONFIG_KEY}","{value}"')
    if not any(k in settings for k in (interpreter_key, "INTERPRETER")):
        value = interpreter or sys.executable
        lines = _set_config_value(lines, interpreter_key, value, newline)
        changes.append(f'"{interpreter_key}","{value}"')

    if changes:
        config_file.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(config_file, "".join(lines).encode("utf-8", errors="surrogateescape"))
    return changes


def read_config(config_file: Path) -> dict[str, str]:
    """The settings of an xlwings config file, keys upper-cased; of a key given twice, the
    first (the one the add-in's VBA uses). Empty when there is no such file."""
    return _settings(_config_text(Path(config_file)).splitlines(keepends=True))


def _config_text(config_file: Path) -> str:
    if not config_file.exists():
        return ""
    with open(config_file, encoding="utf-8", errors="surrogateescape", newline="") as f:
        return f.read()


def _settings(lines: list[str]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for key, value in map(_parse_config_line, lines):
        if key:
            settings.setdefault(key.upper(), value)  # the add-in's VBA uses the first line
    return settings


def _parse_config_line(line: str) -> tuple[str, str]:
    """Key and value of a ``"KEY","VALUE"`` line; ("", "") for anything else."""
    fields = [part.strip().strip('"') for part in line.strip().split(",", 1)]
    if len(fields) != 2 or not fields[0]:
        return "", ""
    return fields[0], fields[1]


def _set_config_value(lines: list[str], key: str, value: str, newline: str) -> list[str]:
    out: list[str] = []
    done = False
    for line in lines:
        if _parse_config_line(line)[0].upper() == key.upper():
            if not done:
                ending = line[len(line.rstrip("\r\n")) :] or newline
                out.append(f'"{key}","{value}"{ending}')
                done = True
            continue
        out.append(line)
    if not done:
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += newline
        out.append(f'"{key}","{value}"{newline}')
    return out
