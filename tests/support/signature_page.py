"""The signature page as it prints, checked against NĐ 30 Phụ lục I and 36-HD/VPTW.

The page is drawn at 200 dpi twice with pypdfium2, with and without its annotations; what
the annotations add is the signatures' appearances. In it: the seal (red), the handwritten
signature (blue) and the appearances' texts (dark, grouped into blocks). The page's own
text comes from pdfium's text layer. Nothing here knows how sovanban laid the block out.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter

from signing.block_layout import Rect  # geometry only: nothing of how the block is laid out

__all__ = ["PageMarks", "Rect", "block_picture", "marks_on", "rule_breaches", "text_rect"]

DPI = 200
_SCALE = DPI / 72


@dataclass(frozen=True)
class PageMarks:
    seal: Rect | None
    signature: Rect | None
    stamp_texts: tuple[Rect, ...]  # each block of text (or QR code) the appearances add
    page_text: tuple[Rect, ...]  # the page's own text, segment by segment
    text_of: dict[Rect, str]


def _render(pdf: bytes, index: int, annotations: bool) -> tuple[Image.Image, float, float]:
    """The page drawn at 200 dpi; with its annotations merged into the page first (pdfium
    draws form widgets with sub-pixel text, whose coloured fringes would read as marks)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(pdf)
    try:
        if annotations:
            document.init_forms()
        page = document[index]
        left, _, _, top = page.get_cropbox()
        if annotations:
            page.flatten(flag=pdfium_c.FLAT_PRINT)
            page.close()
            page = document[index]
        bitmap = page.render(scale=_SCALE, draw_annots=False, may_draw_forms=False)
        return bitmap.to_pil().convert("RGB"), left, top
    finally:
        document.close()


def _page_text(pdf: bytes, index: int) -> tuple[tuple[Rect, ...], dict[Rect, str]]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        text_page = document[index].get_textpage()
        rects, texts = [], {}
        for number in range(text_page.count_rects()):
            left, bottom, right, top = text_page.get_rect(number)
            rect = Rect(left, bottom, right, top)
            words = text_page.get_text_bounded(left, bottom, right, top).strip()
            if words:
                rects.append(rect)
                texts[rect] = words
        return tuple(rects), texts
    finally:
        document.close()


def _to_points(box: tuple[int, int, int, int], left: float, top: float) -> Rect:
    x0, y0, x1, y1 = box
    return Rect(left + x0 / _SCALE, top - y1 / _SCALE, left + x1 / _SCALE, top - y0 / _SCALE)


def _where(band: Image.Image, test: Callable[[int], bool]) -> Image.Image:
    return band.point(lambda v: 255 if test(v) else 0)


def _all(*masks: Image.Image) -> Image.Image:
    result = masks[0]
    for mask in masks[1:]:
        result = ImageChops.multiply(result, mask)
    return result


def _colours(added: Image.Image) -> tuple[Image.Image, Image.Image, Image.Image]:
    """Masks of the red, the blue and the dark (black or grey) pixels of ``added``."""
    red, green, blue = added.split()
    reds = _all(
        _where(red, lambda v: v > 140),
        _where(green, lambda v: v < 120),
        _where(blue, lambda v: v < 120),
        _where(ImageChops.subtract(red, green), lambda v: v > 60),
    )
    blues = _all(
        _where(blue, lambda v: v > 110),
        _where(red, lambda v: v < 120),
        _where(ImageChops.subtract(blue, red), lambda v: v > 50),
    )
    brightest = ImageChops.lighter(red, ImageChops.lighter(green, blue))
    dimmest = ImageChops.darker(red, ImageChops.darker(green, blue))
    darks = _all(  # black or grey: dark, and no colour (where seal and signature blend, there is)
        _where(brightest, lambda v: v < 110),
        _where(ImageChops.subtract(brightest, dimmest), lambda v: v < 30),
    )
    return reds, blues, darks


def _blocks(mask: Image.Image, reach: int = 10) -> list[tuple[int, int, int, int]]:
    """Bounding boxes of the groups of set pixels, pixels within ``reach`` joined."""
    step = 4
    small = mask.filter(ImageFilter.MaxFilter(2 * reach + 1)).reduce(step)
    width, height = small.size
    cells = small.load()
    assert cells is not None
    seen: set[tuple[int, int]] = set()
    found = []
    for y in range(height):
        for x in range(width):
            if not cells[x, y] or (x, y) in seen:
                continue
            queue, box = deque([(x, y)]), [x, y, x, y]
            seen.add((x, y))
            while queue:
                cx, cy = queue.popleft()
                box = [min(box[0], cx), min(box[1], cy), max(box[2], cx), max(box[3], cy)]
                for nx, ny in ((cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)):
                    inside = 0 <= nx < width and 0 <= ny < height
                    if inside and cells[nx, ny] and (nx, ny) not in seen:
                        seen.add((nx, ny))
                        queue.append((nx, ny))
            x0, y0, x1, y1 = box[0] * step, box[1] * step, (box[2] + 1) * step, (box[3] + 1) * step
            exact = mask.crop((x0, y0, x1, y1)).getbbox()
            if exact:
                found.append((x0 + exact[0], y0 + exact[1], x0 + exact[2], y0 + exact[3]))
    return found


def marks_on(pdf: bytes, index: int) -> PageMarks:
    """What the signatures' appearances draw on page ``index``, and the page's own text."""
    with_annotations, left, top = _render(pdf, index, True)
    without, _, _ = _render(pdf, index, False)
    changed = (
        ImageChops.difference(with_annotations, without)
        .convert("L")
        .point(lambda v: 255 if v > 40 else 0)
    )
    added = Image.composite(with_annotations, Image.new("RGB", changed.size, "white"), changed)
    reds, blues, darks = _colours(added)
    seal = reds.getbbox()
    signature = blues.getbbox()
    texts = tuple(_to_points(box, left, top) for box in _blocks(darks))
    page_text, text_of = _page_text(pdf, index)
    return PageMarks(
        seal=_to_points(seal, left, top) if seal else None,
        signature=_to_points(signature, left, top) if signature else None,
        stamp_texts=texts,
        page_text=page_text,
        text_of=text_of,
    )


def text_rect(marks: PageMarks, words: str) -> Rect | None:
    """The union of the page's text segments that make up the line ``words``."""
    wanted = "".join(words.split())
    for rect in marks.page_text:
        if "".join(marks.text_of[rect].split()) == wanted:
            return rect
    parts = [r for r in marks.page_text if "".join(marks.text_of[r].split()) in wanted]
    joined = [r for r in parts if abs(r.centre[1] - (parts[0].centre[1] if parts else 0)) < 4]
    if not joined or "".join("".join(marks.text_of[r].split()) for r in joined) != wanted:
        return None
    return Rect(
        min(r.x0 for r in joined),
        min(r.y0 for r in joined),
        max(r.x1 for r in joined),
        max(r.y1 for r in joined),
    )


def rule_breaches(
    marks: PageMarks,
    *,
    block_lines: list[str],
    name: str,
    with_signature: bool = True,
    seal_size: float | None = None,
    texts: int = 2,
) -> list[str]:
    """Each rule the page breaks, in words; [] when it prints as the office prints it.

    ``block_lines`` are the authority and position lines (as printed), ``name`` the signer's
    name; ``seal_size`` the seal's real size in points when it must be printed at it."""
    breaches = []
    lines = {line: text_rect(marks, line) for line in [*block_lines, name]}
    for line, rect in lines.items():
        if rect is None:
            breaches.append(f"the line {line!r} is not in the page's text")
    if breaches:
        return breaches
    name_rect = lines[name]
    assert name_rect is not None
    position = min(
        (r for r in lines.values() if r is not None and r is not name_rect), key=lambda r: r.y0
    )
    seal, signature = marks.seal, marks.signature
    if seal is None:
        return [*breaches, "no seal is printed"]
    if with_signature and signature is None:
        return [*breaches, "no handwritten signature is printed"]
    if not with_signature and signature is not None:
        breaches.append("a handwritten signature is printed where none was configured")
    images = [("the seal", seal)] + ([("the signature", signature)] if signature else [])
    for what, image in images:
        for text in marks.page_text:
            if image.overlaps(text):
                breaches.append(f"{what} covers the page's text {marks.text_of[text]!r}")
    if signature is not None:
        if not (name_rect.y1 <= signature.y0 and signature.y1 <= position.y0):
            breaches.append("the signature is not between the position line and the name")
        if abs(signature.centre[0] - name_rect.centre[0]) > 6:
            breaches.append("the signature is not centred on the name")
        share = (seal.x1 - signature.x0) / signature.width
        if not (seal.x0 < signature.x0 and 0.2 <= share <= 0.45):
            breaches.append(
                f"the seal overlaps {share:.0%} of the signature, not a third on its left"
            )
    if seal_size is not None and abs(seal.height - seal_size) > 3:
        breaches.append(f"the seal is {seal.height:.0f} pt high, not its real {seal_size:.0f} pt")
    # The signatures' texts, not the number and date fields' lines higher on the page.
    top = max(r.y1 for r in lines.values() if r is not None) + 10
    in_block = [t for t in marks.stamp_texts if name_rect.y0 - 80 <= t.centre[1] <= top]
    if len(in_block) != texts:
        breaches.append(f"{len(in_block)} blocks of stamp text, not {texts}")
    for index, text in enumerate(in_block):
        for what, image in images:
            if text.overlaps(image):
                breaches.append(f"stamp text {index + 1} lies over {what}")
        for printed in marks.page_text:
            if text.overlaps(printed):
                breaches.append(f"stamp text {index + 1} lies over {marks.text_of[printed]!r}")
    return breaches


def block_picture(pdf: bytes, index: int, marks: PageMarks, name: str) -> Image.Image:
    """The signature block as printed (200 dpi), from the Nơi nhận column to the margin."""
    picture, _, top = _render(pdf, index, True)
    name_rect = text_rect(marks, name)
    assert name_rect is not None
    low = min([name_rect.y0, *(t.y0 for t in marks.stamp_texts if t.y1 > name_rect.y0 - 80)])
    high = name_rect.y1 + 190
    box = (0, int((top - high) * _SCALE), picture.width, int((top - low + 12) * _SCALE))
    return picture.crop(box)
