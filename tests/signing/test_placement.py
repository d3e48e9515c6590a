"""Finding the number blank, the date line and the signature block in drafts from other tools."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from signing.fonts import default_font_faces
from signing.placement import PlacementNotFound, find_placement


def state_draft(*, with_name: bool = True) -> bytes:
    """A State-style draft laid out line by line, as a word processor exports it:
    dotted blanks, "Số:" with a colon, the signature block on the second page."""
    faces = default_font_faces()
    pdfmetrics.registerFont(TTFont("DraftSerif", str(faces.regular)))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setFont("DraftSerif", 13)
    page.drawString(90, 780, "ỦY BAN NHÂN DÂN")
    page.drawString(80, 762, "TỈNH HÀ TĨNH")
    page.drawString(75, 735, "Số: ........ /QĐ-UBND")
    page.drawString(330, 780, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    page.drawString(360, 762, "Độc lập - Tự do - Hạnh phúc")
    page.drawString(340, 735, "Hà Tĩnh, ngày ..... tháng ..... năm 2024")
    page.drawString(240, 690, "QUYẾT ĐỊNH")
    page.drawString(70, 650, "Về việc ban hành quy chế làm việc.")
    page.showPage()
    page.setFont("DraftSerif", 13)
    page.drawString(70, 700, "Nơi nhận:")
    page.drawString(70, 684, "- Như Điều 3;")
    page.drawString(370, 700, "KT. CHỦ TỊCH")
    page.drawString(360, 684, "PHÓ CHỦ TỊCH")
    if with_name:
        page.drawString(370, 590, "Trần Văn An")
    page.save()
    return buffer.getvalue()


def test_a_state_style_draft_from_another_tool() -> None:
    placement = find_placement(state_draft(), signer_name="Trần Văn An")
    # The dotted blank between "Số:" (x 75–94) and "/QĐ-UBND" is the field.
    assert placement.number.page == 0 and 93 < placement.number.x1 < placement.number.x2 < 127
    assert placement.number.x2 - placement.number.x1 > 25
    assert placement.date.page == 0 and placement.date.x1 < 345
    assert placement.signer.page == placement.organisation.page == 1
    block = placement.block
    assert block is not None
    signature, seal = block.signer.image, block.organisation.image
    assert signature is not None and seal is not None
    # Between the position line (684) and the name (590), centred on the name.
    assert signature.y0 > 590 + 13 and signature.y1 < 684
    name_centre = 370 + pdfmetrics.stringWidth("Trần Văn An", "DraftSerif", 13) / 2
    assert abs(signature.centre[0] - name_centre) < 0.5
    # The seal overlaps the left third of the signature.
    assert seal.x0 < signature.x0 and 0.24 <= (seal.x1 - signature.x0) / signature.width <= 0.43
    # The number and date lines are printed by their fields, in the draft's size.
    assert placement.number_line is not None and placement.number_line.plan.size == 13
    assert placement.date_line is not None and placement.date_line.plan.align == "left"


def test_a_missing_name_is_named() -> None:
    with pytest.raises(PlacementNotFound, match="the signer's name 'Trần Văn An'") as refused:
        find_placement(state_draft(with_name=False), signer_name="Trần Văn An")
    assert "'Số'" not in refused.value.message


def test_names_match_without_regard_to_case_or_decomposition() -> None:
    placement = find_placement(state_draft(), signer_name="TRA\u0300N VA\u0306N AN")
    assert placement.signer.page == 1
