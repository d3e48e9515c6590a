"""Files only the service's own account may read: the instance folder and the blob store's
root 0700, the SQLite databases (with their -wal, -shm and -journal files), the session
secret and the key files 0600. New files are created so; ``lock_down`` fixes an instance
made before (``sovanban init`` runs it)."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

__all__ = ["FILE_MODE", "FOLDER_MODE", "lock_down", "private_file", "private_folder"]

FOLDER_MODE = 0o700
FILE_MODE = 0o600
_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")
_KEY_FILES = (".p12", ".pfx", ".key", ".sqlite3", ".sqlite3-wal", ".sqlite3-shm")


def private_folder(path: Path) -> None:
    """Create ``path`` (and its parents) if missing; ``path`` itself ends up 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    _set(path, FOLDER_MODE)


def private_file(path: Path) -> None:
    """Create ``path`` empty and 0600 if it is missing (SQLite takes an empty file as a new
    database, and gives its -wal and -shm files the database file's mode)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


def lock_down(folder: Path, *, blobs: Path | None, databases: list[Path]) -> list[Path]:
    """Set the modes above on an existing instance; the paths whose mode changed. The blob
    store is not walked: its root at 0700 closes it, however many files it holds (``None``:
    the blobs are not in a local folder)."""
    roots = [folder] if blobs is None else [folder, blobs]
    changed = [p for p in roots if p.is_dir() and _set(p, FOLDER_MODE)]
    files = [Path(f"{db}{suffix}") for db in databases for suffix in _SQLITE_COMPANIONS]
    files.append(folder / "secret-key")
    for parent, folders, names in os.walk(folder):
        here = Path(parent)
        folders[:] = [n for n in folders if here / n != blobs and not (here / n).is_symlink()]
        changed += [here / name for name in folders if _set(here / name, FOLDER_MODE)]
        files += [here / name for name in names if name.endswith(_KEY_FILES)]
    changed += [p for p in files if p.is_file() and not p.is_symlink() and _set(p, FILE_MODE)]
    return changed


def _set(path: Path, mode: int) -> bool:
    current = stat.S_IMODE(path.stat().st_mode)
    if current == mode:
        return False
    os.chmod(path, mode)
    return True
