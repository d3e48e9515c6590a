"""The auditor's workspace: the dashboard, the audit trail and the integrity report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, g, render_template, request

from basics.text import vietnam_date

from ..services.archive.audit_chain import check_instance_chain
from ..services.archive.audit_trail import event_page
from ..services.archive.integrity import check_all_blobs
from ..services.archive.stats import dashboard as dashboard_figures
from ..services.setup.trust import instance_trust_store
from .auth import roles_required
from .context import db_session, instance_of, page_number, viewer
from .i18n import current_language

__all__ = ["auditor"]

auditor = Blueprint("auditor", __name__)
EVENTS_PER_PAGE = 50


@auditor.get("/")
@roles_required("auditor")
def dashboard() -> str:
    figures = dashboard_figures(db_session(), vietnam_date(datetime.now(UTC)))
    peak = max((count for _, count in figures.issued_per_month), default=0) or 1
    return render_template("auditor/dashboard.html", figures=figures, peak=peak)


@auditor.get("/nhat-ky")
@roles_required("auditor", "admin")
def audit_trail() -> str:
    actor = request.args.get("nguoi", "")[:64]
    action = request.args.get("hanh_dong", "")[:64]
    found = event_page(
        db_session(),
        viewer(),
        actor=actor,
        action=action,
        page=page_number(request.args),
        per_page=EVENTS_PER_PAGE,
        lang=current_language(),
    )
    events, page, pages = found.events, found.page, found.pages
    return render_template(
        "auditor/audit.html", events=events, page=page, pages=pages, actor=actor, action=action
    )


@auditor.post("/nhat-ky/kiem-tra")
@roles_required("auditor")
def check_chain() -> str:
    """Check the whole hash chain now (every event, the head, every seal's timestamp)."""
    trust = instance_trust_store(instance_of())
    report = check_instance_chain(
        db_session(), instance_of(), context=lambda: trust.validation_context(allow_empty=True)
    )
    return render_template("auditor/chain.html", report=report)


@auditor.route("/toan-ven", methods=["GET", "POST"])
@roles_required("auditor")
def integrity() -> Any:
    """Re-hash every stored revision on request (a POST: the work is not for crawlers)."""
    if request.method == "GET":
        return render_template("auditor/integrity.html", checked=None)
    database = db_session()
    checked, problems = check_all_blobs(database, instance_of().blobs, actor=g.user.login)
    database.commit()
    return render_template("auditor/integrity.html", checked=checked, problems=problems)
