"""Where the marks of the two signatures go in the signature block (NĐ 30 Phụ lục I §II.7).

- The signer's handwritten signature is centred between the position line and the name.
- The organisation's seal, at real size, overlaps about a third of it on its left.
- The text each appearance adds (e-mail, ISO 8601 time; the QR code when there is one)
  covers neither mark nor any text of the page: it goes where the block has room, nearest
  its natural place (under the image, under the seal), in the largest size that fits.

Pure geometry in PDF points: the page's text lines come in as rectangles, the layout goes
out as rectangles; placement.py measures the page, prepare.py writes the fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from basics.said import Said, said

__all__ = [
    "SEAL_SIZE",
    "BlockLayout",
    "Rect",
    "StampLayout",
    "StampSpec",
    "TextBlock",
    "lay_out_block",
]

SEAL_SIZE = 100.0  # points: a 35 mm seal at real size
_GAP = 2.0  # points between two marks, and between a mark and the page's text
_TEXT_SIZES = (7.0, 6.5, 6.0, 5.5, 5.0)
_LEADING = 1.2
_QR_SIZE = 36.0  # about 13 mm: a page address stays readable by a phone at 200 dpi
_SIGNATURE_HEIGHTS = (62.0, 56.0, 50.0, 44.0, 38.0, 32.0, 26.0)
_SIGNATURE_MAX_WIDTH = 170.0
_SEAL_SMALLEST = 0.6  # of real size: below this the block is too tight to seal legibly
_SEARCH = 150.0  # how far a text may move from its natural place, in points

# A text's width in points at a size.
Measure = Callable[[str, float], float]
Align = Literal["left", "centre"]


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    def overlaps(self, other: Rect, gap: float = 0.0) -> bool:
        return not (
            self.x1 + gap <= other.x0
            or other.x1 + gap <= self.x0
            or self.y1 + gap <= other.y0
            or other.y1 + gap <= self.y0
        )

    def within(self, other: Rect) -> bool:
        return (
            other.x0 <= self.x0
            and self.x1 <= other.x1
            and other.y0 <= self.y0
            and self.y1 <= other.y1
        )

    def moved(self, dx: float, dy: float) -> Rect:
        return Rect(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def union(self, other: Rect) -> Rect:
        return Rect(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )

    def relative_to(self, origin: Rect) -> Rect:
        return self.moved(-origin.x0, -origin.y0)

    @classmethod
    def sized(cls, x0: float, y0: float, width: float, height: float) -> Rect:
        return cls(x0, y0, x0 + width, y0 + height)


@dataclass(frozen=True)
class TextBlock:
    """Lines of text in ``rect`` at ``size`` points, each line set ``align`` in it; a QR code
    at its left when ``qr``."""

    rect: Rect
    size: float
    align: Align = "left"
    qr: Rect | None = None


@dataclass(frozen=True)
class StampLayout:
    """One signature's appearance: an image (or none) and its text."""

    image: Rect | None
    text: TextBlock

    @property
    def field(self) -> Rect:
        area = self.text.rect if self.text.qr is None else self.text.rect.union(self.text.qr)
        return area.union(self.image) if self.image is not None else area


@dataclass(frozen=True)
class BlockLayout:
    signer: StampLayout
    organisation: StampLayout
    notes: tuple[Said, ...] = ()  # what could not be done by the rules, said to the clerk


@dataclass(frozen=True)
class StampSpec:
    """What the two appearances will show, known before the draft is prepared.

    The lines are the widest the stamps may print (the e-mail addresses, a time); a text
    wider on the day is set smaller to fit its box.
    """

    signer_lines: tuple[str, ...]
    organisation_lines: tuple[str, ...]
    signature_aspect: float | None = None  # width / height of the handwritten signature
    seal_size: float = SEAL_SIZE
    seal_aspect: float = 1.0
    qr: bool = False


def lay_out_block(
    *,
    position: Rect,
    name: Rect,
    obstacles: Sequence[Rect],
    page: Rect,
    spec: StampSpec,
    measure: Measure,
) -> BlockLayout:
    """The layout of the block whose last line above the gap is ``position`` and whose
    signer's name is ``name``; ``obstacles`` are every text line of the page (those two
    included), ``page`` the area a mark may use."""
    notes: list[Said] = []
    gap = Rect(page.x0, name.y1, page.x1, position.y0)
    centre_x = (name.x0 + name.x1) / 2
    lines = [line for line in obstacles if line.overlaps(_near(gap, _SEARCH + SEAL_SIZE))]
    signature = _signature(gap, centre_x, lines, page, spec, notes)
    seal = _seal(signature, lines, page, spec, notes)
    image = signature if spec.signature_aspect else None
    region = Rect(page.x0, max(page.y0, name.y0 - 40), page.x1, position.y0)
    taken = [*lines, seal] + ([image] if image else [])
    signer_text = _text_block(
        spec.signer_lines,
        anchor=(max(signature.x0, seal.x1 + _GAP), signature.y0 - _GAP, "left")
        if image
        else (signature.centre[0], signature.centre[1] + _LEADING * 7, "centre"),
        region=region,
        taken=taken,
        measure=measure,
        qr=False,
        notes=notes,
        what=said("The signer's e-mail and time"),
    )
    organisation_text = _text_block(
        spec.organisation_lines,
        anchor=(seal.centre[0], seal.y0 - _GAP, "centre"),
        region=region,
        taken=[*taken, signer_text.rect],
        measure=measure,
        qr=spec.qr,
        notes=notes,
        what=said("The organisation's e-mail and time"),
    )
    return BlockLayout(
        signer=StampLayout(image, signer_text),
        organisation=StampLayout(seal, organisation_text),
        notes=tuple(notes),
    )


def _near(area: Rect, margin: float) -> Rect:
    return Rect(area.x0 - margin, area.y0 - margin, area.x1 + margin, area.y1 + margin)


def _free(rect: Rect, taken: Iterable[Rect], page: Rect) -> bool:
    return rect.within(page) and not any(rect.overlaps(other, _GAP) for other in taken)


def _nearest_free(
    preferred: Rect, moves: Sequence[tuple[float, float]], taken: list[Rect], page: Rect
) -> Rect | None:
    """``preferred`` moved by the first of ``moves`` (nearest first) that frees it, or None."""
    for dx, dy in moves:
        candidate = preferred.moved(dx, dy)
        if _free(candidate, taken, page):
            return candidate
    return None


def _steps(low: float, high: float, step: float = 2.0) -> tuple[float, ...]:
    count = int((high - low) / step + 1e-9)
    return tuple(low + step * index for index in range(count + 1))


@cache
def _moves(dxs: tuple[float, ...], dys: tuple[float, ...]) -> tuple[tuple[float, float], ...]:
    return tuple(
        sorted(((dx, dy) for dx in dxs for dy in dys), key=lambda m: m[0] ** 2 + m[1] ** 2)
    )


def _signature(
    gap: Rect, centre_x: float, lines: list[Rect], page: Rect, spec: StampSpec, notes: list[Said]
) -> Rect:
    """The handwritten signature's box, centred on the block and in the gap; without an
    image, the place it would take (the seal and the signer's text are set against it)."""
    aspect = spec.signature_aspect or 2.6
    room = gap.height - 2 * _GAP
    heights = [h for h in _SIGNATURE_HEIGHTS if h <= room] or [max(room, 10.0)]
    for wanted in heights:
        width = min(aspect * wanted, _SIGNATURE_MAX_WIDTH)
        height = width / aspect
        preferred = Rect.sized(centre_x - width / 2, gap.centre[1] - height / 2, width, height)
        slide = max(0.0, (room - height) / 2)
        found = _nearest_free(preferred, _moves((0.0,), _steps(-slide, slide)), lines, page)
        if found is not None:
            return found
    if spec.signature_aspect:
        notes.append(
            said("The handwritten signature has no room between the position line and the name")
        )
    width = min(aspect * 26.0, _SIGNATURE_MAX_WIDTH)
    return Rect.sized(centre_x - width / 2, gap.centre[1] - 13.0, width, 26.0)


def _seal(
    signature: Rect, lines: list[Rect], page: Rect, spec: StampSpec, notes: list[Said]
) -> Rect:
    """The seal: its right edge a third into the signature, level with it, at real size
    when the block has the room, else as large as fits."""
    size = spec.seal_size
    tolerance = signature.width / 12  # "about one third": 25 % to 42 %
    while size >= spec.seal_size * _SEAL_SMALLEST:
        width, height = size * spec.seal_aspect, size
        right = signature.x0 + signature.width / 3
        preferred = Rect.sized(right - width, signature.centre[1] - height / 2, width, height)
        moves = _moves(_steps(-tolerance, tolerance), _steps(-height / 2, height / 2))
        found = _nearest_free(preferred, moves, lines, page)
        if found is not None:
            if size < spec.seal_size:
                share = f"{size / spec.seal_size:.0%}"
                notes.append(
                    said(
                        "The seal is printed at {share} of its real size: leave more room "
                        "between the position line and the name",
                        share=share,
                    )
                )
            return found
        size *= 0.95
    notes.append(said("The seal overlaps the text of the block: leave room for it"))
    right = signature.x0 + signature.width / 3
    return Rect.sized(
        right - spec.seal_size,
        signature.centre[1] - spec.seal_size / 2,
        spec.seal_size * spec.seal_aspect,
        spec.seal_size,
    )


def _text_block(
    lines: tuple[str, ...],
    *,
    anchor: tuple[float, float, Align],
    region: Rect,
    taken: list[Rect],
    measure: Measure,
    qr: bool,
    notes: list[Said],
    what: Said,
) -> TextBlock:
    """The block of ``lines`` nearest ``anchor`` (x, top, alignment of x) that is free, in
    the largest size that finds room; ``what`` names it in a note."""
    x, top, align = anchor
    qr_side = _QR_SIZE if qr else 0.0
    size = _TEXT_SIZES[-1]
    preferred = Rect(x, top, x, top)
    for size in _TEXT_SIZES:
        text_width = max(measure(line, size) for line in lines) + 1
        width = text_width + (qr_side + _GAP if qr else 0.0)
        height = max(len(lines) * size * _LEADING, qr_side)
        x0 = x if align == "left" else x - width / 2
        preferred = Rect.sized(x0, top - height, width, height)
        reach = _steps(-_SEARCH, _SEARCH, 3.0)
        found = _nearest_free(preferred, _moves(reach, reach), taken, region)
        if found is not None:
            return _with_qr(found, qr_side, size, align)
    notes.append(said("{what} could not be placed clear of the page's text", what=what))
    return _with_qr(preferred, qr_side, size, align)


def _with_qr(area: Rect, qr_side: float, size: float, align: Align) -> TextBlock:
    if not qr_side:
        return TextBlock(area, size, align)
    qr = Rect.sized(area.x0, area.centre[1] - qr_side / 2, qr_side, qr_side)
    text = replace(area, x0=area.x0 + qr_side + _GAP)
    return TextBlock(text, size, align, qr=qr)
