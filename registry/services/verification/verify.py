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
from signing.inspect import pdf_field_value
from signing.prepare import NUMBER_FIELD
from signing.verify.engine import Roles, verify_pdf
from signing.verify.report import DocumentReport

from ...instance import Instance, resolve_path
from ...models import Document, DocumentFile, FileKind, NumberEntry, User
from ...storage import BlobStore
from ..setup.pki import pki_folder
from ..setup.trust import instance_trust_store

__all__ = [
    "TrustMaterial",
    "instance_roles",
    "published_crls",
    "trust_material",
    "verify_for_instance",
]

_REGISTERED_KINDS = (FileKind.ISSUED, FileKind.ARCHIVE)


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


def _number_in_file(data: bytes) -> str:
    return pdf_field_value(data, NUMBER_FIELD)


def _registry(
    session: Session, blobs: BlobStore, report: DocumentReport, data: bytes
) -> dict[str, Any]:
    exact = session.scalars(
        select(DocumentFile).where(
            DocumentFile.sha256 == report.sha256, DocumentFile.kind.in_(_REGISTERED_KINDS)
        )
    ).first()
    if exact is not None:
        document = exact.document
        registered = document.number
        in_file = _number_in_file(data)
        return {
            "status": "registered",
            "document_id": document.id,
            "number": registered.rendered if registered else None,
            "revision": exact.kind.value,
            # The number printed in the file's field must be the register's.
            "number_agrees": registered is not None and in_file == f"{registered.number:02d}",
        }
    number_value = _number_in_file(data)
    candidates = (
        session.scalars(
            select(DocumentFile)
            .join(NumberEntry, NumberEntry.document_id == DocumentFile.document_id)
            .where(
                DocumentFile.kind.in_(_REGISTERED_KINDS),
                NumberEntry.number == int(number_value),
            )
        ).all()
        if number_value.isdigit() and len(number_value) < 9
        else []
    )
    for stored in candidates:
        owner: Document = stored.document
        if owner.number is None or f"{owner.number.number:02d}" != number_value:
            continue
        original = blobs.get(stored.sha256)
        if data.startswith(original):
            return {
                "status": "differs",
                "document_id": owner.id,
                "number": owner.number.rendered,
                "added_bytes": len(data) - len(original),
                "explanation": "the file is the registered revision with later additions",
            }
    return {"status": "not_registered", "number_in_file": number_value or None}


def verify_for_instance(
    session: Session,
    instance: Instance,
    data: bytes,
    *,
    online: bool = False,
    time_limit: float | None = 30.0,
) -> DocumentReport:
    """Verify ``data`` against the instance's trust store, roles and register."""
    material = trust_material(instance)
    report = verify_pdf(
        data,
        trust=material.store,
        roles=instance_roles(session, instance),
        crls=material.crls,
        online=online,
        time_limit=time_limit,
    )
    return replace(report, registry=_registry(session, instance.blobs, report, data))
