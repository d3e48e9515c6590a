"""The recipient directory: bodies with their 13-character OrganId (mã định danh), and the
Nơi nhận lines that name one of them given its OrganId."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.said import said
from basics.text import fold, nfc

from .audit import AuditAction, record_event
from .errors import InputError
from .models import Organ
from .recipients import RecipientLine

__all__ = [
    "ORGAN_ID_SHAPE",
    "add_organ",
    "list_organs",
    "match_recipients",
]

ORGAN_ID_SHAPE = "000.00.00.H41"


def add_organ(session: Session, *, organ_id: str, name: str, email: str = "", actor: str) -> Organ:
    organ_id = organ_id.strip()
    if len(organ_id) != 13:
        raise InputError(
            said(
                "an OrganId has 13 characters, like {ORGAN_ID_SHAPE}: {organ_id!r}",
                ORGAN_ID_SHAPE=ORGAN_ID_SHAPE,
                organ_id=organ_id,
            )
        )
    if not name.strip():
        raise InputError(said("a body in the directory needs its name"))
    existing = session.scalars(select(Organ).where(Organ.organ_id == organ_id)).first()
    organ = existing or Organ(organ_id=organ_id)
    organ.name, organ.email, organ.active = nfc(" ".join(name.split())), email.strip(), True
    session.add(organ)
    record_event(
        session,
        actor=actor,
        action=AuditAction.ORGAN_SAVE,
        details={"organ_id": organ_id, "name": organ.name},
    )
    return organ


def match_recipients(session: Session, lines: Sequence[RecipientLine]) -> tuple[RecipientLine, ...]:
    """Lines whose name is a directory body's get its OrganId; the others stay text."""
    directory = {
        _key(o.name): o.organ_id for o in session.scalars(select(Organ).where(Organ.active))
    }
    matched = []
    for line in lines:
        organ_id = line.organ_id or (
            "" if line.is_archive_copy else directory.get(_key(line.name), "")
        )
        matched.append(
            RecipientLine(line.name, line.purpose, organ_id, line.is_archive_copy, line.copies)
        )
    return tuple(matched)


def _key(name: str) -> str:
    return " ".join(fold(nfc(name)).replace(",", " ").split())


def list_organs(session: Session) -> list[Organ]:
    """The directory's bodies, by name."""
    return list(session.scalars(select(Organ).order_by(Organ.name)))
