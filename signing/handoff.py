"""Checking a PDF signed outside the service (the holder's USB token, Adobe, vSignPDF…):
it must be exactly the revision handed out plus one incremental update that holds one new,
valid signature in the expected field, and nothing else but the expected form filling."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    ModificationLevel,
    SuspiciousModification,
)
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from basics.said import said

from .errors import SigningError
from .inspect import field_values

__all__ = ["Expectation", "HandoffRefused", "ReturnedSignature", "check_returned"]


class HandoffRefused(SigningError):
    """The returned file is not what the hand-off allows; ``message`` says why."""


@dataclass(frozen=True)
class Expectation:
    base: bytes  # the revision handed out
    field: str  # the signature field the new signature must be in
    filled: Mapping[str, str]  # text fields that must hold exactly these values
    not_before: datetime
    not_after: datetime
    certified_base: bool = False  # the base carries a certification allowing form filling


@dataclass(frozen=True)
class ReturnedSignature:
    certificate: asn1_x509.Certificate
    signing_time: datetime | None
    timestamped: bool


def _reader(data: bytes) -> PdfFileReader:
    try:
        return PdfFileReader(io.BytesIO(data), strict=False)
    except Exception as exc:  # noqa: BLE001 - any failure to read means "refused"
        raise HandoffRefused(
            said("the returned file cannot be read as a PDF: {exc}", exc=exc)
        ) from None


_CATALOG_KEYS = {"/AcroForm", "/Perms", "/DSS", "/Extensions"}
_FORM_KEYS = {"/SigFlags", "/DR", "/DA", "/NeedAppearances"}


def _field_objects(reader: PdfFileReader, names: set[str]) -> set[int]:
    """Object numbers of the named fields and their widgets."""
    found: set[int] = set()
    try:
        for reference in reader.root["/AcroForm"]["/Fields"]:
            field = reference.get_object()
            if str(field.get("/T", "")) in names:
                found.add(reference.idnum)
                found.update(kid.idnum for kid in field.get("/Kids", []))
    except (KeyError, TypeError, AttributeError):
        pass
    return found


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, generic.StreamObject) and isinstance(new, generic.StreamObject):
        return bool(old.data == new.data and dict(old) == dict(new))
    return bool(old == new)


def _changed_keys(old: Any, new: Any) -> set[str]:
    keys = set(old.keys()) | set(new.keys())
    return {str(key) for key in keys if old.get(key) != new.get(key)}


def _only_signature_changes(base: PdfFileReader, reader: PdfFileReader, fields: set[str]) -> None:
    """Every object the new update really changes is the signature field's, the filled
    fields', the form's signature flags, the catalog's extensions or the document
    information: pages, contents and annotations stay as they were."""
    allowed = _field_objects(base, fields)
    info = base.trailer_view.get_value_as_reference("/Info", optional=True)
    root = base.trailer_view.get_value_as_reference("/Root")
    revision = reader.total_revisions - 1
    if reader.xrefs.refs_freed_in_revision(revision):
        raise HandoffRefused(said("the update deletes objects of the document"))
    touched = sorted(reader.xrefs.explicit_refs_in_revision(revision), key=lambda r: r.idnum)
    for reference in touched:
        try:
            old = base.get_object(reference)  # type: ignore[no-untyped-call]
        except Exception:  # noqa: BLE001 - not in the handed-out file: a new object
            continue
        if isinstance(old, generic.NullObject):
            continue  # a new object: harmless unless a changed object refers to it
        new = reader.get_object(reference)  # type: ignore[no-untyped-call]
        if _same(old, new):
            continue  # written again as it was (some tools rewrite what they touch)
        if reference.idnum in allowed or (info is not None and reference.idnum == info.idnum):
            continue
        if reference.idnum == root.idnum and isinstance(new, dict):
            changed = _changed_keys(old, new) - _CATALOG_KEYS
            if changed:
                raise HandoffRefused(
                    said(
                        "the update changes the document catalog ({sorted})",
                        sorted=", ".join(sorted(changed)),
                    )
                )
            continue
        if isinstance(old, dict) and old.get("/Fields") is not None and isinstance(new, dict):
            if _changed_keys(old, new) - _FORM_KEYS:
                raise HandoffRefused(
                    said("the update changes the document's form (fields added or removed)")
                )
            continue
        kind = old.get("/Type", "") if isinstance(old, dict) else type(old).__name__
        raise HandoffRefused(
            f"the update changes more than the signature: object {reference.idnum} {kind}".rstrip()
        )


def check_returned(
    returned: bytes, expectation: Expectation, context: Callable[[], ValidationContext]
) -> ReturnedSignature:
    """The new signature, if ``returned`` is acceptable; :class:`HandoffRefused` otherwise."""
    if not returned.startswith(expectation.base):
        raise HandoffRefused(
            said(
                "the file is not built on the revision that was handed out (a different or "
                "changed file)"
            )
        )
    base, reader = _reader(expectation.base), _reader(returned)
    if reader.total_revisions != base.total_revisions + 1:
        added = reader.total_revisions - base.total_revisions
        raise HandoffRefused(
            said(
                "the file adds {added} updates; exactly one (the signature) is allowed", added=added
            )
        )
    before = {signature.field_name for signature in base.embedded_signatures}
    new = [s for s in reader.embedded_signatures if s.field_name not in before]
    if len(new) != 1:
        raise HandoffRefused(
            said("the file adds {count} signatures; exactly one is expected", count=len(new))
        )
    signature = new[0]
    if signature.field_name != expectation.field:
        raise HandoffRefused(
            said(
                "the signature is in the field {field_name!r}, not in {field!r}",
                field_name=signature.field_name,
                field=expectation.field,
            )
        )
    try:
        status = asyncio.run(
            async_validate_pdf_signature(signature, signer_validation_context=context())
        )
    except (SignatureValidationError, ValueError) as exc:
        raise HandoffRefused(said("the signature cannot be validated: {exc}", exc=exc)) from None
    if not (status.intact and status.valid):
        raise HandoffRefused(
            said("the signature is broken: the signed bytes or the signature do not match")
        )
    if not status.trusted:
        raise HandoffRefused(said("the signing certificate does not chain to a trusted authority"))
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        raise HandoffRefused(said("the signature does not cover the whole file"))
    _only_signature_changes(base, reader, {expectation.field, *expectation.filled})
    if expectation.certified_base:
        # What the earlier certification allows is what verifiers will judge: ask pyHanko.
        review = DEFAULT_DIFF_POLICY.review_file(
            reader, base.total_revisions - 1, doc_mdp=MDPPerm.FILL_FORMS
        )
        if isinstance(review, SuspiciousModification):
            raise HandoffRefused(
                said("the update changes more than the signature: {review}", review=review)
            )
        if review.modification_level > ModificationLevel.FORM_FILLING:
            raise HandoffRefused(
                said(
                    "the update changes more than the signature ({lower})",
                    lower=review.modification_level.name.lower(),
                )
            )
    values = field_values(reader)
    for name, wanted in expectation.filled.items():
        if values.get(name, "") != wanted:
            raise HandoffRefused(
                said(
                    "the field {name} holds {get!r}, not the allocated {wanted!r}",
                    name=name,
                    get=values.get(name, ""),
                    wanted=wanted,
                )
            )
    timestamped = status.timestamp_validity is not None and status.timestamp_validity.valid
    moment = (
        status.timestamp_validity.timestamp if timestamped and status.timestamp_validity else None
    )
    moment = moment or status.signer_reported_dt
    if moment is None:
        raise HandoffRefused(said("the signature has neither a timestamp nor a signing time"))
    if not expectation.not_before <= moment <= expectation.not_after:
        raise HandoffRefused(
            said(
                "the signature's time {isoformat} is outside the hand-off's window",
                isoformat=moment.isoformat(),
            )
        )
    return ReturnedSignature(status.signing_cert, moment, timestamped)
