"""Native Excel charts for the Fidelity sheet: a drawing part anchoring DrawingML chart parts.

Each ``sheets.Chart`` becomes clustered columns for its bar series, with its line series
(figures week by week, or a dashed target or benchmark) drawn over the same axes. Series refer
to ranges of the Fidelity sheet, so the charts follow its cells; each also carries a cache of
the values, for viewers that do not recalculate.
"""

from __future__ import annotations

from collections.abc import Sequence

from ipsxl.sheets.layout import Chart, Series, SheetLayout
from ipsxl.sheets.refs import column_letter, quote_sheet, split_ref
from ipsxl.writeback.xmlescape import esc_attr, esc_text

_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_COLORS = (
    "4472C4",
    "ED7D31",
    "A5A5A5",
    "70AD47",
    "FFC000",
    "5B9BD5",
    "264478",
    "9E480E",
    "636363",
    "997300",
)


def drawing_xml(charts: Sequence[Chart], rids: Sequence[str]) -> bytes:
    """The drawing part placing each chart between its two anchor cells."""
    anchors = []
    for n, (chart, rid) in enumerate(zip(charts, rids, strict=True), start=1):
        r1, c1 = split_ref(chart.top_left)
        r2, c2 = split_ref(chart.bottom_right)
        anchors.append(
            f'<xdr:twoCellAnchor editAs="oneCell">'
            f"<xdr:from><xdr:col>{c1 - 1}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{r1 - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f"<xdr:to><xdr:col>{c2}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{r2}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr>'
            f'<xdr:cNvPr id="{n + 1}" name="{esc_attr(chart.title)}"/><xdr:cNvGraphicFramePr/>'
            f'</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
            f'</xdr:xfrm><a:graphic><a:graphicData uri="{NS_C}">'
            f'<c:chart xmlns:c="{NS_C}" r:id="{rid}"/></a:graphicData></a:graphic>'
            f"</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>"
        )
    return (
        f'{_DECL}<xdr:wsDr xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}" xmlns:r="{NS_R}">'
        + "".join(anchors)
        + "</xdr:wsDr>"
    ).encode("utf-8")


def chart_xml(chart: Chart, layout: SheetLayout) -> bytes:
    """One chart part: clustered columns for bar series, lines for the others."""
    sheet = quote_sheet(layout.name)
    cats = _values(layout, chart.categories)
    bars = [s for s in chart.series if s.kind == "bar"]
    lines = [s for s in chart.series if s.kind != "bar"]
    ax_cat, ax_val = 500000001, 500000002
    axes = f'<c:axId val="{ax_cat}"/><c:axId val="{ax_val}"/>'
    body = []
    idx = 0
    if bars:
        sers = []
        for s in bars:
            sers.append(_series(s, idx, sheet, chart.categories, cats, layout, line=False))
            idx += 1
        body.append(
            '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/>'
            '<c:varyColors val="0"/>'
            + "".join(sers)
            + f'<c:gapWidth val="150"/>{axes}</c:barChart>'
        )
    if lines:
        sers = []
        for s in lines:
            sers.append(_series(s, idx, sheet, chart.categories, cats, layout, line=True))
            idx += 1
        body.append(
            '<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
            + "".join(sers)
            + f'<c:marker val="1"/>{axes}</c:lineChart>'
        )
    scaling = '<c:orientation val="minMax"/>' + (
        f'<c:min val="{chart.y_min:g}"/>' if chart.y_min is not None else ""
    )
    y_title = ""
    if chart.y_title:
        y_title = f'<c:title>{_rich(chart.y_title, 900)}<c:overlay val="0"/></c:title>'
    body.append(
        f'<c:catAx><c:axId val="{ax_cat}"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'<c:crossAx val="{ax_val}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="{ax_val}"/><c:scaling>{scaling}</c:scaling><c:delete val="0"/>'
        f'<c:axPos val="l"/><c:majorGridlines/>{y_title}'
        f'<c:numFmt formatCode="{esc_attr(chart.y_format)}" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'<c:crossAx val="{ax_cat}"/><c:crosses val="autoZero"/>'
        '<c:crossBetween val="between"/></c:valAx>'
    )
    return (
        f'{_DECL}<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_R}">'
        '<c:roundedCorners val="0"/><c:chart>'
        f'<c:title>{_rich(chart.title, 1400)}<c:overlay val="0"/></c:title>'
        '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
        + "".join(body)
        + '</c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    ).encode("utf-8")


def _rich(text: str, size: int) -> str:
    return (
        f'<c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz="{size}" b="1"/></a:pPr>'
        f'<a:r><a:rPr lang="en-US" sz="{size}" b="1"/><a:t>{esc_text(text)}</a:t></a:r>'
        "</a:p></c:rich></c:tx>"
    )


def _series(
    series: Series,
    idx: int,
    sheet: str,
    cat_ref: str,
    cats: list[object],
    layout: SheetLayout,
    line: bool,
) -> str:
    color = _COLORS[idx % len(_COLORS)]
    if series.kind == "target":
        look = (
            f'<c:spPr><a:ln w="28575"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'
            '<a:prstDash val="dash"/></a:ln></c:spPr><c:marker><c:symbol val="none"/>'
            "</c:marker>"
        )
    elif line:
        look = (
            f'<c:spPr><a:ln w="22225"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'
            '</a:ln></c:spPr><c:marker><c:symbol val="circle"/><c:size val="4"/></c:marker>'
        )
    else:
        look = (
            f'<c:spPr><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></c:spPr>'
            '<c:invertIfNegative val="0"/>'
        )
    values = _values(layout, series.values)
    str_pts = "".join(
        f'<c:pt idx="{i}"><c:v>{esc_text(str(v))}</c:v></c:pt>'
        for i, v in enumerate(cats)
        if v is not None
    )
    num_pts = "".join(
        f'<c:pt idx="{i}"><c:v>{v!r}</c:v></c:pt>'
        for i, v in enumerate(values)
        if isinstance(v, int | float)
    )
    return (
        f'<c:ser><c:idx val="{idx}"/><c:order val="{idx}"/>'
        f"<c:tx><c:v>{esc_text(series.name)}</c:v></c:tx>{look}"
        f"<c:cat><c:strRef><c:f>{esc_text(sheet)}!{cat_ref}</c:f><c:strCache>"
        f'<c:ptCount val="{len(cats)}"/>{str_pts}</c:strCache></c:strRef></c:cat>'
        f"<c:val><c:numRef><c:f>{esc_text(sheet)}!{series.values}</c:f><c:numCache>"
        f'<c:formatCode>General</c:formatCode><c:ptCount val="{len(values)}"/>{num_pts}'
        "</c:numCache></c:numRef></c:val>" + ('<c:smooth val="0"/>' if line else "") + "</c:ser>"
    )


def _values(layout: SheetLayout, ref: str) -> list[object]:
    """The layout's values down one column range ("$A$50:$A$53")."""
    first, last = ref.split(":")
    r1, c = split_ref(first)
    r2, _ = split_ref(last)
    out = []
    for r in range(r1, r2 + 1):
        cell = layout.cell(f"{column_letter(c)}{r}")
        out.append(None if cell is None else cell.value)
    return out
