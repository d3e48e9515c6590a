"""Text set in the stamp fonts inside appearance streams, one font subset per face and update.

pyHanko makes a font engine (and, when the file is written, a font subset) for every text
box; an update that fills the number and the date and draws the organisation's stamp would
subset the same font three times. Here every appearance of one update shares one engine
per face, and lines are set at an exact baseline and size (pyHanko's text boxes round the
size to whole points and place lines by box alignment, not by baseline).
"""

from __future__ import annotations

import io
import weakref
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils.content import PdfContent, ResourceType
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.generic import pdf_name

from basics.said import said

from .errors import SigningError

__all__ = ["StampFonts", "font_bytes", "line_width", "set_line"]


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


# writer → {font file → engine}: an engine lives as long as the update it writes into.
_engines: weakref.WeakKeyDictionary[Any, dict[Path, GlyphAccumulator]] = weakref.WeakKeyDictionary()


def _engine(writer: Any, path: Path) -> GlyphAccumulator:
    per_writer = _engines.setdefault(writer, {})
    engine = per_writer.get(path)
    if engine is None:
        engine = GlyphAccumulator(
            writer=writer, font_handle=io.BytesIO(font_bytes(path)), font_size=1
        )
        per_writer[path] = engine
    return engine


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
