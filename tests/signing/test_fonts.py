"""The default font covers Vietnamese; configured fonts are checked before use."""

from __future__ import annotations

from pathlib import Path

import pytest

from signing.errors import FontError
from signing.fonts import VIETNAMESE_SAMPLE, default_font_faces, font_faces, missing_glyphs


def test_the_default_faces_cover_every_vietnamese_letter() -> None:
    faces = default_font_faces()
    for path in (faces.regular, faces.bold, faces.italic, faces.bold_italic):
        assert path.is_file()
        assert missing_glyphs(path) == ""
    assert len(VIETNAMESE_SAMPLE) == 12 * 2 * 6 + 2


def test_configured_fonts_must_exist_and_cover_vietnamese(tmp_path: Path) -> None:
    with pytest.raises(FontError, match="does not exist"):
        font_faces(regular=str(tmp_path / "absent.ttf"))
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font")
    with pytest.raises(FontError, match="not a readable"):
        font_faces(bold=str(junk))


def test_a_font_without_vietnamese_is_refused(tmp_path: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    latin_only = tmp_path / "latin.ttf"
    font = TTFont(str(default_font_faces().regular))
    subsetter = subset.Subsetter()
    subsetter.populate(text="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    subsetter.subset(font)
    font.save(str(latin_only))
    with pytest.raises(FontError, match=r"cannot draw Vietnamese: .*ư"):
        font_faces(regular=str(latin_only))


def test_a_configured_face_replaces_only_its_own_style() -> None:
    default = default_font_faces()
    chosen = font_faces(italic=str(default.regular))
    assert chosen.italic == default.regular
    assert chosen.bold == default.bold
