"""Instance commands: init, demo, users, series."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from certs.demo import Holder
from signing.fonts import default_font_faces

from ..config import example_config_path
from ..db import migrate
from ..errors import InputError, RegistryError
from ..models import Document, DocumentStatus, NumberEntry, Organ, Series, User
from ..numbering import close_series
from ..services.accounts import create_api_token, set_password
from ..services.compose import compose_file, seed_notice_path
from ..services.demo_images import draw_seal, draw_signature
from ..services.distribution import add_organ
from ..services.documents import DraftRequest, find_document, register_draft, withdraw_document
from ..services.issuing import issue_document, prepare_document, sign_document
from ..services.keys import open_configured_signer
from ..services.pki import create_demo_pki
from ..services.setup import record_configuration, sync_reference_data
from ..services.tools import signing_tools
from ..services.users import add_user, get_user
from .context import AppContext, echo_json, pass_app, read_secret
from .serve import serve_instance

__all__ = [
    "demo_command",
    "init_command",
    "series_group",
    "users_group",
    "withdraw_command",
]


def _initialise(app: AppContext) -> dict[str, object]:
    try:
        app.folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RegistryError(
            f"cannot create the instance folder {app.folder}: {exc.strerror}"
        ) from exc
    instance = app.instance(require_schema=False)
    migrate(instance.engine)
    with app.unit_of_work() as session:
        report = sync_reference_data(session, instance.config)
        record_configuration(session, instance.config, actor=app.actor)
    return {
        "instance": str(instance.folder),
        "config": instance.config.source,
        "database": instance.engine.url.render_as_string(hide_password=True),
        "issuer": report.issuer,
        "terms": report.terms,
        "document_types": report.types,
    }


@click.command("init")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def init_command(app: AppContext, as_json: bool) -> None:
    """Create or upgrade the instance: database schema and reference data (idempotent)."""
    summary = _initialise(app)
    if as_json:
        echo_json(summary)
    else:
        click.echo(f"instance {summary['instance']} ready ({summary['database']})")


DEMO_HOLDER = Holder("Nguyễn Trọng Vân", "nguyentrongvan@hatinh.dcs.vn")
DEMO_SIGNER = {
    "login": "nguyentrongvan",
    "full_name": "Nguyễn Trọng Vân",
    "email": "nguyentrongvan@hatinh.dcs.vn",
    "position": "Phó Bí thư Thường trực",
    "authority": "T/M Ban Chấp hành",
}


def _subject_of(title: str, subject: str, config: Any) -> str:
    """The trích yếu without the type name the register prints before it: the title
    "THÔNG BÁO KẾT LUẬN" of a Thông báo gives "Kết luận Hội nghị …"."""
    from signing.text import fold

    from ..services.compose import type_names

    words = title.split()
    for name in type_names(config).values():
        count = len(name.split())
        if fold(" ".join(words[:count])) == fold(name) and len(words) > count:
            words = words[count:]
            break
    return f"{' '.join(words).capitalize()} {subject}"


DEMO_ORGAN_ID = "000.00.00.Z01"
DEMO_DIRECTORY = (
    ("000.00.00.Z02", "Thường trực Tỉnh ủy"),
    ("000.00.00.Z03", "Các đảng ủy, chi bộ cơ sở"),
)

DEMO_STAFF = (
    {"login": "vanthu", "full_name": "Trần Thị Thu", "position": "Văn thư", "role": "clerk"},
    {
        "login": "kiemsoat",
        "full_name": "Lê Văn Kiểm",
        "position": "Kiểm soát viên",
        "role": "auditor",
    },
    {
        "login": "quantri",
        "full_name": "Phạm Quản Trị",
        "position": "Quản trị hệ thống",
        "role": "admin",
    },
)


def _demo_accounts(app: AppContext, session: Any) -> list[dict[str, str]]:
    """The clerk, signer, auditor and admin of the demo, each with a fresh password (printed,
    never stored in clear): running the demo again gives working credentials again."""
    accounts = []
    for person in (*DEMO_STAFF, {**DEMO_SIGNER, "role": "signer"}):
        user = session.scalars(select(User).where(User.login == person["login"])).first()
        if user is None:
            details = {k: v for k, v in person.items() if k != "role"}
            user = add_user(session, roles={person["role"]}, actor=app.actor, **details)
        password = secrets.token_urlsafe(9)
        set_password(session, user, password, actor=app.actor)
        accounts.append({"login": user.login, "role": person["role"], "password": password})
    return accounts


DEMO_KEYS = """
# The demo PKI's keys (added by sovanban demo); their passphrase is the PKI's.
[[signing.keys]]
name = "nguyentrongvan"
role = "personal"
kind = "pkcs12"
path = "pki/signer.p12"
passphrase_env = "SOVANBAN_PKI_PASSPHRASE"

[[signing.keys]]
name = "van-phong"
role = "organisation"
kind = "pkcs12"
path = "pki/organisation.p12"
passphrase_env = "SOVANBAN_PKI_PASSPHRASE"
"""


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Prepare the demo instance and stop.")
@click.option("--port", type=int, default=None, help="Port to serve on (default: [web] port).")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def demo_command(app: AppContext, no_serve: bool, port: int | None, as_json: bool) -> None:
    """A demo instance from nothing: configuration, database, demo PKI and keys, the signer,
    and the reference notice composed, prepared, signed and issued."""
    app.folder.mkdir(parents=True, exist_ok=True)
    config_file = app.folder / "config.toml"
    if app.config_path is None and not config_file.exists():
        images = app.folder / "images"
        images.mkdir(exist_ok=True)
        draw_seal(
            images / "con-dau.png", default_font_faces(), top="ĐẢNG ỦY KHỐI", bottom="HÀ TĨNH"
        )
        draw_signature(images / "chu-ky.png")
        text = example_config_path().read_text("utf-8")
        text = text.replace('signature_image = ""', 'signature_image = "images/chu-ky.png"', 1)
        text = text.replace('seal_image = ""', 'seal_image = "images/con-dau.png"', 1)
        # Invented identifiers (the "Z" block is nobody's): edXML needs one to work.
        text = text.replace('organ_id = ""', f'organ_id = "{DEMO_ORGAN_ID}"', 1)
        config_file.write_text(text + DEMO_KEYS, "utf-8")
    summary = _initialise(app)
    instance = app.instance()
    variable = instance.config.pki.passphrase_env
    generated = not os.environ.get(variable)
    passphrase = os.environ.get(variable) or secrets.token_urlsafe(12)
    if generated and (app.folder / "pki" / "pki.json").exists():
        raise RegistryError(f"the demo PKI exists already: set {variable} to its passphrase")
    os.environ[variable] = passphrase  # for this process: signing reads it like any key's
    if not (instance.folder / "pki" / "pki.json").exists():
        create_demo_pki(instance, passphrase=passphrase.encode(), signer=DEMO_HOLDER)
    with app.unit_of_work() as session:
        accounts = _demo_accounts(app, session)
        for organ_id, name in DEMO_DIRECTORY:
            if session.scalars(select(Organ).where(Organ.organ_id == organ_id)).first() is None:
                add_organ(session, organ_id=organ_id, name=name, actor=app.actor)
        document = session.scalars(select(Document).order_by(Document.id)).first()
        if document is None:
            notice, pdf = compose_file(instance.config, instance.folder, seed_notice_path())
            request = DraftRequest(
                pdf=pdf,
                type_code=notice.type_code,
                subject=_subject_of(notice.title, notice.subject, instance.config),
                signer_login=DEMO_SIGNER["login"],
                recipients=notice.recipients,
                file_name="thong-bao-ket-luan-2023-04-11.pdf",
            )
            issuer = app.issuer(session)
            document = register_draft(session, instance.blobs, issuer, request, actor=app.actor)
        document_id = document.id
    if document.status == DocumentStatus.DRAFT:
        tools = signing_tools(instance, passphrase.encode())
        with app.unit_of_work() as session:
            draft = session.get(Document, document_id)
            assert draft is not None
            prepare_document(session, instance.blobs, draft, actor=app.actor)
            keys = {key.role: key for key in instance.config.signing.keys}
            with open_configured_signer(instance, keys["personal"], passphrase) as signer:
                sign_document(session, instance.blobs, draft, signer, tools, actor=app.actor)
            with open_configured_signer(instance, keys["organisation"], passphrase) as signer:
                issue_document(session, instance.blobs, draft, signer, tools, actor=app.actor)
    with app.unit_of_work() as session:
        number = session.scalars(
            select(NumberEntry).where(NumberEntry.document_id == document_id)
        ).first()
        summary.update(
            seed_document_id=document_id,
            seed_number=number.rendered if number else None,
            passphrase_variable=variable,
            passphrase=passphrase if generated else None,
            accounts=accounts,
        )
    if as_json:
        echo_json(summary)
        if not no_serve:
            serve_instance(app, None, port)
        return
    click.echo(f"demo instance: {summary['instance']}")
    click.echo(f"  configuration: {config_file}")
    click.echo(f"  database:      {summary['database']}")
    click.echo(f"  demo PKI:      {instance.folder / 'pki'} (keys in passphrase-protected .p12)")
    click.echo(f"  seed notice:   document #{document_id}, issued as {summary['seed_number']}")
    if generated:
        click.echo(f"  passphrase:    export {variable}={passphrase}")
    click.echo(f"  try:           sovanban --instance {app.folder} show {document_id}")
    click.echo("  accounts (new passwords at every run of the demo):")
    for account in accounts:
        click.echo(f"    {account['role']:<8} {account['login']:<16} {account['password']}")
    click.echo(f"  the signing keys' passphrase is the PKI's ({variable})")
    if not no_serve:
        serve_instance(app, None, port)


@click.group("users")
def users_group() -> None:
    """Accounts: signers named on documents, clerks, auditors."""


@users_group.command("add")
@click.argument("login")
@click.option("--name", "full_name", required=True, help="Full name, as printed.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["clerk", "signer", "auditor", "admin"]),
)
@click.option("--email", default="")
@click.option("--position", default="", help="Chức vụ, e.g. Phó Bí thư Thường trực.")
@click.option("--authority", default="", help="Thẩm quyền ký, e.g. T/M Ban Chấp hành.")
@click.option(
    "--password-env",
    default="",
    help="Variable holding the web password (without it: no web login until users passwd).",
)
@pass_app
def users_add(
    app: AppContext,
    login: str,
    full_name: str,
    roles: tuple[str, ...],
    email: str,
    position: str,
    authority: str,
    password_env: str,
) -> None:
    """Add an account."""
    password = read_secret(password_env, "web password") if password_env else ""
    with app.unit_of_work() as session:
        user = add_user(
            session,
            login=login,
            full_name=full_name,
            roles=set(roles),
            email=email,
            position=position,
            authority=authority,
            actor=app.actor,
        )
        if password:
            set_password(session, user, password, actor=app.actor)
    if not password:
        click.echo(f"{login}: no web password yet (sovanban users passwd {login})", err=True)


@users_group.command("passwd")
@click.argument("login")
@click.option("--password-env", default="", help="Variable holding the new password (else typed).")
@pass_app
def users_passwd(app: AppContext, login: str, password_env: str) -> None:
    """Set an account's web password (the old one and its sessions stop working)."""
    password = read_secret(password_env, f"new web password of {login}", confirm=True)
    with app.unit_of_work() as session:
        set_password(session, get_user(session, login), password, actor=app.actor)


@users_group.command("certificate")
@click.argument("login")
@click.argument("certificate", type=click.Path(dir_okay=False), required=False)
@click.option("--clear", is_flag=True, help="Accept any certificate with his e-mail again.")
@pass_app
def users_certificate(app: AppContext, login: str, certificate: str | None, clear: bool) -> None:
    """Pin LOGIN's signing certificate (PEM or DER file): a document he signs with his own
    token is accepted only with this very certificate (else: any with his e-mail)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    from ..audit import record_event

    fingerprint = ""
    if not clear:
        if certificate is None:
            raise InputError("give the certificate file, or --clear")
        try:
            data = Path(certificate).read_bytes()
            cert = (
                x509.load_pem_x509_certificate(data)
                if b"-----BEGIN" in data
                else x509.load_der_x509_certificate(data)
            )
        except (OSError, ValueError) as exc:
            raise InputError(f"{certificate}: not a readable certificate ({exc})") from exc
        fingerprint = cert.fingerprint(hashes.SHA256()).hex()
    with app.unit_of_work() as session:
        user = get_user(session, login)
        user.certificate_sha256 = fingerprint
        record_event(
            session,
            actor=app.actor,
            action="user:certificate",
            details={"login": login, "certificate_sha256": fingerprint},
        )
    click.echo(fingerprint or "cleared")


@users_group.command("token")
@click.argument("login")
@click.option("--label", required=True, help="Which machine uses the token.")
@pass_app
def users_token(app: AppContext, login: str, label: str) -> None:
    """Create an API token for LOGIN's machine client; printed once, only its hash is kept."""
    with app.unit_of_work() as session:
        token = create_api_token(session, get_user(session, login), label, actor=app.actor)
    click.echo(token)


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def users_list(app: AppContext, as_json: bool) -> None:
    """List accounts."""
    with app.unit_of_work() as session:
        rows: list[dict[str, Any]] = [
            {
                "login": user.login,
                "name": user.full_name,
                "roles": sorted(user.role_set),
                "position": user.position,
                "active": user.active,
            }
            for user in session.scalars(select(User).order_by(User.login))
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['login']:<20} {row['name']:<30} {','.join(row['roles'])}")


@click.group("series")
def series_group() -> None:
    """Numbering series: list them, close one."""


@series_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def series_list(app: AppContext, as_json: bool) -> None:
    """Every series and period with the last number it gave."""
    with app.unit_of_work() as session:
        rows = [
            {
                "issuer": series.issuer.abbreviation,
                "series": series.key,
                "period": period.period_key,
                "last_number": period.last_number,
                "closed": bool(series.closed_at or period.closed_at),
            }
            for series in session.scalars(select(Series).order_by(Series.key))
            for period in series.periods
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        state = "closed" if row["closed"] else "open"
        click.echo(f"{row['series']:<12} {row['period']:<12} {row['last_number']:>5}  {state}")


@series_group.command("close")
@click.argument("key")
@click.option("--period", "period_key", default=None, help="Close only this term or year.")
@click.option("--reason", required=True, help="Why (kept in the register).")
@pass_app
def series_close(app: AppContext, key: str, period_key: str | None, reason: str) -> None:
    """Close a series of the instance's issuer: it gives no more numbers."""
    with app.unit_of_work() as session:
        close_series(
            session,
            issuer=app.issuer(session),
            key=key,
            reason=reason,
            actor=app.actor,
            period_key=period_key,
        )


@click.command("withdraw")
@click.argument("key")
@click.option("--reason", required=True, help="Why; kept in the register's Ghi chú column.")
@pass_app
def withdraw_command(app: AppContext, key: str, reason: str) -> None:
    """Withdraw a document; a number it was given stays in the register, marked void. If it
    was sent as edXML, the recall package goes to the same receivers (in one transaction:
    if it cannot be delivered, nothing is withdrawn)."""
    from ..services.distribution import recall_document
    from ..services.transport import transport_for

    instance = app.instance()
    with app.unit_of_work() as session:
        document = find_document(session, key)
        withdraw_document(session, document, reason=reason, actor=app.actor)
        where = recall_document(
            session, instance, document, transport_for(instance), actor=app.actor
        )
    if where:
        click.echo(f"recall sent: {where}")
