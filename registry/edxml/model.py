"""The content of an edXML package as values, independent of XML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum

from ..errors import RegistryError

__all__ = [
    "NAMESPACE",
    "STATUS_CODES",
    "Attachment",
    "BusinessType",
    "EdxmlDocument",
    "EdxmlError",
    "OrganInfo",
    "StatusPackage",
]

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


class BusinessType(IntEnum):
    """BussinessDocType: what a package does to the document it carries."""

    NEW = 0
    RECALL = 1  # thu hồi
    UPDATE = 2  # cập nhật
    REPLACE = 3  # thay thế


STATUS_CODES = {
    "01": "arrived",
    "02": "rejected",
    "03": "accepted",
    "04": "awaiting_assignment",
    "05": "in_progress",
    "06": "done",
    "13": "recalled",
    "15": "recall_accepted",
    "16": "recall_refused",
}


class EdxmlError(RegistryError):
    """A package that cannot be used: not edXML, not valid, hostile, or about nothing we know."""


@dataclass(frozen=True)
class OrganInfo:
    organ_id: str
    name: str
    in_charge: str = ""  # OrganizationInCharge: the superior body
    email: str = ""


@dataclass(frozen=True)
class Attachment:
    content_id: str
    name: str
    content_type: str
    data: bytes
    description: str = ""


@dataclass(frozen=True)
class EdxmlDocument:
    """One outgoing document (or its recall or replacement) and its attachments."""

    sender: OrganInfo
    receivers: tuple[OrganInfo, ...]
    code_number: str
    code_notation: str
    place: str
    promulgation_date: date
    type_code: str
    type_name: str
    subject: str
    content: str
    signer_competence: str
    signer_position: str
    signer_name: str
    due_date: date | None
    to_places: tuple[str, ...]
    priority: int
    sphere: str
    typer_notation: str
    promulgation_amount: int
    page_amount: int
    steering_type: int
    document_id: str  # "OrganId,yyyy/MM/dd,number/notation"
    sent_at: datetime  # TraceHeader Timestamp (Vietnam time in the XML)
    business_type: BusinessType = BusinessType.NEW
    business_reason: str = ""
    replaces: tuple[str, ...] = ()  # DocumentIds this one replaces (BussinessDocType 3)
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class StatusPackage:
    """A receiver's answer about one document (QCVN 102 StatusCode)."""

    document_id: str
    receiver: OrganInfo
    status_code: str
    description: str
    timestamp: datetime
    staff: str = ""
