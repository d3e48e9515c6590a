"""Distribution of the issued seed notice as edXML: export, the XSD, the round trip, the
attached PDF's verification, status packages, sending, recall and replacement."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from registry.edxml import (
    Attachment,
    OrganInfo,
    StatusPackage,
    read_package,
    write_package,
    write_status,
)
from registry.edxml.read import schema
from registry.services.exchange.transport import HttpTransport, TransportError
from tests.support.cli import Sovanban, register_seed_draft

DOCUMENT_DAY = datetime.now(UTC)


def _rows(demo: Sovanban, statement: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(demo.instance / "sovanban.sqlite3") as connection:
        rows = connection.execute(statement).fetchall()
    connection.close()
    return rows


def test_the_seed_notice_exported_validates_and_round_trips(demo: Sovanban, tmp_path: Path) -> None:
    package = tmp_path / "01-TB-DUK.edxml"
    demo.ok("export-edxml", "01-TB/ĐUK", "-o", str(package))
    data = package.read_bytes()
    assert schema().validate(etree.fromstring(data))
    content = read_package(data)
    shown = demo.ok("show", "01-TB/ĐUK", "--json").json()
    assert (content.code_number, content.code_notation) == ("01", "TB/ĐUK")
    assert content.subject == shown["subject"] and content.signer_name == "Nguyễn Trọng Vân"
    assert content.signer_position == "Phó Bí thư Thường trực"
    assert content.document_id.startswith("000.00.00.Z01,") and content.document_id.endswith(
        ",01/TB/ĐUK"
    )
    assert content.to_places[0] == "Thường trực Tỉnh ủy"
    assert [r.organ_id for r in content.receivers] == ["000.00.00.Z02", "000.00.00.Z03"]
    assert content.page_amount == shown["page_count"]
    imported = demo.ok("import-edxml", str(package), "--json").json()
    assert imported["kind"] == "document" and imported["subject"] == shown["subject"]
    assert imported["attachments"][0]["indication"] == "TOTAL-PASSED"


def test_a_document_package_over_a_mebibyte_is_imported(demo: Sovanban, tmp_path: Path) -> None:
    """A decree with annexes is several MB; only status packages are held to 1 MiB."""
    exported = tmp_path / "01-TB-DUK.edxml"
    demo.ok("export-edxml", "01-TB/ĐUK", "-o", str(exported))
    content = read_package(exported.read_bytes())
    annex = Attachment("phu-luc", "phu-luc.txt", "text/plain", "Phụ lục".encode() * 300_000)
    large = tmp_path / "large.edxml"
    large.write_bytes(write_package(replace(content, attachments=(*content.attachments, annex))))
    assert large.stat().st_size > 2 * 1024 * 1024
    imported = demo.ok("import-edxml", str(large), "--json").json()
    assert imported["kind"] == "document"
    assert [a["indication"] for a in imported["attachments"]] == ["TOTAL-PASSED", None]
    assert imported["attachments"][1]["bytes"] == len(annex.data)
    status = tmp_path / "status.edxml"
    receiver = OrganInfo("000.00.00.Z02", "Thường trực Tỉnh ủy")
    now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    padded = StatusPackage(content.document_id, receiver, "03", "x" * 1024 * 1024, now)
    status.write_bytes(write_status(padded))
    refused = demo("import-edxml", str(status))
    assert refused.code != 0 and "status package of" in refused.err


def _status(document_id: str, organ_id: str, code: str) -> bytes:
    return write_status(
        StatusPackage(
            document_id,
            OrganInfo(organ_id, "Thường trực Tỉnh ủy"),
            code,
            "",
            datetime(2026, 11, 27, 3, 0, tzinfo=UTC),
        )
    )


def test_sending_statuses_and_the_register_book(demo: Sovanban, tmp_path: Path) -> None:
    where = Path(demo.ok("send", "01-TB/ĐUK").out.strip())
    assert where.parent == demo.instance / "outbox" and where.suffix == ".edxml"
    document_id = read_package(where.read_bytes()).document_id
    arrived = tmp_path / "status.edxml"
    arrived.write_bytes(_status(document_id, "000.00.00.Z02", "03"))
    result = demo.ok("import-edxml", str(arrived), "--json").json()
    assert (result["kind"], result["status"], result["meaning"]) == ("status", "03", "accepted")
    assert _rows(
        demo, "SELECT delivery_status FROM recipients WHERE organ_id = '000.00.00.Z02'"
    ) == [("03",)]
    book = tmp_path / "book.csv"
    demo.ok("book", "--format", "csv", "-o", str(book))
    row = book.read_text("utf-8-sig").splitlines()[1]
    assert "Thường trực Tỉnh ủy (27/11/2026)" in row  # Ký nhận: the accepted status
    # A status about a document we never sent, or from a body that is not a recipient.
    unknown = tmp_path / "unknown.edxml"
    unknown.write_bytes(_status("000.00.00.Z01,2020/01/01,99/TB/ĐUK", "000.00.00.Z02", "01"))
    refused = demo("import-edxml", str(unknown))
    assert refused.code != 0 and "no document" in refused.err
    stranger = tmp_path / "stranger.edxml"
    stranger.write_bytes(_status(document_id, "000.00.00.Z77", "01"))
    refused = demo("import-edxml", str(stranger))
    assert refused.code != 0 and "is not a recipient" in refused.err
    assert _rows(demo, "SELECT COUNT(*) FROM recipients WHERE delivery_status = '01'") == [(0,)]


def test_withdrawing_a_sent_notice_recalls_it_and_a_new_one_replaces_it(
    demo: Sovanban, tmp_path: Path
) -> None:
    demo.ok("send", "01-TB/ĐUK")
    old_id = read_package(
        next((demo.instance / "outbox").glob("*new.edxml")).read_bytes()
    ).document_id
    out = demo.ok("withdraw", "01-TB/ĐUK", "--reason", "Ban hành nhầm").out
    recall = Path(out.split("recall sent: ")[1].strip())
    content = read_package(recall.read_bytes())
    assert (content.business_type, content.business_reason) == (1, "Ban hành nhầm")
    recipients = tmp_path / "noi-nhan.txt"
    recipients.write_text("- Thường trực Tỉnh ủy,\n- Lưu Văn phòng Đảng ủy Khối.", "utf-8")
    new = register_seed_draft(demo, tmp_path, "Thông báo thay thế", "--recipients", str(recipients))
    for step in ("prepare", "sign", "issue"):
        demo.ok(step, new)
    replacement = read_package(
        Path(demo.ok("send", new, "--replaces", "1").out.strip()).read_bytes()
    )
    assert replacement.business_type == 3 and replacement.replaces == (old_id,)
    assert [r.organ_id for r in replacement.receivers] == ["000.00.00.Z02"]  # from the directory


def test_a_secret_document_is_never_exported(demo: Sovanban, tmp_path: Path) -> None:
    _rows(demo, "UPDATE documents SET secrecy = 'mat' WHERE id = 1")
    refused = demo("export-edxml", "1", "-o", str(tmp_path / "x.edxml"))
    assert refused.code != 0 and "secret" in refused.err
    assert not (tmp_path / "x.edxml").exists()


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[bytes], list[int]]]:
    """An edXML endpoint that fails as told (a list of status codes), then accepts."""
    received: list[bytes] = []
    failures: list[int] = []

    @Request.application
    def app(request: Request) -> Response:
        if failures:
            return Response("busy", status=failures.pop(0))
        received.append(request.get_data())
        return Response("ok")

    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/edxml", received, failures
    server.shutdown()
    thread.join(timeout=5)


def test_the_http_transport_retries_then_gives_up(
    endpoint: tuple[str, list[bytes], list[int]],
) -> None:
    url, received, failures = endpoint
    waits: list[float] = []
    transport = HttpTransport(url, retries=2, timeout=5, sleep=waits.append)
    failures.extend([503, 502])
    assert transport.deliver("p1", b"<edXML/>").endswith("(200)")
    assert received == [b"<edXML/>"] and waits == [2.0, 4.0]
    failures.extend([500, 500, 500])
    with pytest.raises(TransportError, match="HTTP 500") as busy:
        transport.deliver("p2", b"<edXML/>")
    assert busy.value.worth_retrying  # the queue tries again later
    failures.clear()
    failures.append(400)  # refused for good: no retry
    with pytest.raises(TransportError, match="HTTP 400") as refused:
        transport.deliver("p3", b"<edXML/>")
    assert failures == [] and not refused.value.worth_retrying
