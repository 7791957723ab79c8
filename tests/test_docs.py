"""docs/ is the users' contract: its tables are generated from the code, and every flag code,
tab, column, fidelity item and outcome the code knows is documented (and nothing more)."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

from ipsxl.core import codes, scale
from ipsxl.core import standard as std
from ipsxl.core.fidelity.outcomes import OUTCOME_IDS

DOCS = Path(__file__).resolve().parents[1] / "docs"
generate = runpy.run_path(str(DOCS / "generate.py"))


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_generated_tables_match_the_code():
    stale = [p.name for p in generate["stale"]()]
    assert stale == [], f"run `python docs/generate.py` to refresh {stale}"


def test_every_flag_code_is_documented_and_every_documented_code_exists():
    documented = set(
        re.findall(r"^\| `([a-z-]+)` \| (?:error|warning|info) \|", page("report.md"), re.M)
    )
    assert documented == set(codes.REGISTRY)


def test_every_tab_and_column_is_documented():
    text = page("workbook-standard.md")
    for tab in std.TABS:
        assert f"### {tab.name}" in text
        for col in tab.fields or tab.columns:
            assert f"| `{col.name}` |" in text, (tab.name, col.name)


def test_every_item_and_outcome_is_documented_and_nothing_else():
    text = page("fidelity.md")
    items = set(re.findall(r"\| `([a-z_0-9]+)` \| (?:scale|indicator) \|", text))
    assert items == set(scale.COMPUTED_IDS)
    outcomes = set(re.findall(r"^\| `([a-z_0-9]+)` \|", text, re.M))
    assert outcomes == set(OUTCOME_IDS)


def test_every_command_has_its_help_in_the_reference():
    from ipsxl.cli import main

    text = page("commands.md")
    for command in main.commands:
        assert f"### `ipsxl {command}" in text


def test_code_and_readme_cite_the_project_docs_not_outside_files():
    root = DOCS.parent
    sources = [*root.glob("src/ipsxl/**/*.py"), root / "README.md", *DOCS.glob("*.md")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "shared/spec" not in text, path
        for cited in re.findall(r"(?<![\w/])((?:report|fidelity|workbook-standard)\.md)", text):
            assert (DOCS / cited).exists(), (path, cited)


# The developers' map (src/ipsxl/README.md): where a flag code's rule, a fidelity item's
# function and a sheet's writer live. It names files, so it is checked against the tree.
SRC = DOCS.parent / "src" / "ipsxl"


def code_map() -> str:
    return (SRC / "README.md").read_text(encoding="utf-8")


def test_every_path_in_the_code_map_exists():
    named = re.findall(r"`([\w/.]+(?:\.py|/))`", code_map())
    assert named
    root = DOCS.parent
    here = [root / p if p.split("/")[0] in ("src", "tests") else SRC / p for p in named]
    assert [str(p) for p in here if not p.exists()] == []


def test_the_code_map_names_every_module_and_package_of_ipsxl():
    named = set(re.findall(r"`([\w/.]+(?:\.py|/))`", code_map()))
    tops = {
        p.name + ("/" if p.is_dir() else "")
        for p in SRC.iterdir()
        if (p.suffix == ".py" or (p / "__init__.py").exists()) and p.name != "__init__.py"
    }
    assert tops - named == set()


def test_the_code_map_leads_each_flag_code_to_the_module_that_raises_it():
    rows = re.findall(r"^\| (\w+) \| `core/rules/(\w+)\.py` \| ([a-z, -]+) \|$", code_map(), re.M)
    mapped = {}
    for family, module, names in rows:
        assert family == module
        mapped.update({name.strip(): family for name in names.split(",")})
    raised_by_rules = {c.name: c.family for c in codes.REGISTRY.values() if c.family != "reading"}
    assert mapped == raised_by_rules


def test_every_scored_item_has_a_function_named_after_its_id():
    from ipsxl.core.fidelity import items

    assert [i for i in scale.COMPUTED_IDS if not callable(getattr(items, i, None))] == []
