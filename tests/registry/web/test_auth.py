"""Logging in and out: wrong passwords, lockout, rate limit, no open redirect, cookies."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from registry.instance import Instance
from registry.models import AuditEvent, User
from registry.services.people.accounts import set_active, set_password
from tests.support.web import csrf_token, logged_in, password_of


def _login(
    app: Flask, login: str, password: str, address: str = "127.0.0.1", **extra: str
) -> tuple[int, str, str]:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    response = client.post(
        "/dang-nhap",
        data={"login": login, "password": password, "csrf_token": csrf_token(client), **extra},
    )
    return (
        response.status_code,
        response.headers.get("Location", ""),
        response.get_data(as_text=True),
    )


def test_a_login_lands_on_the_workspace_and_sets_a_safe_cookie(app: Flask) -> None:
    client = app.test_client()
    response = client.post(
        "/dang-nhap",
        data={
            "login": "vanthu",
            "password": password_of("vanthu"),
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/van-thu/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Content-Security-Policy" in client.get("/van-thu/").headers
    assert (
        client.post("/dang-xuat", data={"csrf_token": csrf_token(client, "/van-thu/")}).status_code
        == 302
    )
    assert client.get("/van-thu/").status_code == 302  # logged out


def test_wrong_passwords_say_nothing_about_the_account(app: Flask) -> None:
    unknown = _login(app, "khongco", "mat-khau-bat-ky")
    wrong = _login(app, "kiemsoat", "mat-khau-sai-roi")
    assert unknown[0] == wrong[0] == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in unknown[2]
    assert "Sai tên đăng nhập hoặc mật khẩu" in wrong[2]


def test_next_goes_only_to_this_site(app: Flask) -> None:
    for target, expected in (
        ("/ho-so/1", "/ho-so/1"),
        ("/tim-kiem?q=th%C3%B4ng+b%C3%A1o", "/tim-kiem?q=th%C3%B4ng+b%C3%A1o"),
        ("//evil.example/x", "/kiem-soat/"),
        ("https://evil.example/", "/kiem-soat/"),
        ("/\t/evil.example/x", "/kiem-soat/"),  # the form's /%09/evil.example/x
        ("/\\evil.example/x", "/kiem-soat/"),
        ("/\r\nSet-Cookie: x=1", "/kiem-soat/"),  # was a 500
        ("/x\n", "/kiem-soat/"),
    ):
        status, location, _ = _login(app, "kiemsoat", password_of("kiemsoat"), next=target)
        assert status == 302 and location == expected


def test_five_wrong_passwords_lock_the_account(app: Flask, demo_instance: Instance) -> None:
    for _ in range(5):
        assert _login(app, "quantri", "khong-dung-mat-khau")[0] == 401
    status, _, page = _login(app, "quantri", password_of("quantri"))
    assert status == 401 and "Đăng nhập sai quá nhiều lần" in page
    with demo_instance.sessions.begin() as session:
        user = session.query(User).filter_by(login="quantri").one()
        failures = session.query(AuditEvent).filter_by(action="user:login-failed", actor="quantri")
        assert failures.count() >= 5
        set_password(session, user, password_of("quantri"), actor="test")  # unlocks
    assert _login(app, "quantri", password_of("quantri"))[0] == 302


def test_guesses_from_elsewhere_do_not_lock_the_owner_out(
    app: Flask, demo_instance: Instance
) -> None:
    """The lock holds the guessing address, not the account: the auditor at her own desk
    still logs in while the stranger waits."""
    stranger, desk = "203.0.113.9", "10.0.0.7"
    for _ in range(5):
        assert _login(app, "kiemsoat", "doan-mo-mat-khau", address=stranger)[0] == 401
    status, _, page = _login(app, "kiemsoat", password_of("kiemsoat"), address=stranger)
    assert status == 401 and "Đăng nhập sai quá nhiều lần" in page
    assert _login(app, "kiemsoat", password_of("kiemsoat"), address=desk)[0] == 302
    with demo_instance.sessions.begin() as session:
        locked = session.query(AuditEvent).filter_by(action="user:login-locked", actor="kiemsoat")
        assert [event.details["address"] for event in locked] == [stranger]


def _copied(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding the same session cookie (stolen, or a second tab)."""
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None
    other = app.test_client()
    other.set_cookie(name, cookie.value)
    return other


def test_logging_out_ends_every_copy_of_the_session(app: Flask) -> None:
    client = logged_in(app, "auditor")
    copy = _copied(app, client)
    assert copy.get("/kiem-soat/").status_code == 200
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client, "/kiem-soat/")})
    assert client.get("/kiem-soat/").status_code == 302
    assert copy.get("/kiem-soat/").status_code == 302  # the copied cookie is dead too
    assert logged_in(app, "auditor").get("/kiem-soat/").status_code == 200


def test_deactivating_then_reactivating_revives_no_session(
    app: Flask, demo_instance: Instance
) -> None:
    client = logged_in(app, "auditor")
    assert client.get("/kiem-soat/").status_code == 200
    for active in (False, True):
        with demo_instance.sessions.begin() as session:
            user = session.query(User).filter_by(login="kiemsoat").one()
            set_active(session, user, active, actor="test")
    assert client.get("/kiem-soat/").status_code == 302
    assert logged_in(app, "auditor").get("/kiem-soat/").status_code == 200


def test_login_attempts_are_rate_limited_per_address(app: Flask) -> None:
    statuses = [_login(app, f"nobody{n}", "x" * 12)[0] for n in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]


def test_changing_ones_password_ends_the_other_sessions(
    app: Flask, demo_instance: Instance
) -> None:
    first = logged_in(app, "auditor")
    second = logged_in(app, "auditor")
    new = "mat-khau-moi-cua-kiem-soat"
    differ = first.post(
        "/tai-khoan",
        data={
            "current": password_of("kiemsoat"),
            "new": new,
            "repeat": new + "x",
            "csrf_token": csrf_token(first, "/tai-khoan"),
        },
    )
    assert differ.status_code == 400 and "không khớp" in differ.get_data(as_text=True)
    changed = first.post(
        "/tai-khoan",
        data={
            "current": password_of("kiemsoat"),
            "new": new,
            "repeat": new,
            "csrf_token": csrf_token(first, "/tai-khoan"),
        },
    )
    assert changed.status_code == 200 and "Đã đổi mật khẩu" in changed.get_data(as_text=True)
    try:
        assert first.get("/kiem-soat/").status_code == 200
        assert second.get("/kiem-soat/").status_code == 302
    finally:
        with demo_instance.sessions.begin() as session:
            user = session.query(User).filter_by(login="kiemsoat").one()
            set_password(session, user, password_of("kiemsoat"), actor="test")
