"""Public pages: search by number, the document page, downloads, the verification page."""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from signing.errors import UnusablePdfError

from ..errors import NotFoundError
from ..models import Document, DocumentStatus, FileKind, Secrecy
from ..services.documents import find_document, read_revision
from ..services.verification import verify_for_instance
from . import db_session, instance_of

__all__ = ["public", "public_document"]

public = Blueprint("public", __name__)


def public_document(key: str) -> Document:
    """A document anyone may see: issued, not secret, and the policy allows lookup."""
    instance = instance_of(current_app)
    if instance.config.web.public_lookup == "none":
        abort(404)
    try:
        document = find_document(db_session(), key)
    except NotFoundError:
        abort(404)
    if document.status != DocumentStatus.ISSUED or document.secrecy != Secrecy.NONE:
        abort(404)  # secret and unissued documents do not exist for the public
    return document


@public.get("/")
def index() -> str:
    recent: list[Document] = []
    if instance_of(current_app).config.web.public_lookup == "issued":
        recent = list(
            db_session().scalars(
                select(Document)
                .where(Document.status == DocumentStatus.ISSUED, Document.secrecy == Secrecy.NONE)
                .order_by(Document.issued_at.desc())
                .limit(20)
            )
        )
    return render_template("index.html", recent=recent)


@public.get("/tra-cuu")
def search() -> Any:
    query = request.args.get("q", "").strip()[:100]
    if query:
        try:
            document = public_document(query)
        except NotFound:  # absent, secret or unissued: all "not found" for the public
            return render_template("index.html", recent=[], query=query, missing=True), 404
        return redirect(url_for("public.document_page", document_id=document.id))
    return redirect(url_for("public.index"))


@public.get("/van-ban/<int:document_id>")
def document_page(document_id: int) -> str:
    return render_template("document.html", document=public_document(str(document_id)))


@public.get("/van-ban/<int:document_id>/<any(issued, archive):revision>.pdf")
def download(document_id: int, revision: str) -> Any:
    document = public_document(str(document_id))
    try:
        stored, data = read_revision(document, instance_of(current_app).blobs, FileKind(revision))
    except NotFoundError:
        abort(404)
    number = document.number.rendered.replace("/", "-") if document.number else str(document.id)
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{number}-{revision}.pdf",
        etag=stored.sha256,
    )


@public.route("/kiem-tra", methods=["GET", "POST"])
def verify_page() -> Any:
    if request.method == "GET":
        return render_template("verify.html")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("verify.html", error="Chưa chọn tệp / no file chosen"), 400
    try:
        report = verify_for_instance(
            db_session(), instance_of(current_app), upload.read(), time_limit=None
        )
    except UnusablePdfError as exc:
        return render_template("verify.html", error=exc.message), 422
    lang = "en" if request.args.get("lang") == "en" else "vi"
    return render_template("verify.html", report=report.as_dict(lang), name=upload.filename)
