"""The deployment files: gunicorn with deploy/gunicorn.conf.py serves an instance, and the
systemd units (the web service, the hourly seal, the mail every minute) are valid units
whose commands exist, checked by systemd's own analyser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support import PROJECT_ROOT
from tests.support.components import require
from tests.support.pki import free_port

DEPLOY = PROJECT_ROOT / "deploy"
BIN = Path(sys.executable).parent


def test_gunicorn_serves_an_instance_with_the_deployment_settings(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    env = {**os.environ, "SOVANBAN_INSTANCE": str(instance), "SOVANBAN_PKI_PASSPHRASE": "x"}
    env.pop("SOVANBAN_DATABASE_URL", None)
    env.pop("SOVANBAN_CONFIG", None)
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
        answer = _ready(f"http://127.0.0.1:{port}/readyz", server)
        assert answer == b'{"checks":{"database":"ok","storage":"ok"},"status":"ready"}\n'
        for _ in range(10):
            _ready(f"http://127.0.0.1:{port}/readyz", server)
        # Whichever worker answered, /metrics adds both workers' counts up.
        exposition = _ready(f"http://127.0.0.1:{port}/metrics", server).decode()
        ready = 'sovanban_http_requests_total{endpoint="health.ready",method="GET",status="200"}'
        assert f"{ready} 11.0" in exposition, exposition
    finally:
        server.terminate()
        _, log = server.communicate(timeout=60)
    text = log.decode("utf-8", "replace")
    assert text.count("Booting worker") == 2, text[-2000:]
    # One line per request from the service itself, with its request id.
    assert text.count("GET /readyz status=200") == 11, text[-2000:]


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
    }
    checked = subprocess.run(
        [analyser, "verify", *units], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr
    commands = " ".join(Path(u).read_text("utf-8") for u in units)
    assert "sovanban audit seal" in commands and "sovanban mail send" in commands
