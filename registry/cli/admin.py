"""Instance commands: init, demo, users, series."""

from __future__ import annotations

import shutil
from typing import Any

import click
from sqlalchemy import select

from ..config import example_config_path
from ..db import migrate
from ..errors import RegistryError
from ..models import Document, Series, User
from ..numbering import close_series
from ..services.compose import compose_file, seed_notice_path
from ..services.documents import DraftRequest, find_document, register_draft, withdraw_document
from ..services.setup import sync_reference_data
from ..services.users import add_user
from .context import AppContext, echo_json, pass_app

__all__ = [
    "demo_command",
    "init_command",
    "series_group",
    "users_group",
    "withdraw_command",
]


def _initialise(app: AppContext) -> dict[str, object]:
    try:
        app.folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RegistryError(
            f"cannot create the instance folder {app.folder}: {exc.strerror}"
        ) from exc
    instance = app.instance(require_schema=False)
    migrate(instance.engine)
    with app.unit_of_work() as session:
        report = sync_reference_data(session, instance.config)
    return {
        "instance": str(instance.folder),
        "config": instance.config.source,
        "database": instance.engine.url.render_as_string(hide_password=True),
        "issuer": report.issuer,
        "terms": report.terms,
        "document_types": report.types,
    }


@click.command("init")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def init_command(app: AppContext, as_json: bool) -> None:
    """Create or upgrade the instance: database schema and reference data (idempotent)."""
    summary = _initialise(app)
    if as_json:
        echo_json(summary)
    else:
        click.echo(f"instance {summary['instance']} ready ({summary['database']})")


DEMO_SIGNER = {
    "login": "nguyentrongvan",
    "full_name": "Nguyễn Trọng Vân",
    "email": "nguyentrongvan@hatinh.dcs.vn",
    "position": "Phó Bí thư Thường trực",
    "authority": "T/M Ban Chấp hành",
}


@click.command("demo")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def demo_command(app: AppContext, as_json: bool) -> None:
    """Make a demo instance: configuration, database, the signer, the seed notice registered."""
    app.folder.mkdir(parents=True, exist_ok=True)
    config_file = app.folder / "config.toml"
    if app.config_path is None and not config_file.exists():
        shutil.copyfile(example_config_path(), config_file)
    summary = _initialise(app)
    instance = app.instance()
    with app.unit_of_work() as session:
        if session.scalars(select(User).where(User.login == DEMO_SIGNER["login"])).first() is None:
            add_user(session, roles={"signer"}, actor=app.actor, **DEMO_SIGNER)
        document = session.scalars(select(Document).order_by(Document.id)).first()
        if document is None:
            notice, pdf = compose_file(instance.config, instance.folder, seed_notice_path())
            request = DraftRequest(
                pdf=pdf,
                type_code=notice.type_code,
                subject=f"{notice.title.capitalize()} {notice.subject}",
                signer_login=DEMO_SIGNER["login"],
                recipients=notice.recipients,
                file_name="thong-bao-ket-luan-2023-04-11.pdf",
            )
            issuer = app.issuer(session)
            document = register_draft(session, instance.blobs, issuer, request, actor=app.actor)
        summary["seed_document_id"] = document.id
    if as_json:
        echo_json(summary)
        return
    click.echo(f"demo instance: {summary['instance']}")
    click.echo(f"  configuration: {config_file}")
    click.echo(f"  database:      {summary['database']}")
    click.echo(f"  seed notice:   document #{summary['seed_document_id']} (draft)")
    click.echo(f"  try:           sovanban --instance {app.folder} show {document.id}")


@click.group("users")
def users_group() -> None:
    """Accounts: signers named on documents, clerks, auditors."""


@users_group.command("add")
@click.argument("login")
@click.option("--name", "full_name", required=True, help="Full name, as printed.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["clerk", "signer", "auditor", "admin"]),
)
@click.option("--email", default="")
@click.option("--position", default="", help="Chức vụ, e.g. Phó Bí thư Thường trực.")
@click.option("--authority", default="", help="Thẩm quyền ký, e.g. T/M Ban Chấp hành.")
@pass_app
def users_add(
    app: AppContext,
    login: str,
    full_name: str,
    roles: tuple[str, ...],
    email: str,
    position: str,
    authority: str,
) -> None:
    """Add an account."""
    with app.unit_of_work() as session:
        add_user(
            session,
            login=login,
            full_name=full_name,
            roles=set(roles),
            email=email,
            position=position,
            authority=authority,
            actor=app.actor,
        )


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def users_list(app: AppContext, as_json: bool) -> None:
    """List accounts."""
    with app.unit_of_work() as session:
        rows: list[dict[str, Any]] = [
            {
                "login": user.login,
                "name": user.full_name,
                "roles": sorted(user.role_set),
                "position": user.position,
                "active": user.active,
            }
            for user in session.scalars(select(User).order_by(User.login))
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['login']:<20} {row['name']:<30} {','.join(row['roles'])}")


@click.group("series")
def series_group() -> None:
    """Numbering series: list them, close one."""


@series_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def series_list(app: AppContext, as_json: bool) -> None:
    """Every series and period with the last number it gave."""
    with app.unit_of_work() as session:
        rows = [
            {
                "issuer": series.issuer.abbreviation,
                "series": series.key,
                "period": period.period_key,
                "last_number": period.last_number,
                "closed": bool(series.closed_at or period.closed_at),
            }
            for series in session.scalars(select(Series).order_by(Series.key))
            for period in series.periods
        ]
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
def series_close(app: AppContext, key: str, period_key: str | None, reason: str) -> None:
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
def withdraw_command(app: AppContext, key: str, reason: str) -> None:
    """Withdraw a document; a number it was given stays in the register, marked void."""
    with app.unit_of_work() as session:
        withdraw_document(session, find_document(session, key), reason=reason, actor=app.actor)
