"""Text and attribute values for the XML ipsxl writes into a workbook, escaped so that Excel
reads back exactly the string ipsxl meant (markup characters, and the characters XML 1.0
forbids, which OOXML spells ``_xHHHH_``)."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

# Characters XML 1.0 forbids, and the "_xHHHH_" escapes of OOXML (ST_Xstring) that a literal
# occurrence must not be mistaken for.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LITERAL_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def xstring(text: str) -> str:
    """Text safe for XML 1.0 that Excel reads back as the same string.

    Characters XML forbids become OOXML's ``_xHHHH_`` escapes, and a literal ``_x0041_`` in the
    text is protected as ``_x005F_x0041_`` so it is not decoded.
    """
    text = _LITERAL_ESCAPE.sub(r"_x005F_\1", text)
    return _FORBIDDEN.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def esc_text(text: str) -> str:
    """Element content: markup characters escaped, forbidden characters as ``_xHHHH_``."""
    return escape(xstring(text))


_ATTR_ENTITIES = {'"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}


def esc_attr(text: str) -> str:
    """An attribute value in double quotes (whitespace kept as character references)."""
    return escape(_FORBIDDEN.sub("", text), _ATTR_ENTITIES)


def t_element(text: str, tag: str = "t") -> str:
    """A ``<t>`` element that keeps leading, trailing and line-break whitespace."""
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f"<{tag}{space}>{esc_text(text)}</{tag}>"
