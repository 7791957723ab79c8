"""Render the README's pictures of the checked example workbook: its Fidelity and Flags sheets.

The pictures are the printed pages, as LibreOffice prints ``ipsxl check`` of
``workbooks/example.xlsx``, so they show what a supervisor gets on paper and change whenever a
layout does. Re-run this after changing a sheet's layout, and commit the pictures:

    python docs/screenshots.py            # writes docs/images/fidelity.png and flags.png

It needs LibreOffice (``soffice``) and poppler (``pdftotext``, ``pdftoppm``). The pictures are
kept small (60 dots per inch) so the repository stays light.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "example.xlsx"
IMAGES = ROOT / "docs" / "images"
RESOLUTION = 60

# the first page of each sheet, found by words only that sheet prints
PICTURES = {
    "fidelity": ("IPS-25 fidelity review",),
    "flags": ("Severity", "Message", "Go to"),
}


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        sys.exit(f"screenshots: {name} is not installed (LibreOffice and poppler-utils are needed)")
    return found


def checked_pdf(work: Path) -> Path:
    """The example, checked by ipsxl and printed to PDF by LibreOffice."""
    example = work / EXAMPLE.name
    shutil.copy(EXAMPLE, example)
    run = subprocess.run(
        [sys.executable, "-m", "ipsxl", "check", str(example)], capture_output=True, text=True
    )
    if run.returncode not in (0, 1):
        sys.exit(f"screenshots: ipsxl check failed: {run.stderr.strip()}")
    checked = work / f"{example.stem}.checked{example.suffix}"
    subprocess.run(
        [
            tool("soffice"),
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(checked),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return work / f"{checked.stem}.pdf"


def first_page_with(pdf: Path, words: tuple[str, ...]) -> int:
    text = subprocess.run(
        [tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        if all(w in page for w in words):
            return number
    raise SystemExit(f"screenshots: no page of {pdf.name} shows {', '.join(words)}")


def render(pdf: Path, page: int, target: Path) -> None:
    """One page as a PNG at ``RESOLUTION`` dots per inch."""
    subprocess.run(
        [
            tool("pdftoppm"),
            "-png",
            "-r",
            str(RESOLUTION),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(target.with_suffix("")),
        ],
        check=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=IMAGES, help="folder for the PNGs")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = checked_pdf(Path(tmp))
        for name, words in PICTURES.items():
            target = args.out / f"{name}.png"
            render(pdf, first_page_with(pdf, words), target)
            print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


if __name__ == "__main__":
    main()
