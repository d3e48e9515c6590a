"""Small PDFs made in code for tests: blank pages, and one signed by a throw-away key."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from pypdf import PdfWriter

__all__ = ["blank_pdf", "self_signed_pdf", "text_pdf"]


def blank_pdf(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password, algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def text_pdf(*lines: str) -> bytes:
    """A one-page PDF holding ``lines`` in an embedded Vietnamese font (text extractable)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from signing.fonts import default_font_faces

    if "tests-regular" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("tests-regular", str(default_font_faces().regular)))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(595, 842), invariant=1)
    page.setFont("tests-regular", 12)
    for index, line in enumerate(lines):
        page.drawString(72, 760 - 18 * index, line)
    page.save()
    return buffer.getvalue()


def self_signed_pdf(field_name: str = "chu_ky") -> bytes:
    """A one-page PDF signed with a fresh, self-signed ECDSA key (trusted by nobody)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Người ký thử")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore(),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(blank_pdf()))
    signed = signers.sign_pdf(
        writer, signers.PdfSignatureMetadata(field_name=field_name), signer=signer
    )
    return signed.getvalue()
