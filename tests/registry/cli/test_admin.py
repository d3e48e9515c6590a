"""init, demo, users and series commands."""

from __future__ import annotations

from tests.support.cli import Sovanban


def test_init_is_idempotent(sovanban: Sovanban) -> None:
    first = sovanban.ok("init", "--json").json()
    second = sovanban.ok("init", "--json").json()
    assert first == second
    assert first["issuer"] == "ĐUK"
    assert first["database"].startswith("sqlite:///")
    assert first["document_types"] > 40


def test_demo_registers_the_seed_notice_once(sovanban: Sovanban) -> None:
    first = sovanban.ok("demo", "--no-serve", "--json").json()
    again = sovanban.ok("demo", "--no-serve", "--json").json()
    assert first["seed_document_id"] == again["seed_document_id"] == 1
    assert (sovanban.instance / "config.toml").is_file()
    shown = sovanban.ok("show", "1", "--json").json()
    assert shown["signer"]["name"] == "Nguyễn Trọng Vân"
    assert shown["page_count"] >= 1
    assert len(sovanban.ok("list", "--json").json()) == 1


def test_users_add_and_list(sovanban: Sovanban) -> None:
    sovanban.ok("init")
    sovanban.ok(
        "users", "add", "vanthu", "--name", "Văn Thư", "--role", "clerk", "--role", "auditor"
    )
    rows = sovanban.ok("users", "list", "--json").json()
    assert rows == [
        {
            "login": "vanthu",
            "name": "Văn Thư",
            "roles": ["auditor", "clerk"],
            "position": "",
            "active": True,
        }
    ]
    taken = sovanban("users", "add", "vanthu", "--name", "X", "--role", "clerk")
    assert taken.code == 1 and "taken" in taken.err
    bad = sovanban("users", "add", "Văn Thư", "--name", "X", "--role", "clerk")
    assert bad.code == 1 and "lower-case" in bad.err


def test_series_close_refuses_unknown_and_lists(sovanban: Sovanban) -> None:
    sovanban.ok("init")
    unknown = sovanban("series", "close", "TB", "--reason", "sáp nhập")
    assert unknown.code == 1 and "has no series 'TB'" in unknown.err
    assert sovanban.ok("series", "list", "--json").json() == []


def test_series_close_after_a_number_was_given(sovanban: Sovanban) -> None:
    from datetime import date

    from registry.instance import open_instance
    from registry.numbering import allocate_number
    from registry.services.drafting.documents import get_type
    from registry.services.setup.reference_data import current_issuer

    sovanban.ok("init")
    instance = open_instance(sovanban.instance)
    with instance.sessions.begin() as session:
        issuer = current_issuer(session, instance.config)
        allocate_number(
            session, issuer=issuer, doc_type=get_type(session, issuer, "TB"), on=date(2024, 1, 5)
        )
    instance.engine.dispose()
    sovanban.ok("series", "close", "TB", "--reason", "Đảng ủy Khối kết thúc hoạt động")
    assert sovanban.ok("series", "list", "--json").json() == [
        {"issuer": "ĐUK", "series": "TB", "period": "2020-2025", "last_number": 1, "closed": True}
    ]
