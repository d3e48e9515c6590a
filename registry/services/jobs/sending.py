"""Sending an issued document to its receivers as edXML, as a job: the package built and
delivered outside any write, its sending recorded with the run's end. Attempts that fail
are retried with the queue's growing waits; the last failure is recorded and told to the
clerks. A package delivered twice (a worker killed after delivering, before recording) goes
under the same name and edXML DocumentId, by which receivers know it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from basics.said import Said, said

from ...errors import InputError
from ...models import Document
from ..exchange.distribution import outgoing_package, record_delivery_failure, record_sent
from ..exchange.transport import transport_for
from .runner import Finish, JobContext

__all__ = ["SEND", "send", "send_failed"]

SEND = "exchange.send"


def send(context: JobContext, document_id: int) -> Finish:
    instance = context.instance
    context.progress(0, 1)
    with instance.reading_sessions() as session:
        outgoing = outgoing_package(session, instance, _document(session, document_id))
    where = transport_for(instance).deliver(outgoing.name, outgoing.package)

    def finish(session: Session) -> dict[str, Any]:
        record_sent(session, _document(session, document_id), outgoing, where, actor=context.actor)
        return {"where": where, "to": list(outgoing.organ_ids)}

    return finish


def send_failed(session: Session, actor: str, arguments: dict[str, Any], reason: Said) -> None:
    """No attempt got the package out: recorded on the document, and the clerks told."""
    document = session.get(Document, arguments["document_id"])
    if document is not None:
        record_delivery_failure(session, document, reason, actor=actor)


def _document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise InputError(said("no document #{id}", id=document_id))
    return document
