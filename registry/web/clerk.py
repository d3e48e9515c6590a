"""The clerk's workspace (văn thư): register drafts, prepare, issue, withdraw, the register book."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for

from basics.said import said
from signing.errors import SigningError

from ..errors import InputError, RegistryError
from ..models import DocumentStatus, JobRun, JobState, Secrecy, Urgency, User
from ..services.archive import register_book as register_book_service
from ..services.archive.register_book import (
    BOOK_FORMATS,
    book_periods,
    book_rows,
    export_book,
)
from ..services.archive.search import SearchQuery, search_documents
from ..services.drafting.compose import compose_data
from ..services.drafting.documents import document_types, register_draft
from ..services.issuing.steps import issue_document, prepare_in_instance
from ..services.issuing.withdrawal import withdraw_and_recall
from ..services.jobs.book_export import BOOK_EXPORT
from ..services.jobs.queue import ask
from ..services.people.users import active_signers, find_user
from ..services.setup.keys import open_configured_signer, organisation_key
from ..services.setup.reference_data import current_issuer
from ..services.workers import pdf_workers
from .auth import roles_required
from .context import (
    db_session,
    end_transaction,
    instance_of,
    page_number,
    signing_tools_of,
    viewer,
    writes,
)
from .forms import choice, draft_request
from .messages import shown
from .metrics import measured_issue
from .workspace import failed_step_page, visible_document

__all__ = ["clerk"]

clerk = Blueprint("clerk", __name__)


@clerk.get("/")
@roles_required("clerk")
def documents() -> str:
    status_text = request.args.get("trang_thai", "")
    status = DocumentStatus(status_text) if status_text in set(DocumentStatus) else None
    page = page_number(request.args)
    results = search_documents(
        db_session(), SearchQuery(status=status, page=page, per_page=25), viewer()
    )
    return render_template(
        "clerk/documents.html", results=results, status=status, statuses=list(DocumentStatus)
    )


def _form_choices() -> dict[str, Any]:
    database = db_session()
    issuer = current_issuer(database, instance_of().config)
    return {
        "types": document_types(database, issuer.scheme),
        "signers": active_signers(database),
        "urgencies": list(Urgency),
        "secrecies": list(Secrecy),
    }


def _draft_pdf(form: Any, signer: User | None) -> tuple[bytes, str]:
    """The uploaded draft, or the notice composed from the form's title and body."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return upload.read(), upload.filename
    if not form.get("body", "").strip():
        raise InputError(said("Choose a draft PDF or write the body"))
    if signer is None:
        raise InputError(said("Choose the signer"))
    data: dict[str, Any] = {
        "type": form.get("type", ""),
        "subject": form.get("subject", ""),
        "body": form.get("body", ""),
        # Checked here, to name the fields by their labels rather than the notice's keys.
        "secrecy": choice(Secrecy, form.get("secrecy", "none"), said("Secrecy")).value,
        "urgency": choice(Urgency, form.get("urgency", "normal"), said("Urgency")).value,
        "signature": {
            "authority": form.get("authority", "").strip() or signer.authority or " ",
            "position": form.get("position", "").strip() or signer.position or " ",
            "name": signer.full_name,
            "login": signer.login,
        },
    }
    if form.get("title", "").strip():
        data["title"] = form["title"]
    if form.get("recipients", "").strip():
        data["recipients"] = form["recipients"]
    where = shown(said("the form"))
    _, pdf = compose_data(instance_of().config, instance_of().folder, data, where)
    return pdf, "du-thao.pdf"


@clerk.route("/dang-ky", methods=["GET", "POST"])
@roles_required("clerk")
def register() -> Any:
    if request.method == "GET":
        return render_template("clerk/register.html", form={}, **_form_choices())
    form = request.form
    database = db_session()
    try:
        signer = find_user(database, form.get("signer", ""))
        pdf, name = _draft_pdf(form, signer)
        draft = draft_request(form, pdf, name)
        issuer = current_issuer(database, instance_of().config)
        end_transaction()  # nothing written yet: no lock held while a worker reads the PDF
        document = register_draft(
            database,
            instance_of().blobs,
            issuer,
            draft,
            actor=g.user.login,
            inspect=pdf_workers(instance_of()).inspect,
        )
    except InputError as exc:
        database.rollback()
        message = shown(exc.said)
        # Everything typed comes back; only the file must be chosen again.
        return render_template(
            "clerk/register.html", form=form, error=message, **_form_choices()
        ), 400
    database.commit()
    return redirect(url_for("workspace.document_page", document_id=document.id))


@clerk.post("/<int:document_id>/chuan-bi")
@roles_required("clerk")
def prepare(document_id: int) -> Any:
    database = db_session()
    document = visible_document(document_id)
    prepare_in_instance(
        database, instance_of(), document, actor=g.user.login, release=end_transaction
    )
    database.commit()
    return redirect(url_for("workspace.document_page", document_id=document_id))


@clerk.post("/<int:document_id>/ban-hanh")
@roles_required("clerk")
def issue(document_id: int) -> Any:
    """Number, date and the organisation's signature; the key's passphrase is typed here."""
    instance = instance_of()
    database = db_session()
    document = visible_document(document_id)
    key = organisation_key(instance, request.form.get("key"))
    tools = signing_tools_of()
    try:
        with (
            measured_issue(),
            open_configured_signer(instance, key, request.form.get("secret", "")) as signer,
        ):
            issue_document(database, instance.blobs, document, signer, tools, actor=g.user.login)
    except (RegistryError, SigningError) as exc:
        return failed_step_page(document_id, exc.said, issuing=True)
    database.commit()
    return redirect(url_for("workspace.document_page", document_id=document_id))


@clerk.post("/<int:document_id>/thu-hoi")
@roles_required("clerk")
def withdraw(document_id: int) -> Any:
    database = db_session()
    document = visible_document(document_id)
    withdraw_and_recall(
        database, instance_of(), document, reason=request.form.get("reason", ""), actor=g.user.login
    )
    database.commit()
    return redirect(url_for("workspace.document_page", document_id=document_id))


@clerk.get("/so-van-ban")
@roles_required("clerk", "auditor")
@writes
def register_book() -> Any:
    """Sổ đăng ký văn bản đi of one term or year; ``?dinh_dang=csv`` downloads it."""
    database = db_session()
    periods = book_periods(database)
    period = request.args.get("ky") or (periods[0] if periods else "")
    rows = book_rows(database, period, viewer()) if period in periods else []
    kind = request.args.get("dinh_dang", "")
    if kind in BOOK_FORMATS and len(rows) > register_book_service.QUEUED_FROM_ROWS:
        run_id = ask(
            database,
            instance_of(),
            BOOK_EXPORT,
            actor=g.user.login,
            period=period,
            kind=kind,
            user_id=g.user.id,
        )
        database.commit()
        return redirect(url_for("clerk.book_export", run_id=run_id), code=303)
    if kind in BOOK_FORMATS and rows:
        book = export_book(database, instance_of(), period, kind, viewer(), actor=g.user.login)
        database.commit()
        return Response(
            book.data,
            mimetype=book.mimetype,
            headers={"Content-Disposition": f'attachment; filename="{book.filename}"'},
        )
    return render_template("clerk/book.html", rows=rows, periods=periods, period=period)


def _book_export_run(run_id: int) -> JobRun:
    """A book export this account asked for (anyone else's is not found)."""
    run = db_session().get(JobRun, run_id)
    if run is None or run.task != BOOK_EXPORT or run.actor != g.user.login:
        abort(404)
    return run


@clerk.get("/so-van-ban/xuat/<int:run_id>")
@roles_required("clerk", "auditor")
def book_export(run_id: int) -> Any:
    """A large period's export: how far it is (the page refreshes itself), then its file."""
    return render_template("clerk/book_export.html", run=_book_export_run(run_id))


@clerk.get("/so-van-ban/xuat/<int:run_id>/tai")
@roles_required("clerk", "auditor")
def book_export_file(run_id: int) -> Any:
    run = _book_export_run(run_id)
    if run.state != JobState.DONE:
        abort(404)
    blobs, sha256 = instance_of().blobs, str(run.result["sha256"])
    if not blobs.exists(sha256):
        abort(410)  # kept for a week, then swept away: export it again
    data = blobs.get(sha256)
    return Response(
        data,
        mimetype=str(run.result["mimetype"]),
        headers={"Content-Disposition": f'attachment; filename="{run.result["filename"]}"'},
    )
