"""The unsigned documents the corpus starts from, made here (reportlab, pypdf, qpdf).

``text``: one page of Vietnamese text, as a layout program writes it. ``decree``: six
pages of text and images with a structure tree (thousands of small objects) packed in
object streams, as word processors export; ``decree-large``: ten such pages, about 1 MB.
``linearized``/``linearized-objstm`` are qpdf's linearized versions; ``encrypted-aes128``
and ``-aes256`` are encrypted with an empty user password (the file opens without one)
and an owner password.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path

from .toolbox import Toolbox

__all__ = ["OWNER_PASSWORD", "TEXT_LINES", "make_document", "seal_image"]

OWNER_PASSWORD = "chu-so-huu"
TEXT_LINES = (
    "ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH",
    "THÔNG BÁO KẾT LUẬN",
    "của Ban Chấp hành Đảng bộ Khối tại Hội nghị lần thứ VII",
    "Ngày 11 tháng 4 năm 2023, Ban Chấp hành Đảng bộ Khối tổ chức Hội nghị.",
    "Giao Văn phòng Đảng ủy Khối theo dõi, đôn đốc thực hiện Thông báo này.",
)


def _text(work: Path, tools: Toolbox) -> bytes:
    from tests.support.pdfs import text_pdf

    return text_pdf(*TEXT_LINES)


def _decree_pages(pages: int = 6, image: tuple[int, int] = (160, 90)) -> bytes:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from signing.fonts import default_font_faces

    if "corpus-regular" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("corpus-regular", str(default_font_faces().regular)))
    noise = random.Random(7)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(595, 842), invariant=1)
    for number in range(1, pages + 1):
        page.setFont("corpus-regular", 12)
        page.drawString(90, 760, f"NGHỊ ĐỊNH — trang {number}")
        for line in range(30):
            page.drawString(90, 730 - 18 * line, f"Điều {number}.{line}. Quy định về chữ ký số.")
        pixels = noise.randbytes(image[0] * image[1] * 3)
        page.drawImage(ImageReader(Image.frombytes("RGB", image, pixels)), 380, 170, 160, 90)
        page.showPage()
    page.save()
    return buffer.getvalue()


def _tagged(data: bytes, elements_per_page: int = 300) -> bytes:
    """A structure tree, as a tagged export has: many small objects pointing at pages."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=io.BytesIO(data))
    root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    root_ref = writer._add_object(root)
    kids = ArrayObject()
    for number, page in enumerate(writer.pages):
        for index in range(elements_per_page):
            element = DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/StructElem"),
                    NameObject("/S"): NameObject("/P"),
                    NameObject("/P"): root_ref,
                    NameObject("/Pg"): page.indirect_reference,
                    NameObject("/K"): NumberObject(index),
                    NameObject("/Alt"): TextStringObject(f"đoạn {number}-{index}"),
                }
            )
            kids.append(writer._add_object(element))
    root[NameObject("/K")] = kids
    writer._root_object[NameObject("/StructTreeRoot")] = root_ref
    writer._root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)}
    )
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _decree(work: Path, tools: Toolbox) -> bytes:
    plain = work / "decree-plain.pdf"
    plain.write_bytes(_tagged(_decree_pages()))
    packed = work / "decree.pdf"
    tools.qpdf(["--object-streams=generate", str(plain), str(packed)])
    return packed.read_bytes()


def _large_decree(work: Path, tools: Toolbox) -> bytes:
    """Ten pages, about 1 MB: the size of a published decree, for the cost benchmark."""
    plain = work / "decree-large-plain.pdf"
    plain.write_bytes(_tagged(_decree_pages(10, (200, 165)), elements_per_page=600))
    packed = work / "decree-large.pdf"
    tools.qpdf(["--object-streams=generate", str(plain), str(packed)])
    return packed.read_bytes()


def _hybrid(work: Path, tools: Toolbox) -> bytes:
    """The text document rewritten as a hybrid-reference file (PDF 1.5, as some office
    suites save for older readers): a classic xref table for the plain objects, and, named
    by the trailer's /XRefStm, an xref stream for the ones packed in an object stream."""
    import zlib

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(_text(work, tools)))
    root = reader.trailer.raw_get("/Root").reference
    refs = sorted(reader.xrefs.explicit_refs_in_revision(0), key=lambda ref: ref.idnum)

    def serialised(obj: generic.PdfObject) -> bytes:
        buffer = io.BytesIO()
        obj.write_to_stream(buffer, None)
        return buffer.getvalue()

    plain = [r for r in refs if r == root or isinstance(reader.get_object(r), generic.StreamObject)]
    packed = [r for r in refs if r not in plain]
    size = max(r.idnum for r in refs) + 1
    stream_number, xref_number = size, size + 1
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for ref in plain:
        offsets[ref.idnum] = len(out)
        out += b"%d 0 obj\n" % ref.idnum + serialised(reader.get_object(ref)) + b"\nendobj\n"
    bodies = [serialised(reader.get_object(ref)) for ref in packed]
    header, position = [], 0
    for ref, body in zip(packed, bodies, strict=True):
        header.append(b"%d %d" % (ref.idnum, position))
        position += len(body) + 1
    index = b" ".join(header) + b"\n"
    content = zlib.compress(index + b"\n".join(bodies) + b"\n")
    offsets[stream_number] = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
        stream_number,
        len(packed),
        len(index),
        len(content),
    )
    out += b"stream\n" + content + b"\nendstream\nendobj\n"
    rows = b"".join(
        b"\x02" + stream_number.to_bytes(4, "big") + i.to_bytes(2, "big")
        for i in range(len(packed))
    )
    xref_at = len(out)
    index_entries = b" ".join(b"%d 1" % ref.idnum for ref in packed)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%s] /Length %d >>\n" % (
        xref_number,
        xref_number + 1,
        index_entries,
        len(rows),
    )
    out += b"stream\n" + rows + b"\nendstream\nendobj\n"
    offsets[xref_number] = xref_at
    table_at = len(out)
    # The table lists the plain objects only: an entry there would take precedence over
    # the stream's, so the packed objects must be absent from it, not free.
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for number in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    out += b"trailer\n<< /Size %d /Root %d 0 R /XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        xref_number + 1,
        root.idnum,
        xref_at,
        table_at,
    )
    return bytes(out)


def _encrypted(bits: str) -> Callable[[Path, Toolbox], bytes]:
    def make(work: Path, tools: Toolbox) -> bytes:
        origin = work / "text.pdf"
        origin.write_bytes(_text(work, tools))
        target = work / f"encrypted-{bits}.pdf"
        aes = ["--use-aes=y"] if bits == "128" else []
        tools.qpdf(["--encrypt", "", OWNER_PASSWORD, bits, *aes, "--", str(origin), str(target)])
        return target.read_bytes()

    return make


def _linearized(streams: str) -> Callable[[Path, Toolbox], bytes]:
    def make(work: Path, tools: Toolbox) -> bytes:
        plain = work / "decree-plain.pdf"
        if not plain.is_file():
            plain.write_bytes(_tagged(_decree_pages()))
        target = work / f"linearized-{streams}.pdf"
        tools.qpdf(["--linearize", f"--object-streams={streams}", str(plain), str(target)])
        return target.read_bytes()

    return make


_MAKERS: dict[str, Callable[[Path, Toolbox], bytes]] = {
    "text": _text,
    "decree": _decree,
    "decree-large": _large_decree,
    "linearized": _linearized("disable"),
    "linearized-objstm": _linearized("generate"),
    "hybrid": _hybrid,
    "encrypted-aes128": _encrypted("128"),
    "encrypted-aes256": _encrypted("256"),
}


def make_document(name: str, work: Path, tools: Toolbox) -> bytes:
    return _MAKERS[name](work, tools)


def seal_image(work: Path) -> Path:
    """A red round seal on a transparent background, as offices stamp."""
    from PIL import Image, ImageDraw

    path = work / "seal.png"
    if not path.is_file():
        image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        draw.ellipse((6, 6, 294, 294), outline=(210, 20, 20, 255), width=14)
        draw.ellipse((70, 70, 230, 230), outline=(210, 20, 20, 255), width=6)
        image.save(path)
    return path
