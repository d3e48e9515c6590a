"""What every command shares: the instance it works on and one unit of work per command."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from basics.files import write_atomically

from ..db import require_current_schema
from ..instance import Instance, open_instance

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..models import Issuer

__all__ = ["CommandContext", "echo_json", "pass_app", "read_secret", "write_file_atomically"]


class CommandContext:
    """One invocation of ``sovanban``: the instance it works on (opened when first asked
    for), the configuration file it was given, and who acts (for the audit trail)."""

    def __init__(self, instance_dir: str, config_path: str | None) -> None:
        self.folder = Path(instance_dir)
        self.config_path = Path(config_path) if config_path else None
        self._instance: Instance | None = None
        self._schema_checked = False

    def instance(self, *, require_schema: bool = True) -> Instance:
        if self._instance is None:
            # The database engine when first used: ``verify`` may read with the driver alone.
            self._instance = open_instance(self.folder, self.config_path, lazy_database=True)
        if require_schema and not self._schema_checked:
            require_current_schema(self._instance.engine)
            self._schema_checked = True
        return self._instance

    def close(self) -> None:
        """Return the database connections when the command ends (not left to the collector)."""
        if self._instance is not None and self._instance.has_engine:
            self._instance.engine.dispose()
            self._instance = None

    @property
    def actor(self) -> str:
        """Who acts, for the audit trail: the operating-system account at the terminal."""
        try:
            return f"cli:{getpass.getuser()}"
        except (KeyError, OSError):
            return "cli"

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One unit of work for the whole command: committed at the end, or not at all. A
        service may roll back what it has only read (to hold no lock during long work); the
        session then begins again, which ``sessions.begin()`` would refuse."""
        session = self.instance().sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def issuer(self, session: Session) -> Issuer:
        from ..services.setup.reference_data import current_issuer

        return current_issuer(session, self.instance().config)


pass_app = click.make_pass_decorator(CommandContext)


def read_secret(variable: str, prompt: str, *, confirm: bool = False) -> str:
    """A passphrase or PIN from ``variable``, else typed at the terminal; never echoed."""
    value = os.environ.get(variable) if variable else None
    if value:
        return value
    if not sys.stdin.isatty():
        raise click.ClickException(f"{prompt}: set {variable} (no terminal to ask on)")
    typed: str = click.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    if not typed:
        raise click.ClickException(f"{prompt}: empty")
    return typed


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def write_file_atomically(target: str, data: bytes) -> None:
    """Write ``data`` to ``target`` (``-`` for stdout); a failure leaves no partial file."""
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(target)
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
