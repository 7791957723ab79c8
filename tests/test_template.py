"""The empty standard workbook: what a person opening it in Excel would check.

Tabs and headers in the standard's order, drop-downs with the standard's choices, date formats,
a frozen header, widths and help notes; read back with openpyxl (formats) and python-calamine
(what the reader sees).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from ipsxl.core import standard
from ipsxl.make import template
from ipsxl.make.template import write_template

SHIPPED = Path(__file__).resolve().parents[1] / "workbooks" / "template.xlsx"
TABLE_TABS = [t for t in standard.TABS if not t.fields]
FIGURES = (standard.NUMBER, standard.PERCENT)  # the number columns


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("template") / "template.xlsx"
    write_template(out)
    return out


@pytest.fixture(scope="module")
def book(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def validations_by_column(ws) -> dict[str, list]:
    """Column letter -> the data validations whose ranges start in that column."""
    out: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out.setdefault(get_column_letter(rng.min_col), []).append((dv, rng))
    return out


def listed(dv) -> list[str]:
    return dv.formula1.strip('"').split(",")


def test_every_tab_in_the_standards_order_after_the_instructions(
    book: openpyxl.Workbook, path: Path
) -> None:
    names = [template.INSTRUCTIONS, *(t.name for t in standard.TABS)]
    assert book.sheetnames == names
    assert CalamineWorkbook.from_path(path).sheet_names == names


def test_every_header_in_order(book: openpyxl.Workbook, path: Path) -> None:
    cal = CalamineWorkbook.from_path(path)
    for tab in standard.TABS:
        expected = [c.name for c in tab.columns]
        assert [c.value for c in book[tab.name][1]] == expected
        assert cal.get_sheet_by_name(tab.name).to_python()[0] == expected


def test_program_lists_its_fields(book: openpyxl.Workbook) -> None:
    ws = book[standard.PROGRAM.name]
    fields = standard.PROGRAM.fields
    assert [ws.cell(row=i + 2, column=1).value for i in range(len(fields))] == [
        f.name for f in fields
    ]
    for i, fld in enumerate(fields):
        value = ws.cell(row=i + 2, column=2)
        assert value.value is None
        if fld.type == standard.DATE:
            assert value.number_format == template.DATE_FORMAT
            assert value.alignment.horizontal == "left"  # under the text values, not centred
        if fld.help:
            assert fld.help in ws.cell(row=i + 2, column=1).comment.text


def test_headers_are_bold_filled_and_frozen(book: openpyxl.Workbook) -> None:
    """Bold on a fill of their own, so they read as headers under any table style."""
    for tab in standard.TABS:
        ws = book[tab.name]
        assert ws.freeze_panes == "A2"
        for cell in ws[1]:
            assert cell.font.b
            assert cell.fill.fill_type == "solid"


def test_column_widths_come_from_the_standard(book: openpyxl.Workbook) -> None:
    for tab in standard.TABS:
        ws = book[tab.name]
        for i, col in enumerate(tab.columns, 1):
            assert ws.column_dimensions[get_column_letter(i)].width == col.width


def test_help_texts_are_header_notes(book: openpyxl.Workbook) -> None:
    for tab in TABLE_TABS:
        ws = book[tab.name]
        for i, col in enumerate(tab.columns, 1):
            note = ws.cell(row=1, column=i).comment
            if col.help:
                assert note is not None and col.help in note.text
            else:
                assert note is None


def the_validation(ws, i: int):
    """The one data validation of column ``i``, checked to cover its formatted rows."""
    [(dv, rng)] = validations_by_column(ws)[get_column_letter(i)]
    assert rng.min_row == 2 and rng.max_row >= template.FORMATTED_ROWS
    assert rng.min_col == rng.max_col == i
    return dv


def test_dropdowns_on_choice_and_yes_no_columns_stop_other_entries(
    book: openpyxl.Workbook,
) -> None:
    for tab in TABLE_TABS:
        ws = book[tab.name]
        for i, col in enumerate(tab.columns, 1):
            if col.type == standard.CHOICE:
                expected = list(col.choices)
            elif col.type == standard.YESNO:
                expected = list(template.yes_no_choices())
            else:
                continue
            dv = the_validation(ws, i)
            assert dv.type == "list" and listed(dv) == expected
            assert dv.errorStyle in (None, "stop") and dv.showErrorMessage  # None is stop


def test_employment_specialist_is_picked_from_the_staff_tables_names(
    book: openpyxl.Workbook,
) -> None:
    tabs = [t for t in TABLE_TABS if standard.SPECIALIST in [c.name for c in t.columns]]
    assert {t.name for t in tabs} == {"Caseload", "Employer Log"}
    for tab in tabs:
        i = [c.name for c in tab.columns].index(standard.SPECIALIST) + 1
        dv = the_validation(book[tab.name], i)
        assert dv.type == "list" and dv.formula1 == 'INDIRECT("Staff[Name]")'
        assert dv.errorStyle in (None, "stop") and dv.showErrorMessage and dv.allow_blank


def test_client_id_is_picked_from_caseload_on_the_other_tabs(book: openpyxl.Workbook) -> None:
    for name in ("Jobs", "Employer Log", "Benefits Referrals"):
        tab = standard.TABS_BY_NAME[name]
        i = [c.name for c in tab.columns].index(standard.CLIENT_ID) + 1
        dv = the_validation(book[name], i)
        assert dv.type == "list" and dv.formula1 == 'INDIRECT("Caseload[Client ID]")'
        assert dv.errorStyle in (None, "stop") and dv.showErrorMessage
    # on Caseload itself a Client ID may not repeat
    dv = the_validation(book["Caseload"], 1)
    assert dv.type == "custom" and dv.formula1 == "COUNTIF($A:$A,A2)=1"


def test_dates_are_limited_to_real_dates_in_a_sensible_range(book: openpyxl.Workbook) -> None:
    first, last = template.DATE_RANGE
    for tab in TABLE_TABS:
        ws = book[tab.name]
        for i, col in enumerate(tab.columns, 1):
            if col.type != standard.DATE:
                continue
            dv = the_validation(ws, i)
            assert dv.type == "date" and dv.operator in (None, "between")
            assert dv.formula1 == f"DATE({first.year},{first.month},{first.day})"
            assert dv.formula2 == f"DATE({last.year},{last.month},{last.day})"
            assert dv.errorStyle in (None, "stop") and dv.showErrorMessage
    assert 2000 <= first.year and last.year <= 2100


@pytest.mark.parametrize(
    ("tab", "column", "low", "high"),
    [
        ("Jobs", "Hours Per Week", "0", "80"),
        ("Jobs", "Hourly Wage", "0", None),
        ("Staff", "FTE", "0", "1"),
        ("Staff", "Community Hours %", "0", "100"),
    ],
)
def test_numbers_are_limited_to_their_range(
    book: openpyxl.Workbook, tab: str, column: str, low: str, high: str | None
) -> None:
    t = standard.TABS_BY_NAME[tab]
    dv = the_validation(book[tab], [c.name for c in t.columns].index(column) + 1)
    assert dv.type == "decimal"
    if high is None:
        assert dv.operator == "greaterThanOrEqual" and dv.formula1 == low
    else:
        assert dv.operator in (None, "between") and (dv.formula1, dv.formula2) == (low, high)
    assert dv.errorStyle in (None, "stop") and dv.showErrorMessage


def test_every_column_says_what_goes_in_it(book: openpyxl.Workbook) -> None:
    for tab in TABLE_TABS:
        ws = book[tab.name]
        for i, col in enumerate(tab.columns, 1):
            assert col.help, f"{tab.name}.{col.name} has no help text"
            dv = the_validation(ws, i)
            assert dv.showInputMessage and dv.prompt == col.help[:255]
            assert dv.promptTitle == col.name[:32]
    program = book[standard.PROGRAM.name]
    prompts = {
        r.min_row: dv.prompt
        for dv in program.data_validations.dataValidation
        for r in dv.sqref.ranges
        if r.min_col == 2
    }
    for row, fld in enumerate(standard.PROGRAM.fields, 2):
        assert fld.help and prompts[row] == fld.help[:255]


def test_each_table_tab_is_an_excel_table_formulas_can_name(book: openpyxl.Workbook) -> None:
    names = {}
    for tab in TABLE_TABS:
        ws = book[tab.name]
        [(name, ref)] = ws.tables.items()
        names[tab.name] = name
        last = get_column_letter(len(tab.columns))
        assert ref == f"A1:{last}2"  # the header and one empty row, which grows as rows are typed
        table = ws.tables[name]
        assert [c.name for c in table.tableColumns] == [c.name for c in tab.columns]
    assert names == {
        "Staff": "Staff",
        "Caseload": "Caseload",
        "Jobs": "Jobs",
        "Employer Log": "EmployerLog",
        "Benefits Referrals": "BenefitsReferrals",
    }


def test_period_names_point_at_the_program_tabs_dates(book: openpyxl.Workbook) -> None:
    ws = book[standard.PROGRAM.name]
    for name, label in (("PeriodStart", "Period Start"), ("PeriodEnd", "Period End")):
        sheet, ref = next(iter(book.defined_names[name].destinations))
        assert sheet == standard.PROGRAM.name
        row = int(ref.replace("$", "")[1:])
        assert ws.cell(row=row, column=1).value == label and ref.startswith("$B$")


def test_every_sheet_prints_landscape_one_page_wide_with_its_header(
    book: openpyxl.Workbook,
) -> None:
    for tab in standard.TABS:
        ws = book[tab.name]
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == "$1:$1"


def test_the_instructions_say_what_each_tab_holds_and_how_to_check(path: Path) -> None:
    rows = CalamineWorkbook.from_path(path).get_sheet_by_name(template.INSTRUCTIONS).to_python()
    text = "\n".join(" ".join(str(v) for v in row if v != "") for row in rows)
    for tab in standard.TABS:
        assert tab.name in text and tab.help in text
    for words in ("Period Start", "Period End", "Validate", "Fidelity", "ipsxl check"):
        assert words in text
    assert "=IPS_EMPLOYMENT_RATE(Caseload[#All], Jobs[#All], PeriodStart, PeriodEnd)" in text
    longest = max(len(str(v)) for row in rows for v in row)
    assert longest <= template.INSTRUCTION_CHARS  # one line per row: nothing wraps or is cut


def test_the_reader_finds_every_tab_and_header(path: Path) -> None:
    from ipsxl.files.read import read_workbook

    raw = read_workbook(path)
    assert set(raw.tables) == {t.name for t in standard.TABS}
    for tab in standard.TABS:
        table = raw.tables[tab.name]
        assert table.header_row == 1
        if not tab.fields:
            assert list(table.positions) == [c.name for c in tab.columns]
            assert table.frame.empty


def test_yes_no_words_are_ones_the_reader_accepts() -> None:
    yes, no = template.yes_no_choices()
    assert yes.lower() in standard.YES_WORDS and no.lower() in standard.NO_WORDS


def test_date_columns_are_date_formatted_down_the_sheet(book: openpyxl.Workbook) -> None:
    for tab in TABLE_TABS:
        ws = book[tab.name]
        for i, col in enumerate(tab.columns, 1):
            for row in (2, template.FORMATTED_ROWS):
                fmt = ws.cell(row=row, column=i).number_format
                if col.type == standard.DATE:
                    assert fmt == template.DATE_FORMAT and is_date_format(fmt)
                else:
                    assert not is_date_format(fmt)


def test_dates_are_centred_so_they_stand_clear_of_the_text_beside_them(
    book: openpyxl.Workbook,
) -> None:
    """A right-aligned date prints touching the left-aligned text of the next column
    ("2024-11-05Material Handler"); centred, it keeps a margin on both sides."""
    for tab in TABLE_TABS:
        ws = book[tab.name]
        for i, col in enumerate(tab.columns, 1):
            for row in (2, template.FORMATTED_ROWS):
                align = ws.cell(row=row, column=i).alignment.horizontal
                if col.type == standard.DATE:
                    assert align == "center", (tab.name, col.name)
                elif col.type not in FIGURES:
                    assert align != "center", (tab.name, col.name)


def test_filled_dates_are_centred_like_the_empty_rows(tmp_path: Path) -> None:
    """The demo and any filled workbook write their dates through the same sheet writer."""
    wb = template.new_workbook()
    tab = standard.JOBS
    row: list[object] = [None] * len(tab.columns)
    dates = [i for i, c in enumerate(tab.columns) if c.type == standard.DATE]
    row[dates[0]] = dt.date(2024, 11, 5)
    row[dates[1]] = dt.datetime(2025, 2, 19, 0, 0)
    row[dates[2]] = "4/28/2025"  # a date typed as text stays text, as typed
    template.write_table_sheet(wb, tab, [row], formatted_rows=3)
    out = tmp_path / "filled.xlsx"
    template.save_atomically(wb, out)
    ws = openpyxl.load_workbook(out)[tab.name]
    for i in dates[:2]:
        cell = ws.cell(row=2, column=i + 1)
        assert cell.number_format == template.DATE_FORMAT
        assert cell.alignment.horizontal == "center"
    assert ws.cell(row=2, column=dates[2] + 1).value == "4/28/2025"


def test_figures_are_centred_so_they_stand_clear_of_the_text_beside_them(
    book: openpyxl.Workbook,
) -> None:
    """Right-aligned, as Excel aligns any number, a figure prints touching the left-aligned text
    of the column after it: Jobs' wage and end reason read "15.5Fired", Staff's FTE and
    supervisor "1Raj Patel". Centred like the dates, each keeps a margin on both sides."""
    figures = 0
    for tab in TABLE_TABS:
        ws = book[tab.name]
        for i, col in enumerate(tab.columns, 1):
            if col.type in FIGURES:
                figures += 1
                for row in (2, template.FORMATTED_ROWS):
                    align = ws.cell(row=row, column=i).alignment.horizontal
                    assert align == "center", (tab.name, col.name, row)
    assert figures >= 5  # Staff's FTE and two percentages, Jobs' hours and wage


def test_filled_figures_are_centred_like_the_empty_rows(tmp_path: Path) -> None:
    """Numbers the demo or an agency's rows hold are centred; a number typed as text stays text,
    as typed, so it still looks unlike a number."""
    wb = template.new_workbook()
    staff, jobs = standard.STAFF, standard.JOBS
    staff_row: list[object] = [None] * len(staff.columns)
    names = [c.name for c in staff.columns]
    staff_row[names.index("Name")] = "Ruth Murphy"
    staff_row[names.index("FTE")] = 0.5
    staff_row[names.index("Supervisor")] = "Raj Patel"
    staff_row[names.index("Community Hours %")] = 71
    staff_row[names.index("IPS Only")] = "Yes"
    jobs_row: list[object] = [None] * len(jobs.columns)
    names = [c.name for c in jobs.columns]
    jobs_row[names.index("Hours Per Week")] = "about 20"
    jobs_row[names.index("Hourly Wage")] = 15.5
    jobs_row[names.index("End Reason")] = "Fired"
    template.write_table_sheet(wb, staff, [staff_row], formatted_rows=3)
    template.write_table_sheet(wb, jobs, [jobs_row], formatted_rows=3)
    out = tmp_path / "filled.xlsx"
    template.save_atomically(wb, out)
    book = openpyxl.load_workbook(out)

    def cell(tab: standard.Tab, name: str):
        column = [c.name for c in tab.columns].index(name) + 1
        return book[tab.name].cell(row=2, column=column)

    for tab, name, value in (
        (staff, "FTE", 0.5),
        (staff, "Community Hours %", 71),
        (jobs, "Hourly Wage", 15.5),
    ):
        assert cell(tab, name).value == value
        assert cell(tab, name).alignment.horizontal == "center", name
    for tab, name in ((staff, "Supervisor"), (staff, "IPS Only"), (jobs, "End Reason")):
        assert cell(tab, name).alignment.horizontal != "center", name
    typed = cell(jobs, "Hours Per Week")
    assert typed.value == "about 20" and typed.alignment.horizontal != "center"


def test_the_template_holds_no_data(path: Path) -> None:
    cal = CalamineWorkbook.from_path(path)
    for tab in TABLE_TABS:
        rows = cal.get_sheet_by_name(tab.name).to_python()
        assert all(v == "" for row in rows[1:] for v in row)


def test_writing_replaces_a_file_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "ips.xlsx"
    out.write_bytes(b"an old file")
    write_template(out)
    assert openpyxl.load_workbook(out).sheetnames[1:] == [t.name for t in standard.TABS]
    assert [p.name for p in tmp_path.iterdir()] == ["ips.xlsx"]


def test_a_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "ips.xlsx"
    out.write_bytes(b"the agency's workbook")

    save = openpyxl.Workbook.save

    def crash(self, filename):
        save(self, filename)
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        write_template(out)
    assert out.read_bytes() == b"the agency's workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["ips.xlsx"]


def test_the_shipped_template_matches_the_standard() -> None:
    """workbooks/template.xlsx is regenerated whenever the standard changes."""
    cal = CalamineWorkbook.from_path(SHIPPED)
    assert cal.sheet_names == [template.INSTRUCTIONS, *(t.name for t in standard.TABS)]
    for tab in standard.TABS:
        rows = cal.get_sheet_by_name(tab.name).to_python()
        assert rows[0] == [c.name for c in tab.columns]
    program = cal.get_sheet_by_name(standard.PROGRAM.name).to_python()
    assert [row[0] for row in program[1:]] == [f.name for f in standard.PROGRAM.fields]


def test_the_workbook_gets_ordinary_file_permissions(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    out = tmp_path / "ips.xlsx"
    write_template(out)
    assert out.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777
