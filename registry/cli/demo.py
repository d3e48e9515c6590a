"""``sovanban demo``: a working instance from nothing, with the seed notice issued."""

from __future__ import annotations

import os
import secrets
from typing import Any

import click
from sqlalchemy import select

from certs.demo import Holder
from signing.fonts import default_font_faces

from ..config import example_config_path
from ..directory import add_organ
from ..errors import RegistryError
from ..models import Document, DocumentStatus, NumberEntry, Organ, User
from ..services.drafting.compose import compose_file, seed_notice_path
from ..services.drafting.documents import DraftRequest, register_draft
from ..services.issuing.steps import issue_document, prepare_document, sign_document
from ..services.people.accounts import set_password
from ..services.people.users import add_user
from ..services.setup.demo_images import draw_seal, draw_signature
from ..services.setup.keys import open_configured_signer
from ..services.setup.pki import create_demo_pki
from ..services.setup.signing_tools import signing_tools
from .admin import initialise
from .context import AppContext, echo_json, pass_app
from .serve import serve_instance

__all__ = ["demo_command"]


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

    from ..services.drafting.compose import type_names

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
    summary = initialise(app)
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
