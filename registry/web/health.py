"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: the database, the
blob store and, when configured, the shared Redis reachable), for a load balancer or an
orchestrator. Machine endpoints: plain JSON in English, never cached, no session, no rate
limit."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .caches import RedisCache
from .context import instance_of

__all__ = ["health"]

health = Blueprint("health", __name__)

_NO_STORE = {"Cache-Control": "no-store"}


@health.get("/healthz")
def alive() -> Any:
    return {"status": "alive"}, 200, _NO_STORE


@health.get("/readyz")
def ready() -> Any:
    instance = instance_of()
    checks = {"database": _database_problem(), "storage": instance.blobs.unreachable()}
    shared = current_app.extensions["sovanban_caches"].pictures
    if isinstance(shared, RedisCache):  # rate limits and caches shared between hosts
        checks["redis"] = shared.unreachable()
    # Jobs run in this process (the embedded default): nothing else to reach.
    failing = {name: problem for name, problem in checks.items() if problem}
    body = {
        "status": "not ready" if failing else "ready",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    return body, 503 if failing else 200, _NO_STORE


def _database_problem() -> str:
    try:
        with instance_of().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return f"unreachable: {reason}"
    return ""
