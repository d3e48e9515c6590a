"""One signature (or document timestamp) judged: pyHanko's status turned into our report."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis.policy_api import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import (
    EmbeddedPdfSignature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from certs.identity import identity_of, role_of

from ..text import iso_vietnam
from .report import (
    FAILED,
    INDETERMINATE,
    PASSED,
    Finding,
    Indication,
    SignatureReport,
    Signer,
    TimestampInfo,
)
from .structure import signature_structure

__all__ = ["judge_signature", "unreadable_signature"]

LOCAL_TIME_QUIRK = timedelta(hours=7)
_COVERAGE = {
    SignatureCoverageLevel.ENTIRE_FILE: "entire_file",
    SignatureCoverageLevel.ENTIRE_REVISION: "entire_revision",
}
_MODIFICATIONS = {
    ModificationLevel.NONE: "none",
    ModificationLevel.LTA_UPDATES: "lta_updates",
    ModificationLevel.FORM_FILLING: "form_filling",
}


def _signer(cert: Any) -> Signer | None:
    if cert is None:
        return None
    parsed = x509.load_der_x509_certificate(cert.dump())
    identity = identity_of(parsed)
    email = identity.emails[0] if identity.emails else ""
    return Signer(identity.name, email, identity.organisation, identity.sha256)


def _name(cert: Any) -> str:
    found = _signer(cert)
    return found.name if found else ""


def _failure(kind: str, vi: str, en: str, indication: Indication = FAILED) -> Finding:
    return Finding(indication, kind, vi, en)


async def judge_signature(
    data: bytes,
    reader: PdfFileReader,
    signature: EmbeddedPdfSignature,
    context: ValidationContext,
    ends: list[int],
    *,
    organisation_emails: frozenset[str],
    personal_emails: frozenset[str],
    has_dss: bool,
    archived: bool,
    revinfo_available: bool,
) -> SignatureReport:
    """Validate one signature; every problem becomes a finding, never an exception."""
    name = signature.field_name
    is_timestamp = signature.sig_object.get("/Type") == "/DocTimeStamp"
    findings = signature_structure(data, reader, signature, ends)
    try:
        if is_timestamp:
            status: Any = await async_validate_pdf_timestamp(signature, context)
        else:
            status = await async_validate_pdf_signature(signature, context)
    except Exception as exc:  # noqa: BLE001 - any library failure is a failed signature
        return unreadable_signature(name, exc, findings, "timestamp" if is_timestamp else "unknown")
    signer = _signer(status.signing_cert)
    if is_timestamp:
        role = "timestamp"
    elif signer is None:
        role = "unknown"
    else:
        role = role_of(
            identity_of(x509.load_der_x509_certificate(status.signing_cert.dump())),
            organisation_emails=organisation_emails,
            personal_emails=personal_emails,
        )
    coverage = _COVERAGE.get(status.coverage, "partial")
    modifications = _MODIFICATIONS.get(status.modification_level, "other")
    findings += _verdicts(name, status, coverage, modifications)
    timestamp_info, signing_time = None, None
    if is_timestamp:
        signing_time = iso_vietnam(status.timestamp)
    else:
        reported = status.signer_reported_dt
        token = status.timestamp_validity
        if token is not None:
            timestamp_info = TimestampInfo(
                time=iso_vietnam(token.timestamp),
                tsa=_name(token.signing_cert),
                valid=bool(token.intact and token.valid and token.trusted),
            )
            if not timestamp_info.valid:
                findings.append(
                    _failure(
                        "TIMESTAMP_FAILURE" if token.intact else "HASH_FAILURE",
                        f"Dấu thời gian của chữ ký {name} không hợp lệ hoặc không tin cậy được.",
                        f"The timestamp of {name} is not valid or not trusted.",
                        INDETERMINATE,
                    )
                )
            findings += _local_time_quirk(name, reported, token.timestamp)
        signing_time = iso_vietnam(reported) if reported else None
    level = _level(is_timestamp, status, has_dss, archived)
    if getattr(status, "revoked", False):
        revocation = "revoked"
    else:
        revocation = "good" if status.trusted and revinfo_available else "unknown"
    if revocation == "unknown" and status.trusted:
        findings.append(
            _failure(
                "TRY_LATER",
                f"Chữ ký {name}: chưa có thông tin thu hồi chứng thư (OCSP/CRL) để kết luận; "
                "hãy kiểm tra trực tuyến.",
                f"{name}: no revocation data (OCSP/CRL) to conclude with; verify online.",
                INDETERMINATE,
            )
        )
    return SignatureReport(
        field=name,
        role=role,
        signer=signer,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        revocation=revocation,
        signing_time=signing_time,
        timestamp=timestamp_info,
        coverage=coverage,
        modifications=modifications,
        level=level,
        findings=tuple(findings),
    )


def unreadable_signature(
    name: str, error: Exception, findings: list[Finding] | None = None, role: str = "unknown"
) -> SignatureReport:
    """The report on a signature that could not be validated at all: failed."""
    failure = _failure(
        "FORMAT_FAILURE",
        f"Chữ ký {name} không kiểm tra được: {error!r}",
        f"{name} could not be validated: {error!r}",
    )
    return SignatureReport(
        field=name,
        role=role,
        signer=None,
        intact=False,
        valid=False,
        trusted=False,
        revocation="unknown",
        signing_time=None,
        timestamp=None,
        coverage="partial",
        modifications="other",
        level="unknown",
        findings=(*(findings or []), failure),
    )


def _verdicts(name: str, status: Any, coverage: str, modifications: str) -> list[Finding]:
    if not status.intact:
        return [
            _failure(
                "HASH_FAILURE",
                f"Chữ ký {name}: nội dung đã bị sửa sau khi ký.",
                f"{name}: the signed content has been altered.",
            )
        ]
    if not status.valid:
        return [
            _failure(
                "SIG_CRYPTO_FAILURE",
                f"Chữ ký {name}: giá trị chữ ký không đúng.",
                f"{name}: the cryptographic signature is wrong.",
            )
        ]
    found = []
    if getattr(status, "revoked", False):
        found.append(
            _failure(
                "REVOKED",
                f"Chứng thư của chữ ký {name} đã bị thu hồi.",
                f"The certificate of {name} is revoked.",
            )
        )
    elif not status.trusted:
        # pyHanko's own AdES sub-indication when it has one (expired, no chain, …).
        problem = getattr(status, "trust_problem_indic", None)
        kind = getattr(problem, "standard_name", None) or "NO_CERTIFICATE_CHAIN_FOUND"
        found.append(
            _failure(
                kind,
                f"Chữ ký {name}: chứng thư không được tin cậy ({kind}).",
                f"{name}: the certificate is not trusted ({kind}).",
                INDETERMINATE,
            )
        )
    if coverage == "partial":
        found.append(
            _failure(
                "FORMAT_FAILURE",
                f"Chữ ký {name} không bao trùm toàn bộ phiên bản của nó.",
                f"{name} does not cover its whole revision.",
            )
        )
    docmdp_ok = getattr(status, "docmdp_ok", True)
    if modifications == "other" or docmdp_ok is False:
        reason = getattr(status, "diff_result", None)
        detail = (
            f" ({reason})"
            if reason is not None and not hasattr(reason, "changed_form_fields")
            else ""
        )
        found.append(
            _failure(
                "FORMAT_FAILURE",
                f"Sau chữ ký {name}, tệp đã bị thay đổi ngoài những gì được phép{detail}.",
                f"After {name}, the file was changed beyond what is permitted{detail}.",
            )
        )
    if not found:
        found.append(Finding(PASSED, None, f"Chữ ký {name} hợp lệ.", f"{name} is valid."))
    return found


def _local_time_quirk(name: str, reported: datetime | None, stamped: datetime) -> list[Finding]:
    """Some Vietnamese signing tools write local time labelled as UTC: 7 hours ahead."""
    if reported is None:
        return []
    ahead = reported - stamped
    if abs(ahead - LOCAL_TIME_QUIRK) <= timedelta(minutes=10):
        return [
            Finding(
                PASSED,
                None,
                f"Chữ ký {name}: phần mềm ký ghi giờ địa phương (UTC+7) như giờ UTC; "
                "thời điểm đúng là thời điểm của dấu thời gian.",
                f"{name}: the signing tool wrote local time (UTC+7) labelled as UTC; the "
                "timestamp's time is the trustworthy one.",
            )
        ]
    return []


def _level(is_timestamp: bool, status: Any, has_dss: bool, archived: bool) -> str:
    if is_timestamp:
        return "document-timestamp"
    if status.timestamp_validity is None:
        return "PAdES-B-B"
    if not has_dss:
        return "PAdES-B-T"
    return "PAdES-B-LTA" if archived else "PAdES-B-LT"
