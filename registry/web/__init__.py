"""The web service: public lookup, the verification page, the JSON API (Flask, thin).

Views only translate between HTTP and the registry services; each request gets one
database session, closed when the request ends.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from flask import Flask, g, render_template, request
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from certs.http import PkiApplication
from certs.services import PkiServices

from ..errors import RegistryError
from ..instance import Instance
from .i18n import translator

__all__ = ["create_app", "db_session", "instance_of"]


def create_app(instance: Instance, *, pki: PkiServices | None = None) -> Flask:
    """The application for ``instance``; ``pki`` mounts the demo PKI's services at /pki."""
    app = Flask(__name__)
    web = instance.config.web
    app.config.update(
        MAX_CONTENT_LENGTH=web.max_upload_mb * 1024 * 1024,
        # Without a configured key, sessions last as long as the process.
        SECRET_KEY=os.environ.get(web.secret_key_env) or secrets.token_hex(32),
        JSON_AS_ASCII=False,
    )
    app.extensions["sovanban"] = instance

    from .api import api
    from .public import public

    app.register_blueprint(public)
    app.register_blueprint(api, url_prefix="/api/v1")

    @app.context_processor
    def language() -> dict[str, Any]:
        lang = _lang()
        return {"lang": lang, "t": translator(lang)}

    @app.teardown_appcontext
    def close_session(_error: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            return {"error": error.description}, error.code
        return render_template("error.html", code=error.code, message=error.description), error.code

    @app.errorhandler(RegistryError)
    def registry_error(error: RegistryError) -> Any:
        if request.path.startswith("/api/"):
            return {"error": error.message}, 400
        return render_template("error.html", code=400, message=error.message), 400

    if pki is not None:
        app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
            app.wsgi_app, {"/pki": PkiApplication(pki, prefix="")}
        )
    return app


def _lang() -> str:
    chosen = request.args.get("lang") or request.cookies.get("lang") or "vi"
    return "en" if chosen == "en" else "vi"


def instance_of(app: Flask) -> Instance:
    instance: Instance = app.extensions["sovanban"]
    return instance


def db_session() -> Session:
    """This request's database session (read-only views never commit)."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = instance_of(current_app).sessions()
    session: Session = g.db_session
    return session
