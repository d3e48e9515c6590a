"""Who a certificate names, and whether it may sign: read from the certificate, never from
an appearance. Roles (personal or organisation) come from matching its e-mail addresses
against the people and the body the registry knows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from basics.said import said

from .errors import CertsError

__all__ = ["CertificateIdentity", "Role", "check_signing_certificate", "identity_of", "role_of"]

Role = Literal["personal", "organisation", "unknown"]


@dataclass(frozen=True)
class CertificateIdentity:
    name: str
    emails: tuple[str, ...]
    organisation: str
    serial_hex: str
    sha256: str
    issuer: str
    not_before: datetime
    not_after: datetime


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def identity_of(cert: x509.Certificate) -> CertificateIdentity:
    emails: list[str] = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        emails.extend(san.get_values_for_type(x509.RFC822Name))
    except x509.ExtensionNotFound:
        pass
    subject_email = _attribute(cert.subject, NameOID.EMAIL_ADDRESS)
    if subject_email:
        emails.append(subject_email)
    unique = tuple(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))
    return CertificateIdentity(
        name=_attribute(cert.subject, NameOID.COMMON_NAME) or cert.subject.rfc4514_string(),
        emails=unique,
        organisation=_attribute(cert.subject, NameOID.ORGANIZATION_NAME),
        serial_hex=f"{cert.serial_number:x}",
        sha256=hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
        issuer=_attribute(cert.issuer, NameOID.COMMON_NAME) or cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )


def role_of(
    identity: CertificateIdentity,
    *,
    organisation_emails: Iterable[str],
    personal_emails: Iterable[str],
) -> Role:
    """``organisation`` if an e-mail is the body's, ``personal`` if it is a known signer's."""
    mine = set(identity.emails)
    if mine & {email.strip().lower() for email in organisation_emails}:
        return "organisation"
    if mine & {email.strip().lower() for email in personal_emails}:
        return "personal"
    return "unknown"


def check_signing_certificate(cert: x509.Certificate, at: datetime) -> None:
    """Refuse a certificate that is not valid at ``at`` or may not sign documents."""
    who = identity_of(cert).name
    if at < cert.not_valid_before_utc:
        raise CertsError(
            said(
                "the certificate of {who} is not valid before {not_valid_before_utc:%Y-%m-%d}",
                who=who,
                not_valid_before_utc=cert.not_valid_before_utc,
            )
        )
    if at > cert.not_valid_after_utc:
        raise CertsError(
            said(
                "the certificate of {who} expired on {not_valid_after_utc:%Y-%m-%d}",
                who=who,
                not_valid_after_utc=cert.not_valid_after_utc,
            )
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return  # no restriction: any use is allowed (RFC 5280 §4.2.1.3)
    if not (usage.digital_signature or usage.content_commitment):
        raise CertsError(
            said(
                "the certificate of {who} may not sign documents (its key usage has neither "
                "digitalSignature nor nonRepudiation)",
                who=who,
            )
        )
