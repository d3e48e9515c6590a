"""Taking the number and date lines out of a draft's page, and leaving a draft be when that
cannot be done cleanly."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.pdfgen import canvas

from signing.inspect import prints_its_line
from signing.placement import find_placement, place_and_prepare
from signing.prepare import NUMBER_FIELD


def _page_text(pdf: bytes) -> str:
    """Page 1's own text (pypdf reads the content, not the fields' appearances)."""
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def test_the_lines_go_and_everything_else_stays(seed_pdf: bytes) -> None:
    before = _page_text(seed_pdf)
    prepared = place_and_prepare(seed_pdf, "Nguyễn Trọng Vân", None).pdf
    after = _page_text(prepared)
    assert "-TB/ĐUK" in before and "-TB/ĐUK" not in after
    assert "Hà Tĩnh, ngày" in before and "Hà Tĩnh, ngày" not in after
    for kept in ("ĐẢNG BỘ TỈNH HÀ TĨNH", "ĐẢNG CỘNG SẢN VIỆT NAM", "THÔNG BÁO KẾT LUẬN"):
        assert kept in after
    assert after == " ".join(
        before.replace(_line(before, "Số"), "").replace(_line(before, "Hà Tĩnh,"), "").split()
    )
    assert prepared.startswith(seed_pdf)  # an incremental update of the draft, as before
    assert prints_its_line(prepared, NUMBER_FIELD)


def _line(text: str, start: str) -> str:
    """The words of ``text`` from ``start`` up to the next line of the header."""
    begin = text.index(start)
    ends = [text.find(stop, begin) for stop in ("-TB/ĐUK", "20 ")]
    end = min(e for e in ends if e > begin)
    return text[begin : end + (7 if text[end] == "-" else 3)]


def test_a_text_operator_that_also_draws_elsewhere_leaves_the_draft_be() -> None:
    """The number line's operator also draws a word far to its right (as a justified run
    with a large kerning adjustment does): taking it out would take that word too, so the
    field covers the blank instead and the page keeps all its text."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(595, 842), invariant=True)
    page.setFont("Helvetica", 13)
    page.drawString(330, 760, "Ha Tinh, ngay      thang      nam 2026")
    page.drawString(360, 300, "T/M BAN CHAP HANH")
    page.drawString(350, 284, "PHO BI THU THUONG TRUC")
    page.drawString(360, 150, "Nguyen Trong Van")
    page._code.append("BT /F1 13 Tf 80 735 Td [(So          -TB/DUK) -25000 (Kept)] TJ ET")
    page.save()
    draft = buffer.getvalue()
    placement = find_placement(draft, signer_name="Nguyen Trong Van")
    assert placement.number_line is not None and "Kept" not in placement.number_line.runs[-1][1]
    prepared = place_and_prepare(draft, "Nguyen Trong Van", None).pdf
    assert not prints_its_line(prepared, NUMBER_FIELD)  # the field lies over the blank
    text = _page_text(prepared)
    assert "Kept" in text and "-TB/DUK" in text and "Ha Tinh" in text
