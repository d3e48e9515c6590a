"""Form fields read the same way by the clerk's page and the API."""

from __future__ import annotations

from typing import Any

from ..models import Secrecy, Urgency
from ..recipients import parse_distribution
from ..services.drafting.documents import DraftRequest

__all__ = ["draft_request"]


def draft_request(form: Any, pdf: bytes, file_name: str) -> DraftRequest:
    """The registration a form asks for; ``ValueError`` for an unknown urgency or secrecy,
    :class:`InputError` for an unreadable Nơi nhận list."""
    text = form.get("recipients", "")
    return DraftRequest(
        pdf=pdf,
        type_code=form.get("type", ""),
        subject=form.get("subject", ""),
        signer_login=form.get("signer", ""),
        recipients=parse_distribution(text) if text.strip() else (),
        urgency=Urgency(form.get("urgency", "normal")),
        secrecy=Secrecy(form.get("secrecy", "none")),
        drafting_unit=form.get("drafting_unit", ""),
        file_name=file_name,
    )
