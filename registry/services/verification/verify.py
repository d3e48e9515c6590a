"""Verify a PDF for a recipient or an auditor: the signatures, and whether the register
holds this very file under the number it carries."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select
from sqlalchemy.orm import Session

from certs.demo import DemoPki
from certs.errors import CertsError
from certs.trust import TrustStore
from signing.verify.engine import Roles, verify_pdf
from signing.verify.report import DocumentReport

from ...audit import AuditAction, record_event
from ...instance import Instance, resolve_path
from ...models import User
from ..people.access import Viewer
from ..setup.pki import pki_folder
from ..setup.trust import instance_trust_store
from .register_match import match_register

__all__ = [
    "TrustMaterial",
    "instance_roles",
    "published_crls",
    "record_verification",
    "trust_material",
    "verify_for_instance",
]


def instance_roles(session: Session, instance: Instance) -> Roles:
    signers = session.scalars(select(User.email).where(User.email != "")).all()
    organisation = {instance.config.issuer.email.lower()} if instance.config.issuer.email else set()
    return Roles(frozenset(organisation), frozenset(email.lower() for email in signers))


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


def verify_for_instance(
    session: Session,
    instance: Instance,
    data: bytes,
    *,
    online: bool = False,
    time_limit: float | None = 30.0,
    viewer: Viewer | None = None,
) -> DocumentReport:
    """Verify ``data`` against the instance's trust store, roles and register; what the
    register says is what ``viewer`` may learn (``None``: the operator)."""
    material = trust_material(instance)
    report = verify_pdf(
        data,
        trust=material.store,
        roles=instance_roles(session, instance),
        crls=material.crls,
        online=online,
        time_limit=time_limit,
    )
    match = match_register(session, instance.blobs, report.sha256, data, viewer)
    return replace(report, registry=match)


def record_verification(session: Session, report: dict[str, Any], *, actor: str) -> None:
    """A verification by a person logged in is part of the record (the report as a dict)."""
    record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_VERIFY,
        details={
            "sha256": report["file"]["sha256"],
            "indication": report["indication"],
            "registry": (report.get("registry") or {}).get("status"),
        },
    )
