"""``sovanban demo``: a working instance from nothing, with the seed notice issued."""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict

import click

from basics.said import said

from ..errors import RegistryError
from ..models import DocumentStatus
from ..private_files import private_folder
from ..services.demo import DEMO_HOLDER, issue_seed_notice, set_up_office, write_demo_config
from ..services.drafting.documents import find_document
from ..services.setup.pki import create_demo_pki
from ..services.setup.signing_tools import signing_tools
from .admin import initialise
from .context import CommandContext, echo_json, pass_app
from .serve import serve_instance

__all__ = ["demo_command"]


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Prepare the demo instance and stop.")
@click.option("--port", type=int, default=None, help="Port to serve on (default: [web] port).")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def demo_command(app: CommandContext, no_serve: bool, port: int | None, as_json: bool) -> None:
    """A demo instance from nothing: configuration, database, demo PKI and keys, the signer,
    and the reference notice composed, prepared, signed and issued."""
    private_folder(app.folder)
    config_file = app.folder / "config.toml"
    if app.config_path is None and not config_file.exists():
        write_demo_config(app.folder)
    summary = initialise(app)
    instance = app.instance()
    variable = instance.config.pki.passphrase_env
    generated = not os.environ.get(variable)
    passphrase = os.environ.get(variable) or secrets.token_urlsafe(12)
    if generated and (app.folder / "pki" / "pki.json").exists():
        raise RegistryError(
            said("the demo PKI exists already: set {variable} to its passphrase", variable=variable)
        )
    os.environ[variable] = passphrase  # for this process: signing reads it like any key's
    if not (instance.folder / "pki" / "pki.json").exists():
        create_demo_pki(instance, passphrase=passphrase.encode(), signer=DEMO_HOLDER)
    with app.unit_of_work() as session:
        office = set_up_office(session, instance, app.issuer(session), actor=app.actor)
    document_id = office.document_id
    number = None
    with app.unit_of_work() as session:
        if office.status == DocumentStatus.DRAFT:
            tools = signing_tools(instance, passphrase.encode())
            number = issue_seed_notice(
                session, instance, document_id, tools, passphrase, actor=app.actor
            )
        else:
            found = find_document(session, str(document_id)).number
            number = found.rendered if found else None
    accounts = [asdict(account) for account in office.accounts]
    summary.update(
        seed_document_id=document_id,
        seed_number=number,
        passphrase_variable=variable,
        passphrase=passphrase if generated else None,
        accounts=accounts,
    )
    if as_json:
        echo_json(summary)
        if not no_serve:
            serve_instance(app, None, port)
        return
    click.echo(f"demo instance: {summary['instance']}")
    click.echo(f"  configuration: {config_file}")
    click.echo(f"  database:      {summary['database']}")
    click.echo(f"  demo PKI:      {instance.folder / 'pki'} (keys in passphrase-protected .p12)")
    click.echo(f"  seed notice:   document #{document_id}, issued as {summary['seed_number']}")
    if generated:
        click.echo(f"  passphrase:    export {variable}={passphrase}")
    click.echo(f"  try:           sovanban --instance {app.folder} show {document_id}")
    click.echo("  accounts (new passwords at every run of the demo):")
    for account in accounts:
        click.echo(f"    {account['role']:<8} {account['login']:<16} {account['password']}")
    click.echo(f"  the signing keys' passphrase is the PKI's ({variable})")
    if not no_serve:
        serve_instance(app, None, port)
