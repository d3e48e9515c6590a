"""What the signatures and the filled fields look like (NĐ 30 Phụ lục I).

The signer's stamp sits between the position line and the name: the handwritten
signature image if there is one, with the signer's e-mail and the signing time. The
organisation's stamp is the seal image (real size) with the body's e-mail and time under
it; its field overlaps the left third of the signer's. Text is drawn with an embedded,
pre-subset font covering Vietnamese; the default stamp font would garble it silently.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyhanko import stamp
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle

from .errors import SigningError

__all__ = ["Appearance", "InMemoryFontFactory", "StampFonts"]


@dataclass(frozen=True)
class InMemoryFontFactory(GlyphAccumulatorFactory):
    """A font factory that reads the font file once and never leaves a file open.

    pyHanko's factory opens the file for every signature and does not close it.
    """

    def create_font_engine(self, writer, obj_stream=None):  # type: ignore[no-untyped-def]
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_font_bytes(self.font_file)),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )


@cache
def _font_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read the stamp font {path}: {exc.strerror}") from exc


@dataclass(frozen=True)
class StampFonts:
    """Pre-subset font files (see :func:`signing.fonts.stamp_font`)."""

    regular: Path
    italic: Path


class Appearance:
    """Stamp styles and field text styles, built once and reused for every signature."""

    def __init__(
        self,
        fonts: StampFonts,
        *,
        signature_image: Path | None = None,
        seal_image: Path | None = None,
        qr_code: bool = False,
    ) -> None:
        self.fonts = fonts
        self.qr_code = qr_code
        small = TextBoxStyle(font=InMemoryFontFactory(str(fonts.regular), font_size=7), font_size=7)
        mid, low, high = (
            layout.AxisAlignment.ALIGN_MID,
            layout.AxisAlignment.ALIGN_MIN,
            layout.AxisAlignment.ALIGN_MAX,
        )
        text_below = _rule(mid, low, layout.InnerScaling.NO_SCALING)
        text_above = _rule(mid, high, layout.InnerScaling.NO_SCALING)
        image_below = _rule(mid, low, layout.InnerScaling.SHRINK_TO_FIT)
        image_above = _rule(mid, high, layout.InnerScaling.SHRINK_TO_FIT)
        self.signer_style = stamp.TextStampStyle(
            stamp_text="%(email)s\n%(time)s",
            text_box_style=small,
            border_width=0,
            background=_image(signature_image),
            background_layout=image_below,
            background_opacity=1.0,
            inner_content_layout=text_above,  # e-mail and time under the position line
        )
        seal_style = stamp.QRStampStyle if qr_code else stamp.TextStampStyle
        # With a QR code, it stands left of the e-mail and time, under the seal; it links to
        # the document's page, where anyone can check the notice against the register.
        self.seal_style = seal_style(
            stamp_text="%(email)s\n%(time)s",
            text_box_style=small,
            border_width=0,
            background=_image(seal_image),
            background_layout=image_above,
            background_opacity=1.0,
            inner_content_layout=text_below,
        )
        # Attachments (NĐ 30 Phụ lục I §II.8b): no image, black serif text, 10 pt.
        self.attachment_style = stamp.TextStampStyle(
            stamp_text="%(number)s; %(time)s",
            text_box_style=TextBoxStyle(
                font=InMemoryFontFactory(str(fonts.regular), font_size=10), font_size=10
            ),
            border_width=0,
            inner_content_layout=_rule(high, mid, layout.InnerScaling.SHRINK_TO_FIT),
        )
        self.number_style = TextBoxStyle(
            font=InMemoryFontFactory(str(fonts.regular), font_size=13),
            font_size=13,
            # The number stands against "-TB/ĐUK".
            box_layout_rule=_rule(high, mid, layout.InnerScaling.NO_SCALING),
        )
        self.date_style = TextBoxStyle(
            font=InMemoryFontFactory(str(fonts.italic), font_size=13),
            font_size=13,
            box_layout_rule=_rule(mid, mid, layout.InnerScaling.SHRINK_TO_FIT),
        )


def _rule(
    x: layout.AxisAlignment, y: layout.AxisAlignment, scaling: layout.InnerScaling
) -> layout.SimpleBoxLayoutRule:
    return layout.SimpleBoxLayoutRule(x_align=x, y_align=y, inner_content_scaling=scaling)


def _image(path: Path | None) -> PdfImage | None:
    if path is None:
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as opened:  # read now: PdfImage would leave the file open
            opened.load()
            loaded = opened.copy()
        return PdfImage(loaded)
    except (OSError, ValueError, UnidentifiedImageError) as exc:
        raise SigningError(f"{path}: not a usable PNG image ({exc})") from exc
