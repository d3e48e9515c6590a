"""Exporting the register book of a large period as a job: rendered outside any write,
the file put in the blob store (content-addressed, shared by every host), the export
recorded with the run's end; the run's result says where the file is."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from basics.said import said

from ...errors import InputError
from ...models import User
from ..archive.register_book import BOOK_EXPORT, record_export, render_book
from ..people.access import Viewer
from .runner import Finish, JobContext

__all__ = ["BOOK_EXPORT", "export_book_job"]


def export_book_job(context: JobContext, period: str, kind: str, user_id: int) -> Finish:
    """The book as the account that asked may see it, with its rights as they are now."""
    instance = context.instance
    context.progress(0, 1)
    with instance.reading_sessions() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise InputError(said("the account that asked for this export is no longer active"))
        book = render_book(session, instance, period, kind, Viewer.of(user))
    stored = instance.blobs.put(book.data)

    def finish(session: Session) -> dict[str, Any]:
        record_export(session, book, actor=context.actor)
        return {
            "sha256": stored.sha256,
            "filename": book.filename,
            "mimetype": book.mimetype,
            "rows": book.rows,
        }

    return finish
