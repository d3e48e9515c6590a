"""What the signatures and the filled fields look like (NĐ 30 Phụ lục I).

The signer's stamp sits between the position line and the name: the handwritten
signature image if there is one, with the signer's e-mail and the signing time. The
organisation's stamp is the seal image (real size) over the left third of the signature,
with the body's e-mail and time (and the QR code of the document's page, when the office
publishes one). Where each goes was planned when the draft was prepared (block_layout.py,
field_plans.py); a field prepared without a plan (configured boxes, older files) gets the
plain styles below. Text is drawn with an embedded, pre-subset font covering Vietnamese;
the default stamp font would garble it silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyhanko import stamp
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import AppearanceContent, ResourceType
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import init_xobject_dictionary

from basics.said import said

from .block_layout import Rect, StampLayout
from .errors import SigningError
from .field_plans import LinePlan
from .lettering import StampFonts, line_width, set_line, text_box_engine

__all__ = [
    "Appearance",
    "LineStampStyle",
    "PlannedStampStyle",
    "StampFontFactory",
    "StampFonts",
    "line_appearance",
]

_LEADING = 1.2  # as block_layout.py reserves
_ASCENT = 0.95  # of the size: from a text box's top to its first baseline
_SMALLEST = 4.0  # points: a text set smaller to fit its box never goes below this
_BELOW_MIDDLE = 0.3  # of the size: a line centred in a box has its baseline this far down


@dataclass(frozen=True)
class StampFontFactory(FontEngineFactory):
    """The font of pyHanko's text boxes (the styles of fields prepared without a plan): each
    box its own engine, rebound from the stamp face parsed once (lettering.py), its program
    cut as the stamps' are rather than subset by fontTools at every signature."""

    font_file: Path
    font_size: float

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> Any:
        return text_box_engine(writer, self.font_file, self.font_size, obj_stream)


@dataclass(frozen=True)
class PlannedStampStyle(stamp.BaseStampStyle):
    """A signature's appearance drawn where prepare planned it: the image fitted in its
    box, the text lines (``text`` with the signing's parameters) in theirs, set smaller if
    a line is wider than planned, and the QR code of ``%(url)s`` when planned."""

    plan: StampLayout | None = None
    image: Any = None  # a PIL image: each stamp embeds its own copy (no state shared by threads)
    font: Path = Path()
    text: str = "%(email)s\n%(time)s"
    border_width: int = 0

    def create_stamp(
        self, writer: Any, box: layout.BoxConstraints, text_params: dict[str, Any]
    ) -> Any:
        return _PlannedStamp(writer, self, box, text_params)


class _StampWithParams(stamp.BaseStamp):
    """A stamp that draws its text from the signing's parameters (e-mail, time, number)."""

    def __init__(
        self,
        writer: Any,
        style: stamp.BaseStampStyle,
        box: layout.BoxConstraints,
        params: dict[str, Any],
    ) -> None:
        super().__init__(writer=writer, style=style, box=box)
        self.params = params


class _PlannedStamp(_StampWithParams):
    def render(self) -> bytes:
        style: PlannedStampStyle = self.style
        plan = style.plan
        assert plan is not None
        commands = [b"q"]
        if plan.image is not None and style.image is not None:
            commands.append(self._image(style.image, plan.image))
        if plan.text.qr is not None and self.params.get("url"):
            commands.append(self._qr(str(self.params["url"]), plan.text.qr))
        commands.extend(self._text(style, plan))
        commands.append(b"Q")
        return b" ".join(commands)

    def _image(self, picture: Any, area: Rect) -> bytes:
        image = PdfImage(picture, writer=self.writer)
        self.set_resource(ResourceType.XOBJECT, pdf_name("/SvbImage"), image.image_ref)
        width, height = picture.width, picture.height
        scale = min(area.width / width, area.height / height)
        x = area.x0 + (area.width - width * scale) / 2
        y = area.y0 + (area.height - height * scale) / 2
        return b"q %g 0 0 %g %g %g cm /SvbImage Do Q" % (width * scale, height * scale, x, y)

    def _qr(self, url: str, area: Rect) -> bytes:
        import qrcode
        from pyhanko.pdf_utils.qr import PdfStreamQRImage

        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
        code.add_data(url)
        code.make()
        drawing = code.make_image(image_factory=PdfStreamQRImage).render_command_stream()
        side = (code.modules_count + 2 * code.border) * code.box_size
        xobject = init_xobject_dictionary(drawing, side, side)
        xobject.compress()
        writer = self.writer
        assert writer is not None
        self.set_resource(ResourceType.XOBJECT, pdf_name("/SvbQR"), writer.add_object(xobject))
        scale = area.width / side
        return b"q %g 0 0 %g %g %g cm /SvbQR Do Q" % (scale, scale, area.x0, area.y0)

    def _text(self, style: PlannedStampStyle, plan: StampLayout) -> list[bytes]:
        lines = (style.text % self.params).split("\n")
        area = plan.text.rect
        size = plan.text.size
        widest = max(line_width(self.writer, style.font, line, size) for line in lines)
        if widest > area.width:
            size = max(_SMALLEST, size * area.width / widest)
        commands = []
        for index, line in enumerate(lines):
            width = line_width(self.writer, style.font, line, size)
            x = area.x0 if plan.text.align == "left" else area.x0 + (area.width - width) / 2
            baseline = area.y1 - size * (_ASCENT + _LEADING * index)
            commands.append(
                set_line(self, self.writer, style.font, line, x=x, baseline=baseline, size=size)
            )
        return commands


@dataclass(frozen=True)
class LineStampStyle(stamp.BaseStampStyle):
    """One line (``text`` with the signing's parameters) flush right and centred in the
    field, smaller if it would not fit: an attachment's stamp."""

    font: Path = Path()
    text: str = "%(number)s; %(time)s"
    size: float = 10.0
    border_width: int = 0

    def create_stamp(
        self, writer: Any, box: layout.BoxConstraints, text_params: dict[str, Any]
    ) -> Any:
        return _LineStamp(writer, self, box, text_params)


class _LineStamp(_StampWithParams):
    def render(self) -> bytes:
        style: LineStampStyle = self.style
        line = style.text % self.params
        room = self.box.width - 2
        size = style.size
        width = line_width(self.writer, style.font, line, size)
        if width > room:
            size = max(_SMALLEST, size * room / width)
            width = line_width(self.writer, style.font, line, size)
        # The line's capitals and x-height sit about the box's middle.
        baseline = self.box.height / 2 - size * _BELOW_MIDDLE
        x = max(1.0, self.box.width - 1 - width)
        drawn = set_line(self, self.writer, style.font, line, x=x, baseline=baseline, size=size)
        return b"q " + drawn + b" Q"


class LineAppearance(AppearanceContent):
    """A text field's appearance that prints one line as its plan says (line_appearance)."""

    def __init__(self, writer: Any, box: layout.BoxConstraints) -> None:
        super().__init__(writer=writer, box=box)
        self.data = b""

    def render(self) -> bytes:
        return self.data


def line_appearance(
    writer: Any, font: Path, text: str, plan: LinePlan, width: float, height: float
) -> LineAppearance:
    """``text`` printed in a field ``width`` × ``height`` as ``plan`` says: on its baseline,
    in its size (smaller if it would not fit), centred on or starting at its anchor."""
    content = LineAppearance(writer, layout.BoxConstraints(width=width, height=height))
    size = plan.size
    natural = line_width(writer, font, text, size)
    if natural > width - 2:
        size *= (width - 2) / natural
        natural = width - 2
    x = plan.anchor - natural / 2 if plan.align == "centre" else plan.anchor
    x = min(max(x, 1.0), width - 1 - natural)
    content.data = set_line(content, writer, font, text, x=x, baseline=plan.baseline, size=size)
    return content


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
        self.signature_image = _image(signature_image)
        self.seal_image = _image(seal_image)
        small = TextBoxStyle(font=StampFontFactory(fonts.regular, font_size=7), font_size=7)
        mid, low, high = (
            layout.AxisAlignment.ALIGN_MID,
            layout.AxisAlignment.ALIGN_MIN,
            layout.AxisAlignment.ALIGN_MAX,
        )
        text_below = _rule(mid, low, layout.InnerScaling.SHRINK_TO_FIT)
        text_above = _rule(mid, high, layout.InnerScaling.SHRINK_TO_FIT)
        image_below = _rule(mid, low, layout.InnerScaling.SHRINK_TO_FIT)
        image_above = _rule(mid, high, layout.InnerScaling.SHRINK_TO_FIT)
        self.signer_style = stamp.TextStampStyle(
            stamp_text="%(email)s\n%(time)s",
            text_box_style=small,
            border_width=0,
            background=self.signature_image,
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
            background=self.seal_image,
            background_layout=image_above,
            background_opacity=1.0,
            inner_content_layout=text_below,
        )
        # Attachments (NĐ 30 Phụ lục I §II.8b): no image, black serif text, 10 pt.
        self.attachment_style = LineStampStyle(font=fonts.regular, size=10)
        self.number_style = TextBoxStyle(
            font=StampFontFactory(fonts.regular, font_size=13),
            font_size=13,
            # The number stands against "-TB/ĐUK".
            box_layout_rule=_rule(high, mid, layout.InnerScaling.NO_SCALING),
        )
        self.date_style = TextBoxStyle(
            font=StampFontFactory(fonts.italic, font_size=13),
            font_size=13,
            box_layout_rule=_rule(mid, mid, layout.InnerScaling.SHRINK_TO_FIT),
        )

    def planned_signer(self, plan: StampLayout) -> PlannedStampStyle:
        picture = self.signature_image.image if self.signature_image else None
        return PlannedStampStyle(plan=plan, image=picture, font=self.fonts.regular)

    def planned_seal(self, plan: StampLayout) -> PlannedStampStyle:
        picture = self.seal_image.image if self.seal_image else None
        return PlannedStampStyle(plan=plan, image=picture, font=self.fonts.regular)


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
        raise SigningError(
            said("{path}: not a usable PNG image ({exc})", path=path, exc=exc)
        ) from exc
