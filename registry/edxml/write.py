"""Writing edXML packages with lxml, in the element order of the schema (schema/edxml.xsd)."""

from __future__ import annotations

import base64

from lxml import etree

from .dates import format_date, format_time
from .model import NAMESPACE, EdxmlDocument, OrganInfo, StatusPackage

__all__ = ["write_package", "write_status"]

XLINK = "http://www.w3.org/1999/xlink"
_NSMAP = {"edXML": NAMESPACE}  # every element edXML:-prefixed, as the standard's samples


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _q(name))
    if text is not None:
        element.text = text
    return element


def _organ(parent: etree._Element, name: str, organ: OrganInfo) -> None:
    element = _add(parent, name)
    _add(element, "OrganId", organ.organ_id)
    if organ.in_charge:
        _add(element, "OrganizationInCharge", organ.in_charge)
    _add(element, "OrganName", organ.name)
    if organ.email:
        _add(element, "Email", organ.email)


def _envelope() -> tuple[etree._Element, etree._Element, etree._Element]:
    root = etree.Element(_q("edXML"), nsmap=_NSMAP)
    envelope = _add(root, "edXMLEnvelope")
    header = _add(envelope, "edXMLHeader")
    return root, envelope, header


def _serialise(root: etree._Element) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return data


def write_package(document: EdxmlDocument) -> bytes:
    """The package for ``document``: header, manifest, and the attachments in base64."""
    root, envelope, header = _envelope()
    message = _add(header, "MessageHeader")
    _organ(message, "From", document.sender)
    for receiver in document.receivers:
        _organ(message, "To", receiver)
    code = _add(message, "Code")
    _add(code, "CodeNumber", document.code_number)
    _add(code, "CodeNotation", document.code_notation)
    promulgation = _add(message, "PromulgationInfo")
    _add(promulgation, "Place", document.place)
    _add(promulgation, "PromulgationDate", format_date(document.promulgation_date))
    doc_type = _add(message, "DocumentType")
    _add(doc_type, "Type", document.type_code)
    _add(doc_type, "TypeName", document.type_name)
    _add(message, "Subject", document.subject)
    _add(message, "Content", document.content)
    signer = _add(message, "SignerInfo")
    _add(signer, "Competence", document.signer_competence)
    _add(signer, "Position", document.signer_position)
    _add(signer, "FullName", document.signer_name)
    if document.due_date is not None:
        _add(message, "DueDate", format_date(document.due_date))
    places = _add(message, "ToPlaces")
    for place in document.to_places:
        _add(places, "Place", place)
    other = _add(message, "OtherInfo")
    _add(other, "Priority", str(document.priority))
    _add(other, "SphereOfPromulgation", document.sphere)
    _add(other, "TyperNotation", document.typer_notation)
    _add(other, "PromulgationAmount", str(document.promulgation_amount))
    _add(other, "PageAmount", str(document.page_amount))
    _add(message, "SteeringType", str(document.steering_type))
    _add(message, "DocumentId", document.document_id)
    traces = _add(header, "TraceHeaderList")
    trace = _add(traces, "TraceHeader")
    _add(trace, "OrganId", document.sender.organ_id)
    _add(trace, "Timestamp", format_time(document.sent_at))
    business = _add(traces, "Bussiness")
    _add(business, "BussinessDocType", str(int(document.business_type)))
    if document.business_reason:
        _add(business, "BussinessDocReason", document.business_reason)
    _add(business, "Paper", "0")
    if document.replaces:
        replacements = _add(business, "ReplacementInfoList")
        for replaced in document.replaces:
            info = _add(replacements, "ReplacementInfo")
            _add(info, "DocumentId", replaced)
            organs = _add(info, "OrganIdList")
            for receiver in document.receivers:
                _add(organs, "OrganId", receiver.organ_id)
    body = _add(envelope, "edXMLBody")
    manifest = _add(body, "edXMLManifest")
    manifest.set("version", "1.0")
    for attachment in document.attachments:
        reference = _add(manifest, "Reference")
        reference.set(f"{{{XLINK}}}href", f"cid:{attachment.content_id}")
        _add(reference, "ContentId", f"cid:{attachment.content_id}")
        _add(reference, "ContentType", attachment.content_type)
        if attachment.description:
            _add(reference, "Description", attachment.description)
        _add(reference, "AttachmentName", attachment.name)
    if document.attachments:
        encoded = _add(root, "AttachmentEncoded")
        for attachment in document.attachments:
            element = _add(encoded, "Attachment")
            _add(element, "ContentType", attachment.content_type)
            _add(element, "ContentId", attachment.content_id)
            if attachment.description:
                _add(element, "Description", attachment.description)
            _add(
                element,
                "ContentTransferEncoded",
                base64.b64encode(attachment.data).decode("ascii"),
            )
            _add(element, "AttachmentName", attachment.name)
    return _serialise(root)


def write_status(status: StatusPackage) -> bytes:
    """A status (receipt) package: a receiver says what became of a document."""
    root, _envelope_element, header = _envelope()
    message = _add(header, "MessageHeader")
    response = _add(message, "ResponseFor")
    sender_id, day, code = [*status.document_id.split(",", 2), "", ""][:3]
    _add(response, "OrganId", sender_id)
    _add(response, "Code", code)
    _add(response, "PromulgationDate", day)
    _add(response, "DocumentId", status.document_id)
    _organ(message, "From", status.receiver)
    _add(message, "StatusCode", status.status_code)
    _add(message, "Description", status.description)
    _add(message, "Timestamp", format_time(status.timestamp))
    if status.staff:
        staff = _add(message, "StaffInfo")
        _add(staff, "Staff", status.staff)
    traces = _add(header, "TraceHeaderList")
    trace = _add(traces, "TraceHeader")
    _add(trace, "OrganId", status.receiver.organ_id)
    _add(trace, "Timestamp", format_time(status.timestamp))
    _add(_envelope_element, "edXMLBody")
    return _serialise(root)
