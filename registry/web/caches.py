"""What the web keeps to answer again without redoing the work: page pictures (a stored
revision never changes, so neither does its picture) and the public verification reports.

Kept in the process by default; in Redis when ``[web] redis_url`` is set, so that every
worker of every host draws a page once. A cache that cannot be reached is a miss: the
page is drawn again, never refused.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["Cache", "Caches", "ProcessCache", "RedisCache", "make_caches"]

log = logging.getLogger(__name__)


class Cache(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, value: bytes, seconds: float) -> None: ...


class ProcessCache:
    """The ``capacity`` most recently used entries of this process, each until it expires."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, value: bytes, seconds: float) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)


class RedisCache:
    """Entries in Redis under ``prefix``, each with its own expiry (Redis forgets it)."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.prefix = prefix
        self._client: Any = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def get(self, key: str) -> bytes | None:
        try:
            value: bytes | None = self._client.get(f"{self.prefix}:{key}")
        except Exception as exc:  # noqa: BLE001 -- a cache away is a miss
            log.warning("cache unreachable, drawn again: %s", exc)
            return None
        return value

    def put(self, key: str, value: bytes, seconds: float) -> None:
        try:
            self._client.set(f"{self.prefix}:{key}", value, px=max(1, int(seconds * 1000)))
        except Exception as exc:  # noqa: BLE001
            log.warning("cache unreachable, not kept: %s", exc)

    def unreachable(self) -> str:
        try:
            self._client.ping()
        except Exception as exc:  # noqa: BLE001 -- readiness says why
            return f"unreachable: {exc}"
        return ""


@dataclass(frozen=True)
class Caches:
    pictures: Cache  # PNG of a revision's page, by digest, page and outline
    reports: Cache  # JSON of the issued copy's verification, by digest and language


def make_caches(redis_url: str, prefix: str) -> Caches:
    if redis_url:
        shared = RedisCache(redis_url, f"{prefix}:cache")
        return Caches(pictures=shared, reports=shared)
    # 64 pictures of about 0.2 MB; reports are a few kilobytes each.
    return Caches(pictures=ProcessCache(64), reports=ProcessCache(1000))
