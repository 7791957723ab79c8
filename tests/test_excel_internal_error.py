"""A bug of ours in a ribbon run is an alert in Excel, not a Python error dialog; the workbook is
left as it was, and the next click works."""

from __future__ import annotations

from builders import clean_tabs
from test_excel import ExcelSim, alert_text, book_json, remote_engine  # noqa: F401 - fixture

from ipsxl import excel, validate
from ipsxl.core.rules import run_rules as real_rules


def test_an_internal_error_is_one_alert_and_the_next_run_works(monkeypatch):
    payload = book_json("agency.xlsx", clean_tabs())
    sim = ExcelSim(payload)

    def broken(ctx):
        raise KeyError("surprise")

    monkeypatch.setattr(validate, "run_rules", broken)
    _, actions, result = sim.run(excel.validate)
    assert result is None
    assert [a["func"] for a in actions] == ["alert"]
    text = alert_text(actions)
    assert text.startswith("ipsxl hit an internal error while checking agency.xlsx:")
    assert "KeyError: 'surprise'" in text and "please report it" in text
    assert sim.names() == list(clean_tabs())  # nothing written

    monkeypatch.setattr(validate, "run_rules", real_rules)
    _, actions, report = sim.run(excel.fidelity)
    assert report is not None and report.readable
    assert "Flags" in sim.names() and "Fidelity" in sim.names()
