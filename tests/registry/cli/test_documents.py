"""The document commands end to end, and every bad input: one line, non-zero, nothing written."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.instance import open_instance
from registry.models import Document
from registry.numbering import allocate_number
from registry.services.drafting.compose import seed_notice_path
from registry.services.drafting.documents import find_document, get_type
from registry.services.setup.reference_data import current_issuer
from tests.support.cli import Result, Sovanban
from tests.support.storage import local_blobs

SEED_RECIPIENTS = """Nơi nhận:
- Thường trực Tỉnh ủy,
- Các đảng ủy, chi bộ cơ sở,
- Lưu Văn phòng Đảng ủy Khối.
"""


@pytest.fixture
def ready(sovanban: Sovanban, tmp_path: Path) -> Path:
    """An initialised instance with a signer, and the composed seed notice on disk."""
    sovanban.ok("init")
    sovanban.ok(
        "users",
        "add",
        "nguyentrongvan",
        "--name",
        "Nguyễn Trọng Vân",
        "--role",
        "signer",
        "--position",
        "Phó Bí thư Thường trực",
        "--authority",
        "T/M Ban Chấp hành",
    )
    draft = tmp_path / "draft.pdf"
    sovanban.ok("compose", str(seed_notice_path()), "-o", str(draft))
    (tmp_path / "noi-nhan.txt").write_text(SEED_RECIPIENTS, encoding="utf-8")
    return draft


def register(sovanban: Sovanban, pdf: Path, *extra: str) -> Result:
    recipients = pdf.parent / "noi-nhan.txt"
    return sovanban(
        "register",
        str(pdf),
        "--type",
        "TB",
        "--subject",
        "Thông báo kết luận Hội nghị lần thứ VII",
        "--signer",
        "nguyentrongvan",
        "--recipients",
        str(recipients),
        *extra,
    )


def give_number(sovanban: Sovanban, *, document_id: int) -> None:
    """What issuing will do: allocate the next Thông báo number to the document."""
    instance = open_instance(sovanban.instance)
    with instance.sessions.begin() as session:
        issuer = current_issuer(session, instance.config)
        allocate_number(
            session,
            issuer=issuer,
            doc_type=get_type(session, issuer, "TB"),
            on=date(2023, 4, 20),
            document_id=document_id,
        )
    instance.engine.dispose()


def state_of(sovanban: Sovanban) -> tuple[int, list[str]]:
    """How many documents the database holds and which blobs the store holds."""
    instance = open_instance(sovanban.instance)
    with instance.sessions() as session:
        documents = session.scalar(select(func.count()).select_from(Document)) or 0
    blobs = sorted(p.name for p in local_blobs(instance).root.rglob("*") if p.is_file())
    instance.engine.dispose()
    return documents, blobs


def test_register_show_list_download(sovanban: Sovanban, ready: Path, tmp_path: Path) -> None:
    result = register(sovanban, ready)
    assert result.code == 0, result.err
    assert result.out == "1\n"  # the id, only that
    shown = sovanban.ok("show", "1", "--json").json()
    assert shown["status"] == "draft"
    assert shown["subject"] == "Thông báo kết luận Hội nghị lần thứ VII"
    assert shown["signer"]["name"] == "Nguyễn Trọng Vân"
    assert [r["name"] for r in shown["recipients"]] == [
        "Thường trực Tỉnh ủy",
        "Các đảng ủy, chi bộ cơ sở",
        "Văn phòng Đảng ủy Khối",
    ]
    assert shown["recipients"][-1]["archive_copy"] is True
    assert [(r["number"], r["date"]) for r in shown["references"]] == [
        ("49-KH/ĐUK", "2023-03-06"),
        ("17-CTr/ĐUK", "2023-02-27"),
    ]
    digest = hashlib.sha256(ready.read_bytes()).hexdigest()
    assert shown["files"] == [
        {
            "revision": "draft",
            "sha256": digest,
            "size": ready.stat().st_size,
            "stored_at": shown["files"][0]["stored_at"],
        }
    ]
    text = sovanban.ok("show", "1").out
    assert "Nguyễn Trọng Vân" in text and "Văn phòng Đảng ủy Khối [lưu]" in text
    listed = sovanban.ok("list", "--json").json()
    assert [(row["id"], row["status"], row["number"]) for row in listed] == [(1, "draft", None)]
    copy = tmp_path / "copy.pdf"
    sovanban.ok("download", "1", "--revision", "draft", "-o", str(copy))
    assert copy.read_bytes() == ready.read_bytes()


def test_show_finds_a_document_by_its_number(sovanban: Sovanban, ready: Path) -> None:
    register(sovanban, ready)
    give_number(sovanban, document_id=1)
    instance = open_instance(sovanban.instance)
    with instance.sessions() as session:
        for typed in ("01-TB/ĐUK", "Số 01-TB/ĐUK", "1 TB DUK", "01-tb/đuk"):
            assert find_document(session, typed).id == 1
    instance.engine.dispose()
    assert sovanban.ok("show", "01-TB/ĐUK", "--json").json()["number"]["rendered"] == "01-TB/ĐUK"
    assert sovanban.ok("list", "--json").json()[0]["number"] == "01-TB/ĐUK"
    missing = sovanban("show", "02-TB/ĐUK")
    assert missing.code == 1
    assert missing.err == "sovanban: no document is registered under the number '02-TB/ĐUK'\n"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown type", "unknown document type 'XYZ' (known: BB, BC,"),
        (
            "malformed recipients",
            "noi-nhan.txt: distribution list, line 2: a recipient without a name",
        ),
        ("not a PDF", "notes.docx: not a PDF file"),
        ("unknown signer", "no active user with the login 'nobody'"),
        ("signer without the role", "clerk (Văn Thư) is not a signer"),
        ("empty subject", "the subject (trích yếu) must not be empty"),
        ("missing file", "absent.pdf: cannot read"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    sovanban: Sovanban, ready: Path, tmp_path: Path, case: str, message: str
) -> None:
    before = state_of(sovanban)
    pdf, args = ready, ["--type", "TB", "--subject", "Trích yếu", "--signer", "nguyentrongvan"]
    recipients = tmp_path / "noi-nhan.txt"
    if case == "unknown type":
        args[1] = "XYZ"
    elif case == "malformed recipients":
        recipients.write_text("Nơi nhận:\n- ,\n- Lưu VP.\n", encoding="utf-8")
    elif case == "not a PDF":
        pdf = tmp_path / "notes.docx"
        pdf.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    elif case == "unknown signer":
        args[5] = "nobody"
    elif case == "signer without the role":
        sovanban.ok("users", "add", "clerk", "--name", "Văn Thư", "--role", "clerk")
        args[5] = "clerk"
    elif case == "empty subject":
        args[3] = "   "
    elif case == "missing file":
        pdf = tmp_path / "absent.pdf"
    result = sovanban("register", str(pdf), *args, "--recipients", str(recipients))
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith("sovanban: ") and result.err.count("\n") == 1
    assert message in result.err
    assert state_of(sovanban) == before


def test_a_missing_configuration_value_is_named(sovanban: Sovanban, tmp_path: Path) -> None:
    sovanban.instance.mkdir()
    (sovanban.instance / "config.toml").write_text(
        '[issuer]\nname = "Đảng ủy Khối"\n[numbering]\nscheme = "party"\n', encoding="utf-8"
    )
    result = sovanban("init")
    assert result.code == 1
    assert "missing value 'issuer.header_name'" in result.err
    assert result.err.count("\n") == 1
    assert sorted(p.name for p in sovanban.instance.iterdir()) == ["config.toml"]


def test_commands_refuse_an_instance_that_was_never_initialised(sovanban: Sovanban) -> None:
    result = sovanban("list")
    assert result.code == 1
    assert result.err == "sovanban: the instance has no database yet: run 'sovanban init'\n"


def test_download_errors(sovanban: Sovanban, ready: Path, tmp_path: Path) -> None:
    register(sovanban, ready)
    no_revision = sovanban("download", "1", "--revision", "issued", "-o", str(tmp_path / "x.pdf"))
    assert no_revision.code == 1
    assert "document #1 has no issued revision (draft)" in no_revision.err
    unwritable = sovanban("download", "1", "-o", str(tmp_path / "no" / "such" / "dir.pdf"))
    assert unwritable.code == 1 and "cannot write" in unwritable.err
    assert not (tmp_path / "x.pdf").exists()
    # A blob altered on disk is refused rather than handed out.
    instance = open_instance(sovanban.instance)
    digest = hashlib.sha256(ready.read_bytes()).hexdigest()
    local_blobs(instance).path_for(digest).write_bytes(b"%PDF-1.7 tampered")
    instance.engine.dispose()
    corrupted = sovanban("download", "1", "-o", str(tmp_path / "y.pdf"))
    assert corrupted.code == 1 and "is corrupted" in corrupted.err
    assert not (tmp_path / "y.pdf").exists()


def test_a_withdrawn_document_keeps_its_number_marked_void(sovanban: Sovanban, ready: Path) -> None:
    register(sovanban, ready)
    give_number(sovanban, document_id=1)
    no_reason = sovanban("withdraw", "1", "--reason", "  ")
    assert no_reason.code == 1 and "needs a reason" in no_reason.err
    sovanban.ok("withdraw", "01-TB/ĐUK", "--reason", "Ban hành nhầm, thay bằng văn bản khác")
    shown = sovanban.ok("show", "1", "--json").json()
    assert shown["status"] == "withdrawn"
    assert shown["number"]["rendered"] == "01-TB/ĐUK"
    assert shown["number"]["void_reason"] == "Ban hành nhầm, thay bằng văn bản khác"
    again = sovanban("withdraw", "1", "--reason", "x")
    assert again.code == 1 and "already withdrawn" in again.err


def test_the_signing_authority_is_chosen_when_registering(sovanban: Sovanban, ready: Path) -> None:
    default = register(sovanban, ready).out.strip()
    chosen = register(
        sovanban, ready, "--authority", "K/T Bí thư", "--position", "Phó Bí thư"
    ).out.strip()
    shown = {key: sovanban.ok("show", key, "--json").json()["signer"] for key in (default, chosen)}
    assert (shown[default]["authority"], shown[default]["position"]) == (
        "T/M Ban Chấp hành",
        "Phó Bí thư Thường trực",
    )
    assert (shown[chosen]["authority"], shown[chosen]["position"]) == ("K/T Bí thư", "Phó Bí thư")
    refused = register(sovanban, ready, "--authority", "TM. Ban Chấp hành")
    assert refused.code != 0
    assert "The signing authority must start with one of T/M, K/T, T/L, T/UQ" in refused.err
    assert len(refused.err.strip().splitlines()) == 1
