"""Render a :class:`Notice` as a PDF in the Party layout of Hướng dẫn 36-HD/VPTW.

Left header: superior body, issuer (bold), "*", the number line. Right header:
"ĐẢNG CỘNG SẢN VIỆT NAM" (bold, underlined), the place and date (italic). Then the
title and subject, the body, and at the foot the Nơi nhận list beside the signature
block. A4, Vietnamese fonts embedded (subset), text NFC so it extracts as written.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from basics.text import vietnamese_date_line
from signing.fonts import FontFaces

from ..recipients import render_distribution
from .notice import Notice

__all__ = ["register_font_family", "render_notice"]

PARTY_HEADER = "ĐẢNG CỘNG SẢN VIỆT NAM"
LEFT_MARGIN, RIGHT_MARGIN, TOP_MARGIN, BOTTOM_MARGIN = 30 * mm, 15 * mm, 20 * mm, 20 * mm


@cache
def register_font_family(faces: FontFaces) -> str:
    """Register the four faces with ReportLab once per process; returns the family name."""
    family = f"sovanban-{abs(hash(faces)):x}"
    for suffix, path in (
        ("", faces.regular),
        ("-Bold", faces.bold),
        ("-Italic", faces.italic),
        ("-BoldItalic", faces.bold_italic),
    ):
        pdfmetrics.registerFont(TTFont(family + suffix, str(path)))
    pdfmetrics.registerFontFamily(
        family,
        normal=family,
        bold=family + "-Bold",
        italic=family + "-Italic",
        boldItalic=family + "-BoldItalic",
    )
    return family


def _styles(family: str) -> dict[str, ParagraphStyle]:
    def style(
        name: str, size: float, *, bold: bool = False, italic: bool = False, **kw: Any
    ) -> ParagraphStyle:
        face = family + {(False, False): "", (True, False): "-Bold", (False, True): "-Italic"}.get(
            (bold, italic), "-BoldItalic"
        )
        return ParagraphStyle(name, fontName=face, fontSize=size, leading=size * 1.25, **kw)

    return {
        "header": style("header", 13, alignment=TA_CENTER),
        "header_bold": style("header_bold", 13, bold=True, alignment=TA_CENTER),
        "party": style("party", 14, bold=True, alignment=TA_CENTER),
        "date": style("date", 13, italic=True, alignment=TA_CENTER),
        "title": style("title", 15, bold=True, alignment=TA_CENTER, spaceBefore=18),
        "subject": style("subject", 14, bold=True, alignment=TA_CENTER, spaceAfter=14),
        "body": style("body", 14, alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=6),
        "heading": style(
            "heading", 14, bold=True, alignment=TA_JUSTIFY, spaceAfter=6, firstLineIndent=10 * mm
        ),
        "subheading": style(
            "subheading",
            14,
            bold=True,
            italic=True,
            alignment=TA_JUSTIFY,
            spaceAfter=6,
            firstLineIndent=10 * mm,
        ),
        "recipients_title": style("recipients_title", 12, bold=True, italic=True),
        "recipients": style("recipients", 11, alignment=TA_LEFT),
        "signer": style("signer", 14, bold=True, alignment=TA_CENTER),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # A spaced dash is bound to both neighbours: a line ending on "-" reads as a
    # hyphenation to text extractors (pdftotext drops it), one starting with it as a list.
    return Paragraph(escape(text.replace(" - ", "\u00a0-\u00a0")), style)


def render_notice(notice: Notice, faces: FontFaces) -> bytes:
    """The notice as PDF bytes; the same notice and fonts always give the same bytes."""
    family = register_font_family(faces)
    styles = _styles(family)
    width = A4[0] - LEFT_MARGIN - RIGHT_MARGIN
    header = Table(
        [
            [
                [
                    _p(notice.superior_body, styles["header"]),
                    _p(notice.issuer_header, styles["header_bold"]),
                    _p("*", styles["header"]),
                    _p(notice.number_line, styles["header"]),
                ],
                [
                    Paragraph(f"<u>{escape(PARTY_HEADER)}</u>", styles["party"]),
                    Spacer(1, 10),
                    _p(vietnamese_date_line(notice.place, notice.date), styles["date"]),
                ],
            ]
        ],
        colWidths=[width * 0.46, width * 0.54],
    )
    # Tables set their own cell font (Helvetica, never embedded) unless told otherwise.
    cell_style = TableStyle(
        [("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), family)]
    )
    header.setStyle(cell_style)
    story: list[object] = [
        header,
        _p(notice.title, styles["title"]),
        _p(notice.subject, styles["subject"]),
    ]
    story.extend(_p(paragraph.text, styles[_style_of(paragraph.kind)]) for paragraph in notice.body)
    distribution = render_distribution(notice.recipients, notice.scheme).splitlines()
    foot = Table(
        [
            [
                [
                    Paragraph(f"<u>{escape(distribution[0])}</u>", styles["recipients_title"]),
                    *(_p(line, styles["recipients"]) for line in distribution[1:]),
                ],
                [
                    _p(notice.signature.authority, styles["signer"]),
                    _p(notice.signature.position, styles["signer"]),
                    Spacer(1, 32 * mm),  # room for the handwritten signature and the seal
                    _p(notice.signature.name, styles["signer"]),
                ],
            ]
        ],
        colWidths=[width * 0.5, width * 0.5],
    )
    foot.setStyle(cell_style)
    story.extend([Spacer(1, 12), KeepTogether([foot])])
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT_MARGIN,
        rightMargin=RIGHT_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=f"{notice.title} {notice.subject}",
        author=notice.issuer_header,
        creator="sovanban",
        invariant=True,
        initialFontName=family,
    )
    document.build(story)
    return buffer.getvalue()


def _style_of(kind: str) -> str:
    return {"heading": "heading", "subheading": "subheading"}.get(kind, "body")
