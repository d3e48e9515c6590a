"""Key sources: a PKCS#12 file or a PKCS#11 token, each giving a ready pyHanko signer.

pyHanko's ``SimpleSigner`` re-parses (and re-validates) the private key on every
signature, about 37 ms for RSA-2048, twice per signature. :class:`CachedKeySigner`
keeps the parsed key. Certificates are checked before use: in validity and allowed
to sign (digitalSignature or nonRepudiation), so a bad key fails at load time with
a clear message instead of producing a signature no verifier accepts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError as LibrarySigningError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from basics.said import said
from certs.builder import PrivateKey
from certs.demo import load_pkcs12
from certs.errors import CertsError
from certs.identity import check_signing_certificate

from .errors import SigningError

__all__ = [
    "CachedKeySigner",
    "check_certificate_standing",
    "load_pkcs12_signer",
    "open_pkcs11_signer",
]


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class CachedKeySigner(signers.SimpleSigner):
    """A ``SimpleSigner`` that signs with a key parsed once."""

    def __init__(
        self, key: PrivateKey, cert: x509.Certificate, chain: list[x509.Certificate]
    ) -> None:
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        super().__init__(
            signing_cert=_asn1(cert),
            signing_key=asn1_keys.PrivateKeyInfo.load(der),
            cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                [_asn1(c) for c in chain]
            ),
        )
        self._key = key
        self.certificate = cert

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        name = mechanism["algorithm"].native
        digest = _HASHES.get(digest_algorithm.lower())
        if digest is not None:
            if isinstance(self._key, rsa.RSAPrivateKey) and name in _RSA_PKCS1:
                return self._key.sign(data, padding.PKCS1v15(), digest())
            if isinstance(self._key, ec.EllipticCurvePrivateKey) and name in _ECDSA:
                return self._key.sign(data, ec.ECDSA(digest()))
        return super().sign_raw(data, digest_algorithm)  # PSS and the rest: pyHanko's way


_HASHES: dict[str, Any] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_RSA_PKCS1 = {"rsassa_pkcs1v15", "sha256_rsa", "sha384_rsa", "sha512_rsa"}
_ECDSA = {"ecdsa", "sha256_ecdsa", "sha384_ecdsa", "sha512_ecdsa"}


def load_pkcs12_signer(
    path: Path, passphrase: bytes, *, at: datetime | None = None
) -> CachedKeySigner:
    """A signer from a PKCS#12 file, its certificate checked for use at ``at`` (now)."""
    try:
        key, cert, chain = load_pkcs12(path, passphrase)
        check_signing_certificate(cert, at or datetime.now(UTC))
    except CertsError as exc:
        raise SigningError(exc.said) from exc
    return CachedKeySigner(key, cert, chain)


@contextmanager
def open_pkcs11_signer(
    module: str,
    *,
    token_label: str,
    key_label: str,
    cert_label: str = "",
    pin: str,
    chain: list[x509.Certificate] | None = None,
    at: datetime | None = None,
) -> Iterator[signers.Signer]:
    """A signer on a PKCS#11 token; the session is closed when the block ends."""
    from pkcs11 import exceptions as p11_errors
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as p11

    if not Path(module).is_file():
        raise SigningError(said("the PKCS#11 module {module} does not exist", module=module))
    try:
        session = p11.open_pkcs11_session(
            module, token_criteria=TokenCriteria(label=token_label), user_pin=pin
        )
    except p11_errors.PinIncorrect as exc:
        raise SigningError(
            said("wrong PIN for the token {token_label!r}", token_label=token_label)
        ) from exc
    except p11_errors.PinLocked as exc:
        raise SigningError(
            said(
                "the token {token_label!r} is locked (too many wrong PINs)", token_label=token_label
            )
        ) from exc
    except (p11_errors.PKCS11Error, LibrarySigningError, OSError) as exc:
        raise SigningError(
            said("cannot open the token {token_label!r}: {exc}", token_label=token_label, exc=exc)
        ) from exc
    try:
        signer = p11.PKCS11Signer(
            session,
            cert_label=cert_label or key_label,
            key_label=key_label,
            ca_chain=[_asn1(c) for c in chain or []],
        )
        try:
            cert_der = signer.signing_cert.dump()
        except (p11_errors.PKCS11Error, LibrarySigningError) as exc:
            raise SigningError(
                said(
                    "the token {token_label!r} has no certificate {value!r}",
                    token_label=token_label,
                    value=cert_label or key_label,
                )
            ) from exc
        try:
            check_signing_certificate(
                x509.load_der_x509_certificate(cert_der), at or datetime.now(UTC)
            )
        except CertsError as exc:
            raise SigningError(exc.said) from exc
        yield signer
    finally:
        session.close()


def check_certificate_standing(signer: signers.Signer, context: ValidationContext) -> None:
    """Refuse a signer whose certificate is revoked, or whose chain or status cannot be
    established now with ``context`` (which is closed afterwards)."""
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import (
        InvalidCertificateError,
        PathBuildingError,
        PathValidationError,
        RevokedError,
    )

    async def check() -> None:
        try:
            validator = CertificateValidator(
                signer.signing_cert,
                intermediate_certs=list(signer.cert_registry),
                validation_context=context,
            )
            await validator.async_validate_usage(set())  # type: ignore[no-untyped-call]
        finally:
            await context.aclose()  # type: ignore[no-untyped-call]

    name = signer.signing_cert.subject.human_friendly if signer.signing_cert else "?"
    try:
        asyncio.run(check())
    except RevokedError as exc:
        raise SigningError(
            said("the certificate of {name} is revoked: {exc}", name=name, exc=exc)
        ) from exc
    except (PathValidationError, PathBuildingError, InvalidCertificateError) as exc:
        raise SigningError(
            said("the certificate of {name} cannot be trusted now: {exc}", name=name, exc=exc)
        ) from exc
