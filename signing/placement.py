"""Where the fields go, found in the draft's text (drafts exported from Word or LibreOffice,
and notices made by the composer alike).

- the number: the line "Số … -TB/ĐUK" (or "Số: …/QĐ-UBND") near the top of page 1, whose
  blank between "Số" and the notation takes the number;
- the date: the line "…, ngày … tháng … năm …" near the top of page 1;
- the signatures: between the signer's name and the line above it (the position), on the
  last page that carries the name, laid out by block_layout.py.

The number and date lines are printed by their fields once prepared (prepare.py): the
field shows the draft's line until it is issued, then the filled line in its place, on the
same baseline, in the same size, so the text of the issued file reads each line once.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from functools import partial

from basics.said import Said, said
from basics.text import fold, nfc

from .block_layout import Rect, StampSpec, lay_out_block
from .errors import UnusablePdfError
from .field_plans import LinePlan
from .fonts import default_font_faces, stamp_font, text_width
from .lettering import StampFonts
from .limits import DEFAULT_LIMITS, PdfLimits, check_limits
from .line_removal import erased_cleanly
from .prepare import Box, Placement, PrintedLine, prepare_pdf

__all__ = [
    "PlacementNotFound",
    "PrepareSpec",
    "Prepared",
    "default_prepare_spec",
    "find_placement",
    "place_and_prepare",
]

_TOP_SHARE = 0.4  # number and date lines live in the top 40 % of page 1
_NUMBER = re.compile(r"^\s*(so)\s*:?", re.IGNORECASE)
_DATE = re.compile(r"ngay\s*[\d\s._…]*thang\s*[\d\s._…]*nam", re.IGNORECASE)
_MARGIN = 14.0  # points: marks stay this far inside the page's edges
_WIDEST_DATE = "ngày 28 tháng 12 năm 2099"


class PlacementNotFound(UnusablePdfError):
    """The text of the draft does not show where some field goes."""


@dataclass(frozen=True)
class PrepareSpec:
    """What the prepared fields will show, for the room they take: the stamp fonts and
    what the two signatures' appearances print."""

    fonts: StampFonts
    stamps: StampSpec


def default_prepare_spec() -> PrepareSpec:
    """The default fonts, an image of the demo's proportions, e-mails of a usual length."""
    faces = default_font_faces()
    sample = ("nguoiky.hotenday@coquan.dcs.vn", "2099-12-31T23:59:59+07:00")
    return PrepareSpec(
        StampFonts(stamp_font(faces.regular), stamp_font(faces.italic)),
        StampSpec(signer_lines=sample, organisation_lines=sample, signature_aspect=480 / 180),
    )


@dataclass(frozen=True)
class Prepared:
    """A prepared draft, and what the clerk should know of it (a seal printed smaller…)."""

    pdf: bytes
    notes: tuple[Said, ...] = ()


@dataclass(frozen=True)
class _Line:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    chars: tuple[tuple[str, float, float], ...]  # character, x0, x1
    baseline: float
    size: float
    italic: bool

    @property
    def rect(self) -> Rect:
        return Rect(self.x0, self.y0, self.x1, self.y1)


def _lines(pdf: bytes, pages: list[int] | None = None) -> tuple[list[list[_Line]], list[Rect]]:
    """Every text line of the draft's pages (or of ``pages``), and each page's box."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
    from pdfminer.pdfparser import PDFSyntaxError

    found_pages: list[list[_Line]] = []
    boxes: list[Rect] = []
    try:
        for number, layout in enumerate(
            extract_pages(io.BytesIO(pdf), laparams=LAParams(), page_numbers=pages)
        ):
            boxes.append(Rect(*(float(v) for v in layout.bbox)))
            found = []
            for element in layout:
                if not isinstance(element, LTTextContainer):
                    continue
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    letters = [c for c in line if isinstance(c, LTChar)]
                    if not letters:
                        continue
                    chars = tuple((nfc(c.get_text()), float(c.x0), float(c.x1)) for c in letters)
                    x0, y0, x1, y1 = (float(value) for value in line.bbox)
                    font = letters[0].fontname.lower()
                    found.append(
                        _Line(
                            page=pages[number] if pages else number,
                            text=nfc(line.get_text()).strip(),
                            x0=x0,
                            y0=y0,
                            x1=x1,
                            y1=y1,
                            chars=chars,
                            baseline=float(letters[0].matrix[5]),
                            size=float(letters[0].size),
                            italic="italic" in font or "oblique" in font,
                        )
                    )
            found_pages.append(found)
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise UnusablePdfError(said("the draft's text cannot be read: {exc}", exc=exc)) from exc
    return found_pages, boxes


def _number_blank(line: _Line) -> tuple[int, Box] | None:
    """Where the number goes in a line "Số … -TB/ĐUK": the index of the notation's first
    character and the blank's box, or None when the line is not one."""
    chars = [c for c in line.chars if c[0].strip()]
    if len(chars) < 3 or fold(chars[0][0] + chars[1][0]) != "so":
        return None
    start = 2 + (chars[2][0] == ":")  # after "Số" or "Số:"
    rest = chars[start:]
    # The notation starts at the first letter, or at the "-"/"/" before it.
    first_letter = next((i for i, c in enumerate(rest) if c[0].isalpha()), None)
    if first_letter is None:
        return None
    begin = first_letter
    while begin > 0 and rest[begin - 1][0] in "-/–":
        begin -= 1
    blank_from = chars[start - 1][2] + 1
    blank_to = rest[begin][1] - 0.5
    if blank_to - blank_from < 8:
        return None
    # A little higher than the line box: the field's text sits on its own baseline.
    return start + begin, Box(line.page, blank_from, line.y0 + 2, blank_to, line.y1 + 6)


def _number_line(lines: list[_Line], top: float) -> _Line | None:
    for line in lines:
        if line.y0 >= top and _NUMBER.match(fold(line.text)) and _number_blank(line):
            return line
    return None


def _date_line(lines: list[_Line], top: float) -> _Line | None:
    for line in lines:
        if line.y0 >= top and _DATE.search(fold(line.text)):
            return line
    return None


def _runs(line: _Line) -> tuple[tuple[float, str], ...]:
    """The line's text in runs split at its blanks (wide gaps, dots, underscores), each
    with the x where it starts: the draft's line as it printed it."""
    runs: list[tuple[float, str]] = []
    text, start, end = "", 0.0, 0.0
    for ch, x0, x1 in line.chars:
        if text and x0 - end > line.size * 0.6:
            runs.append((start, text))
            text = ""
        if not text:
            start = x0
        text += ch
        end = x1
    if text:
        runs.append((start, text))
    return tuple((x, " ".join(t.split())) for x, t in runs if t.strip())


def _column_centre(line: _Line, lines: list[_Line]) -> float | None:
    """The centre of the nearest line above ``line`` in its column (the issuer's name over
    the number, the Party's or the Republic's motto over the date), if one is close."""
    centre = (line.x0 + line.x1) / 2
    above = [
        other
        for other in lines
        if other is not line
        and 0 <= other.y0 - line.y1 < 3 * line.size
        and other.x0 - 2 <= centre <= other.x1 + 2
    ]
    if not above:
        return None
    nearest = min(above, key=lambda other: other.y0)
    return (nearest.x0 + nearest.x1) / 2


def _printed(line: _Line, lines: list[_Line], widest: str, spec: PrepareSpec) -> PrintedLine:
    """The field that prints ``line``: room for the draft's line and for the widest text
    the issue may print there, aligned as the draft aligned the line."""
    centre = (line.x0 + line.x1) / 2
    column = _column_centre(line, lines)
    centred = column is not None and abs(column - centre) < max(6.0, line.size / 2)
    font = spec.fonts.face(line.italic)
    needed = text_width(font, widest, line.size) + 4
    if centred:
        half = max(line.x1 - line.x0, needed) / 2 + 2
        x0, x1 = centre - half, centre + half
    else:
        x0, x1 = line.x0 - 2, max(line.x1, line.x0 + needed) + 2
    box = Box.around(
        line.page, x0, line.baseline - 0.45 * line.size, x1, line.baseline + 1.1 * line.size
    )
    plan = LinePlan(
        baseline=line.baseline - box.y1,
        size=line.size,
        italic=line.italic,
        anchor=(centre if centred else line.x0) - box.x1,
        align="centre" if centred else "left",
    )
    erase = Box(line.page, line.x0, line.y0, line.x1, line.y1)
    return PrintedLine(box=box, runs=_runs(line), plan=plan, erase=erase)


def _widest_number_line(line: _Line, notation_at: int) -> str:
    chars = [c[0] for c in line.chars if c[0].strip()]
    return "".join(chars[:notation_at]) + " 9999" + "".join(chars[notation_at:])


def _widest_date_line(line: _Line) -> str:
    place = line.text.split(",")[0] if "," in line.text else ""
    return f"{place}, {_WIDEST_DATE}" if place else _WIDEST_DATE


def _signature_block(pages: list[list[_Line]], signer_name: str) -> tuple[int, _Line, _Line] | None:
    """The page, the position line and the name line of the signature block."""
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
            if position.y0 - name.y1 < 30:
                continue
            return name.page, position, name
    return None


def find_placement(pdf: bytes, *, signer_name: str, spec: PrepareSpec | None = None) -> Placement:
    """The fields' places, or :class:`PlacementNotFound` naming everything not found."""
    spec = spec or default_prepare_spec()
    pages, boxes = _lines(pdf)
    if not pages:
        raise PlacementNotFound(said("the draft has no page"))
    top = boxes[0].y1 - boxes[0].height * _TOP_SHARE
    number_line = _number_line(pages[0], top)
    date_line = _date_line(pages[0], top)
    block = _signature_block(pages, signer_name)
    missing = []
    if number_line is None:
        missing.append("the blank after 'Số' on page 1")
    if date_line is None:
        missing.append("the line '…, ngày … tháng … năm …' on page 1")
    if block is None:
        missing.append(f"the signer's name '{signer_name}' below a position line")
    if number_line is None or date_line is None or block is None:
        raise PlacementNotFound("cannot place the fields: not found " + "; ".join(missing))
    blank = _number_blank(number_line)
    assert blank is not None
    notation_at, number_box = blank
    page, position, name = block
    area = boxes[page]
    layout = lay_out_block(
        position=position.rect,
        name=name.rect,
        obstacles=[line.rect for line in pages[page]],
        page=Rect(area.x0 + _MARGIN, area.y0 + _MARGIN, area.x1 - _MARGIN, area.y1 - _MARGIN),
        spec=spec.stamps,
        measure=partial(text_width, spec.fonts.regular),
    )
    date_box = Box(0, date_line.x0 - 2, date_line.y0 - 2, date_line.x1 + 2, date_line.y1 + 2)
    return Placement(
        number=number_box,
        date=date_box,
        signer=Box.around(page, *_corners(layout.signer.field)),
        organisation=Box.around(page, *_corners(layout.organisation.field)),
        number_line=_printed(
            number_line, pages[0], _widest_number_line(number_line, notation_at), spec
        ),
        date_line=_printed(date_line, pages[0], _widest_date_line(date_line), spec),
        block=layout,
    )


def _corners(rect: Rect) -> tuple[float, float, float, float]:
    return rect.x0, rect.y0, rect.x1, rect.y1


def place_and_prepare(
    draft: bytes,
    signer_name: str,
    fallback: Placement | None,
    spec: PrepareSpec | None = None,
    limits: PdfLimits = DEFAULT_LIMITS,
) -> Prepared:
    """The draft checked against ``limits``, its fields placed from its text (or at the
    ``fallback`` boxes when the text does not show where) and added (prepare.py). The
    number and date lines are taken out of the page's own text first, when that can be
    done without touching anything else; otherwise their fields cover them."""
    check_limits(draft, limits)
    spec = spec or default_prepare_spec()
    try:
        placement = find_placement(draft, signer_name=signer_name, spec=spec)
    except PlacementNotFound:
        if fallback is None:
            raise
        placement = fallback
    prepared = prepare_pdf(draft, placement, fonts=spec.fonts)
    lines = [line.erase for line in (placement.number_line, placement.date_line) if line]
    if lines and not erased_cleanly(draft, prepared, 0, lines):
        covering = replace(placement, number_line=None, date_line=None)
        prepared = prepare_pdf(draft, covering, fonts=spec.fonts)
    return Prepared(prepared, placement.block.notes if placement.block else ())
