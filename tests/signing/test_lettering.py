"""The fonts embedded in the stamps: cut from the reduced font without its layout tables, the
glyphs of the line kept at their ids, every cut remembered for the next signature."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from fontTools.ttLib import TTFont

from signing.fonts import default_font_faces, stamp_font
from signing.lettering import _always_embedded, embedded_program, font_bytes


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
