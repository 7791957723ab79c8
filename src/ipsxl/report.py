"""Reports -> the JSON document, the text a person reads, and CSV (report.md's contract).

These are renderings only: every figure comes from the Report the core built.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence

from ipsxl import __version__
from ipsxl.core import codes, scale
from ipsxl.core.model import ERROR, INFO, WARNING, Report
from ipsxl.validate import INTERNAL_ERROR

RATE_KEYS = ("employment_rate", "retention_90")
TEXT_FLAGS_PER_TAB = 5
PLACES = 3  # figures other than counts go into the JSON to 3 places (the value as computed)


def shown(name: object) -> str:
    """A file or sheet name as it is safe to print: as it is when every character prints as
    itself, else escaped the way ``repr`` does (quotes included). A name can hold a terminal's
    escape sequences, a right-to-left override that shows ``xlsx.exe`` as ``exe.xlsx``, or bytes
    that are not UTF-8 (held as surrogates); printed raw, these would recolour or hide the
    report, or stop the program."""
    text = str(name)
    return text if text.isprintable() else repr(text)


def printable(text: object) -> str:
    """Free text (a message that quotes a sheet or cell) with each character that would not
    print as itself escaped as ``repr`` escapes it, so the line stays one readable line."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def json_text(document: object) -> str:
    """``document`` as indented JSON, with every character that would not print as itself
    written as a \\u escape: the same JSON to a parser (a file name comes back exactly, even
    one that is not UTF-8), and nothing a terminal would act on or that cannot be encoded."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else _json_escape(ch) for ch in text)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # outside the BMP: JSON spells it as a UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def problem_line(report: Report) -> str:
    """The one line that says why a workbook has no figures (without the ``ipsxl:`` prefix)."""
    if report.internal is not None:
        cause = (report.error or "").removeprefix(f"{INTERNAL_ERROR}: ")
        return f"{INTERNAL_ERROR} while checking {shown(report.file)}: {cause}"
    return f"{shown(report.file)}: {report.error}"


def _clean(value: object) -> object:
    """JSON-safe: NaN/NA become null, numpy scalars plain numbers."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if value != value:  # pandas NA, NaT
            return None
    except TypeError:
        return None
    return value


def _figure(value: object) -> object:
    """A figure for the JSON: null for no data, floats to ``PLACES``, mappings figure by figure
    (job endings and closures by reason)."""
    if isinstance(value, dict):
        return {str(k): _figure(v) for k, v in value.items()}
    value = _clean(value)
    if isinstance(value, float):
        return round(value, PLACES)
    return value


def _int_or_none(value: object) -> int | None:
    value = _clean(value)
    return None if value is None else int(value)


def flag_records(report: Report) -> list[dict[str, object]]:
    """The flags as report.md's objects (no ``col``: that is for faces pointing at cells)."""
    records = []
    for rec in report.flags.to_dict("records"):
        records.append(
            {
                "sheet": rec["sheet"],
                "row": _int_or_none(rec["row"]),
                "column": _clean(rec["column"]),
                "code": rec["code"],
                "severity": rec["severity"],
                "message": rec["message"],
                "value": _clean(rec["value"]) or None,
            }
        )
    return records


def to_dict(report: Report) -> dict[str, object]:
    """One workbook's entry of the JSON report."""
    if not report.readable:
        return {"file": report.file, "readable": False, "error": report.error}
    scores = report.scores
    return {
        "file": report.file,
        "readable": True,
        "error": None,
        "agency": report.agency,
        "program": report.program,
        "period": (
            {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()}
            if report.period
            else None
        ),
        "counts": report.counts(),
        "flags": flag_records(report),
        "fidelity": {
            "items": [
                {
                    "id": it.id,
                    "value": _figure(it.value),
                    "target": it.target,
                    "score": _clean(it.score),
                    "n": int(it.n),
                    "basis": it.basis,
                    "note": it.note or None,
                    "suggests": _clean(it.suggests),
                }
                for it in scores.items
            ],
            "scored_items": scores.scored_items,
            "data_total": scores.data_total,
            "data_max": scores.data_max,
        },
        "outcomes": {k: _figure(v) for k, v in scores.outcomes.items()},
        "specialists": [{k: _figure(v) for k, v in s.items()} for s in scores.specialists],
    }


def totals(reports: Sequence[Report]) -> dict[str, int]:
    """Counts across a batch: never a client identifier, so safe to pass between offices."""
    counts = [r.counts() for r in reports if r.readable]
    return {
        "workbooks": len(reports),
        "unreadable": sum(1 for r in reports if not r.readable),
        ERROR: sum(c[ERROR] for c in counts),
        WARNING: sum(c[WARNING] for c in counts),
    }


def to_json(reports: Sequence[Report]) -> str:
    document = {
        "ipsxl_version": __version__,
        "workbooks": [to_dict(r) for r in reports],
        "totals": totals(reports),
    }
    return json_text(document)


CSV_FIELDS = ("file", "sheet", "row", "column", "code", "severity", "message", "value")


def to_csv(reports: Sequence[Report], raw: bool = False) -> str:
    """One row per flag across workbooks; an unreadable workbook is one row saying why.

    Written for a person who opens it in Excel: names escaped as the terminal shows them, and
    no cell that Excel would run as a formula (see ``defused``). ``raw``: every text exactly as
    it is, for scripts."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for report in reports:
        file = report.file if raw else shown(report.file)
        if not report.readable:
            rows = [
                {
                    "file": file,
                    "code": codes.UNREADABLE.name,
                    "severity": codes.UNREADABLE.severity,
                    "message": report.error,
                }
            ]
        else:
            rows = [{**rec, "file": file} for rec in flag_records(report)]
        for row in rows:
            if not raw:
                if row.get("sheet") is not None:
                    row["sheet"] = shown(row["sheet"])
                row["message"] = printable(row["message"])
                row = {k: defused(v) for k, v in row.items()}
            writer.writerow(row)
    return out.getvalue()


# What makes Excel (or LibreOffice) read a CSV cell as a formula rather than text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(value: object) -> object:
    """A text that would run as a formula when the CSV is opened, kept as text by a leading
    apostrophe (OWASP's advice for CSV injection). Numbers are left alone, also as text
    ("-5" is read as the number it is, never run), and so is any other text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _number(value):
        return "'" + value
    return value


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text == text.strip()


def _fmt(value: object, digits: int = 1) -> str:
    value = _clean(value)
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _percent(value: object) -> str:
    value = _clean(value)
    return "-" if value is None else f"{value:.1%}"


def to_text(report: Report, full_report: str | None = None) -> str:
    """What a person reads in a terminal: the state of one workbook at a glance."""
    if report.internal is not None:
        return problem_line(report) + "\n"
    if not report.readable:
        return f"{shown(report.file)}: UNREADABLE: {report.error}\n"
    c = report.counts()
    period = (
        f"{report.period.start.isoformat()} to {report.period.end.isoformat()}"
        if report.period
        else "no reporting period"
    )
    lines = [
        f"{shown(report.file)}: {shown(report.agency or '(no agency)')}, {period}",
        f"  {c[ERROR]} errors, {c[WARNING]} warnings, {c[INFO]} notes",
    ]
    lines += _flag_lines(report)
    lines += _score_lines(report)
    if full_report:
        lines.append(f"  full report: {shown(full_report)}")
    elif len(report.flags) > TEXT_FLAGS_PER_TAB:
        lines.append("  every flag: ipsxl validate --format json (or --out DIR)")
    return "\n".join(lines) + "\n"


def _flag_lines(report: Report) -> list[str]:
    """The flags per tab, tabs in the order their first flag comes (a flag without a tab is not
    listed here, as pandas' groupby leaves it out), the first few of each in full."""
    by_sheet: dict[object, list[dict[str, object]]] = {}
    for rec in report.flags.to_dict("records"):
        if _clean(rec["sheet"]) is not None:
            by_sheet.setdefault(rec["sheet"], []).append(rec)
    lines = []
    for sheet, group in by_sheet.items():
        lines.append(f"  {shown(sheet)}: {len(group)} flags")
        for rec in group[:TEXT_FLAGS_PER_TAB]:
            where = f"row {int(rec['row'])}" if _clean(rec["row"]) is not None else "tab"
            column = f", {rec['column']}" if _clean(rec["column"]) else ""
            lines.append(
                f"    {rec['severity']:<7} {where}{column}: {printable(rec['message'])}"
                f" [{rec['code']}]"
            )
        if len(group) > TEXT_FLAGS_PER_TAB:
            lines.append(f"    ... and {len(group) - TEXT_FLAGS_PER_TAB} more")
    return lines


def _score_lines(report: Report) -> list[str]:
    scores = report.scores
    lines = [
        "  Fidelity items from the data (IPS-25):",
        f"    {'item':<27}{'value':>8}  {'target':<18}{'score':>11}{'n':>7}  basis",
    ]
    for it in scores.items:
        score = f"suggests {it.suggests}" if it.suggests is not None else _fmt(it.score)
        lines.append(
            f"    {it.id:<27}{_fmt(it.value):>8}  {it.target:<18}"
            f"{score:>11}{it.n:>7}  {it.basis}" + (f"  ({it.note})" if it.note else "")
        )
    lines.append(
        f"    data total {scores.data_total} of {scores.data_max}"
        f" ({scores.scored_items} items scored from the data; indicators are never counted;"
        f" the other {scale.ITEM_COUNT - scores.scored_items} need a reviewer)"
    )
    return lines + _outcome_lines(scores.outcomes) + _specialist_lines(scores.specialists)


def _outcome_lines(o: dict[str, object]) -> list[str]:
    rate = f"{_fmt(o.get('employed_clients'))} employed ({_percent(o.get('employment_rate'))};"
    rate += " benchmark 41% average)"
    lines = [
        f"  Outcomes: {_fmt(o.get('active_clients'))} active clients, {rate},"
        f" {_fmt(o.get('job_starts'))} job starts",
    ]
    if o.get("employment_rate_note"):
        lines.append(f"    note: {o['employment_rate_note']}")
    lines += [
        f"    {_fmt(o.get('new_enrollments'))} new enrollments,"
        f" {_fmt(o.get('clients_with_job_start'))} clients with a job start,"
        f" {_fmt(o.get('first_jobs'))} first jobs"
        f" (median {_fmt(o.get('days_to_first_job'))} days from enrollment),"
        f" {_fmt(o.get('in_education'))} in education",
        f"    {_percent(o.get('retention_90'))} of jobs kept 90 days;"
        f" wages mean {_money(o.get('mean_wage'))}, median {_money(o.get('median_wage'))};"
        f" {_fmt(o.get('mean_hours'))} hours a week",
        f"    job endings: {_by_reason(o.get('job_endings'))}",
        f"    closures: {_by_reason(o.get('closures'))}",
    ]
    return lines


def _money(value: object) -> str:
    value = _clean(value)
    return "-" if value is None else f"{value:.2f}"


def _by_reason(counts: object) -> str:
    if not isinstance(counts, dict):
        return "-"
    if not counts:
        return "none"
    return f"{sum(counts.values())} (" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")"


SPECIALIST_TEXT = (
    ("name", "specialist", 22, 0),
    ("caseload", "caseload", 9, 0),
    ("caseload_per_fte", "per FTE", 8, 1),
    ("employment_services_pct", "ES %", 6, 0),
    ("face_to_face_contacts", "contacts", 9, 0),
    ("contacts_per_week", "a week", 7, 1),
    ("employed_clients", "employed", 9, 0),
    ("employment_rate", "rate", 7, None),
    ("job_starts", "starts", 7, 0),
    ("in_education", "education", 10, 0),
)


def _specialist_lines(records: Sequence[dict[str, object]]) -> list[str]:
    if not records:
        return []
    head = "".join(
        f"{title:<{width}}" if key == "name" else f"{title:>{width}}"
        for key, title, width, _ in SPECIALIST_TEXT
    )
    lines = ["  Employment specialists:", f"    {head}"]
    for rec in records:
        cells = []
        for key, _, width, digits in SPECIALIST_TEXT:
            value = rec.get(key)
            if key == "name":
                cells.append(f"{str(value)[: width - 1]:<{width}}")
            elif digits is None:
                cells.append(f"{_percent(value):>{width}}")
            else:
                cells.append(f"{_fmt(value, digits) if digits else _whole(value):>{width}}")
        lines.append("    " + "".join(cells))
    return lines


def _whole(value: object) -> str:
    value = _clean(value)
    return "-" if value is None else f"{value:.0f}"


def batch_text(reports: Sequence[Report]) -> str:
    t = totals(reports)
    return (
        f"{t['workbooks']} workbooks: {t['unreadable']} unreadable,"
        f" {t[ERROR]} errors, {t[WARNING]} warnings\n"
    )


def exit_code(reports: Sequence[Report]) -> int:
    """report.md: 2 if any workbook could not be read, else 1 if any error flag, else 0."""
    if any(not r.readable for r in reports):
        return 2
    return 1 if any(r.counts()[ERROR] for r in reports) else 0
