"""``sovanban mail send``: the notifications that are due, sent now (cron, or a host
that runs no ``serve``)."""

from __future__ import annotations

import click

from ..services.notifying.mail import deliver_mail
from .context import CommandContext, pass_app

__all__ = ["mail_group"]


@click.group("mail")
def mail_group() -> None:
    """E-mail notifications."""


@mail_group.command("send")
@pass_app
def send_command(app: CommandContext) -> None:
    """Send what is due; say what was sent, put off and given up."""
    instance = app.instance()
    run = deliver_mail(instance.sessions, instance.config, instance.folder)
    click.echo(
        f"sent {run.sent}, to try again {run.retried}, given up {run.failed}; "
        f"expired hand-offs told {run.expired_handoffs}"
    )
