"""Signing with one's own USB token: hand-off pages, and the download and upload addresses the
VGCA signing plugin (or any tool) uses. The addresses carry a single-use token instead of a
session: the plugin runs beside the browser and has no cookie."""

from __future__ import annotations

import io
import json
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    make_response,
    render_template,
    request,
    send_file,
    url_for,
)

from basics.said import said
from signing.handoff import HandoffRefused

from ..errors import InputError, NotFoundError
from ..services.issuing.handoff import (
    accept_handoff,
    create_handoff,
    handoff_by_token,
    take_download,
)
from ..services.verification.trust_material import trust_material
from ..words import STATUS_WORDS
from .auth import roles_required
from .context import PAGE_POLICY, db_session, instance_of, signing_tools_of, writes
from .messages import shown
from .workspace import visible_document

__all__ = ["handoff"]

handoff = Blueprint("handoff", __name__)


@handoff.post("/ho-so/<int:document_id>/ban-giao")
@roles_required("signer", "clerk")
def open_handoff(document_id: int) -> Any:
    """Open a hand-off: the signer's own signature, or (clerk) issuing with the office's token."""
    document = visible_document(document_id)
    asked = request.form.get("kind") or ("sign" if "signer" in g.user.role_set else "issue")
    kind = "issue" if asked == "issue" else "sign"
    if kind == "sign" and document.signer_id != g.user.id:
        abort(403, shown(said("This document is another person's to sign")))
    if kind == "issue" and "clerk" not in g.user.role_set:
        abort(403)
    database = db_session()
    try:
        ticket = create_handoff(database, instance_of().blobs, document, kind, actor=g.user.login)
    except InputError as exc:
        database.rollback()
        return render_template(
            "error.html", code=400, message=shown(exc.said), back=document_id
        ), 400
    database.commit()
    download = url_for("handoff.download", token=ticket.token, _external=True)
    upload = url_for("handoff.upload", token=ticket.token, _external=True)
    plugin = {"FileName": download, "FileUploadHandler": upload, "SessionId": ticket.token}
    if kind == "issue":
        plugin |= {"DocNumber": ticket.doc_number, "IssuedDate": ticket.issued_date}
    script = instance_of().config.web.vgca_plugin_script
    response = make_response(
        render_template(
            "workspace/handoff.html",
            document=document,
            ticket=ticket,
            download=download,
            upload=upload,
            plugin=plugin,
            plugin_text=json.dumps(plugin, ensure_ascii=False, indent=1),
            plugin_script=script,
            function="vgca_sign_issued" if kind == "issue" else "vgca_sign_approved",
        )
    )
    # This page also runs the plugin's script, from where the office serves it.
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(script)) if script else ""
    response.headers["Content-Security-Policy"] = PAGE_POLICY.replace(
        "script-src 'self';", f"script-src 'self' {origin};".replace(" ;", ";")
    )
    return response


@handoff.get("/ban-giao/goi-plugin.js")
def plugin_script() -> Any:
    text = resources.files("registry.web").joinpath("vgca-call.js").read_text("utf-8")
    return Response(text, mimetype="text/javascript")


@handoff.get("/ban-giao/<token>/tai-ve")
@writes
def download(token: str) -> Any:
    database = db_session()
    try:
        found, data = take_download(database, instance_of().blobs, token[:100])
    except NotFoundError:
        abort(404)
    except HandoffRefused as exc:
        abort(410, shown(exc.said))
    database.commit()
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"van-ban-{found.document_id}-{found.kind}.pdf",
    )


def _answer(status: int, message: str, code: int) -> Any:
    """The plugin's answer (JSON Status 0 = done), or a page for a person's upload."""
    if request.form.get("from_page"):
        return render_template(
            "error.html" if status else "workspace/handoff_done.html",
            code=code,
            message=message,
            back=request.form.get("from_page", type=int),
        ), code
    return {"Status": status, "Message": message, "FileServer": ""}, code


@handoff.post("/ban-giao/<token>/tai-len")
def upload(token: str) -> Any:
    """Take back the signed file (any multipart field; the plugin's is ``uploadfile``)."""
    upload_file = request.files.get("uploadfile") or next(iter(request.files.values()), None)
    if upload_file is None:
        return _answer(1, shown(said("Send the signed file (multipart 'uploadfile')")), 400)
    database = db_session()
    try:
        found = handoff_by_token(database, token[:100])
    except NotFoundError:
        return _answer(1, shown(said("No such hand-off")), 404)
    instance = instance_of()
    try:
        document = accept_handoff(
            database,
            instance.blobs,
            instance.config,
            found,
            upload_file.read(),
            signing_tools_of() if found.kind == "issue" else None,
            trust_material(instance).context,
            actor=f"handoff:{found.created_by}",
        )
    except HandoffRefused as exc:
        database.commit()  # the refused attempt is recorded; the document is unchanged
        return _answer(1, shown(said("Refused: {reason}", reason=exc.said)), 409)
    database.commit()
    return _answer(
        0,
        shown(
            said(
                "Accepted: document #{id} is now at “{status}”",
                id=document.id,
                status=STATUS_WORDS[document.status],
            )
        ),
        200,
    )
