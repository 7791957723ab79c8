"""The package as pip installs it: every subpackage listed, the add-in sources inside."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        "ipsxl." + ".".join(p.parent.relative_to(ROOT / "src" / "ipsxl").parts)
        for p in (ROOT / "src" / "ipsxl").rglob("__init__.py")
    }
    found = {name.rstrip(".") for name in found}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert "ipsxl.macros" in listed
