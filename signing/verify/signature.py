"""One signature (or document timestamp) judged: pyHanko's status turned into our report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis.policy_api import DiffPolicy, ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import (
    EmbeddedPdfSignature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from basics.said import Said, said
from basics.text import iso_vietnam
from certs.identity import identity_of, role_of

from .failures import describe
from .report import (
    FAILED,
    INDETERMINATE,
    PASSED,
    Coverage,
    Finding,
    Indication,
    Level,
    Modifications,
    Revocation,
    SignatureReport,
    SignatureRole,
    Signer,
    TimestampInfo,
)
from .revisions import Revisions
from .revocation import fetch_points, held_for
from .structure import signature_structure

__all__ = ["Judging", "broken_signature", "internal_error", "judge_signature"]

LOCAL_TIME_QUIRK = timedelta(hours=7)
_COVERAGE: dict[SignatureCoverageLevel, Coverage] = {
    SignatureCoverageLevel.ENTIRE_FILE: "entire_file",
    SignatureCoverageLevel.ENTIRE_REVISION: "entire_revision",
}
_MODIFICATIONS: dict[ModificationLevel, Modifications] = {
    ModificationLevel.NONE: "none",
    ModificationLevel.LTA_UPDATES: "lta_updates",
    ModificationLevel.FORM_FILLING: "form_filling",
}
_WEAK_DIGESTS = frozenset({"md5", "sha1"})


@dataclass(frozen=True)
class Judging:
    """What every signature of one file is judged with."""

    data: bytes
    reader: PdfFileReader
    revisions: Revisions
    policy: DiffPolicy
    organisation_emails: frozenset[str]
    personal_emails: frozenset[str]
    has_dss: bool
    online: bool
    timestamp_revisions: frozenset[int]  # where the file's document timestamps were signed


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


def _failure(kind: str | None, message: Said, indication: Indication = FAILED) -> Finding:
    return Finding(indication, kind, message)


async def judge_signature(
    judging: Judging, signature: EmbeddedPdfSignature, context: ValidationContext
) -> SignatureReport:
    """Validate one signature; every problem becomes a finding, never an exception."""
    name = signature.field_name
    is_timestamp = signature.sig_object.get("/Type") == "/DocTimeStamp"
    findings = signature_structure(judging.data, judging.reader, signature, judging.revisions)
    role: SignatureRole
    try:
        if is_timestamp:
            status: Any = await async_validate_pdf_timestamp(
                signature, context, diff_policy=judging.policy
            )
        else:
            status = await async_validate_pdf_signature(
                signature, context, diff_policy=judging.policy
            )
    except Exception as exc:  # noqa: BLE001 - any library failure is a failed signature
        return _unvalidated(
            name, exc, findings, "timestamp" if is_timestamp else "unknown", signature
        )
    signer = _signer(status.signing_cert)
    if is_timestamp:
        role = "timestamp"
    elif signer is None:
        role = "unknown"
    else:
        role = role_of(
            identity_of(x509.load_der_x509_certificate(status.signing_cert.dump())),
            organisation_emails=judging.organisation_emails,
            personal_emails=judging.personal_emails,
        )
    coverage = _COVERAGE.get(status.coverage, "partial")
    modifications = _MODIFICATIONS.get(status.modification_level, "other")
    revoked_later = _revoked_after_timestamp(status)
    findings += _verdicts(name, signature, status, coverage, modifications, revoked_later)
    timestamp_info, signing_time, claimed = None, None, None
    if is_timestamp:
        signing_time = iso_vietnam(status.timestamp)
    else:
        reported = status.signer_reported_dt
        signing_time = iso_vietnam(reported) if reported else None
        token = status.timestamp_validity
        if token is not None:
            timestamp_info = TimestampInfo(
                time=iso_vietnam(token.timestamp),
                tsa=_name(token.signing_cert),
                valid=bool(token.intact and token.valid and token.trusted),
            )
            if not timestamp_info.valid:
                findings.append(_timestamp_failure(name, token, timestamp_info.tsa))
            elif _local_time_quirk(reported, token.timestamp):
                findings.append(_quirk_explained(name))
                signing_time, claimed = timestamp_info.time, signing_time
    level = _level(is_timestamp, status, judging.has_dss, _archived(judging, signature))
    revocation = _revocation(status, context)
    if revocation == "unknown" and status.trusted:
        findings.append(_try_later(name, status.signing_cert, judging.online))
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
        claimed_signing_time=claimed,
    )


def broken_signature(name: str, why: Said) -> SignatureReport:
    """The report on a signature that is broken beyond validation: failed, with why."""
    return _report_without_status(
        name,
        "unknown",
        [_failure("FORMAT_FAILURE", said("{name} is broken: {why}.", name=name, why=why))],
    )


def internal_error(name: str, error: Exception) -> SignatureReport:
    """Our own failure while judging ``name``: no conclusion, and the reason."""
    detail = describe(error)
    return _report_without_status(
        name,
        "unknown",
        [
            _failure(
                None,
                said(
                    "{name}: an internal error stopped the check; no conclusion ({detail}).",
                    name=name,
                    detail=detail,
                ),
                INDETERMINATE,
            )
        ],
    )


def _unvalidated(
    name: str,
    error: Exception,
    findings: list[Finding],
    role: SignatureRole,
    signature: EmbeddedPdfSignature,
) -> SignatureReport:
    """pyHanko gave up on the signature: its AdES verdict when it named one, else broken."""
    sub = getattr(error, "ades_subindication", None)
    detail = describe(error)
    mismatch = _algorithm_mismatch(signature)
    if mismatch is not None:
        named, key = mismatch
        finding = _failure(
            "SIG_CRYPTO_FAILURE",
            said(
                "{name}: the algorithm the signature names ({named}) does not fit the signer's "
                "key ({key}); the signing tool made a wrong signature.",
                name=name,
                named=named,
                key=key,
            ),
        )
    elif sub is not None and getattr(sub, "standard_name", None):
        indication: Indication = FAILED if sub.status.name == "FAILED" else INDETERMINATE
        meaning = _SUBINDICATION_TEXT.get(
            sub.standard_name, said("the signature cannot be validated")
        )
        finding = _failure(
            sub.standard_name,
            said("{name}: {meaning} ({detail}).", name=name, meaning=meaning, detail=detail),
            indication,
        )
    else:
        finding = _failure(
            "FORMAT_FAILURE",
            said("{name} could not be validated: {detail}.", name=name, detail=detail),
        )
    return _report_without_status(name, role, [*findings, finding])


_KEY_OF_ALGORITHM = {
    "rsassa_pkcs1v15": "rsa",
    "rsassa_pss": "rsa",
    "ecdsa": "ec",
    "dsa": "dsa",
    "ed25519": "ed25519",
    "ed448": "ed448",
}


def _algorithm_mismatch(signature: EmbeddedPdfSignature) -> tuple[str, str] | None:
    """(algorithm named, key type) when the SignerInfo names an algorithm of another kind of
    key than the signer's certificate holds (endesive labels ECDSA signatures as RSA)."""
    try:
        info = signature.signer_info
        named = info["signature_algorithm"].signature_algo
        sid = info["sid"].chosen
        for choice in signature.signed_data["certificates"] or ():
            cert = choice.chosen
            if (
                isinstance(sid, cms.IssuerAndSerialNumber)
                and cert.serial_number == sid["serial_number"].native
                and cert.issuer == sid["issuer"]
            ) or (
                not isinstance(sid, cms.IssuerAndSerialNumber) and cert.key_identifier == sid.native
            ):
                key = cert.public_key.algorithm
                expected = _KEY_OF_ALGORITHM.get(named)
                return (named, key) if expected not in (None, key) else None
    except Exception:  # noqa: BLE001 - nothing to say when it cannot be read
        return None
    return None


def _report_without_status(
    name: str, role: SignatureRole, findings: list[Finding]
) -> SignatureReport:
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
        findings=tuple(findings),
    )


_SUBINDICATION_TEXT: dict[str, Said] = {
    "NO_SIGNING_CERTIFICATE_FOUND": said(
        "the signature does not identify its signer's certificate among those it carries "
        "(the signing tool may have mis-encoded the issuer's name)"
    ),
    "NO_CERTIFICATE_CHAIN_FOUND": said("no certificate chain to a trusted root could be built"),
    "CHAIN_CONSTRAINTS_FAILURE": said(
        "the certificate chain does not meet its constraints (key usage, validity, policies)"
    ),
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": said("the certificate chain is not valid"),
    "CRYPTO_CONSTRAINTS_FAILURE": said(
        "the signature uses an algorithm that is no longer accepted"
    ),
    "EXPIRED": said("the certificate has expired"),
    "NOT_YET_VALID": said("the certificate is not yet valid"),
    "OUT_OF_BOUNDS_NO_POE": said(
        "the certificate was outside its validity when checked, with no proof of the signing time"
    ),
    "SIG_CRYPTO_FAILURE": said("the cryptographic signature is wrong"),
    "HASH_FAILURE": said("the signed content has been altered"),
    "SIG_CONSTRAINTS_FAILURE": said("the signature does not meet its constraints"),
}


def _revoked_after_timestamp(status: Any) -> Finding | None:
    """ETSI's past signature validation: a certificate revoked after a trusted timestamp
    proved the signature's existence does not undo the signature."""
    details = getattr(status, "revocation_details", None)
    token = getattr(status, "timestamp_validity", None)
    if details is None or token is None or not (token.intact and token.valid and token.trusted):
        return None
    if details.revocation_date <= token.timestamp:
        return None
    whose = said("An issuing CA's certificate") if details.ca_revoked else said("The certificate")
    revoked, stamped = iso_vietnam(details.revocation_date), iso_vietnam(token.timestamp)
    return Finding(
        PASSED,
        None,
        said(
            "{whose} was revoked on {revoked}, after the timestamp proved the signature "
            "existed on {stamped}: the signature stands.",
            whose=whose,
            revoked=revoked,
            stamped=stamped,
        ),
    )


def _verdicts(
    name: str,
    signature: EmbeddedPdfSignature,
    status: Any,
    coverage: str,
    modifications: str,
    revoked_later: Finding | None,
) -> list[Finding]:
    if not status.intact:
        return [_failure("HASH_FAILURE", _text("HASH_FAILURE", name))]
    if not status.valid:
        digest = str(getattr(status, "md_algorithm", "") or "").lower()
        if digest in _WEAK_DIGESTS:
            return [_weak_digest(name, digest)]
        return [_failure("SIG_CRYPTO_FAILURE", _text("SIG_CRYPTO_FAILURE", name))]
    found = []
    if revoked_later is not None:
        found.append(revoked_later)
    elif getattr(status, "revoked", False):
        found.append(
            _failure(
                "REVOKED",
                said("The certificate of {name} is revoked.", name=name),
            )
        )
    elif not status.trusted:
        found.append(_trust_finding(name, signature, status))
    if coverage == "partial":
        found.append(
            _failure(
                "FORMAT_FAILURE",
                said("{name} does not cover its whole revision.", name=name),
            )
        )
    docmdp_ok = getattr(status, "docmdp_ok", True)
    if modifications == "other" or docmdp_ok is False:
        reason = getattr(status, "diff_result", None)
        detail = (
            f" ({describe(reason)})"
            if isinstance(reason, Exception)
            else " (DocMDP)"
            if docmdp_ok is False
            else ""
        )
        found.append(
            _failure(
                "FORMAT_FAILURE",
                said(
                    "After {name}, the file was changed beyond what is permitted{detail}.",
                    name=name,
                    detail=detail,
                ),
            )
        )
    if all(finding.indication == PASSED for finding in found):
        found.append(Finding(PASSED, None, said("{name} is valid.", name=name)))
    return found


def _text(sub: str, name: str) -> Said:
    return said("{name}: {meaning}.", name=name, meaning=_SUBINDICATION_TEXT[sub])


def _weak_digest(name: str, digest: str) -> Finding:
    label = digest.upper().replace("SHA1", "SHA-1")
    return _failure(
        "CRYPTO_CONSTRAINTS_FAILURE",
        said(
            "{name} was made with {label}, a hash no longer considered safe.",
            name=name,
            label=label,
        ),
        INDETERMINATE,
    )


def _trust_finding(name: str, signature: EmbeddedPdfSignature, status: Any) -> Finding:
    problem = getattr(status, "trust_problem_indic", None)
    sub = getattr(problem, "standard_name", None) or "NO_CERTIFICATE_CHAIN_FOUND"
    digest = str(getattr(status, "md_algorithm", "") or "").lower()
    if sub == "CRYPTO_CONSTRAINTS_FAILURE" and digest in _WEAK_DIGESTS:
        return _weak_digest(name, digest)
    meaning = _SUBINDICATION_TEXT.get(sub, said("the certificate is not trusted"))
    if sub == "NO_CERTIFICATE_CHAIN_FOUND" and _carries_only_the_leaf(signature):
        meaning = said(
            "{meaning}; the signature carries only the signer's certificate and the issuing "
            "CA's certificate is not held in the trust store",
            meaning=meaning,
        )
    return _failure(sub, said("{name}: {meaning}.", name=name, meaning=meaning), INDETERMINATE)


def _carries_only_the_leaf(signature: EmbeddedPdfSignature) -> bool:
    try:
        return len(signature.signed_data["certificates"] or ()) <= 1
    except Exception:  # noqa: BLE001
        return False


def _timestamp_failure(name: str, token: Any, tsa: str) -> Finding:
    if not token.intact:
        return _failure(
            "HASH_FAILURE",
            said(
                "The timestamp of {name} was not made for this signature: its message imprint "
                "does not match the signature value (copied from another signature?).",
                name=name,
            ),
        )
    if not token.valid:
        return _failure(
            "SIG_CRYPTO_FAILURE",
            said(
                "The timestamp of {name}: the timestamp authority's signature is wrong.", name=name
            ),
        )
    problem = getattr(token, "trust_problem_indic", None)
    sub = getattr(problem, "standard_name", None) or "NO_CERTIFICATE_CHAIN_FOUND"
    who = f" «{tsa}»" if tsa else ""
    return _failure(
        sub,
        said(
            "The timestamp of {name}: the timestamp authority{who} is not trusted ({sub}); its "
            "root is not among the trust anchors.",
            name=name,
            who=who,
            sub=sub,
        ),
        INDETERMINATE,
    )


def _local_time_quirk(reported: datetime | None, stamped: datetime) -> bool:
    """Some Vietnamese signing tools write local time labelled as UTC: 7 hours ahead."""
    if reported is None:
        return False
    return abs(reported - stamped - LOCAL_TIME_QUIRK) <= timedelta(minutes=10)


def _quirk_explained(name: str) -> Finding:
    return Finding(
        PASSED,
        None,
        said(
            "{name}: the signing tool wrote local time (UTC+7) labelled as UTC; the signing time "
            "shown is the timestamp's.",
            name=name,
        ),
    )


def _revocation(status: Any, context: ValidationContext) -> Revocation:
    if getattr(status, "revoked", False):
        return "revoked"  # after the signature too: the field tells the status, not the verdict
    cert = status.signing_cert
    if not status.trusted or cert is None:
        return "unknown"
    return "good" if held_for(cert, context.crls, context.ocsps) else "unknown"


def _try_later(name: str, cert: asn1_x509.Certificate, online: bool) -> Finding:
    points = ", ".join(fetch_points(cert)) or "—"
    if online:
        return _failure(
            "TRY_LATER",
            said(
                "{name}: no revocation data (OCSP/CRL) could be fetched from {points}.",
                name=name,
                points=points,
            ),
            INDETERMINATE,
        )
    return _failure(
        "TRY_LATER",
        said(
            "{name}: neither the file nor this system holds revocation data (OCSP/CRL) for the "
            "signer's certificate; verifying online (--online) would ask {points}.",
            name=name,
            points=points,
        ),
        INDETERMINATE,
    )


def _archived(judging: Judging, signature: EmbeddedPdfSignature) -> bool:
    """A document timestamp follows this signature."""
    return any(revision > signature.signed_revision for revision in judging.timestamp_revisions)


def _level(is_timestamp: bool, status: Any, has_dss: bool, archived: bool) -> Level:
    if is_timestamp:
        return "document-timestamp"
    if status.timestamp_validity is None:
        return "PAdES-B-B"
    if not has_dss:
        return "PAdES-B-T"
    return "PAdES-B-LTA" if archived and has_dss else "PAdES-B-LT"
