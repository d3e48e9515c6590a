"""The register book (Sổ đăng ký văn bản đi) as a printable PDF: A4 landscape, a cover page,
then the NĐ 30 Phụ lục IV columns with the header repeated on every page."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from signing.fonts import FontFaces

from .render import register_font_family

__all__ = ["BookCover", "render_register_book"]

# Column widths in millimetres for the ten columns (267 mm of A4 landscape's width).
WIDTHS_MM = (24, 20, 62, 28, 45, 24, 14, 18, 16, 16)


@dataclass(frozen=True)
class BookCover:
    superior_body: str
    issuer_name: str
    title: str  # "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    period: str  # "Nhiệm kỳ 2020-2025" or "Năm 2026"
    opened: str  # "Bắt đầu từ ngày 01/01/2026"
    closed: str  # "Đến ngày 31/12/2026"


def render_register_book(
    cover: BookCover,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    faces: FontFaces,
) -> bytes:
    family = register_font_family(faces)
    center = ParagraphStyle("center", fontName=family, fontSize=13, leading=18, alignment=TA_CENTER)
    big = ParagraphStyle("big", parent=center, fontName=family + "-Bold", fontSize=24, leading=32)
    cell = ParagraphStyle("cell", fontName=family, fontSize=8, leading=10)
    head = ParagraphStyle("head", parent=cell, fontName=family + "-Bold", alignment=TA_CENTER)

    story: list[object] = [
        Paragraph(escape(cover.superior_body), center),
        Paragraph(f"<b>{escape(cover.issuer_name)}</b>", center),
        Spacer(1, 45 * mm),
        Paragraph(escape(cover.title), big),
        Spacer(1, 8 * mm),
        Paragraph(escape(cover.period), center),
        Spacer(1, 20 * mm),
        Paragraph(escape(cover.opened), center),
        Paragraph(escape(cover.closed), center),
        PageBreak(),
    ]
    data = [[Paragraph(escape(name), head) for name in columns]]
    data.append([Paragraph(f"({index})", head) for index in range(1, len(columns) + 1)])
    data += [[Paragraph(escape(text), cell) for text in row] for row in rows]
    table = LongTable(data, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=2)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), family),
                ("BACKGROUND", (0, 0), (-1, 1), colors.Color(0.93, 0.93, 0.93)),
            ]
        )
    )
    story.append(table)
    output = io.BytesIO()
    SimpleDocTemplate(
        output,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=cover.title,
        author=cover.issuer_name,
        invariant=1,
    ).build(story)
    return output.getvalue()
