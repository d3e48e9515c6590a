"""The ``sovanban`` command: thin click wrappers over the registry services.

Every failure is one line on stderr and a non-zero exit; ``--json`` output is one
JSON object (or array) on stdout and nothing else.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys

import click

from basics.said import Explained

from .context import CommandContext
from .language import in_terminal_language

__all__ = ["cli", "main"]

EXIT_FAILURE = 1
EXIT_INTERNAL = 70  # EX_SOFTWARE


# Each command's module is imported when the command runs, not when ``sovanban`` starts:
# ``sovanban verify FILE`` should not pay for the web, the composer and the migrations.
COMMANDS = {
    "init": "admin:init_command",
    "demo": "demo:demo_command",
    "users": "users:users_group",
    "series": "admin:series_group",
    "compose": "documents:compose_command",
    "register": "documents:register_command",
    "show": "documents:show_command",
    "list": "documents:list_command",
    "download": "documents:download_command",
    "withdraw": "admin:withdraw_command",
    "certs": "certs:certs_group",
    "prepare": "signing:prepare_command",
    "sign": "signing:sign_command",
    "issue": "signing:issue_command",
    "extend": "signing:extend_command",
    "attach": "signing:attach_command",
    "verify": "verify:verify_command",
    "serve": "serve:serve_command",
    "audit": "audit:audit_group",
    "book": "book:book_command",
    "archive": "archive:archive_group",
    "import": "importing:import_command",
    "search": "search:search_command",
    "organs": "distribution:organs_group",
    "export-edxml": "distribution:export_command",
    "import-edxml": "distribution:import_edxml_command",
    "send": "distribution:send_command",
    "handoff": "handoff:handoff_command",
    "accept": "handoff:accept_command",
    "return": "draft_life:return_command",
    "replace": "draft_life:replace_command",
    "comment": "draft_life:comment_command",
    "history": "draft_life:history_command",
    "mail": "mail:mail_group",
    "worker": "worker:worker_command",
}


class _LazyGroup(click.Group):
    """A group whose commands are imported by name when asked for (``--help`` asks for all)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        assert isinstance(command, click.Command) and command.name == cmd_name, target
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    except Explained as exc:  # RegistryError, SigningError, CertsError: a message for people
        click.echo(f"sovanban: {in_terminal_language(exc.said)}", err=True)
        sys.exit(EXIT_FAILURE)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug: still one line, the traceback on request
        if os.environ.get("SOVANBAN_DEBUG"):
            raise
        if _is_database_error(exc):
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            click.echo(f"sovanban: database error: {reason}", err=True)
            sys.exit(EXIT_FAILURE)
        click.echo(
            f"sovanban: internal error ({type(exc).__name__}: {exc}); "
            "run with SOVANBAN_DEBUG=1 for the traceback",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)


_DATABASE_ERRORS = (
    ("sqlalchemy.exc", "SQLAlchemyError"),
    ("sqlite3", "Error"),
    ("psycopg", "Error"),
)


def _is_database_error(exc: Exception) -> bool:
    """SQLAlchemy's errors, or a driver's when a command read with the driver alone. Looked
    up among the modules loaded: one that was never imported raised nothing (and importing
    SQLAlchemy here would cost ``verify`` a fifth of its time)."""
    for module, name in _DATABASE_ERRORS:
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(exc, getattr(loaded, name)):
            return True
    return False
