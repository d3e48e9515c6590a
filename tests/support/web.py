"""The demo instance with known passwords, and test clients that log in and post forms."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.cli import main
from registry.instance import Instance, open_instance, resolve_path
from registry.models import User
from registry.services.people.accounts import set_password

PASSPHRASE = "mat-khau-web"
ACCOUNTS = {
    "clerk": "vanthu",
    "signer": "nguyentrongvan",
    "auditor": "kiemsoat",
    "admin": "quantri",
}
ROLES = ("anonymous", *ACCOUNTS)


def password_of(login: str) -> str:
    return f"mat-khau-{login}"


@contextmanager
def demo_instance_in(folder: Path) -> Iterator[Instance]:
    """The demo; each account's password is known to the tests; the PKI passphrase is set
    meanwhile, as it is for a server that signs with the built-in timestamp service."""
    previous = os.environ.get("SOVANBAN_PKI_PASSPHRASE")
    os.environ["SOVANBAN_PKI_PASSPHRASE"] = PASSPHRASE
    try:
        with pytest.raises(SystemExit) as done:
            main(["--instance", str(folder), "demo", "--no-serve", "--json"])
            raise SystemExit(0)
        assert done.value.code in (0, None)
        instance = open_instance(folder)
        with instance.sessions.begin() as session:
            for login in ACCOUNTS.values():
                user = session.query(User).filter_by(login=login).one()
                set_password(session, user, password_of(login), actor="test")
        yield instance
    finally:
        if previous is None:
            os.environ.pop("SOVANBAN_PKI_PASSPHRASE", None)
        else:
            os.environ["SOVANBAN_PKI_PASSPHRASE"] = previous
    instance.engine.dispose()


def forget_rate_limits(instance: Instance) -> None:
    """No hits counted, as after a restart of the service (for an application made next)."""
    for suffix in ("", "-wal", "-shm"):
        (instance.folder / f"rate-limits.sqlite3{suffix}").unlink(missing_ok=True)


def csrf_token(client: FlaskClient, page: str = "/dang-nhap") -> str:
    """The CSRF token a page's forms carry, as a browser would find it."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).get_data(as_text=True))
    assert found, f"no CSRF token on {page}"
    return found.group(1)


def logged_in(app: Flask, role: str) -> FlaskClient:
    """A client logged in as the demo account holding ``role`` (or anonymous)."""
    client = app.test_client()
    if role == "anonymous":
        return client
    login = ACCOUNTS[role]
    response = client.post(
        "/dang-nhap",
        data={"login": login, "password": password_of(login), "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post_form(client: FlaskClient, url: str, data: dict[str, object], page: str) -> object:
    """POST ``data`` with the CSRF token found on ``page``."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page)})


RECIPIENTS = "- Thường trực Tỉnh ủy,\n- Các đảng ủy, chi bộ cơ sở,\n- Lưu Văn phòng Đảng ủy Khối."
BODY = "Ngày 20 tháng 11, Ban Thường vụ họp giao ban.\n\n# I. Kết luận\n\nCác đơn vị thực hiện."


def register_by_form(app: Flask, **fields: object) -> tuple[int, str, str]:
    """The clerk registers a draft composed from the form (or ``file=``); the answer's status,
    its Location and its page."""
    clerk = logged_in(app, "clerk")
    data = {
        "type": "TB",
        "subject": "Kết luận giao ban tháng 11 năm 2026",
        "signer": "nguyentrongvan",
        "urgency": "khan",
        "secrecy": "none",
        "recipients": RECIPIENTS,
        "body": BODY,
        "csrf_token": csrf_token(clerk, "/van-thu/dang-ky"),
        **fields,
    }
    response = clerk.post("/van-thu/dang-ky", data=data, content_type="multipart/form-data")
    location = response.headers.get("Location", "")
    return response.status_code, location, response.get_data(as_text=True)


def prepared_by_form(app: Flask) -> tuple[int, str]:
    """A draft registered by the clerk's form and prepared from its page: its id and page."""
    _, location, _ = register_by_form(app)
    document_id = int(location.rsplit("/", 1)[1])
    clerk = logged_in(app, "clerk")
    clerk.post(f"/van-thu/{document_id}/chuan-bi", data={"csrf_token": csrf_token(clerk, location)})
    return document_id, location


def second_host(instance: Instance, folder: Path, **web: Any) -> Instance:
    """``instance`` as another host of the deployment runs it: the same database and blob
    store, a folder of its own (its own per-host rate-limit counts), ``[web]`` changed."""
    shutil.copytree(
        instance.folder,
        folder,
        ignore=shutil.ignore_patterns("rate-limits.sqlite3*", "*.sqlite3*", "blobs"),
    )
    shared = instance.config
    config = replace(
        shared,
        web=replace(shared.web, **web),
        # The database and the blobs where the first host has them, as a deployment's
        # hosts all name the same server (worker processes open them from the config).
        database=replace(
            shared.database, url=instance.engine.url.render_as_string(hide_password=False)
        ),
        storage=replace(
            shared.storage, path=str(resolve_path(instance.folder, shared.storage.path))
        ),
    )
    return replace(instance, folder=folder, config=config)
