"""Who may see which document: the one rule every page, search and API answer applies.

Secret documents (độ mật) are seen only by the clerk who keeps the register, the auditor,
and the person who signs them. Anonymous visitors see issued, non-secret documents, and
only when the instance's policy allows public lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, true

from ...models import Document, DocumentStatus, Secrecy, User

__all__ = ["ANONYMOUS", "Viewer", "can_see", "takes_part", "visible_documents"]


@dataclass(frozen=True)
class Viewer:
    """The person asking: an account's id, login and roles, or nobody (anonymous)."""

    user_id: int | None = None
    login: str = ""
    roles: frozenset[str] = frozenset()
    public_lookup: bool = True  # the instance lets anonymous visitors look documents up

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(user.id, user.login, user.role_set)

    @property
    def anonymous(self) -> bool:
        return self.user_id is None

    @property
    def sees_secrets(self) -> bool:
        return bool(self.roles & {"clerk", "auditor"})


ANONYMOUS = Viewer()


def visible_documents(viewer: Viewer) -> ColumnElement[bool]:
    """A WHERE clause keeping the documents ``viewer`` may see."""
    if viewer.anonymous:
        if not viewer.public_lookup:
            return false()
        return and_(Document.status == DocumentStatus.ISSUED, Document.secrecy == Secrecy.NONE)
    if viewer.sees_secrets:
        return true()
    return or_(Document.secrecy == Secrecy.NONE, Document.signer_id == viewer.user_id)


def can_see(viewer: Viewer, document: Document) -> bool:
    """The same rule as :func:`visible_documents`, for one loaded document."""
    if viewer.anonymous:
        return (
            viewer.public_lookup
            and document.status == DocumentStatus.ISSUED
            and document.secrecy == Secrecy.NONE
        )
    if viewer.sees_secrets or document.secrecy == Secrecy.NONE:
        return True
    return document.signer_id is not None and document.signer_id == viewer.user_id


def takes_part(viewer: Viewer, document: Document) -> bool:
    """Whether ``viewer`` follows ``document``'s making (its comments, its history): the
    clerk, the auditor and the person who signs it, when they may see it at all."""
    if not can_see(viewer, document) or viewer.anonymous:
        return False
    return bool(viewer.roles & {"clerk", "auditor"}) or document.signer_id == viewer.user_id
