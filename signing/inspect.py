"""First look at an uploaded PDF: is it one we can sign later, how many pages, what text."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

from basics.said import said
from basics.text import nfc

from .errors import UnusablePdfError
from .limits import DEFAULT_LIMITS, PdfLimits, check_limits

__all__ = [
    "PdfFacts",
    "field_values",
    "inspect_pdf",
    "inspect_within",
    "pdf_field_value",
    "prints_its_line",
]


@dataclass(frozen=True)
class PdfFacts:
    page_count: int
    text: str
    signature_fields: tuple[str, ...]


def inspect_pdf(data: bytes) -> PdfFacts:
    """Check ``data`` the way the signer will read it, and extract its text.

    Refuses what cannot be signed later: not a PDF, damaged, encrypted, no pages.
    """
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if b"%PDF-" not in data[:1024]:
        raise UnusablePdfError(said("not a PDF file (no %PDF- header)"))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise UnusablePdfError(said("the PDF is encrypted; export it again without a password"))
        page_count = int(reader.root["/Pages"]["/Count"])
        signature_fields = tuple(
            str(signature.field_name) for signature in reader.embedded_signatures
        )
    except UnusablePdfError:
        raise
    except (PdfError, KeyError, TypeError, ValueError, IndexError, RecursionError) as exc:
        raise UnusablePdfError(
            said("the PDF is damaged and cannot be read: {exc}", exc=exc)
        ) from exc
    if page_count < 1:
        raise UnusablePdfError(said("the PDF has no pages"))
    return PdfFacts(page_count, _extract_text(data), signature_fields)


def inspect_within(data: bytes, limits: PdfLimits = DEFAULT_LIMITS) -> PdfFacts:
    """:func:`inspect_pdf` of a file first checked against ``limits``."""
    check_limits(data, limits)
    return inspect_pdf(data)


def _extract_text(data: bytes) -> str:
    """The text for search; a PDF whose text cannot be extracted still registers (empty)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged drafts are common, not news
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, KeyError, TypeError, ValueError, IndexError, RecursionError):
        return ""
    return nfc("\n".join(pages))


def field_values(reader: Any) -> dict[str, str]:
    """The value of every top-level form field of a pyHanko reader ("" when empty); {} for a
    file without a readable form."""
    values = {}
    try:
        for reference in reader.root["/AcroForm"]["/Fields"]:
            field = reference.get_object()
            values[str(field.get("/T", ""))] = str(field["/V"]) if "/V" in field else ""
    except Exception:  # noqa: BLE001 - a damaged or hostile form: what was read so far
        return values
    return values


def pdf_field_value(data: bytes, name: str) -> str:
    """The value of the form field ``name`` in the PDF ``data``; "" when it has none or the
    file cannot be read (the verification says what is wrong with such a file)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
    except Exception:  # noqa: BLE001 - unreadable: no value
        return ""
    return field_values(reader).get(name, "")


def prints_its_line(data: bytes, name: str) -> bool:
    """Whether the text field ``name`` of ``data`` was prepared to print its whole line
    ("Số 01-TB/ĐUK") rather than to lie over the blank ("01")."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from .field_plans import line_plan_of

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        for reference in reader.root["/AcroForm"]["/Fields"]:
            field = reference.get_object()
            if str(field.get("/T", "")) == name:
                return line_plan_of(field) is not None
    except Exception:  # noqa: BLE001 - unreadable: no plan
        return False
    return False
