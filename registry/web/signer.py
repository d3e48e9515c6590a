"""The signer's workspace: drafts waiting for his signature, and signing with his own key."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from basics.said import said
from signing.errors import SigningError

from ..errors import RegistryError
from ..services.drafting.documents import signer_queue
from ..services.issuing.steps import sign_document
from ..services.setup.keys import configured_key, open_configured_signer
from .auth import roles_required
from .context import db_session, instance_of, signing_tools_of
from .messages import shown
from .workspace import failed_step_page, visible_document

__all__ = ["signer"]

signer = Blueprint("signer", __name__)


@signer.get("/")
@roles_required("signer")
def inbox() -> str:
    queue = signer_queue(db_session(), g.user)
    waiting, done = queue.waiting, queue.done
    return render_template("signer/inbox.html", waiting=waiting, done=done)


@signer.post("/<int:document_id>")
@roles_required("signer")
def sign(document_id: int) -> Any:
    """The certification signature with the key named after the signer's login; the
    passphrase or PIN is typed in the form, used once and never kept."""
    instance = instance_of()
    database = db_session()
    document = visible_document(document_id)
    if document.signer_id != g.user.id:
        abort(403, shown(said("This document is another person's to sign")))
    try:
        key = configured_key(instance, g.user.login)
        tools = signing_tools_of()
        with open_configured_signer(instance, key, request.form.get("secret", "")) as opened:
            sign_document(database, instance.blobs, document, opened, tools, actor=g.user.login)
    except (RegistryError, SigningError) as exc:
        return failed_step_page(document_id, exc.said, issuing=False)
    database.commit()
    return redirect(url_for("workspace.document_page", document_id=document_id))
