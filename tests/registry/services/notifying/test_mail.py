"""Notifications on both engines, sent to a real SMTP server (STARTTLS, a login) and read
back from it; a server that is down delays nothing and is tried again, then given up."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from registry.config import Config, load_config
from registry.models import Document, Handoff, MailState, Notification, Secrecy, User
from registry.services.drafting.draft_life import return_document
from registry.services.issuing.steps import prepare_document, sign_document
from registry.services.notifying.mail import BACKOFF, deliver_mail
from registry.services.notifying.notifications import failed_mail, mark_read, unread
from registry.services.people.users import add_user
from tests.support.database import ServiceSetup
from tests.support.issuing import make_tools, signer
from tests.support.pki import RunningPki, free_port
from tests.support.smtp import MailServer, mail_server


def _config(server: MailServer | None, tmp_path: Path, port: int = 0) -> Config:
    config = load_config(None)
    mail = dataclasses.replace(
        config.mail,
        host="127.0.0.1",
        port=server.port if server else port,
        starttls=True,
        username=server.user if server else "x",
        password_env="TEST_MAIL_PASSWORD",
        sender="Văn phòng Đảng ủy Khối <vanthu@hatinh.dcs.vn>",
        ca_file=str(server.ca_file) if server else "",
        timeout_seconds=5,
    )
    return dataclasses.replace(config, mail=mail)


@pytest.fixture
def people(setup: ServiceSetup) -> ServiceSetup:
    database, _, _ = setup
    with database.sessions.begin() as session:
        van = session.scalars(select(User).where(User.login == "nguyentrongvan")).one()
        van.email = "nguyentrongvan@hatinh.dcs.vn"
        add_user(
            session,
            login="vanthu",
            full_name="Lê Thị Mai",
            roles={"clerk"},
            email="lethimai@hatinh.dcs.vn",
            actor="t",
        )
        add_user(session, login="vanthu2", full_name="Trần Văn Bình", roles={"clerk"}, actor="t")
    return setup


def test_each_step_tells_who_is_next_by_mail(
    people: ServiceSetup,
    running_pki: RunningPki,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database, blobs, document_id = people
    with mail_server(tmp_path / "smtp") as server:
        monkeypatch.setenv("TEST_MAIL_PASSWORD", server.password)
        config = _config(server, tmp_path)
        with database.sessions.begin() as session:
            document = session.get(Document, document_id)
            assert document is not None
            prepare_document(session, blobs, document, actor="vanthu")
        run = deliver_mail(database.sessions, config, tmp_path)
        assert (run.sent, run.retried, run.failed) == (1, 0, 0)
        (to_sign,) = server.to("nguyentrongvan@hatinh.dcs.vn")
        assert str(to_sign["Subject"]) == (
            "[Sổ văn bản] Dự thảo chờ đồng chí ký: #1 Thông báo kết luận"
        )
        assert "Kính gửi đồng chí Nguyễn Trọng Vân" in to_sign.get_content()
        with database.sessions.begin() as session:
            document = session.get(Document, document_id)
            van = session.scalars(select(User).where(User.login == "nguyentrongvan")).one()
            assert document is not None
            return_document(session, document, comment="Sửa đoạn 2.", by=van, actor="van")
        deliver_mail(database.sessions, config, tmp_path)
        (returned,) = server.to("lethimai@hatinh.dcs.vn")
        assert "Dự thảo bị trả lại" in str(returned["Subject"])
        assert "Ghi chú: Sửa đoạn 2." in returned.get_content()
        with database.sessions() as session:
            clerks = session.scalars(select(User).where(User.login.in_(["vanthu", "vanthu2"])))
            for clerk in clerks:  # both told in the service; only one has an address
                assert [n.kind for n in unread(session, clerk)] == ["returned"]
            states = session.scalars(select(Notification.mail_state)).all()
            assert sorted(states) == ["none", "sent", "sent"]
    assert len(server.received) == 2


def test_a_signed_document_is_for_the_clerks_to_issue_and_a_secret_is_not_named(
    people: ServiceSetup, running_pki: RunningPki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, blobs, document_id = people
    with database.sessions.begin() as session:
        document = session.get(Document, document_id)
        assert document is not None
        document.secrecy = Secrecy.SECRET
        prepare_document(session, blobs, document, actor="vanthu")
        sign_document(
            session, blobs, document, signer(running_pki), make_tools(running_pki), actor="van"
        )
    with mail_server(tmp_path / "smtp") as server:
        monkeypatch.setenv("TEST_MAIL_PASSWORD", server.password)
        deliver_mail(database.sessions, _config(server, tmp_path), tmp_path)
    (to_issue,) = server.to("lethimai@hatinh.dcs.vn")
    assert str(to_issue["Subject"]) == (
        "[Sổ văn bản] Văn bản đã ký, chờ ban hành: #1 (văn bản mật / secret document)"
    )
    assert "Thông báo kết luận" not in to_issue.as_string()


def test_a_server_that_is_down_is_tried_again_then_given_up(
    people: ServiceSetup, tmp_path: Path
) -> None:
    database, blobs, document_id = people
    with database.sessions.begin() as session:
        document = session.get(Document, document_id)
        assert document is not None
        prepare_document(session, blobs, document, actor="vanthu")  # the action is not held up
    config = _config(None, tmp_path, port=free_port())  # nothing listens there
    now = datetime.now(UTC)
    for attempt, wait in enumerate([*BACKOFF, None], start=1):
        run = deliver_mail(database.sessions, config, tmp_path, now=now)
        assert (run.retried, run.failed) == ((1, 0) if wait else (0, 1)), attempt
        assert deliver_mail(database.sessions, config, tmp_path, now=now).retried == 0  # not due
        now += wait or timedelta(0)
    with database.sessions() as session:
        (given_up,) = failed_mail(session)
        assert given_up.attempts == len(BACKOFF) + 1 and given_up.mail_state == MailState.FAILED
        assert "ConnectionRefusedError" in given_up.last_error
        van = session.scalars(select(User).where(User.login == "nguyentrongvan")).one()
        assert [n.kind for n in unread(session, van)] == ["to_sign"]  # still listed for him


def test_without_a_mail_server_nothing_waits_and_reading_clears_the_list(
    people: ServiceSetup, tmp_path: Path
) -> None:
    database, blobs, document_id = people
    with database.sessions.begin() as session:
        document = session.get(Document, document_id)
        assert document is not None
        prepare_document(session, blobs, document, actor="vanthu")
    deliver_mail(database.sessions, load_config(None), tmp_path)  # [mail] host = ""
    with database.sessions.begin() as session:
        (row,) = session.scalars(select(Notification)).all()
        assert row.mail_state == MailState.NONE and row.attempts == 0
        van = session.scalars(select(User).where(User.login == "nguyentrongvan")).one()
        clerk = session.scalars(select(User).where(User.login == "vanthu")).one()
        assert mark_read(session, clerk, [row.id]) == 0  # another's is left alone
        assert mark_read(session, van, [row.id]) == 1
        assert unread(session, van) == []


def test_an_expired_handoff_is_told_to_who_opened_it_once(
    people: ServiceSetup, tmp_path: Path
) -> None:
    database, _, document_id = people
    now = datetime.now(UTC)
    with database.sessions.begin() as session:
        session.add(
            Handoff(
                document_id=document_id,
                kind="sign",
                token_sha256="0" * 64,
                base_sha256="1" * 64,
                created_by="nguyentrongvan",
                created_at=now - timedelta(hours=2),
                expires_at=now - timedelta(hours=1),
            )
        )
    assert deliver_mail(database.sessions, load_config(None), tmp_path).expired_handoffs == 1
    assert deliver_mail(database.sessions, load_config(None), tmp_path).expired_handoffs == 0
    with database.sessions() as session:
        van = session.scalars(select(User).where(User.login == "nguyentrongvan")).one()
        assert [n.kind for n in unread(session, van)] == ["handoff_expired"]
        handoff = session.scalars(select(Handoff)).one()
        assert handoff.outcome == "expired" and handoff.finished_at is not None
