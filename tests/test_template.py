"""The empty standard workbook: what a person opening it in Excel would check.

Tabs and headers in the standard's order, drop-downs with the standard's choices, date formats,
a frozen header, widths and help notes; read back with openpyxl (formats) and python-calamine
(what the reader sees).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from ipsxl import standard, template
from ipsxl.template import write_template

SHIPPED = Path(__file__).resolve().parents[1] / "workbooks" / "template.xlsx"
TABLE_TABS = [t for t in standard.TABS if not t.fields]


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


def test_every_tab_in_the_standards_order(book: openpyxl.Workbook, path: Path) -> None:
    names = [t.name for t in standard.TABS]
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
        if fld.help:
            assert fld.help in ws.cell(row=i + 2, column=1).comment.text


def test_headers_are_bold_filled_and_frozen(book: openpyxl.Workbook) -> None:
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


def test_dropdowns_on_choice_and_yes_no_columns(book: openpyxl.Workbook) -> None:
    for tab in TABLE_TABS:
        found = validations_by_column(book[tab.name])
        for i, col in enumerate(tab.columns, 1):
            letter = get_column_letter(i)
            if col.type == standard.CHOICE:
                expected = list(col.choices)
            elif col.type == standard.YESNO:
                expected = list(template.yes_no_choices())
            else:
                assert letter not in found, f"{tab.name}.{col.name} has a drop-down"
                continue
            [(dv, rng)] = found[letter]
            assert dv.type == "list"
            assert listed(dv) == expected
            assert rng.min_row == 2 and rng.max_row >= template.FORMATTED_ROWS
            assert rng.min_col == rng.max_col == i


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


def test_the_template_holds_no_data(path: Path) -> None:
    cal = CalamineWorkbook.from_path(path)
    for tab in TABLE_TABS:
        rows = cal.get_sheet_by_name(tab.name).to_python()
        assert all(v == "" for row in rows[1:] for v in row)


def test_writing_replaces_a_file_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "ips.xlsx"
    out.write_bytes(b"an old file")
    write_template(out)
    assert openpyxl.load_workbook(out).sheetnames == [t.name for t in standard.TABS]
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
    assert cal.sheet_names == [t.name for t in standard.TABS]
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
