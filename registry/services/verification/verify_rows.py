"""Verify a PDF against the instance's trust store, roles and register, the register read
through any ``RegisterRows``: a session's, or the driver's alone (no ORM loaded)."""

from __future__ import annotations

from dataclasses import replace

from signing.verify.engine import Roles, verify_pdf
from signing.verify.report import DocumentReport

from ...instance import Instance
from .register_match import MayConfirm, match_register, operator_may_confirm
from .register_rows import RegisterRows, signer_emails
from .trust_material import trust_material

__all__ = ["instance_roles", "verify_with_rows"]


def instance_roles(rows: RegisterRows, instance: Instance) -> Roles:
    """Who signs as the organisation (the issuer's address) and as a person (the users')."""
    organisation = {instance.config.issuer.email.lower()} if instance.config.issuer.email else set()
    return Roles(frozenset(organisation), signer_emails(rows))


def verify_with_rows(
    rows: RegisterRows,
    instance: Instance,
    data: bytes,
    *,
    may_confirm: MayConfirm = operator_may_confirm,
    online: bool = False,
    time_limit: float | None = 30.0,
) -> DocumentReport:
    """Verify ``data`` against the instance's trust store, roles and the register ``rows``
    reads; what the register says is what ``may_confirm`` allows."""
    material = trust_material(instance)
    report = verify_pdf(
        data,
        trust=material.store,
        roles=instance_roles(rows, instance),
        crls=material.crls,
        online=online,
        time_limit=time_limit,
    )
    match = match_register(rows, instance.blobs, data, report, may_confirm)
    return replace(report, registry=match)
