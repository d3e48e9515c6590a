"""Logging in and out, one's own password, and the role check every staff route makes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy.orm import Session
from werkzeug.exceptions import TooManyRequests

from basics.said import said

from ..errors import AuthenticationError, InputError
from ..models import User
from ..services.people.accounts import (
    authenticate,
    create_api_token,
    log_out,
    revoke_api_token,
    session_fingerprint,
    set_password,
    user_tokens,
)
from .context import db_session
from .forms import whole_number
from .messages import shown

__all__ = ["auth", "home_of", "rate_limit", "roles_required"]

auth = Blueprint("auth", __name__)
View = TypeVar("View", bound=Callable[..., Any])


def rate_limit(name: str) -> None:
    """Refuse the request with 429 when this client went over the ``name`` limit."""
    limiter = current_app.extensions["sovanban_limits"][name]
    wait = limiter.hit(_address())
    if wait:
        raise TooManyRequests(retry_after=int(wait) + 1)


def roles_required(*roles: str) -> Callable[[View], View]:
    """Only accounts holding one of ``roles``; anonymous visitors are sent to log in."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = g.get("user")
            if user is None:
                if request.path.startswith("/api/"):
                    abort(401, shown(said("a bearer token is needed (Authorization: Bearer …)")))
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if roles and not user.role_set & set(roles):
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def home_of(roles: frozenset[str]) -> str:
    """Where an account lands after logging in: its main workspace."""
    for role, endpoint in (
        ("signer", "signer.inbox"),
        ("clerk", "clerk.documents"),
        ("auditor", "auditor.dashboard"),
        ("admin", "admin.users"),
    ):
        if role in roles:
            return url_for(endpoint)
    return url_for("public.index")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never ``//host`` or ``https://…``): no open redirect.
    Control characters and backslashes are refused whole: browsers drop a tab or a newline
    (``/\t/evil.example`` becomes ``//evil.example``) and read ``\\`` as ``/``."""
    if not target or not target.startswith("/") or "\\" in target:
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


@auth.route("/dang-nhap", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    rate_limit("login")
    login_name = request.form.get("login", "")[:64]
    database = db_session()
    try:
        user = authenticate(
            database, login_name, request.form.get("password", "")[:1024], address=_address()
        )
    except AuthenticationError as exc:
        database.commit()  # the failed attempt counts
        return render_template(
            "login.html",
            error=shown(exc.said),
            login=login_name,
            next=request.form.get("next", ""),
        ), 401
    database.commit()
    session.clear()
    session.permanent = True
    session["uid"] = user.id
    session["fp"] = session_fingerprint(user)
    g.user = user
    return redirect(_safe_next(request.form.get("next")) or home_of(user.role_set))


@auth.post("/dang-xuat")
def logout() -> Any:
    if g.get("user") is not None:
        log_out(db_session(), g.user)
        db_session().commit()
    session.clear()
    return redirect(url_for("public.index"))


def _address() -> str:
    return request.remote_addr or "?"


@auth.route("/tai-khoan", methods=["GET", "POST"])
@roles_required()
def account() -> Any:
    """One's own password and API tokens (an administrator makes no token for an account
    that reads secret documents: its holder makes his own here)."""
    if request.method == "GET":
        return _account_page()
    user = g.user
    database = db_session()
    action = request.form.get("action", "password")
    token = ""
    try:
        if action == "token":
            token = create_api_token(
                database, user, request.form.get("label", ""), actor=user.login
            )
        elif action == "revoke":
            token_id = whole_number(request.form.get("token_id", ""), said("The token number"))
            revoke_api_token(database, token_id, actor=user.login, owner=user)
        else:
            _change_password(database, user)
    except InputError as exc:
        database.rollback()
        return _account_page(error=shown(exc.said), status=400)
    database.commit()
    if action == "password":
        session["fp"] = session_fingerprint(user)  # this session stays; others end
        return _account_page(done=True)
    return _account_page(token=token)


def _change_password(database: Session, user: User) -> None:
    current = request.form.get("current", "")
    new, repeated = request.form.get("new", ""), request.form.get("repeat", "")
    try:
        authenticate(database, user.login, current, address=_address())
    except AuthenticationError as exc:
        database.commit()  # the failed attempt counts
        raise InputError(exc.said) from exc
    if new != repeated:
        raise InputError(said("The two new passwords differ"))
    set_password(database, user, new, actor=user.login)


def _account_page(
    *, error: str = "", done: bool = False, token: str = "", status: int = 200
) -> Any:
    tokens = user_tokens(db_session(), g.user)
    return render_template(
        "account.html", error=error, done=done, token=token, tokens=tokens
    ), status
