"""The fonts embedded in the stamps: cut from the reduced font without its layout tables, the
glyphs of the line kept at their ids, every cut remembered for the next signature; the font
parsed once per process, each update's engine its own."""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.writer import PdfFileWriter
from pypdf import PdfReader

from signing.fonts import default_font_faces, stamp_font
from signing.lettering import _always_embedded, _engine, embedded_program, font_bytes, set_line


def _glyph_ids(path: Path, text: str) -> frozenset[int]:
    with TTFont(io.BytesIO(font_bytes(path))) as font:
        order, cmap = font.getGlyphOrder(), font.getBestCmap()
        return frozenset(order.index(cmap[ord(char)]) for char in text)


def test_the_embedded_program_draws_the_line_and_carries_no_layout_tables() -> None:
    path = stamp_font(default_font_faces().regular)
    wanted = _glyph_ids(path, "NguyễnTrọngVân")  # letters: a space has no outline
    program = embedded_program(path, wanted | _always_embedded(path))
    with TTFont(io.BytesIO(zlib.decompress(program))) as font:
        assert not {"GSUB", "GPOS", "GDEF"} & set(font.keys())
        glyphs = font["glyf"]
        order = font.getGlyphOrder()
        for glyph_id in wanted:  # at the same ids as in the font shaping used, with outlines
            assert glyphs[order[glyph_id]].numberOfContours != 0
        digits = _glyph_ids(path, "0123456789")
        assert all(glyphs[order[glyph_id]].numberOfContours > 0 for glyph_id in digits)


def test_a_line_signed_again_reuses_its_cut() -> None:
    path = stamp_font(default_font_faces().italic)
    glyphs = _glyph_ids(path, "vanthu@hatinh.dcs.vn") | _always_embedded(path)
    assert embedded_program(path, glyphs) is embedded_program(path, frozenset(glyphs))


def _page_with_line(writer: PdfFileWriter, path: Path, text: str) -> bytes:
    content = RawContent(b"", box=BoxConstraints(width=400, height=40))
    content.data = set_line(content, writer, path, text, x=10, baseline=15, size=12)
    page = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Page"),
            pdf_name("/MediaBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 400, 40))),
            pdf_name("/Resources"): content.resources.as_pdf_object(),
            pdf_name("/Contents"): writer.add_object(
                generic.StreamObject(stream_data=content.data)
            ),
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _embedded_outlines(pdf: bytes, path: Path, letters: str) -> dict[str, bool]:
    """Whether the font the page embeds draws each of ``letters`` (has its outline)."""
    page: Any = PdfReader(io.BytesIO(pdf)).pages[0]  # pypdf's objects are loosely typed
    (font,) = page["/Resources"]["/Font"].values()
    descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    with TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data())) as embedded:
        glyphs, order = embedded["glyf"], embedded.getGlyphOrder()
        return {
            letter: glyphs[order[min(_glyph_ids(path, letter))]].numberOfContours != 0
            for letter in letters
        }


def test_updates_share_the_parsed_font_and_each_embeds_only_its_own_line() -> None:
    path = stamp_font(default_font_faces().italic)
    first, second = PdfFileWriter(), PdfFileWriter()
    assert _engine(first, path).tt is _engine(second, path).tt  # parsed once
    assert _engine(first, path) is not _engine(second, path)
    assert _engine(first, path) is _engine(first, path)  # one engine per face and update
    parsed = _engine(first, path).tt  # every table read already: threads share it unlocked
    assert set(parsed.reader.keys()) <= set(parsed.tables)

    earlier = _page_with_line(first, path, "Hà Tĩnh, ngày 20 tháng 4 năm 2023")
    later = _page_with_line(second, path, "Số 07-TB/ĐUK")

    assert PdfReader(io.BytesIO(earlier)).pages[0].extract_text() == (
        "Hà Tĩnh, ngày 20 tháng 4 năm 2023"
    )
    assert PdfReader(io.BytesIO(later)).pages[0].extract_text() == "Số 07-TB/ĐUK"
    # Each update's font draws its own line, not the letters an earlier update used.
    assert _embedded_outlines(earlier, path, "HĩĐ") == {"H": True, "ĩ": True, "Đ": False}
    assert _embedded_outlines(later, path, "HĩĐ") == {"H": False, "ĩ": False, "Đ": True}
