"""``sovanban audit verify | seal`` on the demo instance's real trail."""

from __future__ import annotations

import sqlite3

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
