"""Prepare a draft for signing: every field, in one incremental update, before any signature.

pyHanko rejects new fields after a certification signature, so the number field, the
date field and both signature fields are created here; the organisation's field locks
the number and date fields (FieldMDP), which the organisation fills when it signs.
Field names are not prefixes of one another (a FieldMDP lock matches by prefix).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields

from .errors import UnusablePdfError

__all__ = [
    "DATE_FIELD",
    "NUMBER_FIELD",
    "ORGANISATION_FIELD",
    "SIGNER_FIELD",
    "Box",
    "Placement",
    "prepare_pdf",
]

NUMBER_FIELD = "so_ky_hieu"
DATE_FIELD = "ngay_ban_hanh"
SIGNER_FIELD = "chu_ky_lanh_dao"
ORGANISATION_FIELD = "chu_ky_co_quan"


@dataclass(frozen=True)
class Box:
    """A rectangle on a page (0-based), in PDF points from the lower-left corner."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def rect(self) -> tuple[int, int, int, int]:
        return (round(self.x1), round(self.y1), round(self.x2), round(self.y2))


@dataclass(frozen=True)
class Placement:
    number: Box
    date: Box
    signer: Box
    organisation: Box


def prepare_pdf(draft: bytes, placement: Placement) -> bytes:
    """The draft plus one incremental update holding the four fields."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(draft), strict=False)
        pages = int(writer.root["/Pages"]["/Count"])
        for name, box in vars(placement).items():
            if not 0 <= box.page < pages:
                raise UnusablePdfError(
                    f"the {name} field is placed on page {box.page + 1} of {pages}"
                )
        fields.append_signature_field(
            writer,
            fields.SigFieldSpec(
                SIGNER_FIELD, on_page=placement.signer.page, box=placement.signer.rect
            ),
        )
        fields.append_signature_field(
            writer,
            fields.SigFieldSpec(
                ORGANISATION_FIELD,
                on_page=placement.organisation.page,
                box=placement.organisation.rect,
                field_mdp_spec=fields.FieldMDPSpec(
                    fields.FieldMDPAction.INCLUDE, fields=[NUMBER_FIELD, DATE_FIELD]
                ),
            ),
        )
        _add_text_field(writer, NUMBER_FIELD, placement.number)
        _add_text_field(writer, DATE_FIELD, placement.date)
        output = io.BytesIO()
        writer.write(output)
    except UnusablePdfError:
        raise
    except (PdfError, KeyError, TypeError, ValueError) as exc:
        raise UnusablePdfError(f"the draft cannot be prepared: {exc}") from exc
    return output.getvalue()


def _add_text_field(writer: IncrementalPdfFileWriter, name: str, box: Box) -> None:
    """A read-only text field whose widget shows nothing until it is filled."""
    page_ref = writer.find_page_for_modification(box.page)[0]
    x1, y1, x2, y2 = box.rect
    empty = RawContent(b"", box=BoxConstraints(width=x2 - x1, height=y2 - y1)).as_form_xobject()
    field = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): generic.TextStringObject(name),
            pdf_name("/Rect"): generic.ArrayObject(
                generic.NumberObject(v) for v in (x1, y1, x2, y2)
            ),
            pdf_name("/F"): generic.NumberObject(4),  # printed
            pdf_name("/Ff"): generic.NumberObject(1),  # read-only for people; FieldMDP guards it
            pdf_name("/P"): page_ref,
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): writer.add_object(empty)}),
        }
    )
    field_ref = writer.add_object(field)
    form = writer.root["/AcroForm"]
    form["/Fields"].append(field_ref)
    writer.update_container(form["/Fields"])
    writer.register_annotation(page_ref, field_ref)
