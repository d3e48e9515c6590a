"""An instance: its folder, configuration, database and blob store, opened together."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config, StorageConfig, load_config
from .private_files import lock_down
from .storage import BlobStore, LocalBlobStore

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "Instance",
    "instance_with_config",
    "make_private",
    "open_blob_store",
    "open_instance",
    "resolve_config_path",
    "resolve_path",
]


@dataclass(frozen=True)
class _Database:
    engine: Engine
    sessions: sessionmaker[Session]
    # Sessions for reading only: on SQLite they never take the write lock, so a page or a
    # search never waits behind someone's write (the engine is shared).
    reading_sessions: sessionmaker[Session]


@dataclass(frozen=True)
class Instance:
    """An opened instance. Its database engine is made when first asked for: a command that
    reads the register with the driver alone (``verify``) never loads SQLAlchemy."""

    folder: Path
    config: Config
    blobs: BlobStore
    # Made once, then shared by copies made with dataclasses.replace (as the engine was).
    _database: list[_Database] = field(default_factory=list, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def database_url(self) -> str:
        return self.config.database_url(self.folder)

    @property
    def has_engine(self) -> bool:
        return bool(self._database)

    @property
    def engine(self) -> Engine:
        return self._opened().engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self._opened().sessions

    @property
    def reading_sessions(self) -> sessionmaker[Session]:
        return self._opened().reading_sessions

    def _opened(self) -> _Database:
        if not self._database:
            with self._lock:
                if not self._database:
                    from .db import READING, make_engine, make_session_factory

                    engine = make_engine(self.database_url)
                    reading = make_session_factory(engine.execution_options(**READING))
                    self._database.append(_Database(engine, make_session_factory(engine), reading))
        return self._database[0]


def resolve_path(folder: Path, configured: str) -> Path:
    """A configured path: relative to the instance folder unless absolute."""
    candidate = Path(configured).expanduser()
    return candidate if candidate.is_absolute() else folder / candidate


def resolve_config_path(folder: Path, config_path: Path | None) -> Path | None:
    """``--config`` / ``SOVANBAN_CONFIG``, else ``<instance>/config.toml`` if present."""
    if config_path is not None:
        return config_path
    from_env = os.environ.get("SOVANBAN_CONFIG")
    if from_env:
        return Path(from_env)
    candidate = folder / "config.toml"
    return candidate if candidate.is_file() else None


def make_private(instance: Instance) -> list[Path]:
    """The instance's folder, blob store and SQLite files closed to other local accounts
    (0700 folders, 0600 files); the paths whose mode changed."""
    url = instance.engine.url
    databases = [Path(url.database)] if url.get_backend_name() == "sqlite" and url.database else []
    storage = instance.config.storage
    blobs = resolve_path(instance.folder, storage.path) if storage.backend == "local" else None
    return lock_down(instance.folder, blobs=blobs, databases=databases)


def open_instance(
    folder: Path, config_path: Path | None = None, *, lazy_database: bool = False
) -> Instance:
    """Open (without creating anything) the instance in ``folder``; its database engine
    now (a wrong URL refused here), or when first used with ``lazy_database``."""
    folder = folder.expanduser().resolve()
    config = load_config(resolve_config_path(folder, config_path))
    return instance_with_config(folder, config, lazy_database=lazy_database)


def instance_with_config(folder: Path, config: Config, *, lazy_database: bool = False) -> Instance:
    """The instance in ``folder`` run with an already loaded ``config``."""
    instance = Instance(folder, config, open_blob_store(folder, config.storage))
    if not lazy_database:
        instance.engine  # noqa: B018 -- made now: a wrong database URL is refused on opening
    return instance


def open_blob_store(folder: Path, storage: StorageConfig) -> BlobStore:
    """The configured store: the instance's folder, or a bucket (nothing is contacted yet)."""
    if storage.backend == "s3":
        from .object_storage import S3BlobStore, S3Settings

        return S3BlobStore(S3Settings.from_config(storage))
    return LocalBlobStore(resolve_path(folder, storage.path))
