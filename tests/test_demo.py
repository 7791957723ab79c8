"""The demo workbook: laid out like the template, realistic, deterministic, with its mistakes.

Everything is checked the way a person would, by reading the written file back (python-calamine
for values, openpyxl for formats) and looking at the cells; nothing peeks at the generator.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from ipsxl.core import standard
from ipsxl.core.standard import fold
from ipsxl.make import mistakes, template
from ipsxl.make.clients import CLOSED, ENROLLED_WITHIN
from ipsxl.make.contacts import EMAIL, FACE_TO_FACE, PHONE
from ipsxl.make.demo import write_demo
from ipsxl.make.mistakes import mistakes_per_kind
from ipsxl.make.staff import CASELOAD_PER_FTE, PLANNER_ROLE, SPECIALIST_ROLE, SUPERVISOR_ROLE

CLIENTS, SEED = 40, 7
SMALL_SEEDS = (1, 2)  # more programs of CLIENTS clients, besides SEED's
LARGER_SEEDS = (1, 2, 3)  # programs of 200 clients
SHIPPED = Path(__file__).resolve().parents[1] / "workbooks" / "example.xlsx"
TABLE_TABS = [t for t in standard.TABS if not t.fields]
US = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Row = dict[str, object]


@dataclass
class Book:
    """A workbook as a person reads it: Program fields, and each tab's rows by column name."""

    program: dict[str, object]
    tables: dict[str, list[Row]]
    header_rows: dict[str, int]  # 1-based, as Excel shows it
    headers: dict[str, list[str]]  # the header texts as typed

    @property
    def start(self) -> dt.date:
        return self.program["Period Start"]

    @property
    def end(self) -> dt.date:
        return self.program["Period End"]


def read_book(path: Path) -> Book:
    cal = CalamineWorkbook.from_path(path)
    program_rows = cal.get_sheet_by_name(standard.PROGRAM.name).to_python()
    program = {r[0]: (None if r[1] == "" else r[1]) for r in program_rows[1:]}
    tables, header_rows, headers = {}, {}, {}
    for tab in TABLE_TABS:
        rows = cal.get_sheet_by_name(tab.name).to_python()
        lookup = standard.header_lookup(tab)
        at = next(
            i
            for i, row in enumerate(rows)
            if sum(fold(v) in lookup for v in row if v != "") >= len(tab.columns) / 2
        )
        names = [lookup[fold(v)].name if fold(v) in lookup else None for v in rows[at]]
        tables[tab.name] = [
            {n: (None if v == "" else v) for n, v in zip(names, row, strict=True) if n}
            for row in rows[at + 1 :]
            if any(v != "" for v in row)
        ]
        header_rows[tab.name] = at + 1
        headers[tab.name] = [str(v) for v in rows[at]]
    return Book(program, tables, header_rows, headers)


def as_date(value: object) -> dt.date | None:
    """A cell as the standard reads a date: a real date, or ISO or US text; else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            if ISO.match(value):
                return dt.date.fromisoformat(value)
            if US.match(value):
                return dt.datetime.strptime(value, "%m/%d/%Y").date()
        except ValueError:
            return None
    return None


def is_yes(value: object) -> bool:
    return value is not None and fold(value) in standard.YES_WORDS


def choice(col: standard.Column, value: object) -> str | None:
    return standard.choice_lookup(col).get(fold(value)) if value is not None else None


def date_columns(tab: standard.Tab) -> list[str]:
    return [c.name for c in tab.columns if c.type == standard.DATE]


@pytest.fixture(scope="module")
def demo_at(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int, int], Path]:
    """``demo_at(clients, seed)``: the demo workbook of that size and seed, written once for
    the module (each write takes most of a second) and read, never changed, by the tests."""
    folder = tmp_path_factory.mktemp("demos")
    written: dict[tuple[int, int], Path] = {}

    def demo_at(clients: int, seed: int) -> Path:
        if (clients, seed) not in written:
            path = folder / f"demo-{clients}-{seed}.xlsx"
            write_demo(path, clients=clients, seed=seed)
            written[(clients, seed)] = path
        return written[(clients, seed)]

    return demo_at


@pytest.fixture(scope="module")
def example_path(demo_at: Callable[[int, int], Path]) -> Path:
    return demo_at(CLIENTS, SEED)


@pytest.fixture(scope="module")
def book(example_path: Path) -> Book:
    return read_book(example_path)


@pytest.fixture(scope="module")
def k() -> int:
    return mistakes_per_kind(CLIENTS)


# --- layout ----------------------------------------------------------------------------------


def test_every_tab_and_column_of_the_standard(example_path: Path, book: Book) -> None:
    assert CalamineWorkbook.from_path(example_path).sheet_names == [
        template.INSTRUCTIONS,
        *(t.name for t in standard.TABS),
    ]
    for tab in TABLE_TABS:
        lookup = standard.header_lookup(tab)
        assert [lookup[fold(h)].name for h in book.headers[tab.name]] == [
            c.name for c in tab.columns
        ]


def test_one_tab_has_a_title_row_and_one_header_an_alias(book: Book) -> None:
    titled = [name for name, row in book.header_rows.items() if row > 1]
    assert titled
    aliased = [
        (tab.name, h)
        for tab in TABLE_TABS
        for h, col in zip(book.headers[tab.name], tab.columns, strict=True)
        if h != col.name
    ]
    assert aliased
    for tab_name, header in aliased:
        col = standard.header_lookup(standard.TABS_BY_NAME[tab_name])[fold(header)]
        assert header in col.aliases


def test_formats_like_the_template(example_path: Path, book: Book) -> None:
    wb = openpyxl.load_workbook(example_path)
    for tab in TABLE_TABS:
        ws = wb[tab.name]
        header = book.header_rows[tab.name]
        assert ws.freeze_panes == f"A{header + 1}"
        assert all(cell.font.b for cell in ws[header])
        lists = {
            get_column_letter(r.min_col): dv.formula1.strip('"').split(",")
            for dv in ws.data_validations.dataValidation
            for r in dv.sqref.ranges
            if dv.type == "list" and not dv.formula1.startswith("INDIRECT")
        }
        dates, figures = [], []
        for i, col in enumerate(tab.columns, 1):
            letter = get_column_letter(i)
            if col.choices or col.type == standard.YESNO:
                assert lists[letter] == list(template.column_choices(col))
            cells = [ws.cell(row=r, column=i) for r in range(header + 1, header + 30)]
            if col.type == standard.DATE:
                dates += [c for c in cells if isinstance(c.value, dt.datetime)]
            if col.type in (standard.NUMBER, standard.PERCENT):
                figures += [c for c in cells if isinstance(c.value, int | float)]
        assert all(c.number_format == template.DATE_FORMAT for c in dates)
        # dates and figures centred, clear of the left-aligned text of the next column
        assert all(c.alignment.horizontal == "center" for c in dates + figures)
        assert dates or not any(c.type == standard.DATE for c in tab.columns)
        assert figures or not any(c.type == standard.NUMBER for c in tab.columns)


def test_each_tab_is_an_excel_table_over_its_rows(example_path: Path, book: Book) -> None:
    """Named as in the template, from the header to the last row, so Caseload[#All] is the
    caseload and the Client ID drop-downs list exactly its IDs."""
    wb = openpyxl.load_workbook(example_path)
    for tab in TABLE_TABS:
        [(name, ref)] = wb[tab.name].tables.items()
        assert name == template.table_name(tab)
        header = book.header_rows[tab.name]
        last = header + len(book.tables[tab.name])
        assert ref == f"A{header}:{get_column_letter(len(tab.columns))}{last}"


# --- the program -----------------------------------------------------------------------------


def test_program_tab(book: Book) -> None:
    assert book.program["Agency"]
    assert isinstance(book.start, dt.date) and isinstance(book.end, dt.date)
    assert book.start < book.end
    supervisors = {r["Name"] for r in book.tables["Staff"] if r["Role"] == SUPERVISOR_ROLE}
    assert book.program["Supervisor"] in supervisors


def test_staff_tab(book: Book) -> None:
    staff = book.tables["Staff"]
    roles = Counter(r["Role"] for r in staff)
    assert roles[SPECIALIST_ROLE] >= 1
    assert roles[SUPERVISOR_ROLE] >= 1 and roles[PLANNER_ROLE] >= 1
    supervisors = {r["Name"] for r in staff if r["Role"] == SUPERVISOR_ROLE}
    fte, community = standard.STAFF.column("FTE"), standard.STAFF.column("Community Hours %")
    for r in staff:
        assert fte.minimum < r["FTE"] <= fte.maximum
        assert community.minimum <= r["Community Hours %"] <= community.maximum
        assert fold(r["IPS Only"]) in standard.YES_WORDS + standard.NO_WORDS
        if r["Role"] == SPECIALIST_ROLE:
            assert r["Supervisor"] in supervisors
            assert_services_share_agrees_with_ips_only(r)


def assert_services_share_agrees_with_ips_only(specialist: dict) -> None:
    """All of an IPS-only specialist's time goes to employment services; some, not all, of
    the others'."""
    share = specialist["Employment Services %"]
    if fold(specialist["IPS Only"]) in standard.YES_WORDS:
        assert share == 100
    else:
        assert 0 < share < 100


@pytest.mark.parametrize("seed", LARGER_SEEDS)
def test_a_larger_team_has_a_few_specialists_sharing_their_time(demo_at, seed: int) -> None:
    staff = read_book(demo_at(200, seed)).tables["Staff"]
    specialists = [r for r in staff if r["Role"] == SPECIALIST_ROLE]
    for r in specialists:
        assert_services_share_agrees_with_ips_only(r)
    shared = [r for r in specialists if r["Employment Services %"] < 100]
    assert 1 <= len(shared) <= len(specialists) // 4


def test_caseloads_per_full_time_specialist_in_range(book: Book) -> None:
    specialists = [r for r in book.tables["Staff"] if r["Role"] == SPECIALIST_ROLE]
    low, high = CASELOAD_PER_FTE
    assert low <= CLIENTS / sum(r["FTE"] for r in specialists) <= high


def test_values_look_real(book: Book) -> None:
    caseload, jobs = book.tables["Caseload"], book.tables["Jobs"]
    log = book.tables["Employer Log"]
    assert all(re.match(r"^C-\d{5}$", str(r["Client ID"])) for r in caseload + jobs)
    assert len({r["Employer"] for r in jobs}) > len(jobs) / 2
    assert len({r["Job Type"] for r in jobs}) >= 10
    wages = [r["Hourly Wage"] for r in jobs]
    assert all(14 <= w <= 25 for w in wages)
    hours = [r["Hours Per Week"] for r in jobs if r["Hours Per Week"] not in mistakes.BAD_HOURS]
    assert all(5 <= h <= 40 for h in hours)
    ended = [r for r in jobs if as_date(r["Job End Date"])]
    assert ended and all(r["End Reason"] in standard.END_REASONS for r in ended)
    contact_type = standard.EMPLOYER_LOG.column("Contact Type")
    types = Counter(choice(contact_type, r["Contact Type"]) for r in log)
    assert types[FACE_TO_FACE] > 0.6 * len(log)
    assert types[PHONE] and types[EMAIL]
    hiring = Counter(is_yes(r["Hiring Manager"]) for r in log)
    assert hiring[True] and hiring[False]
    for_clients = [r for r in log if r["Client ID"]]
    prefers = sum(is_yes(r["Client Preference"]) for r in for_clients)
    assert 0.75 < prefers / len(for_clients) < 1
    assert len({r["Status"] for r in book.tables["Benefits Referrals"]}) >= 3


def test_dates_fit_the_period(book: Book) -> None:
    """Enrollments over the two years before the period ends; the logs within the period."""
    earliest = book.end - dt.timedelta(days=ENROLLED_WITHIN)
    enrolled = [as_date(r["Enrollment Date"]) for r in book.tables["Caseload"]]
    assert all(earliest < d <= book.end for d in enrolled)
    assert min(enrolled) < book.start - dt.timedelta(days=180)
    assert max(enrolled) >= book.start
    for tab in TABLE_TABS:
        for r in book.tables[tab.name]:
            for name in date_columns(tab):
                d = as_date(r[name])
                assert d is None or d <= book.end, (tab.name, name, d)
    for tab in (standard.EMPLOYER_LOG, standard.BENEFITS_REFERRALS):
        first = date_columns(tab)[0]
        days = [as_date(r[first]) for r in book.tables[tab.name]]
        assert all(book.start <= d <= book.end for d in days)


def test_rapid_job_search_is_realistic(book: Book) -> None:
    delays = [
        (as_date(r["First Employer Contact"]) - as_date(r["Enrollment Date"])).days
        for r in book.tables["Caseload"]
        if as_date(r["First Employer Contact"]) and as_date(r["Enrollment Date"])
    ]
    assert len(delays) > CLIENTS / 2
    assert 5 <= statistics.mean(delays) <= 30


# --- determinism and scale -------------------------------------------------------------------


def all_values(path: Path) -> dict[str, list[list[object]]]:
    cal = CalamineWorkbook.from_path(path)
    return {name: cal.get_sheet_by_name(name).to_python() for name in cal.sheet_names}


def test_same_seed_same_workbook_other_seed_other_workbook(
    tmp_path: Path, example_path: Path, demo_at
) -> None:
    again = tmp_path / "again.xlsx"
    write_demo(again, clients=CLIENTS, seed=SEED)
    other = demo_at(CLIENTS, SMALL_SEEDS[0])  # another seed than SEED
    assert all_values(again) == all_values(example_path)
    assert all_values(other) != all_values(example_path)


def test_contacts_per_client_makes_a_log_of_that_size(tmp_path: Path) -> None:
    """The benchmarks' stress workbook: the realistic figures elsewhere, the log's size set."""
    clients, per_client = 200, 25
    path = tmp_path / "stress.xlsx"
    write_demo(path, clients=clients, seed=3, contacts_per_client=per_client)
    book = read_book(path)
    log = book.tables["Employer Log"]
    # each specialist's weeks are rounded, and a planted week of leave is not scaled
    assert abs(len(log) - per_client * clients) <= 0.02 * per_client * clients
    slack = mistakes_per_kind(clients) + 1  # a planted duplicate row per mistake
    assert abs(len(book.tables["Caseload"]) - clients) <= slack


# --- calibrated to published IPS ranges ------------------------------------------------------


def figures(path: Path) -> dict:
    """The report ipsxl gives for a workbook: what a supervisor reads the program by."""
    from ipsxl.report import to_dict
    from ipsxl.validate import check_file

    return to_dict(check_file(path))


def assert_realistic(report: dict, rate: tuple[float, float], starts: tuple[float, float]) -> None:
    outcomes = report["outcomes"]
    items = {i["id"]: i for i in report["fidelity"]["items"]}
    assert rate[0] <= outcomes["employment_rate"] <= rate[1]
    assert starts[0] <= outcomes["job_starts"] / outcomes["active_clients"] <= starts[1]
    specialists = [s for s in report["specialists"] if s["kind"] == "specialist"]
    assert specialists
    for spec in specialists:
        assert 4 <= spec["contacts_per_week"] <= 8, spec
    assert 4.5 <= items["employer_contacts"]["value"] <= 7.5
    assert 15 <= items["caseload_size"]["value"] <= 25
    assert items["diversity_employers"]["value"] >= 80


@pytest.mark.parametrize("seed", LARGER_SEEDS)
def test_a_larger_program_is_calibrated_whatever_the_seed(demo_at, seed: int) -> None:
    """200 clients: about 40% employed, about an eighth starting a job, 4-8 visits a week."""
    assert_realistic(figures(demo_at(200, seed)), rate=(0.35, 0.47), starts=(0.09, 0.16))


@pytest.mark.parametrize("seed", [*SMALL_SEEDS, SEED])
def test_a_small_program_is_calibrated_within_its_noise(demo_at, seed: int) -> None:
    report = figures(demo_at(CLIENTS, seed))
    assert_realistic(report, rate=(0.3, 0.5), starts=(0.075, 0.175))
    items = {i["id"]: i for i in report["fidelity"]["items"]}
    assert items["diversity_job_types"]["value"] >= 50  # mostly different kinds of work


def test_the_shipped_example_is_the_documented_demo(example_path: Path) -> None:
    """workbooks/example.xlsx is write_demo(path, clients=40, seed=7), regenerated."""
    assert all_values(SHIPPED) == all_values(example_path)


# --- planted mistakes ------------------------------------------------------------------------


def date_strings(book: Book) -> list[tuple[str, str, str]]:
    """(tab, column, text) of every date cell that holds text."""
    return [
        (tab.name, name, r[name])
        for tab in TABLE_TABS
        for r in book.tables[tab.name]
        for name in date_columns(tab)
        if isinstance(r[name], str)
    ]


def test_dates_that_are_not_dates(book: Book, k: int) -> None:
    bad = [text for _, _, text in date_strings(book) if as_date(text) is None]
    assert sorted(bad) == sorted(mistakes.BAD_DATES[:k])
    assert "13/45/2026" in bad


def test_valid_us_and_iso_dates_typed_as_text(book: Book, k: int) -> None:
    good = [(tab, text) for tab, _, text in date_strings(book) if as_date(text)]
    assert sum(bool(US.match(text)) for _, text in good) == k
    assert sum(bool(ISO.match(text)) for _, text in good) == k
    log_text = [text for tab, text in good if tab == "Employer Log"]
    assert log_text and all(US.match(t) for t in log_text)


def test_blank_required_cells(book: Book, k: int) -> None:
    blanks = [
        (tab.name, c.name)
        for tab in TABLE_TABS
        for r in book.tables[tab.name]
        for c in tab.required_columns
        if r[c.name] is None
    ]
    assert len(blanks) == k
    assert ("Jobs", "Employer") in blanks


def test_a_client_id_repeats_in_caseload(book: Book, k: int) -> None:
    counts = Counter(r["Client ID"] for r in book.tables["Caseload"])
    assert sum(n - 1 for n in counts.values()) == k


def test_jobs_of_clients_not_in_caseload(book: Book, k: int) -> None:
    known = {r["Client ID"] for r in book.tables["Caseload"]}
    assert len([r for r in book.tables["Jobs"] if r["Client ID"] not in known]) == k


def test_a_job_ends_before_it_starts(book: Book, k: int) -> None:
    backwards = [
        r
        for r in book.tables["Jobs"]
        if as_date(r["Job Start Date"])
        and as_date(r["Job End Date"])
        and as_date(r["Job End Date"]) < as_date(r["Job Start Date"])
    ]
    assert len(backwards) == k


def test_a_closed_case_without_closed_date(book: Book) -> None:
    assert any(r["Status"] == CLOSED and r["Closed Date"] is None for r in book.tables["Caseload"])


def test_choices_and_yes_no_not_in_their_lists(book: Book, k: int) -> None:
    wrong_choice, wrong_yes_no = [], []
    for tab in TABLE_TABS:
        for col in tab.columns:
            for r in book.tables[tab.name]:
                value = r[col.name]
                if value is None:
                    continue
                if col.type == standard.CHOICE and choice(col, value) is None:
                    wrong_choice.append((tab.name, col.name, value))
                if col.type == standard.YESNO and fold(value) not in (
                    standard.YES_WORDS + standard.NO_WORDS
                ):
                    wrong_yes_no.append(value)
    assert ("Employer Log", "Contact Type", "Drop-in") in wrong_choice
    assert len(wrong_choice) == k
    assert "maybe" in wrong_yes_no and len(wrong_yes_no) == k


def test_hours_out_of_range(book: Book, k: int) -> None:
    hours = standard.JOBS.column("Hours Per Week")
    too_many = [
        r["Hours Per Week"]
        for r in book.tables["Jobs"]
        if r["Hours Per Week"] is not None and r["Hours Per Week"] > hours.maximum
    ]
    assert 95 in too_many and len(too_many) == k


def test_a_specialist_in_employer_log_not_on_staff(book: Book, k: int) -> None:
    staff = {fold(r["Name"]) for r in book.tables["Staff"]}
    strangers = {
        r["Employment Specialist"]
        for r in book.tables["Employer Log"]
        if r["Employment Specialist"] and fold(r["Employment Specialist"]) not in staff
    }
    assert 1 <= len(strangers) <= k


def test_slow_job_search(book: Book, k: int) -> None:
    slow = []
    for r in book.tables["Caseload"]:
        enrolled, first = as_date(r["Enrollment Date"]), as_date(r["First Employer Contact"])
        waited = ((first or book.end) - enrolled).days
        if waited > 30:
            slow.append(r["Client ID"])
    assert len(set(slow)) == k


def test_a_job_start_with_no_contact_around_it(book: Book) -> None:
    assert any(
        book.start <= as_date(r["Job Start Date"]) <= book.end
        and r["Pre-Start Contact"] is None
        and r["Post-Start Contact"] is None
        for r in book.tables["Jobs"]
        if as_date(r["Job Start Date"])
    )


def test_a_benefits_client_starts_a_job_with_no_referral(book: Book) -> None:
    benefits = {r["Client ID"] for r in book.tables["Caseload"] if is_yes(r["Receives Benefits"])}
    referred: dict[str, list[dt.date]] = {}
    for r in book.tables["Benefits Referrals"]:
        referred.setdefault(r["Client ID"], []).append(as_date(r["Referral Date"]))
    missed = [
        r
        for r in book.tables["Jobs"]
        if r["Client ID"] in benefits
        and as_date(r["Job Start Date"])
        and book.start <= as_date(r["Job Start Date"]) <= book.end
        and not any(d <= as_date(r["Job Start Date"]) for d in referred.get(r["Client ID"], []))
    ]
    assert missed


def test_a_specialist_week_with_few_face_to_face_contacts(book: Book, k: int) -> None:
    specialists = {r["Name"] for r in book.tables["Staff"] if r["Role"] == SPECIALIST_ROLE}
    contact_type = standard.EMPLOYER_LOG.column("Contact Type")
    full_weeks = ((book.end - book.start).days + 1) // 7
    per_week = Counter({(s, w): 0 for s in specialists for w in range(full_weeks)})
    for r in book.tables["Employer Log"]:
        day = as_date(r["Date"])
        week = (day - book.start).days // 7
        if (
            r["Employment Specialist"] in specialists
            and week < full_weeks
            and choice(contact_type, r["Contact Type"]) == FACE_TO_FACE
        ):
            per_week[r["Employment Specialist"], week] += 1
    low = [key for key, n in per_week.items() if n <= mistakes.LOW_WEEK_CONTACTS]
    assert len(low) == min(k, len(specialists))


# --- the command ------------------------------------------------------------------------------


def test_demo_command_names_the_agency_program_and_period(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ipsxl.cli import main

    out = tmp_path / "north-q1.xlsx"
    args = ["demo", str(out), "--clients", "30", "--seed", "2", "--agency", "North Valley"]
    args += ["--program", "Team A", "--start", "2026-01-01", "--end", "2026-03-31"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    book = read_book(out)
    assert book.program["Agency"] == "North Valley" and book.program["Program"] == "Team A"
    assert (book.start, book.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    days = [as_date(r["Date"]) for r in book.tables["Employer Log"]]
    assert min(days) >= book.start and max(days) <= book.end

    alone = tmp_path / "alone.xlsx"
    result = CliRunner().invoke(main, ["demo", str(alone), "--agency", "Lakeside"])
    assert result.exit_code == 0, result.output
    assert read_book(alone).program["Program"] is None  # no invented team for a named agency


def test_demo_command_refuses_a_period_that_ends_before_it_starts(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ipsxl.cli import main

    out = tmp_path / "backwards.xlsx"
    args = ["demo", str(out), "--start", "2026-09-30", "--end", "2026-07-01"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "before --start" in result.output
    assert not out.exists()
