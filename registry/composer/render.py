"""Render a :class:`Notice` as a PDF in the Party layout of Hướng dẫn 36-HD/VPTW.

Left header: superior body, issuer (bold), "*", the number line, for a Công văn its subject
"V/v …" (italic), then the secrecy and urgency marks (bold capitals, each framed). Right
header: "ĐẢNG CỘNG SẢN VIỆT NAM" (bold, underlined), the place and date (italic). Then
the title and subject (not for a Công văn), the body, and at the foot the Nơi nhận list
beside the signature block, kept on one page with the last paragraph. Pages from the second
on are numbered at the top centre. A4, Vietnamese fonts embedded (subset), text NFC so it
extracts as written.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

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
        "letter_subject": style("letter_subject", 12, italic=True, alignment=TA_CENTER),
        "mark": style("mark", 13, bold=True, alignment=TA_CENTER),
        "page_number": style("page_number", 13, alignment=TA_CENTER),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # A spaced dash is bound to both neighbours: a line ending on "-" reads as a
    # hyphenation to text extractors (pdftotext drops it), one starting with it as a list.
    return Paragraph(escape(text.replace(" - ", "\u00a0-\u00a0")), style)


def _mark(text: str, style: ParagraphStyle) -> Table:
    """A secrecy or urgency mark: bold capitals in a rectangular frame (36-HD/VPTW)."""
    width = pdfmetrics.stringWidth(text, style.fontName, style.fontSize) + 14
    framed = Table([[_p(text, style)]], colWidths=[width], hAlign="CENTER")
    framed.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return framed


def _left_header(notice: Notice, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    cell: list[Flowable] = [
        _p(notice.superior_body, styles["header"]),
        _p(notice.issuer_header, styles["header_bold"]),
        _p("*", styles["header"]),
        _p(notice.number_line, styles["header"]),
    ]
    if notice.is_letter:
        cell.append(_p(f"V/v {notice.subject}", styles["letter_subject"]))
    for mark in (notice.secrecy, notice.urgency):
        if mark:
            cell.extend([Spacer(1, 6), _mark(mark, styles["mark"])])
    return cell


def _number_pages(style: ParagraphStyle) -> Callable[[Canvas, Any], None]:
    """Pages from the second on carry their number at the top centre (36-HD/VPTW)."""

    def draw(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(style.fontName, style.fontSize)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, str(document.page))
        canvas.restoreState()

    return draw


def render_notice(notice: Notice, faces: FontFaces) -> bytes:
    """The notice as PDF bytes; the same notice and fonts always give the same bytes."""
    family = register_font_family(faces)
    styles = _styles(family)
    width = A4[0] - LEFT_MARGIN - RIGHT_MARGIN
    header = Table(
        [
            [
                _left_header(notice, styles),
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
    header.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))  # the framed marks
    story: list[Flowable] = [header]
    if notice.is_letter:
        story.append(Spacer(1, 18))
    else:
        story.extend([_p(notice.title, styles["title"]), _p(notice.subject, styles["subject"])])
    body = [_p(paragraph.text, styles[_style_of(paragraph.kind)]) for paragraph in notice.body]
    distribution = render_distribution(notice.recipients, notice.scheme).splitlines()
    foot = Table(
        [
            [
                [
                    Paragraph(f"<u>{escape(distribution[0])}</u>", styles["recipients_title"]),
                    *(_p(line, styles["recipients"]) for line in distribution[1:]),
                ],
                [
                    _p(notice.signature.authority.upper(), styles["signer"]),
                    _p(notice.signature.position.upper(), styles["signer"]),
                    Spacer(1, 40 * mm),  # room for the seal at real size (35 mm), and its text
                    _p(notice.signature.name, styles["signer"]),
                ],
            ]
        ],
        colWidths=[width * 0.5, width * 0.5],
    )
    foot.setStyle(cell_style)
    # The last paragraph goes with the block: a signature never stands on a page alone.
    story.extend([*body[:-1], KeepTogether([*body[-1:], Spacer(1, 12), foot])])
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
    document.build(story, onLaterPages=_number_pages(styles["page_number"]))
    return buffer.getvalue()


def _style_of(kind: str) -> str:
    return {"heading": "heading", "subheading": "subheading"}.get(kind, "body")
