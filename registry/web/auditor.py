"""The auditor's workspace: the dashboard, the audit trail and the integrity report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from basics.text import vietnam_date

from ..models import JobRun
from ..services.archive.audit_trail import event_page
from ..services.archive.stats import dashboard as dashboard_figures
from ..services.jobs.queue import ask
from ..services.jobs.runs import recent_runs
from ..services.jobs.tasks import CHECK_BLOBS, CHECK_CHAIN
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
def check_chain() -> Any:
    """Check the whole hash chain (every event, the head, every seal's timestamp) in the
    background; the run's page follows it."""
    return _started(CHECK_CHAIN)


@auditor.route("/toan-ven", methods=["GET", "POST"])
@roles_required("auditor")
def integrity() -> Any:
    """Re-hash every stored revision on request (a POST: the work is not for crawlers), in
    the background: the page shows how far it got, then what it found."""
    if request.method == "GET":
        return render_template("auditor/integrity.html", recent=recent_runs(db_session()))
    return _started(CHECK_BLOBS)


@auditor.get("/viec/<int:run_id>")
@roles_required("auditor", "admin")
def job_run(run_id: int) -> Any:
    run = db_session().get(JobRun, run_id)
    if run is None or run.task not in (CHECK_BLOBS, CHECK_CHAIN):
        abort(404)
    return render_template("auditor/job.html", run=run)


def _started(task: str) -> Any:
    database = db_session()
    run_id = ask(database, instance_of(), task, actor=g.user.login)
    database.commit()
    return redirect(url_for("auditor.job_run", run_id=run_id), code=303)
