"""An instance: its folder, configuration, database and blob store, opened together."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .config import Config, StorageConfig, load_config
from .db import READING, make_engine, make_session_factory
from .private_files import lock_down
from .storage import BlobStore, LocalBlobStore

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
class Instance:
    folder: Path
    config: Config
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore
    # Sessions for reading only: on SQLite they never take the write lock, so a page or a
    # search never waits behind someone's write (the engine is shared).
    reading_sessions: sessionmaker[Session]


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


def open_instance(folder: Path, config_path: Path | None = None) -> Instance:
    """Open (without creating anything) the instance in ``folder``."""
    folder = folder.expanduser().resolve()
    return instance_with_config(folder, load_config(resolve_config_path(folder, config_path)))


def instance_with_config(folder: Path, config: Config) -> Instance:
    """The instance in ``folder`` run with an already loaded ``config``."""
    engine = make_engine(config.database_url(folder))
    blobs = open_blob_store(folder, config.storage)
    reading = make_session_factory(engine.execution_options(**READING))
    return Instance(folder, config, engine, make_session_factory(engine), blobs, reading)


def open_blob_store(folder: Path, storage: StorageConfig) -> BlobStore:
    """The configured store: the instance's folder, or a bucket (nothing is contacted yet)."""
    if storage.backend == "s3":
        from .object_storage import S3BlobStore, S3Settings

        return S3BlobStore(S3Settings.from_config(storage))
    return LocalBlobStore(resolve_path(folder, storage.path))
