"""Take lines of text out of a draft's page, so that the fields laid over them print them.

The draft is not signed yet, so its page may be edited: each text-showing operator of the
page's own content whose text lies inside the given boxes is replaced by a move of the
same width (``[-n] TJ``), so the text state and every later character stay where they
were. The operators are found by interpreting the page with pdfminer, which knows every
font's widths. The result is then checked against the draft (erased_cleanly): the page
looks the same outside the boxes and reads the same but for the lines taken out. Text in
a form XObject, an operator that also draws text outside the boxes, or anything else that
fails the check leaves the draft as it was; its fields then cover the lines instead.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

__all__ = ["erase_lines", "erased_cleanly"]

_SLACK = 2.0  # points: how far a character's centre may stray outside its line's box
_SHOWING = ("Tj", "TJ", "'", '"')


@dataclass(frozen=True)
class _Shown:
    """A text-showing operator of the page's content: where it is, what it drew."""

    stream: int
    start: int  # offset of its first operand in the stream's decoded data
    end: int  # offset just after the operator
    operator: str
    operands: tuple[Any, ...]
    centres: tuple[tuple[float, float], ...]  # each character it drew, centre on the page
    move: float  # the text position's advance, in unscaled text space units
    unit: float  # what one thousandth of a TJ adjustment moves, in the same units


def _inside(point: tuple[float, float], box: Any) -> bool:
    x, y = point
    return bool(box.x1 - _SLACK <= x <= box.x2 + _SLACK and box.y1 - _SLACK <= y <= box.y2 + _SLACK)


def _shown(pdf: bytes, page_index: int) -> tuple[list[_Shown], list[bytes]] | None:
    """Every text-showing operator of the page's own content, and the decoded streams."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTChar
    from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import stream_value
    from pdfminer.psexceptions import PSEOF
    from pdfminer.psparser import PSKeyword, keyword_name

    found: list[_Shown] = []
    streams: list[bytes] = []

    class Recorder(PDFPageInterpreter):
        top = True

        def dup(self) -> PDFPageInterpreter:
            nested = Recorder(self.rsrcmgr, self.device)
            nested.top = False  # a form XObject's text is not ours to edit
            return nested

        def execute(self, content: Sequence[object]) -> None:
            if not self.top:
                super().execute(content)
                return
            objects = [stream_value(item) for item in content]
            streams.extend(item.get_data() for item in objects)
            try:
                parser = PDFContentParser(objects)
            except PSEOF:
                return
            places: list[tuple[int, int]] = []
            while True:
                try:
                    position, token = parser.nextobject()
                except PSEOF:
                    break
                stream = parser.istream - 1
                if not isinstance(token, PSKeyword):
                    self.push(token)
                    places.append((stream, position))
                    continue
                name = keyword_name(token)
                method = getattr(
                    self,
                    "do_" + str(name).replace("*", "_a").replace('"', "_w").replace("'", "_q"),
                    None,
                )
                if method is None:
                    places.clear()
                    continue
                count = method.__code__.co_argcount - 1
                operands = self.pop(count) if count else []
                starts = places[-count:] if count else []
                places.clear()
                if count and len(operands) != count:
                    continue
                if name not in _SHOWING:
                    method(*operands)
                    continue
                layout = cast(Any, self.device).cur_item  # the aggregator's page so far
                drawn_before = len(layout._objs)
                x_before = 0.0 if name in ("'", '"') else self.textstate.linematrix[0]
                method(*operands)
                chars = [c for c in layout._objs[drawn_before:] if isinstance(c, LTChar)]
                size = self.textstate.fontsize * self.textstate.scaling * 0.01
                found.append(
                    _Shown(
                        stream=starts[0][0] if starts else stream,
                        start=starts[0][1] if starts else position,
                        end=position + len(str(name)),
                        operator=str(name),
                        operands=tuple(operands),
                        centres=tuple(((c.x0 + c.x1) / 2, (c.y0 + c.y1) / 2) for c in chars),
                        move=self.textstate.linematrix[0] - x_before,
                        unit=0.001 * size,
                    )
                )

    try:
        pages = list(PDFPage.get_pages(io.BytesIO(pdf), pagenos=[page_index]))
        if len(pages) != 1:
            return None
        manager = PDFResourceManager()
        device = PDFPageAggregator(manager, laparams=LAParams())
        Recorder(manager, device).process_page(pages[0])
    except Exception:  # noqa: BLE001 - any trouble reading the page means "leave it be"
        return None
    return found, streams


def _replacement(shown: _Shown) -> bytes | None:
    """The same move as ``shown`` without its text, or None when it cannot be said."""
    if shown.unit == 0:
        return None
    adjustment = b"[%.4f] TJ" % (-shown.move / shown.unit)
    if shown.operator in ("Tj", "TJ"):
        return b" " + adjustment + b" "
    if shown.operator == "'":
        return b" T* " + adjustment + b" "
    spacing, characters = shown.operands[0], shown.operands[1]  # the '"' operator
    if not all(isinstance(v, int | float) for v in (spacing, characters)):
        return None
    return b" %g Tw %g Tc T* %s " % (spacing, characters, adjustment)


def erase_lines(
    writer: IncrementalPdfFileWriter, draft: bytes, page_index: int, boxes: Sequence[Any]
) -> bool:
    """In ``writer`` (an update of ``draft``), replace the page's text inside ``boxes``
    by moves of the same width. False, with the page untouched, when there is none or an
    operator draws both inside and outside the boxes."""
    recorded = _shown(draft, page_index)
    if recorded is None:
        return False
    shown, streams = recorded
    chosen = [
        item
        for item in shown
        if item.centres and all(any(_inside(c, box) for box in boxes) for c in item.centres)
    ]
    partly = [
        item
        for item in shown
        if item not in chosen and any(any(_inside(c, box) for box in boxes) for c in item.centres)
    ]
    if not chosen or partly:
        return False
    edits: dict[int, list[tuple[int, int, bytes]]] = {}
    for item in chosen:
        data = streams[item.stream]
        replacement = _replacement(item)
        if replacement is None or not data[item.start : item.end].endswith(
            item.operator.encode("latin-1")
        ):
            return False
        edits.setdefault(item.stream, []).append((item.start, item.end, replacement))
    page_ref = writer.find_page_for_modification(page_index)[0]
    page = page_ref.get_object()
    contents = page["/Contents"]
    references = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    if len(references) != len(streams):
        return False
    for index, changes in edits.items():
        data = streams[index]
        pieces: list[bytes] = []
        last = 0
        for start, end, replacement in sorted(changes):
            if start < last:
                return False
            pieces.extend((data[last:start], replacement))
            last = end
        pieces.append(data[last:])
        stream = generic.StreamObject(stream_data=b"".join(pieces))
        stream.compress()
        references[index] = writer.add_object(stream)
    array = isinstance(contents, generic.ArrayObject)
    page[pdf_name("/Contents")] = generic.ArrayObject(references) if array else references[0]
    writer.update_container(page)
    return True


def erased_cleanly(draft: bytes, edited: bytes, page_index: int, boxes: Sequence[Any]) -> bool:
    """The edited page, drawn without its fields, is the draft's outside ``boxes`` and no
    darker inside them (text went, nothing came)."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageChops, ImageDraw

    pictures = []
    for data in (draft, edited):
        document = pdfium.PdfDocument(data)
        try:
            page = document[page_index]
            if page.get_rotation():
                return False
            left, _, _, top = page.get_cropbox()
            bitmap = page.render(scale=1, draw_annots=False, may_draw_forms=False)
            pictures.append(bitmap.to_pil().convert("L"))
        finally:
            document.close()
    before, after = pictures
    inside = Image.new("L", before.size, 0)
    pen = ImageDraw.Draw(inside)
    for box in boxes:  # with room for the glyphs' overshoot and the edges' anti-aliasing
        pen.rectangle(
            [box.x1 - left - 3, top - box.y2 - 4, box.x2 - left + 3, top - box.y1 + 5], fill=255
        )
    changed = ImageChops.difference(before, after).point(lambda v: 255 if v > 48 else 0)
    darker = ImageChops.subtract(before, after).point(lambda v: 255 if v > 48 else 0)
    outside_changed = ImageChops.multiply(changed, ImageChops.invert(inside))
    inside_darker = ImageChops.multiply(darker, inside)
    return outside_changed.getbbox() is None and inside_darker.getbbox() is None
