"""Web accounts: passwords, logins with throttling, roles, and API tokens for machines."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.said import said

from ...audit import AuditAction, record_event
from ...errors import AuthenticationError, InputError
from ...models import LARGEST_KEY, ApiToken, LoginLock, User
from ...passwords import MIN_PASSWORD_LENGTH, hash_password, password_matches
from .users import ROLES

__all__ = [
    "LOCKOUT",
    "MAX_FAILED_LOGINS",
    "TOKEN_USE_RESOLUTION",
    "active_token",
    "authenticate",
    "create_api_token",
    "end_sessions",
    "log_out",
    "note_token_use",
    "revoke_api_token",
    "session_fingerprint",
    "set_active",
    "set_password",
    "set_roles",
    "token_use_due",
    "user_for_token",
    "user_tokens",
]

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
TOKEN_USE_RESOLUTION = timedelta(minutes=1)  # how exactly a token's last use is kept
_TOKEN_PREFIX = "svb_"
# Compared against when the login is unknown, so that both paths cost one scrypt.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def set_password(session: Session, user: User, password: str, *, actor: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            said(
                "A password needs at least {MIN_PASSWORD_LENGTH} characters",
                MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH,
            )
        )
    if password.strip() != password or not password.isprintable():
        raise InputError(
            said("a password must not start or end with spaces or hold control characters")
        )
    user.password_hash = hash_password(password)
    end_sessions(user)
    for lock in session.scalars(select(LoginLock).where(LoginLock.user_id == user.id)):
        lock.failures, lock.locked_until = 0, None  # a new password is a fresh start
    record_event(
        session, actor=actor, action=AuditAction.USER_PASSWORD, details={"login": user.login}
    )


def authenticate(
    session: Session,
    login: str,
    password: str,
    *,
    address: str,
    now: datetime | None = None,
) -> User:
    """The active account ``login`` if ``password`` is its own; records the attempt.

    The caller commits in both outcomes, so that failures count. After
    :data:`MAX_FAILED_LOGINS` failures from one ``address`` (the client's), that address
    waits :data:`LOCKOUT` for that account; the owner at his own desk still gets in.
    """
    now = now or datetime.now(UTC)
    user = session.scalars(select(User).where(User.login == login.strip().lower())).first()
    refused = AuthenticationError(said("Wrong login or password"))
    if user is None or not user.active or not user.password_hash:
        password_matches(_DUMMY_HASH, password)
        record_event(
            session,
            actor="anonymous",
            action=AuditAction.USER_LOGIN_FAILED,
            details={"login": login[:64], "address": address[:64]},
        )
        raise refused
    lock = _lock_of(session, user, address[:64])
    if lock.locked_until is not None and lock.locked_until > now:
        record_event(
            session,
            actor=user.login,
            action=AuditAction.USER_LOGIN_LOCKED,
            details={"address": lock.address},
        )
        minutes = -(-int((lock.locked_until - now).total_seconds()) // 60)
        raise AuthenticationError(
            said(
                "Too many failed logins: this account waits {minutes} more minute(s) here",
                minutes=minutes,
            )
        )
    if not password_matches(user.password_hash, password):
        lock.failures += 1
        if lock.failures >= MAX_FAILED_LOGINS:
            lock.locked_until = now + LOCKOUT
            lock.failures = 0
        record_event(
            session,
            actor=user.login,
            action=AuditAction.USER_LOGIN_FAILED,
            details={"address": lock.address},
        )
        raise refused
    lock.failures = 0
    lock.locked_until = None
    record_event(session, actor=user.login, action=AuditAction.USER_LOGIN, details={})
    return user


def _lock_of(session: Session, user: User, address: str) -> LoginLock:
    lock = session.scalars(
        select(LoginLock).where(LoginLock.user_id == user.id, LoginLock.address == address)
    ).first()
    if lock is None:
        lock = LoginLock(user_id=user.id, address=address, failures=0)
        session.add(lock)
    return lock


def session_fingerprint(user: User) -> str:
    """Changes with the password and with the session generation: a cookie holding it dies
    at logout, a password change, deactivation and reactivation, on every device."""
    text = f"{user.id}:{user.password_hash}:{user.active}:{user.session_generation}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def end_sessions(user: User) -> None:
    """Every session of ``user`` ends (the caller commits)."""
    user.session_generation = (user.session_generation or 0) + 1


def log_out(session: Session, user: User) -> None:
    """Logging out ends every session of the account, not only this browser's cookie (a
    copied cookie would live on otherwise)."""
    end_sessions(user)
    record_event(session, actor=user.login, action=AuditAction.USER_LOGOUT, details={})


def _active_admins(session: Session) -> int:
    users = session.scalars(select(User).where(User.active.is_(True))).all()
    return sum("admin" in user.role_set for user in users)


def set_roles(session: Session, user: User, roles: set[str], *, actor: str) -> None:
    unknown = sorted(roles - ROLES)
    if unknown:
        raise InputError(
            said(
                "unknown role {unknown!r} (roles: {sorted})",
                unknown=unknown[0],
                sorted=", ".join(sorted(ROLES)),
            )
        )
    if "admin" in user.role_set and "admin" not in roles and _active_admins(session) <= 1:
        raise InputError(said("the last administrator keeps the admin role"))
    user.roles = ",".join(sorted(roles))
    record_event(
        session,
        actor=actor,
        action=AuditAction.USER_ROLES,
        details={"login": user.login, "roles": user.roles},
    )


def set_active(session: Session, user: User, active: bool, *, actor: str) -> None:
    if not active and "admin" in user.role_set and user.active and _active_admins(session) <= 1:
        raise InputError(said("the last administrator cannot be deactivated"))
    user.active = active
    end_sessions(user)  # reactivating must not revive the cookies of before
    for token in user_tokens(session, user):
        if not active and token.revoked_at is None:
            token.revoked_at = datetime.now(UTC)
    record_event(
        session,
        actor=actor,
        action=AuditAction.USER_ACTIVATE if active else AuditAction.USER_DEACTIVATE,
        details={"login": user.login},
    )


def user_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(session: Session, user: User, label: str, *, actor: str) -> str:
    """A new bearer token for ``user``; the only time the token itself is seen."""
    label = " ".join(label.split())[:100]
    if not label:
        raise InputError(said("a token needs a label (what machine uses it)"))
    token = _TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, label=label, token_sha256=_digest(token)))
    record_event(
        session,
        actor=actor,
        action=AuditAction.TOKEN_CREATE,
        details={"login": user.login, "label": label},
    )
    return token


def revoke_api_token(
    session: Session, token_id: int, *, actor: str, owner: User | None = None
) -> None:
    """Revoke token ``token_id`` (``owner``: only if it is that account's)."""
    token = session.get(ApiToken, token_id) if 0 < token_id <= LARGEST_KEY else None
    if token is None or token.revoked_at is not None or (owner and token.user_id != owner.id):
        raise InputError(said("no active token #{token_id}", token_id=token_id))
    token.revoked_at = datetime.now(UTC)
    record_event(session, actor=actor, action=AuditAction.TOKEN_REVOKE, details={"token": token_id})


def active_token(session: Session, token: str) -> ApiToken | None:
    """The unrevoked token ``token`` of an active account, or None (reads only)."""
    if not token.startswith(_TOKEN_PREFIX) or len(token) > 200:
        return None
    found = session.scalars(
        select(ApiToken).where(
            ApiToken.token_sha256 == _digest(token), ApiToken.revoked_at.is_(None)
        )
    ).first()
    return found if found is not None and found.user.active else None


def token_use_due(token: ApiToken, now: datetime) -> bool:
    """Whether ``token``'s last use is older than TOKEN_USE_RESOLUTION: a program calling
    many times a second then costs one write a minute, not one per call."""
    return token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION


def note_token_use(session: Session, token_id: int, now: datetime) -> None:
    """Record that token ``token_id`` was used at ``now`` (if it still exists)."""
    token = session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = now


def user_for_token(session: Session, token: str) -> User | None:
    """The active account a bearer token belongs to, or None; its use noted when due."""
    found = active_token(session, token)
    if found is None:
        return None
    now = datetime.now(UTC)
    if token_use_due(found, now):
        found.last_used_at = now
    return found.user
