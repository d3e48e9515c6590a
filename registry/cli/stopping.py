"""SIGTERM, what systemd and container runtimes send, ends a serving command as Ctrl-C does:
the server returns, exit handlers stop the verification workers, nothing is left running."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

__all__ = ["stopped_by_sigterm"]


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    # The servers already stop cleanly on KeyboardInterrupt (waitress and werkzeug catch it).
    raise KeyboardInterrupt


@contextmanager
def stopped_by_sigterm() -> Iterator[None]:
    """Treat SIGTERM as Ctrl-C inside the block; say on stderr that the command stopped."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo("sovanban: stopped", err=True)
