"""``sovanban handoff | accept``: signing with a key the server never sees."""

from __future__ import annotations

from pathlib import Path

import click

from basics.said import said
from signing.handoff import HandoffRefused

from ..errors import InputError
from ..services.drafting.documents import find_document
from ..services.issuing.handoff import accept_handoff, create_handoff, open_handoff, take_download
from ..services.verification.trust_material import trust_material
from .context import CommandContext, echo_json, pass_app, write_file_atomically
from .signing import signing_tools_for

__all__ = ["accept_command", "handoff_command"]


@click.command("handoff")
@click.argument("key")
@click.option("--issue", "for_issue", is_flag=True, help="Hand out for issuing (number drawn now).")
@click.option("-o", "--output", required=True, help="Where to write the PDF to sign.")
@click.option("--minutes", type=int, default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def handoff_command(
    app: CommandContext, key: str, for_issue: bool, output: str, minutes: int, as_json: bool
) -> None:
    """Write the revision to sign with a token (USB key, Adobe, vSignPDF, pyHanko…); take
    the result back with `sovanban accept`. For issuing, the number and date to write in
    the number and date fields are printed (and drawn now: they stay the document's)."""
    instance = app.instance()
    with app.unit_of_work() as session:
        ticket = create_handoff(
            session,
            instance.blobs,
            find_document(session, key),
            "issue" if for_issue else "sign",
            actor=app.actor,
            minutes=minutes,
        )
        _, data = take_download(session, instance.blobs, ticket.token)
    write_file_atomically(output, data)
    summary = {
        "handoff": ticket.handoff_id,
        "kind": ticket.kind,
        "expires_at": ticket.expires_at.isoformat(),
        "DocNumber": ticket.doc_number,
        "number_field": ticket.number_text,
        "date_field": ticket.date_text,
        "IssuedDate": ticket.issued_date,
    }
    if as_json:
        echo_json(summary)
        return
    for name, value in summary.items():
        if value:
            click.echo(f"{name}: {value}")


@click.command("accept")
@click.argument("key")
@click.argument("signed", type=click.Path(dir_okay=False))
@pass_app
def accept_command(app: CommandContext, key: str, signed: str) -> None:
    """Take back a file signed outside the service for the document's open hand-off; it is
    refused, with the reason, unless it is exactly the handed-out revision plus one
    signature by the right certificate (and, for issuing, the allocated number and date)."""
    instance = app.instance()
    try:
        data = Path(signed).read_bytes()
    except OSError as exc:
        raise InputError(
            said("{signed}: cannot read ({strerror})", signed=signed, strerror=exc.strerror)
        ) from exc
    refused = None
    with app.unit_of_work() as session:
        document = find_document(session, key)
        handoff = open_handoff(session, document)
        tools = signing_tools_for(app) if handoff.kind == "issue" else None
        try:
            accept_handoff(
                session,
                instance.blobs,
                instance.config,
                handoff,
                data,
                tools,
                trust_material(instance).context,
                actor=app.actor,
            )
            status = document.status.value
        except HandoffRefused as exc:
            refused = exc  # the refusal is recorded: commit it, then report
    if refused is not None:
        raise InputError(said("refused: {message}", message=refused.said))
    click.echo(status)
