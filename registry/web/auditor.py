"""The auditor's workspace: the dashboard, the audit trail and the integrity report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, g, render_template, request
from sqlalchemy import func, select

from signing.text import vietnam_date

from ..audit import record_event
from ..models import AuditEvent
from ..services.archive.audit_chain import verify_chain
from ..services.archive.integrity import check_blobs
from ..services.archive.stats import dashboard as dashboard_figures
from ..services.setup.trust import instance_trust_store
from .auth import roles_required
from .context import db_session, instance_of, page_number

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
    database = db_session()
    query = select(AuditEvent)
    actor = request.args.get("nguoi", "")[:64]
    action = request.args.get("hanh_dong", "")[:64]
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    total = database.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = page_number(request.args)
    events = database.scalars(
        query.order_by(AuditEvent.id.desc())
        .offset((page - 1) * EVENTS_PER_PAGE)
        .limit(EVENTS_PER_PAGE)
    ).all()
    pages = max(1, -(-total // EVENTS_PER_PAGE))
    return render_template(
        "auditor/audit.html", events=events, page=page, pages=pages, actor=actor, action=action
    )


@auditor.post("/nhat-ky/kiem-tra")
@roles_required("auditor")
def check_chain() -> str:
    """Check the whole hash chain now (every event, the head, every seal's timestamp)."""
    trust = instance_trust_store(instance_of())
    report = verify_chain(db_session(), context=lambda: trust.validation_context(allow_empty=True))
    return render_template("auditor/chain.html", report=report)


@auditor.route("/toan-ven", methods=["GET", "POST"])
@roles_required("auditor")
def integrity() -> Any:
    """Re-hash every stored revision on request (a POST: the work is not for crawlers)."""
    if request.method == "GET":
        return render_template("auditor/integrity.html", checked=None)
    database = db_session()
    checked = 0
    problems = []
    for checked, problem in check_blobs(database, instance_of().blobs):  # noqa: B007
        if problem is not None:
            problems.append(problem)
    record_event(
        database,
        actor=g.user.login,
        action="archive:check-blobs",
        details={"checked": checked, "problems": len(problems)},
    )
    database.commit()
    return render_template("auditor/integrity.html", checked=checked, problems=problems)
