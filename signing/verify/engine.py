"""Verify a signed PDF: every signature (document timestamps included) through pyHanko, with
revocation data always fed in (the file's DSS, plus what the caller holds), our structural
checks around it, and one verdict for the document.

The verdict is strict: a signature passes only if it is intact, cryptographically valid,
trusted, not revoked, covers at least its whole revision, and every change after it is
a permitted one (form filling of prepared fields, further signatures, validation data).
Any exception from the library is a failure, never a pass.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

from certs.trust import TrustStore

from ..errors import UnusablePdfError
from .ades import long_term_findings
from .report import FAILED, DocumentReport, Finding
from .signature import judge_signature, unreadable_signature
from .structure import (
    late_painted_fields,
    revision_ends,
    trailing_data,
    unvalidated_signatures,
)

__all__ = ["MAX_PDF_BYTES", "Roles", "verify_pdf"]

MAX_PDF_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Roles:
    """Whose certificates are whose: the body's e-mails and the known signers' e-mails."""

    organisation_emails: frozenset[str] = frozenset()
    personal_emails: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Revocation:
    crls: tuple[asn1_crl.CertificateList, ...] = ()
    ocsps: tuple[asn1_ocsp.OCSPResponse, ...] = ()
    certs: tuple[asn1_x509.Certificate, ...] = field(default=())


def verify_pdf(
    data: bytes,
    *,
    trust: TrustStore,
    roles: Roles = Roles(),
    crls: Iterable[asn1_crl.CertificateList] = (),
    online: bool = False,
    time_limit: float | None = None,
) -> DocumentReport:
    """The report on ``data``; :class:`UnusablePdfError` when it is not a PDF we can read
    (or, with ``time_limit`` seconds, when reading it takes longer: a hostile file)."""
    with _deadline(time_limit):
        return _verify_bytes(data, trust, roles, tuple(crls), online)


@contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Interrupt the work after ``seconds`` (main thread on Unix; elsewhere no limit)."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise UnusablePdfError(f"verification took longer than {seconds:g} s: refused")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _verify_bytes(
    data: bytes,
    trust: TrustStore,
    roles: Roles,
    crls: tuple[asn1_crl.CertificateList, ...],
    online: bool,
) -> DocumentReport:
    if len(data) > MAX_PDF_BYTES:
        raise UnusablePdfError(f"the file is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB")
    if b"%PDF-" not in data[:1024]:
        raise UnusablePdfError("not a PDF file (no %PDF- header)")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise UnusablePdfError("the PDF is encrypted")
        signatures = list(reader.embedded_signatures)
    except UnusablePdfError:
        raise
    except Exception as exc:
        raise UnusablePdfError(f"the PDF is damaged and cannot be read: {exc!r}") from exc
    try:
        return asyncio.run(_verify(data, reader, signatures, trust, roles, crls, online))
    except RecursionError as exc:  # absurdly deep structures
        raise UnusablePdfError("the PDF is nested too deeply to be read") from exc


async def _verify(
    data: bytes,
    reader: PdfFileReader,
    signatures: list[EmbeddedPdfSignature],
    trust: TrustStore,
    roles: Roles,
    crls: tuple[asn1_crl.CertificateList, ...],
    online: bool,
) -> DocumentReport:
    findings: list[Finding] = []
    try:
        ends = revision_ends(data, reader)
        findings += trailing_data(data, reader)
        findings += unvalidated_signatures(reader, {s.field_name for s in signatures})
        findings += late_painted_fields(reader, [s.signed_revision for s in signatures])
    except Exception as exc:  # noqa: BLE001 - a broken structure is a finding, not a crash
        findings.append(
            Finding(
                FAILED,
                "FORMAT_FAILURE",
                f"Cấu trúc tệp hỏng: {exc}",
                f"The file's structure is broken: {exc}",
            )
        )
        ends = []
    if not signatures and not findings:
        findings.append(
            Finding(
                FAILED,
                "NO_SIGNATURE",
                "Tệp không có chữ ký số nào.",
                "The file carries no digital signature.",
            )
        )
    revocation = _dss(reader)
    reports = []
    has_doc_timestamp = any(s.sig_object.get("/Type") == "/DocTimeStamp" for s in signatures)
    for index, signature in enumerate(signatures):
        later_doc_timestamp = any(
            s.sig_object.get("/Type") == "/DocTimeStamp" for s in signatures[index + 1 :]
        )
        context = trust.validation_context(
            fetching=online,
            revocation="soft-fail",
            crls=[*revocation.crls, *crls],
            ocsps=revocation.ocsps,
            extra_certs=revocation.certs,
            allow_empty=True,
        )
        try:
            report = await judge_signature(
                data,
                reader,
                signature,
                context,
                ends,
                organisation_emails=roles.organisation_emails,
                personal_emails=roles.personal_emails,
                has_dss=bool(revocation.crls or revocation.ocsps),
                archived=later_doc_timestamp and has_doc_timestamp,
                revinfo_available=bool(revocation.crls or revocation.ocsps or crls or online),
            )
            if report.level == "PAdES-B-LTA" and trust.anchors:
                extra = await long_term_findings(signature, trust)
                if extra:
                    report = replace(report, findings=(*report.findings, *extra))
        except Exception as exc:  # noqa: BLE001 - never a traceback, never a pass
            report = unreadable_signature(signature.field_name, exc)
        finally:
            await context.aclose()  # type: ignore[no-untyped-call]
        reports.append(report)
    sha256 = hashlib.sha256(data).hexdigest()
    return DocumentReport(sha256, len(data), tuple(reports), tuple(findings))


def _dss(reader: PdfFileReader) -> _Revocation:
    """The validation data the file carries (its Document Security Store), if any."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        return _Revocation(tuple(_crls_of(dss)), tuple(_ocsps_of(dss)), tuple(dss.load_certs()))
    except Exception:  # noqa: BLE001 - an unreadable DSS is as good as none
        return _Revocation()


def _crls_of(dss: DocumentSecurityStore) -> list[asn1_crl.CertificateList]:
    return [
        asn1_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL))
        for ref in dss.crls
    ]


def _ocsps_of(dss: DocumentSecurityStore) -> list[asn1_ocsp.OCSPResponse]:
    return [
        asn1_ocsp.OCSPResponse.load(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE))
        for ref in dss.ocsps
    ]
