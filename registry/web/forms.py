"""Form fields read the same way by the clerk's page, the admin's pages and the API: a value
that cannot be used is an :class:`InputError` a person can read, never Python's wording."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from basics.said import Said, said

from ..errors import InputError
from ..models import Secrecy, Urgency
from ..recipients import parse_distribution
from ..services.drafting.documents import DraftRequest
from ..services.drafting.draft_life import Revision

__all__ = ["choice", "draft_request", "revision_request", "well_formed", "whole_number"]

Choice = TypeVar("Choice", bound=StrEnum)


def choice(kind: type[Choice], value: str, field: Said) -> Choice:
    """``value`` as a member of ``kind``; ``field`` names it (its label) in the message."""
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(member.value for member in kind)
        raise InputError(
            said(
                "{field}: unknown value {value!r} (one of {known})",
                field=field,
                value=value,
                known=known,
            )
        ) from None


def whole_number(value: str, field: Said) -> int:
    if not value.strip().isdigit():
        raise InputError(
            said(
                "{field} must be a number: {value!r}",
                field=field,
                value=value,
            )
        )
    return int(value)


def draft_request(form: Any, pdf: bytes, file_name: str) -> DraftRequest:
    """The registration a form asks for; :class:`InputError` for an unknown urgency or
    secrecy, or an unreadable Nơi nhận list."""
    text = form.get("recipients", "")
    return DraftRequest(
        pdf=pdf,
        type_code=form.get("type", ""),
        subject=form.get("subject", ""),
        signer_login=form.get("signer", ""),
        recipients=parse_distribution(text) if text.strip() else (),
        urgency=choice(Urgency, form.get("urgency", "normal"), said("Urgency")),
        secrecy=choice(Secrecy, form.get("secrecy", "none"), said("Secrecy")),
        drafting_unit=form.get("drafting_unit", ""),
        file_name=file_name,
        authority=form.get("authority", ""),
        position=form.get("position", ""),
    )


def revision_request(form: Any, pdf: bytes | None, file_name: str) -> Revision:
    """The revision a form asks for: a field left out (or empty) keeps what the document
    has; the Nơi nhận list, when given, replaces it whole."""

    def given(name: str) -> str | None:
        value = form.get(name)
        return str(value) if value is not None and str(value).strip() else None

    recipients = given("recipients")
    urgency, secrecy = given("urgency"), given("secrecy")
    return Revision(
        pdf=pdf,
        file_name=file_name,
        type_code=given("type"),
        subject=given("subject"),
        recipients=parse_distribution(recipients) if recipients else None,
        urgency=choice(Urgency, urgency, said("Urgency")) if urgency else None,
        secrecy=choice(Secrecy, secrecy, said("Secrecy")) if secrecy else None,
        authority=given("authority"),
        position=given("position"),
        note=str(form.get("note", "")),
    )


def well_formed(value: object) -> bool:
    """No lone surrogate anywhere in ``value`` (JSON's ``"\\udc80"`` decodes to one, and
    neither the database nor UTF-8 output can take it)."""
    if isinstance(value, str):
        return not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)
    if isinstance(value, dict):
        return all(well_formed(k) and well_formed(v) for k, v in value.items())
    if isinstance(value, list):
        return all(well_formed(item) for item in value)
    return True
