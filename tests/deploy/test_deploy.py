"""The deployment files: gunicorn with deploy/gunicorn.conf.py serves an instance, and the
systemd units (the web service, the hourly seal, the mail every minute) are valid units
whose commands exist, checked by systemd's own analyser."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support import PROJECT_ROOT
from tests.support.components import require
from tests.support.pki import free_port

DEPLOY = PROJECT_ROOT / "deploy"
BIN = Path(sys.executable).parent


@contextmanager
def _gunicorn(tmp_path: Path, **config: str) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """A fresh instance served by gunicorn with deploy/gunicorn.conf.py (two workers); its
    port and process. ``config``: lines added to the instance's configuration."""
    instance = tmp_path / "instance"
    env = {**os.environ, "SOVANBAN_INSTANCE": str(instance), "SOVANBAN_PKI_PASSPHRASE": "x"}
    env.pop("SOVANBAN_DATABASE_URL", None)
    env.pop("SOVANBAN_CONFIG", None)
    if config:
        text = (PROJECT_ROOT / "config.example.toml").read_text("utf-8")
        for key, value in config.items():
            text = re.sub(rf"^{key} = .*$", f"{key} = {value}", text, count=1, flags=re.M)
        (tmp_path / "config.toml").write_text(text, "utf-8")
        env["SOVANBAN_CONFIG"] = str(tmp_path / "config.toml")
    subprocess.run([str(BIN / "sovanban"), "init"], env=env, check=True, capture_output=True)
    port = free_port()
    env |= {
        "SOVANBAN_BIND": f"127.0.0.1:{port}",
        "SOVANBAN_WORKERS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    command = [str(BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py")]
    server = subprocess.Popen(
        [*command, "registry.web.wsgi:app"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _ready(f"http://127.0.0.1:{port}/readyz", server)
        yield port, server
    finally:
        if server.poll() is None:
            server.terminate()
            server.communicate(timeout=60)


def test_gunicorn_serves_an_instance_with_the_deployment_settings(tmp_path: Path) -> None:
    with _gunicorn(tmp_path) as (port, server):
        answer = _ready(f"http://127.0.0.1:{port}/readyz", server)
        assert answer == b'{"checks":{"database":"ok","storage":"ok"},"status":"ready"}\n'
        for _ in range(9):
            _ready(f"http://127.0.0.1:{port}/readyz", server)
        # Whichever worker answered, /metrics adds both workers' counts up.
        exposition = _ready(f"http://127.0.0.1:{port}/metrics", server).decode()
        ready = 'sovanban_http_requests_total{endpoint="health.ready",method="GET",status="200"}'
        assert f"{ready} 11.0" in exposition, exposition
        server.terminate()
        _, log = server.communicate(timeout=60)
    text = log.decode("utf-8", "replace")
    assert text.count("Booting worker") == 2, text[-2000:]
    # One line per request from the service itself, with its request id.
    assert text.count("GET /readyz status=200") == 11, text[-2000:]


def test_nginx_in_front_buffers_bounds_and_forwards_the_request_id(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None
    )
    require("nginx", nginx is not None, "Debian's nginx-light package")
    assert nginx is not None
    with _gunicorn(tmp_path, trusted_proxies="1") as (port, server):
        front = free_port()
        site = (DEPLOY / "nginx" / "sovanban.conf").read_text("utf-8")
        site = re.sub(r"server app1:8080;\s*server app2:8080;", f"server 127.0.0.1:{port};", site)
        site = site.replace("listen 80;", f"listen 127.0.0.1:{front};")
        (tmp_path / "site.conf").write_text(site, "utf-8")
        (tmp_path / "nginx.conf").write_text(
            f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/nginx-error.log;\n"
            "events {}\nhttp {\n"
            f"  access_log off;\n  client_body_temp_path {tmp_path}/body;\n"
            f"  proxy_temp_path {tmp_path}/proxy;\n  include {tmp_path}/site.conf;\n}}\n",
            "utf-8",
        )
        proxy = subprocess.Popen(
            [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            assert _ready(f"http://127.0.0.1:{front}/readyz", server).startswith(b'{"checks"')
            with urllib.request.urlopen(f"http://127.0.0.1:{front}/healthz") as answer:
                request_id = answer.headers["X-Request-Id"]
            assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, kept
            for path in ("/metrics",):  # only on the hosts' own network
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(f"http://127.0.0.1:{front}{path}")
                assert refused.value.code == 404
                refused.value.close()
            connection = http.client.HTTPConnection("127.0.0.1", front, timeout=10)
            connection.putrequest("POST", "/api/v1/verify")
            connection.putheader("Content-Length", str(40 * 1024 * 1024))
            connection.endheaders()
            assert connection.getresponse().status == 413  # refused before any byte is read
            connection.close()
        finally:
            proxy.terminate()
            proxy.communicate(timeout=30)
        server.terminate()
        _, log = server.communicate(timeout=60)
    # The host logged the id nginx gave the request.
    assert f"id={request_id}" in log.decode("utf-8", "replace")


def test_the_compose_file_runs_two_hosts_a_worker_and_the_shared_services() -> None:
    """Docker is not on the test machines: the file is read and held to the project (the
    commands exist, the configuration parses and selects PostgreSQL's queue, S3 and
    Redis, the files it mounts and builds from are here)."""
    import yaml

    from registry.config import load_config

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))
    services = compose["services"]
    assert set(services) >= {
        "postgres",
        "redis",
        "seaweedfs",
        "init",
        "app1",
        "app2",
        "worker",
        "nginx",
    }
    assert services["worker"]["command"] == ["sovanban", "worker"]
    assert services["init"]["command"] == ["sovanban", "init"]
    for host in ("app1", "app2", "worker"):
        environment = services[host]["environment"]
        assert environment["SOVANBAN_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert environment["SOVANBAN_REDIS_URL"].startswith("redis://redis:")
    config = load_config(DEPLOY / "compose" / "config.toml")
    assert config.jobs.engine == "procrastinate" and config.storage.backend == "s3"
    assert config.web.trusted_proxies == 1 and config.web.redis_url_env == "SOVANBAN_REDIS_URL"
    for volume in [*services["app1"]["volumes"], *services["nginx"]["volumes"]]:
        source = volume.split(":")[0]
        if source.startswith("./"):
            assert (DEPLOY / source).is_file(), source
    dockerfile = (DEPLOY / "Dockerfile").read_text("utf-8")
    for copied in re.findall(r"^COPY (.+) \S+$", dockerfile, flags=re.M):
        for source in copied.split():
            assert (PROJECT_ROOT / source).exists(), source
    upstream = re.findall(r"server (\w+):8080;", (DEPLOY / "nginx" / "sovanban.conf").read_text())
    assert sorted(upstream) == ["app1", "app2"]


def _ready(url: str, server: subprocess.Popen[bytes]) -> bytes:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn stopped"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return bytes(response.read())
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


def test_the_systemd_units_are_valid_and_their_commands_exist(tmp_path: Path) -> None:
    analyser = shutil.which("systemd-analyze")
    require("systemd-analyze", analyser is not None, "Debian's systemd package")
    assert analyser is not None
    (tmp_path / "env").write_text("SOVANBAN_INSTANCE=/tmp/none\n", "utf-8")
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        # The documented places, moved to this machine's: the commands must exist there.
        text = (
            unit.read_text("utf-8")
            .replace("/opt/sovanban/venv/bin/", f"{BIN}/")
            .replace("/opt/sovanban/deploy/", f"{DEPLOY}/")
            .replace("/etc/sovanban/env", str(tmp_path / "env"))
            .replace("/srv/sovanban", str(tmp_path))
        )
        (tmp_path / unit.name).write_text(text, "utf-8")
        units.append(str(tmp_path / unit.name))
    assert {Path(u).name for u in units} >= {
        "sovanban-web.service",
        "sovanban-seal.service",
        "sovanban-seal.timer",
        "sovanban-mail.service",
        "sovanban-mail.timer",
        "sovanban-worker.service",
    }
    checked = subprocess.run(
        [analyser, "verify", *units], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr
    commands = " ".join(Path(u).read_text("utf-8") for u in units)
    assert "sovanban audit seal" in commands and "sovanban mail send" in commands
    assert "sovanban --instance" in commands and " worker" in commands
