"""The Vietnamese trust profile: the public anchors of the two PKIs a verifier meets, each
checked against its published SHA-256 fingerprint before use.

A copy of a known certificate whose fingerprint differs (a swapped or altered file, or
an impostor with the same name) is refused, here and when added to a trust store.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from asn1crypto import x509 as asn1_x509

from basics.said import said

from .errors import CertsError
from .trust import fingerprint, load_certificates

__all__ = ["KNOWN_CERTIFICATES", "PinnedCertificate", "check_pins", "vn_profile"]


@dataclass(frozen=True)
class PinnedCertificate:
    common_name: str
    kind: Literal["anchor", "intermediate"]
    sha256: str
    file: str = ""  # shipped in certs/data/vn; "" for one the office supplies


KNOWN_CERTIFICATES = (
    PinnedCertificate(
        "RootCA chuyên dùng Chính phủ G2",
        "anchor",
        "F0:4B:A4:B4:59:A7:C9:A1:B9:71:AD:9B:1C:B8:33:E6:95:A8:0C:79:AE:A6:3B:17:4B:66:A7:0E:DF:E2:FD:B8",
        "vgca-root-g2.pem",
    ),
    PinnedCertificate(
        "CA phục vụ các cơ quan Nhà nước G2",
        "intermediate",
        "D8:CA:B7:A4:AE:F9:2E:6B:B2:50:9D:7C:61:CE:E7:B4:4F:37:31:B2:D2:10:74:96:35:30:27:7B:36:6F:AE:4B",
        "vgca-ca-nha-nuoc-g2.pem",
    ),
    # The first generation (2010-2030) still anchors in-service certificates: the
    # Government's timestamp server "Máy chủ cấp dấu thời gian 01" is issued by it directly.
    PinnedCertificate(
        "Co quan chung thuc so chuyen dung Chinh phu (RootCA)",
        "anchor",
        "F7:BC:89:05:4C:EC:7F:12:73:0D:7B:8C:D3:EB:79:55:B1:63:83:50:87:E5:EB:87:3E:DF:B5:84:76:3B:3F:90",
        "vgca-root-g1.pem",
    ),
    PinnedCertificate(
        "Vietnam National Root CA",
        "anchor",
        "BA:C8:BF:60:9A:B4:20:A8:EE:17:80:D7:4F:4D:E5:C7:F7:18:49:59:D2:A7:37:5B:0A:75:E4:C2:9F:09:08:E7",
        "vietnam-national-root-ca.pem",
    ),
    PinnedCertificate(
        "VNPT-CA SHA2",
        "intermediate",
        "7D:6B:A5:24:53:17:F9:ED:5D:8B:C7:65:A4:63:4D:26:AC:63:40:D3:6B:9F:58:4D:F3:B5:2D:9C:4A:81:A3:06",
        "vnpt-ca-sha2.pem",
    ),
    # The Party bodies' intermediate is not shipped; an office adds its copy, checked here.
    PinnedCertificate(
        "CA phục vụ các cơ quan Đảng G2",
        "intermediate",
        "E4:B4:02:E3:CB:4C:AC:C0:A2:0D:21:FA:49:BC:E7:6B:EB:4E:B4:7B:A7:FF:B7:A8:F7:1C:55:4D:BE:56:1A:81",
    ),
)


def _common_name(cert: asn1_x509.Certificate) -> str:
    return str(cert.subject.native.get("common_name", ""))


def check_pins(cert: asn1_x509.Certificate, source: str) -> PinnedCertificate | None:
    """The pin ``cert`` matches; a certificate named like a pinned one must match its pin."""
    name = _common_name(cert)
    for pinned in KNOWN_CERTIFICATES:
        if pinned.common_name == name:
            if fingerprint(cert) != pinned.sha256:
                raise CertsError(
                    said(
                        "{source}: claims to be '{name}' but its SHA-256 fingerprint "
                        "{fingerprint} is not the published {sha256}",
                        source=source,
                        name=name,
                        fingerprint=fingerprint(cert),
                        sha256=pinned.sha256,
                    )
                )
            return pinned
    return None


def vn_profile(folder: Path | None = None) -> list[tuple[PinnedCertificate, asn1_x509.Certificate]]:
    """The shipped anchors and intermediates, every pin checked."""
    base = folder or Path(str(resources.files("certs") / "data" / "vn"))
    loaded = []
    for pinned in KNOWN_CERTIFICATES:
        if not pinned.file:
            continue
        path = base / pinned.file
        certs = load_certificates(path)
        if len(certs) != 1:
            raise CertsError(said("{path}: expected exactly one certificate", path=path))
        if fingerprint(certs[0]) != pinned.sha256:
            raise CertsError(
                said(
                    "{path}: its SHA-256 fingerprint {fingerprint} is not the published {sha256} "
                    "of '{common_name}'; the file was altered or swapped",
                    path=path,
                    fingerprint=fingerprint(certs[0]),
                    sha256=pinned.sha256,
                    common_name=pinned.common_name,
                )
            )
        loaded.append((pinned, certs[0]))
    return loaded
