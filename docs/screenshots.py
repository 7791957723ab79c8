"""Re-make the README's pictures of the sheets ipsxl writes: the first printed page of the
Fidelity and the Flags sheet of the checked example workbook, as LibreOffice prints them.

Needs LibreOffice (``soffice``) and poppler (``pdftoppm``). Run it after changing a layout:

    python docs/screenshots.py       # writes docs/images/fidelity.png and docs/images/flags.png

The checked copy is written with a fixed "Generated" time, so the pictures change only when
the layout or the example does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from libreoffice import SOFFICE, convert_all, only_sheet

from ipsxl.checked_copy import check_for_writing
from ipsxl.core.standard import FIDELITY_SHEET, FLAGS_SHEET

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "example.xlsx"
IMAGES = ROOT / "docs" / "images"
PICTURES = {FIDELITY_SHEET: "fidelity.png", FLAGS_SHEET: "flags.png"}
DPI = 80


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=IMAGES, help="folder for the PNGs")
    images = parser.parse_args(argv).out
    pdftoppm = shutil.which("pdftoppm")
    if SOFFICE is None or pdftoppm is None:
        print("needs LibreOffice (soffice) and poppler (pdftoppm)", file=sys.stderr)
        return 1
    images.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        checked = tmp / "example.checked.xlsx"
        result = check_for_writing(EXAMPLE)
        end = result.report.period.end if result.report.period else dt.date.today()
        result.write(checked, generated_at=dt.datetime.combine(end, dt.time(9, 0)))
        alone = [
            only_sheet(checked, tmp / f"{Path(picture).stem}.xlsx", sheet)
            for sheet, picture in PICTURES.items()
        ]
        pdfs = convert_all(alone, tmp, "pdf")  # one start of LibreOffice for every picture
        for pdf, picture in zip(pdfs, PICTURES.values(), strict=True):
            out = images / picture
            subprocess.run(
                [pdftoppm, "-f", "1", "-l", "1", "-r", str(DPI), "-png", "-singlefile"]
                + [str(pdf), str(out.with_suffix(""))],
                check=True,
            )
            print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
