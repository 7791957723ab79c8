"""LibreOffice, headless, as the docs' pictures and the tests use it: open a workbook (its
formulas recalculated on load) and save it in another format, or first keep one sheet of it to
print that sheet alone.

docs/screenshots.py imports it beside itself; the tests load it with ``runpy`` (tests/office.py),
as they load docs/generate.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ipsxl.writeback import undo
from ipsxl.writeback.package import Package

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

# always recalculate formulas of OOXML files on load
_RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def convert(path: Path, tmp: Path, to: str = "xlsx") -> Path:
    """``path`` opened (and recalculated) by LibreOffice and saved as ``to`` in a new folder
    under ``tmp``, with a LibreOffice profile of its own there (so no user's is touched)."""
    (converted,) = convert_all([path], tmp, to)
    return converted


def convert_all(paths: list[Path], tmp: Path, to: str = "xlsx") -> list[Path]:
    """``convert`` for several workbooks at once: one start of LibreOffice, which takes seconds,
    for all of them. Their names must differ."""
    first = paths[0]
    profile = tmp / f"profile-{first.stem}-{to}"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC)
    outdir = tmp / f"converted-{first.stem}-{to}"
    subprocess.run(
        [
            str(SOFFICE),
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=240 * len(paths),
    )
    return [outdir / f"{path.stem}.{to}" for path in paths]


def only_sheet(path: Path, out: Path, keep: str) -> Path:
    """A copy holding only the sheet ``keep`` (with its charts), for printing it alone."""
    pkg = Package.read(path)
    workbook = pkg.workbook_part()
    for name, _, _ in undo.sheet_parts(pkg, workbook):
        if name != keep:
            undo.remove_sheet(pkg, workbook, name)
    pkg.save(out, like=path)
    return out
