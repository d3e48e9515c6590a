"""Trust anchors and intermediates from files and folders, and the one place that builds
pyHanko validation contexts from them.

Vietnamese roots (Ban Cơ yếu Chính phủ, the National Root CA) are in no operating-system
trust store: every anchor is configured explicitly. Real signatures often embed only the
signer's certificate, so the intermediates held here complete their chains.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Literal

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleTrustManager

from basics.said import said

from .errors import CertsError

__all__ = ["CERTIFICATE_SUFFIXES", "TrustStore", "fingerprint", "load_certificates"]

CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def fingerprint(cert: asn1_x509.Certificate) -> str:
    """SHA-256 of the DER certificate, upper-case hex with colons (as CAs publish it)."""
    digest = hashlib.sha256(cert.dump()).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def load_certificates(path: Path) -> list[asn1_x509.Certificate]:
    """Every certificate in a PEM (one or more blocks) or DER file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CertsError(
            said(
                "{path}: cannot read the certificate file ({strerror})",
                path=path,
                strerror=exc.strerror,
            )
        ) from exc
    try:
        if pem.detect(data):
            blocks = [
                der for kind, _, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"
            ]
        else:
            blocks = [data]
        certs = [asn1_x509.Certificate.load(block) for block in blocks]
        for cert in certs:
            cert.native  # noqa: B018 - a full parse, so that a damaged file fails here
    except (ValueError, TypeError, OverflowError) as exc:
        raise CertsError(said("{path}: not a certificate (PEM or DER)", path=path)) from exc
    if not certs:
        raise CertsError(said("{path}: holds no certificate", path=path))
    return certs


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise CertsError(said("{folder}: the trust folder does not exist", folder=folder))
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in CERTIFICATE_SUFFIXES)


@dataclass(frozen=True)
class TrustStore:
    anchors: tuple[asn1_x509.Certificate, ...]
    intermediates: tuple[asn1_x509.Certificate, ...] = ()

    @classmethod
    def from_paths(
        cls,
        anchors: Iterable[Path] = (),
        intermediates: Iterable[Path] = (),
        folders: Iterable[Path] = (),
    ) -> TrustStore:
        """Listed anchors and intermediates; in ``folders``, self-signed certificates are
        anchors and the others intermediates."""
        found_anchors = {fingerprint(c): c for f in anchors for c in load_certificates(f)}
        found_others = {fingerprint(c): c for f in intermediates for c in load_certificates(f)}
        for folder in folders:
            for path in _files(folder):
                for cert in load_certificates(path):
                    target = found_anchors if cert.self_issued else found_others
                    target[fingerprint(cert)] = cert
        for key in found_anchors:
            found_others.pop(key, None)
        return cls(tuple(found_anchors.values()), tuple(found_others.values()))

    @cached_property
    def _trust_manager(self) -> SimpleTrustManager:
        # Built once per store: making the anchors folds their names (stringprep), a few
        # milliseconds that every signature's context would otherwise pay again.
        return SimpleTrustManager.build(trust_roots=list(self.anchors))

    def validation_context(
        self,
        *,
        fetching: bool = False,
        revocation: Literal["soft-fail", "hard-fail", "require"] = "soft-fail",
        crls: Iterable[asn1_crl.CertificateList] = (),
        ocsps: Iterable[asn1_ocsp.OCSPResponse] = (),
        extra_certs: Iterable[asn1_x509.Certificate] = (),
        moment: datetime | None = None,
        allow_empty: bool = False,
        retroactive: bool = False,
    ) -> ValidationContext:
        """A context trusting exactly these anchors.

        ``fetching`` lets pyHanko download CRLs/OCSP answers (online checks);
        ``hard-fail`` makes missing or failed revocation data a failure (archive checks);
        ``retroactive`` accepts revocation data newer than the signing time ("not revoked
        today" implies "not revoked then"), which is what checking an old document has.
        """
        if not self.anchors and not allow_empty:  # verifying with none: nothing is trusted
            raise CertsError(
                said("no trust anchor is configured ([trust] anchors, or certs trust add)")
            )
        return ValidationContext(
            trust_manager=self._trust_manager,
            other_certs=[*self.intermediates, *extra_certs],
            allow_fetching=fetching,
            revocation_mode=revocation,
            crls=list(crls),
            ocsps=list(ocsps),
            moment=moment,
            retroactive_revinfo=retroactive,
        )
