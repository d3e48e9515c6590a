"""People the registry knows: signers named on documents, and later the web accounts."""

from __future__ import annotations

import re

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.said import said
from basics.text import nfc

from ...audit import AuditAction, record_event
from ...authority import signing_authority
from ...errors import InputError, NotFoundError
from ...models import User

__all__ = [
    "ROLES",
    "active_signers",
    "add_user",
    "edit_profile",
    "find_user",
    "get_user",
    "list_users",
    "pin_certificate",
]

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
            said(
                "login {login!r} must be 2-64 lower-case letters, digits, '.', '_' or '-'",
                login=login,
            )
        )
    unknown = sorted(set(roles) - ROLES)
    if unknown:
        raise InputError(
            said(
                "unknown role {unknown!r} (roles: {sorted})",
                unknown=unknown[0],
                sorted=", ".join(sorted(ROLES)),
            )
        )
    if not full_name.strip():
        raise InputError(said("a user needs a full name"))
    if session.scalars(select(User).where(User.login == login)).first() is not None:
        raise InputError(said("the login {login!r} is taken", login=login))
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
        session,
        actor=actor,
        action=AuditAction.USER_ADD,
        details={"login": login, "roles": user.roles},
    )
    return user


def get_user(session: Session, login: str) -> User:
    user = session.scalars(select(User).where(User.login == login)).first()
    if user is None or not user.active:
        raise NotFoundError(said("no active user with the login {login!r}", login=login))
    return user


def find_user(session: Session, login: str) -> User | None:
    """The account with ``login``, active or not; None when there is none."""
    return session.scalars(select(User).where(User.login == login)).first()


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.login)))


def active_signers(session: Session, *, active_only: bool = True) -> list[User]:
    """The people who sign documents (role ``signer``), by name; the inactive ones too
    when ``active_only`` is false (a search filter must find who signed in the past)."""
    query = select(User).order_by(User.full_name)
    if active_only:
        query = query.where(User.active.is_(True))
    return [user for user in session.scalars(query) if "signer" in user.role_set]


def pin_certificate(session: Session, login: str, certificate: bytes | None, *, actor: str) -> str:
    """Pin ``login``'s signing certificate (PEM or DER): a document he signs with his own
    token is accepted only with this very one; ``None`` clears the pin. Its SHA-256."""
    fingerprint = ""
    if certificate is not None:
        try:
            cert = (
                x509.load_pem_x509_certificate(certificate)
                if b"-----BEGIN" in certificate
                else x509.load_der_x509_certificate(certificate)
            )
        except ValueError as exc:
            raise InputError(said("not a readable certificate ({exc})", exc=exc)) from exc
        fingerprint = cert.fingerprint(hashes.SHA256()).hex()
    user = get_user(session, login)
    user.certificate_sha256 = fingerprint
    record_event(
        session,
        actor=actor,
        action=AuditAction.USER_CERTIFICATE,
        details={"login": login, "certificate_sha256": fingerprint},
    )
    return fingerprint


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def edit_profile(
    session: Session,
    user: User,
    *,
    scheme: str,
    full_name: str,
    email: str,
    position: str,
    authority: str,
    actor: str,
) -> list[str]:
    """Change an account's name, e-mail, position and default signing authority (``scheme``'s
    forms); the names of what changed, recorded in the audit trail."""
    values = {
        "full_name": nfc(" ".join(full_name.split())),
        "email": email.strip().lower(),
        "position": nfc(" ".join(position.split())),
        "authority": signing_authority(scheme, authority),
    }
    if not values["full_name"]:
        raise InputError(said("A user needs a full name"))
    if values["email"] and not _EMAIL.fullmatch(values["email"]):
        raise InputError(said("Not an e-mail address: {email!r}", email=email))
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, values[name])
    if changed:
        record_event(
            session,
            actor=actor,
            action=AuditAction.USER_PROFILE,
            details={"login": user.login, "changed": changed},
        )
    return changed
