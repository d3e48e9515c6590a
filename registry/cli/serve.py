"""``sovanban serve``: the web service (and the demo PKI's services at /pki) on one port."""

from __future__ import annotations

import os

import click

from ..services.setup.pki import pki_folder, pki_services
from ..services.workers import close_pools
from .context import CommandContext, pass_app
from .stopping import stopped_by_sigterm

__all__ = ["serve_command", "serve_instance"]


def serve_instance(app: CommandContext, host: str | None, port: int | None) -> None:
    """Run the web service until interrupted (waitress: a production WSGI server with a
    thread pool; several processes share a PostgreSQL database the same way)."""
    import waitress

    from ..web import create_app
    from ..web.access_log import configure_logging

    instance = app.instance()
    configure_logging(instance.config.web.log_format)
    variable = instance.config.pki.passphrase_env
    pki = None
    if (pki_folder(instance) / "pki.json").is_file() and os.environ.get(variable):
        pki = pki_services(instance, os.environ[variable].encode())
    web = instance.config.web
    _start_sealing(app, instance.config.audit.seal_minutes)
    _start_mailing(app)
    address = f"http://{host or web.bind}:{port or web.port}/"
    click.echo(
        f"sovanban: serving {address}" + (" and the demo PKI at /pki" if pki else ""), err=True
    )
    try:
        with stopped_by_sigterm():
            waitress.serve(
                create_app(instance, pki=pki),
                host=host or web.bind,
                port=port or web.port,
                threads=8,
                max_request_body_size=web.max_upload_mb * 1024 * 1024 + 64 * 1024,
                ident="sovanban",
            )
    finally:
        # Before the interpreter's own shutdown, which would wait for a running verification.
        close_pools()


def _start_sealing(app: CommandContext, minutes: int) -> None:
    """Seal the audit chain's head every ``minutes`` in a background thread, when a
    timestamp service is at hand (a failure is reported and tried again next time)."""
    import threading

    from ..services.archive.audit_chain import seal_instance_head
    from .signing import signing_tools_for

    instance = app.instance()
    if minutes <= 0 or not (
        instance.config.timestamping.url or os.environ.get(instance.config.pki.passphrase_env)
    ):
        return
    tools = signing_tools_for(app)

    def seal_forever() -> None:
        while not stop.wait(minutes * 60):
            try:
                with app.unit_of_work() as session:
                    seal_instance_head(session, instance, tools.timestamper, actor="service")
            except Exception as exc:  # noqa: BLE001 - the thread must outlive a bad hour
                click.echo(f"sovanban: could not seal the audit trail: {exc}", err=True)

    stop = threading.Event()
    threading.Thread(target=seal_forever, name="audit-seal", daemon=True).start()


def _start_mailing(app: CommandContext) -> None:
    """Send the notifications that are due, and tell of expired hand-offs, every
    [mail] every_seconds, in a background thread (outside every request)."""
    import threading

    from ..services.notifying.mail import deliver_mail

    instance = app.instance()
    every = max(5, instance.config.mail.every_seconds)

    def mail_forever() -> None:
        while not stop.wait(every):
            try:
                deliver_mail(instance.sessions, instance.config, instance.folder)
            except Exception as exc:  # noqa: BLE001 - the thread must outlive a bad run
                click.echo(f"sovanban: could not send the notifications: {exc}", err=True)

    stop = threading.Event()
    threading.Thread(target=mail_forever, name="mail", daemon=True).start()


@click.command("serve")
@click.option("--host", default=None, help="Address (default: [web] bind).")
@click.option("--port", type=int, default=None, help="Port (default: [web] port).")
@pass_app
def serve_command(app: CommandContext, host: str | None, port: int | None) -> None:
    """Serve the web interface and API of this instance."""
    serve_instance(app, host, port)
