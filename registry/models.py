"""The registry's tables (SQLAlchemy 2, ``Mapped[]``); the schema lives in Alembic migrations."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

__all__ = [
    "ApiToken",
    "AuditEvent",
    "AuditHead",
    "AuditSeal",
    "Base",
    "Comment",
    "CommentKind",
    "Document",
    "DocumentFile",
    "DocumentReference",
    "DocumentStatus",
    "DocumentType",
    "DocumentWords",
    "FileKind",
    "Handoff",
    "Issuer",
    "LoginLock",
    "MailState",
    "Notification",
    "NotificationKind",
    "NumberEntry",
    "Organ",
    "Recipient",
    "Secrecy",
    "Series",
    "SeriesPeriod",
    "Term",
    "Urgency",
    "User",
    "utc_now",
]


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetimes are not stored; attach a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class DocumentStatus(enum.StrEnum):
    DRAFT = "draft"
    PREPARED = "prepared"
    SIGNED = "signed"
    ISSUED = "issued"
    WITHDRAWN = "withdrawn"
    RETURNED = "returned"  # trả lại: the signer sent it back; a new revision answers


class NotificationKind(enum.StrEnum):
    """What a person is told (and what waits for them under "Việc chờ xử lý")."""

    TO_SIGN = "to_sign"  # to the signer: a draft is prepared for him
    RETURNED = "returned"  # to the clerks: the signer returned a draft
    TO_ISSUE = "to_issue"  # to the clerks: signed, to be numbered and issued
    HANDOFF_EXPIRED = "handoff_expired"  # to who opened it: a hand-off ran out unused
    DELIVERY_FAILED = "delivery_failed"  # to the clerks: an edXML package did not leave


class MailState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # tried and given up: the administrator sees it
    NONE = "none"  # no e-mail: the person has no address, or the office sends none


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # every attempt failed: the administrator sees it


class CommentKind(enum.StrEnum):
    COMMENT = "comment"
    RETURN = "return"  # why the signer returned it
    REVISION = "revision"  # what the clerk changed in a new revision


class Urgency(enum.StrEnum):
    """Độ khẩn (edXML Priority 0–3)."""

    NORMAL = "normal"
    URGENT = "khan"
    VERY_URGENT = "thuong_khan"
    FLASH = "hoa_toc"


class Secrecy(enum.StrEnum):
    """Độ mật."""

    NONE = "none"
    SECRET = "mat"
    TOP_SECRET = "toi_mat"
    ABSOLUTE = "tuyet_mat"


class FileKind(enum.StrEnum):
    DRAFT = "draft"
    PREPARED = "prepared"
    SIGNED = "signed"
    ISSUED = "issued"
    ARCHIVE = "archive"
    ATTACHMENT = "attachment"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored by value, as plain strings with a CHECK, so SQLite and PostgreSQL agree.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Issuer(Base):
    __tablename__ = "issuers"

    id: Mapped[int] = mapped_column(primary_key=True)
    abbreviation: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    header_name: Mapped[str] = mapped_column(String(300))
    superior_body: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), default="")
    organ_id: Mapped[str] = mapped_column(String(13), default="")
    archive_line: Mapped[str] = mapped_column(String(300), default="")
    scheme: Mapped[str] = mapped_column(String(8))
    register_book: Mapped[str] = mapped_column(String(16), default="shared")
    closed_at: Mapped[datetime | None]

    terms: Mapped[list[Term]] = relationship(back_populates="issuer", order_by="Term.starts_on")

    __table_args__ = (
        CheckConstraint("scheme IN ('party', 'state')", name="scheme"),
        CheckConstraint("register_book IN ('shared', 'per_type')", name="register_book"),
    )


class Term(Base):
    """A committee term (nhiệm kỳ cấp ủy): the period of a Party numbering series."""

    __tablename__ = "terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id"))
    label: Mapped[str] = mapped_column(String(40))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    issuer: Mapped[Issuer] = relationship(back_populates="terms")

    __table_args__ = (
        UniqueConstraint("issuer_id", "label"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
    )


class DocumentType(Base):
    """A document type and its abbreviation (ký hiệu), per family (party or state)."""

    __tablename__ = "document_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(8))
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    # What the notation carries; "" for a State công văn, whose notation is the issuer's.
    abbreviation: Mapped[str] = mapped_column(String(16))
    series_key: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        UniqueConstraint("family", "code"),
        CheckConstraint("family IN ('party', 'state')", name="family"),
    )


class Series(Base):
    """A numbering series of an issuer: a type's (party), a book's (state) or secret one."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id"))
    key: Mapped[str] = mapped_column(String(40))
    period_kind: Mapped[str] = mapped_column(String(8))
    secret: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str] = mapped_column(Text, default="")

    issuer: Mapped[Issuer] = relationship()
    periods: Mapped[list[SeriesPeriod]] = relationship(back_populates="series")

    __table_args__ = (
        UniqueConstraint("issuer_id", "key"),
        CheckConstraint("period_kind IN ('term', 'year')", name="period_kind"),
    )


class SeriesPeriod(Base):
    """One term or calendar year of a series, holding the last number it gave."""

    __tablename__ = "series_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"))
    period_key: Mapped[str] = mapped_column(String(40))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None]

    series: Mapped[Series] = relationship(back_populates="periods")

    __table_args__ = (
        UniqueConstraint("series_id", "period_key"),
        CheckConstraint("last_number >= 0", name="last_number"),
    )


# PostgreSQL's INTEGER: a larger id or number typed by someone names nothing (and would
# make the database driver fail rather than find nothing).
LARGEST_KEY = 2**31 - 1


class NumberEntry(Base):
    """A number given (or recorded): the spine of the register book. Never deleted."""

    __tablename__ = "numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_period_id: Mapped[int] = mapped_column(ForeignKey("series_periods.id"))
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id"))
    period_key: Mapped[str] = mapped_column(String(40))
    secret_series: Mapped[bool] = mapped_column(default=False)
    number: Mapped[int] = mapped_column(Integer)
    notation: Mapped[str] = mapped_column(String(60))
    rendered: Mapped[str] = mapped_column(String(80))
    given_at: Mapped[datetime] = mapped_column(default=utc_now)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), unique=True)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    # Read from an imported archive's text, not given by the register: a series with only
    # such numbers is not live yet, and its counter may follow them.
    recorded: Mapped[bool] = mapped_column(default=False, server_default=false())

    series_period: Mapped[SeriesPeriod] = relationship()

    __table_args__ = (
        UniqueConstraint("series_period_id", "number"),
        UniqueConstraint("issuer_id", "period_key", "notation", "number", "secret_series"),
        CheckConstraint("number >= 1", name="number"),
        Index("ix_numbers_rendered", "rendered"),
        Index("ix_numbers_number", "number"),  # number lookups as typed ("17 ctr duk")
    )


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(100), default="")
    authority: Mapped[str] = mapped_column(String(100), default="")
    roles: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # The signing certificate's SHA-256 (hex), when his certificate must be that one exactly;
    # otherwise a certificate with his e-mail is his (external signing, the hand-off).
    certificate_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Raised by logout, a password change, deactivation and reactivation: every session
    # cookie made before then is dead (cookies are signed, not stored: this is the switch).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Roles that open secret documents, granted (or suspended by a password reset) by one
    # administrator and waiting for a second to confirm them; not in force until then.
    pending_roles: Mapped[str] = mapped_column(String(100), default="", server_default="")
    pending_by: Mapped[str] = mapped_column(String(64), default="", server_default="")

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(role for role in self.roles.split(",") if role)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id"))
    type_id: Mapped[int] = mapped_column(ForeignKey("document_types.id"))
    subject: Mapped[str] = mapped_column(Text)
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signer_name: Mapped[str] = mapped_column(String(100))
    signer_position: Mapped[str] = mapped_column(String(100), default="")
    signer_authority: Mapped[str] = mapped_column(String(100), default="")
    place: Mapped[str] = mapped_column(String(100))
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency, "urgency"), default=Urgency.NORMAL)
    secrecy: Mapped[Secrecy] = mapped_column(_enum(Secrecy, "secrecy"), default=Secrecy.NONE)
    status: Mapped[DocumentStatus] = mapped_column(
        _enum(DocumentStatus, "status"), default=DocumentStatus.DRAFT
    )
    drafting_unit: Mapped[str] = mapped_column(String(40), default="")
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    body_text: Mapped[str] = mapped_column(Text, default="")
    registered_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    document_date: Mapped[date | None] = mapped_column(Date)
    issued_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    # Number, subject, signer and recipients folded (no diacritics, đ → d) for searching.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    issuer: Mapped[Issuer] = relationship()
    type: Mapped[DocumentType] = relationship()
    signer: Mapped[User | None] = relationship()
    number: Mapped[NumberEntry | None] = relationship(
        primaryjoin="NumberEntry.document_id == Document.id", viewonly=True
    )
    recipients: Mapped[list[Recipient]] = relationship(
        back_populates="document", order_by="Recipient.position"
    )
    files: Mapped[list[DocumentFile]] = relationship(
        back_populates="document", order_by="DocumentFile.id"
    )
    references: Mapped[list[DocumentReference]] = relationship(
        back_populates="document",
        order_by="DocumentReference.id",
        foreign_keys="DocumentReference.document_id",
    )
    comments: Mapped[list[Comment]] = relationship(back_populates="document", order_by="Comment.id")

    __table_args__ = (Index("ix_documents_status", "status"),)


class Comment(Base):
    """What the clerk and the signer say to each other about a document, kept with it."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    author: Mapped[str] = mapped_column(String(64))  # the login
    author_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[CommentKind] = mapped_column(_enum(CommentKind, "kind"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    document: Mapped[Document] = relationship(back_populates="comments")

    __table_args__ = (Index("ix_comments_document_id", "document_id"),)


class Recipient(Base):
    """One line of the Nơi nhận list."""

    __tablename__ = "recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    organ_id: Mapped[str] = mapped_column(String(13), default="")
    purpose: Mapped[str] = mapped_column(String(100), default="")
    is_archive_copy: Mapped[bool] = mapped_column(default=False)
    copies: Mapped[int] = mapped_column(Integer, default=1)
    # Electronic delivery (edXML): when the package left, and the receiver's last status
    # (QCVN 102 StatusCode: "01" arrived … "03" accepted … "13" recalled) and its time.
    delivery_status: Mapped[str] = mapped_column(String(16), default="")
    delivered_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    document: Mapped[Document] = relationship(back_populates="recipients")

    __table_args__ = (
        UniqueConstraint("document_id", "position"),
        CheckConstraint("copies >= 1", name="copies"),
    )


class DocumentFile(Base):
    """One stored revision of a document (the bytes are in the blob store, by SHA-256)."""

    __tablename__ = "files"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    kind: Mapped[FileKind] = mapped_column(_enum(FileKind, "file_kind"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    original_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    document: Mapped[Document] = relationship(back_populates="files")

    __table_args__ = (
        Index("ix_files_sha256", "sha256"),
        CheckConstraint("length(sha256) = 64", name="sha256"),
        CheckConstraint("size >= 0", name="size"),
    )


class DocumentReference(Base):
    """A document this one cites ("Kế hoạch số 49-KH/ĐUK, ngày 06/3/2023")."""

    __tablename__ = "document_references"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    type_name: Mapped[str] = mapped_column(String(100), default="")
    number_text: Mapped[str] = mapped_column(String(80))
    cited_date: Mapped[date | None] = mapped_column(Date)
    cited_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    document: Mapped[Document] = relationship(
        back_populates="references", foreign_keys=[document_id]
    )
    cited_document: Mapped[Document | None] = relationship(foreign_keys=[cited_document_id])

    __table_args__ = (UniqueConstraint("document_id", "number_text"),)


class Organ(Base):
    """A body of the recipient directory: its 13-character OrganId (mã định danh)."""

    __tablename__ = "organs"

    id: Mapped[int] = mapped_column(primary_key=True)
    organ_id: Mapped[str] = mapped_column(String(13), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)


class DocumentWords(Base):
    """The folded words a document is found by (no diacritics, đ → d, lower case), kept by
    :func:`registry.search_text.refresh_search_text`. ``head`` (number, subject, signer) and
    ``words`` (everything) are indexed for full-text search in ``sort_key`` order: an FTS5
    table whose rowid is the key on SQLite, GIN indexes and a B-tree on the key on
    PostgreSQL (migrations 0004 and 0010)."""

    __tablename__ = "document_words"
    __table_args__ = (Index("ix_document_words_sort_key", "sort_key", unique=True),)

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    head: Mapped[str] = mapped_column(Text, default="", server_default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[str] = mapped_column(Text, default="")
    sort_key: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class Handoff(Base):
    """A document handed out to be signed elsewhere (the holder's own token) and taken back.

    Only the token's SHA-256 is kept; the download and the upload are each good once, until
    ``expires_at``. For issuing, the number is drawn when the hand-off is made and stays the
    document's whatever becomes of the attempt.
    """

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    kind: Mapped[str] = mapped_column(String(8))  # "sign" or "issue"
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    base_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    number_text: Mapped[str] = mapped_column(String(20), default="")
    date_text: Mapped[str] = mapped_column(String(120), default="")
    issued_at: Mapped[datetime | None]
    downloaded_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(Text, default="")

    document: Mapped[Document] = relationship()

    __table_args__ = (CheckConstraint("kind IN ('sign', 'issue')", name="kind"),)


class LoginLock(Base):
    """Failed logins to one account from one address since its last success there; past the
    limit that address waits. A stranger's guesses never lock the owner out of his desk."""

    __tablename__ = "login_locks"
    __table_args__ = (UniqueConstraint("user_id", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]


class ApiToken(Base):
    """A machine client's bearer token; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    label: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class AuditEvent(Base):
    """One action, appended in the same transaction as the change it records.

    ``seq`` numbers the chain without gaps; ``hash`` covers the event and ``prev_hash``,
    the previous event's hash, so that any edit, deletion, insertion or reordering shows.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utc_now)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (Index("ix_audit_events_document_id", "document_id"),)


class AuditHead(Base):
    """The newest event of the chain (one row): locked by each writer, so events line up."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default="")


class AuditSeal(Base):
    """An RFC 3161 timestamp over the chain's head at ``seq``: proof that the chain up to
    there existed then, so that a later truncation or rewrite shows."""

    __tablename__ = "audit_seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(default=utc_now)
    token: Mapped[bytes] = mapped_column(LargeBinary)


class Notification(Base):
    """Something a person is told about a document: listed in the service until read, and
    sent by e-mail after the action that caused it (never in its way)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind, "kind"))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    read_at: Mapped[datetime | None]
    mail_state: Mapped[MailState] = mapped_column(_enum(MailState, "mail_state"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship()
    document: Mapped[Document | None] = relationship()

    __table_args__ = (
        Index("ix_notifications_user_id", "user_id"),
        Index("ix_notifications_mail_state", "mail_state"),
    )


class JobRun(Base):
    """A piece of background work: what it is, how far it got, how it ended. Written in
    the transaction that asked for it, so work is asked for exactly when the change that
    causes it commits; a run that finds its row done does nothing (a job run twice changes
    nothing twice)."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(64))
    arguments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[JobState] = mapped_column(_enum(JobState, "job_state"), default=JobState.QUEUED)
    actor: Mapped[str] = mapped_column(String(64), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)  # progress: steps done
    total: Mapped[int] = mapped_column(Integer, default=0)  # and to do (0: not known)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    queued_at: Mapped[datetime] = mapped_column(default=utc_now)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_job_runs_state", "state"),
        Index("ix_job_runs_task", "task", "id"),
    )
