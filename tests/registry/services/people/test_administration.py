"""An administrator's powers over accounts on both engines: roles that read secret
documents wait for a second administrator; nobody confirms his own."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from registry.errors import InputError
from registry.models import AuditEvent, User
from registry.services.people.administration import (
    add_account,
    approve_roles,
    change_roles,
    mint_token,
    reset_password,
)
from registry.services.people.users import add_user
from tests.support.database import Database


def _admins(database: Database) -> None:
    with database.sessions.begin() as session:
        for login in ("quantri", "quantri2"):
            add_user(session, login=login, full_name=login, roles={"admin"}, actor="t")


def _user(session: Session, login: str) -> User:
    return session.query(User).filter_by(login=login).one()


def test_a_clerk_role_is_in_force_once_a_second_administrator_confirms(database: Database) -> None:
    _admins(database)
    with database.sessions.begin() as session:
        first = _user(session, "quantri")
        clerk = add_account(
            session, first, login="thuky", full_name="Thư ký", roles={"clerk", "signer"},
            password="mat-khau-thu-ky",
        )  # fmt: skip
        assert clerk.role_set == {"signer"} and clerk.pending_roles == "clerk"
        with pytest.raises(InputError, match="Another administrator must confirm"):
            approve_roles(session, first, clerk)
    with database.sessions.begin() as session:
        approve_roles(session, _user(session, "quantri2"), _user(session, "thuky"))
    with database.sessions() as session:
        assert _user(session, "thuky").role_set == {"clerk", "signer"}
        actions = [e.action for e in session.query(AuditEvent).order_by(AuditEvent.seq)]
        assert actions[-2:] == ["user:roles", "user:roles-approved"]


def test_no_one_confirms_his_own_roles_or_mints_a_clerks_token(database: Database) -> None:
    _admins(database)
    with database.sessions.begin() as session:
        first, second = _user(session, "quantri"), _user(session, "quantri2")
        change_roles(session, first, first, {"admin", "auditor"})
        assert first.role_set == {"admin"}
        with pytest.raises(InputError, match="Another administrator"):
            approve_roles(session, first, first)
        approve_roles(session, second, first)
        assert first.role_set == {"admin", "auditor"}
        clerk = add_user(session, login="vanthu", full_name="Văn thư", roles={"clerk"}, actor="t")
        with pytest.raises(InputError, match="makes its API tokens himself"):
            mint_token(session, second, clerk, "máy")
        reset_password(session, second, clerk, "mat-khau-moi-van-thu")
        assert clerk.role_set == frozenset() and clerk.pending_by == "quantri2"
        with pytest.raises(InputError, match="Another administrator"):
            approve_roles(session, second, clerk)
        approve_roles(session, first, clerk)
        assert clerk.role_set == {"clerk"}
