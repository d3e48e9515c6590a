"""The two signatures of a notice, and its archive copy.

1. :meth:`NoticeSigning.sign`: the signer's PAdES certification signature (DocMDP:
   form filling and signing allowed), time-stamped, in the signer's field.
2. :meth:`NoticeSigning.issue`: in one incremental update, the number and date fields
   filled and the organisation's time-stamped approval signature; its FieldMDP lock
   covers those two fields, so the certification signature sees only form filling.
3. :meth:`NoticeSigning.extend`: revocation data for every signature in a DSS and a
   document timestamp: PAdES B-LTA, verifiable after the certificates expire.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import replace
from datetime import UTC, datetime

from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import AppearanceContent
from pyhanko.pdf_utils.form_tools import (
    TextFieldContent,
    annot_width_height,
    find_existing_empty_field,
    get_single_field_annot,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import FormFillingError, PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as LibrarySigningError
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation.dss import DocumentSecurityStore, collect_validation_info
from pyhanko_certvalidator import ValidationContext

from basics.said import said
from basics.text import OffsetStyle, iso_vietnam

from .appearance import Appearance, line_appearance
from .errors import SigningError
from .field_plans import line_plan_of, stamp_plan_of
from .prepare import DATE_FIELD, NUMBER_FIELD, ORGANISATION_FIELD, SIGNER_FIELD

__all__ = ["ATTACHMENT_FIELD", "BYTES_RESERVED", "NoticeSigning"]

ATTACHMENT_FIELD = "chu_ky_phu_luc"

# Room for the CMS: signature, certificate chain and timestamp token, with a margin
# (pyHanko#515); reserving it skips pyHanko's dry run (a second TSA call).
BYTES_RESERVED = 24 * 1024


class _AtTimeSigner(signers.PdfSigner):
    """A PdfSigner whose signing time is the one the stamp shows, to the second."""

    def __init__(self, *args: object, at: datetime, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._at = at

    def init_signing_session(self, pdf_out, existing_fields_only=False):  # type: ignore[no-untyped-def]
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._at
        return session


class _CoveringText(TextFieldContent):
    """Field text on a white ground, so a filled field hides the draft's blank line."""

    def render(self) -> bytes:
        width, height = self.box.width, self.box.height
        return b"q 1 1 1 rg 0 0 %g %g re f Q " % (width, height) + super().render()


class NoticeSigning:
    def __init__(self, appearance: Appearance, *, offset_style: OffsetStyle = "+07:00") -> None:
        self.appearance = appearance
        self.offset_style = offset_style

    def sign(
        self,
        prepared: bytes,
        signer: signers.Signer,
        timestamper: TimeStamper | None,
        *,
        email: str,
        location: str = "",
        at: datetime | None = None,
    ) -> bytes:
        """The signer's certification signature on a prepared notice."""
        meta = signers.PdfSignatureMetadata(
            field_name=SIGNER_FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            certify=True,
            docmdp_permissions=fields.MDPPerm.FILL_FORMS,
            reason="Ký duyệt văn bản",
            location=location or None,
        )
        writer = _writer(prepared)
        plan = stamp_plan_of(_field(writer, SIGNER_FIELD))
        style = self.appearance.planned_signer(plan) if plan else self.appearance.signer_style
        return self._sign(writer, meta, signer, timestamper, style, email, at)

    def issue(
        self,
        signed: bytes,
        signer: signers.Signer,
        timestamper: TimeStamper | None,
        *,
        number_text: str,
        date_text: str,
        email: str,
        number_line: str = "",
        location: str = "",
        at: datetime | None = None,
        url: str = "",
    ) -> bytes:
        """Fill number and date and add the organisation's signature, in one update.

        A number field that prints its whole line (prepared with a plan) takes
        ``number_line`` ("Số 01-TB/ĐUK"); one over the blank only takes ``number_text``
        ("01"). ``url`` (the document's public page) is required when the stamp carries a
        QR code.
        """
        if self.appearance.qr_code and not url:
            raise SigningError(
                said("the organisation's stamp has a QR code: give the document's URL")
            )
        writer = _writer(signed)
        try:
            planned = line_plan_of(_field(writer, NUMBER_FIELD)) is not None
            if planned and not number_line:
                raise SigningError(said("the number field prints its line: give the number line"))
            self._fill(writer, NUMBER_FIELD, number_line if planned else number_text, "number")
            self._fill(writer, DATE_FIELD, date_text, "date")
        except (PdfError, FormFillingError, LibrarySigningError) as exc:
            raise SigningError(
                said("the notice was not prepared for issuing: {exc}", exc=exc)
            ) from exc
        meta = signers.PdfSignatureMetadata(
            field_name=ORGANISATION_FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason="Ban hành văn bản",
            location=location or None,
        )
        extra = {"url": url} if self.appearance.qr_code else {}
        plan = stamp_plan_of(_field(writer, ORGANISATION_FIELD))
        style = self.appearance.planned_seal(plan) if plan else self.appearance.seal_style
        return self._sign(writer, meta, signer, timestamper, style, email, at, extra)

    def _fill(self, writer: IncrementalPdfFileWriter, name: str, text: str, which: str) -> None:
        """Fill the prepared, empty text field ``name``: as its plan says, else the plain way."""
        field_ref = find_existing_empty_field(writer, name, field_type="/Tx")
        field = field_ref.get_object()
        assert isinstance(field, generic.DictionaryObject)
        annot = get_single_field_annot(field)
        width, height = annot_width_height(annot)
        plan = line_plan_of(field)
        content: AppearanceContent
        if plan is None:
            style = (
                self.appearance.number_style if which == "number" else self.appearance.date_style
            )
            content = _CoveringText(
                writer=writer,
                text_content=text,
                text_style=replace(style),
                box=layout.BoxConstraints(width=width, height=height),
            )
        else:
            font = self.appearance.fonts.face(plan.italic)
            content = line_appearance(writer, font, text, plan, width, height)
        content.apply_appearance(annot)
        writer.update_container(annot)
        field["/V"] = generic.TextStringObject(text)
        writer.mark_update(field_ref)

    def sign_attachment(
        self,
        attachment: bytes,
        signer: signers.Signer,
        timestamper: TimeStamper | None,
        *,
        number: str,
        at: datetime | None = None,
    ) -> bytes:
        """The organisation's signature on a separate attachment file: top right of page 1,
        no image, "number and notation; signing time" (NĐ 30 Phụ lục I §II.8b)."""
        writer = _writer(attachment)
        try:
            page = writer.root["/Pages"]["/Kids"][0].get_object()
            _, _, width, height = (float(v) for v in page["/MediaBox"])
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise SigningError(
                said("the attachment has no usable first page: {exc}", exc=exc)
            ) from exc
        box = (int(width) - 300, int(height) - 50, int(width) - 30, int(height) - 25)
        meta = signers.PdfSignatureMetadata(
            field_name=ATTACHMENT_FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=f"Phụ lục kèm theo văn bản số {number}",
        )
        moment = (at or datetime.now(UTC)).replace(microsecond=0)
        pdf_signer = _AtTimeSigner(
            meta,
            signer,
            timestamper=timestamper,
            stamp_style=self.appearance.attachment_style,
            new_field_spec=fields.SigFieldSpec(ATTACHMENT_FIELD, on_page=0, box=box),
            at=moment,
        )
        params = {"number": number, "time": iso_vietnam(moment, self.offset_style)}
        return self._run(pdf_signer, writer, params, existing_fields_only=False)

    def _sign(
        self,
        writer: IncrementalPdfFileWriter,
        meta: signers.PdfSignatureMetadata,
        signer: signers.Signer,
        timestamper: TimeStamper | None,
        style: object,
        email: str,
        at: datetime | None,
        extra: dict[str, str] | None = None,
    ) -> bytes:
        moment = (at or datetime.now(UTC)).replace(microsecond=0)
        pdf_signer = _AtTimeSigner(
            meta, signer, timestamper=timestamper, stamp_style=style, at=moment
        )
        params = {"email": email, "time": iso_vietnam(moment, self.offset_style), **(extra or {})}
        return self._run(pdf_signer, writer, params, existing_fields_only=True)

    def _run(
        self,
        pdf_signer: signers.PdfSigner,
        writer: IncrementalPdfFileWriter,
        params: dict[str, str],
        *,
        existing_fields_only: bool,
    ) -> bytes:
        try:
            output = pdf_signer.sign_pdf(
                writer,
                existing_fields_only=existing_fields_only,
                bytes_reserved=BYTES_RESERVED,
                appearance_text_params=params,
            )
        except TimestampRequestError as exc:
            raise SigningError(said("the timestamp service failed: {exc}", exc=exc)) from exc
        except (LibrarySigningError, PdfError, ValueError, KeyError) as exc:
            raise SigningError(said("signing failed: {exc}", exc=exc)) from exc
        return bytes(output.getvalue())

    def extend(
        self, issued: bytes, timestamper: TimeStamper, validation_context: ValidationContext
    ) -> bytes:
        """PAdES B-LTA: validation data for every signature, then a document timestamp.

        The context's own network session (for fetching OCSP and CRLs) is closed after.
        """
        return asyncio.run(self._extend_and_close(issued, timestamper, validation_context))

    async def _extend_and_close(
        self, issued: bytes, timestamper: TimeStamper, validation_context: ValidationContext
    ) -> bytes:
        try:
            return await self._extend(issued, timestamper, validation_context)
        finally:
            await validation_context.aclose()

    async def _extend(
        self, issued: bytes, timestamper: TimeStamper, validation_context: ValidationContext
    ) -> bytes:
        try:
            existing = PdfFileReader(io.BytesIO(issued), strict=False)
            if any(sig.sig_object_type == "/DocTimeStamp" for sig in existing.embedded_signatures):
                # Already B-LTA: validation data for the last document timestamp, then a new
                # one (re-adding VRI entries for the older signatures would count as a change).
                renewed = await signers.PdfTimeStamper(
                    timestamper
                ).async_update_archival_timestamp_chain(
                    existing, validation_context, in_place=False
                )
                return bytes(renewed.getvalue())
            # Every signature's validation data and the document timestamp in one revision,
            # as pyHanko writes a timestamp's own data: the file read and written once (a
            # revision per signature cost a third of the step).
            writer = IncrementalPdfFileWriter.from_reader(existing)
            for signature in existing.embedded_signatures:
                paths = await collect_validation_info(signature, validation_context)
                DocumentSecurityStore.supply_dss_in_writer(
                    writer,
                    signature.pkcs7_content.hex().encode("ascii"),  # its VRI key
                    paths=paths,
                    validation_context=validation_context,
                )
            stamper = signers.PdfTimeStamper(timestamper)
            output = await stamper.async_timestamp_pdf(
                writer, "sha256", validation_context=validation_context
            )
        except TimestampRequestError as exc:
            raise SigningError(said("the timestamp service failed: {exc}", exc=exc)) from exc
        except (LibrarySigningError, PdfError, ValueError, KeyError) as exc:
            raise SigningError(
                said("the archive copy could not be extended: {exc}", exc=exc)
            ) from exc
        return bytes(output.getvalue())


def _writer(data: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError) as exc:
        raise SigningError(said("the PDF cannot be read: {exc}", exc=exc)) from exc


def _field(writer: IncrementalPdfFileWriter, name: str) -> generic.DictionaryObject | None:
    """The top-level form field ``name``, or None."""
    try:
        for reference in writer.root["/AcroForm"]["/Fields"]:
            field = reference.get_object()
            if str(field.get("/T")) == name:
                return field  # type: ignore[no-any-return]
    except (KeyError, TypeError, AttributeError):
        return None
    return None
