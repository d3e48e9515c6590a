"""The administrator's pages: accounts, roles, deactivation, API tokens, and what an
administrator cannot do: read secret documents, or make himself (or an account he controls)
one who does, without a second administrator."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.instance import Instance
from registry.models import AuditEvent, User
from registry.services.people.accounts import set_password
from registry.services.people.users import add_user
from tests.support.web import csrf_token, logged_in, password_of

SECOND_ADMIN = ("quantri2", "mat-khau-quan-tri-hai")


@pytest.fixture
def second_admin(app: Flask, demo_instance: Instance) -> FlaskClient:
    login, password = SECOND_ADMIN
    with demo_instance.sessions.begin() as session:
        if session.query(User).filter_by(login=login).first() is None:
            user = add_user(
                session, login=login, full_name="Quản trị hai", roles={"admin"}, actor="t"
            )
            set_password(session, user, password, actor="t")
    client = app.test_client()
    form = {"login": login, "password": password, "csrf_token": csrf_token(client)}
    assert client.post("/dang-nhap", data=form).status_code == 302
    return client


def _post(client: FlaskClient, url: str, **data: str) -> str:
    response = client.post(url, data={**data, "csrf_token": csrf_token(client, "/quan-tri/")})
    assert response.status_code in (200, 302, 400), response.status_code
    return response.get_data(as_text=True)


def _log_in(app: Flask, login: str, password: str) -> FlaskClient:
    client = app.test_client()
    form = {"login": login, "password": password, "csrf_token": csrf_token(client)}
    assert client.post("/dang-nhap", data=form).status_code == 302
    return client


def test_an_account_is_added_its_clerk_role_confirmed_changed_and_deactivated(
    app: Flask, second_admin: FlaskClient
) -> None:
    admin = logged_in(app, "admin")
    form = {"login": "thuky", "full_name": "Đỗ Thư Ký", "roles": "clerk"}
    short = _post(admin, "/quan-tri/nguoi-dung", **form, password="ngan")
    assert "ít nhất 10 ký tự" in short and 'value="Đỗ Thư Ký"' in short
    _post(admin, "/quan-tri/nguoi-dung", **form, password="mat-khau-thu-ky")
    newcomer = _log_in(app, "thuky", "mat-khau-thu-ky")
    assert newcomer.get("/van-thu/").status_code == 403  # the clerk's role waits
    page = "/quan-tri/nguoi-dung/thuky"
    assert "chờ quản trị viên thứ hai" in admin.get(page).get_data(as_text=True)
    assert "Một quản trị viên khác phải xác nhận" in _post(admin, page, action="approve")
    _post(second_admin, page, action="approve")
    assert newcomer.get("/van-thu/").status_code == 200
    _post(second_admin, page, action="roles", roles="auditor")  # waits for the other admin
    assert newcomer.get("/van-thu/").status_code == 403
    assert newcomer.get("/kiem-soat/").status_code == 403
    _post(admin, page, action="approve")
    assert newcomer.get("/kiem-soat/").status_code == 200
    _post(admin, page, action="deactivate")
    assert newcomer.get("/kiem-soat/").status_code == 302  # the session ended


def test_an_administrator_cannot_give_himself_a_role_that_reads_secrets(
    app: Flask, second_admin: FlaskClient, demo_instance: Instance
) -> None:
    admin = logged_in(app, "admin")
    own = "/quan-tri/nguoi-dung/quantri"
    _post(admin, own, action="roles", roles=["admin", "auditor"])  # type: ignore[arg-type]
    assert admin.get("/kiem-soat/").status_code == 403
    assert "Một quản trị viên khác phải xác nhận" in _post(admin, own, action="approve")
    assert admin.get("/kiem-soat/").status_code == 403
    with demo_instance.sessions() as session:
        events = session.query(AuditEvent).filter_by(action="user:roles-pending").all()
        assert any(e.details == {"login": "quantri", "roles": ["auditor"]} for e in events)
    _post(admin, own, action="roles", roles="admin")  # taken back before anyone confirmed
    assert "không có vai trò nào của quantri chờ xác nhận" in _post(
        second_admin, own, action="approve"
    )


def test_setting_a_password_suspends_the_roles_that_read_secrets(
    app: Flask, second_admin: FlaskClient
) -> None:
    """An administrator who sets the auditor's password could log in as her: her auditor
    role waits for a second administrator, who confirms it when she has her password."""
    admin = logged_in(app, "admin")
    page = "/quan-tri/nguoi-dung/kiemsoat"
    try:
        _post(admin, page, action="password", password="mat-khau-do-quan-tri-dat")
        taken_over = _log_in(app, "kiemsoat", "mat-khau-do-quan-tri-dat")
        assert taken_over.get("/kiem-soat/").status_code == 403
        assert "Một quản trị viên khác phải xác nhận" in _post(admin, page, action="approve")
        _post(second_admin, page, action="password", password=password_of("kiemsoat"))
        # The second administrator set the password last: he cannot be the one to confirm.
        assert "Một quản trị viên khác phải xác nhận" in _post(second_admin, page, action="approve")
    finally:
        _post(admin, page, action="approve")
    assert logged_in(app, "auditor").get("/kiem-soat/").status_code == 200


def test_tokens_for_accounts_that_read_secrets_are_made_by_their_holders(app: Flask) -> None:
    admin = logged_in(app, "admin")
    refused = _post(admin, "/quan-tri/nguoi-dung/vanthu", action="token", label="máy nhập liệu")
    assert "tự tạo khóa API của mình" in refused and 'id="new-token"' not in refused
    clerk = logged_in(app, "clerk")
    token = csrf_token(clerk, "/tai-khoan")
    created = clerk.post(
        "/tai-khoan", data={"action": "token", "label": "máy", "csrf_token": token}
    )
    secret = re.search(r'id="new-token">([^<]+)<', created.get_data(as_text=True))
    assert secret is not None
    assert secret.group(1) not in clerk.get("/tai-khoan").get_data(as_text=True)
    headers = {"Authorization": f"Bearer {secret.group(1)}"}
    api = app.test_client()
    assert api.get("/api/v1/documents?trang_thai=draft", headers=headers).status_code == 200
    (token_id,) = re.findall(
        r'name="token_id" value="(\d+)"', clerk.get("/tai-khoan").get_data(as_text=True)
    )
    garbled = clerk.post(
        "/tai-khoan", data={"action": "revoke", "token_id": "1x", "csrf_token": token}
    )
    assert garbled.status_code == 400
    assert "Mã khóa API phải là số: &#39;1x&#39;" in garbled.get_data(as_text=True)
    assert api.get("/api/v1/documents", headers=headers).status_code == 200
    clerk.post("/tai-khoan", data={"action": "revoke", "token_id": token_id, "csrf_token": token})
    assert api.get("/api/v1/documents", headers=headers).status_code == 401


def test_the_last_administrator_stays(app: Flask, demo_instance: Instance) -> None:
    with demo_instance.sessions.begin() as session:
        for other in session.query(User).filter(User.login != "quantri"):
            if "admin" in other.role_set:
                other.active = False  # the second administrator of the tests above
    admin = logged_in(app, "admin")
    response = admin.post(
        "/quan-tri/nguoi-dung/quantri",
        data={"action": "roles", "roles": "clerk", "csrf_token": csrf_token(admin, "/quan-tri/")},
    )
    assert response.status_code == 400 and "quản trị viên cuối cùng" in response.get_data(
        as_text=True
    )


def test_a_signers_profile_and_certificate_are_kept_up_to_date(
    app: Flask, demo_instance: Instance
) -> None:
    admin = logged_in(app, "admin")
    page = "/quan-tri/nguoi-dung/nguyentrongvan"
    bad = admin.post(
        page,
        data={
            "action": "profile",
            "full_name": "Nguyễn Trọng Vân",
            "email": "nguyentrongvan@hatinh.dcs.vn",
            "position": "Bí thư",
            "authority": "KT. Ban Chấp hành",
            "csrf_token": csrf_token(admin, page),
        },
    )
    assert bad.status_code == 400 and "Thẩm quyền ký phải bắt đầu bằng" in bad.get_data(
        as_text=True
    )
    good = admin.post(
        page,
        data={
            "action": "profile",
            "full_name": "  Nguyễn   Trọng Vân ",
            "email": "NguyenTrongVan@HaTinh.dcs.vn",
            "position": "Bí thư",
            "authority": "t/m Ban Chấp hành",
            "csrf_token": csrf_token(admin, page),
        },
    )
    assert good.status_code == 302
    pem = (demo_instance.folder / "pki" / "signer.pem").read_bytes()
    pinned = admin.post(
        page,
        data={
            "action": "certificate",
            "certificate": (io.BytesIO(pem), "signer.pem"),
            "csrf_token": csrf_token(admin, page),
        },
        content_type="multipart/form-data",
    )
    assert pinned.status_code == 302
    junk = admin.post(
        page,
        data={
            "action": "certificate",
            "certificate": (io.BytesIO(b"not a certificate"), "x.pem"),
            "csrf_token": csrf_token(admin, page),
        },
        content_type="multipart/form-data",
    )
    assert junk.status_code == 400 and "không đọc được chứng thư" in junk.get_data(as_text=True)
    with demo_instance.sessions() as session:
        user = session.query(User).filter_by(login="nguyentrongvan").one()
        assert (user.full_name, user.email, user.position, user.authority) == (
            "Nguyễn Trọng Vân",
            "nguyentrongvan@hatinh.dcs.vn",
            "Bí thư",
            "T/M Ban Chấp hành",
        )
        assert len(user.certificate_sha256) == 64
        actions = [e.action for e in session.query(AuditEvent).order_by(AuditEvent.id)]
        assert actions[-2:] == ["user:profile", "user:certificate"]
