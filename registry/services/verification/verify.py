"""Verify a PDF for a recipient or an auditor: the signatures, and whether the register
holds this very file under the number it carries."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from signing.verify.report import DocumentReport

from ...audit import AuditAction, record_event
from ...instance import Instance
from ...models import Document
from ..people.access import Viewer, can_see
from .register_match import MayConfirm, operator_may_confirm
from .register_rows import RegisteredFile, SessionRows
from .verify_rows import verify_with_rows

__all__ = ["record_verification", "verify_for_instance"]


def verify_for_instance(
    session: Session,
    instance: Instance,
    data: bytes,
    *,
    online: bool = False,
    time_limit: float | None = 30.0,
    viewer: Viewer | None = None,
) -> DocumentReport:
    """Verify ``data`` in ``session``; what the register says is what ``viewer`` may learn
    (``None``: the operator)."""
    return verify_with_rows(
        SessionRows(session),
        instance,
        data,
        may_confirm=_viewer_may_confirm(session, viewer),
        online=online,
        time_limit=time_limit,
    )


def _viewer_may_confirm(session: Session, viewer: Viewer | None) -> MayConfirm:
    if viewer is None:
        return operator_may_confirm

    def may_confirm(stored: RegisteredFile) -> bool:
        # Whoever holds an ordinary issued document may learn that it is registered; a
        # secret one is confirmed only to those who may see it.
        if stored.ordinary:
            return True
        document = session.get(Document, stored.document_id)
        return document is not None and can_see(viewer, document)

    return may_confirm


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
