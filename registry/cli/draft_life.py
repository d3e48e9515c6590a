"""The draft's life on the command line: return, replace, comment, history."""

from __future__ import annotations

from pathlib import Path

import click

from ..models import Secrecy, Urgency
from ..recipients import load_recipients_file
from ..services.archive.history import document_history
from ..services.drafting.documents import find_document, read_draft
from ..services.drafting.draft_life import Revision, add_comment, return_document, revise_document
from ..services.people.users import get_user
from ..services.workers import pdf_workers
from .context import CommandContext, echo_json, pass_app
from .documents import read_pdf_argument

__all__ = ["comment_command", "history_command", "replace_command", "return_command"]


@click.command("return")
@click.argument("key")
@click.option("--comment", required=True, help="Why it goes back (lý do trả lại).")
@click.option("--as", "login", default="", help="The signer returning it (default: its signer).")
@pass_app
def return_command(app: CommandContext, key: str, comment: str, login: str) -> None:
    """The signer returns a draft or prepared document to the clerk, with a comment."""
    with app.unit_of_work() as session:
        document = find_document(session, key)
        who = get_user(session, login or (document.signer.login if document.signer else ""))
        return_document(session, document, comment=comment, by=who, actor=app.actor)


@click.command("replace")
@click.argument("key")
@click.argument("pdf", required=False, type=click.Path(dir_okay=False))
@click.option("--subject", default=None, help="A new trích yếu.")
@click.option("--type", "type_code", default=None, help="A new document type code.")
@click.option("--recipients", "recipients_file", type=click.Path(dir_okay=False), default=None)
@click.option("--urgency", type=click.Choice([u.value for u in Urgency]), default=None)
@click.option("--secrecy", type=click.Choice([s.value for s in Secrecy]), default=None)
@click.option("--authority", default=None)
@click.option("--position", default=None)
@click.option("--note", default="", help="What changed, for the signer.")
@click.option("--as", "login", default="", help="The clerk making the revision.")
@pass_app
def replace_command(
    app: CommandContext,
    key: str,
    pdf: str | None,
    subject: str | None,
    type_code: str | None,
    recipients_file: str | None,
    urgency: str | None,
    secrecy: str | None,
    authority: str | None,
    position: str | None,
    note: str,
    login: str,
) -> None:
    """A new revision of a document not yet signed: a new draft PDF and/or new metadata.
    Every earlier revision is kept; the document is a draft again, to be prepared."""
    data, facts = None, None
    if pdf:
        data = read_pdf_argument(Path(pdf))
        facts = read_draft(pdf_workers(app.instance()).inspect, data, Path(pdf).name)
    revision = Revision(
        pdf=data,
        file_name=Path(pdf).name if pdf else "",
        type_code=type_code,
        subject=subject,
        recipients=load_recipients_file(Path(recipients_file)) if recipients_file else None,
        urgency=Urgency(urgency) if urgency else None,
        secrecy=Secrecy(secrecy) if secrecy else None,
        authority=authority,
        position=position,
        note=note,
    )
    with app.unit_of_work() as session:
        document = find_document(session, key)
        author = get_user(session, login) if login else None
        changed = revise_document(
            session,
            app.instance().blobs,
            document,
            revision,
            author=author,
            actor=app.actor,
            inspect=lambda _pdf: facts,  # type: ignore[arg-type,return-value]
        )
    click.echo(", ".join(changed))


@click.command("comment")
@click.argument("key")
@click.argument("text")
@click.option("--as", "login", default="", help="Whose comment it is.")
@pass_app
def comment_command(app: CommandContext, key: str, text: str, login: str) -> None:
    """Add a comment to a document, kept with it."""
    with app.unit_of_work() as session:
        document = find_document(session, key)
        author = get_user(session, login) if login else None
        add_comment(session, document, text=text, author=author, actor=app.actor)


@click.command("history")
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="One JSON array on stdout.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi")
@pass_app
def history_command(app: CommandContext, key: str, as_json: bool, lang: str) -> None:
    """What was done to a document and said about it, oldest first."""
    with app.unit_of_work() as session:
        entries = document_history(session, find_document(session, key), lang)
    if as_json:
        echo_json([entry.as_dict() for entry in entries])
        return
    for entry in entries:
        said = f" — “{entry.said}”" if entry.said else ""
        click.echo(f"{entry.as_dict()['at']}  {entry.who}: {entry.what}{said}")
