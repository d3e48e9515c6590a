"""The JSON API (/api/v1): the same services as the pages, for machine clients.

Machines authenticate with a bearer token (created by an administrator); without one, only
the public answers are given (verification, public documents). No cookie is read here,
so no foreign page can act through a visitor's browser.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from flask import Blueprint, Response, abort, g, request, url_for

from basics.said import said
from signing.errors import SigningError, UnusablePdfError
from signing.inspect import PdfFacts

from ..config import KeyConfig
from ..errors import InputError, NotFoundError, RegistryError
from ..models import Document, FileKind, User
from ..services.archive.history import document_history
from ..services.archive.search import search_documents
from ..services.drafting.document_json import document_summary, document_view
from ..services.drafting.documents import find_document, read_draft, register_draft
from ..services.drafting.draft_life import add_comment, return_document, revise_document
from ..services.issuing.steps import (
    issue_document,
    prepare_in_instance,
    record_failed_step,
    sign_document,
)
from ..services.issuing.withdrawal import withdraw_and_recall
from ..services.people.access import can_see, takes_part
from ..services.people.accounts import active_token, note_token_use, token_use_due
from ..services.setup.keys import open_configured_signer, organisation_key, personal_key
from ..services.setup.reference_data import current_issuer
from ..services.workers import pdf_workers
from .auth import roles_required
from .context import (
    db_session,
    end_transaction,
    instance_of,
    reads,
    signing_tools_of,
    viewer,
)
from .forms import draft_request, revision_request, well_formed
from .messages import shown
from .metrics import measured_issue
from .public import verify_upload
from .workspace import pdf_response, search_query_from

__all__ = ["api"]

api = Blueprint("api", __name__)


@api.before_request
def token_user() -> None:
    """The bearer token's account, or nobody: the API ignores the session cookie."""
    g.user = None
    header = request.headers.get("Authorization", "")
    if not header:
        return
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, shown(said("use Authorization: Bearer <token>")))
    now = datetime.now(UTC)
    with instance_of().reading_sessions() as reading:
        found = active_token(reading, token.strip())
        if found is None:
            abort(401, shown(said("the token is unknown, revoked, or its account is inactive")))
        user_id, token_id, due = found.user_id, found.id, token_use_due(found, now)
    if due:  # last_used_at, in a short write of its own, at most once a minute
        with instance_of().sessions.begin() as writing:
            note_token_use(writing, token_id, now)
    g.user = db_session().get(User, user_id)


def _document(key: str) -> Document:
    try:
        document = find_document(db_session(), key)
    except (NotFoundError, InputError):
        abort(404, shown(said("no document {key!r}", key=key)))
    if not can_see(viewer(), document):
        abort(404, shown(said("no document {key!r}", key=key)))
    return document


def _body() -> dict[str, Any]:
    """A JSON object body, or the form fields; never both."""
    if request.is_json:
        try:
            data = request.get_json(silent=True)
        except RecursionError:  # nested deeper than the parser goes: not a body we take
            data = None
        if not isinstance(data, dict):
            abort(400, shown(said("the body must be a JSON object")))
        if not well_formed(data):
            abort(
                400,
                shown(said("the body holds text that is not Unicode (a lone surrogate escape)")),
            )
        return data
    return request.form.to_dict()


@api.get("/openapi.json")
def openapi() -> Response:
    text = resources.files("registry.web").joinpath("openapi.json").read_text("utf-8")
    return Response(text, mimetype="application/json")


@api.post("/verify")
@reads
def verify() -> Any:
    """The report of DESIGN §5 for a PDF sent as multipart ``file`` or as the request body."""
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data(cache=False)
    if not data:
        return {"error": "send the PDF as multipart 'file' or as the request body"}, 400
    try:
        return verify_upload(data, pages=False).report
    except UnusablePdfError as exc:
        return {"error": shown(exc.said)}, 422


@api.get("/documents")
def search() -> Any:
    """Documents the caller may see matching the query parameters (q, loai, trang_thai, …)."""
    results = search_documents(db_session(), search_query_from(request.args), viewer())
    return {
        "total": results.total,
        "total_is_exact": results.total_is_exact,
        "page": results.page,
        "per_page": results.per_page,
        "documents": [document_summary(document) for document in results.documents],
    }


@api.get("/documents/<path:key>")
def document(key: str) -> Any:
    return document_view(_document(key), viewer())


@api.get(
    "/documents/<int:document_id>/files/<any(draft, prepared, signed, issued, archive):revision>"
)
def download(document_id: int, revision: str) -> Any:
    found = _document(str(document_id))
    if g.user is None and revision not in ("issued", "archive"):
        abort(404, shown(said("no such public revision")))
    return pdf_response(found, FileKind(revision))


def _done(document: Document, status: int = 200) -> Any:
    db_session().commit()
    response = document_view(document, viewer())
    return response, status, {"Location": url_for("api.document", key=str(document.id))}


@api.post("/documents")
@roles_required("clerk")
def register() -> Any:
    """Register a draft: multipart ``file`` with the form fields type, subject, signer, …"""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, shown(said("send the draft PDF as multipart 'file'")))
    draft = draft_request(request.form, upload.read(), upload.filename)
    database = db_session()
    issuer = current_issuer(database, instance_of().config)
    end_transaction()  # nothing written yet: no lock held while a worker reads the PDF
    created = register_draft(
        database,
        instance_of().blobs,
        issuer,
        draft,
        actor=g.user.login,
        inspect=pdf_workers(instance_of()).inspect,
    )
    return _done(created, 201)


@api.post("/documents/<int:document_id>/prepare")
@roles_required("clerk")
def prepare(document_id: int) -> Any:
    found = _document(str(document_id))
    prepare_in_instance(
        db_session(), instance_of(), found, actor=g.user.login, release=end_transaction
    )
    return _done(found)


def _secret() -> str:
    secret = _body().get("secret", "")
    if not isinstance(secret, str) or not secret:
        abort(
            400,
            shown(
                said("give the key's passphrase or PIN as 'secret' (it is used once, never kept)")
            ),
        )
    return secret


def _with_key(document: Document, key: KeyConfig, step: Callable[..., Any]) -> Any:
    """Open ``key`` with the secret sent, take the signing ``step``, answer the document."""
    instance = instance_of()
    database = db_session()
    document_id = document.id
    secret = _secret()
    try:
        measure: AbstractContextManager[None] = (
            measured_issue() if step is issue_document else nullcontext()
        )
        with measure, open_configured_signer(instance, key, secret) as opened:
            step(database, instance.blobs, document, opened, signing_tools_of(), actor=g.user.login)
    except (SigningError, RegistryError) as exc:
        database.rollback()
        record_failed_step(
            database,
            _document(str(document_id)),
            issuing=step is issue_document,
            reason=exc.said,
            actor=g.user.login,
        )
        database.commit()
        raise InputError(exc.said) from exc
    return _done(document)


@api.post("/documents/<int:document_id>/sign")
@roles_required("signer")
def sign(document_id: int) -> Any:
    found = _document(str(document_id))
    if found.signer_id != g.user.id:
        abort(403, shown(said("this document is another person's to sign")))
    return _with_key(found, personal_key(instance_of(), g.user.login), sign_document)


@api.post("/documents/<int:document_id>/issue")
@roles_required("clerk")
def issue(document_id: int) -> Any:
    found = _document(str(document_id))
    key = organisation_key(instance_of(), str(_body().get("key") or ""))
    return _with_key(found, key, issue_document)


@api.post("/documents/<int:document_id>/withdraw")
@roles_required("clerk")
def withdraw(document_id: int) -> Any:
    found = _document(str(document_id))
    reason = _body().get("reason", "")
    withdraw_and_recall(db_session(), instance_of(), found, reason=str(reason), actor=g.user.login)
    return _done(found)


@api.post("/documents/<int:document_id>/return")
@roles_required("signer")
def return_(document_id: int) -> Any:
    """The signer returns a draft or prepared document with ``comment``."""
    found = _document(str(document_id))
    comment = str(_body().get("comment", ""))
    return_document(db_session(), found, comment=comment, by=g.user, actor=g.user.login)
    return _done(found)


@api.post("/documents/<int:document_id>/revise")
@roles_required("clerk")
def revise(document_id: int) -> Any:
    """A new revision: multipart ``file`` (optional) and the fields to change."""
    found = _document(str(document_id))
    upload = request.files.get("file")
    pdf = upload.read() if upload is not None and upload.filename else None
    revision = revision_request(_body(), pdf, (upload.filename or "") if pdf and upload else "")
    database = db_session()
    facts: PdfFacts | None = None
    if pdf is not None:
        end_transaction()  # no lock held while a worker reads the new file
        facts = read_draft(pdf_workers(instance_of()).inspect, pdf, revision.file_name)

    def inspect(_pdf: bytes) -> PdfFacts:
        assert facts is not None  # a revision without a file reads none
        return facts

    revise_document(
        database,
        instance_of().blobs,
        found,
        revision,
        author=g.user,
        actor=g.user.login,
        inspect=inspect,
    )
    return _done(found)


@api.post("/documents/<int:document_id>/comments")
@roles_required("clerk", "signer")
def comment(document_id: int) -> Any:
    found = _document(str(document_id))
    if not takes_part(viewer(), found):
        abort(403, shown(said("only the clerk and the document's signer comment on it")))
    add_comment(
        db_session(),
        found,
        text=str(_body().get("comment", "")),
        author=g.user,
        actor=g.user.login,
    )
    return _done(found, 201)


@api.get("/documents/<int:document_id>/history")
@roles_required("clerk", "signer", "auditor")
def history(document_id: int) -> Any:
    found = _document(str(document_id))
    if not takes_part(viewer(), found):
        abort(
            403,
            shown(said("only the clerk, the auditor and the document's signer follow its making")),
        )
    lang = "en" if request.args.get("lang") == "en" else "vi"
    return {"history": [entry.as_dict() for entry in document_history(db_session(), found, lang)]}


@api.errorhandler(RegistryError)
def registry_error(error: RegistryError) -> Any:
    db_session().rollback()
    status = 404 if isinstance(error, NotFoundError) else 400
    return {"error": shown(error.said)}, status
