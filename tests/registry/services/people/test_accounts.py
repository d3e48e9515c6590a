"""Accounts on both engines: logins locked per account and address, sessions that end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from registry.errors import AuthenticationError
from registry.models import User
from registry.services.people.accounts import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    authenticate,
    log_out,
    session_fingerprint,
    set_active,
    set_password,
)
from registry.services.people.users import add_user
from tests.support.database import Database

PASSWORD = "mat-khau-cua-van-thu"
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def clerk(database: Database) -> Database:
    with database.sessions.begin() as session:
        user = add_user(session, login="vanthu", full_name="Văn thư", roles={"clerk"}, actor="t")
        set_password(session, user, PASSWORD, actor="t")
    return database


def _try(database: Database, password: str, address: str, now: datetime = NOW) -> str:
    with database.sessions.begin() as session:
        try:
            authenticate(session, "vanthu", password, address=address, now=now)
        except AuthenticationError as exc:
            return exc.message
    return "in"


def test_guesses_lock_their_address_only(clerk: Database) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        assert "Wrong login or password" in _try(clerk, "doan-sai", "203.0.113.9")
    assert "Too many failed logins" in _try(clerk, PASSWORD, "203.0.113.9")
    assert _try(clerk, PASSWORD, "10.0.0.7") == "in"
    assert "Too many failed logins" in _try(clerk, PASSWORD, "203.0.113.9")
    assert _try(clerk, PASSWORD, "203.0.113.9", NOW + LOCKOUT + timedelta(seconds=1)) == "in"


def test_a_success_forgets_the_failures_of_its_address(clerk: Database) -> None:
    for _ in range(MAX_FAILED_LOGINS - 1):
        _try(clerk, "doan-sai", "10.0.0.7")
    assert _try(clerk, PASSWORD, "10.0.0.7") == "in"
    for _ in range(MAX_FAILED_LOGINS - 1):
        _try(clerk, "doan-sai", "10.0.0.7")
    assert _try(clerk, PASSWORD, "10.0.0.7") == "in"


def _fingerprint(database: Database) -> str:
    with database.sessions() as session:
        return session_fingerprint(session.query(User).filter_by(login="vanthu").one())


def test_logout_password_change_and_reactivation_each_end_the_sessions(clerk: Database) -> None:
    seen = {_fingerprint(clerk)}
    changes = (
        lambda session, user: log_out(session, user),
        lambda session, user: set_password(session, user, PASSWORD + "-moi", actor="t"),
        lambda session, user: set_active(session, user, False, actor="t"),
        lambda session, user: set_active(session, user, True, actor="t"),
    )
    for change in changes:
        with clerk.sessions.begin() as session:
            change(session, session.query(User).filter_by(login="vanthu").one())
        fingerprint = _fingerprint(clerk)
        assert fingerprint not in seen  # no cookie of before opens the account again
        seen.add(fingerprint)
