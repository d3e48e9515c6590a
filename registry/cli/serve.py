"""``sovanban serve``: the web service (and the demo PKI's services at /pki) on one port."""

from __future__ import annotations

import os

import click

from ..services.setup.pki import pki_folder, pki_services
from ..services.workers import close_pools
from .context import CommandContext, pass_app
from .stopping import stopped_by_sigterm
from .worker import start_periodic_jobs

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
    start_periodic_jobs(app.instance())
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


@click.command("serve")
@click.option("--host", default=None, help="Address (default: [web] bind).")
@click.option("--port", type=int, default=None, help="Port (default: [web] port).")
@pass_app
def serve_command(app: CommandContext, host: str | None, port: int | None) -> None:
    """Serve the web interface and API of this instance."""
    serve_instance(app, host, port)
