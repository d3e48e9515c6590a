"""edXML packages (QCVN 102:2016/BTTTT): what Vietnamese document systems exchange."""

from .model import (
    NAMESPACE,
    Attachment,
    BusinessType,
    EdxmlDocument,
    EdxmlError,
    OrganInfo,
    StatusPackage,
)
from .read import read_incoming, read_package, read_status
from .write import write_package, write_status

__all__ = [
    "NAMESPACE",
    "Attachment",
    "BusinessType",
    "EdxmlDocument",
    "EdxmlError",
    "OrganInfo",
    "StatusPackage",
    "read_incoming",
    "read_package",
    "read_status",
    "write_package",
    "write_status",
]
