"""The demo PKI's online services in one object: timestamps, OCSP, CRLs, CA certificates.

Keys are read from their PKCS#12 files once, when the services start. The state
file is re-read when another process (``sovanban certs revoke``) changed it, so a
revocation shows in OCSP answers and the next CRL at once.
"""

from __future__ import annotations

import threading

from cryptography.hazmat.primitives import serialization

from basics.files import write_atomically
from basics.said import said

from .demo import ISSUING, ROOT, DemoPki, RevocationStatus, load_pkcs12
from .errors import CertsError
from .revocation import OcspResponder, build_crl
from .tsa import TimestampAuthority

__all__ = ["PkiServices"]


class PkiServices:
    def __init__(self, pki: DemoPki, passphrase: bytes) -> None:
        self.pki = pki
        tsa_key, tsa_cert, tsa_chain = load_pkcs12(pki.key_path("tsa"), passphrase)
        ocsp_key, ocsp_cert, _ = load_pkcs12(pki.key_path("ocsp"), passphrase)
        self._ca_keys = {
            ROOT: load_pkcs12(pki.key_path(ROOT), passphrase)[0],
            ISSUING: load_pkcs12(pki.key_path(ISSUING), passphrase)[0],
        }
        self.tsa = TimestampAuthority(tsa_cert, tsa_key, tsa_chain)
        self.ocsp = OcspResponder(pki.issuing, ocsp_cert, ocsp_key, self._status)
        self._lock = threading.Lock()
        self._state_mtime = 0.0
        self._crls: dict[str, bytes] = {}

    def _refresh(self) -> None:
        mtime = (self.pki.folder / "pki.json").stat().st_mtime
        if mtime != self._state_mtime:
            self.pki.refresh()
            self._state_mtime = mtime
            self._crls.clear()

    def _status(self, serial: int) -> RevocationStatus:
        with self._lock:
            self._refresh()
            return self.pki.status(serial)

    def timestamp(self, request_der: bytes) -> bytes:
        return self.tsa.respond(request_der)

    def ocsp_response(self, request_der: bytes) -> bytes:
        return self.ocsp.respond(request_der)

    def crl(self, label: str) -> bytes:
        """The current CRL of ``root-ca`` or ``issuing-ca``."""
        if label not in self._ca_keys:
            raise CertsError(said("no CRL named {label!r}", label=label))
        with self._lock:
            self._refresh()
            if label not in self._crls:
                issuer = self.pki.root if label == ROOT else self.pki.issuing
                revoked = self.pki.revoked() if label == ISSUING else []
                number = len(self.pki.state["revoked"]) + 1  # grows with every revocation
                self._crls[label] = build_crl(issuer, self._ca_keys[label], revoked, number)
                # Public data: kept beside the PKI so that verifiers need no passphrase.
                published = self.pki.folder / "crl"
                published.mkdir(exist_ok=True)
                write_atomically(published / f"{label}.crl", self._crls[label])
            return self._crls[label]

    def ca_certificate(self, label: str) -> bytes:
        if label not in self._ca_keys:
            raise CertsError(said("no CA certificate named {label!r}", label=label))
        cert = self.pki.root if label == ROOT else self.pki.issuing
        return cert.public_bytes(serialization.Encoding.DER)
