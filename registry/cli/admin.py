"""Instance commands: init, series, withdraw."""

from __future__ import annotations

from dataclasses import asdict

import click

from basics.said import said

from ..db import migrate
from ..errors import RegistryError
from ..instance import make_private
from ..numbering import close_series
from ..private_files import private_folder
from ..services.drafting.documents import find_document
from ..services.issuing.withdrawal import withdraw_and_recall
from ..services.setup.reference_data import record_configuration, series_rows, sync_reference_data
from .context import CommandContext, echo_json, pass_app

__all__ = ["init_command", "initialise", "series_group", "withdraw_command"]


def initialise(app: CommandContext) -> dict[str, object]:
    try:
        if not app.folder.is_dir():
            private_folder(app.folder)  # an existing one is closed below, and reported
    except OSError as exc:
        raise RegistryError(
            said(
                "cannot create the instance folder {folder}: {strerror}",
                folder=app.folder,
                strerror=exc.strerror,
            )
        ) from exc
    instance = app.instance(require_schema=False)
    migrate(instance.engine)
    if instance.config.jobs.engine == "procrastinate":  # its queue, in the same database
        from ..services.jobs.postgres_queue import ensure_queue_schema

        ensure_queue_schema(instance.engine)
    if instance.config.storage.backend == "s3":  # the documents' bucket, made once
        from ..object_storage import S3BlobStore

        assert isinstance(instance.blobs, S3BlobStore)
        instance.blobs.ensure_bucket()
    made_private = make_private(instance)
    with app.unit_of_work() as session:
        report = sync_reference_data(session, instance.config)
        record_configuration(session, instance.config, actor=app.actor)
    return {
        "instance": str(instance.folder),
        "config": instance.config.source,
        "database": instance.engine.url.render_as_string(hide_password=True),
        "issuer": report.issuer,
        "terms": report.terms,
        "document_types": report.types,
        "made_private": [str(path) for path in made_private],
    }


@click.command("init")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def init_command(app: CommandContext, as_json: bool) -> None:
    """Create or upgrade the instance: database schema and reference data (idempotent)."""
    summary = initialise(app)
    if as_json:
        echo_json(summary)
    else:
        click.echo(f"instance {summary['instance']} ready ({summary['database']})")
        made_private = summary["made_private"]
        if isinstance(made_private, list) and made_private:
            click.echo(
                f"  {len(made_private)} files and folders closed to other accounts (0600/0700)"
            )


@click.group("series")
def series_group() -> None:
    """Numbering series: list them, close one."""


@series_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def series_list(app: CommandContext, as_json: bool) -> None:
    """Every series and period with the last number it gave."""
    with app.unit_of_work() as session:
        rows = [asdict(row) for row in series_rows(session)]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        state = "closed" if row["closed"] else "open"
        click.echo(f"{row['series']:<12} {row['period']:<12} {row['last_number']:>5}  {state}")


@series_group.command("close")
@click.argument("key")
@click.option("--period", "period_key", default=None, help="Close only this term or year.")
@click.option("--reason", required=True, help="Why (kept in the register).")
@pass_app
def series_close(app: CommandContext, key: str, period_key: str | None, reason: str) -> None:
    """Close a series of the instance's issuer: it gives no more numbers."""
    with app.unit_of_work() as session:
        close_series(
            session,
            issuer=app.issuer(session),
            key=key,
            reason=reason,
            actor=app.actor,
            period_key=period_key,
        )


@click.command("withdraw")
@click.argument("key")
@click.option("--reason", required=True, help="Why; kept in the register's Ghi chú column.")
@pass_app
def withdraw_command(app: CommandContext, key: str, reason: str) -> None:
    """Withdraw a document; a number it was given stays in the register, marked void. If it
    was sent as edXML, the recall package goes to the same receivers (in one transaction:
    if it cannot be delivered, nothing is withdrawn)."""
    with app.unit_of_work() as session:
        done = withdraw_and_recall(
            session, app.instance(), find_document(session, key), reason=reason, actor=app.actor
        )
    where = done.recall
    if where:
        click.echo(f"recall sent: {where}")
