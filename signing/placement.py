"""Where the fields go, found in the draft's text (drafts exported from Word or LibreOffice,
and notices made by the composer alike).

- the number: the blank between "Số" (or "Số:") and the notation ("-TB/ĐUK", "/QĐ-UBND")
  near the top of page 1;
- the date: the line "…, ngày … tháng … năm …" near the top of page 1 (the filled field
  covers the whole line);
- the signatures: between the signer's name and the line above it (the position), on the
  last page that carries the name; the organisation's seal overlaps the left third of it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from basics.text import fold, nfc

from .errors import UnusablePdfError
from .limits import DEFAULT_LIMITS, PdfLimits, check_limits
from .prepare import Box, Placement, prepare_pdf

__all__ = [
    "ORGANISATION_WIDTH",
    "SEAL_SIZE",
    "PlacementNotFound",
    "find_placement",
    "place_and_prepare",
]

SEAL_SIZE = 100.0  # points: a 35 mm seal at real size
ORGANISATION_WIDTH = 160.0  # the seal and, under it, the body's e-mail and signing time
_TOP_SHARE = 0.4  # number and date lines live in the top 40 % of page 1
_NUMBER = re.compile(r"^\s*(so)\s*:?", re.IGNORECASE)
_DATE = re.compile(r"ngay\s*[\d\s._…]*thang\s*[\d\s._…]*nam", re.IGNORECASE)


class PlacementNotFound(UnusablePdfError):
    """The text of the draft does not show where some field goes."""


@dataclass(frozen=True)
class _Line:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    chars: tuple[tuple[str, float, float], ...]  # character, x0, x1


def _lines(pdf: bytes) -> tuple[list[list[_Line]], list[float]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
    from pdfminer.pdfparser import PDFSyntaxError

    pages: list[list[_Line]] = []
    heights: list[float] = []
    try:
        for number, layout in enumerate(extract_pages(io.BytesIO(pdf), laparams=LAParams())):
            heights.append(float(layout.height))
            found = []
            for element in layout:
                if not isinstance(element, LTTextContainer):
                    continue
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    chars = tuple(
                        (nfc(c.get_text()), float(c.x0), float(c.x1))
                        for c in line
                        if isinstance(c, LTChar)
                    )
                    x0, y0, x1, y1 = (float(value) for value in line.bbox)
                    text = nfc(line.get_text()).strip()
                    found.append(_Line(number, text, x0, y0, x1, y1, chars))
            pages.append(found)
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise UnusablePdfError(f"the draft's text cannot be read: {exc}") from exc
    return pages, heights


def _number_box(lines: list[_Line], top: float) -> Box | None:
    for line in lines:
        if line.y0 < top or not _NUMBER.match(fold(line.text)):
            continue
        chars = [c for c in line.chars if c[0].strip()]
        if len(chars) < 3 or fold(chars[0][0] + chars[1][0]) != "so":
            continue
        start = 2 + (chars[2][0] == ":")  # after "Số" or "Số:"
        rest = chars[start:]
        # The notation starts at the first letter, or at the "-"/"/" before it.
        first_letter = next((i for i, c in enumerate(rest) if c[0].isalpha()), None)
        if first_letter is None:
            continue
        begin = first_letter
        while begin > 0 and rest[begin - 1][0] in "-/–":
            begin -= 1
        blank_from = chars[start - 1][2] + 1
        blank_to = rest[begin][1] - 0.5
        if blank_to - blank_from < 8:
            continue
        # A little higher than the line box: the field's text sits on its own baseline.
        return Box(line.page, blank_from, line.y0 + 2, blank_to, line.y1 + 6)
    return None


def _date_box(lines: list[_Line], top: float) -> Box | None:
    for line in lines:
        if line.y0 >= top and _DATE.search(fold(line.text)):
            return Box(line.page, line.x0 - 2, line.y0 - 2, line.x1 + 2, line.y1 + 2)
    return None


def _signature_boxes(pages: list[list[_Line]], signer_name: str) -> tuple[Box, Box] | None:
    wanted = fold(" ".join(signer_name.split()))
    for lines in reversed(pages):
        for name in lines:
            if fold(" ".join(name.text.split())) != wanted:
                continue
            centre = (name.x0 + name.x1) / 2
            above = [
                line
                for line in lines
                if line.y0 > name.y1 and line.x0 <= centre <= line.x1 and line is not name
            ]
            if not above:
                continue
            position = min(above, key=lambda line: line.y0)
            top, bottom = position.y0 - 2, name.y1 + 2
            if top - bottom < 30:
                continue
            half = max(name.x1 - name.x0, 150) / 2
            signer = Box(name.page, centre - half, bottom, centre + half, top)
            # The seal overlaps the left third of the signature; its field is wider than the
            # seal so that the body's e-mail and time fit under it.
            seal_centre = signer.x1 + (signer.x2 - signer.x1) / 3 - SEAL_SIZE / 2
            organisation = Box(
                name.page,
                seal_centre - ORGANISATION_WIDTH / 2,
                bottom + 4,  # its text stays clear of the name line below
                seal_centre + ORGANISATION_WIDTH / 2,
                max(top, bottom + SEAL_SIZE),
            )
            return signer, organisation
    return None


def find_placement(pdf: bytes, *, signer_name: str) -> Placement:
    """The four boxes, or :class:`PlacementNotFound` naming everything that was not found."""
    pages, heights = _lines(pdf)
    if not pages:
        raise PlacementNotFound("the draft has no page")
    top = heights[0] * (1 - _TOP_SHARE)
    number = _number_box(pages[0], top)
    date = _date_box(pages[0], top)
    signatures = _signature_boxes(pages, signer_name)
    missing = []
    if number is None:
        missing.append("the blank after 'Số' on page 1")
    if date is None:
        missing.append("the line '…, ngày … tháng … năm …' on page 1")
    if signatures is None:
        missing.append(f"the signer's name '{signer_name}' below a position line")
    if number is None or date is None or signatures is None:
        raise PlacementNotFound("cannot place the fields: not found " + "; ".join(missing))
    return Placement(number=number, date=date, signer=signatures[0], organisation=signatures[1])


def place_and_prepare(
    draft: bytes,
    signer_name: str,
    fallback: Placement | None,
    limits: PdfLimits = DEFAULT_LIMITS,
) -> bytes:
    """The draft checked against ``limits``, its fields placed from its text (or at the
    ``fallback`` boxes when the text does not show where) and added (prepare.py)."""
    check_limits(draft, limits)
    try:
        placement = find_placement(draft, signer_name=signer_name)
    except PlacementNotFound:
        if fallback is None:
            raise
        placement = fallback
    return prepare_pdf(draft, placement)
