"""The ribbon XML, the VBA module and RIBBON_ACTIONS describe the same five buttons.

Excel only reports a ribbon callback that names a missing macro when someone clicks the button,
and a RunPython command that names a missing function only when Python runs it; these tests
catch both before anyone opens Excel.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
import xlwings
from lxml import etree

from ipsxl.addin.build import (
    CUSTOMUI_NS_2006,
    CUSTOMUI_NS_2009,
    PYTHON_MODULE,
    RIBBON_ACTIONS,
    RIBBON_SOURCE,
    VBA_MODULE,
    macros_dir,
    vba_sources,
)

MACROS = macros_dir()
RIBBON = MACROS / RIBBON_SOURCE
VBA = MACROS / f"{VBA_MODULE}.bas"

SUB_RE = re.compile(
    r"^[ \t]*(?P<scope>Public |Private )?Sub (?P<name>\w+)\((?P<params>[^)]*)\)"
    r"(?P<body>.*?)^[ \t]*End Sub",
    re.MULTILINE | re.DOTALL,
)
FUNCTION_RE = r"^[ \t]*(?P<scope>Public |Private )?Function {name}\((?P<params>[^)]*)\)"
STRING_RE = re.compile(r'"((?:[^"]|"")*)"')


def strip_comments(vba: str) -> str:
    """VBA text with comments removed: a ' outside a string literal starts one."""
    lines = []
    for line in vba.splitlines():
        in_string = False
        for i, char in enumerate(line):
            if char == '"':
                in_string = not in_string
            elif char == "'" and not in_string:
                line = line[:i]
                break
        lines.append(line)
    return "\n".join(lines)


def vba_code() -> str:
    return strip_comments(VBA.read_text(encoding="ascii"))


def vba_subs() -> dict[str, re.Match]:
    return {m["name"]: m for m in SUB_RE.finditer(vba_code())}


def string_literals(code: str) -> list[str]:
    return [m.group(1).replace('""', '"') for m in STRING_RE.finditer(code)]


def runpython_commands(code: str) -> list[str]:
    """The Python statements handed to RunPython: every literal that is an import statement."""
    return [s for s in string_literals(code) if s.startswith("import ")]


def ribbon_root() -> etree._Element:
    return etree.parse(str(RIBBON)).getroot()


def ribbon_buttons() -> list[etree._Element]:
    root = ribbon_root()
    return root.findall(f".//{{{etree.QName(root).namespace}}}button")


# --------------------------------------------------------------------------- ribbon


def test_ribbon_is_customui_xml() -> None:
    root = ribbon_root()
    assert etree.QName(root).namespace in (CUSTOMUI_NS_2009, CUSTOMUI_NS_2006)
    assert etree.QName(root).localname == "customUI"


def test_ribbon_has_an_ips_tab_with_the_five_buttons() -> None:
    root = ribbon_root()
    ns = etree.QName(root).namespace
    tabs = root.findall(f".//{{{ns}}}tab")
    assert [tab.get("label") for tab in tabs] == ["IPS"]
    labels = [b.get("label") for b in tabs[0].iter(f"{{{ns}}}button")]
    assert labels == ["Validate", "Fidelity", "Clear Flags", "New Standard Workbook", "Help"]


def test_every_button_has_an_icon_a_screentip_and_an_action() -> None:
    for button in ribbon_buttons():
        for attribute in ("imageMso", "screentip", "onAction"):
            assert button.get(attribute), f"{button.get('label')} has no {attribute}"


def test_ribbon_ids_are_unique() -> None:
    ids = [element.get("id") for element in ribbon_root().iter() if element.get("id")]
    assert len(ids) == len(set(ids))


def test_ribbon_buttons_are_ribbon_actions() -> None:
    in_xml = [(b.get("id"), b.get("label"), b.get("onAction")) for b in ribbon_buttons()]
    listed = [(a.control_id, a.label, a.on_action) for a in RIBBON_ACTIONS]
    assert in_xml == listed


# --------------------------------------------------------------------------- VBA


def test_vba_module_is_named_after_its_file_and_plain_ascii() -> None:
    # the add-in build names each module after its file and stores the source as cp1252
    for source in vba_sources(MACROS):
        text = source.read_bytes().decode("ascii")
        assert text.splitlines()[0] == f'Attribute VB_Name = "{source.stem}"'


def test_every_onaction_has_a_public_sub_taking_the_ribbon_control() -> None:
    subs = vba_subs()
    for button in ribbon_buttons():
        module, _, sub = button.get("onAction").rpartition(".")
        assert module == VBA_MODULE
        assert sub in subs, f"onAction {button.get('onAction')} has no Sub in {VBA.name}"
        assert subs[sub]["scope"] != "Private ", f"{sub} must be public for the ribbon"
        params = [p.split() for p in subs[sub]["params"].split(",")]
        assert len(params) == 1 and params[0][-2:] == ["As", "IRibbonControl"], sub


def test_each_callback_runs_its_own_function() -> None:
    subs = vba_subs()
    for action in RIBBON_ACTIONS:
        body = subs[action.callback]["body"]
        assert runpython_commands(body) == [action.command], action.callback


def test_every_runpython_command_calls_a_listed_function_of_ipsxl_excel() -> None:
    listed = {action.function for action in RIBBON_ACTIONS}
    commands = runpython_commands(vba_code())
    assert commands
    for command in commands:
        tree = ast.parse(command)
        imported, call = tree.body
        assert isinstance(imported, ast.Import)
        assert [alias.name for alias in imported.names] == [PYTHON_MODULE]
        assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)
        assert not call.value.args and not call.value.keywords, command
        assert ast.unparse(call.value.func.value) == PYTHON_MODULE
        assert call.value.func.attr in listed, command


def test_commands_go_to_runpython_of_the_installed_xlwings_addin() -> None:
    code = vba_code()
    targets = [s for s in string_literals(code) if "!" in s]
    assert len(targets) == 1
    book, _, macro = targets[0].partition("!")
    addin_dir = Path(xlwings.__file__).parent / "addin"
    assert (addin_dir / book).is_file(), f"xlwings ships no {book}"
    # RunPython takes the command as its one argument
    found = [
        m
        for source in addin_dir.glob("*.bas")
        for m in re.finditer(
            FUNCTION_RE.format(name=macro), source.read_text(errors="replace"), re.MULTILINE
        )
    ]
    assert len(found) == 1 and found[0]["scope"] == "Public "
    assert found[0]["params"].split()[-2:] == ["As", "String"]
    assert "," not in found[0]["params"]
    assert re.search(r"Application\.Run \w+, \w+", code), "RunPython is not called"


# --------------------------------------------------------------------------- Python side


def test_ribbon_functions_exist_in_ipsxl_excel_and_take_an_optional_book() -> None:
    excel = pytest.importorskip(PYTHON_MODULE)
    for action in RIBBON_ACTIONS:
        function = getattr(excel, action.function, None)
        assert callable(function), f"{PYTHON_MODULE}.{action.function} is missing"
        parameters = inspect.signature(function).parameters
        assert "book" in parameters, action.function
        assert parameters["book"].default is None, action.function
        required = [
            p.name
            for p in parameters.values()
            if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
        assert required == [], f"{action.function} cannot be called with no arguments"
