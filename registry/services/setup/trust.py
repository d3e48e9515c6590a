"""The instance's trust store: configured anchors plus the ones added with ``certs trust add``.

Added certificates are kept as PEM files named by fingerprint in ``<instance>/trust/anchors``
and ``<instance>/trust/intermediates``; a certificate named like a pinned Vietnamese anchor
must carry its published fingerprint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from basics.said import said
from certs.errors import CertsError
from certs.profiles import check_pins, vn_profile
from certs.trust import TrustStore, fingerprint, load_certificates

from ...errors import InputError
from ...instance import Instance, resolve_path

__all__ = ["TrustEntry", "add_trusted", "add_vn_profile", "instance_trust_store", "list_trusted"]

Kind = Literal["anchor", "intermediate"]
_FOLDERS: dict[Kind, str] = {"anchor": "anchors", "intermediate": "intermediates"}


@dataclass(frozen=True)
class TrustEntry:
    kind: Kind
    subject: str
    fingerprint: str
    valid_until: str


def _managed(instance: Instance, kind: Kind) -> Path:
    return instance.folder / "trust" / _FOLDERS[kind]


def instance_trust_store(instance: Instance) -> TrustStore:
    trust = instance.config.trust
    managed = {kind: _managed(instance, kind) for kind in _FOLDERS}
    try:
        return TrustStore.from_paths(
            anchors=[
                *(resolve_path(instance.folder, p) for p in trust.anchors),
                *_pem_files(managed["anchor"]),
            ],
            intermediates=[
                *(resolve_path(instance.folder, p) for p in trust.intermediates),
                *_pem_files(managed["intermediate"]),
            ],
            folders=[resolve_path(instance.folder, p) for p in trust.folders],
        )
    except CertsError as exc:
        raise InputError(said("trust store: {message}", message=exc.said)) from exc


def _pem_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pem")) if folder.is_dir() else []


def _store(instance: Instance, cert: asn1_x509.Certificate, kind: Kind) -> Path:
    folder = _managed(instance, kind)
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^0-9A-Za-z]+", "-", str(cert.subject.native.get("common_name", "cert")))
    path = folder / f"{fingerprint(cert).replace(':', '')[:16].lower()}-{name.strip('-')[:40]}.pem"
    path.write_bytes(pem.armor("CERTIFICATE", cert.dump()))
    return path


def add_trusted(instance: Instance, path: Path, *, kind: Kind | None = None) -> list[Path]:
    """Add every certificate in ``path``; self-signed ones are anchors unless ``kind`` says."""
    try:
        certs = load_certificates(path)
        for cert in certs:
            check_pins(cert, str(path))
    except CertsError as exc:
        raise InputError(exc.said) from exc
    return [
        _store(instance, cert, kind or ("anchor" if cert.self_issued else "intermediate"))
        for cert in certs
    ]


def add_vn_profile(instance: Instance) -> list[Path]:
    """The Vietnamese anchors and intermediates, every published fingerprint checked."""
    try:
        profile = vn_profile()
    except CertsError as exc:
        raise InputError(exc.said) from exc
    return [_store(instance, cert, pinned.kind) for pinned, cert in profile]


def list_trusted(instance: Instance) -> list[TrustEntry]:
    store = instance_trust_store(instance)
    entries = []
    for kind, certs in (("anchor", store.anchors), ("intermediate", store.intermediates)):
        for cert in certs:
            entries.append(
                TrustEntry(
                    kind=kind,  # type: ignore[arg-type]
                    subject=str(
                        cert.subject.native.get("common_name", cert.subject.human_friendly)
                    ),
                    fingerprint=fingerprint(cert),
                    valid_until=cert.not_valid_after.date().isoformat(),
                )
            )
    return entries
