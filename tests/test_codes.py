"""The flag-code registry: each code defined once, raised by the family it names, and no rule
raising a code the registry does not know."""

from __future__ import annotations

import inspect
import re

import builders as b
from builders import run_rules as run

from ipsxl.core import codes, rules
from ipsxl.core.model import SEVERITIES


def test_each_family_module_raises_only_codes_the_registry_gives_its_family():
    """A code raised by another family's module would be documented, and listed in
    ``rules.CODES``, under the wrong family; a family the registry gives no code could flag
    nothing. (The next test looks the other way: each of a family's codes is raised there.)"""
    for family in rules.FAMILIES:
        name = family.__name__.rsplit(".", 1)[1]
        assert codes.family(name), f"the registry gives {name} no code"
        source = inspect.getsource(family)
        raised = {getattr(codes, c) for c in re.findall(r"\bcodes\.([A-Z][A-Z_]*)\b", source)}
        assert raised, f"{name} raises no code"
        for code in raised:
            assert isinstance(code, codes.Code), (name, code)
            assert code.family == name, (name, code.name)


def test_every_rule_code_belongs_to_a_family_module():
    families = {f.__name__.rsplit(".", 1)[1] for f in rules.FAMILIES}
    for code in codes.REGISTRY.values():
        assert code.family in families | {"reading"}, code
        assert code.severity in SEVERITIES, code
        assert code.title and code.fix, code


def test_each_code_is_raised_in_its_family_module_source():
    """A code defined but raised nowhere would be documented for nothing."""
    for family in rules.FAMILIES:
        source = inspect.getsource(family)
        used = set(re.findall(r"codes\.([A-Z_]+)", source))
        for code in family.CODES:
            constant = code.name.upper().replace("-", "_")
            assert constant in used or "BAD_CODE" in source and code.name.startswith("bad-"), (
                code.name
            )


def test_flags_carry_the_registered_severity(tmp_path):
    """Rules pass a Code, never a severity of their own: every flag agrees with the registry."""
    tabs = b.clean_tabs()
    b.set_cell(tabs, "Caseload", 2, "Client ID", "C1")
    b.set_cell(tabs, "Caseload", 1, "Enrollment Date", "not a date")
    b.set_cell(tabs, "Jobs", 1, "Client ID", "C404")
    found = run(tmp_path, tabs)
    assert {"duplicate-id", "bad-date", "unknown-client"} <= set(found["code"])
    for code, severity in zip(found["code"], found["severity"], strict=True):
        assert codes.REGISTRY[code].severity == severity
