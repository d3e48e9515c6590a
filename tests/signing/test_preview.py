"""Page pictures: the fields are found where the PDF puts them and outlined on the image."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from signing.errors import UnusablePdfError
from signing.preview import page_fields, pages_to_show, render_page
from tests.support.flow import Flow


def test_a_prepared_notice_shows_its_fields(flow: Flow) -> None:
    prepared_pdf = flow.prepared
    pages = pages_to_show(prepared_pdf)
    assert pages[0] == 0
    names = {box.name for index in pages for box in page_fields(prepared_pdf, index)}
    assert {"so_ky_hieu", "ngay_ban_hanh", "chu_ky_lanh_dao", "chu_ky_co_quan"} <= names
    last = pages[-1]
    signature = next(box for box in page_fields(prepared_pdf, last) if box.kind == "signature")
    assert not signature.signed
    image = Image.open(io.BytesIO(render_page(prepared_pdf, last, width=600)))
    assert image.width == 600
    # The empty signature field's outline is drawn in blue where its rectangle lies.
    x1, _y1, _x2, y2 = signature.rect
    scale = 600 / 595.0
    left, top = round(x1 * scale), round((842 - y2) * scale)
    blue = [image.getpixel((left + dx, top + 1)) for dx in range(5, 40)]
    assert any(pixel == (20, 70, 200) for pixel in blue)


def test_what_is_not_a_pdf_is_refused() -> None:
    with pytest.raises(UnusablePdfError):
        render_page(b"not a pdf")
    with pytest.raises(UnusablePdfError):
        pages_to_show(b"%PDF-1.7 broken")


def test_signed_fields_are_told_apart(flow: Flow) -> None:
    last = pages_to_show(flow.issued)[-1]
    states = {box.name: box.signed for box in page_fields(flow.issued, last)}
    assert states == {"chu_ky_lanh_dao": True, "chu_ky_co_quan": True}


def test_a_signature_over_signed_content_stands_out_in_orange(flow: Flow) -> None:
    last = pages_to_show(flow.issued, also=[0])[-1]
    assert pages_to_show(flow.issued, also=[0, 99]) == pages_to_show(flow.issued)  # page 1 is in
    seal = next(box for box in page_fields(flow.issued, last) if box.name == "chu_ky_co_quan")
    image = Image.open(io.BytesIO(render_page(flow.issued, last, over_signed={seal.name})))
    x1, _y1, _x2, y2 = seal.rect
    scale = 800 / 595.0
    left, top = round(x1 * scale), round((842 - y2) * scale)
    edge = [image.getpixel((left + dx, top + 1)) for dx in range(5, 40)]
    assert any(pixel == (230, 120, 0) for pixel in edge)
