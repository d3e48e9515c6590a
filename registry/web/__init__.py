"""The web service: public pages, the staff workspaces, the JSON API (Flask, thin).

Views only translate between HTTP and the registry services; each request gets one
database session, closed when the request ends, and committed only by a view that changes
something. Every form carries a CSRF token; the API takes bearer tokens instead of cookies.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from basics.said import said
from basics.text import iso_vietnam
from certs.http import PkiApplication
from certs.services import PkiServices

from ..errors import RegistryError
from ..instance import Instance
from ..models import LARGEST_KEY
from ..services.notifying.notifications import unread_count
from .access_log import log_requests
from .caches import make_caches
from .context import PAGE_POLICY, db_session, instance_of, load_user, session_secret
from .i18n import (
    current_language,
    http_reason,
    in_reader_language,
    named,
    result_count,
    template_words,
)
from .limits import HostRateLimiter, Limiter, SharedRateLimiter
from .messages import shown
from .metrics import count_requests
from .uploads import BodyDeadline

__all__ = ["create_app", "db_session", "instance_of"]


def _vietnam_time(moment: datetime | None) -> str:
    return iso_vietnam(moment).replace("T", " ")[:19] if moment else ""


class RowId(IntegerConverter):
    """``<int:…>`` in our routes: a number a database key can be; a longer one is not found
    (404), where the database driver would have failed on it (500)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_KEY)
        super().__init__(url_map, *args, **kwargs)


def create_app(instance: Instance, *, pki: PkiServices | None = None) -> Flask:
    """The application for ``instance``; ``pki`` mounts the demo PKI's services at /pki."""
    app = Flask(__name__, static_folder=None)  # no static files: styles are inline
    web = instance.config.web
    app.config.update(
        MAX_CONTENT_LENGTH=web.max_upload_mb * 1024 * 1024,
        SECRET_KEY=session_secret(instance),
        SESSION_COOKIE_NAME="sovanban",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=web.public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=8 * 3600,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Vietnamese as it is written
    app.extensions["sovanban"] = instance
    counts = instance.folder / "rate-limits.sqlite3"
    limits: dict[str, Limiter] = {
        "login": HostRateLimiter(counts, "login", web.login_attempts_per_minute, 60.0),
        "verify": HostRateLimiter(counts, "verify", web.verifications_per_minute, 60.0),
    }
    shared = web.shared_state_url()
    if shared:  # counted by every host; this host's count while Redis is away
        prefix = f"{web.redis_prefix}:limits"
        limits = {
            name: SharedRateLimiter(shared, prefix, limiter)
            for name, limiter in limits.items()
            if isinstance(limiter, HostRateLimiter)
        }
    app.extensions["sovanban_limits"] = limits
    app.extensions["sovanban_caches"] = make_caches(shared, web.redis_prefix)
    log_requests(app, trust_request_id=web.trusted_proxies > 0)
    count_requests(app)
    app.wsgi_app = BodyDeadline(  # type: ignore[method-assign]
        app.wsgi_app, web.upload_seconds, web.max_upload_mb * 1024 * 1024
    )
    if web.trusted_proxies:
        # Behind nginx every request comes from the proxy: take the client's address (for
        # the rate limits and the record) from the headers of the proxies we run, no others.
        hops = web.trusted_proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    csrf = CSRFProtect(app)
    app.url_map.converters["int"] = RowId  # before the blueprints' rules are made

    from .admin import admin
    from .api import api
    from .auditor import auditor
    from .auth import auth
    from .clerk import clerk
    from .draft_life import drafts
    from .exchange import exchange
    from .handoff import handoff
    from .health import health
    from .metrics import metrics
    from .public import public
    from .signer import signer
    from .tasks import tasks
    from .workspace import workspace

    app.register_blueprint(public)
    app.register_blueprint(health)
    app.register_blueprint(metrics)
    app.register_blueprint(auth)
    app.register_blueprint(workspace, url_prefix="/ho-so")
    app.register_blueprint(clerk, url_prefix="/van-thu")
    app.register_blueprint(signer, url_prefix="/ky")
    app.register_blueprint(auditor, url_prefix="/kiem-soat")
    app.register_blueprint(admin, url_prefix="/quan-tri")
    app.register_blueprint(handoff)
    app.register_blueprint(drafts)
    app.register_blueprint(exchange, url_prefix="/van-thu")
    app.register_blueprint(tasks, url_prefix="/viec-can-lam")
    app.register_blueprint(api, url_prefix="/api/v1")
    csrf.exempt(api)  # no cookies there: bearer tokens, which a foreign page cannot send
    # The signing plugin uploads with the hand-off's single-use token, not a session.
    csrf.exempt("registry.web.handoff.upload")

    app.before_request(load_user)
    app.add_template_filter(_vietnam_time, "vn_time")
    # A reason recorded in the trail may name a file on the server: shown by its name only.
    app.add_template_filter(shown, "no_paths")
    # Globals, not context: imported macros see them too.
    app.jinja_env.globals.update(_=template_words, named=named, result_count=result_count)

    @app.context_processor
    def page_context() -> dict[str, Any]:
        lang = current_language()
        user = g.get("user")
        waiting = unread_count(db_session(), user) if user is not None else 0
        return {"lang": lang, "user": user, "waiting": waiting}

    @app.after_request
    def security_headers(response: Any) -> Any:
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if g.get("user") is not None:
            response.headers["Cache-Control"] = "no-store"
        if "lang" in request.args and request.args["lang"] in ("vi", "en"):
            response.set_cookie("lang", request.args["lang"], samesite="Lax", max_age=31536000)
        return response

    @app.teardown_appcontext
    def close_session(_error: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        message = in_reader_language(
            said("The form expired or is not valid; reload the page and send it again.")
        )
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        code = error.code or 500
        if error.description and error.description != type(error).description:
            message = shown(error.description)  # a view's own reason, already in words
        else:
            message = in_reader_language(http_reason(code, mb=web.max_upload_mb))
        if request.path.startswith("/api/"):
            response = app.response_class(app.json.dumps({"error": message}), code)
            response.content_type = "application/json"
        else:
            response = app.make_response(
                (render_template("error.html", code=code, message=message), code)
            )
        for name, value in error.get_headers():  # Retry-After, Allow…
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(RegistryError)
    def registry_error(error: RegistryError) -> Any:
        if request.path.startswith("/api/"):
            return {"error": shown(error.said)}, 400
        return render_template("error.html", code=400, message=shown(error.said)), 400

    if pki is not None:
        app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
            app.wsgi_app, {"/pki": PkiApplication(pki, prefix="")}
        )
    return app
