"""Bring an instance's reference data (issuer, terms, document types) in line with its config."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.said import said

from ...audit import AuditAction, record_event
from ...config import Config
from ...errors import NotFoundError
from ...models import AuditEvent, DocumentType, Issuer, Series, Term

__all__ = [
    "SeriesRow",
    "SyncReport",
    "builtin_document_types",
    "current_issuer",
    "record_configuration",
    "series_rows",
    "sync_reference_data",
]


@dataclass(frozen=True)
class SyncReport:
    issuer: str
    terms: int
    types: int


def builtin_document_types() -> dict[str, list[dict[str, str]]]:
    """The packaged Party and State type tables (``registry/data/document_types.toml``)."""
    text = (resources.files("registry") / "data" / "document_types.toml").read_text("utf-8")
    tables = tomllib.loads(text)
    return {"party": tables["party"], "state": tables["state"]}


def sync_reference_data(session: Session, config: Config) -> SyncReport:
    """Create or update the configured issuer, its terms and the type tables (idempotent)."""
    settings = config.issuer
    issuer = session.scalars(
        select(Issuer).where(Issuer.abbreviation == settings.abbreviation)
    ).one_or_none()
    if issuer is None:
        issuer = Issuer(abbreviation=settings.abbreviation)
        session.add(issuer)
    issuer.name = settings.name
    issuer.header_name = settings.header_name
    issuer.superior_body = settings.superior_body
    issuer.place = settings.place
    issuer.email = settings.email
    issuer.organ_id = settings.organ_id
    issuer.archive_line = settings.archive_line
    issuer.scheme = config.numbering.scheme
    issuer.register_book = config.numbering.register_book
    session.flush()

    existing_terms = {term.label: term for term in issuer.terms}
    for configured in config.numbering.terms:
        term = existing_terms.get(configured.label)
        if term is None:
            term = Term(issuer_id=issuer.id, label=configured.label)
            session.add(term)
        term.starts_on = configured.starts_on
        term.ends_on = configured.ends_on

    count = 0
    tables = builtin_document_types()
    for family, rows in tables.items():
        overrides = config.numbering.types if family == config.numbering.scheme else ()
        merged = {row["code"]: dict(row) for row in rows}
        for override in overrides:
            merged[override.code] = {
                "code": override.code,
                "name": override.name,
                **({"series": override.series} if override.series else {}),
            }
        for row in merged.values():
            _upsert_type(session, family, row)
            count += 1
    session.flush()
    return SyncReport(issuer.abbreviation, len(config.numbering.terms), count)


def _upsert_type(session: Session, family: str, row: dict[str, str]) -> None:
    doc_type = session.scalars(
        select(DocumentType).where(DocumentType.family == family, DocumentType.code == row["code"])
    ).one_or_none()
    if doc_type is None:
        doc_type = DocumentType(family=family, code=row["code"])
        session.add(doc_type)
    doc_type.name = row["name"]
    doc_type.abbreviation = row.get("abbreviation", row["code"])
    doc_type.series_key = row.get("series", row["code"])
    doc_type.active = True


def current_issuer(session: Session, config: Config) -> Issuer:
    """The issuer this instance registers for, as the database knows it."""
    issuer = session.scalars(
        select(Issuer).where(Issuer.abbreviation == config.issuer.abbreviation)
    ).one_or_none()
    if issuer is None:
        raise NotFoundError(
            said(
                "the issuer {abbreviation} is not in the database: run 'sovanban init'",
                abbreviation=config.issuer.abbreviation,
            )
        )
    return issuer


def record_configuration(session: Session, config: Config, *, actor: str) -> bool:
    """Record the configuration in the audit trail when it differs from the last recorded
    one (a change of issuer, numbering, keys or policy is an action like any other)."""
    digest = hashlib.sha256(repr(config).encode("utf-8")).hexdigest()
    last = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == AuditAction.CONFIG_APPLY)
        .order_by(AuditEvent.seq.desc())
    ).first()
    if last is not None and last.details.get("sha256") == digest:
        return False
    record_event(
        session,
        actor=actor,
        action=AuditAction.CONFIG_APPLY,
        details={"sha256": digest, "source": config.source},
    )
    return True


@dataclass(frozen=True)
class SeriesRow:
    issuer: str
    series: str
    period: str
    last_number: int
    closed: bool


def series_rows(session: Session) -> list[SeriesRow]:
    """Every series and period with the last number it gave."""
    return [
        SeriesRow(
            series.issuer.abbreviation,
            series.key,
            period.period_key,
            period.last_number,
            bool(series.closed_at or period.closed_at),
        )
        for series in session.scalars(select(Series).order_by(Series.key))
        for period in series.periods
    ]
