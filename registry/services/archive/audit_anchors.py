"""The audit trail's sealed heads, kept outside the database: a line appended to a file of
the instance on every seal, and the same head sent to a witness outside the server when one
is configured. Someone who can rewrite the database, recompute the chain and re-seal it
cannot rewrite these too (the file needs the server's account, the witness another body)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from basics.said import said

from ...errors import RegistryError
from ...models import AuditSeal
from ...private_files import FILE_MODE

__all__ = ["Anchor", "AnchorLog", "WitnessError", "append_anchor", "read_anchors", "tell_witness"]


class WitnessError(RegistryError):
    """The configured witness did not take the head."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    sealed_at: datetime
    token_sha256: str


@dataclass(frozen=True)
class AnchorLog:
    anchors: tuple[Anchor, ...]
    unreadable: tuple[int, ...]  # line numbers that are not an anchor (edited by hand?)


def append_anchor(path: Path, seal: AuditSeal) -> None:
    """One line per seal, appended and flushed to disk; the file is never rewritten."""
    token = hashlib.sha256(seal.token).hexdigest()
    line = f"{seal.seq}\t{seal.hash}\t{seal.sealed_at.isoformat()}\t{token}\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        os.write(descriptor, line.encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_anchors(path: Path) -> AnchorLog:
    if not path.is_file():
        return AnchorLog((), ())
    anchors, unreadable = [], []
    for number, line in enumerate(path.read_text("ascii", errors="replace").splitlines(), 1):
        parts = line.split("\t")
        try:
            seq, head, sealed_at, token = parts
            anchors.append(Anchor(int(seq), head, datetime.fromisoformat(sealed_at), token))
        except ValueError:
            unreadable.append(number)
    return AnchorLog(tuple(anchors), tuple(unreadable))


def tell_witness(url: str, seal: AuditSeal, *, timeout: float = 10.0) -> None:
    body = json.dumps(
        {
            "seq": seal.seq,
            "hash": seal.hash,
            "sealed_at": seal.sealed_at.isoformat(),
            "token": base64.b64encode(seal.token).decode("ascii"),
        }
    ).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read()
    except (urllib.error.URLError, OSError) as exc:
        raise WitnessError(
            said(
                "the audit witness {url} did not take seal #{seq}: {exc}",
                url=url,
                seq=seal.seq,
                exc=exc,
            )
        ) from exc
