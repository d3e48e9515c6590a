"""Việc chờ xử lý: what waits for the person logged in, and the notifications they got."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for

from ..models import DocumentStatus
from ..services.archive.search import SearchQuery, search_documents
from ..services.drafting.documents import signer_queue
from ..services.notifying.notifications import mark_read, unread
from .auth import roles_required
from .context import db_session, viewer

__all__ = ["tasks"]

tasks = Blueprint("tasks", __name__)


@tasks.get("/")
@roles_required()
def waiting() -> str:
    database = db_session()
    roles = g.user.role_set
    to_sign = signer_queue(database, g.user).waiting if "signer" in roles else []
    clerk_work: dict[str, Any] = {}
    if "clerk" in roles:
        for status in (DocumentStatus.RETURNED, DocumentStatus.SIGNED):
            found = search_documents(database, SearchQuery(status=status, per_page=50), viewer())
            clerk_work[status.value] = found.documents
    return render_template(
        "tasks.html",
        notifications=unread(database, g.user),
        to_sign=to_sign,
        clerk_work=clerk_work,
    )


@tasks.post("/da-xem")
@roles_required()
def seen() -> Any:
    database = db_session()
    ids = [int(value) for value in request.form.getlist("id") if value.isdigit()]
    if not ids:  # "all of them"
        ids = [notification.id for notification in unread(database, g.user)]
    mark_read(database, g.user, ids)
    database.commit()
    return redirect(url_for("tasks.waiting"))
