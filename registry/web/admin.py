"""The administrator's workspace: accounts, their roles and passwords, API tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from basics.said import said

from ..errors import InputError
from ..models import User
from ..services.jobs.runs import unfinished_or_failed
from ..services.notifying.notifications import failed_mail
from ..services.people.accounts import revoke_api_token, set_active, user_tokens
from ..services.people.administration import (
    add_account,
    approve_roles,
    change_roles,
    mint_token,
    pending_roles,
    reset_password,
)
from ..services.people.users import ROLES, edit_profile, find_user, list_users, pin_certificate
from ..services.setup.reference_data import current_issuer
from .auth import roles_required
from .context import db_session, instance_of
from .forms import whole_number
from .messages import shown

__all__ = ["admin"]

admin = Blueprint("admin", __name__)


def _account(login: str) -> User:
    user = find_user(db_session(), login)
    if user is None:
        abort(404)
    return user


def _users_page(error: str = "", form: Any = None, status: int = 200) -> Any:
    users = list_users(db_session())
    return render_template(
        "admin/users.html",
        users=users,
        failed=failed_mail(db_session()),
        jobs=unfinished_or_failed(db_session()),
        roles=sorted(ROLES),
        error=error,
        form=form or {},
        chosen=form.getlist("roles") if form else [],
    ), status


@admin.get("/")
@roles_required("admin")
def users() -> Any:
    return _users_page()


@admin.post("/nguoi-dung")
@roles_required("admin")
def add() -> Any:
    form = request.form
    database = db_session()
    try:
        user = add_account(
            database,
            g.user,
            login=form.get("login", "").strip(),
            full_name=form.get("full_name", ""),
            roles=set(form.getlist("roles")),
            password=form.get("password", ""),
            email=form.get("email", ""),
            position=form.get("position", ""),
            authority=form.get("authority", ""),
        )
    except InputError as exc:
        database.rollback()
        return _users_page(shown(exc.said), form, 400)
    database.commit()
    return redirect(url_for("admin.account", login=user.login))


def _account_page(user: User, error: str = "", token: str = "", status: int = 200) -> Any:
    return render_template(
        "admin/user.html",
        account=user,
        roles=sorted(ROLES),
        tokens=user_tokens(db_session(), user),
        pending=sorted(pending_roles(user)),
        may_approve=user.pending_by not in ("", g.user.login) and user.id != g.user.id,
        error=error,
        token=token,
    ), status


@admin.get("/nguoi-dung/<login>")
@roles_required("admin")
def account(login: str) -> Any:
    return _account_page(_account(login))


@admin.post("/nguoi-dung/<login>")
@roles_required("admin")
def change(login: str) -> Any:
    """One form per change (roles, password, active, token), told apart by ``action``."""
    user = _account(login)
    database = db_session()
    action = request.form.get("action", "")
    token = ""
    try:
        if action == "roles":
            change_roles(database, g.user, user, set(request.form.getlist("roles")))
        elif action == "approve":
            approve_roles(database, g.user, user)
        elif action == "password":
            reset_password(database, g.user, user, request.form.get("password", ""))
        elif action in ("activate", "deactivate"):
            set_active(database, user, action == "activate", actor=g.user.login)
        elif action == "profile":
            form = request.form
            edit_profile(
                database,
                user,
                scheme=current_issuer(database, instance_of().config).scheme,
                full_name=form.get("full_name", ""),
                email=form.get("email", ""),
                position=form.get("position", ""),
                authority=form.get("authority", ""),
                actor=g.user.login,
            )
        elif action == "certificate":
            upload = request.files.get("certificate")
            pem = upload.read(64 * 1024) if upload is not None and upload.filename else None
            if pem is None and not request.form.get("clear"):
                raise InputError(said("Choose the certificate file"))
            pin_certificate(database, user.login, pem, actor=g.user.login)
        elif action == "token":
            token = mint_token(database, g.user, user, request.form.get("label", ""))
        elif action == "revoke":
            token_id = whole_number(request.form.get("token_id", ""), said("The token number"))
            revoke_api_token(database, token_id, actor=g.user.login)
        else:
            raise InputError(said("unknown action {action!r}", action=action))
    except InputError as exc:
        database.rollback()
        return _account_page(user, shown(exc.said), status=400)
    database.commit()
    if token:  # shown once, never stored in clear
        return _account_page(user, token=token)
    return redirect(url_for("admin.account", login=login))
