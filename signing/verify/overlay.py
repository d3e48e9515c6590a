"""Signatures added later whose visible appearance lies over page content already signed.

The policy allows them (the Government's seal on every page is such a signature), so
they never fail a verification; but a reader must be told where a later appearance could
hide or change what an earlier signer saw. Page content is read with PDFium: text, images
and drawings, a full-page background excepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

from .report import Overlay
from .revisions import catalog_at, signature_fields, value_of

__all__ = ["later_overlays"]

Box = tuple[float, float, float, float]
_HIDDEN = 2 | 32  # annotation flags Hidden and NoView
_MAX_PAGE_DEPTH = 64
_MIN_OVERLAP = 1.0  # square points: smaller widgets draw nothing one could read
_MIN_SIDE = 2.0  # points
_EDGE_SHARE = 0.25


@dataclass(frozen=True)
class _Widget:
    field: str
    page: int  # 0-based
    rect: Box
    introduced: int  # the revision that added it


def later_overlays(
    data: bytes, reader: PdfFileReader, signatures: Sequence[EmbeddedPdfSignature]
) -> tuple[Overlay, ...]:
    if not signatures:
        return ()
    first = min(s.signed_revision for s in signatures)
    later = [w for w in _widgets(reader) if w.introduced > first]
    if not later:
        return ()
    content = _content_boxes(data, {w.page for w in later})
    found = []
    for widget in later:
        if not any(_covers(widget.rect, box) for box in content[widget.page]):
            continue
        under = tuple(
            s.field_name
            for s in signatures
            if s.signed_revision < widget.introduced and s.field_name != widget.field
        )
        found.append(Overlay(widget.page + 1, widget.field, widget.rect, under))
    return tuple(found)


def _widgets(reader: PdfFileReader) -> Iterator[_Widget]:
    pages = _annotation_pages(reader)
    for name, field, raw in signature_fields(catalog_at(reader, None)):
        if "/V" not in field:
            continue
        kids = value_of(field, "/Kids")
        items: Iterable[generic.PdfObject] = (
            kids if isinstance(kids, generic.ArrayObject) else [raw]
        )
        for item in items:
            if not isinstance(item, generic.IndirectObject):
                continue
            widget = item.get_object()
            rect = _visible_rect(widget)
            page = pages.get((item.idnum, item.generation))
            if rect is None or page is None:
                continue
            yield _Widget(name, page, rect, reader.xrefs.get_introducing_revision(item.reference))


def _visible_rect(widget: generic.PdfObject) -> Box | None:
    if not isinstance(widget, generic.DictionaryObject):
        return None
    try:
        if int(value_of(widget, "/F", 0)) & _HIDDEN:
            return None
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
        appearance = widget["/AP"]["/N"]
    except (KeyError, TypeError, ValueError):
        return None
    if abs(x2 - x1) * abs(y2 - y1) < _MIN_OVERLAP or not isinstance(
        appearance, generic.StreamObject
    ):
        return None
    if not appearance.data.strip():
        return None
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _annotation_pages(reader: PdfFileReader) -> dict[tuple[int, int], int]:
    """Each annotation's page (0-based), by object number, walking the page tree once."""
    found: dict[tuple[int, int], int] = {}
    catalog = catalog_at(reader, None)
    if catalog is None:
        return found
    pages: list[generic.DictionaryObject] = []
    seen: set[tuple[int, int]] = set()

    def walk(node: generic.PdfObject, depth: int) -> None:
        if isinstance(node, generic.IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                return
            seen.add(key)
            node = node.get_object()
        if depth > _MAX_PAGE_DEPTH or not isinstance(node, generic.DictionaryObject):
            return
        if value_of(node, "/Type") == "/Pages" or "/Kids" in node:
            for kid in value_of(node, "/Kids", ()):
                walk(kid, depth + 1)
        else:
            pages.append(node)

    walk(catalog.raw_get("/Pages"), 0)
    for index, page in enumerate(pages):
        annotations = value_of(page, "/Annots")
        if not isinstance(annotations, generic.ArrayObject):
            continue
        for annotation in annotations:
            if isinstance(annotation, generic.IndirectObject):
                found.setdefault((annotation.idnum, annotation.generation), index)
    return found


def _content_boxes(data: bytes, pages: set[int]) -> dict[int, list[Box]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    kinds = (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH)
    boxes: dict[int, list[Box]] = {page: [] for page in pages}
    document = pdfium.PdfDocument(data)
    try:
        for index in sorted(pages):
            if not 0 <= index < len(document):
                continue
            page = document[index]
            left, bottom, right, top = page.get_bbox()
            area = max(1.0, (right - left) * (top - bottom))
            for obj in page.get_objects(filter=kinds, max_depth=4):
                x1, y1, x2, y2 = obj.get_bounds()
                if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH and (x2 - x1) * (y2 - y1) > 0.9 * area:
                    continue  # a page background
                boxes[index].append((x1, y1, x2, y2))
    finally:
        document.close()
    return boxes


def _covers(a: Box, b: Box) -> bool:
    """Whether ``a`` lies over a real part of ``b``: a text line's box reaches above and
    below its letters, so a sliver along its edge is no cover."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width < _MIN_SIDE or height <= 0:
        return False
    return height >= _EDGE_SHARE * min(a[3] - a[1], b[3] - b[1])
