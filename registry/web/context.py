"""What every view shares: the instance, this request's database session, who is asking."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request, session
from sqlalchemy.orm import Session

from basics.files import write_atomically
from basics.said import said

from ..errors import InputError
from ..instance import Instance
from ..models import User
from ..private_files import FILE_MODE
from ..services.people.access import Viewer
from ..services.people.accounts import session_fingerprint
from ..services.setup.signing_tools import SigningTools
from .caches import Caches

# Inline styles; scripts only from files of ours, never inline (an injected one cannot run).
# The pages work without JavaScript: the one script shows upload progress, which needs to
# send the form itself (connect-src).
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

__all__ = [
    "PAGE_POLICY",
    "db_session",
    "end_transaction",
    "instance_of",
    "load_user",
    "page_number",
    "public_viewer",
    "session_secret",
    "signing_tools_of",
    "viewer",
    "writes",
]


def instance_of(app: Any = None) -> Instance:
    instance: Instance = (app or current_app).extensions["sovanban"]
    return instance


def caches() -> Caches:
    """The page pictures and reports kept to answer again (per process, or in Redis)."""
    kept: Caches = current_app.extensions["sovanban_caches"]
    return kept


def db_session() -> Session:
    """This request's database session; a view that changes something commits it. A GET
    reads only (on SQLite it never takes the write lock), unless its view is ``@writes``."""
    if "db_session" not in g:
        instance = instance_of()
        view = current_app.view_functions.get(request.endpoint or "")
        reading = getattr(view, READS, False) or (
            request.method in ("GET", "HEAD") and not getattr(view, WRITES, False)
        )
        g.db_session = (instance.reading_sessions if reading else instance.sessions)()
    found: Session = g.db_session
    return found


WRITES = "sovanban_writes"
READS = "sovanban_reads"
View = TypeVar("View", bound=Callable[..., Any])


def writes(view: View) -> View:
    """Mark a GET view that changes the register (a download that is recorded)."""
    setattr(view, WRITES, True)
    return view


def reads(view: View) -> View:
    """Mark a POST view whose session only reads (verifying an upload): on SQLite it takes
    no write lock; what it records, it writes in a short transaction of its own."""
    setattr(view, READS, True)
    return view


def end_transaction() -> None:
    """Roll back this request's open transaction, if any (the session stays usable)."""
    if "db_session" in g:
        g.db_session.rollback()


def session_secret(instance: Instance) -> str:
    """The configured secret, else one generated once and kept in the instance folder."""
    configured = os.environ.get(instance.config.web.secret_key_env)
    if configured:
        return configured
    path = instance.folder / "secret-key"
    if not path.is_file():
        write_atomically(path, secrets.token_hex(32).encode(), mode=FILE_MODE)
    return path.read_text("ascii").strip()


def load_user() -> None:
    """Before each request: the account of the session cookie, if it is still valid."""
    g.user = None
    user_id = session.get("uid")
    if user_id is None:
        return
    user = db_session().get(User, user_id)
    if user is None or not user.active or session.get("fp") != session_fingerprint(user):
        session.clear()  # deactivated, or the password changed since: log out
        return
    g.user = user


def public_viewer() -> Viewer:
    """An anonymous visitor, under the instance's public-lookup policy."""
    return Viewer(public_lookup=instance_of().config.web.public_lookup == "issued")


def viewer() -> Viewer:
    """The person asking: the logged-in account (or token holder), else the public."""
    user: User | None = g.get("user")
    return Viewer.of(user) if user is not None else public_viewer()


def signing_tools_of() -> SigningTools:
    """The instance's signing tools, built on first use and kept for the process."""
    tools: SigningTools | None = current_app.extensions.get("sovanban_tools")
    if tools is None:
        from ..services.setup.signing_tools import signing_tools, timestamping_secret

        instance = instance_of()
        passphrase = None
        variable = timestamping_secret(instance)
        if variable is not None:
            if not os.environ.get(variable):
                raise InputError(
                    said(
                        "signing is unavailable: the built-in timestamp service needs {variable} "
                        "set for the server (or configure [timestamping] url)",
                        variable=variable,
                    )
                )
            passphrase = os.environ[variable].encode()
        tools = signing_tools(instance, passphrase)
        current_app.extensions["sovanban_tools"] = tools
    return tools


LAST_PAGE = 100_000  # deeper than any archive; keeps OFFSET within the database's integers


def page_number(args: Any) -> int:
    """The page asked for with ``trang``: 1 when absent or unreadable, never beyond LAST_PAGE."""
    try:
        return min(LAST_PAGE, max(1, int(str(args.get("trang", "1"))[:9])))
    except ValueError:
        return 1
