"""The written workbooks on paper: each converted to PDF by LibreOffice and read back with poppler.

What a supervisor or an office prints is checked from the printed text, never from pixels:
which pages a sheet takes, that they are landscape, that every column of a sheet is on each of
its pages (fit to one page wide) under its header row, that the Flags sheet's wrapped messages
print whole and never run into each other, and that no chart of the summary is cut by a page
break. Three workbooks are printed: the shipped example after ``ipsxl check`` (printed once per
test session, office.py, as other modules read it too), and, in one LibreOffice run, a summary of
a few demo submissions and the template.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from office import SOFFICE, convert_all, example_checked, example_printed

from ipsxl.core import standard
from ipsxl.make import template
from ipsxl.make.demo import write_demo
from ipsxl.sheets import FLAGS_HEADERS, FLAGS_WIDTHS, flags_table
from ipsxl.summary import summarize
from ipsxl.summary.table import TREND_MEASURES
from ipsxl.validate import check_file

POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
pytestmark = pytest.mark.skipif(
    SOFFICE is None or not POPPLER, reason="LibreOffice (soffice) or poppler-utils not installed"
)

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def has(self, phrase: str) -> bool:
        return phrase in self.text

    def find(self, text: str) -> Word | None:
        return next((w for w in self.words if w.text == text), None)


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def read_pdf(pdf: Path) -> list[Page]:
    """Every page of a PDF with its size and its words where they stand (pdftotext -bbox)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for n, (width, height, body) in enumerate(_PAGE.findall(out), start=1):
        words = [
            Word(html.unescape(t), float(a), float(b), float(c), float(d))
            for a, b, c, d, t in _WORD.findall(body)
        ]
        pages.append(Page(n, float(width), float(height), words))
    return pages


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The three workbooks, their PDFs as pages, and the report of the checked example."""
    example = example_printed(tmp_path_factory)  # checked and printed once per session
    work = tmp_path_factory.mktemp("rendering")
    subs = work / "submissions"
    subs.mkdir()
    quarters = [
        (template.dt.date(2026, 1, 1), template.dt.date(2026, 3, 31)),
        (template.dt.date(2026, 4, 1), template.dt.date(2026, 6, 30)),
    ]
    for seed, agency in enumerate(("North Valley", "Lakeside"), start=1):
        for q, (start, end) in enumerate(quarters):
            path = subs / f"{agency.split()[0].lower()}-q{q + 1}.xlsx"
            write_demo(path, clients=20, seed=10 * seed + q, start=start, end=end, agency=agency)
    write_demo(subs / "north-q1-again.xlsx", clients=20, seed=11, agency="North Valley",
               start=quarters[0][0], end=quarters[0][1])  # fmt: skip
    summary, _ = summarize(sorted(subs.glob("*.xlsx")), output=work / "summary.xlsx")

    blank = work / "template.xlsx"
    template.write_template(blank)

    summary_pdf, template_pdf = convert_all([work / "summary.xlsx", blank], work, to="pdf")
    return {
        "checked": read_pdf(example / "example.checked.pdf"),
        "summary": read_pdf(summary_pdf),
        "template": read_pdf(template_pdf),
        "report": check_file(example_checked(tmp_path_factory)),
        "files": sorted(p.name for p in subs.glob("*.xlsx")),
        "result": summary,
    }


# --- the checked example: the Flags sheet ----------------------------------------------------


def flags_pages(pages: list[Page]) -> list[Page]:
    return [p for p in pages if p.find("Severity") and p.find("Message") and p.find("Code")]


def test_flags_print_landscape_every_column_under_its_header_on_every_page(printed):
    pages = flags_pages(printed["checked"])
    report = printed["report"]
    assert pages
    for page in pages:
        assert page.landscape
        # the header row on every page, its last column too: one page wide, titles repeated
        assert _header_on(page, FLAGS_HEADERS)
    # a dozen or more flags to a page: fitting to the width did not shrink it into pages of one
    assert len(pages) <= len(report.flags) / 12 + 1
    # and the sheets ipsxl wrote come first: Fidelity, then Flags
    first = printed["checked"][0]
    assert first.landscape and first.has("IPS-25")
    assert pages[0].number < min(
        p.number for p in printed["checked"] if p.has("Referral Date") and not p.has("Severity")
    )


def _centre(word: Word) -> float:
    return (word.x0 + word.x1) / 2


def _message_column(page: Page) -> list[Word]:
    """The words printed in the Message column, below its header.

    Headers are centred over their columns, so the column's edges are found from the centres
    of the Severity, Message and Value headers and the columns' widths."""
    widths = [FLAGS_WIDTHS[FLAGS_HEADERS.index(h) + 1] for h in ("Severity", "Message", "Value")]
    severity, message, value = (page.find(h) for h in ("Severity", "Message", "Value"))
    assert severity and message and value
    per_unit = (_centre(value) - _centre(severity)) / (widths[0] / 2 + widths[1] + widths[2] / 2)
    left = _centre(message) - per_unit * widths[1] / 2
    right = _centre(message) + per_unit * widths[1] / 2
    return [w for w in page.words if left - 2 <= w.x0 < right - 2 and w.y0 > message.y1]


def _header_on(page: Page, headers: tuple[str, ...]) -> bool:
    """Every header's words on the page, along one line."""
    found = []
    for word in (word for h in headers for word in h.split()):
        same = [w for w in page.words if w.text == word]
        if not same:
            return False
        found.append(min(same, key=lambda w: w.y0))  # the topmost: a message may say "to"
    return max(w.y0 for w in found) - min(w.y0 for w in found) < 2


def test_flags_messages_print_whole_and_never_run_into_each_other(printed):
    pages = flags_pages(printed["checked"])
    report = printed["report"]
    sheets = [p for p in ("Program", "Staff", "Caseload", "Jobs", "Employer Log")]
    expected = flags_table(report, sheets=[*sheets, "Benefits Referrals"])["Message"]
    printed_text, line_tops = [], []
    for page in pages:
        words = sorted(_message_column(page), key=lambda w: (round(w.y0), w.x0))
        printed_text += [w.text for w in words]
        height = max((w.y1 - w.y0 for w in words), default=0)
        tops: list[float] = []
        for w in words:  # the lines: words level within a third of a line are one line
            if not tops or w.y0 - tops[-1] > height / 3:
                tops.append(w.y0)
        # one line of text under another, never two on top of each other
        assert all(b - a >= 0.8 * height for a, b in zip(tops, tops[1:], strict=False)), page.number
        line_tops.append(len(tops))
    squeeze = re.compile(r"\s+")
    assert squeeze.sub("", "".join(printed_text)) == squeeze.sub("", "".join(expected))
    assert sum(line_tops) > len(expected)  # some messages wrapped onto a second line


# --- the summary -----------------------------------------------------------------------------


def test_summary_pages_are_landscape_and_the_overview_is_one_page_wide(printed):
    pages = printed["summary"]
    assert all(p.landscape for p in pages)
    overview = [p for p in pages if p.has("IPS submissions")]
    assert len(overview) == 1  # five workbooks: one page
    page = overview[0]
    assert page.find("Agency") and page.find("Note")  # first and last column on the one page
    for name in printed["files"]:
        assert name in page.text


def test_the_full_table_repeats_its_file_column_and_header_on_each_page(printed):
    """Submissions runs a few pages wide; each page starts with the File column, so a row can
    be followed across them."""
    squeezed = [(p, p.text.replace(" ", "")) for p in printed["summary"]]
    pages = [
        p
        for p, text in squeezed
        if all(name in text for name in printed["files"])
        and not p.has("IPS submissions")
        and not p.has("Agencies counted")
        and not p.has("About this summary")
    ]
    assert 1 < len(pages) <= 4
    for page in pages:
        assert page.find("File") is not None
        assert page.has("Readable") or page.has("Scored") or page.has("Employment")


def test_each_trend_chart_prints_whole_on_its_own_page(printed):
    pages = printed["summary"]
    for measure in TREND_MEASURES:
        title = f"{measure.header} by period"
        holding = [p for p in pages if p.has(title)]
        assert len(holding) == 1, title
        page = holding[0]
        # the chart's legend, at its bottom, is on the page of its title: not cut
        trend = printed["result"].trends
        for _, agency in trend.agencies:
            assert page.text.count(agency.split()[0]) >= 2  # table header and legend
        heading = page.find(measure.header.split()[0])
        assert heading is not None
    trends = [p for p in pages if p.has("by period")]
    assert len(trends) == len(TREND_MEASURES)
    rate_page = next(p for p in pages if p.has("Employment rate by period"))
    for label in ("minimal (31%)", "average (41%)", "excellent (50%)"):
        assert rate_page.text.count(label) >= 3  # table header, legend and the line's label


# --- the template ------------------------------------------------------------------------------


def test_the_template_prints_one_page_per_tab_each_one_page_wide(printed):
    pages = printed["template"]
    assert len(pages) == 1 + len(standard.TABS)
    instructions, *tabs = pages
    assert not instructions.landscape and instructions.has("IPS supported employment workbook")
    for page, tab in zip(tabs, standard.TABS, strict=True):
        assert page.landscape, tab.name
        first, last = tab.columns[0].name, tab.columns[-1].name
        assert page.has(first.split()[0]) and page.has(last.split()[0]), tab.name


# --- the README's pictures ---------------------------------------------------------------------


def test_the_screenshot_script_draws_the_pictures_the_readme_shows(tmp_path):
    """docs/screenshots.py prints the checked example's Fidelity and Flags sheets to PNGs."""
    import struct

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "screenshots.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    for name in ("fidelity", "flags"):
        assert f"](docs/images/{name}.png)" in readme
        assert (ROOT / "docs" / "images" / f"{name}.png").exists()  # committed
        png = (tmp_path / f"{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        assert width > height  # a landscape page
