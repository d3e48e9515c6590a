"""Document numbers: which series and period a document draws from, atomic allocation, rendering.

Party scheme (36-HD/VPTW): one series per type (ký hiệu group) per committee term, from
01, not reset each year; secret documents continue their type's series. ``17-CTr/ĐUK``.
State scheme (NĐ 30): one series per register book per calendar year; secret
documents get their own series. ``05/QĐ-UBND``.

Allocation is one ``UPDATE … SET last_number = last_number + 1 … RETURNING`` in the
caller's transaction: the row lock (PostgreSQL) or the database lock (SQLite, BEGIN
IMMEDIATE) serialises issuers, and a rolled-back transaction gives its number back,
so numbers are neither reused nor skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from basics.said import said

from .audit import AuditAction, record_event
from .errors import DuplicateNumberError, NumberingError, SeriesClosedError
from .models import DocumentType, Issuer, NumberEntry, Series, SeriesPeriod, Term
from .number_text import DocumentNumber, Scheme

__all__ = [
    "Period",
    "allocate_number",
    "close_series",
    "notation_for",
    "number_line",
    "period_for",
    "record_number",
    "series_gaps",
    "series_key_for",
]


def number_line(entry: NumberEntry, issuer: Issuer) -> str:
    """The number line a document issued with ``entry`` prints: ``Số 01-TB/ĐUK``."""
    scheme: Scheme = "state" if issuer.scheme == "state" else "party"
    return DocumentNumber(scheme, entry.number, entry.notation).so_line


@dataclass(frozen=True)
class Period:
    kind: Literal["term", "year"]
    key: str
    starts_on: date
    ends_on: date


def notation_for(issuer: Issuer, doc_type: DocumentType, drafting_unit: str = "") -> str:
    """The ký hiệu: ``TB/ĐUK`` (party), ``QĐ-UBND`` or ``UBND-VP`` for a State công văn."""
    if issuer.scheme == "party":
        return f"{doc_type.abbreviation}/{issuer.abbreviation}"
    if doc_type.abbreviation:
        return f"{doc_type.abbreviation}-{issuer.abbreviation}"
    return f"{issuer.abbreviation}-{drafting_unit}" if drafting_unit else issuer.abbreviation


def series_key_for(issuer: Issuer, doc_type: DocumentType, secret: bool) -> str:
    """The key of the series a document draws from (see the module docstring)."""
    if issuer.scheme == "party":
        return doc_type.series_key
    base = "book" if issuer.register_book == "shared" else doc_type.series_key
    return f"{base}/secret" if secret else base


def period_for(session: Session, issuer: Issuer, on: date) -> Period:
    """The term (party) or calendar year (state) that ``on`` falls in."""
    if issuer.scheme == "state":
        return Period("year", str(on.year), date(on.year, 1, 1), date(on.year, 12, 31))
    term = session.scalars(
        select(Term).where(Term.issuer_id == issuer.id, Term.starts_on <= on, Term.ends_on >= on)
    ).first()
    if term is None:
        raise NumberingError(
            said(
                "no committee term of {abbreviation} covers {on:%d/%m/%Y}; add it to "
                "[[numbering.terms]] and run 'sovanban init'",
                abbreviation=issuer.abbreviation,
                on=on,
            )
        )
    return Period("term", term.label, term.starts_on, term.ends_on)


def _get_or_create(session: Session, model: Any, values: dict[str, Any], *keys: str) -> Any:
    """The row of ``model`` matching ``keys`` of ``values``, inserted if missing.

    The insert ignores a conflict, so two transactions creating the same series at
    once both end up reading the one row that won.
    """
    query = select(model).where(*(getattr(model, key) == values[key] for key in keys))
    row = session.scalars(query).one_or_none()
    if row is not None:
        return row
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(model).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(model).values(**values).on_conflict_do_nothing())
    else:  # pragma: no cover - only the two tested databases are supported
        raise NumberingError(said("numbering is not supported on {dialect}", dialect=dialect))
    return session.scalars(query).one()


def _series_period(
    session: Session, issuer: Issuer, key: str, secret: bool, period: Period
) -> SeriesPeriod:
    if issuer.closed_at is not None:
        raise SeriesClosedError(
            said(
                "the issuer {abbreviation} is closed and gives no numbers",
                abbreviation=issuer.abbreviation,
            )
        )
    series: Series = _get_or_create(
        session,
        Series,
        {
            "issuer_id": issuer.id,
            "key": key,
            "period_kind": period.kind,
            "secret": secret,
            "closed_reason": "",
        },
        "issuer_id",
        "key",
    )
    if series.closed_at is not None:
        raise SeriesClosedError(
            said(
                "the series {key} of {abbreviation} was closed on {closed_at:%d/%m/%Y}: {value}",
                key=key,
                abbreviation=issuer.abbreviation,
                closed_at=series.closed_at,
                value=series.closed_reason or "no reason given",
            )
        )
    series_period: SeriesPeriod = _get_or_create(
        session,
        SeriesPeriod,
        {
            "series_id": series.id,
            "period_key": period.key,
            "starts_on": period.starts_on,
            "ends_on": period.ends_on,
            "last_number": 0,
        },
        "series_id",
        "period_key",
    )
    if series_period.closed_at is not None:
        raise SeriesClosedError(
            said(
                "the series {key} of {abbreviation} for {key2} is closed",
                key=key,
                abbreviation=issuer.abbreviation,
                key2=period.key,
            )
        )
    return series_period


def allocate_number(
    session: Session,
    *,
    issuer: Issuer,
    doc_type: DocumentType,
    on: date,
    secret: bool = False,
    drafting_unit: str = "",
    document_id: int | None = None,
) -> NumberEntry:
    """Give the next number of the right series, inside the caller's transaction."""
    key = series_key_for(issuer, doc_type, secret)
    period = period_for(session, issuer, on)
    series_period = _series_period(session, issuer, key, secret, period)
    next_number = session.execute(
        update(SeriesPeriod)
        .where(SeriesPeriod.id == series_period.id, SeriesPeriod.closed_at.is_(None))
        .values(last_number=SeriesPeriod.last_number + 1)
        .returning(SeriesPeriod.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if next_number is None:  # closed between our read and our update
        raise SeriesClosedError(
            said(
                "the series {key} of {abbreviation} was just closed",
                key=key,
                abbreviation=issuer.abbreviation,
            )
        )
    return _add_entry(
        session, issuer, doc_type, series_period, secret, next_number, drafting_unit, document_id
    )


def record_number(
    session: Session,
    *,
    issuer: Issuer,
    doc_type: DocumentType,
    on: date,
    number: int,
    secret: bool = False,
    drafting_unit: str = "",
    document_id: int | None = None,
) -> NumberEntry:
    """Register a number given outside the system (an imported archive); refuse duplicates.

    Before the series is live (it has given no number itself), its counter moves up to
    ``number`` so that the first allocation follows the archive. A live series never moves:
    a number ahead of it is refused, since adopting it would skip every number between.
    """
    if number < 1:
        raise NumberingError(said("a document number starts at 01, not {number}", number=number))
    key = series_key_for(issuer, doc_type, secret)
    period = period_for(session, issuer, on)
    series_period = _series_period(session, issuer, key, secret, period)
    notation = notation_for(issuer, doc_type, drafting_unit)
    taken = session.scalars(
        select(NumberEntry).where(
            NumberEntry.issuer_id == issuer.id,
            NumberEntry.period_key == period.key,
            NumberEntry.secret_series == _secret_series(issuer, secret),
            NumberEntry.number == number,
            or_(NumberEntry.series_period_id == series_period.id, NumberEntry.notation == notation),
        )
    ).first()
    if taken is not None:
        raise _duplicate(taken)
    if number > series_period.last_number and _is_live(session, series_period):
        raise NumberingError(
            said(
                "{number:02d} is ahead of the live series {key} ({key2}), which has given "
                "{last_number:02d} so far: not adopted (it would skip the numbers between)",
                number=number,
                key=key,
                key2=period.key,
                last_number=series_period.last_number,
            )
        )
    session.execute(
        update(SeriesPeriod)
        .where(SeriesPeriod.id == series_period.id, SeriesPeriod.last_number < number)
        .values(last_number=number)
        .execution_options(synchronize_session=False)
    )
    entry = _add_entry(
        session, issuer, doc_type, series_period, secret, number, drafting_unit, document_id
    )
    entry.recorded = True
    return entry


def _is_live(session: Session, series_period: SeriesPeriod) -> bool:
    given = select(NumberEntry.id).where(
        NumberEntry.series_period_id == series_period.id, NumberEntry.recorded.is_(False)
    )
    return session.scalars(given.limit(1)).first() is not None


def series_gaps(session: Session, series_period_ids: set[int]) -> list[tuple[str, list[int]]]:
    """The numbers missing below each series' counter, as (series and period, numbers): what
    an imported archive leaves out, for the clerk to look for."""
    gaps = []
    for series_period in session.scalars(
        select(SeriesPeriod).where(SeriesPeriod.id.in_(series_period_ids))
    ):
        present = set(
            session.scalars(
                select(NumberEntry.number).where(NumberEntry.series_period_id == series_period.id)
            )
        )
        missing = [n for n in range(1, series_period.last_number + 1) if n not in present]
        if missing:
            gaps.append((f"{series_period.series.key} {series_period.period_key}", missing))
    return gaps


def _secret_series(issuer: Issuer, secret: bool) -> bool:
    return secret and issuer.scheme == "state"


def _duplicate(entry: NumberEntry) -> DuplicateNumberError:
    owner = f"document #{entry.document_id}" if entry.document_id else "no document"
    return DuplicateNumberError(
        said(
            "số {rendered} ({period_key}) is already in the register, given to {owner}",
            rendered=entry.rendered,
            period_key=entry.period_key,
            owner=owner,
        )
    )


def _add_entry(
    session: Session,
    issuer: Issuer,
    doc_type: DocumentType,
    series_period: SeriesPeriod,
    secret: bool,
    number: int,
    drafting_unit: str,
    document_id: int | None,
) -> NumberEntry:
    scheme: Scheme = "party" if issuer.scheme == "party" else "state"
    value = DocumentNumber(scheme, number, notation_for(issuer, doc_type, drafting_unit))
    entry = NumberEntry(
        series_period_id=series_period.id,
        issuer_id=issuer.id,
        period_key=series_period.period_key,
        secret_series=_secret_series(issuer, secret),
        number=number,
        notation=value.notation,
        rendered=value.rendered,
        given_at=datetime.now(UTC),
        document_id=document_id,
    )
    # Written now: a failed flush expires every loaded object.
    refusal = (
        f"số {value.rendered} ({series_period.period_key}) of {issuer.abbreviation} "
        "is already in the register"
    )
    session.flush()  # the caller's pending rows first, so that a failure below is ours
    session.add(entry)
    try:
        session.flush()
    except IntegrityError as exc:  # the transaction is lost; the caller rolls back
        raise DuplicateNumberError(refusal) from exc
    return entry


def close_series(
    session: Session,
    *,
    issuer: Issuer,
    key: str,
    reason: str,
    actor: str,
    period_key: str | None = None,
) -> None:
    """Close a series (or one period of it): it gives no more numbers; nothing is deleted."""
    series = session.scalars(
        select(Series).where(Series.issuer_id == issuer.id, Series.key == key)
    ).first()
    if series is None:
        raise NumberingError(
            said("{abbreviation} has no series {key!r}", abbreviation=issuer.abbreviation, key=key)
        )
    now = datetime.now(UTC)
    if period_key is None:
        series.closed_at = now
        series.closed_reason = reason
    else:
        period = session.scalars(
            select(SeriesPeriod).where(
                SeriesPeriod.series_id == series.id, SeriesPeriod.period_key == period_key
            )
        ).first()
        if period is None:
            raise NumberingError(
                said(
                    "the series {key} has no period {period_key!r}", key=key, period_key=period_key
                )
            )
        period.closed_at = now
    record_event(
        session,
        actor=actor,
        action=AuditAction.SERIES_CLOSE,
        details={
            "issuer": issuer.abbreviation,
            "series": key,
            "period": period_key,
            "reason": reason,
        },
    )
