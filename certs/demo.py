"""The demo PKI: a root CA, an issuing CA and the office's certificates, in one folder.

Layout of the folder::

    pki.json                 state: service URLs, issued serials, revocations
    root-ca.pem / .p12       root CA (certificate / key + certificate, passphrase-protected)
    issuing-ca.pem / .p12    issuing CA, issued by the root
    signer.p12, organisation.p12, tsa.p12, ocsp.p12   leaves, with their chain
    issued/<serial>.pem      every certificate the issuing CA gave, for OCSP and CRLs

The private keys only ever exist on disk inside passphrase-protected PKCS#12 files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from basics.files import write_atomically
from basics.said import said

from .builder import (
    KeyType,
    PrivateKey,
    Profile,
    ServiceUrls,
    build_certificate,
    make_key,
    subject_name,
    validity,
)
from .errors import CertsError

__all__ = [
    "ISSUING",
    "REVOCATION_REASONS",
    "ROOT",
    "DemoPki",
    "Holder",
    "RevocationStatus",
    "load_pkcs12",
]

ROOT, ISSUING = "root-ca", "issuing-ca"
REVOCATION_REASONS = (
    "unspecified",
    "key_compromise",
    "ca_compromise",
    "affiliation_changed",
    "superseded",
    "cessation_of_operation",
    "certificate_hold",
)


@dataclass(frozen=True)
class Holder:
    """Who a certificate is for."""

    name: str
    email: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class RevocationStatus:
    status: Literal["good", "revoked", "unknown"]
    revoked_at: datetime | None = None
    reason: str = ""


def load_pkcs12(
    path: Path, passphrase: bytes
) -> tuple[PrivateKey, x509.Certificate, list[x509.Certificate]]:
    """Key, certificate and chain from a PKCS#12 file; a clear error for a wrong passphrase."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CertsError(
            said("{path}: cannot read the key file ({strerror})", path=path, strerror=exc.strerror)
        ) from exc
    if b"\x00" in passphrase:  # cryptography panics on it (an exception no caller expects)
        raise CertsError(
            said("{path}: wrong passphrase (it cannot hold a NUL character)", path=path)
        )
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:
        raise CertsError(
            said("{path}: wrong passphrase, or not a PKCS#12 file", path=path)
        ) from exc
    if key is None or cert is None:
        raise CertsError(said("{path}: the PKCS#12 file holds no key and certificate", path=path))
    if not isinstance(key, PrivateKey):
        raise CertsError(
            said("{path}: unsupported key type {name}", path=path, name=type(key).__name__)
        )
    return key, cert, list(chain)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


class DemoPki:
    """A demo PKI folder: open it, issue and revoke certificates, answer status questions."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        state_file = folder / "pki.json"
        try:
            self.state: dict[str, Any] = json.loads(state_file.read_text("utf-8"))
            self.root = x509.load_pem_x509_certificate((folder / f"{ROOT}.pem").read_bytes())
            self.issuing = x509.load_pem_x509_certificate((folder / f"{ISSUING}.pem").read_bytes())
        except (OSError, ValueError, KeyError) as exc:
            raise CertsError(
                said("{folder} is not a demo PKI folder (sovanban certs demo)", folder=folder)
            ) from exc
        self.urls = ServiceUrls(self.state["base_url"])

    # Creation ---------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        folder: Path,
        *,
        passphrase: bytes,
        base_url: str,
        signer: Holder,
        organisation: Holder,
        key_type: KeyType = "rsa",
    ) -> DemoPki:
        """Generate the whole demo PKI in ``folder`` (which must not hold one yet)."""
        if (folder / "pki.json").exists():
            raise CertsError(
                said("{folder} already holds a PKI; choose another folder", folder=folder)
            )
        if not passphrase:
            raise CertsError(said("the PKI passphrase must not be empty"))
        try:
            (folder / "issued").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CertsError(
                said("cannot create {folder}: {strerror}", folder=folder, strerror=exc.strerror)
            ) from exc
        urls = ServiceUrls(base_url.rstrip("/"))
        now = datetime.now(UTC)
        root_key, issuing_key = make_key(key_type), make_key(key_type)
        org_name = organisation.organisation or organisation.name

        def authority(
            name: str, key: PrivateKey, issuer: x509.Certificate | None, days: int
        ) -> x509.Certificate:
            start, end = validity(now, days)
            return build_certificate(
                profile="root" if issuer is None else "ca",
                subject=subject_name(name, organisation=org_name, unit="Demo PKI"),
                public_key=key,
                issuer=issuer,
                issuer_key=root_key,
                issuer_label=ROOT,
                urls=urls,
                not_before=start,
                not_after=end,
            )

        root = authority("sovanban Demo Root CA", root_key, None, 7300)
        issuing = authority("sovanban Demo Issuing CA", issuing_key, root, 3650)
        for label, key, cert, chain in (
            (ROOT, root_key, root, []),
            (ISSUING, issuing_key, issuing, [root]),
        ):
            write_atomically(folder / f"{label}.pem", _pem(cert))
            cls._write_pkcs12(folder / f"{label}.p12", label, key, cert, chain, passphrase)
        state = {
            "base_url": urls.base,
            "key_type": key_type,
            "issued": {},
            "revoked": {},
            "crl_number": 0,
        }
        write_atomically(folder / "pki.json", json.dumps(state, indent=2).encode())
        pki = cls(folder)
        pki.issue("signer", "personal", signer, passphrase=passphrase, days=730)
        pki.issue("organisation", "organisation", organisation, passphrase=passphrase, days=730)
        tsa = Holder("sovanban Demo TSA", organisation=org_name)
        pki.issue("tsa", "tsa", tsa, passphrase=passphrase, days=1825)
        ocsp = Holder("sovanban Demo OCSP Responder", organisation=org_name)
        pki.issue("ocsp", "ocsp", ocsp, passphrase=passphrase, days=365)
        return pki

    @staticmethod
    def _write_pkcs12(
        path: Path,
        label: str,
        key: PrivateKey,
        cert: x509.Certificate,
        chain: list[x509.Certificate],
        passphrase: bytes,
    ) -> None:
        data = pkcs12.serialize_key_and_certificates(
            label.encode(),
            key,
            cert,
            chain or None,
            serialization.BestAvailableEncryption(passphrase),
        )
        write_atomically(path, data, mode=0o600)

    # Issuing and revoking ---------------------------------------------------------------

    def issue(
        self,
        label: str,
        profile: Profile,
        holder: Holder,
        *,
        passphrase: bytes,
        days: int = 730,
        not_before: datetime | None = None,
        key_usage: x509.KeyUsage | None = None,
    ) -> x509.Certificate:
        """Issue a leaf from the issuing CA into ``<label>.p12`` / ``<label>.pem``."""
        if not label.replace("-", "").replace("_", "").isalnum():
            raise CertsError(
                said("a certificate label is letters, digits, '-' and '_': {label!r}", label=label)
            )
        issuing_key, _, _ = load_pkcs12(self.folder / f"{ISSUING}.p12", passphrase)
        key = make_key(self.state["key_type"])
        start, end = validity(not_before or datetime.now(UTC), days)
        cert = build_certificate(
            profile=profile,
            subject=subject_name(holder.name, organisation=holder.organisation, email=holder.email),
            public_key=key,
            issuer=self.issuing,
            issuer_key=issuing_key,
            issuer_label=ISSUING,
            urls=self.urls,
            not_before=start,
            not_after=end,
            email=holder.email,
            key_usage=key_usage,
        )
        self._write_pkcs12(
            self.folder / f"{label}.p12", label, key, cert, [self.issuing, self.root], passphrase
        )
        write_atomically(self.folder / f"{label}.pem", _pem(cert))
        serial = f"{cert.serial_number:x}"
        write_atomically(self.folder / "issued" / f"{serial}.pem", _pem(cert))
        self.state["issued"][serial] = {"label": label, "profile": profile, "subject": holder.name}
        self._save()
        return cert

    def revoke(self, serial: str, reason: str = "unspecified") -> x509.Certificate:
        """Revoke a certificate of the issuing CA by its serial (hex, as ``certs list`` shows)."""
        key = serial.lower().removeprefix("0x").lstrip("0") or "0"
        if reason not in REVOCATION_REASONS:
            raise CertsError(
                said(
                    "unknown revocation reason {reason!r} ({REVOCATION_REASONS})",
                    reason=reason,
                    REVOCATION_REASONS=", ".join(REVOCATION_REASONS),
                )
            )
        if key not in self.state["issued"]:
            raise CertsError(
                said(
                    "the issuing CA never issued a certificate with serial {serial}", serial=serial
                )
            )
        if key in self.state["revoked"]:
            raise CertsError(said("the certificate {serial} is already revoked", serial=serial))
        at = datetime.now(UTC).replace(microsecond=0)
        self.state["revoked"][key] = {"reason": reason, "at": at.isoformat()}
        self._save()
        return self.certificate_by_serial(key)

    def _save(self) -> None:
        write_atomically(self.folder / "pki.json", json.dumps(self.state, indent=2).encode())

    # Questions --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the state another process (``certs revoke``) may have changed."""
        self.state = json.loads((self.folder / "pki.json").read_text("utf-8"))

    def certificate(self, label: str) -> x509.Certificate:
        try:
            return x509.load_pem_x509_certificate((self.folder / f"{label}.pem").read_bytes())
        except (OSError, ValueError) as exc:
            raise CertsError(
                said("the demo PKI has no certificate {label!r}", label=label)
            ) from exc

    def certificate_by_serial(self, serial_hex: str) -> x509.Certificate:
        return x509.load_pem_x509_certificate(
            (self.folder / "issued" / f"{serial_hex}.pem").read_bytes()
        )

    def status(self, serial: int) -> RevocationStatus:
        key = f"{serial:x}"
        if key not in self.state["issued"]:
            return RevocationStatus("unknown")
        revoked = self.state["revoked"].get(key)
        if revoked is None:
            return RevocationStatus("good")
        return RevocationStatus("revoked", datetime.fromisoformat(revoked["at"]), revoked["reason"])

    def revoked(self) -> list[tuple[int, datetime, str]]:
        return [
            (int(serial, 16), datetime.fromisoformat(entry["at"]), entry["reason"])
            for serial, entry in sorted(self.state["revoked"].items())
        ]

    def published_crls(self) -> list[bytes]:
        """The CRLs last published by the services (DER), for verifiers without keys."""
        folder = self.folder / "crl"
        return (
            [path.read_bytes() for path in sorted(folder.glob("*.crl"))] if folder.is_dir() else []
        )

    def key_path(self, label: str) -> Path:
        return self.folder / f"{label}.p12"
