"""The keys the corpus is signed with, and what a verifier of it trusts.

The demo PKI (Vietnamese names, as the Ban Cơ yếu's) gives the signer, the office and two
signers revoked once their files are made; a second, ASCII-named CA exists because one
tool (node-forge) corrupts non-ASCII issuer names; a self-signed stranger is trusted by
nobody. Every key lives in a PKCS#12 file under the test's temporary folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from certs.builder import (
    PrivateKey,
    ServiceUrls,
    build_certificate,
    make_key,
    subject_name,
    validity,
)
from certs.demo import ISSUING, ROOT, DemoPki, Holder
from certs.revocation import build_crl
from certs.services import PkiServices
from certs.trust import TrustStore

__all__ = ["CorpusKeys", "make_keys"]

ASCII_URLS = ServiceUrls("http://127.0.0.1:9/ascii-pki")  # never fetched: its CRL is fed


@dataclass(frozen=True)
class CorpusKeys:
    folder: Path
    passphrase: bytes
    pki: DemoPki
    services: PkiServices
    ascii_root: Path
    ascii_crl: bytes

    def p12(self, key: str) -> Path:
        """signer, organisation, revoked, revoked-later (demo PKI); ascii; stranger(-ec)."""
        if key in {"ascii", "stranger", "stranger-ec"}:
            return self.folder / f"{key}.p12"
        return self.pki.key_path({"revoked": "corpus-revoked"}.get(key, key))

    def trust(self, *, intermediates: bool = True) -> TrustStore:
        return TrustStore.from_paths(
            anchors=[self.pki.folder / f"{ROOT}.pem", self.ascii_root],
            intermediates=[self.pki.folder / f"{ISSUING}.pem"] if intermediates else [],
        )

    def crls(self) -> list[asn1_crl.CertificateList]:
        """Every CA's current CRL, as a verifier that fetched the published ones holds."""
        ders = [self.services.crl(ROOT), self.services.crl(ISSUING), self.ascii_crl]
        return [asn1_crl.CertificateList.load(der) for der in ders]

    def issuing_crl_file(self) -> Path:
        path = self.folder / "issuing-ca.crl"
        path.write_bytes(self.services.crl(ISSUING))
        return path

    def revoke(self, key: str) -> None:
        label = {"revoked": "corpus-revoked"}.get(key, key)
        serial = self.pki.certificate(label).serial_number
        self.pki.revoke(f"{serial:x}", "key_compromise")


def _write_p12(
    path: Path,
    key: PrivateKey,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    passphrase: bytes,
) -> None:
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            path.stem.encode(),
            key,
            cert,
            chain or None,
            serialization.BestAvailableEncryption(passphrase),
        )
    )


def make_keys(folder: Path, pki: DemoPki, services: PkiServices, passphrase: bytes) -> CorpusKeys:
    folder.mkdir(parents=True, exist_ok=True)
    for label, name, email in (
        ("corpus-revoked", "Người Bị Thu Hồi", "bithuhoi@hatinh.dcs.vn"),
        ("revoked-later", "Người Thu Hồi Sau", "thuhoisau@hatinh.dcs.vn"),
    ):
        if not pki.key_path(label).is_file():
            pki.issue(label, "personal", Holder(name, email), passphrase=passphrase)
    start, end = validity(datetime.now(UTC), 3650)
    root_key, leaf_key = make_key("rsa"), make_key("rsa")
    root = build_certificate(
        profile="root",
        subject=subject_name("Corpus ASCII Root CA", organisation="Corpus Test PKI"),
        public_key=root_key,
        issuer=None,
        issuer_key=root_key,
        issuer_label="root",
        urls=ASCII_URLS,
        not_before=start,
        not_after=end,
    )
    leaf = build_certificate(
        profile="personal",
        subject=subject_name(
            "Nguyen Van An", organisation="Corpus Test PKI", email="an@example.vn"
        ),
        public_key=leaf_key,
        issuer=root,
        issuer_key=root_key,
        issuer_label="root",
        urls=ASCII_URLS,
        not_before=start,
        not_after=end,
        email="an@example.vn",
    )
    for label, kind in (("stranger", "rsa"), ("stranger-ec", "ecdsa")):
        stranger_key = make_key(kind)  # type: ignore[arg-type]
        stranger = build_certificate(
            profile="personal",
            subject=subject_name("Người Lạ Tự Ký", email="nguoila@example.vn"),
            public_key=stranger_key,
            issuer=None,
            issuer_key=stranger_key,
            issuer_label="self",
            urls=ASCII_URLS,
            not_before=start,
            not_after=end,
            email="nguoila@example.vn",
        )
        _write_p12(folder / f"{label}.p12", stranger_key, stranger, [], passphrase)
    _write_p12(folder / "ascii.p12", leaf_key, leaf, [root], passphrase)
    (folder / "ascii-root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return CorpusKeys(
        folder,
        passphrase,
        pki,
        services,
        folder / "ascii-root.pem",
        build_crl(root, root_key, [], 1),
    )
