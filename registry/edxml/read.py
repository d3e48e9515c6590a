"""Reading edXML packages safely: no DTD, no entities, no network, bounded sizes, and the
schema checked before anything is read out of them."""

from __future__ import annotations

import base64
import binascii
import io
import zipfile
from functools import cache
from importlib import resources

from lxml import etree

from basics.said import said

from .dates import parse_date, parse_time
from .model import (
    NAMESPACE,
    Attachment,
    BusinessType,
    EdxmlDocument,
    EdxmlError,
    OrganInfo,
    StatusPackage,
)

__all__ = [
    "MAX_PACKAGE_BYTES",
    "MAX_STATUS_BYTES",
    "read_incoming",
    "read_package",
    "read_status",
    "schema",
]

MAX_PACKAGE_BYTES = 64 * 1024 * 1024
MAX_STATUS_BYTES = 1024 * 1024  # a status is a header: no attachment
_NS = {"e": NAMESPACE}


@cache
def schema() -> etree.XMLSchema:
    source = resources.files("registry.edxml").joinpath("schema/edxml.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(source))


def _parse(data: bytes, max_bytes: int) -> etree._Element:
    if len(data) > max_bytes:
        raise EdxmlError(
            said(
                "the package is {count:,} bytes; at most {max_bytes:,} are accepted",
                count=len(data),
                max_bytes=max_bytes,
            )
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,  # a signed PDF in base64 is one long text node; the size is capped above
        remove_comments=True,
        remove_pis=True,
    )
    try:
        tree = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError as exc:
        raise EdxmlError(said("not well-formed XML: {exc}", exc=exc)) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise EdxmlError(said("a package with a DOCTYPE (DTD, entities) is refused"))
    root = tree.getroot()
    if etree.QName(root).namespace != NAMESPACE or etree.QName(root).localname != "edXML":
        raise EdxmlError(
            said(
                "not an edXML package: the root is {tag}, not edXML in {NAMESPACE}",
                tag=root.tag,
                NAMESPACE=NAMESPACE,
            )
        )
    validator = schema()
    if not validator.validate(tree):
        first = validator.error_log[0]
        raise EdxmlError(
            said(
                "the package does not follow QCVN 102 (line {line}): {message}",
                line=first.line,
                message=first.message,
            )
        )
    return root


def _business_type(business: etree._Element | None) -> BusinessType:
    # the schema allows only the four codes, so the conversion cannot fail here
    if business is None:
        return BusinessType.NEW
    return BusinessType(int(_text(business, "e:BussinessDocType", "0")))


def _text(element: etree._Element, path: str, default: str = "") -> str:
    found = element.find(path, _NS)
    return (found.text or "").strip() if found is not None else default


def _organ(element: etree._Element | None) -> OrganInfo:
    assert element is not None  # the schema requires it
    return OrganInfo(
        organ_id=_text(element, "e:OrganId"),
        name=_text(element, "e:OrganName"),
        in_charge=_text(element, "e:OrganizationInCharge"),
        email=_text(element, "e:Email"),
    )


def _attachment_data(text: str, content_type: str, limit: int) -> bytes:
    if len(text) * 3 // 4 > limit:
        raise EdxmlError(said("an attachment is larger than {limit:,} bytes", limit=limit))
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EdxmlError(said("an attachment is not valid base64: {exc}", exc=exc)) from None
    if content_type != "application/zip":
        return data
    # Some systems zip each file before encoding it: one member, bounded when unpacked.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) != 1 or members[0].file_size > limit:
                raise EdxmlError(
                    said("a zipped attachment must hold one file within the size limit")
                )
            return archive.read(members[0])
    except zipfile.BadZipFile as exc:
        raise EdxmlError(said("a zipped attachment cannot be opened: {exc}", exc=exc)) from None


def read_incoming(data: bytes) -> EdxmlDocument | StatusPackage:
    """Whatever arrived: a document package (up to ``MAX_PACKAGE_BYTES``) or a receiver's
    status package (up to ``MAX_STATUS_BYTES``), told apart after one parse."""
    root = _parse(data, MAX_PACKAGE_BYTES)
    if _is_status(root):
        if len(data) > MAX_STATUS_BYTES:
            limit = f"at most {MAX_STATUS_BYTES:,} are accepted"
            raise EdxmlError(
                said("a status package of {count:,} bytes; {limit}", count=len(data), limit=limit)
            )
        return _status_from(root)
    return _document_from(root, MAX_PACKAGE_BYTES)


def _is_status(root: etree._Element) -> bool:
    return root.find("e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader/e:ResponseFor", _NS) is not None


def read_package(data: bytes, *, max_bytes: int = MAX_PACKAGE_BYTES) -> EdxmlDocument:
    """The document in an edXML package; :class:`EdxmlError` with the reason otherwise."""
    return _document_from(_parse(data, max_bytes), max_bytes)


def _document_from(root: etree._Element, max_bytes: int) -> EdxmlDocument:
    header = root.find("e:edXMLEnvelope/e:edXMLHeader", _NS)
    assert header is not None
    message = header.find("e:MessageHeader", _NS)
    assert message is not None
    if message.find("e:ResponseFor", _NS) is not None:
        raise EdxmlError(said("this is a status package, not a document"))
    encoded: dict[str, tuple[str, str, str]] = {}
    for element in root.iterfind("e:AttachmentEncoded/e:Attachment", _NS):
        content_id = _text(element, "e:ContentId").removeprefix("cid:")
        encoded[content_id] = (
            _text(element, "e:ContentType"),
            element.findtext("e:ContentTransferEncoded", "", _NS),
            _text(element, "e:Description"),
        )
    attachments = []
    for reference in root.iterfind("e:edXMLEnvelope/e:edXMLBody/e:edXMLManifest/e:Reference", _NS):
        content_id = _text(reference, "e:ContentId").removeprefix("cid:")
        if content_id not in encoded:
            raise EdxmlError(
                said(
                    "the manifest names cid:{content_id}, which the package lacks",
                    content_id=content_id,
                )
            )
        content_type, text, description = encoded[content_id]
        attachments.append(
            Attachment(
                content_id=content_id,
                name=_text(reference, "e:AttachmentName"),
                content_type="application/pdf"
                if content_type == "application/zip"
                else content_type,
                data=_attachment_data(text, content_type, max_bytes),
                description=description,
            )
        )
    business = header.find("e:TraceHeaderList/e:Bussiness", _NS)
    due = _text(message, "e:DueDate")
    try:
        return EdxmlDocument(
            sender=_organ(message.find("e:From", _NS)),
            receivers=tuple(_organ(to) for to in message.iterfind("e:To", _NS)),
            code_number=_text(message, "e:Code/e:CodeNumber"),
            code_notation=_text(message, "e:Code/e:CodeNotation"),
            place=_text(message, "e:PromulgationInfo/e:Place"),
            promulgation_date=parse_date(_text(message, "e:PromulgationInfo/e:PromulgationDate")),
            type_code=_text(message, "e:DocumentType/e:Type"),
            type_name=_text(message, "e:DocumentType/e:TypeName"),
            subject=_text(message, "e:Subject"),
            content=_text(message, "e:Content"),
            signer_competence=_text(message, "e:SignerInfo/e:Competence"),
            signer_position=_text(message, "e:SignerInfo/e:Position"),
            signer_name=_text(message, "e:SignerInfo/e:FullName"),
            due_date=parse_date(due) if due else None,
            to_places=tuple(
                (p.text or "").strip() for p in message.iterfind("e:ToPlaces/e:Place", _NS)
            ),
            priority=int(_text(message, "e:OtherInfo/e:Priority")),
            sphere=_text(message, "e:OtherInfo/e:SphereOfPromulgation"),
            typer_notation=_text(message, "e:OtherInfo/e:TyperNotation"),
            promulgation_amount=int(_text(message, "e:OtherInfo/e:PromulgationAmount")),
            page_amount=int(_text(message, "e:OtherInfo/e:PageAmount")),
            steering_type=int(_text(message, "e:SteeringType")),
            document_id=_text(message, "e:DocumentId"),
            sent_at=parse_time(_text(header, "e:TraceHeaderList/e:TraceHeader/e:Timestamp")),
            business_type=_business_type(business),
            business_reason=_text(business, "e:BussinessDocReason") if business is not None else "",
            replaces=tuple(
                (r.text or "").strip()
                for r in header.iterfind(
                    "e:TraceHeaderList/e:Bussiness/e:ReplacementInfoList/e:ReplacementInfo/e:DocumentId",
                    _NS,
                )
            ),
            attachments=tuple(attachments),
        )
    except ValueError as exc:  # a date the pattern let through but the calendar does not
        raise EdxmlError(said("the package holds an impossible value: {exc}", exc=exc)) from None


def read_status(data: bytes, *, max_bytes: int = MAX_STATUS_BYTES) -> StatusPackage:
    """A status package; :class:`EdxmlError` for anything else."""
    return _status_from(_parse(data, max_bytes))


def _status_from(root: etree._Element) -> StatusPackage:
    message = root.find("e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader", _NS)
    assert message is not None
    if message.find("e:ResponseFor", _NS) is None:
        raise EdxmlError(said("this is a document package, not a status"))
    try:
        timestamp = parse_time(_text(message, "e:Timestamp"))
    except ValueError as exc:
        raise EdxmlError(said("the status holds an impossible time: {exc}", exc=exc)) from None
    return StatusPackage(
        document_id=_text(message, "e:ResponseFor/e:DocumentId"),
        receiver=_organ(message.find("e:From", _NS)),
        status_code=_text(message, "e:StatusCode"),
        description=_text(message, "e:Description"),
        timestamp=timestamp,
        staff=_text(message, "e:StaffInfo/e:Staff"),
    )
