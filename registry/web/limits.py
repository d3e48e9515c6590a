"""Rate limits per client address, counted together by every worker process of the host.

The hits live in a small SQLite file of the instance (not the register's database: a
refused login must not wait behind an issuing transaction, and the counts are worthless
after a restart). A limit kept per process would let four gunicorn workers take four
times the allowed guesses.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from ..private_files import private_file

__all__ = ["RateLimiter"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hits (name TEXT NOT NULL, client TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS ix_hits ON hits (name, client, at);
"""


class RateLimiter:
    """At most ``limit`` hits per ``window`` seconds for each client, under ``name``."""

    def __init__(self, path: Path, name: str, limit: int, window: float) -> None:
        self.path = path
        self.name = name
        self.limit = limit
        self.window = window
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread and per process: a forked worker opens its own.
        opened: tuple[int, sqlite3.Connection] | None = getattr(self._local, "opened", None)
        if opened is None or opened[0] != os.getpid():
            private_file(self.path)
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = OFF")  # counts, not records
            connection.executescript(_SCHEMA)
            opened = (os.getpid(), connection)
            self._local.opened = opened
        return opened[1]

    def hit(self, client: str, now: float | None = None) -> float:
        """Count a hit; 0.0 if allowed, else the seconds to wait before the next one."""
        now = time.time() if now is None else now
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute(
                "DELETE FROM hits WHERE name = ? AND client = ? AND at <= ?",
                (self.name, client, now - self.window),
            )
            count, oldest = connection.execute(
                "SELECT COUNT(*), MIN(at) FROM hits WHERE name = ? AND client = ?",
                (self.name, client),
            ).fetchone()
            if count >= self.limit:
                return float(max(0.1, oldest + self.window - now))
            connection.execute(
                "INSERT INTO hits (name, client, at) VALUES (?, ?, ?)", (self.name, client, now)
            )
            if count == 0:  # now and then, forget the clients who went quiet
                connection.execute(
                    "DELETE FROM hits WHERE name = ? AND at <= ?", (self.name, now - self.window)
                )
            return 0.0
        finally:
            connection.execute("COMMIT")
