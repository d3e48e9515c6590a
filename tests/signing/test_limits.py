"""Limits a PDF must keep before it is parsed further or drawn: each hostile file is refused
naming the limit it broke, quickly, without the memory it asks for."""

from __future__ import annotations

import pytest

from signing.errors import UnusablePdfError
from signing.limits import PdfLimits, check_limits
from tests.support import hostile_pdfs
from tests.support.pdfs import blank_pdf


@pytest.mark.parametrize(
    ("pdf", "message"),
    [
        (hostile_pdfs.tall_page(), r"5,000,000 mm on a side; the limit is 5,000 mm"),
        (hostile_pdfs.inflating(300), r"inflates to more than the limit \(256 MB\)"),
        (hostile_pdfs.looping_pages(), "loops back on itself"),
        (hostile_pdfs.counted(), r"999,999,999 pages; the limit is 2,000"),
        (hostile_pdfs.deep_array(), r"deeper than the limit \(64 levels\)"),
        (hostile_pdfs.huge_image(), r"2,000 megapixels; the limit is 200"),
        (b"%PDF-1.7\nnot really", "damaged"),
        (b"not a pdf", "no %PDF- header"),
    ],
    ids=["tall", "inflating", "looping", "counted", "deep", "image", "damaged", "not-a-pdf"],
)
def test_a_hostile_file_is_refused_naming_the_limit(pdf: bytes, message: str) -> None:
    with pytest.raises(UnusablePdfError, match=message):
        check_limits(pdf)


def test_ordinary_files_pass_with_their_page_count(seed_pdf: bytes) -> None:
    assert check_limits(blank_pdf(3)) == 3
    assert check_limits(seed_pdf) >= 1
    assert check_limits(hostile_pdfs.inflating(8)) == 1  # 8 MB inflated: within 256


def test_the_limits_are_the_configured_ones() -> None:
    with pytest.raises(UnusablePdfError, match="3 pages; the limit is 2"):
        check_limits(blank_pdf(3), PdfLimits(max_pages=2))
    with pytest.raises(UnusablePdfError, match=r"the limit \(4 MB\)"):
        check_limits(hostile_pdfs.inflating(8), PdfLimits(max_inflated_mb=4))
    a0_side = hostile_pdfs.one_page(b"[0 0 2384 3370]")  # A0: 1189 mm
    assert check_limits(a0_side) == 1
    with pytest.raises(UnusablePdfError, match="1,189 mm on a side; the limit is 1,000 mm"):
        check_limits(a0_side, PdfLimits(max_page_side_mm=1000))
