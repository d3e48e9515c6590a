"""Limits a PDF must keep before anything parses or draws it further: pages, page size, how
deep its objects nest, how much its streams inflate to. A hostile file (a page tree that
loops, a 4 MB stream that inflates to gigabytes, a page the size of a field) is refused
with the limit it broke, instead of taking a worker's memory or time.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from typing import Any

from basics.said import said

from .errors import UnusablePdfError

__all__ = ["DEFAULT_LIMITS", "PdfLimits", "check_limits"]

_CHUNK = 64 * 1024


@dataclass(frozen=True)
class PdfLimits:
    max_pages: int = 2000
    max_page_side_mm: int = 5000  # a page side; A0 is 1189 mm, PDF's own ceiling 5080 mm
    max_depth: int = 64  # page tree levels, and arrays or dictionaries nested in each other
    max_inflated_mb: int = 256  # any one stream, decompressed
    max_image_megapixels: int = 200  # any one image, as drawn

    @property
    def max_page_side_pt(self) -> float:
        return self.max_page_side_mm / 25.4 * 72


DEFAULT_LIMITS = PdfLimits()


def check_limits(data: bytes, limits: PdfLimits = DEFAULT_LIMITS) -> int:
    """The page count of ``data`` when it keeps every limit; :class:`UnusablePdfError`
    naming the limit otherwise (or saying why the file cannot be read)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if b"%PDF-" not in data[:1024]:
        raise UnusablePdfError(said("not a PDF file (no %PDF- header)"))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return _declared_pages(reader.root, limits)  # what can be read without a password
        pages = _pages(reader.root["/Pages"], limits)
        for page in pages:
            _check_page(page, limits)
    except UnusablePdfError:
        raise
    except RecursionError:
        raise UnusablePdfError(
            said(
                "the PDF nests its objects deeper than the limit ({max_depth} levels)",
                max_depth=limits.max_depth,
            )
        ) from None
    except (PdfError, KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise UnusablePdfError(
            said("the PDF is damaged and cannot be read: {exc}", exc=exc)
        ) from exc
    return len(pages)


def _declared_pages(root: Any, limits: PdfLimits) -> int:
    count = int(root["/Pages"].get("/Count", 0))
    if count > limits.max_pages:
        raise UnusablePdfError(_too_many(count, limits))
    return count


def _too_many(count: int, limits: PdfLimits) -> str:
    return f"the PDF has {count:,} pages; the limit is {limits.max_pages:,}"


def _pages(tree: Any, limits: PdfLimits) -> list[Any]:
    """The leaves of the page tree, walked without recursion: a loop, a tree deeper than
    the limit or more pages than the limit is refused before any page is read."""
    declared = int(tree.get("/Count", 0))
    if declared > limits.max_pages:
        raise UnusablePdfError(_too_many(declared, limits))
    pages: list[Any] = []
    seen: set[int] = set()
    waiting = [(tree, 1)]
    while waiting:
        node, level = waiting.pop()
        if level > limits.max_depth:
            raise UnusablePdfError(
                said(
                    "the page tree is deeper than the limit ({max_depth} levels)",
                    max_depth=limits.max_depth,
                )
            )
        if id(node) in seen:
            raise UnusablePdfError(said("the page tree loops back on itself"))
        seen.add(id(node))
        if node.get("/Type") == "/Page" or "/Kids" not in node:
            pages.append(node)
            if len(pages) > limits.max_pages:
                raise UnusablePdfError(_too_many(len(pages), limits))
            continue
        kids = [kid.get_object() for kid in node["/Kids"]]
        waiting.extend((kid, level + 1) for kid in reversed(kids))
    if not pages:
        raise UnusablePdfError(said("the PDF has no pages"))
    return pages


def _inherited(page: Any, key: str) -> Any:
    node, level = page, 0
    while node is not None and level < 64:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        level += 1
    return None


def _check_page(page: Any, limits: PdfLimits) -> None:
    box = _inherited(page, "/MediaBox")
    if box is not None:
        x1, y1, x2, y2 = (float(value) for value in box)
        side = max(abs(x2 - x1), abs(y2 - y1))
        if side > limits.max_page_side_pt:
            raise UnusablePdfError(
                said(
                    "a page is {value:,.0f} mm on a side; the limit is {max_page_side_mm:,} mm",
                    value=side / 72 * 25.4,
                    max_page_side_mm=limits.max_page_side_mm,
                )
            )
    contents = page.get("/Contents")
    if contents is not None:
        contents = contents.get_object()
        streams = list(contents) if isinstance(contents, list) else [contents]
        for stream in streams:
            _check_stream(stream.get_object(), limits)
    resources = _inherited(page, "/Resources")
    if resources is not None:
        _check_xobjects(resources.get_object(), limits, set(), 1)


def _check_xobjects(resources: Any, limits: PdfLimits, seen: set[int], level: int) -> None:
    if level > limits.max_depth:
        raise UnusablePdfError(
            said(
                "forms nest deeper than the limit ({max_depth} levels)", max_depth=limits.max_depth
            )
        )
    xobjects = resources.get("/XObject")
    if xobjects is None:
        return
    for reference in xobjects.get_object().values():
        xobject = reference.get_object()
        if id(xobject) in seen:
            continue
        seen.add(id(xobject))
        if xobject.get("/Subtype") == "/Image":
            pixels = int(xobject.get("/Width", 0)) * int(xobject.get("/Height", 0))
            if pixels > limits.max_image_megapixels * 1_000_000:
                raise UnusablePdfError(
                    said(
                        "an image has {value:,.0f} megapixels; the limit is "
                        "{max_image_megapixels:,}",
                        value=pixels / 1e6,
                        max_image_megapixels=limits.max_image_megapixels,
                    )
                )
        _check_stream(xobject, limits)
        inner = xobject.get("/Resources")
        if inner is not None:
            _check_xobjects(inner.get_object(), limits, seen, level + 1)


def _check_stream(stream: Any, limits: PdfLimits) -> None:
    """Inflate a Flate stream piece by piece, stopping past the limit (never all at once)."""
    filters = stream.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)]
    if "/FlateDecode" not in names:
        return
    limit = limits.max_inflated_mb * 1024 * 1024
    inflater = zlib.decompressobj()
    raw = stream.encoded_data
    produced = 0
    for start in range(0, len(raw), _CHUNK):
        try:
            produced += len(inflater.decompress(raw[start : start + _CHUNK], limit + 1 - produced))
            while inflater.unconsumed_tail and produced <= limit:
                produced += len(inflater.decompress(inflater.unconsumed_tail, limit + 1 - produced))
        except zlib.error:
            return  # a damaged stream: drawing it fails on its own, without the memory
        if produced > limit:
            raise UnusablePdfError(
                said(
                    "a stream inflates to more than the limit ({max_inflated_mb:,} MB)",
                    max_inflated_mb=limits.max_inflated_mb,
                )
            )
