"""Render a report record as a PDF the way Word/WPS exports one: ruled tables, CJK text.

Only reportlab's built-in CID font STSong-Light is used (no system fonts), so the PDFs are the
same on every machine. Variants: table 三 continued on the next page with or without its header
repeated (the merged 三、本年度办理结果 cell then continues, empty, on the second page, as Word
draws it), a fake-bold title drawn twice 0.25 pt apart, page footers '- 1 -' or '第 1 页', and a
first column so narrow that its group head prints one character per line.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from pipeline.synth.layout import Block, Cell, Table, Variant, outline, placements

FONT = "STSong-Light"
MARGIN = 60.0
WIDTH = A4[0] - 2 * MARGIN
_registered = False


def _font() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True


_BODY = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK")
_HEAD = ParagraphStyle("head", parent=_BODY, firstLineIndent=0, spaceBefore=6)
_RIGHT = ParagraphStyle("right", parent=_BODY, firstLineIndent=0, alignment=TA_RIGHT)
_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, alignment=TA_CENTER, wordWrap="CJK")
_CELL_LEFT = ParagraphStyle("cell_left", parent=_CELL, alignment=TA_LEFT)


class Title(Flowable):
    """The centred title, shrunk to fit one line; drawn twice 0.25 pt apart for fake bold."""

    def __init__(self, text: str, fake_bold: bool) -> None:
        super().__init__()
        self.text = text
        self.fake_bold = fake_bold
        self.size = min(18.0, WIDTH / max(len(text), 1))

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return avail_width, self.size * 2

    def draw(self) -> None:
        c = self.canv
        c.setFont(FONT, self.size)
        c.drawCentredString(WIDTH / 2, self.size * 0.6, self.text)
        if self.fake_bold:
            c.drawCentredString(WIDTH / 2 + 0.25, self.size * 0.6, self.text)


def _col_widths(table: Table, v: Variant) -> list[float]:
    if table.key == "t3":
        first = 14.0 if v.narrow_label else 40.0
        data = 30.0
        second = 58.0
        return [first, second, WIDTH - first - second - 7 * data] + [data] * 7
    if table.key == "t2":
        return [WIDTH * 0.31] + [WIDTH * 0.23] * 3
    return [WIDTH / 15] * 15


def _flowable(table: Table, rows: list[int], v: Variant) -> RLTable:
    """A reportlab table of some of ``table``'s rows; spans cut at the edges of the part."""
    index = {r: i for i, r in enumerate(rows)}
    data: list[list[Any]] = [[""] * table.ncols for _ in rows]
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for r, c, cell in placements(table):
        covered = [x for x in range(r, r + cell.rowspan) if x in index]
        if not covered:
            continue
        top, bottom = index[covered[0]], index[covered[-1]]
        if r in index:  # the text prints where the cell starts; a continued span stays empty
            data[top][c] = _cell_content(cell, table)
        if bottom > top or cell.colspan > 1:
            style.append(("SPAN", (c, top), (c + cell.colspan - 1, bottom)))
    return RLTable(data, colWidths=_col_widths(table, v), style=TableStyle(style))


def _cell_content(cell: Cell, table: Table) -> Any:
    if not cell.text:
        return ""
    if table.key == "t3" and cell.rowspan > 1 and cell.colspan == 1:
        return Paragraph(cell.text, _CELL)
    if any("\u4e00" <= ch <= "\u9fff" for ch in cell.text):
        return Paragraph(cell.text, _CELL if cell.header or table.key != "t3" else _CELL_LEFT)
    return cell.text


def _table_flowables(table: Table, v: Variant) -> list[Any]:
    everything = list(range(len(table.rows)))
    if table.key != "t3" or v.split_t3 is None:
        return [_flowable(table, everything, v)]
    cut = table.data_rows[min(max(v.split_after, 0), len(table.data_rows) - 2)] + 1
    head = list(range(table.header_rows))
    second = (head if v.split_t3 == "repeat" else []) + everything[cut:]
    return [_flowable(table, everything[:cut], v), PageBreak(), _flowable(table, second, v)]


def _footer(v: Variant) -> Callable[[Any, Any], None]:
    """The page callback drawing the footer the variant asks for."""

    def draw(canvas: Any, doc: Any) -> None:
        if v.footer is None:
            return
        canvas.saveState()
        canvas.setFont(FONT, 10)
        n = doc.page
        canvas.drawCentredString(A4[0] / 2, 30, f"- {n} -" if v.footer == "dash" else f"第 {n} 页")
        canvas.restoreState()

    return draw


def _story(record: dict[str, Any], v: Variant) -> list[Any]:
    story: list[Any] = []
    blocks: list[Block] = outline(record, v)
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind == "title":
            story += [Title(b.text, v.fake_bold), Spacer(1, 6)]
        elif b.kind == "heading" and i + 1 < len(blocks) and blocks[i + 1].kind == "table":
            table = blocks[i + 1].table
            assert table is not None
            parts = _table_flowables(table, v)
            if len(parts) > 1:  # the split table starts a page, so the first part ends it
                story += [PageBreak(), Paragraph(b.text, _HEAD), Spacer(1, 4), *parts]
            else:
                story.append(KeepTogether([Paragraph(b.text, _HEAD), Spacer(1, 4), *parts]))
            i += 1
        elif b.kind == "heading":
            story.append(Paragraph(b.text, _HEAD))
        elif b.kind == "right":
            story.append(Paragraph(b.text, _RIGHT))
        else:
            story.append(Paragraph(b.text, _BODY))
        i += 1
    return story


def render_pdf(record: dict[str, Any], *, variant: int | Variant = 0) -> bytes:
    """The report as PDF bytes."""
    _font()
    v = Variant.of(variant)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{record['agency']['name']}{record['year']}年报",
        invariant=True,
    )
    footer = _footer(v)
    doc.build(_story(record, v), onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
