"""Fonts with full Vietnamese coverage, for composed notices and signature stamps.

The default is Noto Serif from the ``fontpkg-noto-serif`` package, which ships it as
variable fonts; PDF generators need static faces, so the four faces (regular, bold,
italic, bold italic) are instantiated once with fontTools and cached on disk.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from basics.said import said

from .errors import FontError

__all__ = [
    "VIETNAMESE_SAMPLE",
    "FontFaces",
    "default_font_faces",
    "font_faces",
    "missing_glyphs",
    "stamp_font",
    "text_width",
]

# Every Vietnamese letter with every tone, upper and lower case, and the đ.
_VOWELS = "aăâeêioôơuưy"
_TONES = "\u0300\u0301\u0303\u0309\u0323"
VIETNAMESE_SAMPLE = (
    "".join(
        unicodedata.normalize("NFC", base + tone)
        for base in _VOWELS + _VOWELS.upper()
        for tone in ("", *_TONES)
    )
    + "đĐ"
)


@dataclass(frozen=True)
class FontFaces:
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sovanban" / "fonts"


def missing_glyphs(path: Path, text: str = VIETNAMESE_SAMPLE) -> str:
    """The characters of ``text`` that the font at ``path`` cannot draw."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with path.open("rb") as stream, TTFont(stream, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except (OSError, TTLibError, AssertionError, KeyError) as exc:  # fontTools asserts on junk
        raise FontError(
            said("{path}: not a readable TrueType/OpenType font ({exc})", path=path, exc=exc)
        ) from exc
    return "".join(sorted({ch for ch in text if ord(ch) not in cmap}))


def font_faces(
    regular: str = "", bold: str = "", italic: str = "", bold_italic: str = ""
) -> FontFaces:
    """The configured faces (paths), each checked for Vietnamese; the default for any left empty."""
    default: FontFaces | None = None
    chosen: list[Path] = []
    for style, configured in (
        ("regular", regular),
        ("bold", bold),
        ("italic", italic),
        ("bold_italic", bold_italic),
    ):
        if configured:
            path = Path(configured)
            if not path.is_file():
                raise FontError(
                    said("the {style} font {path} does not exist", style=style, path=path)
                )
            missing = missing_glyphs(path)
            if missing:
                raise FontError(
                    said(
                        "the {style} font {path} cannot draw Vietnamese: {missing}",
                        style=style,
                        path=path,
                        missing=missing,
                    )
                )
            chosen.append(path)
        else:
            default = default or default_font_faces()
            chosen.append(getattr(default, style))
    return FontFaces(*chosen)


def default_font_faces() -> FontFaces:
    """Static Noto Serif faces, made from the packaged variable fonts on first use."""
    try:
        version = metadata.version("fontpkg-noto-serif")
        files = resources.files("fontpkg_noto_serif") / "files"
    except (metadata.PackageNotFoundError, ModuleNotFoundError) as exc:
        raise FontError(
            said("the fontpkg-noto-serif package is missing; install it or configure font files")
        ) from exc
    folder = _cache_root() / f"noto-serif-{version}"
    faces = FontFaces(
        folder / "NotoSerif-Regular.ttf",
        folder / "NotoSerif-Bold.ttf",
        folder / "NotoSerif-Italic.ttf",
        folder / "NotoSerif-BoldItalic.ttf",
    )
    upright = Path(str(files / "NotoSerif[wdth,wght].ttf"))
    slanted = Path(str(files / "NotoSerif-Italic[wdth,wght].ttf"))
    for target, source, weight in (
        (faces.regular, upright, 400),
        (faces.bold, upright, 700),
        (faces.italic, slanted, 400),
        (faces.bold_italic, slanted, 700),
    ):
        if not target.is_file():
            _instantiate(source, weight, target)
    return faces


def _instantiate(source: Path, weight: int, target: Path) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with TTFont(str(source)) as font:
            static = instancer.instantiateVariableFont(
                font, {"wght": weight, "wdth": 100}, updateFontNames=True
            )
            handle, temp_name = tempfile.mkstemp(dir=target.parent, suffix=".ttf")
            os.close(handle)
            try:
                static.save(temp_name)
                os.replace(temp_name, target)  # concurrent first uses race harmlessly
            except BaseException:
                Path(temp_name).unlink(missing_ok=True)
                raise
    except OSError as exc:
        raise FontError(
            said("cannot prepare the font {name}: {exc}", name=target.name, exc=exc)
        ) from exc


# Basic Latin, Latin-1, the Latin Extended letters Vietnamese uses, combining marks,
# the Vietnamese block and general punctuation: all a stamp or a number field shows.
_STAMP_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    0x1A0,
    0x1A1,
    0x1AF,
    0x1B0,
    *range(0x300, 0x324),
    *range(0x1EA0, 0x1EFA),
    *range(0x2010, 0x2027),
]


def stamp_font(source: Path) -> Path:
    """``source`` reduced once to the characters stamps use (cached beside the faces).

    Subsetting a full font costs about 120 ms per signature; the reduced file keeps
    pyHanko's own per-signature subsetting cheap.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    target = _cache_root() / "stamp" / f"{source.stem}-{digest}.ttf"
    if target.is_file():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with TTFont(str(source)) as font:
            options = subset.Options()
            options.layout_features = ["*"]
            options.name_IDs = ["*"]
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=_STAMP_UNICODES)
            subsetter.subset(font)
            handle, temp_name = tempfile.mkstemp(dir=target.parent, suffix=".ttf")
            os.close(handle)
            try:
                font.save(temp_name)
                os.replace(temp_name, target)
            except BaseException:
                Path(temp_name).unlink(missing_ok=True)
                raise
    except OSError as exc:
        raise FontError(
            said("cannot prepare the stamp font from {source}: {exc}", source=source, exc=exc)
        ) from exc
    return target


@cache
def _advances(path: Path) -> tuple[dict[int, int], float]:
    """Each character's advance width in font units, and the units per em."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with path.open("rb") as stream, TTFont(stream, lazy=True) as font:
            cmap = font.getBestCmap() or {}
            metrics = font["hmtx"].metrics
            widths = {code: metrics[glyph][0] for code, glyph in cmap.items() if glyph in metrics}
            return widths, float(font["head"].unitsPerEm)
    except (OSError, TTLibError, AssertionError, KeyError) as exc:
        raise FontError(
            said("{path}: not a readable TrueType/OpenType font ({exc})", path=path, exc=exc)
        ) from exc


def text_width(path: Path, text: str, size: float) -> float:
    """The width in points of ``text`` (NFC) set in the font at ``path`` at ``size``: the sum
    of the advances, which is what a stamp's text takes without kerning."""
    widths, units = _advances(path)
    fallback = widths.get(ord("0"), units / 2)
    return sum(widths.get(ord(ch), fallback) for ch in text) * size / units
