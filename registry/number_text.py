"""A document number as text: how the register writes it, and the number a file's number
field holds. Nothing here reads the database, so a one-shot ``verify`` can use it without
loading the ORM."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from basics.text import nfc

__all__ = ["DocumentNumber", "Scheme", "number_in_field"]

Scheme = Literal["party", "state"]


@dataclass(frozen=True)
class DocumentNumber:
    """A number as the register keeps it: the integer, the notation, and how it is written."""

    scheme: Scheme
    number: int
    notation: str

    @property
    def rendered(self) -> str:
        """``17-CTr/ĐUK`` (party) or ``05/QĐ-UBND`` (state); leading zero below 10."""
        separator = "-" if self.scheme == "party" else "/"
        return f"{self.number:02d}{separator}{self.notation}"

    @property
    def so_line(self) -> str:
        """The number line of the document: ``Số 17-CTr/ĐUK`` or ``Số: 05/QĐ-UBND``."""
        return f"Số {self.rendered}" if self.scheme == "party" else f"Số: {self.rendered}"


_IN_FIELD = re.compile(r"^\s*(?:Số\s*:?\s*)?(\d{1,8})(?=\D|$)")


def number_in_field(value: str) -> int | None:
    """The number a file's number field holds: "01" (a field over the blank) or the whole
    line "Số 01-TB/ĐUK" (a field that prints its line); None when it holds none."""
    found = _IN_FIELD.match(nfc(value))
    return int(found.group(1)) if found else None
