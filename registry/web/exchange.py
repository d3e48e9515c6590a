"""Sending and receiving from the clerk's workspace: an issued document sent to its
recipients as edXML, a package received (a recipient's status, or a document), attachments
signed the NĐ 30 way."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for

from basics.said import said
from signing.errors import SigningError

from ..edxml.model import STATUS_CODES
from ..errors import InputError, RegistryError
from ..services.exchange.distribution import AppliedStatus, receive, sendable_receivers
from ..services.issuing.steps import attach_file
from ..services.jobs.queue import ask
from ..services.jobs.sending import SEND
from ..services.setup.keys import open_configured_signer, organisation_key
from .auth import roles_required
from .context import db_session, instance_of, signing_tools_of
from .messages import shown
from .workspace import document_page_with, visible_document

__all__ = ["exchange"]

exchange = Blueprint("exchange", __name__)
_PACKAGE_LIMIT = 64 * 1024 * 1024  # as the command line takes them


@exchange.post("/<int:document_id>/gui")
@roles_required("clerk")
def send(document_id: int) -> Any:
    """Send the issued document to its recipients with an OrganId, as a job: the package is
    checked here (a document that cannot be sent is said at once), delivered by the queue
    with its retries; the document's page shows how it goes, and a package that never
    leaves is recorded and the clerks told."""
    instance = instance_of()
    database = db_session()
    document = visible_document(document_id)
    try:
        sendable_receivers(database, document)
    except RegistryError as exc:
        database.rollback()
        return document_page_with(document_id, shown(exc.said)), 400
    ask(database, instance, SEND, actor=g.user.login, document_id=document_id)
    database.commit()
    return redirect(url_for("workspace.document_page", document_id=document_id), code=303)


@exchange.route("/nhan-goi-tin", methods=["GET", "POST"])
@roles_required("clerk")
def receive_package() -> Any:
    """An incoming edXML package: a recipient's status is recorded on the document; a
    document package is checked and its PDFs verified."""
    if request.method == "GET":
        return render_template("clerk/receive.html")
    upload = request.files.get("file")
    data = upload.read(_PACKAGE_LIMIT + 1) if upload is not None and upload.filename else b""
    database = db_session()
    try:
        if not data:
            raise InputError(said("Choose the edXML package"))
        if len(data) > _PACKAGE_LIMIT:
            raise InputError(said("The package is over 64 MiB"))
        received = receive(database, instance_of(), data, actor=g.user.login)
    except RegistryError as exc:
        database.rollback()
        return render_template("clerk/receive.html", error=shown(exc.said)), 400
    database.commit()
    if isinstance(received, AppliedStatus):
        return render_template(
            "clerk/receive.html",
            status=received,
            meaning=STATUS_CODES.get(received.status.status_code, ""),
        )
    return render_template("clerk/receive.html", package=received)


@exchange.post("/<int:document_id>/phu-luc")
@roles_required("clerk")
def attach(document_id: int) -> Any:
    """Sign a separate attachment with the office's key (its passphrase typed here)."""
    instance = instance_of()
    database = db_session()
    document = visible_document(document_id)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InputError(said("Choose the attachment (PDF)"))
        data = upload.read()
        key = organisation_key(instance, request.form.get("key"))
        with open_configured_signer(instance, key, request.form.get("secret", "")) as signer:
            attach_file(
                database,
                instance.blobs,
                document,
                data,
                signer,
                signing_tools_of(),
                actor=g.user.login,
                name=upload.filename,
            )
    except (RegistryError, SigningError) as exc:
        database.rollback()
        return render_template(
            "error.html", code=400, message=shown(exc.said), back=document_id
        ), 400
    database.commit()
    return redirect(url_for("workspace.document_page", document_id=document_id))
