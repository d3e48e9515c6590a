"""Public pages: search, the document page, downloads, the verification page."""

from __future__ import annotations

import base64
import io
import json
import time
from importlib import resources
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.exceptions import NotFound

from basics.said import said
from signing.errors import SigningError, UnusablePdfError

from ..errors import InputError, NotFoundError
from ..models import Document, FileKind
from ..services.archive.search import SearchQuery, search_documents
from ..services.drafting.documents import find_document, read_revision
from ..services.people.access import can_see
from ..services.verification.pool import pool_for
from ..services.verification.verify import record_verification
from .auth import rate_limit
from .context import (
    caches,
    db_session,
    end_transaction,
    instance_of,
    page_number,
    public_viewer,
    reads,
    viewer,
)
from .i18n import current_language
from .messages import shown
from .metrics import measured_verification
from .workspace import pdf_response, rendered_page

__all__ = ["public", "public_document", "verify_upload"]

public = Blueprint("public", __name__)


def public_document(key: str) -> Document:
    """A document anyone may see (issued, not secret, lookup allowed); 404 otherwise."""
    try:
        document = find_document(db_session(), key)
    except (NotFoundError, InputError):
        abort(404)
    if not can_see(public_viewer(), document):
        abort(404)  # secret and unissued documents do not exist for the public
    return document


def _public_query(query: SearchQuery) -> Any:
    return search_documents(db_session(), query, public_viewer())


@public.get("/")
def index() -> str:
    recent = _public_query(SearchQuery(per_page=20)).documents
    return render_template("index.html", recent=recent)


@public.get("/tra-cuu")
def search() -> Any:
    """A number leads straight to its document; words list the matching public documents."""
    query = request.args.get("q", "").strip()[:200]
    if not query:
        return redirect(url_for("public.index"))
    page = page_number(request.args)
    if any(ch.isdigit() for ch in query) and page == 1:
        try:
            document = public_document(query)
            return redirect(url_for("public.document_page", document_id=document.id))
        except NotFound:  # absent, secret or unissued: all "not found" for the public
            pass
    results = _public_query(SearchQuery(text=query, page=page))
    status = 200 if results.total else 404
    return render_template("index.html", recent=[], query=query, results=results), status


REPORT_SECONDS = 600.0


def _stored_report(document: Document) -> dict[str, Any] | None:
    """The verification report of the issued copy, kept ten minutes (it changes only when
    a certificate is revoked or expires)."""
    try:
        stored, data = read_revision(document, instance_of().blobs, FileKind.ISSUED)
    except NotFoundError:
        return None
    language = current_language()
    key = f"report:{stored.sha256}:{language}"
    kept = caches().reports.get(key)
    if kept is not None:
        report: dict[str, Any] = json.loads(kept)
        return report
    end_transaction()
    web = instance_of().config.web
    try:
        verified = pool_for(instance_of()).verify(
            data, language, float(web.verify_seconds), public_viewer()
        )
    except UnusablePdfError:
        return None
    caches().reports.put(key, json.dumps(verified.report).encode("utf-8"), REPORT_SECONDS)
    return verified.report


@public.get("/van-ban/<int:document_id>")
def document_page(document_id: int) -> str:
    document = public_document(str(document_id))
    return render_template(
        "document.html",
        document=document,
        report=_stored_report(document),
        page_url=instance_of().config.document_url(document.id),
    )


@public.get("/van-ban/<int:document_id>/trang-1.png")
def first_page(document_id: int) -> Any:
    """The issued document's first page as it prints (number, date, signatures drawn)."""
    document = public_document(str(document_id))
    stored, data = read_revision(document, instance_of().blobs, FileKind.ISSUED)
    end_transaction()  # drawn in a worker, with nothing held here
    try:
        png = rendered_page(stored.sha256, data, 1, outline=False)
    except SigningError as exc:
        abort(422, shown(exc.said))
    return send_file(io.BytesIO(png), mimetype="image/png", max_age=3600)


@public.get("/van-ban/<int:document_id>/<any(issued, archive):revision>.pdf")
def download(document_id: int, revision: str) -> Any:
    return pdf_response(public_document(str(document_id)), FileKind(revision))


@public.get("/tai-len.js")
def upload_script() -> Any:
    """The script that shows a large upload's progress (the pages work without it)."""
    text = resources.files("registry.web").joinpath("upload-progress.js").read_text("utf-8")
    response = Response(text, mimetype="text/javascript")
    response.cache_control.public, response.cache_control.max_age = True, 3600
    return response


def verify_upload(data: bytes, *, pages: bool) -> Any:
    """Verify in a worker process, within the configured time. Anonymous callers are
    rate-limited per address; an account (session or API token) answers for its own use
    and is not, so that the office's own systems can check a whole archive."""
    if g.get("user") is None:
        rate_limit("verify")
    # End this request's transaction first: on SQLite it holds the database lock, which
    # the worker's own reading would wait for.
    end_transaction()
    web = instance_of().config.web
    started = time.perf_counter()
    verified = pool_for(instance_of()).verify(
        data, current_language(), float(web.verify_seconds), viewer(), pages=pages
    )
    measured_verification(verified.report, time.perf_counter() - started)
    user = g.get("user")
    if user is not None:  # a verification by a logged-in person is part of the record
        with instance_of().sessions.begin() as writing:
            record_verification(writing, verified.report, actor=user.login)
    return verified


@public.route("/kiem-tra", methods=["GET", "POST"])
@reads
def verify_page() -> Any:
    if request.method == "GET":
        return render_template("verify.html")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("verify.html", error=shown(said("No file chosen"))), 400
    try:
        verified = verify_upload(upload.read(), pages=True)
    except UnusablePdfError as exc:
        return render_template("verify.html", error=shown(exc.said)), 422
    images = [
        (number, "data:image/png;base64," + base64.b64encode(png).decode("ascii"))
        for number, png in verified.pages
    ]
    registry = verified.report.get("registry") or {}
    staff_link = None
    if registry.get("document_id") and viewer().user_id is not None:
        document = db_session().get(Document, registry["document_id"])
        if document is not None and can_see(viewer(), document):
            staff_link = document.id
    return render_template(
        "verify.html",
        report=verified.report,
        name=upload.filename,
        images=images,
        staff_link=staff_link,
    )
