"""Verify a signed PDF: every signature (document timestamps included) through pyHanko, with
revocation data always fed in (the file's DSS, the signatures' own, plus what the caller
holds), our structural checks around it, and one verdict for the document.

The verdict is strict: a signature passes only if it is intact, cryptographically valid,
trusted, not revoked, covers at least its whole revision, and every change after it is
a permitted one (policy.py). A library failure inside one signature fails that signature;
a failure of one of our checks is reported as such (INDETERMINATE), never as another
signature's fault; a time limit ends the whole verification as INDETERMINATE.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TypeVar

from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader

from basics.said import said
from certs.trust import TrustStore

from ..errors import UnusablePdfError
from ..inspect import field_values
from .ades import long_term_findings
from .collect import Collected, collect_signatures
from .deadline import Deadline, VerificationTimeout, deadline
from .failures import describe
from .overlay import later_overlays
from .policy import WorkflowPolicy
from .reader import VerifyingReader
from .report import (
    FAILED,
    INDETERMINATE,
    PASSED,
    DocumentReport,
    Finding,
    Overlay,
    SignatureReport,
)
from .revisions import Revisions, read_revisions
from .revocation import RevocationMaterial, from_dss, from_signature, ocsps_about
from .signature import Judging, broken_signature, internal_error, judge_signature
from .structure import late_painted_fields, removed_signatures, trailing_data

__all__ = ["MAX_PDF_BYTES", "Roles", "verify_pdf"]

MAX_PDF_BYTES = 50 * 1024 * 1024
_T = TypeVar("_T")
_NUL_TAIL = b"\x00"


@dataclass(frozen=True)
class Roles:
    """Whose certificates are whose: the body's e-mails and the known signers' e-mails."""

    organisation_emails: frozenset[str] = frozenset()
    personal_emails: frozenset[str] = frozenset()


def verify_pdf(
    data: bytes,
    *,
    trust: TrustStore,
    roles: Roles = Roles(),
    crls: Iterable[asn1_crl.CertificateList] = (),
    online: bool = False,
    time_limit: float | None = None,
) -> DocumentReport:
    """The report on ``data``; :class:`UnusablePdfError` when it is not a PDF we can read.
    Past ``time_limit`` seconds the report is INDETERMINATE: the file took too long."""
    try:
        with deadline(time_limit) as limit:
            return _verify_bytes(data, trust, roles, tuple(crls), online, limit)
    except VerificationTimeout as timeout:
        return _timed_out(data, timeout.seconds)


def _timed_out(data: bytes, seconds: float) -> DocumentReport:
    return DocumentReport(
        hashlib.sha256(data).hexdigest(),
        len(data),
        (),
        (
            Finding(
                INDETERMINATE,
                None,
                said(
                    "Verification took longer than {seconds:g} s and was stopped: no conclusion; "
                    "try again later.",
                    seconds=seconds,
                ),
            ),
        ),
    )


def _open(data: bytes) -> PdfFileReader:
    """pyHanko's reader on ``data``; NUL padding after %%EOF (block-padded storage) longer
    than the reader looks at is cut, the offsets before it being unchanged."""
    try:
        reader = _reader(data)
    except UnusablePdfError:
        trimmed = data.rstrip(_NUL_TAIL)
        if len(trimmed) == len(data):
            raise
        reader = _reader(trimmed)
    try:
        encrypted = reader.encrypted
    except Exception as exc:  # a damaged /Encrypt dictionary
        raise UnusablePdfError(
            said("the PDF's encryption cannot be read: {describe}", describe=describe(exc))
        ) from exc
    if encrypted:
        _decrypt(reader)
    return reader


def _reader(data: bytes) -> PdfFileReader:
    try:
        return VerifyingReader(io.BytesIO(data), strict=False)
    except RecursionError as exc:
        raise UnusablePdfError(said("the PDF is nested too deeply to be read")) from exc
    except Exception as exc:  # any reader failure means an unreadable file
        raise UnusablePdfError(
            said("the PDF is damaged and cannot be read: {describe}", describe=describe(exc))
        ) from exc


def _decrypt(reader: PdfFileReader) -> None:
    """Signed files may be encrypted with an empty user password (opening needs none)."""
    try:
        result = reader.decrypt("")
        opened = getattr(result, "status", None) is not None and result.status.name != "FAILED"
    except Exception:  # noqa: BLE001 - any failure to open means a password is needed
        opened = False
    if not opened:
        raise UnusablePdfError(said("the PDF is encrypted with a password; it cannot be verified"))


def _verify_bytes(
    data: bytes,
    trust: TrustStore,
    roles: Roles,
    crls: tuple[asn1_crl.CertificateList, ...],
    online: bool,
    limit: Deadline,
) -> DocumentReport:
    if len(data) > MAX_PDF_BYTES:
        raise UnusablePdfError(
            said("the file is larger than {value} MB", value=MAX_PDF_BYTES // (1024 * 1024))
        )
    if b"%PDF-" not in data[:1024]:
        raise UnusablePdfError(said("not a PDF file (no %PDF- header)"))
    reader = _open(data)
    findings: list[Finding] = []
    collected = _check(findings, "signatures", lambda: collect_signatures(reader))
    if collected is None:
        collected = Collected((), ())
    revisions = _check(findings, "revisions", lambda: read_revisions(data, reader))
    if revisions is None:
        revisions = Revisions(0, frozenset(), len(data))
    signed = [s.signed_revision for s in collected.signatures]
    for name, check in (
        ("trailing-data", lambda: trailing_data(data, revisions)),
        ("removed-signatures", lambda: removed_signatures(reader, collected.names)),
        ("late-fields", lambda: late_painted_fields(reader, min(signed, default=None))),
    ):
        findings += _check(findings, name, check) or []
    if not collected.signatures and not collected.broken and not findings:
        findings.append(
            Finding(
                FAILED,
                "NO_SIGNATURE",
                said("The file carries no digital signature."),
            )
        )
    reports = asyncio.run(
        _judge_all(data, reader, revisions, collected, trust, roles, crls, online, limit)
    )
    reports += [broken_signature(b.field, b.why) for b in collected.broken]
    overlays: tuple[Overlay, ...] = ()
    found = _check(findings, "overlays", lambda: later_overlays(data, reader, collected.signatures))
    if found:
        overlays = found
        findings += [_overlay_finding(overlay) for overlay in overlays]
    form_values = tuple(field_values(reader).items())
    limit.check()  # also when the time ran out while the form was read
    sha256 = hashlib.sha256(data).hexdigest()
    return DocumentReport(
        sha256,
        len(data),
        tuple(reports),
        tuple(findings),
        overlays=overlays,
        form_values=form_values,
    )


def _check(findings: list[Finding], name: str, run: Callable[[], _T]) -> _T | None:
    """One check of ours; if it breaks, say so (INDETERMINATE) and go on with the others."""
    try:
        return run()
    except (VerificationTimeout, UnusablePdfError):
        raise
    except RecursionError:
        raise UnusablePdfError(said("the PDF is nested too deeply to be read")) from None
    except Exception as exc:  # noqa: BLE001 - an internal error is a finding of its own
        findings.append(
            Finding(
                INDETERMINATE,
                None,
                said(
                    "The check '{name}' of the file could not be completed: {describe}.",
                    name=name,
                    describe=describe(exc),
                ),
            )
        )
        return None


async def _judge_all(
    data: bytes,
    reader: PdfFileReader,
    revisions: Revisions,
    collected: Collected,
    trust: TrustStore,
    roles: Roles,
    crls: tuple[asn1_crl.CertificateList, ...],
    online: bool,
    limit: Deadline,
) -> list[SignatureReport]:
    dss = from_dss(reader)
    material = dss + RevocationMaterial(crls)
    for signature in collected.signatures:
        material += from_signature(signature.signed_data)
    judging = Judging(
        data=data,
        reader=reader,
        revisions=revisions,
        policy=WorkflowPolicy(),
        organisation_emails=roles.organisation_emails,
        personal_emails=roles.personal_emails,
        has_dss=bool(dss),
        online=online,
        timestamp_revisions=frozenset(
            s.signed_revision
            for s in collected.signatures
            if s.sig_object.get("/Type") == "/DocTimeStamp"
        ),
    )
    held = tuple(cert for cert in material.certs if _readable(cert))
    cas = tuple(cert for cert in held if cert.ca)
    reports = []
    for signature in collected.signatures:
        context = None
        try:
            own = _certificates(signature.signed_data)
            context = trust.validation_context(
                fetching=online,
                revocation="soft-fail",
                crls=material.crls,
                ocsps=ocsps_about(material.ocsps, (*own, *cas, *trust.intermediates)),
                extra_certs=(*held, *own),
                allow_empty=True,
                retroactive=True,
            )
            report = await judge_signature(judging, signature, context)
            if report.level == "PAdES-B-LTA" and trust.anchors:
                extra = await long_term_findings(signature, trust)
                if extra:
                    report = replace(report, findings=(*report.findings, *extra))
        except Exception as exc:  # noqa: BLE001 - our own failure, not the signature's
            report = internal_error(signature.field_name, exc)
        finally:
            if context is not None:
                await context.aclose()  # type: ignore[no-untyped-call]
        limit.check()
        reports.append(report)
    return reports


def _certificates(signed_data: cms.SignedData) -> tuple[asn1_x509.Certificate, ...]:
    """The certificates a signature carries, its signature timestamp's included."""
    found: list[asn1_x509.Certificate] = []
    try:
        found += [c.chosen for c in signed_data["certificates"] or () if c.name == "certificate"]
        for info in signed_data["signer_infos"]:
            for attribute in info["unsigned_attrs"] or ():
                if attribute["type"].native != "signature_time_stamp_token":
                    continue
                for token in attribute["values"]:
                    certificates = token["content"]["certificates"] or ()
                    found += [c.chosen for c in certificates if c.name == "certificate"]
    except Exception:  # noqa: BLE001 - unreadable parts carry no certificate
        pass
    return tuple(cert for cert in found if _readable(cert))


def _readable(cert: asn1_x509.Certificate) -> bool:
    """A certificate whose names and key parse (a damaged one would break path building)."""
    der = cert.dump()
    # Remembered by DER: an office's notices carry the same few certificates, and folding
    # their names (stringprep) costs ~10 ms each. Only certificates of a sane size are kept.
    return _remembered_readable(der) if len(der) <= 16 * 1024 else _readable_der(der)


def _readable_der(der: bytes) -> bool:
    try:
        cert = asn1_x509.Certificate.load(der)
        cert.subject.hashable  # noqa: B018
        cert.issuer.hashable  # noqa: B018
        cert.public_key.native  # noqa: B018
        return cert.serial_number is not None
    except Exception:  # noqa: BLE001 - damaged: leave it out
        return False


_remembered_readable = lru_cache(maxsize=512)(_readable_der)


def _overlay_finding(overlay: Overlay) -> Finding:
    under = ", ".join(overlay.over) or "—"
    return Finding(
        PASSED,
        None,
        said(
            "The appearance of {field} (added later) lies over content signed by {under} on page "
            "{page}; look at that page.",
            field=overlay.field,
            under=under,
            page=overlay.page,
        ),
    )
