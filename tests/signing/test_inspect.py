"""First look at uploaded PDFs: what can be signed later is accepted, the rest refused."""

from __future__ import annotations

import pytest

from signing.errors import UnusablePdfError
from signing.inspect import inspect_pdf
from tests.support.pdfs import blank_pdf, self_signed_pdf


def test_a_plain_pdf_is_accepted() -> None:
    facts = inspect_pdf(blank_pdf(3))
    assert facts.page_count == 3
    assert facts.signature_fields == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a PDF"),
        (b"PK\x03\x04 a Word document", "not a PDF"),
        (b"%PDF-1.7\n garbage with no xref and no trailer", "damaged"),
    ],
)
def test_unusable_bytes_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(UnusablePdfError, match=message):
        inspect_pdf(data)


def test_a_truncated_pdf_is_refused() -> None:
    data = blank_pdf()
    with pytest.raises(UnusablePdfError):
        inspect_pdf(data[: len(data) // 2])


def test_an_encrypted_pdf_is_refused() -> None:
    with pytest.raises(UnusablePdfError, match="encrypted"):
        inspect_pdf(blank_pdf(password="secret"))


def test_signature_fields_are_reported() -> None:
    assert inspect_pdf(self_signed_pdf("chu_ky_lanh_dao")).signature_fields == ("chu_ky_lanh_dao",)
