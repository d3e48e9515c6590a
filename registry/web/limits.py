"""Rate limits per client address, counted together by every worker process of the host,
or by every host of a deployment when ``[web] redis_url`` is set.

On one host the hits live in a small SQLite file of the instance (not the register's
database: a refused login must not wait behind an issuing transaction, and the counts are
worthless after a restart). A limit kept per process would let four gunicorn workers take
four times the allowed guesses; one kept per host, two hosts twice. Across hosts the
``limits`` library (Flask-Limiter's engine) keeps a moving window in Redis.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Protocol

from ..private_files import private_file

__all__ = ["HostRateLimiter", "Limiter", "SharedRateLimiter"]

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hits (name TEXT NOT NULL, client TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS ix_hits ON hits (name, client, at);
"""


class Limiter(Protocol):
    def hit(self, client: str, now: float | None = None) -> float:
        """Count a hit; 0.0 if allowed, else the seconds to wait before the next one."""
        ...


class HostRateLimiter:
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


class SharedRateLimiter:
    """The same limit counted in Redis by every host. While Redis cannot be reached the
    host's own count applies (logged): a limit that holds per host beats none, and a login
    page that fails because a counter is away would lock everyone out."""

    def __init__(self, redis_url: str, prefix: str, fallback: HostRateLimiter) -> None:
        from limits import RateLimitItemPerSecond
        from limits.storage import RedisStorage
        from limits.strategies import MovingWindowRateLimiter

        self.name = fallback.name
        self.fallback = fallback
        self._item = RateLimitItemPerSecond(fallback.limit, int(fallback.window), namespace=prefix)
        storage = RedisStorage(redis_url, key_prefix=prefix, socket_timeout=2)
        self._strategy: Any = MovingWindowRateLimiter(storage)

    def hit(self, client: str, now: float | None = None) -> float:
        try:
            if self._strategy.hit(self._item, self.name, client):
                return 0.0
            stats = self._strategy.get_window_stats(self._item, self.name, client)
            return float(max(0.1, stats.reset_time - time.time()))
        except Exception as exc:  # noqa: BLE001 -- Redis away: count on this host instead
            log.warning("rate limit %s counted on this host: %s", self.name, exc)
            return self.fallback.hit(client, now)
