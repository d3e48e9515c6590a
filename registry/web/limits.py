"""Rate limits per client address: a sliding window of recent hits, kept in this process."""

from __future__ import annotations

import threading
import time
from collections import deque

__all__ = ["RateLimiter"]


class RateLimiter:
    """At most ``limit`` hits per ``window`` seconds for each key (a client address)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> float:
        """Count a hit; 0.0 if allowed, else the seconds to wait before the next one."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._hits) > 10_000:  # forget idle clients rather than grow without end
                self._hits = {
                    k: q for k, q in self._hits.items() if q and q[-1] > now - self.window
                }
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(0.1, hits[0] + self.window - now)
            hits.append(now)
            return 0.0
