"""The configuration file, read into frozen dataclasses that refuse what they do not know.

Every key of ``config.example.toml`` has a field here; a value of the wrong type, an
unknown key or a missing required value raises :class:`ConfigError` naming the key.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from basics.said import said
from basics.text import OffsetStyle, nfc
from signing.limits import PdfLimits

from .errors import ConfigError

__all__ = [
    "ComposerConfig",
    "Config",
    "DatabaseConfig",
    "DocumentTypeConfig",
    "IssuerConfig",
    "JobsConfig",
    "KeyConfig",
    "NumberingConfig",
    "PkiConfig",
    "PlacementConfig",
    "SigningConfig",
    "StorageConfig",
    "TermConfig",
    "TimestampingConfig",
    "TrustConfig",
    "WebConfig",
    "example_config_path",
    "load_config",
    "parse_config",
]


@dataclass(frozen=True)
class IssuerConfig:
    name: str
    header_name: str
    abbreviation: str
    superior_body: str
    place: str
    email: str = ""
    organ_id: str = ""
    archive_line: str = ""


@dataclass(frozen=True)
class TermConfig:
    label: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class DocumentTypeConfig:
    code: str
    name: str
    series: str = ""


@dataclass(frozen=True)
class NumberingConfig:
    scheme: Literal["party", "state"]
    register_book: Literal["shared", "per_type"] = "shared"
    terms: tuple[TermConfig, ...] = ()
    types: tuple[DocumentTypeConfig, ...] = ()


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = ""
    url_env: str = "SOVANBAN_DATABASE_URL"


@dataclass(frozen=True)
class StorageConfig:
    backend: Literal["local", "s3"] = "local"
    path: str = "blobs"  # local: the folder
    endpoint: str = ""  # s3: the server's URL ("" for AWS)
    bucket: str = ""
    region: str = ""
    prefix: str = ""
    access_key_env: str = "AWS_ACCESS_KEY_ID"
    secret_key_env: str = "AWS_SECRET_ACCESS_KEY"


@dataclass(frozen=True)
class ComposerConfig:
    font_regular: str = ""
    font_bold: str = ""
    font_italic: str = ""
    font_bold_italic: str = ""


@dataclass(frozen=True)
class KeyConfig:
    name: str
    role: Literal["personal", "organisation"]
    kind: Literal["pkcs12", "pkcs11"]
    path: str = ""
    passphrase_env: str = ""
    module: str = ""
    token_label: str = ""
    key_label: str = ""
    cert_label: str = ""
    pin_env: str = ""


@dataclass(frozen=True)
class PlacementConfig:
    """Fallback field boxes, each [page (1-based), x1, y1, x2, y2] in points."""

    number: tuple[float, ...] = ()
    date: tuple[float, ...] = ()
    signer: tuple[float, ...] = ()
    organisation: tuple[float, ...] = ()


@dataclass(frozen=True)
class SigningConfig:
    time_offset_style: OffsetStyle = "+07:00"
    signature_image: str = ""
    seal_image: str = ""
    stamp_font: str = ""
    placement: PlacementConfig = field(default_factory=PlacementConfig)
    keys: tuple[KeyConfig, ...] = ()


@dataclass(frozen=True)
class TimestampingConfig:
    url: str = ""
    timeout: float = 10.0
    retries: int = 2


@dataclass(frozen=True)
class PkiConfig:
    path: str = "pki"
    passphrase_env: str = "SOVANBAN_PKI_PASSPHRASE"
    base_url: str = ""


@dataclass(frozen=True)
class TrustConfig:
    anchors: tuple[str, ...] = ()
    intermediates: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()


@dataclass(frozen=True)
class WebConfig:
    bind: str = "127.0.0.1"
    port: int = 8080
    max_upload_mb: int = 25
    public_lookup: Literal["issued", "none"] = "issued"
    public_url: str = ""
    secret_key_env: str = "SOVANBAN_SECRET_KEY"
    login_attempts_per_minute: int = 10
    verifications_per_minute: int = 30
    verify_seconds: int = 30
    vgca_plugin_script: str = ""
    upload_seconds: int = 30  # a request body's time, plus its length at 64 KiB/s
    trusted_proxies: int = 0  # proxies in front (nginx: 1) whose X-Forwarded-* are believed
    # Redis shared by the hosts of a deployment: rate limits and caches ("" = per host).
    redis_url: str = ""
    redis_url_env: str = "SOVANBAN_REDIS_URL"
    redis_prefix: str = "sovanban"  # keys' prefix: several deployments may share a Redis
    log_format: Literal["text", "json"] = "text"  # one line per request, and our messages
    metrics_token_env: str = "SOVANBAN_METRICS_TOKEN"  # /metrics: this bearer, or loopback

    def shared_state_url(self) -> str:
        """The Redis URL: the environment's override, the file's, or "" (per host)."""
        from_env = os.environ.get(self.redis_url_env, "") if self.redis_url_env else ""
        return from_env or self.redis_url


@dataclass(frozen=True)
class DistributionConfig:
    transport: Literal["directory", "http"] = "directory"
    outbox: str = "outbox"
    url: str = ""
    token_env: str = ""
    retries: int = 3
    timeout_seconds: int = 20


@dataclass(frozen=True)
class LimitsConfig:
    """What a PDF may be, and what working on one may take (each in its own worker)."""

    max_pages: int = 2000
    max_page_side_mm: int = 5000
    max_depth: int = 64
    max_inflated_mb: int = 256
    max_image_megapixels: int = 200
    worker_memory_mb: int = 1024
    worker_seconds: int = 60  # registering, preparing, page pictures ([web] verify_seconds)

    def pdf(self) -> PdfLimits:
        return PdfLimits(
            max_pages=self.max_pages,
            max_page_side_mm=self.max_page_side_mm,
            max_depth=self.max_depth,
            max_inflated_mb=self.max_inflated_mb,
            max_image_megapixels=self.max_image_megapixels,
        )


@dataclass(frozen=True)
class AuditConfig:
    seal_minutes: int = 60
    anchor_file: str = "audit-anchors.log"  # every seal's head, outside the database
    witness_url: str = ""  # also POSTed there (a body outside this server), when set


@dataclass(frozen=True)
class MailConfig:
    """E-mail for notifications (SMTP); none is sent while host is empty."""

    host: str = ""
    port: int = 587
    starttls: bool = True
    username: str = ""
    password_env: str = "SOVANBAN_MAIL_PASSWORD"
    sender: str = ""
    ca_file: str = ""  # a CA to trust for STARTTLS besides the system's (a private mail server)
    timeout_seconds: int = 20
    every_seconds: int = 30  # how often a running service sends what is due


@dataclass(frozen=True)
class JobsConfig:
    """Background work: in the process that asks (the embedded default), or on
    PostgreSQL's queue (procrastinate), run by ``sovanban worker`` on any host."""

    engine: Literal["in-process", "procrastinate"] = "in-process"
    seconds: int = 1800  # a run's time limit, checked between its steps
    attempts: int = 5  # runs before a job counts as failed
    first_retry_seconds: int = 120  # the wait after a failed run, doubled after each


@dataclass(frozen=True)
class Config:
    issuer: IssuerConfig
    numbering: NumberingConfig
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    composer: ComposerConfig = field(default_factory=ComposerConfig)
    signing: SigningConfig = field(default_factory=SigningConfig)
    timestamping: TimestampingConfig = field(default_factory=TimestampingConfig)
    pki: PkiConfig = field(default_factory=PkiConfig)
    trust: TrustConfig = field(default_factory=TrustConfig)
    web: WebConfig = field(default_factory=WebConfig)
    audit: AuditConfig = field(default_factory=AuditConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    distribution: DistributionConfig = field(default_factory=DistributionConfig)
    mail: MailConfig = field(default_factory=MailConfig)
    jobs: JobsConfig = field(default_factory=JobsConfig)
    source: str = field(default="", compare=False)

    def database_url(self, instance: Path) -> str:
        """The database URL: the environment override, the file's, or the embedded SQLite."""
        from_env = os.environ.get(self.database.url_env, "") if self.database.url_env else ""
        if from_env:
            return from_env
        if self.database.url:
            return self.database.url
        return f"sqlite:///{(instance / 'sovanban.sqlite3').resolve()}"

    def document_url(self, document_id: int) -> str:
        """The document's public page (the QR code's target); "" without a public address."""
        base = self.web.public_url.rstrip("/")
        return f"{base}/van-ban/{document_id}" if base else ""

    @property
    def pki_base_url(self) -> str:
        """Where the demo PKI's services are reached (written into its certificates)."""
        return self.pki.base_url or f"http://{self.web.bind}:{self.web.port}/pki"


def example_config_path() -> Path:
    """The documented example, which is also the built-in default configuration."""
    package_copy = Path(__file__).with_name("config.example.toml")  # inside a wheel
    if package_copy.is_file():
        return package_copy
    return Path(__file__).resolve().parent.parent / "config.example.toml"  # source checkout


def load_config(path: Path | None) -> Config:
    """Read ``path``, or the built-in defaults when it is ``None``."""
    source = path if path is not None else example_config_path()
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise ConfigError(
            said(
                "{source}: cannot read the configuration ({strerror})",
                source=source,
                strerror=exc.strerror,
            )
        ) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(
            said("{source}: the configuration is not UTF-8 text", source=source)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(said("{source}: not valid TOML: {exc}", source=source, exc=exc)) from exc
    return parse_config(data, source=str(source))


def parse_config(data: dict[str, Any], *, source: str = "config") -> Config:
    """Turn parsed TOML into a :class:`Config`, checking every key and value."""
    built: Config = _build(Config, data, path="", source=source)
    config = dataclasses.replace(built, source=source)
    _check_consistency(config, source)
    return config


def _build(cls: type[Any], data: object, *, path: str, source: str) -> Any:
    where = path or "the top level"
    if not isinstance(data, dict):
        raise ConfigError(said("{source}: {where} must be a table", source=source, where=where))
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if f.name != "source"}
    unknown = sorted(set(data) - set(known))
    if unknown:
        name = f"{path}.{unknown[0]}" if path else unknown[0]
        raise ConfigError(said("{source}: unknown key '{name}'", source=source, name=name))
    values: dict[str, Any] = {}
    for name, spec in known.items():
        key = f"{path}.{name}" if path else name
        if name not in data:
            no_default = dataclasses.MISSING
            if spec.default is no_default and spec.default_factory is no_default:
                raise ConfigError(said("{source}: missing value '{key}'", source=source, key=key))
            continue
        values[name] = _convert(hints[name], data[name], path=key, source=source)
    return cls(**values)


def _convert(hint: Any, value: object, *, path: str, source: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _build(typing.cast(type[Any], hint), value, path=path, source=source)
    if origin is tuple:
        (item_hint, _ellipsis) = typing.get_args(hint)
        if not isinstance(value, list):
            raise ConfigError(said("{source}: '{path}' must be a list", source=source, path=path))
        return tuple(
            _convert(item_hint, item, path=f"{path}[{index}]", source=source)
            for index, item in enumerate(value)
        )
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            choices = ", ".join(repr(choice) for choice in allowed)
            raise ConfigError(
                said(
                    "{source}: '{path}' must be one of {choices}, not {value!r}",
                    source=source,
                    path=path,
                    choices=choices,
                    value=value,
                )
            )
        return value
    if origin in (types.UnionType, typing.Union):
        raise TypeError(f"unsupported configuration type {hint}")  # pragma: no cover
    expected: dict[Any, tuple[type, ...]] = {
        str: (str,),
        int: (int,),
        float: (int, float),
        bool: (bool,),
        date: (date,),
    }
    accepted = expected[hint]
    # bool is an int in Python; a TOML true is never a number here.
    if isinstance(value, bool) and hint is not bool:
        accepted = ()
    if isinstance(value, accepted) and not (hint is date and type(value) is not date):
        if hint is str:
            return nfc(typing.cast(str, value))
        if hint is float:
            return float(typing.cast(float, value))
        return value
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
    wanted = names.get(hint, "a date (YYYY-MM-DD, unquoted)")
    raise ConfigError(
        said(
            "{source}: '{path}' must be {wanted}, not {value!r}",
            source=source,
            path=path,
            wanted=wanted,
            value=value,
        )
    )


def _check_consistency(config: Config, source: str) -> None:
    jobs = config.jobs
    if jobs.attempts < 1 or jobs.seconds < 1 or jobs.first_retry_seconds < 0:
        raise ConfigError(
            said(
                "{source}: 'jobs.attempts' and 'jobs.seconds' must be positive, "
                "'jobs.first_retry_seconds' not negative",
                source=source,
            )
        )
    if config.storage.backend == "s3" and not config.storage.bucket:
        raise ConfigError(
            said(
                "{source}: 'storage.bucket' must be set when 'storage.backend' is s3",
                source=source,
            )
        )
    if not config.issuer.abbreviation.strip():
        raise ConfigError(said("{source}: 'issuer.abbreviation' must not be empty", source=source))
    if config.issuer.organ_id and len(config.issuer.organ_id) != 13:
        raise ConfigError(
            said(
                "{source}: 'issuer.organ_id' must have 13 characters (000.00.00.H41)", source=source
            )
        )
    terms = sorted(config.numbering.terms, key=lambda term: term.starts_on)
    if config.numbering.scheme == "party" and not terms:
        raise ConfigError(
            said("{source}: 'numbering.terms' must list the committee terms", source=source)
        )
    for index, term in enumerate(config.numbering.terms):
        if term.ends_on < term.starts_on:
            raise ConfigError(
                said(
                    "{source}: 'numbering.terms[{index}]' ends ({ends_on}) before it starts "
                    "({starts_on})",
                    source=source,
                    index=index,
                    ends_on=term.ends_on,
                    starts_on=term.starts_on,
                )
            )
    for earlier, later in itertools.pairwise(terms):
        if later.starts_on <= earlier.ends_on:
            raise ConfigError(
                said(
                    "{source}: the terms '{label}' and '{label2}' overlap",
                    source=source,
                    label=earlier.label,
                    label2=later.label,
                )
            )
    labels = [term.label for term in terms]
    if len(set(labels)) != len(labels):
        raise ConfigError(
            said("{source}: two terms in 'numbering.terms' share a label", source=source)
        )
    for name, box in vars(config.signing.placement).items():
        if box and (len(box) != 5 or box[0] < 1 or box[1] >= box[3] or box[2] >= box[4]):
            raise ConfigError(
                said(
                    "{source}: 'signing.placement.{name}' must be [page, x1, y1, x2, y2] with "
                    "page ≥ 1, x1 < x2 and y1 < y2",
                    source=source,
                    name=name,
                )
            )
    for index, key in enumerate(config.signing.keys):
        if key.kind == "pkcs12" and not key.path:
            raise ConfigError(
                said(
                    "{source}: 'signing.keys[{index}].path' is required for pkcs12",
                    source=source,
                    index=index,
                )
            )
        if key.kind == "pkcs11" and not (key.module and key.token_label and key.key_label):
            raise ConfigError(
                said(
                    "{source}: 'signing.keys[{index}]' needs module, token_label and key_label",
                    source=source,
                    index=index,
                )
            )
