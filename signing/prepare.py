"""Prepare a draft for signing: every field, in one incremental update, before any signature.

pyHanko rejects new fields after a certification signature, so the number field, the
date field and both signature fields are created here; the organisation's field locks
the number and date fields (FieldMDP), which the organisation fills when it signs.
Field names are not prefixes of one another (a FieldMDP lock matches by prefix).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from math import ceil, floor

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields

from basics.said import said

from .block_layout import BlockLayout
from .errors import UnusablePdfError
from .field_names import DATE_FIELD, NUMBER_FIELD, ORGANISATION_FIELD, SIGNER_FIELD
from .field_plans import LinePlan, write_line_plan, write_stamp_plan
from .lettering import StampFonts, set_line
from .line_removal import erase_lines

__all__ = [
    "DATE_FIELD",
    "NUMBER_FIELD",
    "ORGANISATION_FIELD",
    "SIGNER_FIELD",
    "Box",
    "Placement",
    "PrintedLine",
    "prepare_pdf",
]


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

    @property
    def origin(self) -> tuple[float, float]:
        """The lower-left corner of the field's rectangle as written (whole points)."""
        return float(round(self.x1)), float(round(self.y1))

    @classmethod
    def around(cls, page: int, x1: float, y1: float, x2: float, y2: float) -> Box:
        """The smallest box of whole points holding the given one."""
        return cls(page, floor(x1), floor(y1), ceil(x2), ceil(y2))


@dataclass(frozen=True)
class PrintedLine:
    """A line of the draft that its field prints once prepared: ``runs`` (x on the page,
    text) as the draft printed it, ``erase`` where the draft's own text of it lies."""

    box: Box
    runs: tuple[tuple[float, str], ...]
    plan: LinePlan
    erase: Box


@dataclass(frozen=True)
class Placement:
    """The four fields' boxes. With ``number_line`` and ``date_line``, those fields print
    their whole lines (the draft no longer does); with ``block``, the signature fields'
    appearances follow its layout. Configured boxes have neither."""

    number: Box
    date: Box
    signer: Box
    organisation: Box
    number_line: PrintedLine | None = None
    date_line: PrintedLine | None = None
    block: BlockLayout | None = None

    def boxes(self) -> dict[str, Box]:
        return {
            "number": self.number_line.box if self.number_line else self.number,
            "date": self.date_line.box if self.date_line else self.date,
            "signer": self.signer,
            "organisation": self.organisation,
        }


def prepare_pdf(draft: bytes, placement: Placement, fonts: StampFonts | None = None) -> bytes:
    """The draft plus one incremental update holding the four fields; ``fonts`` draw the
    lines the number and date fields print (the default stamp fonts if not given).

    When the placement has the number and date lines, the same update takes their text out
    of the page (line_removal.py) and their fields print them; if it cannot, the fields
    lie over the blanks and cover them when filled, as with configured boxes."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(draft), strict=False)
        lines = [line for line in (placement.number_line, placement.date_line) if line]
        if lines and not erase_lines(writer, draft, 0, [line.erase for line in lines]):
            placement = replace(placement, number_line=None, date_line=None)
        pages = int(writer.root["/Pages"]["/Count"])
        for name, box in placement.boxes().items():
            if not 0 <= box.page < pages:
                raise UnusablePdfError(
                    said(
                        "the {name} field is placed on page {value} of {pages}",
                        name=name,
                        value=box.page + 1,
                        pages=pages,
                    )
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
        block = placement.block
        if block is not None:
            for name, layout, box in (
                (SIGNER_FIELD, block.signer, placement.signer),
                (ORGANISATION_FIELD, block.organisation, placement.organisation),
            ):
                _plan(writer, name, partial(write_stamp_plan, layout=layout, origin=box.origin))
        for name, blank, line in (
            (NUMBER_FIELD, placement.number, placement.number_line),
            (DATE_FIELD, placement.date, placement.date_line),
        ):
            if line is None:
                _add_text_field(writer, name, blank)
            else:
                _add_printed_line(writer, name, line, fonts or _default_fonts())
        output = io.BytesIO()
        writer.write(output)
    except UnusablePdfError:
        raise
    except (PdfError, KeyError, TypeError, ValueError) as exc:
        raise UnusablePdfError(said("the draft cannot be prepared: {exc}", exc=exc)) from exc
    return output.getvalue()


def _default_fonts() -> StampFonts:
    from .fonts import default_font_faces, stamp_font

    faces = default_font_faces()
    return StampFonts(stamp_font(faces.regular), stamp_font(faces.italic))


def _plan(
    writer: IncrementalPdfFileWriter, name: str, write: Callable[[generic.DictionaryObject], None]
) -> None:
    for reference in writer.root["/AcroForm"]["/Fields"]:
        field = reference.get_object()
        if str(field.get("/T")) == name:
            write(field)
            writer.mark_update(reference)
            return


def _add_printed_line(
    writer: IncrementalPdfFileWriter, name: str, line: PrintedLine, fonts: StampFonts
) -> None:
    """A text field that prints ``line`` as the draft did, until it is filled."""
    x1, y1, x2, y2 = line.box.rect
    appearance = RawContent(b"", box=BoxConstraints(width=x2 - x1, height=y2 - y1))
    face = fonts.face(line.plan.italic)
    appearance.data = b" ".join(
        set_line(
            appearance,
            writer,
            face,
            text,
            x=x - x1,
            baseline=line.plan.baseline,
            size=line.plan.size,
        )
        for x, text in line.runs
    )
    field = _add_text_field(writer, name, line.box, appearance)
    write_line_plan(field, line.plan)


def _add_text_field(
    writer: IncrementalPdfFileWriter, name: str, box: Box, appearance: RawContent | None = None
) -> generic.DictionaryObject:
    """A read-only text field whose widget shows ``appearance`` (nothing by default) until
    it is filled."""
    page_ref = writer.find_page_for_modification(box.page)[0]
    x1, y1, x2, y2 = box.rect
    if appearance is None:
        appearance = RawContent(b"", box=BoxConstraints(width=x2 - x1, height=y2 - y1))
    empty = appearance.as_form_xobject()
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
    return field
