"""A demo PKI with its services running on loopback (the ``running_pki`` fixture)."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, make_server

from certs.demo import DemoPki, Holder
from certs.http import PkiApplication
from certs.services import PkiServices

PASSPHRASE = b"mat-khau-thu-nghiem"
SIGNER = Holder("Nguyễn Trọng Vân", "nguyentrongvan@hatinh.dcs.vn", "Đảng ủy Khối tỉnh Hà Tĩnh")
ORGANISATION = Holder(
    "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh Hà Tĩnh",
    "dukhoicaccoquantinh@hatinh.dcs.vn",
    "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh Hà Tĩnh",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningPki:
    pki: DemoPki
    services: PkiServices
    server: BaseWSGIServer

    @property
    def base_url(self) -> str:
        return self.pki.urls.base


def start_pki(folder: Path, key_type: str = "rsa") -> RunningPki:
    port = free_port()
    pki = DemoPki.create(
        folder,
        passphrase=PASSPHRASE,
        base_url=f"http://127.0.0.1:{port}/pki",
        signer=SIGNER,
        organisation=ORGANISATION,
        key_type=key_type,  # type: ignore[arg-type]
    )
    services = PkiServices(pki, PASSPHRASE)
    server = make_server("127.0.0.1", port, PkiApplication(services), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return RunningPki(pki, services, server)


def stop_pki(running: RunningPki) -> None:
    running.server.shutdown()
    running.server.server_close()
