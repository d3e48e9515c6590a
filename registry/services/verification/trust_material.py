"""What verification checks signatures against: the instance's trust store and the CRLs its
demo PKI publishes, read again only when one of their files changed."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import crl as asn1_crl
from pyhanko_certvalidator import ValidationContext

from certs.demo import DemoPki
from certs.errors import CertsError
from certs.trust import TrustStore

from ...instance import Instance, resolve_path
from ..setup.pki import pki_folder
from ..setup.trust import instance_trust_store

__all__ = ["TrustMaterial", "published_crls", "trust_material"]


@dataclass(frozen=True)
class TrustMaterial:
    """What verification checks against: the trust store and the published CRLs."""

    store: TrustStore
    crls: tuple[asn1_crl.CertificateList, ...]

    def context(self) -> ValidationContext:
        return self.store.validation_context(crls=self.crls)


_material: dict[Path, tuple[tuple[tuple[str, int], ...], TrustMaterial]] = {}
_material_lock = threading.Lock()


def _files_signature(instance: Instance) -> tuple[tuple[str, int], ...]:
    """Every file the material is read from, with its modification time: cheap to take."""
    trust = instance.config.trust
    roots = [
        *(resolve_path(instance.folder, p) for p in (*trust.anchors, *trust.intermediates)),
        *(resolve_path(instance.folder, p) for p in trust.folders),
        instance.folder / "trust",
        pki_folder(instance) / "crl",
    ]
    seen = []
    for root in roots:
        paths = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in paths:
            try:
                seen.append((str(path), path.stat().st_mtime_ns))
            except OSError:
                seen.append((str(path), -1))
    return tuple(seen)


def trust_material(instance: Instance) -> TrustMaterial:
    """The instance's trust store and CRLs, read again only when one of their files changed
    (verification is a hot path: every upload, every document of an archive sweep)."""
    signature = _files_signature(instance)
    with _material_lock:
        cached = _material.get(instance.folder)
        if cached is not None and cached[0] == signature:
            return cached[1]
    material = TrustMaterial(instance_trust_store(instance), tuple(published_crls(instance)))
    with _material_lock:
        _material[instance.folder] = (signature, material)
    return material


def published_crls(instance: Instance) -> list[asn1_crl.CertificateList]:
    folder = pki_folder(instance)
    if not (folder / "pki.json").is_file():
        return []
    try:
        return [asn1_crl.CertificateList.load(der) for der in DemoPki(folder).published_crls()]
    except (CertsError, ValueError):
        return []
