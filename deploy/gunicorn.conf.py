"""gunicorn's settings for sovanban:

    gunicorn -c deploy/gunicorn.conf.py registry.web.wsgi:app

with SOVANBAN_INSTANCE (and SOVANBAN_DATABASE_URL for PostgreSQL) in the environment.
SOVANBAN_BIND and SOVANBAN_WORKERS override the address and the number of processes.
Sealing the audit trail and sending mail are not done by the web processes: the systemd
timers beside this file run them (``sovanban serve`` runs them itself).
"""

import os

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
accesslog = "-"
errorlog = "-"
# Bounded request heads (bodies are bounded by [web] max_upload_mb).
limit_request_line = 8190
limit_request_fields = 100
