"""What the text of an archived, signed document tells: its number and date, its title and
subject (the first page's layout, NĐ 30 and HD 36), and the secrecy it is marked with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from basics.text import fold, nfc

from ...models import Secrecy

__all__ = ["ReadFacts", "marked_secrecy", "read_facts"]

_NUMBER = re.compile(r"Số\s*:?\s*(\d{1,5})\s*[-/]\s*([A-Za-zĐđ]+)\s*[-/]\s*([A-Za-zĐđ0-9-]+)")
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


@dataclass(frozen=True)
class ReadFacts:
    """What the text of a signed document tells."""

    number: int | None
    type_abbreviation: str
    issuer_abbreviation: str
    document_date: date | None
    title: str
    subject: str


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in nfc(text).splitlines() if line.strip()]


def read_facts(text: str, type_names: dict[str, str]) -> ReadFacts:
    """Number, date, title and subject from a notice's text (first page layout)."""
    lines = _lines(text)
    head = "\n".join(lines[:40])
    number = _NUMBER.search(head)
    day = _DATE.search(head)
    document_date = None
    if day is not None:
        try:
            document_date = date(int(day.group(3)), int(day.group(2)), int(day.group(1)))
        except ValueError:
            document_date = None
    folded_names = {fold(name): code for code, name in type_names.items()}
    title, subject = "", ""
    for index, line in enumerate(lines[:40]):
        # The title: a line in capitals that starts with a type's name (THÔNG BÁO KẾT LUẬN).
        if line.isupper() and any(fold(line).startswith(name) for name in folded_names):
            title = line
            following = [
                each
                for each in lines[index + 1 : index + 4]
                if not each.startswith(("-", "Kính gửi"))
            ]
            subject = following[0] if following else ""
            break
    return ReadFacts(
        number=int(number.group(1)) if number else None,
        type_abbreviation=number.group(2) if number else "",
        issuer_abbreviation=number.group(3) if number else "",
        document_date=document_date,
        title=title,
        subject=subject,
    )


# The marks of the Law on State Secrets, stamped above the number (Luật 29/2018/QH14).
_MARKS = {"MẬT": Secrecy.SECRET, "TỐI MẬT": Secrecy.TOP_SECRET, "TUYỆT MẬT": Secrecy.ABSOLUTE}


def marked_secrecy(text: str) -> Secrecy:
    """The secrecy stamped on the first page (a line that is the mark alone), else none."""
    for line in _lines(text)[:20]:
        mark = _MARKS.get(line.strip(" .:").upper())
        if mark is not None:
            return mark
    return Secrecy.NONE
