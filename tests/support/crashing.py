"""Run ``sovanban`` and kill it with SIGKILL at a named point of issuing a document::

    python -m tests.support.crashing POINT sovanban-arguments…

POINT is one of ``POINTS`` or ``after:SECONDS`` (killed by a timer, wherever it is). The
process dies as a power cut or the OOM killer would end it: no ``finally``, no rollback
sent, no file closed. The wrappers only watch; the code under test runs unchanged.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

import registry.cli.signing as cli_signing
import registry.services.issuing.steps as issuing
import registry.storage as storage
from registry.cli import main
from signing.notice import NoticeSigning

POINTS = (
    "number-drawn",  # the number row is updated, nothing signed yet
    "pdf-signed",  # the organisation's signature made, not stored
    "blob-half-written",  # the issued PDF half written to its temporary file
    "issued-blob-stored",  # the issued PDF in the blob store, not committed
    "extending",  # the B-LTA extension begun
    "archive-blob-stored",  # the archive copy in the blob store, not committed
    "before-commit",  # everything flushed, COMMIT not yet sent
    "after-commit",  # committed, before the command could report it
)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _after(owner: Any, name: str, *, nth: int = 1) -> None:
    """Let the ``nth`` call of ``owner.name`` finish, then die."""
    original: Callable[..., Any] = getattr(owner, name)
    calls = 0

    def watched(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = original(*args, **kwargs)
        calls += 1
        if calls == nth:
            die()
        return result

    setattr(owner, name, watched)


def _before(owner: Any, name: str) -> None:
    def dying(*_args: Any, **_kwargs: Any) -> Any:
        die()

    _replace(owner, name, dying)


def _replace(owner: Any, name: str, replacement: Callable[..., Any]) -> None:
    setattr(owner, name, replacement)


def _half_written(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """What a write cut short leaves: a temporary file beside the target, half full."""
    handle, _ = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.write(handle, data[: len(data) // 2])
    os.fsync(handle)
    die()


def _on_commit(when: str) -> None:
    """Die at ``when`` (before_commit / after_commit) of the transaction that issues."""
    issue: Callable[..., Any] = vars(cli_signing)["issue_document"]
    armed = threading.Event()

    def issue_and_arm(*args: Any, **kwargs: Any) -> Any:
        armed.set()
        return issue(*args, **kwargs)

    _replace(cli_signing, "issue_document", issue_and_arm)

    def hook(_session: Session) -> None:
        if armed.is_set():
            die()

    event.listen(Session, when, hook)


def arm(point: str) -> None:
    if point.startswith("after:"):
        threading.Timer(float(point.removeprefix("after:")), die).start()
    elif point == "number-drawn":
        _after(issuing, "allocate_number")
    elif point == "pdf-signed":
        _after(NoticeSigning, "issue")
    elif point == "blob-half-written":
        _replace(storage, "write_atomically", _half_written)
    elif point == "issued-blob-stored":
        _after(storage.LocalBlobStore, "put")
    elif point == "extending":
        _before(NoticeSigning, "extend")
    elif point == "archive-blob-stored":
        _after(storage.LocalBlobStore, "put", nth=2)
    elif point in ("before-commit", "after-commit"):
        _on_commit(point.replace("-", "_"))
    else:
        raise SystemExit(f"unknown point {point!r}; one of {', '.join(POINTS)} or after:SECONDS")


if __name__ == "__main__":
    arm(sys.argv[1])
    main(sys.argv[2:])
