"""The VGCA plugin's contract: a test client that behaves as the plugin does downloads the
prepared file, signs it with the signer's own key, and uploads it; the answer is JSON with
Status and Message, and each address works once."""

from __future__ import annotations

import io
import json
import re

from flask import Flask
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from registry.instance import Instance
from registry.models import Document, DocumentStatus
from registry.services.drafting.compose import compose_file, seed_notice_path
from registry.services.drafting.documents import DraftRequest, register_draft
from registry.services.issuing.steps import prepare_document
from registry.services.setup.reference_data import current_issuer
from tests.support.web import PASSPHRASE, csrf_token, logged_in


def _prepared(demo_instance: Instance) -> int:
    pdf = compose_file(demo_instance.config, demo_instance.folder, seed_notice_path())[1]
    with demo_instance.sessions.begin() as session:
        issuer = current_issuer(session, demo_instance.config)
        request = DraftRequest(
            pdf=pdf, type_code="TB", subject="Ký bằng USB token", signer_login="nguyentrongvan"
        )
        document = register_draft(session, demo_instance.blobs, issuer, request, actor="t")
        prepare_document(session, demo_instance.blobs, document, actor="t")
        return document.id


def _sign(demo_instance: Instance, data: bytes) -> bytes:
    signer = signers.SimpleSigner.load_pkcs12(
        str(demo_instance.folder / "pki" / "signer.p12"), passphrase=PASSPHRASE.encode()
    )
    assert signer is not None
    meta = signers.PdfSignatureMetadata(
        field_name="chu_ky_lanh_dao", subfilter=fields.SigSeedSubFilter.PADES
    )
    return signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer
    ).getvalue()


def test_the_plugin_downloads_signs_and_uploads(app: Flask, demo_instance: Instance) -> None:
    document_id = _prepared(demo_instance)
    signer = logged_in(app, "signer")
    record = f"/ho-so/{document_id}"
    assert 'id="usb-sign"' in signer.get(record).get_data(as_text=True)
    page = signer.post(
        f"{record}/ban-giao", data={"kind": "sign", "csrf_token": csrf_token(signer, record)}
    )
    assert page.status_code == 200
    found = re.search(r'<pre id="plugin-parameters">(.*?)</pre>', page.get_data(as_text=True), re.S)
    assert found is not None
    parameters = json.loads(found.group(1).replace("&#34;", '"').replace("&quot;", '"'))
    assert set(parameters) == {"FileName", "FileUploadHandler", "SessionId"}
    # The page calls the plugin through our script (the only page that runs one).
    assert '<script type="application/json" id="vgca-params">' in page.get_data(as_text=True)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    # The demo serves no plugin: the page says so and what to do instead.
    assert 'id="plugin-not-configured"' in page.get_data(as_text=True)
    script = signer.get("/ban-giao/goi-plugin.js")
    assert script.mimetype == "text/javascript" and b"vgca-params" in script.data

    plugin = app.test_client()  # no cookie: the plugin has only the addresses
    downloaded = plugin.get(parameters["FileName"])
    assert downloaded.status_code == 200 and downloaded.mimetype == "application/pdf"
    assert plugin.get(parameters["FileName"]).status_code == 410  # once
    signed = _sign(demo_instance, downloaded.data)
    answer = plugin.post(
        parameters["FileUploadHandler"],
        data={"uploadfile": (io.BytesIO(signed), "signed.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200 and answer.get_json()["Status"] == 0
    assert (
        "Đã nhận" in answer.get_json()["Message"]
        and "“Đã ký, chờ ban hành”" in answer.get_json()["Message"]
    )
    reused = plugin.post(
        parameters["FileUploadHandler"],
        data={"uploadfile": (io.BytesIO(signed), "signed.pdf")},
        content_type="multipart/form-data",
    )
    assert reused.get_json()["Status"] == 1 and "đã được dùng" in reused.get_json()["Message"]
    with demo_instance.sessions() as session:
        document = session.get(Document, document_id)
        assert document is not None and document.status == DocumentStatus.SIGNED


def test_a_wrong_file_is_refused_in_the_plugins_form(app: Flask, demo_instance: Instance) -> None:
    document_id = _prepared(demo_instance)
    signer = logged_in(app, "signer")
    record = f"/ho-so/{document_id}"
    page = signer.post(
        f"{record}/ban-giao", data={"kind": "sign", "csrf_token": csrf_token(signer, record)}
    )
    upload = re.search(r'action="(http://[^"]+/tai-len)"', page.get_data(as_text=True))
    assert upload is not None
    answer = app.test_client().post(
        upload.group(1),
        data={"uploadfile": (io.BytesIO(b"%PDF-1.7 not signed"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 409 and answer.get_json()["Status"] == 1
    assert "không dựa trên bản đã giao ra" in answer.get_json()["Message"]
    nothing = app.test_client().post(upload.group(1), data={}, content_type="multipart/form-data")
    assert nothing.get_json()["Status"] == 1
    with demo_instance.sessions() as session:
        document = session.get(Document, document_id)
        assert document is not None and document.status == DocumentStatus.PREPARED


def test_another_persons_document_cannot_be_handed_out(app: Flask, demo_instance: Instance) -> None:
    document_id = _prepared(demo_instance)
    clerk = logged_in(app, "clerk")
    record = f"/ho-so/{document_id}"
    refused = clerk.post(
        f"{record}/ban-giao", data={"kind": "sign", "csrf_token": csrf_token(clerk, record)}
    )
    assert refused.status_code == 403
