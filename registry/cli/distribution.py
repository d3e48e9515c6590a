"""``sovanban organs | export-edxml | import-edxml | send``: distribution as edXML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from basics.said import said

from ..directory import add_organ, list_organs
from ..edxml.model import STATUS_CODES, BusinessType
from ..errors import InputError
from ..services.drafting.documents import find_document
from ..services.exchange.distribution import (
    AppliedStatus,
    document_id_of,
    export_package,
    receive,
    record_delivery_failure,
    send_document,
)
from ..services.exchange.transport import TransportError, transport_for
from .context import CommandContext, echo_json, pass_app, write_file_atomically

__all__ = ["export_command", "import_edxml_command", "organs_group", "send_command"]


@click.group("organs")
def organs_group() -> None:
    """The recipient directory: bodies and their 13-character OrganId."""


@organs_group.command("add")
@click.argument("organ_id")
@click.option("--name", required=True)
@click.option("--email", default="")
@pass_app
def organs_add(app: CommandContext, organ_id: str, name: str, email: str) -> None:
    """Add (or update) a body; Nơi nhận lines with its name get its OrganId."""
    with app.unit_of_work() as session:
        add_organ(session, organ_id=organ_id, name=name, email=email, actor=app.actor)


@organs_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def organs_list(app: CommandContext, as_json: bool) -> None:
    with app.unit_of_work() as session:
        rows = [
            {"organ_id": o.organ_id, "name": o.name, "email": o.email} for o in list_organs(session)
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['organ_id']}  {row['name']}")


@click.command("export-edxml")
@click.argument("key")
@click.option("-o", "--output", required=True, help="The package file ('-' for stdout).")
@pass_app
def export_command(app: CommandContext, key: str, output: str) -> None:
    """Write the edXML package (QCVN 102:2016) of an issued document, its PDF attached."""
    with app.unit_of_work() as session:
        _, package = export_package(session, app.instance(), find_document(session, key))
    write_file_atomically(output, package)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            said("{path}: cannot read ({strerror})", path=path, strerror=exc.strerror)
        ) from exc


@click.command("import-edxml")
@click.argument("package", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
@pass_app
def import_edxml_command(app: CommandContext, package: str, as_json: bool) -> None:
    """Read an incoming package: a receiver's status updates that recipient's delivery; a
    document package is checked and its attached PDF verified."""
    data = _read(package)
    with app.unit_of_work() as session:
        received = receive(session, app.instance(), data, actor=app.actor)
        result: dict[str, Any]
        if isinstance(received, AppliedStatus):
            document, status = received.document, received.status
            result = {
                "kind": "status",
                "document": document.number.rendered if document.number else document.id,
                "recipient": received.recipient.name,
                "organ_id": received.recipient.organ_id,
                "status": status.status_code,
                "meaning": STATUS_CODES[status.status_code],
            }
        else:
            content = received.content
            result = {
                "kind": "document",
                "document_id": content.document_id,
                "from": content.sender.name,
                "number": f"{content.code_number}/{content.code_notation}",
                "subject": content.subject,
                "business_type": content.business_type,
                "attachments": [
                    {
                        "name": a.name,
                        "bytes": len(a.data),
                        "indication": r.verdict[0] if r is not None else None,
                    }
                    for a, r in zip(content.attachments, received.reports, strict=True)
                ],
            }
    if as_json:
        echo_json(result)
        return
    for name, value in result.items():
        click.echo(f"{name}: {value}")


@click.command("send")
@click.argument("key")
@click.option("--replaces", default=None, help="The withdrawn document this one replaces.")
@pass_app
def send_command(app: CommandContext, key: str, replaces: str | None) -> None:
    """Send an issued document to its recipients with an OrganId ([distribution]); with
    --replaces, as the replacement (BussinessDocType 3) of a withdrawn one."""
    instance = app.instance()
    try:
        with app.unit_of_work() as session:
            document = find_document(session, key)
            replaced: list[str] = []
            if replaces:
                old = find_document(session, replaces)
                if old.number is None or old.issued_at is None:
                    raise InputError(
                        said(
                            "{replaces} was never issued: there is nothing to replace",
                            replaces=replaces,
                        )
                    )
                organ = instance.config.issuer.organ_id
                replaced = [document_id_of(organ, old.number, old.issued_at)]
            where = send_document(
                session,
                instance,
                document,
                transport_for(instance),
                actor=app.actor,
                business=BusinessType.REPLACE if replaced else BusinessType.NEW,
                replaces=replaced,
            )
    except TransportError as exc:
        with app.unit_of_work() as session:
            record_delivery_failure(
                session,
                find_document(session, key),
                exc.said,
                actor=app.actor,
            )
        raise
    click.echo(where)
