"""Reports -> the JSON document, the text a person reads, and CSV (report.md's contract).

These are renderings only: every figure comes from the Report the core built.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence

from ipsxl import __version__, codes, scale
from ipsxl.model import ERROR, INFO, WARNING, Report

RATE_KEYS = ("employment_rate", "retention_90")
TEXT_FLAGS_PER_TAB = 5
PLACES = 3  # figures other than counts go into the JSON to 3 places (the value as computed)


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
    return json.dumps(document, indent=2, ensure_ascii=False)


CSV_FIELDS = ("file", "sheet", "row", "column", "code", "severity", "message", "value")


def to_csv(reports: Sequence[Report]) -> str:
    """One row per flag across workbooks; an unreadable workbook is one row saying why."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for report in reports:
        if not report.readable:
            writer.writerow(
                {
                    "file": report.file,
                    "code": codes.UNREADABLE.name,
                    "severity": codes.UNREADABLE.severity,
                    "message": report.error,
                }
            )
            continue
        for rec in flag_records(report):
            writer.writerow({"file": report.file, **rec})
    return out.getvalue()


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
    if not report.readable:
        return f"{report.file}: UNREADABLE: {report.error}\n"
    c = report.counts()
    period = (
        f"{report.period.start.isoformat()} to {report.period.end.isoformat()}"
        if report.period
        else "no reporting period"
    )
    lines = [
        f"{report.file}: {report.agency or '(no agency)'}, {period}",
        f"  {c[ERROR]} errors, {c[WARNING]} warnings, {c[INFO]} notes",
    ]
    lines += _flag_lines(report)
    lines += _score_lines(report)
    if full_report:
        lines.append(f"  full report: {full_report}")
    elif len(report.flags) > TEXT_FLAGS_PER_TAB:
        lines.append("  every flag: ipsxl validate --format json (or --out DIR)")
    return "\n".join(lines) + "\n"


def _flag_lines(report: Report) -> list[str]:
    lines = []
    for sheet, group in report.flags.groupby("sheet", sort=False):
        lines.append(f"  {sheet}: {len(group)} flags")
        for rec in group.head(TEXT_FLAGS_PER_TAB).to_dict("records"):
            where = f"row {int(rec['row'])}" if _clean(rec["row"]) is not None else "tab"
            column = f", {rec['column']}" if _clean(rec["column"]) else ""
            lines.append(
                f"    {rec['severity']:<7} {where}{column}: {rec['message']} [{rec['code']}]"
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
