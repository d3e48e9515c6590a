"""The ``sovanban`` command: thin click wrappers over the registry services.

Every failure is one line on stderr and a non-zero exit; ``--json`` output is one
JSON object (or array) on stdout and nothing else.
"""

from __future__ import annotations

import logging
import os
import sys

import click
from sqlalchemy.exc import SQLAlchemyError

from certs.errors import CertsError
from signing.errors import SigningError

from ..errors import RegistryError
from .admin import init_command, series_group, withdraw_command
from .archive import archive_group
from .audit import audit_group
from .book import book_command
from .certs import certs_group
from .context import CommandContext
from .demo import demo_command
from .distribution import export_command, import_edxml_command, organs_group, send_command
from .documents import (
    compose_command,
    download_command,
    list_command,
    register_command,
    show_command,
)
from .draft_life import comment_command, history_command, replace_command, return_command
from .handoff import accept_command, handoff_command
from .importing import import_command
from .language import in_terminal_language
from .mail import mail_group
from .search import search_command
from .serve import serve_command
from .signing import (
    attach_command,
    extend_command,
    issue_command,
    prepare_command,
    sign_command,
)
from .users import users_group
from .verify import verify_command

__all__ = ["cli", "main"]

EXIT_FAILURE = 1
EXIT_INTERNAL = 70  # EX_SOFTWARE


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--instance",
    "instance_dir",
    envvar="SOVANBAN_INSTANCE",
    default="instance",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Instance folder (configuration, database, blobs).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Configuration file (default: <instance>/config.toml, then built-in defaults).",
)
@click.version_option(package_name="sovanban")
@click.pass_context
def cli(context: click.Context, instance_dir: str, config_path: str | None) -> None:
    """sovanban: the outgoing-document register, signing and verification service."""
    context.obj = CommandContext(instance_dir, config_path)
    context.call_on_close(context.obj.close)


for command in (
    init_command,
    demo_command,
    users_group,
    series_group,
    compose_command,
    register_command,
    show_command,
    list_command,
    download_command,
    withdraw_command,
    certs_group,
    prepare_command,
    sign_command,
    issue_command,
    extend_command,
    attach_command,
    verify_command,
    serve_command,
    audit_group,
    book_command,
    archive_group,
    import_command,
    search_command,
    organs_group,
    export_command,
    import_edxml_command,
    send_command,
    handoff_command,
    accept_command,
    return_command,
    replace_command,
    comment_command,
    history_command,
    mail_group,
):
    cli.add_command(command)


def _quiet_libraries() -> None:
    """Libraries log their handled failures with tracebacks (pyHanko: every untrusted
    chain); a command prints its own one-line messages instead. SOVANBAN_DEBUG shows them."""
    root = logging.getLogger()
    if os.environ.get("SOVANBAN_DEBUG"):
        logging.basicConfig(level=logging.DEBUG)
    elif not root.handlers:
        root.addHandler(logging.NullHandler())


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command, turning our errors into one line and an exit status."""
    _quiet_libraries()
    try:
        cli.main(args=argv, prog_name="sovanban", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("sovanban: aborted", err=True)
        sys.exit(EXIT_FAILURE)
    except click.ClickException as exc:
        click.echo(f"sovanban: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except (RegistryError, SigningError, CertsError) as exc:
        click.echo(f"sovanban: {in_terminal_language(exc.said)}", err=True)
        sys.exit(EXIT_FAILURE)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except SQLAlchemyError as exc:
        if os.environ.get("SOVANBAN_DEBUG"):
            raise
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        click.echo(f"sovanban: database error: {reason}", err=True)
        sys.exit(EXIT_FAILURE)
    except Exception as exc:  # a bug: still one line, the traceback on request
        if os.environ.get("SOVANBAN_DEBUG"):
            raise
        click.echo(
            f"sovanban: internal error ({type(exc).__name__}: {exc}); "
            "run with SOVANBAN_DEBUG=1 for the traceback",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
