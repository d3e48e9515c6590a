"""Prometheus metrics of the web service: requests and their latency, issuing and
verification counts and times, and the background jobs by state (every host's).

``GET /metrics`` answers a bearer token when the environment variable named by
``[web] metrics_token_env`` holds one, and otherwise only a scraper on this host
(loopback): the counts say how busy the office is, which is nobody else's business.
Under gunicorn, ``PROMETHEUS_MULTIPROC_DIR`` (set by ``deploy/gunicorn.conf.py``) makes
every worker's counts add up in one answer.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from ..services.jobs.runs import run_counts

__all__ = ["count_requests", "measured_issue", "measured_verification", "metrics"]

metrics = Blueprint("metrics", __name__)

REQUESTS = Counter(
    "sovanban_http_requests", "HTTP requests answered", ["method", "endpoint", "status"]
)
REQUEST_SECONDS = Histogram(
    "sovanban_http_request_seconds",
    "Time to answer an HTTP request",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ISSUED = Counter("sovanban_issues", "Issuing attempts (number, date, organisation)", ["outcome"])
ISSUE_SECONDS = Histogram(
    "sovanban_issue_seconds",
    "Time to issue a document",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
VERIFIED = Counter("sovanban_verifications", "Verifications answered", ["indication"])
VERIFY_SECONDS = Histogram(
    "sovanban_verification_seconds",
    "Time to verify an uploaded PDF",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
JOB_RUNS = Gauge(
    "sovanban_job_runs",
    "Background job runs by task and state (read from the register at each scrape)",
    ["task", "state"],
    multiprocess_mode="mostrecent",
)
_LOOPBACK = {"127.0.0.1", "::1"}


def count_requests(app: Flask) -> None:
    @app.before_request
    def start() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def finish(response: Response) -> Response:
        started = g.get("metrics_started")
        if started is not None and request.endpoint != "metrics.exposition":
            endpoint = request.endpoint or "unmatched"  # never the raw path: unbounded labels
            REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
            REQUEST_SECONDS.labels(endpoint).observe(time.perf_counter() - started)
        return response


@contextmanager
def measured_issue() -> Iterator[None]:
    """Count and time an issue; an exception counts it as failed."""
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        ISSUED.labels("failed").inc()
        raise
    ISSUED.labels("issued").inc()
    ISSUE_SECONDS.observe(time.perf_counter() - started)


def measured_verification(report: dict[str, Any], seconds: float) -> None:
    VERIFIED.labels(str(report.get("indication", "unknown"))).inc()
    VERIFY_SECONDS.observe(seconds)


@metrics.get("/metrics")
def exposition() -> Any:
    variable = current_app.extensions["sovanban"].config.web.metrics_token_env
    token = os.environ.get(variable, "") if variable else ""
    if token:
        offered = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(offered.encode(), token.encode()):
            abort(404)
    elif request.remote_addr not in _LOOPBACK:
        abort(404)
    with current_app.extensions["sovanban"].reading_sessions() as session:
        for (task, state), count in run_counts(session).items():
            JOB_RUNS.labels(task, state).set(count)
    registry: Any = None
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    body = generate_latest(registry) if registry is not None else generate_latest()
    return Response(body, mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
