"""The draft's life in the browser: the clerk revises, the signer returns, both comment."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from basics.said import said

from ..errors import InputError
from ..models import Secrecy, Urgency
from ..services.drafting.documents import document_types, read_draft
from ..services.drafting.draft_life import add_comment, return_document, revise_document
from ..services.people.access import takes_part
from ..services.workers import pdf_workers
from .auth import roles_required
from .context import db_session, end_transaction, instance_of, viewer
from .forms import revision_request
from .messages import shown
from .workspace import visible_document

__all__ = ["drafts"]

drafts = Blueprint("drafts", __name__)


def _back(document_id: int) -> Any:
    return redirect(url_for("workspace.document_page", document_id=document_id))


@drafts.route("/van-thu/<int:document_id>/sua", methods=["GET", "POST"])
@roles_required("clerk")
def revise(document_id: int) -> Any:
    """A new revision: a new draft file, new metadata, or both; what was typed stays after
    an error."""
    database = db_session()
    document = visible_document(document_id)
    choices = {
        "types": document_types(database, document.issuer.scheme),
        "urgencies": list(Urgency),
        "secrecies": list(Secrecy),
    }
    if request.method == "GET":
        return render_template("clerk/revise.html", document=document, form={}, **choices)
    form = request.form
    upload = request.files.get("file")
    pdf = upload.read() if upload is not None and upload.filename else None
    try:
        revision = revision_request(form, pdf, (upload.filename or "") if upload and pdf else "")
        facts = None
        if pdf is not None:
            end_transaction()  # no lock held while a worker reads the new file
            facts = read_draft(pdf_workers(instance_of()).inspect, pdf, revision.file_name)
        revise_document(
            database,
            instance_of().blobs,
            document,
            revision,
            author=g.user,
            actor=g.user.login,
            inspect=lambda _pdf: facts,  # type: ignore[arg-type,return-value]
        )
    except InputError as exc:
        database.rollback()
        document = visible_document(document_id)
        return render_template(
            "clerk/revise.html", document=document, form=form, error=shown(exc.said), **choices
        ), 400
    database.commit()
    return _back(document_id)


@drafts.post("/ky/<int:document_id>/tra-lai")
@roles_required("signer")
def return_(document_id: int) -> Any:
    database = db_session()
    document = visible_document(document_id)
    return_document(
        database, document, comment=request.form.get("comment", ""), by=g.user, actor=g.user.login
    )
    database.commit()
    return _back(document_id)


@drafts.post("/ho-so/<int:document_id>/y-kien")
@roles_required("clerk", "signer")
def comment(document_id: int) -> Any:
    database = db_session()
    document = visible_document(document_id)
    if not takes_part(viewer(), document):
        abort(403, shown(said("Only the clerk and the document's signer comment on it")))
    add_comment(
        database,
        document,
        text=request.form.get("comment", ""),
        author=g.user,
        actor=g.user.login,
    )
    database.commit()
    return _back(document_id)
