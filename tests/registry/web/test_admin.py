"""The administrator's pages: accounts, roles, deactivation, API tokens."""

from __future__ import annotations

import re

from flask import Flask

from tests.support.web import csrf_token, logged_in


def test_an_account_is_added_changed_and_deactivated(app: Flask) -> None:
    admin = logged_in(app, "admin")
    token = csrf_token(admin, "/quan-tri/")
    short = admin.post(
        "/quan-tri/nguoi-dung",
        data={
            "login": "thuky",
            "full_name": "Đỗ Thư Ký",
            "roles": "clerk",
            "password": "ngan",
            "csrf_token": token,
        },
    )
    assert short.status_code == 400 and "at least 10" in short.get_data(as_text=True)
    assert 'value="Đỗ Thư Ký"' in short.get_data(as_text=True)
    added = admin.post(
        "/quan-tri/nguoi-dung",
        data={
            "login": "thuky",
            "full_name": "Đỗ Thư Ký",
            "roles": "clerk",
            "password": "mat-khau-thu-ky",
            "csrf_token": token,
        },
    )
    assert added.status_code == 302
    newcomer = app.test_client()
    assert (
        newcomer.post(
            "/dang-nhap",
            data={
                "login": "thuky",
                "password": "mat-khau-thu-ky",
                "csrf_token": csrf_token(newcomer),
            },
        ).status_code
        == 302
    )
    assert newcomer.get("/van-thu/").status_code == 200
    page = "/quan-tri/nguoi-dung/thuky"
    admin.post(page, data={"action": "roles", "roles": "auditor", "csrf_token": token})
    assert newcomer.get("/van-thu/").status_code == 403
    assert newcomer.get("/kiem-soat/").status_code == 200
    admin.post(page, data={"action": "deactivate", "csrf_token": token})
    assert newcomer.get("/kiem-soat/").status_code == 302  # the session ended


def test_the_last_administrator_stays(app: Flask) -> None:
    admin = logged_in(app, "admin")
    token = csrf_token(admin, "/quan-tri/")
    response = admin.post(
        "/quan-tri/nguoi-dung/quantri",
        data={"action": "roles", "roles": "clerk", "csrf_token": token},
    )
    assert response.status_code == 400 and "last administrator" in response.get_data(as_text=True)


def test_a_token_is_shown_once_and_can_be_revoked(app: Flask) -> None:
    admin = logged_in(app, "admin")
    page = "/quan-tri/nguoi-dung/vanthu"
    token = csrf_token(admin, page)
    created = admin.post(
        page, data={"action": "token", "label": "máy nhập liệu", "csrf_token": token}
    )
    secret = re.search(r'id="new-token">([^<]+)<', created.get_data(as_text=True))
    assert secret is not None
    assert secret.group(1) not in admin.get(page).get_data(as_text=True)
    headers = {"Authorization": f"Bearer {secret.group(1)}"}
    api = app.test_client()
    assert api.get("/api/v1/documents?trang_thai=draft", headers=headers).status_code == 200
    token_id = re.findall(r'name="token_id" value="(\d+)"', admin.get(page).get_data(as_text=True))
    garbled = admin.post(page, data={"action": "revoke", "token_id": "1x", "csrf_token": token})
    assert garbled.status_code == 400
    assert "token id must be a number: &#39;1x&#39;" in garbled.get_data(as_text=True)
    assert api.get("/api/v1/documents", headers=headers).status_code == 200
    for each in token_id:
        admin.post(page, data={"action": "revoke", "token_id": each, "csrf_token": token})
    assert api.get("/api/v1/documents", headers=headers).status_code == 401
