"""``sovanban audit verify | seal`` on the demo instance's real trail."""

from __future__ import annotations

import base64
import json
import sqlite3
import threading

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.support.cli import Sovanban


def test_the_demo_trail_verifies_then_a_seal_then_tampering_shows(demo: Sovanban) -> None:
    clean = demo.ok("audit", "verify", "--json").json()
    assert clean["intact"] and clean["events"] >= 8 and clean["seals"] == 0
    actions = [row[0] for row in _rows(demo, "SELECT action FROM audit_events ORDER BY seq")]
    assert actions[:2] == ["config:apply", "user:add"] and "document:issue" in actions
    assert demo.ok("audit", "seal").out.startswith("sealed #")
    sealed = demo.ok("audit", "verify", "--json").json()
    assert sealed["intact"] and sealed["seals"] == 1
    _rows(demo, "UPDATE audit_events SET actor = 'ke-gian' WHERE seq = 3")
    broken = demo("audit", "verify")
    assert broken.code == 1 and "#3: event #3" in broken.out and "altered" in broken.out


def test_running_init_again_records_only_a_changed_configuration(demo: Sovanban) -> None:
    before = _rows(demo, "SELECT COUNT(*) FROM audit_events WHERE action = 'config:apply'")
    demo.ok("init")
    assert _rows(demo, "SELECT COUNT(*) FROM audit_events WHERE action = 'config:apply'") == before
    config = demo.instance / "config.toml"
    config.write_text(config.read_text("utf-8").replace("seal_minutes = 60", "seal_minutes = 30"))
    demo.ok("init")
    after = _rows(demo, "SELECT COUNT(*) FROM audit_events WHERE action = 'config:apply'")
    assert after[0][0] == int(str(before[0][0])) + 1


def _rows(demo: Sovanban, statement: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(demo.instance / "sovanban.sqlite3") as connection:
        rows = connection.execute(statement).fetchall()
    connection.close()
    return rows


def test_each_seal_is_anchored_in_the_instance_and_told_to_the_witness(
    demo: Sovanban,
) -> None:
    received: list[dict[str, object]] = []

    @Request.application
    def witness(request: Request) -> Response:
        received.append(json.loads(request.get_data()))
        return Response("ok")

    server = make_server("127.0.0.1", 0, witness)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = demo.instance / "config.toml"
    url = f"http://127.0.0.1:{server.server_port}/chung-kien"
    config.write_text(
        config.read_text("utf-8").replace('witness_url = ""', f'witness_url = "{url}"')
    )
    try:
        sealed = demo.ok("audit", "seal").out.split()[1]
    finally:
        server.shutdown()
    anchors = (demo.instance / "audit-anchors.log").read_text().splitlines()
    assert len(anchors) == 1 and anchors[0].split("\t")[0] == sealed.removeprefix("#")
    assert [entry["seq"] for entry in received] == [int(sealed.removeprefix("#"))]
    assert base64.b64decode(str(received[0]["token"]))  # the RFC 3161 token itself
    assert demo.ok("audit", "verify", "--json").json()["intact"]
    # The witness is gone: the seal stands, and the failure is recorded.
    demo.ok("audit", "seal")
    assert _rows(
        demo, "SELECT COUNT(*) FROM audit_events WHERE action = 'audit:witness-failed'"
    ) == [(1,)]
    path = demo.instance / "audit-anchors.log"
    path.write_text(path.read_text().replace(anchors[0].split("\t")[1], "0" * 64, 1) + "sửa tay\n")
    broken = demo("audit", "verify")
    assert broken.code == 1 and "anchored outside the database" in broken.out
    assert "is not an anchor (edited?)" in broken.out
