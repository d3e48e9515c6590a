"""What an administrator may do to accounts, and what he may not: he manages accounts but
reads no secret document, and cannot make himself (or an account he controls) one who does.

- Roles that open secret documents (clerk, auditor) granted by one administrator wait for a
  second one to confirm them; nobody confirms a grant he made or roles of his own.
- Setting the password of someone else's account that holds a clerk's, an auditor's or a
  signer's role suspends those roles the same way: whoever set the password could log in.
- No administrator makes an API token for such an account; its holder makes his own.

The command line is the server's operator (who holds the database anyway): it applies
roles directly (``sovanban users``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from basics.said import said

from ...audit import AuditAction, record_event
from ...errors import InputError
from ...models import User
from .accounts import create_api_token, set_password, set_roles
from .users import add_user

__all__ = [
    "PROTECTED_ROLES",
    "SECRET_ROLES",
    "add_account",
    "approve_roles",
    "change_roles",
    "mint_token",
    "pending_roles",
    "reset_password",
]

SECRET_ROLES = frozenset({"clerk", "auditor"})
PROTECTED_ROLES = SECRET_ROLES | {"signer"}  # a signer sees the secret documents he signs


def pending_roles(user: User) -> frozenset[str]:
    return frozenset(role for role in user.pending_roles.split(",") if role)


def add_account(
    session: Session,
    admin: User,
    *,
    login: str,
    full_name: str,
    roles: set[str],
    password: str,
    email: str = "",
    position: str = "",
    authority: str = "",
) -> User:
    """A new account; its clerk or auditor role waits for a second administrator."""
    user = add_user(
        session,
        login=login,
        full_name=full_name,
        roles=roles - SECRET_ROLES,
        email=email,
        position=position,
        authority=authority,
        actor=admin.login,
    )
    set_password(session, user, password, actor=admin.login)
    _hold(session, admin, user, roles & SECRET_ROLES)
    return user


def change_roles(session: Session, admin: User, user: User, roles: set[str]) -> None:
    """Removals and ordinary roles apply now; new clerk or auditor roles wait."""
    granted = (roles & SECRET_ROLES) - user.role_set
    set_roles(session, user, roles - granted, actor=admin.login)
    waiting = pending_roles(user) & roles  # a role unticked while it waited is dropped
    user.pending_roles = ",".join(sorted(waiting))
    _hold(session, admin, user, granted)


def reset_password(session: Session, admin: User, user: User, password: str) -> None:
    """Whoever last set the password of such an account cannot be the one who confirms it."""
    set_password(session, user, password, actor=admin.login)
    if user.id == admin.id:
        return
    suspended = user.role_set & PROTECTED_ROLES
    if suspended:
        set_roles(session, user, set(user.role_set - suspended), actor=admin.login)
    if suspended or pending_roles(user):
        _hold(session, admin, user, set(suspended))


def mint_token(session: Session, admin: User, user: User, label: str) -> str:
    if user.id != admin.id and user.role_set & PROTECTED_ROLES:
        raise InputError(
            said("This account's holder makes its API tokens himself (on his account page)")
        )
    return create_api_token(session, user, label, actor=admin.login)


def approve_roles(session: Session, admin: User, user: User) -> None:
    """A second administrator puts the waiting roles in force."""
    waiting = pending_roles(user)
    if not waiting:
        raise InputError(said("no role of {login} waits for confirmation", login=user.login))
    if admin.id == user.id or admin.login == user.pending_by:
        raise InputError(
            said(
                "Another administrator must confirm (asked by {pending_by})",
                pending_by=user.pending_by,
            )
        )
    set_roles(session, user, set(user.role_set | waiting), actor=admin.login)
    record_event(
        session,
        actor=admin.login,
        action=AuditAction.USER_ROLES_APPROVED,
        details={"login": user.login, "roles": sorted(waiting), "asked_by": user.pending_by},
    )
    user.pending_roles, user.pending_by = "", ""


def _hold(session: Session, admin: User, user: User, roles: set[str]) -> None:
    if not roles and not pending_roles(user):
        return
    waiting = pending_roles(user) | roles
    user.pending_roles, user.pending_by = ",".join(sorted(waiting)), admin.login
    record_event(
        session,
        actor=admin.login,
        action=AuditAction.USER_ROLES_PENDING,
        details={"login": user.login, "roles": sorted(roles)},
    )
