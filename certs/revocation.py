"""Revocation data for the demo PKI: CRLs and OCSP responses, built with ``cryptography``.

Times are whole seconds: RFC 5280/6960 forbid fractional seconds and NSS (poppler's
pdfsig) rejects OCSP responses that carry them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from .builder import PrivateKey
from .demo import RevocationStatus

__all__ = ["OcspResponder", "build_crl"]

_REASONS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key_compromise": x509.ReasonFlags.key_compromise,
    "ca_compromise": x509.ReasonFlags.ca_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
    "certificate_hold": x509.ReasonFlags.certificate_hold,
}
CRL_LIFETIME = timedelta(days=7)
OCSP_LIFETIME = timedelta(days=1)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def build_crl(
    issuer: x509.Certificate,
    issuer_key: PrivateKey,
    revoked: list[tuple[int, datetime, str]],
    number: int,
    *,
    now: datetime | None = None,
) -> bytes:
    """A DER CRL of ``issuer`` listing ``revoked`` (serial, time, reason)."""
    moment = now or _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(moment)
        .next_update(moment + CRL_LIFETIME)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    for serial, revoked_at, reason in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(revoked_at.replace(microsecond=0))
        )
        if reason != "unspecified":  # RFC 5280: omit the reason code rather than "unspecified"
            entry = entry.add_extension(x509.CRLReason(_REASONS[reason]), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


class OcspResponder:
    """A delegated OCSP responder for one issuing CA."""

    def __init__(
        self,
        issuer: x509.Certificate,
        responder_cert: x509.Certificate,
        responder_key: PrivateKey,
        status_of: Callable[[int], RevocationStatus],
    ) -> None:
        self.issuer = issuer
        self.responder_cert = responder_cert
        self.responder_key = responder_key
        self.status_of = status_of
        self._issuer_key_bytes = _subject_public_key(issuer)

    def respond(self, request_der: bytes, *, now: datetime | None = None) -> bytes:
        """The DER OCSPResponse for a DER OCSPRequest (errors are OCSP statuses, too)."""
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        if not self._is_ours(request):
            return _unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
        moment = now or _now()
        state = self.status_of(request.serial_number)
        status = {
            "good": ocsp.OCSPCertStatus.GOOD,
            "revoked": ocsp.OCSPCertStatus.REVOKED,
            "unknown": ocsp.OCSPCertStatus.UNKNOWN,
        }[state.status]
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number,
            algorithm=request.hash_algorithm,
            cert_status=status,
            this_update=moment,
            next_update=moment + OCSP_LIFETIME,
            revocation_time=state.revoked_at.replace(microsecond=0) if state.revoked_at else None,
            revocation_reason=_REASONS[state.reason] if state.status == "revoked" else None,
        )
        builder = builder.responder_id(
            ocsp.OCSPResponderEncoding.HASH, self.responder_cert
        ).certificates([self.responder_cert])
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, critical=False)
        response = builder.sign(self.responder_key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)

    def _is_ours(self, request: ocsp.OCSPRequest) -> bool:
        digest = hashes.Hash(request.hash_algorithm)
        digest.update(self._issuer_key_bytes)
        return digest.finalize() == request.issuer_key_hash


def _subject_public_key(cert: x509.Certificate) -> bytes:
    """The BIT STRING content of the issuer's key: what an OCSP CertID hashes."""
    from asn1crypto import x509 as asn1_x509

    parsed = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    return bytes(parsed.public_key["public_key"].contents[1:])


def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
        serialization.Encoding.DER
    )
