"""The JSON API (/api/v1): verification and public document lookup."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request

from signing.errors import UnusablePdfError

from ..services.verification import verify_for_instance
from ..services.views import document_view
from . import db_session, instance_of
from .public import public_document

__all__ = ["api"]

api = Blueprint("api", __name__)


@api.post("/verify")
def verify() -> Any:
    """The report of DESIGN §5 for a PDF sent as multipart ``file`` or as the request body."""
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data(cache=False)
    if not data:
        return {"error": "send the PDF as multipart 'file' or as the request body"}, 400
    lang = "en" if request.args.get("lang") == "en" else "vi"
    try:
        report = verify_for_instance(db_session(), instance_of(current_app), data, time_limit=None)
    except UnusablePdfError as exc:
        return {"error": exc.message}, 422
    return report.as_dict(lang)


@api.get("/documents/<path:key>")
def document(key: str) -> Any:
    return document_view(public_document(key))
