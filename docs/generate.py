"""Regenerate the tables in docs/ from the code that defines them.

The workbook standard (``ipsxl.core.standard``), the flag codes (``ipsxl.core.codes``), the
IPS-25 items (``ipsxl.core.scale``) and the commands (the click CLI) each have one home in the
code; the tables in these pages are drawn from there, between ``<!-- generated: NAME -->`` and
``<!-- end generated -->`` markers, so the pages cannot drift from what the program does.
The prose around them is written by hand.

    python docs/generate.py          # rewrite the generated blocks
    python docs/generate.py --check  # exit 1 if a page is out of date (the tests run this)
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import click

from ipsxl.core import codes, scale
from ipsxl.core import standard as std

DOCS = Path(__file__).resolve().parent
BLOCK = re.compile(
    r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S
)

TYPE_WORDS = {
    std.TEXT: "text",
    std.DATE: "date",
    std.NUMBER: "number",
    std.PERCENT: "percent (0–100; a value from 0 to 1 is read as a fraction)",
    std.YESNO: "yes/no",
    std.CHOICE: "choice",
}


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _range(col: std.Column) -> str:
    if col.minimum is None and col.maximum is None:
        return ""
    low = "" if col.minimum is None else f"{col.minimum:g}"
    high = "" if col.maximum is None else f"{col.maximum:g}"
    if col.minimum_exclusive:
        return f", above {low} up to {high}" if high else f", above {low}"
    return f", {low} to {high}" if high else f", at least {low}"


def _type(col: std.Column) -> str:
    words = TYPE_WORDS[col.type] + _range(col)
    if col.choices:
        words += ": " + ", ".join(col.choices)
    if col.unique:
        words += "; unique in the tab"
    return words


def tab_table(tab: std.Tab) -> str:
    if tab.fields:
        rows = [
            [f"`{f.name}`", "yes" if f.required else "no", _type(f), f.help] for f in tab.fields
        ]
        return _table(["field", "required", "type", "what goes in"], rows)
    rows = [
        [
            f"`{c.name}`",
            ", ".join(c.aliases),
            "yes" if c.required else "no",
            _type(c),
            c.help,
        ]
        for c in tab.columns
    ]
    return _table(["column", "also accepted", "required", "type", "what goes in"], rows)


def tabs_overview() -> str:
    rows = [
        [f"`{t.name}`", ", ".join(t.aliases), "yes" if t.required else "no", t.help]
        for t in std.TABS
    ]
    return _table(["tab", "also accepted", "required", "holds"], rows)


def code_table() -> str:
    rows = [
        [f"`{c.name}`", c.severity, c.title, c.fix, f"`{_family_path(c)}`"]
        for c in codes.REGISTRY.values()
    ]
    return _table(["code", "severity", "when", "how to fix it", "raised in"], rows)


def _family_path(code: codes.Code) -> str:
    if code.family == "reading":
        return "ipsxl/report.py"
    return f"ipsxl/core/rules/{code.family}.py"


def items_table() -> str:
    rows = []
    for n, item in enumerate(scale.ITEMS, start=1):
        band = scale.BANDS_BY_ID.get(item.id) if item.id else None
        rows.append(
            [
                n,
                f"{item.section} {item.number}",
                item.label,
                f"`{item.id}`" if item.id else "",
                band.basis if band else "reviewer",
                band.target if band else "",
            ]
        )
    return _table(["#", "scale", "item", "ipsxl id", "scored by", "target"], rows)


def bands_table() -> str:
    rows = []
    top = scale.ITEM_COUNT * 5 + 1
    for low, name in scale.BANDS:
        rows.append([f"{low}–{top - 1}", name])
        top = low
    return _table(["total", "band"], rows)


def commands_reference() -> str:
    from ipsxl.cli import main

    out: list[str] = []

    def walk(command: click.Command, path: list[str], parent: click.Context | None) -> None:
        # each command's context under its group's, as when it runs: it inherits the group's
        # context settings (its help options), whatever ran before in this process
        ctx = click.Context(
            command,
            info_name=path[-1],
            parent=parent,
            terminal_width=100,
            **command.context_settings,
        )
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), [*path, name], ctx)
            return
        out.append(f"### `{' '.join(path)}`\n\n```text\n{command.get_help(ctx)}\n```\n")

    walk(main, ["ipsxl"], None)
    return "\n".join(out)


GENERATORS: dict[str, Callable[[], str]] = {
    "tabs": tabs_overview,
    **{f"tab-{std.fold(t.name)}": (lambda t=t: tab_table(t)) for t in std.TABS},
    "codes": code_table,
    "items": items_table,
    "bands": bands_table,
    "commands": commands_reference,
}


def render(text: str) -> str:
    """The page with every generated block drawn afresh."""

    def block(match: re.Match) -> str:
        body = GENERATORS[match["name"]]()
        return match.group(1) + body + match.group(4)

    return BLOCK.sub(block, text)


def pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def stale() -> list[Path]:
    """Pages whose generated blocks differ from what the code gives now."""
    return [p for p in pages() if render(p.read_text(encoding="utf-8")) != p.read_text("utf-8")]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        out_of_date = stale()
        for page in out_of_date:
            print(f"{page.name} is out of date: run python docs/generate.py", file=sys.stderr)
        return 1 if out_of_date else 0
    for page in pages():
        text = page.read_text(encoding="utf-8")
        page.write_text(render(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
