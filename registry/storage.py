"""Content-addressed blob storage: every revision of every document, kept by its SHA-256.

Blobs are immutable. A write goes to a temporary file in the same folder, is flushed
to disk, then renamed into place, so a reader never sees half a blob. A read checks
the hash, so a corrupted or altered blob is reported instead of served.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from basics.files import write_atomically
from basics.said import said

from .errors import StorageError, StorageIntegrityError, StorageKeyError
from .private_files import private_folder

__all__ = [
    "BlobRef",
    "BlobStore",
    "LocalBlobStore",
    "StoredFile",
    "blob_name",
    "checked_key",
    "intact",
    "sha256_hex",
]

_KEY = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class BlobRef:
    sha256: str
    size: int


@dataclass(frozen=True)
class StoredFile:
    """A file found in the store's folders: a blob (``sha256`` set) or anything else, such
    as the temporary file of a write that a crash cut short."""

    name: str  # relative to the store's root
    sha256: str | None
    size: int
    modified: datetime


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checked_key(sha256: str) -> str:
    """``sha256`` if it is a blob key (a lower-case hex digest); anything else is refused."""
    if not isinstance(sha256, str) or _KEY.fullmatch(sha256) is None:
        raise StorageKeyError(
            said("not a blob key (64 lower-case hex digits): {sha256!r:.80}", sha256=sha256)
        )
    return sha256


def intact(sha256: str, data: bytes) -> bytes:
    """``data`` if it is what ``sha256`` names; a corrupted or replaced blob is refused."""
    if sha256_hex(data) != sha256:
        raise StorageIntegrityError(
            said(
                "blob {sha256} is corrupted: its content no longer matches its SHA-256",
                sha256=sha256,
            )
        )
    return data


def blob_name(sha256: str) -> str:
    """Where a blob lives in a store: ``ab/cd/abcd…`` (two levels keep folders small)."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


@runtime_checkable
class BlobStore(Protocol):
    """What the registry needs of a store; another backend implements the same calls."""

    def put(self, data: bytes) -> BlobRef: ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...

    def verify(self, sha256: str) -> bool: ...

    def files(self) -> Iterator[StoredFile]:
        """Every file the store holds, blob or not (leftovers of interrupted writes)."""
        ...

    def discard(self, name: str) -> None:
        """Remove a file ``files`` found (a leftover; never called for a referenced blob)."""
        ...

    def unreachable(self) -> str:
        """Why the store cannot take and give blobs now, or "" when it can (readiness)."""
        ...


class LocalBlobStore:
    """Blobs as files under ``root``: ``ab/cd/abcd…`` (two levels keep folders small)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def unreachable(self) -> str:
        # A new instance's folder is made at its first write: its parent must be there.
        folder = self.root if self.root.exists() else self.root.parent
        if not folder.is_dir():
            return "the blob folder is missing"
        if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
            return "the blob folder cannot be read and written"
        return ""

    def path_for(self, sha256: str) -> Path:
        """The file of ``sha256``; refuses anything but a lower-case hex digest."""
        path = (self.root / blob_name(checked_key(sha256))).resolve()
        # Belt and braces: even a valid key must not resolve outside the root (symlinks).
        if os.path.commonpath([self.root, path]) != str(self.root):
            raise StorageKeyError(said("blob key {sha256} leads outside the store", sha256=sha256))
        return path

    def put(self, data: bytes) -> BlobRef:
        digest = sha256_hex(data)
        path = self.path_for(digest)
        ref = BlobRef(digest, len(data))
        if path.is_file() and self.verify(digest):
            return ref
        try:
            if not self.root.is_dir():
                private_folder(self.root)  # the blobs are the documents: no one else reads them
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, data)
        except OSError as exc:
            raise StorageError(
                said(
                    "cannot store blob {digest}: {value}", digest=digest, value=exc.strerror or exc
                )
            ) from exc
        return ref

    def get(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise StorageError(
                said("blob {sha256} is missing from the store", sha256=sha256)
            ) from exc
        except OSError as exc:
            raise StorageError(
                said("cannot read blob {sha256}: {value}", sha256=sha256, value=exc.strerror or exc)
            ) from exc
        return intact(sha256, data)

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def verify(self, sha256: str) -> bool:
        """True when the blob is present and intact."""
        try:
            self.get(sha256)
        except StorageError:  # missing, unreadable or corrupted
            return False
        return True

    def files(self) -> Iterator[StoredFile]:
        """Every file under the root, blob or not (for the sweep that finds leftovers),
        one folder at a time: an archive of millions is never listed whole."""
        for first in _folders(self.root):
            for second in _folders(first):
                for entry in sorted(os.scandir(second), key=lambda found: found.name):
                    if not entry.is_file(follow_symlinks=False):
                        continue
                    name = entry.name
                    relative = f"{first.name}/{second.name}/{name}"
                    is_blob = _KEY.fullmatch(name) is not None and relative == blob_name(name)
                    stat = entry.stat(follow_symlinks=False)
                    yield StoredFile(
                        relative,
                        name if is_blob else None,
                        stat.st_size,
                        datetime.fromtimestamp(stat.st_mtime, UTC),
                    )

    def discard(self, name: str) -> None:
        """Remove a file found by ``files``; a name leading outside the root is refused."""
        path = (self.root / name).resolve()
        if path.parent.parent.parent != self.root:
            raise StorageKeyError(said("not a file of the store: {name!r:.80}", name=name))
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(
                said("cannot remove {name}: {value}", name=name, value=exc.strerror or exc)
            ) from exc


def _folders(parent: Path) -> list[Path]:
    if not parent.is_dir():
        return []
    return sorted(
        Path(entry.path) for entry in os.scandir(parent) if entry.is_dir(follow_symlinks=False)
    )
