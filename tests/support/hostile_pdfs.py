"""Small PDFs built by hand that attack whatever parses or draws them: a page taller than a
city, a stream that inflates a thousandfold, a page tree that loops or lies about its size,
objects nested a hundred thousand deep. Each is a valid file as far as its syntax goes."""

from __future__ import annotations

import zlib


def assemble(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (object 1 the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def one_page(
    media_box: bytes = b"[0 0 595 842]", content: bytes = b"BT ET", page_extra: bytes = b""
) -> bytes:
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox "
            + media_box
            + b" /Contents 4 0 R"
            + page_extra
            + b" >>",
            _stream(content),
        ]
    )


def tall_page(height_mm: int = 5_000_000) -> bytes:
    """One A4-wide page five kilometres tall: a renderer allocates its bitmap."""
    return one_page(b"[0 0 595 %d]" % int(height_mm / 25.4 * 72))


def inflating(megabytes: int) -> bytes:
    """A page whose content stream inflates to ``megabytes`` of zeros (about a thousand
    times its size in the file)."""
    squeezed = zlib.compress(b"\0" * (megabytes * 1024 * 1024), 9)
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            _stream(squeezed, b" /Filter /FlateDecode"),
        ]
    )


def looping_pages() -> bytes:
    """A page tree whose node is its own kid."""
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


def counted(pages: int = 999_999_999) -> bytes:
    """One page, with a page tree that claims ``pages``."""
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % pages,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


def deep_array(depth: int = 100_000) -> bytes:
    """A page with an entry nested ``depth`` arrays deep."""
    return one_page(page_extra=b" /Nest " + b"[" * depth + b"]" * depth)


def huge_image(megapixels: int = 2000) -> bytes:
    """A page drawing a one-byte-per-pixel image of ``megapixels`` (its data a few bytes)."""
    side = int((megapixels * 1_000_000) ** 0.5)
    image = _stream(
        zlib.compress(b"\0" * 1024),
        b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Filter /FlateDecode" % (side, side),
    )
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /XObject << /I 5 0 R >> >> >>",
            _stream(b"q 595 0 0 842 0 0 cm /I Do Q"),
            image,
        ]
    )
