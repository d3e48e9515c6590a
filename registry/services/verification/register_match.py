"""Whether the register holds a verified file: this very file, a later extension of a
registered revision, or nothing. Told apart by the file's hash and the number it carries."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.field_names import NUMBER_FIELD
from signing.inspect import pdf_field_value

from ...models import Document, DocumentFile, FileKind, NumberEntry, Secrecy
from ...numbering import number_in_field, number_line
from ...storage import BlobStore
from ..people.access import Viewer, can_see

__all__ = ["ExtendsRegistered", "InRegister", "NotInRegister", "RegisterMatch", "match_register"]

_REGISTERED_KINDS = (FileKind.ISSUED, FileKind.ARCHIVE)


@dataclass(frozen=True)
class InRegister:
    """The register holds this very file (the issued or the archive revision)."""

    status: ClassVar[Literal["registered"]] = "registered"
    document_id: int
    number: str | None
    revision: str
    number_agrees: bool  # the number printed in the file's field is the register's

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, **asdict(self)}


@dataclass(frozen=True)
class ExtendsRegistered:
    """The file begins with a registered revision and adds bytes after it."""

    status: ClassVar[Literal["differs"]] = "differs"
    explanation: ClassVar[str] = "the file is the registered revision with later additions"
    document_id: int
    number: str
    added_bytes: int

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, **asdict(self), "explanation": self.explanation}


@dataclass(frozen=True)
class NotInRegister:
    status: ClassVar[Literal["not_registered"]] = "not_registered"
    number_in_file: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, **asdict(self)}


RegisterMatch = InRegister | ExtendsRegistered | NotInRegister


def match_register(
    session: Session, blobs: BlobStore, sha256: str, data: bytes, viewer: Viewer | None = None
) -> RegisterMatch:
    """What the register says of ``data`` (whose SHA-256 is ``sha256``) to ``viewer``
    (``None``: the operator). A secret document the viewer may not see is answered for as an
    unknown file is: neither its existence, id nor number is confirmed."""
    in_field = pdf_field_value(data, NUMBER_FIELD)
    in_file = number_in_field(in_field)
    exact = session.scalars(
        select(DocumentFile).where(
            DocumentFile.sha256 == sha256, DocumentFile.kind.in_(_REGISTERED_KINDS)
        )
    ).first()
    if exact is not None and _may_confirm(viewer, exact.document):
        registered = exact.document.number
        return InRegister(
            document_id=exact.document.id,
            number=registered.rendered if registered else None,
            revision=exact.kind.value,
            number_agrees=registered is not None and _holds(in_field, registered, exact.document),
        )
    shown = _SO_PREFIX.sub("", in_field) or None  # "01-TB/ĐUK" of "Số 01-TB/ĐUK"; or "01"
    if in_file is None:
        return NotInRegister(shown)
    candidates = session.scalars(
        select(DocumentFile)
        .join(NumberEntry, NumberEntry.document_id == DocumentFile.document_id)
        .where(DocumentFile.kind.in_(_REGISTERED_KINDS), NumberEntry.number == in_file)
    ).all()
    for stored in candidates:
        owner = stored.document
        if owner.number is None or not _holds(in_field, owner.number, owner):
            continue
        if not _may_confirm(viewer, owner):
            continue
        original = blobs.get(stored.sha256)
        if data.startswith(original):
            return ExtendsRegistered(owner.id, owner.number.rendered, len(data) - len(original))
    return NotInRegister(shown)


_SO_PREFIX = re.compile(r"^\s*Số\s*:?\s*")


def _holds(in_field: str, entry: NumberEntry, document: Document) -> bool:
    """The number field holds ``entry``: its number (a field over the blank) or its whole
    number line (a field that prints the line)."""
    return in_field in (f"{entry.number:02d}", number_line(entry, document.issuer))


def _may_confirm(viewer: Viewer | None, document: Document) -> bool:
    # Whoever holds an ordinary issued document may learn that it is registered; a secret
    # one is confirmed only to those who may see it.
    return viewer is None or document.secrecy == Secrecy.NONE or can_see(viewer, document)
