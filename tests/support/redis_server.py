"""The Redis server the shared-state tests use (the machine's own), each test under a key
prefix of its own."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from tests.support.components import require

REDIS_URL = os.environ.get("SOVANBAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass(frozen=True)
class SharedRedis:
    url: str
    prefix: str


def shared_redis() -> SharedRedis:
    """The test's Redis and a prefix no other test uses; a skip (a failure under CI) without."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        require("Redis", False, f"cannot reach {REDIS_URL}: {exc}")
    finally:
        client.close()
    return SharedRedis(REDIS_URL, f"t-{uuid.uuid4().hex[:12]}")
