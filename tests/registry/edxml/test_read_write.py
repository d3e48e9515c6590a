"""edXML packages: what we write follows our XSD and reads back equal; hostile or broken
packages are refused safely, each with a clear reason."""

from __future__ import annotations

import base64
import io
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from lxml import etree

from registry.edxml import (
    Attachment,
    BusinessType,
    EdxmlDocument,
    EdxmlError,
    OrganInfo,
    StatusPackage,
    read_package,
    read_status,
    write_package,
    write_status,
)
from registry.edxml.read import schema

SENDER = OrganInfo(
    "000.00.00.Z01",
    "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh Hà Tĩnh",
    "Tỉnh ủy Hà Tĩnh",
    "dukhoicaccoquantinh@hatinh.dcs.vn",
)
DOCUMENT = EdxmlDocument(
    sender=SENDER,
    receivers=(OrganInfo("000.00.00.Z02", "Thường trực Tỉnh ủy"),),
    code_number="25",
    code_notation="TB/ĐUK",
    place="Hà Tĩnh",
    promulgation_date=date(2023, 4, 20),
    type_code="TB",
    type_name="Thông báo",
    subject="Kết luận Hội nghị Ban Chấp hành Đảng bộ Khối lần thứ VII",
    content="Kết luận Hội nghị Ban Chấp hành Đảng bộ Khối lần thứ VII",
    signer_competence="T/M BAN CHẤP HÀNH",
    signer_position="Phó Bí thư Thường trực",
    signer_name="Nguyễn Trọng Vân",
    due_date=None,
    to_places=("Thường trực Tỉnh ủy", "Lưu Văn phòng Đảng ủy Khối"),
    priority=1,
    sphere="",
    typer_notation="",
    promulgation_amount=7,
    page_amount=6,
    steering_type=1,
    document_id="000.00.00.Z01,2023/04/20,25/TB/ĐUK",
    sent_at=datetime(2023, 4, 20, 7, 34, 9, tzinfo=UTC),
    attachments=(Attachment("a1b2", "25-TB-DUK.signed.pdf", "application/pdf", b"%PDF-1.7 x"),),
)


def test_a_package_follows_the_schema_and_reads_back_equal() -> None:
    package = write_package(DOCUMENT)
    assert schema().validate(etree.fromstring(package))
    assert b"<edXML:PromulgationDate>2023/04/20<" in package
    assert b"<edXML:Timestamp>2023/04/20 14:34:09<" in package  # Vietnam time, no zone
    back = read_package(package)
    assert back == replace(DOCUMENT, sent_at=back.sent_at)
    assert back.sent_at == DOCUMENT.sent_at


def test_a_recall_and_a_replacement_carry_their_business_fields() -> None:
    recall = read_package(
        write_package(
            replace(DOCUMENT, business_type=BusinessType.RECALL, business_reason="Sai sót")
        )
    )
    assert (recall.business_type, recall.business_reason) == (BusinessType.RECALL, "Sai sót")
    assert b"<edXML:BussinessDocType>1<" in write_package(recall)
    replacement = read_package(
        write_package(
            replace(
                DOCUMENT,
                business_type=BusinessType.REPLACE,
                replaces=("000.00.00.Z01,2023/04/19,24/TB/ĐUK",),
            )
        )
    )
    assert replacement.replaces == ("000.00.00.Z01,2023/04/19,24/TB/ĐUK",)
    assert replacement.business_type is BusinessType.REPLACE


def test_an_unknown_business_type_is_refused() -> None:
    package = write_package(replace(DOCUMENT, business_type=BusinessType.UPDATE))
    forged = package.replace(b"<edXML:BussinessDocType>2<", b"<edXML:BussinessDocType>7<")
    assert forged != package
    with pytest.raises(EdxmlError, match=r"does not follow QCVN 102.*BussinessDocType"):
        read_package(forged)


def test_a_status_package_reads_back() -> None:
    status = StatusPackage(
        DOCUMENT.document_id,
        OrganInfo("000.00.00.Z02", "Thường trực Tỉnh ủy"),
        "03",
        "Đã tiếp nhận",
        datetime(2023, 4, 21, 1, 0, tzinfo=UTC),
        "Văn thư",
    )
    package = write_status(status)
    assert schema().validate(etree.fromstring(package))
    assert read_status(package) == status
    with pytest.raises(EdxmlError, match="status package, not a document"):
        read_package(package)
    with pytest.raises(EdxmlError, match="document package, not a status"):
        read_status(write_package(DOCUMENT))


def test_a_zipped_attachment_is_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("25-TB-DUK.signed.pdf", b"%PDF-1.7 zipped")
    zipped = replace(
        DOCUMENT, attachments=(Attachment("z9", "25.zip", "application/zip", buffer.getvalue()),)
    )
    attachment = read_package(write_package(zipped)).attachments[0]
    assert attachment.data == b"%PDF-1.7 zipped" and attachment.content_type == "application/pdf"


NS = 'xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"'
HOSTILE = {
    "external entity": (
        f'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<edXML {NS}>&x;</edXML>",
        "DOCTYPE",
    ),
    "entity expansion": (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        f'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><edXML {NS}>&d;&d;&d;&d;</edXML>',
        "DOCTYPE",
    ),
    "wrong namespace": (
        '<edXML xmlns="http://example.com/other"><edXMLEnvelope/></edXML>',
        "not an edXML package",
    ),
    "not XML": ("%PDF-1.7 this is a pdf", "not well-formed"),
    "missing elements": (
        f"<edXML {NS}><edXMLEnvelope><edXMLHeader><MessageHeader/>"
        "</edXMLHeader></edXMLEnvelope></edXML>",
        "does not follow QCVN 102",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_and_broken_packages_are_refused(case: str) -> None:
    text, reason = HOSTILE[case]
    with pytest.raises(EdxmlError, match=reason):
        read_package(text.encode())


def test_bad_or_huge_attachments_are_refused() -> None:
    package = write_package(DOCUMENT)
    with pytest.raises(EdxmlError, match="at most"):
        read_package(package, max_bytes=len(package) - 1)
    encoded = base64.b64encode(b"%PDF-1.7 x").decode()
    broken = package.replace(encoded.encode(), b"!!notbase64!!")
    with pytest.raises(EdxmlError, match=r"does not follow QCVN 102|not valid base64"):
        read_package(broken)
    missing = package.replace(b"<edXML:ContentId>a1b2<", b"<edXML:ContentId>zzzz<")
    with pytest.raises(EdxmlError, match="cid:a1b2"):
        read_package(missing)
    impossible = package.replace(b"2023/04/20<", b"2023/02/31<")
    with pytest.raises(EdxmlError, match="impossible"):
        read_package(impossible)
