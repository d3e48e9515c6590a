"""The register's rows that verification reads, one SQL text per question, run either
through the service's session or through the database driver alone.

A one-shot ``sovanban verify FILE`` takes the second way: it then never loads SQLAlchemy's
ORM and our models, which took a third of that process's time.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from basics.said import said

from ...db import schema_refusal
from ...errors import NotInitialisedError
from ...number_text import DocumentNumber

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "DriverRows",
    "RegisterRows",
    "RegisteredFile",
    "SessionRows",
    "driver_rows",
    "files_numbered",
    "registered_file",
    "signer_emails",
]

# FileKind.ISSUED and FileKind.ARCHIVE as stored: the revisions the register vouches for.
_FILES = """
SELECT f.document_id, f.kind, f.sha256, d.secrecy, n.number, n.notation, n.rendered, i.scheme
FROM files f
JOIN documents d ON d.id = f.document_id
JOIN issuers i ON i.id = d.issuer_id
LEFT JOIN numbers n ON n.document_id = d.id
WHERE f.kind IN ('issued', 'archive')
"""
_BY_HASH = _FILES + "AND f.sha256 = :sha256 ORDER BY f.id LIMIT 1"
_BY_NUMBER = _FILES + "AND n.number = :number ORDER BY f.id"
_SIGNERS = "SELECT email FROM users WHERE email <> ''"
_SCHEMA = "SELECT version_num FROM alembic_version"


class RegisterRows(Protocol):
    def fetch(self, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The rows ``sql`` (parameters written ``:name``) answers with ``params``."""
        ...


@dataclass(frozen=True)
class RegisteredFile:
    """A revision the register holds (issued or archive), with its document's number."""

    document_id: int
    kind: str
    sha256: str
    secrecy: str
    number: DocumentNumber | None
    rendered: str | None  # the number as the register wrote it

    @property
    def ordinary(self) -> bool:
        return self.secrecy == "none"  # Secrecy.NONE as stored

    def holds(self, in_field: str) -> bool:
        """The file's number field holds this number: the number alone (a field over the
        blank) or its whole number line (a field that prints the line)."""
        if self.number is None:
            return False
        return in_field in (f"{self.number.number:02d}", self.number.so_line)


def _registered(row: tuple[Any, ...]) -> RegisteredFile:
    document_id, kind, sha256, secrecy, number, notation, rendered, scheme = row
    value = None
    if number is not None:
        value = DocumentNumber("state" if scheme == "state" else "party", number, notation)
    return RegisteredFile(int(document_id), kind, sha256, secrecy, value, rendered)


def registered_file(rows: RegisterRows, sha256: str) -> RegisteredFile | None:
    found = rows.fetch(_BY_HASH, {"sha256": sha256})
    return _registered(found[0]) if found else None


def files_numbered(rows: RegisterRows, number: int) -> list[RegisteredFile]:
    return [_registered(row) for row in rows.fetch(_BY_NUMBER, {"number": number})]


def signer_emails(rows: RegisterRows) -> frozenset[str]:
    return frozenset(str(email).lower() for (email,) in rows.fetch(_SIGNERS, {}))


@dataclass(frozen=True)
class SessionRows:
    """The rows read in the caller's session (and its transaction)."""

    session: Session

    def fetch(self, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        return [tuple(row) for row in self.session.execute(text(sql), params)]


_NAMED = re.compile(r":(\w+)")


@dataclass(frozen=True)
class DriverRows:
    """The rows read through a DB-API connection of the driver's own."""

    connection: Any
    named: bool  # sqlite3 takes ``:name``; psycopg takes ``%(name)s``
    no_table: Callable[[Exception], bool]  # the error says a table does not exist

    def fetch(self, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        statement = sql if self.named else _NAMED.sub(r"%(\1)s", sql)
        cursor = self.connection.cursor()
        try:
            cursor.execute(statement, dict(params))
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def require_current_schema(self) -> None:
        try:
            found = self.fetch(_SCHEMA, {})
        except Exception as exc:
            if not self.no_table(exc):
                raise
            found = []  # no alembic_version table: nothing was ever migrated
        refusal = schema_refusal(str(found[0][0]) if found else None)
        if refusal is not None:
            raise refusal


@contextmanager
def driver_rows(url: str) -> Iterator[DriverRows | None]:
    """A read-only connection to the database at ``url`` through its driver alone, its
    schema checked; None for a URL this does not know how to open (the ORM then reads)."""
    opened = _connect(url)
    if opened is None:
        yield None
        return
    try:
        opened.require_current_schema()
        yield opened
    finally:
        opened.connection.close()


def _connect(url: str) -> DriverRows | None:
    scheme, separator, rest = url.partition("://")
    if not separator or "?" in rest:
        return None  # driver options only SQLAlchemy knows how to pass on
    if scheme in ("sqlite", "sqlite+pysqlite") and rest.startswith("/") and len(rest) > 1:
        path = Path(rest[1:])
        if not path.is_file():
            # Connecting would create an empty file: say so instead, and write nothing.
            raise NotInitialisedError(said("the instance has no database yet: run 'sovanban init'"))
        try:
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise NotInitialisedError(said("cannot open the database: {orig}", orig=exc)) from exc
        return DriverRows(connection, named=True, no_table=_sqlite_no_table)
    if scheme in ("postgresql", "postgresql+psycopg"):
        try:
            import psycopg
        except ModuleNotFoundError:
            return None
        try:
            server = psycopg.connect(f"postgresql://{rest}", autocommit=True)
        except psycopg.Error as exc:
            raise NotInitialisedError(said("cannot open the database: {orig}", orig=exc)) from exc
        return DriverRows(
            server,
            named=False,
            no_table=lambda exc: isinstance(exc, psycopg.errors.UndefinedTable),
        )
    return None


def _sqlite_no_table(exc: Exception) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "no such table" in str(exc)
