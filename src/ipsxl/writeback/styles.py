"""Cell formats ipsxl adds to styles.xml: its sheets' looks and the flagged cells' fills.

A flagged cell keeps everything of its own format (number format, font, border, alignment,
protection) and only gains a fill: its ``cellXfs`` entry is cloned with a new ``fillId``. New
fonts, fills, number formats and formats are appended at the ends of their lists, so no index
an existing cell uses moves; one that already exists with the same XML is reused instead.
"""

from __future__ import annotations

from ipsxl.sheets.styles import HIGHLIGHT_FILLS, STYLES, Style
from ipsxl.writeback import textedit, xmlescape, xmlparse, xmltags
from ipsxl.writeback.journal import Journal, append_children
from ipsxl.writeback.package import NS_MAIN, PackageError
from ipsxl.writeback.xmltags import Tag

# Excel's built-in number formats that ipsxl's styles use, by format code.
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "0%": 9, "0.00%": 10}
_CONTAINERS = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs")

MINIMAL_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{NS_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
    '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
    '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/>'
    '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
    'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf '
    'numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles '
    'count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


class _List:
    """One list of styles.xml (fonts, fills, ...): what it holds and what this run adds."""

    def __init__(self, text: str, tag: Tag | None) -> None:
        self.tag = tag
        self.items: list[str] = []
        if tag is not None:
            self.items = [text[t.start : end] for t, end in xmltags.children(text, tag)]
        self.existing = len(self.items)
        self.new: list[str] = []

    def index(self, xml: str) -> int:
        """The index of an entry with exactly this XML, appending it if there is none."""
        try:
            return self.items.index(xml)
        except ValueError:
            self.items.append(xml)
            self.new.append(xml)
            return len(self.items) - 1


class StyleBook:
    """The styles.xml edits of one run."""

    def __init__(self, journal: Journal, part: str) -> None:
        self.journal = journal
        self.part = part
        text = journal.text(part)
        root = xmlparse.parse(text.encode("utf-8"), part)
        self._root_tag = next(t for t in xmltags.tags(text) if not t.closing)
        self._prefix = self._root_tag.prefix
        found = {t.name: t for t, _ in xmltags.children(text, self._root_tag)}
        for need in ("fonts", "fills", "cellXfs"):
            if need not in found:
                raise PackageError(f"{part}: no <{need}> list")
        self._tags = found
        self.lists = {name: _List(text, found.get(name)) for name in _CONTAINERS}
        ns = {"m": root.nsmap.get(root.prefix) or NS_MAIN}
        self._formats = {
            el.get("formatCode"): int(el.get("numFmtId", "0"))
            for el in root.findall("m:numFmts/m:numFmt", ns)
        }
        font0 = root.find("m:fonts/m:font", ns)
        self._font_name = "Calibri"
        self._font_size = "11"
        if font0 is not None:
            name = font0.find("m:name", ns)
            size = font0.find("m:sz", ns)
            self._font_name = name.get("val", "Calibri") if name is not None else "Calibri"
            self._font_size = size.get("val", "11") if size is not None else "11"
        self._by_tag: dict[str, int] = {}
        self._highlights: dict[tuple[int, str], int] = {}
        self._new_formats: list[str] = []

    def _el(self, name: str) -> str:
        return self._prefix + name

    # --- what callers ask for ---

    def tag_xf(self, tag: str) -> int:
        """The cellXfs index of one of ``sheets.styles.STYLES``' tags."""
        if tag not in self._by_tag:
            self._by_tag[tag] = self._style_xf(STYLES.get(tag, Style()))
        return self._by_tag[tag]

    def highlight_xf(self, base: int, severity: str) -> int:
        """A cellXfs index: the format ``base`` with the fill of ``severity``."""
        key = (base, severity)
        if key not in self._highlights:
            xfs = self.lists["cellXfs"]
            if not 0 <= base < xfs.existing:
                base = 0
            fill = self._fill(HIGHLIGHT_FILLS.get(severity, HIGHLIGHT_FILLS["info"]))
            self._highlights[key] = xfs.index(_with_fill(xfs.items[base], fill))
        return self._highlights[key]

    def is_ours(self, index: int) -> bool:
        """Whether a cellXfs index is one this run added."""
        return index >= self.lists["cellXfs"].existing

    # --- building entries ---

    def _style_xf(self, style: Style) -> int:
        p = self._el
        font = 0
        if style.bold or style.italic or style.underline or style.size or style.color or style.font:
            font = self.lists["fonts"].index(
                f"<{p('font')}>"
                + ("<b/>" if style.bold else "")
                + ("<i/>" if style.italic else "")
                + ("<u/>" if style.underline else "")
                + f'<{p("sz")} val="{style.size or self._font_size}"/>'
                + (f'<{p("color")} rgb="FF{style.color}"/>' if style.color else "")
                + f'<{p("name")} val="{xmlescape.esc_attr(style.font or self._font_name)}"/>'
                + f"</{p('font')}>"
            )
        fill = self._fill(style.fill) if style.fill else 0
        fmt = self._format(style.number_format or "General")
        # every ipsxl cell reads from the top of its row, level with wrapped text beside it
        align = (
            f"<{p('alignment')}"
            + (f' horizontal="{style.align}"' if style.align else "")
            + ' vertical="top"'
            + (' wrapText="1"' if style.wrap else "")
            + "/>"
        )
        xf = (
            f'<{p("xf")} numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="0" '
            'xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1"'
            + ' applyAlignment="1">'
            + align
            + f"</{p('xf')}>"
        )
        return self.lists["cellXfs"].index(xf)

    def _fill(self, rgb: str) -> int:
        p = self._el
        return self.lists["fills"].index(
            f'<{p("fill")}><{p("patternFill")} patternType="solid"><{p("fgColor")} rgb="FF{rgb}"/>'
            f'<{p("bgColor")} indexed="64"/></{p("patternFill")}></{p("fill")}>'
        )

    def _format(self, code: str) -> int:
        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        if code in self._formats:
            return self._formats[code]
        fid = max([163, *self._formats.values()]) + 1
        self._formats[code] = fid
        self._new_formats.append(
            f'<{self._el("numFmt")} numFmtId="{fid}" formatCode="{xmlescape.esc_attr(code)}"/>'
        )
        return fid

    # --- writing ---

    def finish(self) -> None:
        """Put this run's entries at the ends of their lists and update the counts."""
        edit = self.journal.edit(self.part)
        if self._new_formats:
            tag = self._tags.get("numFmts")
            if tag is None:
                n = len(self._new_formats)
                edit.insert(
                    self._root_tag.end,
                    f'<{self._el("numFmts")} count="{n}">'
                    + "".join(self._new_formats)
                    + f"</{self._el('numFmts')}>",
                )
            else:
                self._append(edit, tag, self._new_formats, len(xmltags.children(edit.text, tag)))
        for name in ("fonts", "fills", "cellXfs"):
            lst = self.lists[name]
            if lst.new and lst.tag is not None:
                self._append(edit, lst.tag, lst.new, lst.existing)

    @staticmethod
    def _append(edit: textedit.TextEdit, tag: Tag, new: list[str], existing: int) -> None:
        if tag.empty:
            edit.replace(
                tag.start,
                tag.end,
                f'<{tag.qname} count="{existing + len(new)}">' + "".join(new) + f"</{tag.qname}>",
            )
            return
        append_children(edit, tag, "".join(new))
        if tag.attr(edit.text, "count") is not None:
            edit.set_attr(tag, "count", str(existing + len(new)))


def _with_fill(xf: str, fill: int) -> str:
    """An ``<xf>`` element's XML with another fill, everything else as it was."""
    tag = next(xmltags.tags(xf))
    edit = textedit.TextEdit(xf)
    edit.set_attr(tag, "fillId", str(fill))
    edit.set_attr(tag, "applyFill", "1")
    return edit.apply()[0]
