"""Text set in the stamp fonts inside appearance streams, one embedded font per face and
update, the font program prepared once per process.

pyHanko makes a font engine (and, when the file is written, a font subset) for every text
box; an update that fills the number and the date and draws the organisation's stamp would
subset the same font three times, and each subset costs fontTools about 60 ms, most of it
reading the layout tables it then drops. Here every appearance of one update shares one
engine per face; the stamp fonts are already reduced to the characters stamps use
(:func:`signing.fonts.stamp_font`), so the engine embeds that whole reduced font, its layout
tables and hinting taken out and the program compressed once per process (HarfBuzz still
shapes with the layout tables; glyph ids are kept). Lines are set at an exact baseline and
size (pyHanko's text boxes round the size to whole points and place lines by box alignment,
not by baseline). Each face is parsed once per process and its engine rebound to every
update; pyHanko's own text boxes (fields prepared without a plan) get an engine each from
the same parsed face (:func:`text_box_engine`), since a text box fixes its engine's size.
"""

from __future__ import annotations

import copy
import io
import weakref
import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import PdfContent, ResourceType
from pyhanko.pdf_utils.font.api import FontEngine
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import PdfFileWriter

from basics.said import said

from .errors import SigningError

__all__ = [
    "StampFonts",
    "embedded_program",
    "font_bytes",
    "line_width",
    "set_line",
    "text_box_engine",
]


@dataclass(frozen=True)
class StampFonts:
    """Pre-subset font files (see :func:`signing.fonts.stamp_font`)."""

    regular: Path
    italic: Path

    def face(self, italic: bool) -> Path:
        return self.italic if italic else self.regular


@cache
def font_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SigningError(
            said("cannot read the stamp font {path}: {strerror}", path=path, strerror=exc.strerror)
        ) from exc


@cache
def _without_layout(path: Path) -> bytes:
    """``path``'s font without the layout tables (only shaping reads them) or hinting, every
    glyph at its glyph id: the source the embedded subsets are cut from, quickly."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(font_bytes(path))) as font:
        options = subset.Options(layout_closure=False)
        options.retain_gids = True
        options.drop_tables += ["GPOS", "GDEF", "GSUB"]
        options.hinting = False
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=list(range(len(font.getGlyphOrder()))))
        subsetter.subset(font)
        program = io.BytesIO()
        font.save(program)
    return program.getvalue()


@lru_cache(maxsize=256)
def embedded_program(path: Path, glyphs: frozenset[int]) -> bytes:
    """The FlateDecode-compressed TrueType program embedded for ``glyphs`` of ``path`` (at
    their glyph ids): cut from the font without its layout tables, and remembered, since the
    same lines (an e-mail, a date) come back signature after signature."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(_without_layout(path))) as font:
        options = subset.Options(layout_closure=False)
        options.retain_gids = True
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=sorted(glyphs))
        subsetter.subset(font)
        program = io.BytesIO()
        font.save(program)
    return zlib.compress(program.getvalue())


# Characters always embedded, so that a program cut for one number, date or signing time
# serves the next: the lines of an office differ mostly in their digits.
_ALWAYS = "0123456789 +-–:./,T"


@cache
def _always_embedded(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(font_bytes(path))) as font:
        order, cmap = font.getGlyphOrder(), font.getBestCmap()
        return frozenset(order.index(cmap[ord(char)]) for char in _ALWAYS if ord(char) in cmap) | {
            0
        }


class _ReducedFontEngine(GlyphAccumulator):
    """pyHanko's engine, its font program cut by :func:`embedded_program` rather than by
    subsetting the font with its layout tables at every update.

    Parsing the font (fontTools reads its glyph table, HarfBuzz its face) costs 2-3 ms, twice
    an issue; so each face is parsed once per process, by :func:`_parsed`, and every update's
    engine is that engine rebound to the update's writer (:meth:`for_writer`): the parsed
    font is only read from then on, since the program embedded is cut from the file.
    """

    def __init__(self, writer: Any, path: Path) -> None:
        super().__init__(writer=writer, font_handle=io.BytesIO(font_bytes(path)), font_size=1)
        self._path = path
        self._base_name = self.cidfont_obj.name.split("+", 1)[1]
        # Read now every table shaping and measuring will read, so that engines of
        # updates written at once in several threads never make fontTools read the file.
        for tag in self.tt.keys():  # noqa: SIM118  # a TTFont has no __iter__
            self.tt[tag]
        self.tt.getGlyphOrder()
        self._reverse_cmap  # noqa: B018  # built once here, shared by the rebound engines
        self._set_font_file()

    def for_writer(
        self, writer: Any, *, size: float = 1, obj_stream: Any = None
    ) -> _ReducedFontEngine:
        """This engine for ``writer``: the parsed font shared, the glyphs used, the subset
        name and the font object the update's own."""
        engine = copy.copy(self)
        FontEngine.__init__(
            engine,
            writer,
            self._base_name,
            embedded_subset=True,
            obj_stream=obj_stream,
            font_size=size,  # type: ignore[arg-type]  # pyHanko says int, means points
        )
        engine._font_ref = writer.allocate_placeholder()
        cidfont_type: Any = type(self.cidfont_obj)  # CIDFontType2 (TrueType) or Type0 (CFF)
        engine.cidfont_obj = cidfont_type(self.tt, self._base_name, engine.subset_prefix)
        engine._glyphs = {}
        engine._cid_to_unicode = {}
        engine._subset_created = engine._write_prepared = False
        engine._set_font_file()
        return engine

    def _set_font_file(self) -> None:
        cidfont, path = self.cidfont_obj, self._path

        def set_font_file(target: Any) -> Any:
            program = embedded_program(path, _always_embedded(path).union(self._glyphs))
            stream = generic.StreamObject(
                {pdf_name("/Filter"): pdf_name("/FlateDecode")}, encoded_data=program
            )
            reference = target.add_object(stream)
            cidfont._font_descriptor[pdf_name("/FontFile2")] = reference
            return reference

        cidfont.set_font_file = set_font_file  # type: ignore[method-assign,assignment]

    def _extract_subset(self, options: Any = None) -> None:
        """Nothing to cut here: :func:`embedded_program` cuts the program when it is written."""


@lru_cache(maxsize=16)
def _parsed(path: Path) -> _ReducedFontEngine:
    """The engine of ``path`` every update's engine is rebound from (its writer unused)."""
    return _ReducedFontEngine(PdfFileWriter(), path)  # type: ignore[no-untyped-call]


# writer → {font file → engine}: an engine lives as long as the update it writes into.
_engines: weakref.WeakKeyDictionary[Any, dict[Path, GlyphAccumulator]] = weakref.WeakKeyDictionary()


def _engine(writer: Any, path: Path) -> GlyphAccumulator:
    per_writer = _engines.setdefault(writer, {})
    engine = per_writer.get(path)
    if engine is None:
        engine = _parsed(path).for_writer(writer)
        per_writer[path] = engine
    return engine


def text_box_engine(
    writer: Any, path: Path, size: float, obj_stream: Any = None
) -> GlyphAccumulator:
    """An engine of its own for one of pyHanko's text boxes, which fix the engine's size when
    they make it: rebound from the face parsed once, its program cut as the stamps' are."""
    return _parsed(path).for_writer(writer, size=size, obj_stream=obj_stream)


def line_width(writer: Any, path: Path, text: str, size: float) -> float:
    """The width in points of ``text`` as :func:`set_line` sets it."""
    engine = _engine(writer, path)
    engine.font_size = size  # type: ignore[assignment]  # pyHanko says int, means points
    return float(engine.shape(text, with_actual_text=False).x_advance) * size


def set_line(
    content: PdfContent,
    writer: Any,
    path: Path,
    text: str,
    *,
    x: float,
    baseline: float,
    size: float,
    colour: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> bytes:
    """The operators that set ``text`` with its baseline starting at (x, baseline) in
    ``content``'s coordinates; the font is added to ``content``'s resources."""
    engine = _engine(writer, path)
    engine.font_size = size  # type: ignore[assignment]  # shaping adjusts positions in it
    resource = "/SvbF" + engine.subset_prefix
    content.set_resource(ResourceType.FONT, pdf_name(resource), engine.as_resource())
    shaped = engine.shape(text)
    return b"BT %s %g Tf %g %g %g rg 1 0 0 1 %g %g Tm %s ET" % (
        resource.encode("ascii"),
        size,
        *colour,
        x,
        baseline,
        shaped.graphics_ops,
    )
