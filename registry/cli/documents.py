"""Document commands: compose, register, show, list, download."""

from __future__ import annotations

from pathlib import Path

import click

from basics.said import said

from ..errors import InputError
from ..models import DocumentStatus, FileKind, Secrecy, Urgency
from ..recipients import load_recipients_file
from ..services.drafting.compose import compose_file
from ..services.drafting.document_json import document_summary, document_view
from ..services.drafting.documents import (
    DraftRequest,
    find_document,
    list_documents,
    read_draft,
    read_revision,
    register_draft,
)
from ..services.workers import pdf_workers
from .context import CommandContext, echo_json, pass_app, write_file_atomically

__all__ = [
    "compose_command",
    "download_command",
    "list_command",
    "register_command",
    "show_command",
]

MAX_DRAFT_BYTES = 100 * 1024 * 1024


def read_pdf_argument(path: Path) -> bytes:
    """The bytes of a draft named on the command line, within the size a draft may have."""
    try:
        if path.stat().st_size > MAX_DRAFT_BYTES:
            raise InputError(
                said(
                    "{path}: larger than {value} MB",
                    path=path,
                    value=MAX_DRAFT_BYTES // (1024 * 1024),
                )
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputError(
            said("{path}: cannot read ({strerror})", path=path, strerror=exc.strerror)
        ) from exc


@click.command("compose")
@click.argument("notice", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, help="Where to write the PDF ('-': stdout).")
@pass_app
def compose_command(app: CommandContext, notice: str, output: str) -> None:
    """Render NOTICE (a TOML file) as a PDF in the Party layout."""
    instance = app.instance(require_schema=False)
    _, pdf = compose_file(instance.config, instance.folder, Path(notice))
    write_file_atomically(output, pdf)


@click.command("register")
@click.argument("pdf", type=click.Path(dir_okay=False))
@click.option("--type", "type_code", required=True, help="Document type code, e.g. TB.")
@click.option("--subject", required=True, help="Trích yếu: what the document is about.")
@click.option("--signer", "signer_login", required=True, help="Login of the person who signs.")
@click.option(
    "--recipients",
    "recipients_file",
    type=click.Path(dir_okay=False),
    help="Nơi nhận: pasted text, or a TOML file with [[recipients]].",
)
@click.option("--urgency", type=click.Choice([u.value for u in Urgency]), default="normal")
@click.option("--secrecy", type=click.Choice([s.value for s in Secrecy]), default="none")
@click.option("--unit", "drafting_unit", default="", help="Drafting unit (State công văn).")
@click.option(
    "--authority",
    default="",
    help="Thẩm quyền ký, e.g. 'T/M BAN THƯỜNG VỤ' or 'KT. CHỦ TỊCH' (default: the signer's).",
)
@click.option("--position", default="", help="Chức vụ under it (default: the signer's).")
@pass_app
def register_command(
    app: CommandContext,
    pdf: str,
    type_code: str,
    subject: str,
    signer_login: str,
    recipients_file: str | None,
    urgency: str,
    secrecy: str,
    drafting_unit: str,
    authority: str,
    position: str,
) -> None:
    """Register PDF as a draft; prints the new document's id, only that."""
    path = Path(pdf)
    data = read_pdf_argument(path)
    recipients = load_recipients_file(Path(recipients_file)) if recipients_file else ()
    request = DraftRequest(
        pdf=data,
        type_code=type_code,
        subject=subject,
        signer_login=signer_login,
        recipients=recipients,
        urgency=Urgency(urgency),
        secrecy=Secrecy(secrecy),
        drafting_unit=drafting_unit,
        file_name=path.name,
        authority=authority,
        position=position,
    )
    # Read in a worker first, with no transaction open (a long file holds no lock).
    facts = read_draft(pdf_workers(app.instance()).inspect, data, path.name)
    with app.unit_of_work() as session:
        document = register_draft(
            session,
            app.instance().blobs,
            app.issuer(session),
            request,
            actor=app.actor,
            inspect=lambda _pdf: facts,
        )
        document_id = document.id
    click.echo(document_id)


@click.command("show")
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@pass_app
def show_command(app: CommandContext, key: str, as_json: bool) -> None:
    """Show a document by id or by number (25-TB/ĐUK)."""
    with app.unit_of_work() as session:
        view = document_view(find_document(session, key))
    if as_json:
        echo_json(view)
        return
    number = view["number"]["rendered"] if view["number"] else "(chưa cấp số / no number yet)"
    click.echo(f"#{view['id']}  {number}  [{view['status']}]")
    click.echo(f"{view['type']['name']}: {view['subject']}")
    signer = view["signer"]
    click.echo(f"Người ký / signer: {signer['name']} — {signer['authority']} {signer['position']}")
    if view["recipients"]:
        click.echo("Nơi nhận / recipients:")
        for recipient in view["recipients"]:
            note = f" ({recipient['purpose']})" if recipient["purpose"] else ""
            archive = " [lưu]" if recipient["archive_copy"] else ""
            click.echo(f"  - {recipient['name']}{note}{archive}")
    for stored in view["files"]:
        click.echo(f"  {stored['revision']:<9} {stored['sha256']}  {stored['size']} B")


@click.command("list")
@click.option("--status", type=click.Choice([s.value for s in DocumentStatus]), default=None)
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array on stdout.")
@pass_app
def list_command(app: CommandContext, status: str | None, limit: int, as_json: bool) -> None:
    """List documents, newest first."""
    with app.unit_of_work() as session:
        wanted = DocumentStatus(status) if status else None
        rows = [
            document_summary(doc) for doc in list_documents(session, status=wanted, limit=limit)
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        number = row["number"] or "—"
        click.echo(
            f"#{row['id']:<5} {number:<16} {row['status']:<9} {row['type']:<4} {row['subject']}"
        )


@click.command("download")
@click.argument("key")
@click.option(
    "--revision",
    type=click.Choice([k.value for k in FileKind]),
    default=None,
    help="Which revision (default: the newest).",
)
@click.option("-o", "--output", required=True, help="Where to write it ('-': stdout).")
@pass_app
def download_command(app: CommandContext, key: str, revision: str | None, output: str) -> None:
    """Write a stored revision of a document to a file (its SHA-256 is checked first)."""
    with app.unit_of_work() as session:
        document = find_document(session, key)
        kind = FileKind(revision) if revision else None
        _, data = read_revision(document, app.instance().blobs, kind)
    write_file_atomically(output, data)
