"""The demo office: its configuration and pictures, accounts with fresh passwords, the
recipient directory, and the reference notice registered and taken through the flow."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from basics.text import fold
from certs.demo import Holder
from signing.fonts import default_font_faces

from ..config import Config, example_config_path
from ..directory import add_organ
from ..instance import Instance
from ..models import Document, DocumentStatus, Issuer, Organ
from .drafting.compose import compose_file, seed_notice_path, type_names
from .drafting.documents import DraftRequest, register_draft
from .issuing.steps import issue_document, prepare_in_instance, sign_document
from .people.accounts import set_password
from .people.users import add_user, find_user
from .setup.demo_images import draw_seal, draw_signature
from .setup.keys import open_configured_signer
from .setup.signing_tools import SigningTools

__all__ = [
    "DEMO_HOLDER",
    "DemoAccount",
    "DemoOffice",
    "issue_seed_notice",
    "set_up_office",
    "write_demo_config",
]

DEMO_HOLDER = Holder("Nguyễn Trọng Vân", "nguyentrongvan@hatinh.dcs.vn")


DEMO_SIGNER = {
    "login": "nguyentrongvan",
    "full_name": "Nguyễn Trọng Vân",
    "email": "nguyentrongvan@hatinh.dcs.vn",
    "position": "Phó Bí thư Thường trực",
    "authority": "T/M Ban Chấp hành",
}


def _subject_of(title: str, subject: str, config: Config) -> str:
    """The trích yếu without the type name the register prints before it: the title
    "THÔNG BÁO KẾT LUẬN" of a Thông báo gives "Kết luận Hội nghị …"."""
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


@dataclass(frozen=True)
class DemoAccount:
    login: str
    role: str
    password: str  # fresh at every run, printed once, stored only as a hash


@dataclass(frozen=True)
class DemoOffice:
    accounts: tuple[DemoAccount, ...]
    document_id: int  # the reference notice
    status: DocumentStatus


def write_demo_config(folder: Path) -> Path:
    """The demo office's configuration (the example's, with its seal, signature, OrganId
    and keys) and its pictures, in ``folder``."""
    images = folder / "images"
    images.mkdir(exist_ok=True)
    draw_seal(images / "con-dau.png", default_font_faces(), top="ĐẢNG ỦY KHỐI", bottom="HÀ TĨNH")
    draw_signature(images / "chu-ky.png")
    text = example_config_path().read_text("utf-8")
    text = text.replace('signature_image = ""', 'signature_image = "images/chu-ky.png"', 1)
    text = text.replace('seal_image = ""', 'seal_image = "images/con-dau.png"', 1)
    # Invented identifiers (the "Z" block is nobody's): edXML needs one to work.
    text = text.replace('organ_id = ""', f'organ_id = "{DEMO_ORGAN_ID}"', 1)
    config_file = folder / "config.toml"
    config_file.write_text(text + DEMO_KEYS, "utf-8")
    return config_file


def _accounts(session: Session, *, actor: str) -> tuple[DemoAccount, ...]:
    """The clerk, signer, auditor and admin of the demo, each with a fresh password (printed,
    never stored in clear): running the demo again gives working credentials again."""
    accounts = []
    for person in (*DEMO_STAFF, {**DEMO_SIGNER, "role": "signer"}):
        user = find_user(session, person["login"])
        if user is None:
            details = {k: v for k, v in person.items() if k != "role"}
            user = add_user(session, roles={person["role"]}, actor=actor, **details)
        password = secrets.token_urlsafe(9)
        set_password(session, user, password, actor=actor)
        accounts.append(DemoAccount(user.login, person["role"], password))
    return tuple(accounts)


def set_up_office(
    session: Session, instance: Instance, issuer: Issuer, *, actor: str
) -> DemoOffice:
    """Accounts, the recipient directory, and the reference notice registered (once)."""
    accounts = _accounts(session, actor=actor)
    for organ_id, name in DEMO_DIRECTORY:
        if session.scalars(select(Organ).where(Organ.organ_id == organ_id)).first() is None:
            add_organ(session, organ_id=organ_id, name=name, actor=actor)
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
        document = register_draft(session, instance.blobs, issuer, request, actor=actor)
    return DemoOffice(accounts, document.id, document.status)


def issue_seed_notice(
    session: Session,
    instance: Instance,
    document_id: int,
    tools: SigningTools,
    passphrase: str,
    *,
    actor: str,
) -> str:
    """Prepare, sign (the demo signer) and issue (the office) the reference notice; its number."""
    document = session.get(Document, document_id)
    assert document is not None
    prepare_in_instance(session, instance, document, actor=actor)
    keys = {key.role: key for key in instance.config.signing.keys}
    with open_configured_signer(instance, keys["personal"], passphrase) as signer:
        sign_document(session, instance.blobs, document, signer, tools, actor=actor)
    with open_configured_signer(instance, keys["organisation"], passphrase) as signer:
        issue_document(session, instance.blobs, document, signer, tools, actor=actor)
    return document.number.rendered if document.number else ""
