"""``sovanban users``: accounts, their web passwords, pinned certificates, API tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from basics.said import said

from ..errors import InputError
from ..services.people.accounts import create_api_token, set_password
from ..services.people.users import add_user, get_user, list_users, pin_certificate
from .context import CommandContext, echo_json, pass_app, read_secret

__all__ = ["users_group"]


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
@click.option(
    "--password-env",
    default="",
    help="Variable holding the web password (without it: no web login until users passwd).",
)
@pass_app
def users_add(
    app: CommandContext,
    login: str,
    full_name: str,
    roles: tuple[str, ...],
    email: str,
    position: str,
    authority: str,
    password_env: str,
) -> None:
    """Add an account."""
    password = read_secret(password_env, "web password") if password_env else ""
    with app.unit_of_work() as session:
        user = add_user(
            session,
            login=login,
            full_name=full_name,
            roles=set(roles),
            email=email,
            position=position,
            authority=authority,
            actor=app.actor,
        )
        if password:
            set_password(session, user, password, actor=app.actor)
    if not password:
        click.echo(f"{login}: no web password yet (sovanban users passwd {login})", err=True)


@users_group.command("passwd")
@click.argument("login")
@click.option("--password-env", default="", help="Variable holding the new password (else typed).")
@pass_app
def users_passwd(app: CommandContext, login: str, password_env: str) -> None:
    """Set an account's web password (the old one and its sessions stop working)."""
    password = read_secret(password_env, f"new web password of {login}", confirm=True)
    with app.unit_of_work() as session:
        set_password(session, get_user(session, login), password, actor=app.actor)


@users_group.command("certificate")
@click.argument("login")
@click.argument("certificate", type=click.Path(dir_okay=False), required=False)
@click.option("--clear", is_flag=True, help="Accept any certificate with his e-mail again.")
@pass_app
def users_certificate(
    app: CommandContext, login: str, certificate: str | None, clear: bool
) -> None:
    """Pin LOGIN's signing certificate (PEM or DER file): a document he signs with his own
    token is accepted only with this very certificate (else: any with his e-mail)."""
    data = None
    if not clear:
        if certificate is None:
            raise InputError(said("give the certificate file, or --clear"))
        try:
            data = Path(certificate).read_bytes()
        except OSError as exc:
            raise InputError(
                said(
                    "{certificate}: cannot read ({strerror})",
                    certificate=certificate,
                    strerror=exc.strerror,
                )
            ) from exc
    with app.unit_of_work() as session:
        fingerprint = pin_certificate(session, login, data, actor=app.actor)
    click.echo(fingerprint or "cleared")


@users_group.command("token")
@click.argument("login")
@click.option("--label", required=True, help="Which machine uses the token.")
@pass_app
def users_token(app: CommandContext, login: str, label: str) -> None:
    """Create an API token for LOGIN's machine client; printed once, only its hash is kept."""
    with app.unit_of_work() as session:
        token = create_api_token(session, get_user(session, login), label, actor=app.actor)
    click.echo(token)


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def users_list(app: CommandContext, as_json: bool) -> None:
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
            for user in list_users(session)
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['login']:<20} {row['name']:<30} {','.join(row['roles'])}")
