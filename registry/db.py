"""Engines, sessions and migrations for SQLite (embedded) and PostgreSQL.

On SQLite every transaction starts with ``BEGIN IMMEDIATE``: writers queue on the
database lock (busy timeout) instead of failing when a read lock cannot be upgraded,
which is what makes number allocation safe across processes. WAL keeps readers
unblocked; ``synchronous=FULL`` because a committed number must survive a power cut.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basics.said import said

from .errors import ConfigError, NotInitialisedError, RegistryError
from .private_files import private_file

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

# SQLAlchemy is imported where it is used: a one-shot ``verify`` reads the register with the
# database driver alone and never loads it (a third of that process's time).

__all__ = [
    "READING",
    "READING_OPTION",
    "SCHEMA_HEAD",
    "make_engine",
    "make_session_factory",
    "migrate",
    "require_current_schema",
    "schema_refusal",
]

# Issuing holds the lock while it signs (~0.3 s); eight busy writers on two cores can keep
# one waiting a long time, and SQLite's busy handler is not first-come first-served.
SQLITE_BUSY_TIMEOUT_MS = 180_000


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the connection settings the registry relies on."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        if url.startswith("sqlite"):
            engine = create_engine(
                url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
            )
            _tune_sqlite(engine)
        else:
            engine = create_engine(url, pool_pre_ping=True, **kwargs)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigError(
            said("database URL {redact!r} cannot be used: {exc}", redact=_redact(url), exc=exc)
        ) from exc
    except ModuleNotFoundError as exc:
        raise ConfigError(
            said(
                "the database driver '{name}' is not installed (PostgreSQL needs: pip install "
                "'sovanban[postgres]')",
                name=exc.name,
            )
        ) from exc
    return engine


def _redact(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rsplit("@", 1)[1]
    return scheme + sep + rest


READING_OPTION = "sovanban_reading"
READING = {READING_OPTION: True}  # engine.execution_options(**READING): read-only sessions


def _tune_sqlite(engine: Engine) -> None:
    from sqlalchemy import event

    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database)

        @event.listens_for(engine, "do_connect")
        def _created_private(*_args: Any) -> None:
            # Before SQLite creates the file with the umask's mode (0644: secret subjects and
            # body text readable by every local account).
            if path.parent.is_dir():
                private_file(path)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so that BEGIN IMMEDIATE is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writer takes the lock at once (a number drawn after a read is never stale); a
        # reader does not take it at all, so it never waits behind a writer (WAL).
        reading = connection.get_execution_options().get(READING_OPTION)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine, expire_on_commit=False)


# The newest migration. A command that only reads compares the database with it instead of
# loading Alembic and every migration script (about 150 ms of a one-shot ``verify``); a
# test holds it equal to Alembic's head.
SCHEMA_HEAD = "0011"


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(resources.files("registry") / "migrations"))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent)."""
    from alembic import command
    from sqlalchemy.exc import OperationalError

    try:
        command.upgrade(_alembic_config(engine), "head")
    except OperationalError as exc:
        raise RegistryError(said("cannot migrate the database: {orig}", orig=exc.orig)) from exc


def require_current_schema(engine: Engine) -> None:
    """Refuse to work on a database that ``sovanban init`` has not brought up to date."""
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import OperationalError

    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and not Path(database).is_file():
        # Connecting would create an empty file: say so instead, and write nothing.
        raise NotInitialisedError(said("the instance has no database yet: run 'sovanban init'"))
    try:
        with engine.connect() as connection:
            current = (
                connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if inspect(connection).has_table("alembic_version")
                else None
            )
    except OperationalError as exc:
        raise NotInitialisedError(said("cannot open the database: {orig}", orig=exc.orig)) from exc
    refusal = schema_refusal(current)
    if refusal is not None:
        raise refusal


def schema_refusal(current: str | None) -> NotInitialisedError | None:
    """Why a database at schema ``current`` (None: no schema) cannot be worked on, if it cannot."""
    if current is None:
        return NotInitialisedError(said("the instance has no database yet: run 'sovanban init'"))
    if current != SCHEMA_HEAD:
        return NotInitialisedError(
            said(
                "the database schema is {current}, this version needs {head}: run 'sovanban init'",
                current=current,
                head=SCHEMA_HEAD,
            )
        )
    return None
