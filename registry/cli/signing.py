"""``sovanban prepare | sign | issue | extend``: the issuing flow, one document at a time."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click
from pyhanko.sign import signers

from basics.said import Said, said
from signing.errors import SigningError

from ..config import KeyConfig
from ..errors import InputError, RegistryError
from ..models import FileKind
from ..services.drafting.documents import find_document, issued_documents
from ..services.issuing.steps import (
    attach_file,
    extend_document,
    issue_document,
    prepare_in_instance,
    record_failed_step,
    sign_document,
)
from ..services.setup.keys import (
    open_configured_signer,
    organisation_key,
    personal_key,
    secret_variable,
)
from ..services.setup.signing_tools import SigningTools, signing_tools, timestamping_secret
from .context import CommandContext, pass_app, read_secret, write_file_atomically
from .language import in_terminal_language

__all__ = [
    "attach_command",
    "extend_command",
    "issue_command",
    "prepare_command",
    "sign_command",
    "signing_tools_for",
]


def signing_tools_for(app: CommandContext) -> SigningTools:
    instance = app.instance()
    variable = timestamping_secret(instance)
    passphrase = None
    if variable is not None:
        passphrase = read_secret(variable, "PKI passphrase (built-in timestamp service)").encode()
    return signing_tools(instance, passphrase)


@contextmanager
def _signer(app: CommandContext, key: KeyConfig) -> Iterator[signers.Signer]:
    variable = secret_variable(key)
    what = "passphrase" if key.kind == "pkcs12" else "PIN"
    secret = read_secret(variable, f"{what} of the key {key.name!r}")
    with open_configured_signer(app.instance(), key, secret) as signer:
        yield signer


@click.command("prepare")
@click.argument("key")
@pass_app
def prepare_command(app: CommandContext, key: str) -> None:
    """Add the number, date and signature fields to a registered draft."""
    with app.unit_of_work() as session:
        notes = prepare_in_instance(
            session,
            app.instance(),
            find_document(session, key),
            actor=app.actor,
            release=session.rollback,  # nothing written yet: no lock held while it works
        )
    for note in notes:
        click.echo(f"sovanban: {in_terminal_language(said('note: {note}', note=note))}", err=True)


@click.command("sign")
@click.argument("key")
@click.option(
    "--key",
    "key_name",
    default=None,
    help="The signing key (default: the key named after the signer's login).",
)
@pass_app
def sign_command(app: CommandContext, key: str, key_name: str | None) -> None:
    """The signer's signature: certifies the prepared notice (form filling allowed)."""
    tools = signing_tools_for(app)
    try:
        with app.unit_of_work() as session:
            document = find_document(session, key)
            login = document.signer.login if document.signer else ""
            config = personal_key(app.instance(), key_name or login)
            with _signer(app, config) as signer:
                sign_document(
                    session, app.instance().blobs, document, signer, tools, actor=app.actor
                )
    except (RegistryError, SigningError) as exc:
        _record_failure(app, [key], issuing=False, reason=exc.said)
        raise


def _record_failure(
    app: CommandContext, keys: Sequence[str], *, issuing: bool, reason: Said
) -> None:
    """The attempt that failed, in the audit trail of each document it was for (no secret)."""
    with app.unit_of_work() as session:
        for key in keys:
            try:
                document = find_document(session, key)
            except RegistryError:
                continue  # no such document: nothing was attempted on it
            record_failed_step(session, document, issuing=issuing, reason=reason, actor=app.actor)


@click.command("issue")
@click.argument("keys", nargs=-1, required=True)
@click.option(
    "--key", "key_name", default=None, help="The organisation's key (default: the first)."
)
@click.option("-o", "--output", default=None, help="Write the issued PDF here (one document).")
@pass_app
def issue_command(
    app: CommandContext, keys: tuple[str, ...], key_name: str | None, output: str | None
) -> None:
    """Give each document its number and date and apply the organisation's signature; prints
    the numbers. Several documents are issued one transaction each, with a progress bar."""
    if output and len(keys) > 1:
        raise InputError(said("-o writes one document: issue one document at a time with it"))
    tools = signing_tools_for(app)
    config = organisation_key(app.instance(), key_name)
    failures: list[str] = []
    with ExitStack() as stack:
        try:
            signer = stack.enter_context(_signer(app, config))
        except (RegistryError, SigningError) as exc:  # a wrong passphrase or PIN, a bad key
            _record_failure(app, keys, issuing=True, reason=exc.said)
            raise
        documents = stack.enter_context(
            click.progressbar(keys, label="issuing", file=sys.stderr, hidden=len(keys) == 1)
        )
        for key in documents:
            try:
                with app.unit_of_work() as session:
                    document = find_document(session, key)
                    issued = issue_document(
                        session, app.instance().blobs, document, signer, tools, actor=app.actor
                    )
                    rendered = document.number.rendered if document.number else ""
            except (InputError, SigningError) as exc:
                _record_failure(app, [key], issuing=True, reason=exc.said)
                if len(keys) == 1:
                    raise
                failures.append(f"{key}: {in_terminal_language(exc.said)}")
                continue
            if output:
                write_file_atomically(output, issued)
            click.echo(rendered)
    if failures:
        raise InputError(f"{len(failures)} of {len(keys)} not issued — " + "; ".join(failures))


@click.command("attach")
@click.argument("key")
@click.argument("attachment", type=click.Path(dir_okay=False))
@click.option(
    "--key", "key_name", default=None, help="The organisation's key (default: the first)."
)
@click.option("-o", "--output", default=None, help="Also write the signed attachment here.")
@pass_app
def attach_command(
    app: CommandContext, key: str, attachment: str, key_name: str | None, output: str | None
) -> None:
    """Sign ATTACHMENT (a separate PDF sent with an issued document) as the organisation."""
    path = Path(attachment)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            said("{path}: cannot read ({strerror})", path=path, strerror=exc.strerror)
        ) from exc
    tools = signing_tools_for(app)
    with (
        app.unit_of_work() as session,
        _signer(app, organisation_key(app.instance(), key_name)) as signer,
    ):
        signed = attach_file(
            session,
            app.instance().blobs,
            find_document(session, key),
            data,
            signer,
            tools,
            actor=app.actor,
            name=path.name,
        )
    if output:
        write_file_atomically(output, signed)


@click.command("extend")
@click.argument("key", required=False)
@pass_app
def extend_command(app: CommandContext, key: str | None) -> None:
    """Raise archive copies to PAdES B-LTA again (one document, or every issued one)."""
    tools = signing_tools_for(app)
    with app.unit_of_work() as session:
        documents = [find_document(session, key)] if key else list(issued_documents(session))
        failed = []
        with click.progressbar(documents, label="B-LTA", file=sys.stderr) as bar:
            for document in bar:
                if not any(f.kind == FileKind.ISSUED for f in document.files):
                    continue
                if not extend_document(
                    session, app.instance().blobs, document, tools, actor=app.actor
                ):
                    failed.append(document.id)
    if failed:
        raise InputError(
            said(
                "could not extend: {value} (see the audit trail)",
                value=", ".join(f"#{n}" for n in failed),
            )
        )
