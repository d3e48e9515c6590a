"""When a signed PDF's certificates expire: the signers', the office's and the timestamp
authorities', and the authority of its last document timestamp (whose expiry tells when
an archive copy needs a fresh one)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader

from basics.said import said

from .errors import UnusablePdfError

__all__ = ["CertificateSeen", "DocumentState", "document_state"]


@dataclass(frozen=True)
class CertificateSeen:
    sha256: str
    subject: str
    role: str  # "signer" or "timestamp"
    not_after: datetime


@dataclass(frozen=True)
class DocumentState:
    certificates: tuple[CertificateSeen, ...]
    last_archive_timestamp_expires: datetime | None  # None: no document timestamp yet


def _seen(cert: asn1_x509.Certificate, role: str) -> CertificateSeen:
    return CertificateSeen(
        cert.sha256.hex(),
        cert.subject.human_friendly,
        role,
        cert["tbs_certificate"]["validity"]["not_after"].native,
    )


def _timestamp_certificates(signer_info: cms.SignerInfo) -> list[asn1_x509.Certificate]:
    """The end-entity certificates inside a signature's timestamp tokens."""
    found = []
    unsigned = signer_info["unsigned_attrs"]
    for attribute in unsigned if unsigned.native is not None else []:
        if attribute["type"].native != "signature_time_stamp_token":
            continue
        for token in attribute["values"]:
            for candidate in token["content"]["certificates"]:
                chosen = candidate.chosen
                if isinstance(chosen, asn1_x509.Certificate) and not chosen.ca:
                    found.append(chosen)
    return found


def document_state(pdf: bytes) -> DocumentState:
    """The certificates a stored revision relies on, and its archive timestamp's horizon."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:
        raise UnusablePdfError(said("cannot read the stored revision: {exc}", exc=exc)) from exc
    seen: dict[tuple[str, str], CertificateSeen] = {}
    last_archive: datetime | None = None
    for signature in signatures:
        is_archive = signature.sig_object_type == "/DocTimeStamp"
        cert = signature.signer_cert
        if cert is not None:
            entry = _seen(cert, "timestamp" if is_archive else "signer")
            seen[(entry.sha256, entry.role)] = entry
            if is_archive:
                last_archive = entry.not_after
        if not is_archive:
            for cert in _timestamp_certificates(signature.signer_info):
                entry = _seen(cert, "timestamp")
                seen[(entry.sha256, entry.role)] = entry
    return DocumentState(tuple(seen.values()), last_archive)
