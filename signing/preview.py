"""A page of a PDF as a PNG, with its form fields outlined: what a person checks by eye.

Signed signature fields are outlined in green, empty ones in blue, text fields (number,
date) in grey, so that a visitor sees where each signature sits on the page; a signature
added later whose appearance lies over signed content is outlined in orange.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from basics.said import said

from .errors import UnusablePdfError

__all__ = ["FieldBox", "page_fields", "pages_to_show", "render_page"]

SIGNED = (5, 98, 13)
EMPTY_SIGNATURE = (20, 70, 200)
TEXT_FIELD = (110, 110, 110)
OVER_SIGNED_CONTENT = (230, 120, 0)


@dataclass(frozen=True)
class FieldBox:
    name: str
    kind: str  # "signature" or "text"
    signed: bool
    rect: tuple[float, float, float, float]  # PDF user space: x1, y1, x2, y2


def _reader(pdf: bytes) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return PdfReader(io.BytesIO(pdf), strict=False)
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise UnusablePdfError(said("cannot read the PDF: {exc}", exc=exc)) from exc


def _fields_of(reader: Any, page_index: int) -> list[FieldBox]:
    from pypdf.errors import PyPdfError

    try:
        annotations = reader.pages[page_index].get("/Annots")
        widgets = annotations.get_object() if annotations is not None else []
        return [box for box in (_field_box(ref.get_object()) for ref in widgets) if box]
    except (PyPdfError, IndexError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnusablePdfError(
            said("cannot read the fields of page {value}: {exc}", value=page_index + 1, exc=exc)
        ) from exc


def _field_box(widget: Any) -> FieldBox | None:
    if widget.get("/Subtype") != "/Widget" or "/Rect" not in widget:
        return None
    field = widget if "/FT" in widget else widget.get("/Parent", widget).get_object()
    kind = {"/Sig": "signature", "/Tx": "text"}.get(str(field.get("/FT")), "")
    if not kind:
        return None
    x1, y1, x2, y2 = (float(value) for value in widget["/Rect"])
    return FieldBox(
        name=str(field.get("/T", "")),
        kind=kind,
        signed="/V" in field and kind == "signature",
        rect=(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)),
    )


def page_fields(pdf: bytes, page_index: int = 0) -> list[FieldBox]:
    """The text and signature fields' widgets on a page, read with pypdf (no rendering)."""
    return _fields_of(_reader(pdf), page_index)


def pages_to_show(pdf: bytes, limit: int = 3, also: Iterable[int] = ()) -> list[int]:
    """The first page and the pages holding signature fields (0-based), at most ``limit``,
    and the pages in ``also`` (where a later signature lies over signed content)."""
    reader = _reader(pdf)
    chosen = [0]
    for index in range(len(reader.pages) - 1, 0, -1):  # signature blocks sit at the end
        if len(chosen) >= limit:
            break
        if any(box.kind == "signature" for box in _fields_of(reader, index)):
            chosen.insert(1, index)
    extra = {index for index in also if 0 <= index < len(reader.pages)}
    return sorted(set(chosen) | extra)


def render_page(
    pdf: bytes,
    page_index: int = 0,
    *,
    width: int = 800,
    outline: bool = True,
    over_signed: Iterable[str] = (),
) -> bytes:
    """The page as a PNG ``width`` pixels wide, its fields outlined when ``outline``; the
    signature fields named in ``over_signed`` stand out."""
    marked = set(over_signed)
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    try:
        document = pdfium.PdfDocument(pdf)
        document.init_forms()  # without it, filled fields and signature stamps are not drawn
    except pdfium.PdfiumError as exc:
        raise UnusablePdfError(said("cannot render the PDF: {exc}", exc=exc)) from exc
    try:
        if not 0 <= page_index < len(document):
            raise UnusablePdfError(said("the PDF has no page {value}", value=page_index + 1))
        page = document[page_index]
        left, _bottom, right, top = page.get_cropbox()
        scale = width / max(1.0, right - left)
        image = page.render(scale=scale, may_draw_forms=True).to_pil().convert("RGB")
        rotation = page.get_rotation()
    finally:
        document.close()
    if outline and rotation == 0:
        draw = ImageDraw.Draw(image)
        for box in page_fields(pdf, page_index):
            x1, y1, x2, y2 = box.rect
            colour = TEXT_FIELD if box.kind == "text" else SIGNED if box.signed else EMPTY_SIGNATURE
            if box.name in marked:
                colour = OVER_SIGNED_CONTENT
            draw.rectangle(
                ((x1 - left) * scale, (top - y2) * scale, (x2 - left) * scale, (top - y1) * scale),
                outline=colour,
                width=5 if box.name in marked else 3,
            )
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
