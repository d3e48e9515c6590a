"""A deployment of several hosts on one machine: web hosts (gunicorn, each with an instance
folder of its own) and a worker, as separate processes sharing PostgreSQL, the S3 server and
Redis; any of them can be killed with SIGKILL and started again."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from registry.services.demo import write_demo_config
from registry.services.drafting.compose import seed_notice_path
from tests.support.object_store import ACCESS_KEY, SECRET_KEY, S3Server
from tests.support.pki import free_port
from tests.support.processes import in_session
from tests.support.redis_server import SharedRedis
from tests.support.served import PASSPHRASE, _wait_for, sovanban

__all__ = ["Deployment", "deployment"]

SOVANBAN = [sys.executable, "-c", "from registry.cli import main; main()"]


@dataclass
class Deployment:
    folder: Path
    env: dict[str, str]
    clerk_token: str
    signer_token: str
    draft: bytes
    ports: dict[str, int]  # web host → its port
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def passphrase(self) -> str:
        return PASSPHRASE

    def base(self, host: str) -> str:
        return f"http://127.0.0.1:{self.ports[host]}"

    def instance(self, host: str) -> Path:
        return self.folder / host

    def start(self, name: str) -> None:
        """Start the web host or the worker ``name`` (again)."""
        log = (self.folder / f"{name}.log").open("ab")
        env = {**self.env, "SOVANBAN_INSTANCE": str(self.instance(name))}
        if name == "worker":
            command = [*SOVANBAN, "--instance", env["SOVANBAN_INSTANCE"], "worker"]
        else:
            gunicorn = str(Path(sys.executable).with_name("gunicorn"))
            command = [gunicorn, "-w", "2", "-b", f"127.0.0.1:{self.ports[name]}"]
            command += ["--timeout", "120", "registry.web.wsgi:app"]
        with log:
            self.processes[name] = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        if name != "worker":
            _wait_for(self.ports[name], self.processes[name], self.folder / f"{name}.log")

    def kill(self, name: str) -> None:
        """SIGKILL the process and every process it started, as a power cut would."""
        process = self.processes.pop(name)
        for pid in [process.pid, *in_session(process.pid)]:
            with suppress(ProcessLookupError):  # ended on its own meanwhile
                os.kill(pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.kill(name)


def _configure(config: Path, settings: dict[str, dict[str, str]]) -> None:
    """Set keys of sections of the instance's file (values written as TOML)."""
    text = config.read_text("utf-8")
    for section, values in settings.items():
        start = text.index(f"[{section}]\n")
        end = text.find("\n[", start + 1)
        end = len(text) if end < 0 else end
        body = text[start:end]
        for key, value in values.items():
            body, found = re.subn(rf"^{key} = .*$", f"{key} = {value}", body, count=1, flags=re.M)
            assert found, f"[{section}] {key}"
        text = text[:start] + body + text[end:]
    config.write_text(text, "utf-8")


@contextmanager
def deployment(
    folder: Path, database_url: str, s3: S3Server, redis: SharedRedis, hosts: tuple[str, ...]
) -> Iterator[Deployment]:
    """The demo office set up once on the shared services, then ``hosts`` web hosts and a
    worker started, each with a copy of the instance folder (keys, PKI, session key)."""
    first = folder / hosts[0]
    first.mkdir(parents=True)
    config = write_demo_config(first)
    _configure(
        config,
        {
            "storage": {
                "backend": '"s3"',
                "endpoint": f'"{s3.endpoint}"',
                "bucket": f'"{s3.bucket}"',
                "region": '"us-east-1"',
                "prefix": f'"{s3.new_prefix()}"',
            },
            "web": {"redis_url": f'"{redis.url}"', "redis_prefix": f'"{redis.prefix}"'},
            "jobs": {"engine": '"procrastinate"', "first_retry_seconds": "1"},
        },
    )
    env = {
        **os.environ,
        "SOVANBAN_DATABASE_URL": database_url,
        "SOVANBAN_PKI_PASSPHRASE": PASSPHRASE,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }
    env.pop("SOVANBAN_CONFIG", None)
    env.pop("SOVANBAN_REDIS_URL", None)
    at_first = {**env, "SOVANBAN_INSTANCE": str(first)}
    json.loads(sovanban(at_first, "demo", "--no-serve", "--json"))
    clerk = sovanban(at_first, "users", "token", "vanthu", "--label", "hosts").strip()
    signer = sovanban(at_first, "users", "token", "nguyentrongvan", "--label", "hosts").strip()
    draft = folder / "draft.pdf"
    sovanban(at_first, "compose", str(seed_notice_path()), "-o", str(draft))
    ignore = shutil.ignore_patterns("rate-limits.sqlite3*", "*.sqlite3*")
    for name in (*hosts[1:], "worker"):
        shutil.copytree(first, folder / name, ignore=ignore)
    running = Deployment(
        folder,
        env,
        clerk,
        signer,
        draft.read_bytes(),
        {name: free_port() for name in hosts},
    )
    try:
        for name in (*hosts, "worker"):
            running.start(name)
        yield running
    finally:
        running.stop_all()
