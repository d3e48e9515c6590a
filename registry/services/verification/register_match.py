"""Whether the register holds a verified file: this very file, a later extension of a
registered revision, or nothing. Told apart by the file's hash and the number it carries."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Literal

from signing.field_names import NUMBER_FIELD
from signing.inspect import pdf_field_value
from signing.verify.report import DocumentReport

from ...number_text import number_in_field
from ...storage import BlobStore
from .register_rows import RegisteredFile, RegisterRows, files_numbered, registered_file

__all__ = [
    "ExtendsRegistered",
    "InRegister",
    "MayConfirm",
    "NotInRegister",
    "RegisterMatch",
    "match_register",
    "operator_may_confirm",
]

# Whether the register may confirm this revision to whoever asks (see ``match_register``).
MayConfirm = Callable[[RegisteredFile], bool]


@dataclass(frozen=True)
class InRegister:
    """The register holds this very file (the issued or the archive revision)."""

    status: ClassVar[Literal["registered"]] = "registered"
    document_id: int
    number: str | None
    revision: str
    number_agrees: bool  # the number printed in the file's field is the register's

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, **asdict(self)}


@dataclass(frozen=True)
class ExtendsRegistered:
    """The file begins with a registered revision and adds bytes after it."""

    status: ClassVar[Literal["differs"]] = "differs"
    explanation: ClassVar[str] = "the file is the registered revision with later additions"
    document_id: int
    number: str
    added_bytes: int

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, **asdict(self), "explanation": self.explanation}


@dataclass(frozen=True)
class NotInRegister:
    status: ClassVar[Literal["not_registered"]] = "not_registered"
    number_in_file: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, **asdict(self)}


RegisterMatch = InRegister | ExtendsRegistered | NotInRegister


def match_register(
    rows: RegisterRows,
    blobs: BlobStore,
    data: bytes,
    report: DocumentReport,
    may_confirm: MayConfirm,
) -> RegisterMatch:
    """What the register says of ``data`` (verified in ``report``) to someone. A document
    ``may_confirm`` refuses (a secret one the asker may not see) is answered for as an
    unknown file is: neither its existence, id nor number is confirmed."""
    in_field = report.form_value(NUMBER_FIELD)
    if in_field is None:
        in_field = pdf_field_value(data, NUMBER_FIELD)
    sha256 = report.sha256
    in_file = number_in_field(in_field)
    exact = registered_file(rows, sha256)
    if exact is not None and may_confirm(exact):
        return InRegister(
            document_id=exact.document_id,
            number=exact.rendered,
            revision=exact.kind,
            number_agrees=exact.holds(in_field),
        )
    shown = _SO_PREFIX.sub("", in_field) or None  # "01-TB/ĐUK" of "Số 01-TB/ĐUK"; or "01"
    if in_file is None:
        return NotInRegister(shown)
    for stored in files_numbered(rows, in_file):
        if stored.rendered is None or not stored.holds(in_field) or not may_confirm(stored):
            continue
        original = blobs.get(stored.sha256)
        if data.startswith(original):
            return ExtendsRegistered(stored.document_id, stored.rendered, len(data) - len(original))
    return NotInRegister(shown)


_SO_PREFIX = re.compile(r"^\s*Số\s*:?\s*")


def operator_may_confirm(stored: RegisteredFile) -> bool:
    """The operator at the instance's terminal sees the whole register, secret or not."""
    return True
