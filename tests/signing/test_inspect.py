"""First look at uploaded PDFs: what can be signed later is accepted, the rest refused."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from signing.errors import UnusablePdfError
from signing.inspect import inspect_pdf


def blank_pdf(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password, algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


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
