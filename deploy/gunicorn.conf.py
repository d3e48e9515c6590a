"""gunicorn's settings for sovanban:

    gunicorn -c deploy/gunicorn.conf.py registry.web.wsgi:app

with SOVANBAN_INSTANCE (and SOVANBAN_DATABASE_URL for PostgreSQL) in the environment.
SOVANBAN_BIND and SOVANBAN_WORKERS override the address and the number of processes.
Sealing the audit trail and sending mail are not done by the web processes: the systemd
timers beside this file run them (``sovanban serve`` runs them itself).
"""

import os
import shutil
import tempfile

# Every worker writes its metrics here and /metrics adds them up (prometheus_client's
# multiprocess mode); emptied when gunicorn starts, a dead worker's gauges dropped.
metrics_folder = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "sovanban-metrics")
)

bind = os.environ.get("SOVANBAN_BIND", "127.0.0.1:8080")
# Sync workers: each verification already runs in a worker process of its own, and the
# signing steps hold a database lock for a fraction of a second.
workers = int(os.environ.get("SOVANBAN_WORKERS", "4"))
# Issuing with the B-LTA archive copy takes up to a few seconds; a verification has its own
# time limit ([web] verify_seconds). Past this, the process is stuck: restart it.
timeout = 120
graceful_timeout = 30
# Workers are replaced from time to time, so that a slow leak in a library cannot grow.
max_requests = 2000
max_requests_jitter = 200
# Behind nginx on the same host (set [web] trusted_proxies = 1 in the instance's config).
forwarded_allow_ips = "127.0.0.1"
# The service logs each request itself (request id, user, document; [web] log_format).
accesslog = None
errorlog = "-"
# Bounded request heads (bodies are bounded by [web] max_upload_mb).
limit_request_line = 8190
limit_request_fields = 100


def on_starting(server):  # type: ignore[no-untyped-def]
    shutil.rmtree(metrics_folder, ignore_errors=True)
    os.makedirs(metrics_folder, mode=0o700)


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
