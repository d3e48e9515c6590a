"""SIGTERM (systemd, container runtimes) stops ``serve``, ``demo`` and ``certs serve`` and
every process they started within a few seconds, as Ctrl-C does."""

from __future__ import annotations

import json
import sqlite3
import urllib.request
from pathlib import Path

import pytest

from tests.support.cli import Sovanban
from tests.support.pki import free_port
from tests.support.processes import in_session, serving, stop_with_sigterm

pytestmark = pytest.mark.slow

PASSPHRASE = {"SOVANBAN_PKI_PASSPHRASE": "mat-khau-demo"}


def _verify_over_http(port: int, pdf: bytes) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/verify",
        data=pdf,
        headers={"Content-Type": "application/pdf"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return str(json.loads(response.read())["indication"])


def _issued_pdf(instance: Path) -> bytes:
    with sqlite3.connect(instance / "sovanban.sqlite3") as connection:
        (digest,) = connection.execute(
            "SELECT sha256 FROM files WHERE kind = 'issued' LIMIT 1"
        ).fetchone()
    connection.close()
    return (instance / "blobs" / digest[:2] / digest[2:4] / digest).read_bytes()


def _serve_verify_and_stop(arguments: list[str], instance: Path, log: Path) -> None:
    port = free_port()
    with serving([*arguments, "--port", str(port)], port, log, PASSPHRASE) as process:
        assert _verify_over_http(port, _issued_pdf(instance)) == "TOTAL-PASSED"
        # the verification ran in the worker pool: the server has children to stop
        assert len(in_session(process.pid)) > 1
        assert stop_with_sigterm(process, within=10) == []
        assert process.returncode == 0
    assert "sovanban: stopped" in log.read_text("utf-8")


def test_serve_stops_with_its_verification_workers(demo: Sovanban, tmp_path: Path) -> None:
    arguments = ["--instance", str(demo.instance), "serve"]
    _serve_verify_and_stop(arguments, demo.instance, tmp_path / "serve.log")


def test_demo_stops_with_its_verification_workers(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    arguments = ["--instance", str(instance), "demo"]
    _serve_verify_and_stop(arguments, instance, tmp_path / "demo.log")


def test_certs_serve_stops(demo: Sovanban, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "certs.log"
    arguments = ["--instance", str(demo.instance), "certs", "serve", "--port", str(port)]
    with serving(arguments, port, log, PASSPHRASE) as process:
        url = f"http://127.0.0.1:{port}/pki/crl/issuing-ca.crl"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.headers["Content-Type"] == "application/pkix-crl"
        assert stop_with_sigterm(process, within=10) == []
        assert process.returncode == 0
