"""--start and --end as an analyst types them: a wrong form or a reversed period is a usage error
(exit 2, one line that says what is expected), never a report of "no reporting period"."""

from __future__ import annotations

import pytest
from builders import clean_tabs, write_workbook
from click.testing import CliRunner

from ipsxl.cli import main


def invoke(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1 mixes stderr into output by default
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return write_workbook(tmp_path_factory.mktemp("dates") / "a.xlsx", clean_tabs())


@pytest.mark.parametrize("command", ["validate", "check", "summary"])
def test_start_after_end_is_a_usage_error(book, command):
    extra = ["--format", "json"] if command == "summary" else []
    result = invoke(command, str(book), *extra, "--start", "2026-09-30", "--end", "2026-07-01")
    assert result.exit_code == 2
    assert "--start 2026-09-30 is after --end 2026-07-01" in result.stderr
    assert result.stdout == ""
    assert not book.with_name("a.checked.xlsx").exists()


def test_the_same_day_for_start_and_end_is_a_period(book):
    result = invoke("validate", str(book), "--start", "2026-08-01", "--end", "2026-08-01")
    assert result.exit_code in (0, 1), result.stderr
    assert "2026-08-01 to 2026-08-01" in result.stdout


@pytest.mark.parametrize("typed", ["07/01/2026", "2026-13-01", "July 1", "2026-7-1x"])
@pytest.mark.parametrize("option", ["--start", "--end"])
def test_a_date_in_another_form_names_the_form_in_words(book, typed, option):
    result = invoke("validate", str(book), option, typed)
    assert result.exit_code == 2
    assert f"expected a date such as 2026-07-01, not {typed!r}" in result.stderr
    assert "%Y" not in result.stderr
    assert "Traceback" not in result.stderr


def test_help_shows_the_form(book):
    result = invoke("validate", "--help")
    assert "--start DATE" in result.stdout and "2026-07-01" in result.stdout
