"""Pages every account shares: a document's file, its revisions and page images, search."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Blueprint, abort, g, render_template, request, send_file

from basics.said import Said
from signing.errors import SigningError
from signing.preview import pages_to_show

from ..audit import AuditAction
from ..errors import NotFoundError
from ..models import Document, DocumentStatus, FileKind, Secrecy
from ..services.archive.audit_trail import document_events
from ..services.archive.history import document_history
from ..services.archive.search import SearchQuery, search_documents
from ..services.drafting.documents import document_types, read_revision
from ..services.drafting.draft_checks import secrecy_disagreement
from ..services.issuing.steps import record_failed_step
from ..services.jobs.runs import runs_for_document
from ..services.jobs.sending import SEND
from ..services.people.access import can_see, takes_part
from ..services.people.users import active_signers
from ..services.setup.reference_data import current_issuer
from ..services.workers import pdf_workers
from .auth import roles_required
from .context import caches, db_session, end_transaction, instance_of, page_number, viewer
from .i18n import current_language
from .messages import shown

__all__ = ["pdf_response", "search_query_from", "visible_document", "workspace"]

workspace = Blueprint("workspace", __name__)


def visible_document(document_id: int) -> Document:
    """The document if the person asking may see it; 404 otherwise (secrets do not exist)."""
    document = db_session().get(Document, document_id)
    if document is None or not can_see(viewer(), document):
        abort(404)
    return document


def pdf_response(document: Document, revision: FileKind | None) -> Any:
    try:
        stored, data = read_revision(document, instance_of().blobs, revision)
    except NotFoundError:
        abort(404)
    number = document.number.rendered.replace("/", "-") if document.number else f"{document.id}"
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{number}-{stored.kind.value}.pdf",
        etag=stored.sha256,
    )


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def search_query_from(args: Any) -> SearchQuery:
    """A search from query parameters; unreadable values are ignored, not errors."""

    def enum_value(kind: Any, text: str | None) -> Any:
        try:
            return kind(text) if text else None
        except ValueError:
            return None

    page = page_number(args)
    return SearchQuery(
        text=args.get("q", "")[:200],
        type_code=args.get("loai", "")[:16],
        status=enum_value(DocumentStatus, args.get("trang_thai")),
        secrecy=enum_value(Secrecy, args.get("do_mat")),
        signer_login=args.get("nguoi_ky", "")[:64],
        recipient=args.get("noi_nhan", "")[:200],
        issued_from=_day(args.get("tu_ngay")),
        issued_to=_day(args.get("den_ngay")),
        page=page,
    )


@workspace.get("/<int:document_id>")
@roles_required()
def document_page(document_id: int) -> str:
    return document_page_with(document_id)


def document_page_with(document_id: int, error: str = "") -> str:
    """The document's page; ``error`` (a step that failed: a wrong passphrase…) shown above
    its forms, so the person stays where they were and tries again."""
    document = visible_document(document_id)
    follows = takes_part(viewer(), document)
    events = list(document_events(db_session(), document.id)) if follows else []
    history = document_history(db_session(), document, current_language()) if follows else []
    pages: list[int] = []
    if document.files:
        try:
            _, newest = read_revision(document, instance_of().blobs)
            pages = [index + 1 for index in pages_to_show(newest)]
        except (SigningError, NotFoundError):
            pages = []
    warning = secrecy_disagreement(document.body_text or "", document.secrecy)
    prepared = [e for e in events if e.action == AuditAction.DOCUMENT_PREPARE]
    kept = prepared[-1].details.get("notes", []) if prepared else []
    notes = [shown(Said.from_record(note)) for note in kept]
    sending = runs_for_document(db_session(), SEND, document.id) if follows else []
    return render_template(
        "workspace/document.html",
        sending=sending,
        document=document,
        events=events,
        pages=pages,
        warning=shown(warning[0]) if warning else "",
        notes=notes,
        follows=follows,
        history=history,
        error=error,
    )


def failed_step_page(document_id: int, message: str | Said, *, issuing: bool) -> tuple[str, int]:
    """After a signature or an issue that failed (rolled back here): the attempt recorded
    without the secret, and the document's page again with the reason."""
    database = db_session()
    database.rollback()
    record_failed_step(
        database, visible_document(document_id), issuing=issuing, reason=message, actor=g.user.login
    )
    database.commit()
    return document_page_with(document_id, shown(message)), 400


@workspace.get("/<int:document_id>/<any(draft, prepared, signed, issued, archive):revision>.pdf")
@roles_required()
def download(document_id: int, revision: str) -> Any:
    return pdf_response(visible_document(document_id), FileKind(revision))


@workspace.get("/<int:document_id>/phu-luc/<int:file_id>.pdf")
@roles_required()
def attachment(document_id: int, file_id: int) -> Any:
    """A signed attachment of the document (its own file, kept beside the revisions)."""
    document = visible_document(document_id)
    stored = next(
        (f for f in document.files if f.id == file_id and f.kind == FileKind.ATTACHMENT), None
    )
    if stored is None:
        abort(404)
    return send_file(
        io.BytesIO(instance_of().blobs.get(stored.sha256)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=stored.original_name or f"phu-luc-{stored.id}.pdf",
        etag=stored.sha256,
    )


PICTURE_SECONDS = 86400.0


def rendered_page(sha256: str, data: bytes, page: int, *, outline: bool = True) -> bytes:
    """Keyed by the revision's digest: a stored revision never changes, so neither does its
    picture (about 0.3 s to draw, 0.2 MB to keep)."""
    key = f"page:{sha256}:{page}:{int(outline)}"
    png = caches().pictures.get(key)
    if png is None:
        png = pdf_workers(instance_of()).render(data, page - 1, outline=outline)
        caches().pictures.put(key, png, PICTURE_SECONDS)
    return png


@workspace.get("/<int:document_id>/trang-<int:page>.png")
@roles_required()
def page_image(document_id: int, page: int) -> Any:
    """A page of the newest revision, its number, date and signature fields outlined."""
    document = visible_document(document_id)
    stored, data = read_revision(document, instance_of().blobs)
    end_transaction()  # the picture is drawn in a worker, with nothing held here
    try:
        png = rendered_page(stored.sha256, data, page)
    except SigningError as exc:
        abort(422, shown(exc.said))
    return send_file(io.BytesIO(png), mimetype="image/png", max_age=0)


@workspace.get("/tim-kiem")
@roles_required()
def search() -> str:
    query = search_query_from(request.args)
    database = db_session()
    results = search_documents(database, query, viewer()) if request.args else None
    # One list: the office's own scheme (Party and State tables both hold a Quyết định).
    types = document_types(database, current_issuer(database, instance_of().config).scheme)
    signers = active_signers(database, active_only=False)
    return render_template(
        "workspace/search.html",
        query=query,
        results=results,
        types=types,
        signers=signers,
        statuses=list(DocumentStatus),
        secrecies=list(Secrecy),
    )
