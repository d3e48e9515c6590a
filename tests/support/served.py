"""The service as it is deployed, for load runs and the tests that drive it over HTTP.

``serve`` sets up the demo instance on the given database, makes API tokens for the clerk
and the signer, and runs gunicorn with several worker processes; ``ApiClient`` speaks the
JSON API with nothing but the standard library.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.services.drafting.compose import seed_notice_path
from tests.support import PROJECT_ROOT
from tests.support.pki import free_port

__all__ = ["ApiClient", "ApiError", "Served", "gunicorn", "serve", "sovanban"]

PASSPHRASE = "tai-thu-nghiem"


def sovanban(env: dict[str, str], *arguments: str) -> str:
    """Run the command line as an operator would; its standard output."""
    done = subprocess.run(
        [sys.executable, "-c", "from registry.cli import main; main()", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"sovanban {' '.join(arguments)}: {done.stderr}")
    return done.stdout


@dataclass(frozen=True)
class Served:
    base: str
    instance: Path
    env: dict[str, str]
    clerk_token: str
    signer_token: str
    passphrase: str
    draft: bytes
    log: Path
    passwords: dict[str, str]  # the demo accounts' logins and passwords


@contextmanager
def gunicorn(
    app: str, log: Path, *, workers: int, timeout: int = 120, env: dict[str, str] | None = None
) -> Iterator[str]:
    """gunicorn serving the WSGI ``app`` (module:name) on a free loopback port; its base URL.
    Run from the project's folder, so that ``benchmarks.…`` and ``registry.…`` import."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("gunicorn")), "-w", str(workers)]
    command += ["-b", f"127.0.0.1:{port}", "--timeout", str(timeout), app]
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port, process, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=60)


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn ended: " + log.read_text("utf-8", "replace")[-2000:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start within a minute")


def _set_web(config: Path, settings: dict[str, str]) -> None:
    """Change keys of the [web] section (written as TOML values) in the instance's file."""
    text = config.read_text("utf-8")
    for key, value in settings.items():
        line = f"{key} = {value}"
        text, replaced = re.subn(rf"^{key} = .*$", line, text, count=1, flags=re.M)
        if not replaced:
            text = text.replace("[web]\n", f"[web]\n{line}\n", 1)
    config.write_text(text, "utf-8")


@contextmanager
def serve(
    folder: Path,
    database_url: str | None,
    *,
    workers: int = 4,
    timeout: int = 120,
    web: dict[str, str] | None = None,
) -> Iterator[Served]:
    """The demo instance in ``folder`` served by gunicorn with ``workers`` processes;
    ``web`` changes settings of its [web] section first."""
    instance = folder / "instance"
    env = {
        **os.environ,
        "SOVANBAN_INSTANCE": str(instance),
        "SOVANBAN_PKI_PASSPHRASE": PASSPHRASE,
    }
    env.pop("SOVANBAN_CONFIG", None)
    env.pop("SOVANBAN_DATABASE_URL", None)
    if database_url:
        env["SOVANBAN_DATABASE_URL"] = database_url
    summary = json.loads(sovanban(env, "demo", "--no-serve", "--json"))
    passwords = {account["login"]: account["password"] for account in summary["accounts"]}
    _set_web(instance / "config.toml", web or {})
    label = f"load-{uuid.uuid4().hex[:6]}"
    clerk = sovanban(env, "users", "token", "vanthu", "--label", label).strip()
    signer = sovanban(env, "users", "token", "nguyentrongvan", "--label", label).strip()
    draft = folder / "draft.pdf"
    sovanban(env, "compose", str(seed_notice_path()), "-o", str(draft))
    log = folder / "gunicorn.log"
    with gunicorn("registry.web.wsgi:app", log, workers=workers, timeout=timeout, env=env) as base:
        yield Served(
            base,
            instance,
            env,
            clerk,
            signer,
            PASSPHRASE,
            draft.read_bytes(),
            log,
            passwords,
        )


class ApiError(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body[:500]}")
        self.status = status


class ApiClient:
    """One machine client of the JSON API (bearer token)."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.token = token

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, body, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            with error:
                raise ApiError(error.code, error.read().decode("utf-8", "replace")) from None

    def json(self, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
        body = json.dumps(data).encode() if data is not None else None
        _, answer = self.request(method, path, body, "application/json" if body else "")
        return json.loads(answer)

    def register(self, pdf: bytes, fields: dict[str, str]) -> Any:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="du-thao.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + pdf
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        _, answer = self.request(
            "POST", "/api/v1/documents", body, f"multipart/form-data; boundary={boundary}"
        )
        return json.loads(answer)
