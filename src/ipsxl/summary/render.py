"""The Submissions table as CSV or JSON on stdout, and the lines a person reads in a terminal.

CSV and JSON use the column keys (``file``, ``needs_correction``, item ids...), as validate's
CSV and JSON do; the workbook uses the headers a person reads. Rates stay fractions (report.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from ipsxl.report import defused, json_text, shown
from ipsxl.summary.table import SUBMISSION_COLUMNS, YESNO, Summary
from ipsxl.validate import INTERNAL_ERROR


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def to_json(summary: Summary) -> str:
    """``{"ipsxl_version", "submissions": [row...], "totals"}``: counts, rates and scores only."""
    rows = [{c.key: _plain(s.row[c.key]) for c in SUBMISSION_COLUMNS} for s in summary.rows]
    document = {
        "ipsxl_version": summary.version,
        "submissions": rows,
        "totals": totals(summary),
    }
    return json_text(document)


def to_csv(summary: Summary, raw: bool = False) -> str:
    """One line per workbook; yes/no columns as ``yes``/``no``, blanks where nothing applies.

    For a person who opens it in Excel, as validate's CSV (``report.to_csv``): file names
    escaped as printed, no text Excel would run as a formula; ``raw`` keeps every text as is."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in SUBMISSION_COLUMNS])
    for sub in summary.rows:
        line = []
        for c in SUBMISSION_COLUMNS:
            value = sub.row[c.key]
            if value is None:
                line.append("")
            elif c.kind == YESNO:
                line.append("yes" if value else "no")
            elif raw:
                line.append(_plain(value))
            else:
                line.append(defused(shown(value) if c.key == "file" else _plain(value)))
        writer.writerow(line)
    return out.getvalue()


def totals(summary: Summary) -> dict[str, int]:
    rows = [s.row for s in summary.rows]
    return {
        "workbooks": len(rows),
        "unreadable": sum(1 for r in rows if not r["readable"]),
        "needs_correction": sum(1 for r in rows if r["needs_correction"]),
        "agencies": len({s.key for s in summary.rows if s.readable}),
        "agencies_with_trends": len(summary.trends.agencies),
    }


def to_text(summary: Summary, output: str | None = None) -> str:
    """The workbooks to send back, one line each; each agency and period sent more than once,
    with the workbook used; and a total: what the office acts on today."""
    lines = []
    for sub in summary.needing_correction:
        row = sub.row
        if not row["readable"] and str(row["reason"]).startswith(INTERNAL_ERROR):
            lines.append(f"{shown(row['file'])}: not checked: {row['reason']}")
        elif not row["readable"]:
            lines.append(f"{shown(row['file'])}: send back: unreadable: {row['reason']}")
        else:
            period = row["period"] or "no period"
            lines.append(
                f"{shown(row['file'])}: send back: {row['errors']} errors,"
                f" {row['warnings']} warnings ({sub.name}, {period})"
            )
    lines += summary.trends.notes  # an agency and period sent more than once: which is used
    t = totals(summary)
    lines.append(
        f"{t['workbooks']} workbooks from {t['agencies']} agencies:"
        f" {t['needs_correction']} need correction ({t['unreadable']} unreadable)"
    )
    if output:
        lines.append(f"wrote {output}")
    return "\n".join(lines) + "\n"
