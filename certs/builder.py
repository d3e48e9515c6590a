"""Keys and X.509 certificates for the demo PKI, built with ``cryptography``.

Profiles follow what Vietnamese signing certificates carry: the signer's personal
certificate and the body's certificate both have digitalSignature + nonRepudiation and
an e-mail SAN; the TSA has the critical timeStamping EKU; the OCSP responder has the
OCSPSigning EKU and id-pkix-ocsp-nocheck. Leaves point to the CRL and OCSP services.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from basics.said import said

from .errors import CertsError

__all__ = [
    "KeyType",
    "PrivateKey",
    "Profile",
    "ServiceUrls",
    "build_certificate",
    "make_key",
    "subject_name",
    "validity",
]

KeyType = Literal["rsa", "ecdsa"]
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
Profile = Literal["root", "ca", "personal", "organisation", "tsa", "ocsp"]


@dataclass(frozen=True)
class ServiceUrls:
    """Where relying parties find revocation data and issuer certificates."""

    base: str  # http://127.0.0.1:8080/pki

    def crl(self, issuer_label: str) -> str:
        return f"{self.base}/crl/{issuer_label}.crl"

    def certificate(self, label: str) -> str:
        return f"{self.base}/certs/{label}.crt"

    @property
    def ocsp(self) -> str:
        return f"{self.base}/ocsp"

    @property
    def tsa(self) -> str:
        return f"{self.base}/tsa"


def make_key(key_type: KeyType) -> PrivateKey:
    if key_type == "ecdsa":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def subject_name(
    common_name: str, *, organisation: str = "", email: str = "", unit: str = ""
) -> x509.Name:
    for label, value in (("name", common_name), ("organisation", organisation), ("unit", unit)):
        if len(value) > 64:  # RFC 5280 upper bounds
            raise CertsError(
                said(
                    "the {label} {value!r} is longer than the 64 characters X.509 allows",
                    label=label,
                    value=value,
                )
            )
    if not common_name.strip():
        raise CertsError(said("a certificate needs a name"))
    wanted = [(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        wanted.append((NameOID.ORGANIZATION_NAME, organisation))
    if unit:
        wanted.append((NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    wanted.append((NameOID.COMMON_NAME, common_name))
    if email:
        wanted.append((NameOID.EMAIL_ADDRESS, email))
    # RFC 5280 bounds these in characters; cryptography counts UTF-8 bytes, which would
    # refuse ordinary Vietnamese body names. The character bound is checked above.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        attributes = [x509.NameAttribute(oid, value, _validate=False) for oid, value in wanted]
    return x509.Name(attributes)


_SIGNING_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,  # nonRepudiation
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)
_CA_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)


def build_certificate(
    *,
    profile: Profile,
    subject: x509.Name,
    public_key: PrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: PrivateKey,
    issuer_label: str,
    urls: ServiceUrls,
    not_before: datetime,
    not_after: datetime,
    email: str = "",
    serial: int | None = None,
    key_usage: x509.KeyUsage | None = None,
) -> x509.Certificate:
    """A certificate of ``profile`` for ``public_key``; ``issuer=None`` makes it self-signed."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer is not None else subject)
        .public_key(public_key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key.public_key()), critical=False
        )
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        ).add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(urls.crl(issuer_label))],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    if profile in ("root", "ca"):
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=None if profile == "root" else 0),
            critical=True,
        ).add_extension(_CA_USAGE, critical=True)
    else:
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        builder = _leaf_extensions(builder, profile, urls, issuer_label, email, key_usage)
    return builder.sign(issuer_key, hashes.SHA256())


def _leaf_extensions(
    builder: x509.CertificateBuilder,
    profile: Profile,
    urls: ServiceUrls,
    issuer_label: str,
    email: str,
    key_usage: x509.KeyUsage | None,
) -> x509.CertificateBuilder:
    builder = builder.add_extension(key_usage or _SIGNING_USAGE, critical=True)
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    if profile == "tsa":
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    if profile == "ocsp":
        # The responder's own certificate is not checked by OCSP (RFC 6960 §4.2.2.2.1).
        return builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False
        ).add_extension(x509.OCSPNoCheck(), critical=False)
    access = [
        x509.AccessDescription(
            AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(urls.ocsp)
        ),
        x509.AccessDescription(
            AuthorityInformationAccessOID.CA_ISSUERS,
            x509.UniformResourceIdentifier(urls.certificate(issuer_label)),
        ),
    ]
    return builder.add_extension(x509.AuthorityInformationAccess(access), critical=False)


def validity(now: datetime, days: int) -> tuple[datetime, datetime]:
    """From an hour ago (clock skew) for ``days`` days, whole seconds."""
    start = now.replace(microsecond=0) - timedelta(hours=1)
    return start, start + timedelta(days=days)
