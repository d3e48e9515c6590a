"""The issuing flow in the web workspaces: the clerk registers, the signer signs, the clerk
issues; errors keep what was typed and change nothing."""

from __future__ import annotations

import io
import logging
import re

import pytest
from flask import Flask

from registry.instance import Instance
from registry.models import Document, DocumentStatus
from tests.support.web import PASSPHRASE, csrf_token, logged_in, register_by_form


def test_compose_prepare_sign_issue_in_the_browser_workspaces(
    app: Flask, demo_instance: Instance, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    status, location, _ = register_by_form(app)
    assert status == 302 and location.startswith("/ho-so/")
    document_id = int(location.rsplit("/", 1)[1])
    clerk = logged_in(app, "clerk")
    page = clerk.get(location).get_data(as_text=True)
    assert "Thường trực Tỉnh ủy" in page and "Khẩn" in page and 'id="prepare"' in page
    prepared = clerk.post(
        f"/van-thu/{document_id}/chuan-bi", data={"csrf_token": csrf_token(clerk, location)}
    )
    assert prepared.status_code == 302
    signer = logged_in(app, "signer")
    assert "Kết luận giao ban tháng 11" in signer.get("/ky/").get_data(as_text=True)
    wrong = signer.post(
        f"/ky/{document_id}", data={"secret": "sai", "csrf_token": csrf_token(signer, location)}
    )
    assert wrong.status_code == 400
    with demo_instance.sessions() as session:
        found = session.get(Document, document_id)
        assert found is not None and found.status == DocumentStatus.PREPARED
    signed = signer.post(
        f"/ky/{document_id}",
        data={"secret": PASSPHRASE, "csrf_token": csrf_token(signer, location)},
    )
    assert signed.status_code == 302, signed.get_data(as_text=True)
    issued = clerk.post(
        f"/van-thu/{document_id}/ban-hanh",
        data={"secret": PASSPHRASE, "csrf_token": csrf_token(clerk, location)},
    )
    assert issued.status_code == 302, issued.get_data(as_text=True)
    page = clerk.get(location).get_data(as_text=True)
    number = re.search(r"(\d\d-TB/ĐUK)", page)
    assert number is not None and "Đã ban hành" in page
    assert clerk.get(f"{location}/trang-1.png").mimetype == "image/png"
    book = clerk.get("/van-thu/so-van-ban").get_data(as_text=True)
    assert number.group(1) in book and "Kết luận giao ban tháng 11" in book
    csv = clerk.get("/van-thu/so-van-ban", query_string={"dinh_dang": "csv"})
    assert csv.data.startswith("\ufeff".encode()) and number.group(1) in csv.data.decode()
    pdf = clerk.get("/van-thu/so-van-ban", query_string={"dinh_dang": "pdf"})
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    xlsx = clerk.get("/van-thu/so-van-ban", query_string={"dinh_dang": "xlsx"})
    assert xlsx.data.startswith(b"PK")
    public = app.test_client().get(f"/van-ban/{document_id}/issued.pdf")
    visitor = app.test_client()
    verified = visitor.post(
        "/kiem-tra",
        data={
            "file": (io.BytesIO(public.data), "x.pdf"),
            "csrf_token": csrf_token(visitor, "/kiem-tra"),
        },
        content_type="multipart/form-data",
    )
    assert "HỢP LỆ" in verified.get_data(as_text=True)
    # The typed passphrase and passwords are in no log line.
    assert PASSPHRASE not in caplog.text and "mat-khau-vanthu" not in caplog.text


def test_a_refused_registration_keeps_what_was_typed(app: Flask, demo_instance: Instance) -> None:
    with demo_instance.sessions() as session:
        before = session.query(Document).count()
    status, _, page = register_by_form(app, body="", subject="Trích yếu đã gõ")
    assert status == 400 and "Chọn tệp PDF" in page
    assert "Trích yếu đã gõ" in page and "Thường trực Tỉnh ủy" in page
    status, _, page = register_by_form(app, file=(io.BytesIO(b"not a pdf"), "du-thao.pdf"))
    assert status == 400 and "không phải tệp PDF" in page
    status, _, page = register_by_form(app, type="XX")
    assert status == 400 and "loại văn bản &#39;XX&#39; không có" in page
    with demo_instance.sessions() as session:
        assert session.query(Document).count() == before


def test_withdrawing_needs_a_reason_and_keeps_the_number(
    app: Flask, demo_instance: Instance
) -> None:
    _, location, _ = register_by_form(app, subject="Văn bản sẽ thu hồi")
    document_id = int(location.rsplit("/", 1)[1])
    clerk = logged_in(app, "clerk")
    token = csrf_token(clerk, location)
    refused = clerk.post(
        f"/van-thu/{document_id}/thu-hoi", data={"reason": " ", "csrf_token": token}
    )
    assert refused.status_code == 400 and "cần có lý do" in refused.get_data(as_text=True)
    done = clerk.post(
        f"/van-thu/{document_id}/thu-hoi", data={"reason": "Soạn nhầm", "csrf_token": token}
    )
    assert done.status_code == 302
    assert "Soạn nhầm" in clerk.get(location).get_data(as_text=True)


def test_a_composed_secret_notice_prints_its_marks_and_the_chosen_authority(
    app: Flask, demo_instance: Instance
) -> None:
    status, location, _ = register_by_form(
        app, secrecy="toi_mat", urgency="hoa_toc", authority="K/T Bí thư", position="Phó Bí thư"
    )
    assert status == 302
    document_id = int(location.rsplit("/", 1)[1])
    with demo_instance.sessions() as session:
        found = session.get(Document, document_id)
        assert found is not None
        assert (found.signer_authority, found.signer_position) == ("K/T Bí thư", "Phó Bí thư")
        header = found.body_text.split("THÔNG BÁO")[0]
        assert "TỐI MẬT" in header and "HỎA TỐC" in header
        assert "K/T BÍ THƯ" in found.body_text
    page = logged_in(app, "clerk").get(location).get_data(as_text=True)
    assert 'id="warning"' not in page


def test_an_unmarked_draft_registered_secret_is_flagged_a_marked_one_registered_plain_refused(
    app: Flask, demo_instance: Instance, seed_pdf: bytes
) -> None:
    upload = {"file": (io.BytesIO(seed_pdf), "du-thao.pdf"), "body": ""}
    status, location, _ = register_by_form(app, secrecy="mat", **upload)
    assert status == 302
    page = logged_in(app, "clerk").get(location).get_data(as_text=True)
    assert 'id="warning"' in page and "không in dấu MẬT" in page
    status, location, _ = register_by_form(app, secrecy="tuyet_mat")  # composed: it prints its mark
    document_id = int(location.rsplit("/", 1)[1])
    with demo_instance.sessions() as session:
        found = session.get(Document, document_id)
        assert found is not None
        marked_pdf = demo_instance.blobs.get(found.files[0].sha256)
    refused, _, body = register_by_form(
        app, secrecy="none", file=(io.BytesIO(marked_pdf), "mat.pdf"), body=""
    )
    assert refused == 400 and "in dấu TUYỆT MẬT nhưng đăng ký là" in body


def test_the_signer_returns_the_clerk_revises_both_read_the_history(
    app: Flask, demo_instance: Instance
) -> None:
    status, location, _ = register_by_form(app)
    assert status == 302
    document_id = int(location.rsplit("/", 1)[1])
    clerk = logged_in(app, "clerk")
    clerk.post(f"/van-thu/{document_id}/chuan-bi", data={"csrf_token": csrf_token(clerk, location)})
    signer = logged_in(app, "signer")
    page = signer.get(location).get_data(as_text=True)
    assert 'id="return"' in page and 'id="sign"' in page
    returned = signer.post(
        f"/ky/{document_id}/tra-lai",
        data={"comment": "Bổ sung kết luận.", "csrf_token": csrf_token(signer, location)},
    )
    assert returned.status_code == 302
    page = clerk.get(location).get_data(as_text=True)
    assert "Bị trả lại" in page and "Bổ sung kết luận." in page and 'id="revise-link"' in page
    assert "trả lại dự thảo" in page  # the history, in words
    form_page = f"/van-thu/{document_id}/sua"
    bad = clerk.post(
        form_page,
        data={
            "subject": "Kết luận đã bổ sung",
            "authority": "KT. Bí thư",
            "note": "Đã bổ sung.",
            "csrf_token": csrf_token(clerk, form_page),
        },
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Thẩm quyền ký phải bắt đầu bằng" in text
    assert "Kết luận đã bổ sung" in text and "Đã bổ sung." in text  # what was typed stays
    revised = clerk.post(
        form_page,
        data={
            "subject": "Kết luận đã bổ sung",
            "note": "Đã bổ sung.",
            "csrf_token": csrf_token(clerk, form_page),
        },
    )
    assert revised.status_code == 302
    page = signer.get(location).get_data(as_text=True)
    assert "Kết luận đã bổ sung" in page and "thay dự thảo (trích yếu)" in page
    assert "Đã bổ sung." in page and 'id="sign"' not in page  # a draft again, to be prepared
    said = signer.post(
        f"/ho-so/{document_id}/y-kien",
        data={"comment": "Đồng ý.", "csrf_token": csrf_token(signer, location)},
    )
    assert said.status_code == 302 and "Đồng ý." in clerk.get(location).get_data(as_text=True)
    with demo_instance.sessions() as session:
        found = session.get(Document, document_id)
        assert found is not None and found.status == DocumentStatus.DRAFT


def test_a_large_periods_book_is_exported_by_a_job(
    app: Flask, demo_instance: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the threshold the export is a job: the clerk follows it on a page of its own,
    then downloads the same file a small period gives at once; nobody else sees it."""
    from registry.services.archive import register_book
    from registry.services.jobs.queue import wait_for

    clerk = logged_in(app, "clerk")
    at_once = clerk.get("/van-thu/so-van-ban", query_string={"dinh_dang": "csv"})
    assert at_once.status_code == 200
    monkeypatch.setattr(register_book, "QUEUED_FROM_ROWS", 0)
    asked = clerk.get("/van-thu/so-van-ban", query_string={"dinh_dang": "csv"})
    assert asked.status_code == 303
    page_url = asked.headers["Location"]
    run_id = int(page_url.rsplit("/", 1)[1])
    assert wait_for(demo_instance, run_id, 30).state.value == "done"
    page = clerk.get(page_url).get_data(as_text=True)
    assert 'id="book-file"' in page and "Đã xử lý xong" in page
    download = clerk.get(f"{page_url}/tai")
    assert download.status_code == 200 and download.data == at_once.data
    assert "attachment" in download.headers["Content-Disposition"]
    auditor = logged_in(app, "auditor")  # allowed on the book, but this export is not theirs
    assert auditor.get(page_url).status_code == 404
    assert auditor.get(f"{page_url}/tai").status_code == 404
