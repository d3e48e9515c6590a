"""People the registry knows: signers named on documents, and later the web accounts."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from signing.text import nfc

from ...audit import record_event
from ...errors import InputError, NotFoundError
from ...models import User

__all__ = ["ROLES", "add_user", "get_user"]

ROLES = frozenset({"clerk", "signer", "auditor", "admin"})
_LOGIN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


def add_user(
    session: Session,
    *,
    login: str,
    full_name: str,
    roles: set[str] | frozenset[str],
    email: str = "",
    position: str = "",
    authority: str = "",
    actor: str,
) -> User:
    """Add an account; the login is lower-case ASCII, the roles from :data:`ROLES`."""
    if _LOGIN.fullmatch(login) is None:
        raise InputError(
            f"login {login!r} must be 2-64 lower-case letters, digits, '.', '_' or '-'"
        )
    unknown = sorted(set(roles) - ROLES)
    if unknown:
        raise InputError(f"unknown role {unknown[0]!r} (roles: {', '.join(sorted(ROLES))})")
    if not full_name.strip():
        raise InputError("a user needs a full name")
    if session.scalars(select(User).where(User.login == login)).first() is not None:
        raise InputError(f"the login {login!r} is taken")
    user = User(
        login=login,
        full_name=nfc(full_name.strip()),
        email=email.strip(),
        position=nfc(position.strip()),
        authority=nfc(authority.strip()),
        roles=",".join(sorted(roles)),
    )
    session.add(user)
    session.flush()
    record_event(
        session, actor=actor, action="user:add", details={"login": login, "roles": user.roles}
    )
    return user


def get_user(session: Session, login: str) -> User:
    user = session.scalars(select(User).where(User.login == login)).first()
    if user is None or not user.active:
        raise NotFoundError(f"no active user with the login {login!r}")
    return user
