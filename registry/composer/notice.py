"""A notice as structured data, read from a TOML file (the format ``sovanban compose`` takes).

::

    type = "TB"
    title = "THÔNG BÁO KẾT LUẬN"          # optional: the type name in capitals
    subject = "Hội nghị …"
    date = 2023-04-20                      # optional: blank on a draft
    number = 25                            # optional: blank on a draft
    secrecy = "mat"                        # optional: mat, toi_mat, tuyet_mat (độ mật)
    urgency = "khan"                       # optional: khan, thuong_khan, hoa_toc (độ khẩn)
    body = '''
    # I. A heading (bold)
    ## 1. A sub-heading (bold)
    A paragraph; paragraphs are separated by a blank line.
    '''
    recipients = '''
    - Thường trực Tỉnh ủy,
    - Lưu Văn phòng Đảng ủy Khối.
    '''
    [signature]
    authority = "T/M BAN CHẤP HÀNH"
    position = "PHÓ BÍ THƯ THƯỜNG TRỰC"
    name = "Nguyễn Trọng Vân"
    login = "nguyentrongvan"               # optional: the signer's account

The issuer's header lines come from the configuration unless an ``[issuer]`` table
(superior_body, header_name, abbreviation, place) gives them. A Công văn (type CV) has no
title line: its subject is printed "V/v …" under the number.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from basics.said import said
from basics.text import nfc

from ..errors import InputError
from ..recipients import RecipientLine, parse_distribution, recipients_from_toml

__all__ = [
    "SECRECY_MARKS",
    "URGENCY_MARKS",
    "Notice",
    "Paragraph",
    "SignatureBlock",
    "load_notice",
    "notice_from_toml",
]

# The marks of Hướng dẫn 36-HD/VPTW (and NĐ 30), by the register's codes for them.
SECRECY_MARKS = {"mat": "MẬT", "toi_mat": "TỐI MẬT", "tuyet_mat": "TUYỆT MẬT"}
URGENCY_MARKS = {"khan": "KHẨN", "thuong_khan": "THƯỢNG KHẨN", "hoa_toc": "HỎA TỐC"}


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: Literal["text", "heading", "subheading"] = "text"


@dataclass(frozen=True)
class SignatureBlock:
    authority: str
    position: str
    name: str
    login: str = ""


@dataclass(frozen=True)
class Notice:
    scheme: Literal["party", "state"]
    superior_body: str
    issuer_header: str
    issuer_abbreviation: str
    place: str
    type_code: str
    title: str
    subject: str
    body: tuple[Paragraph, ...]
    signature: SignatureBlock
    recipients: tuple[RecipientLine, ...]
    date: date | None = None
    number: int | None = None
    secrecy: str = ""  # the mark as printed: "MẬT"; "" for none
    urgency: str = ""  # "KHẨN"; "" for none

    @property
    def is_letter(self) -> bool:
        """A Công văn: no title line, the subject "V/v …" under the number."""
        return self.type_code == "CV"

    @property
    def notation(self) -> str:
        if self.scheme == "party":
            return f"{self.type_code}/{self.issuer_abbreviation}"
        return f"{self.type_code}-{self.issuer_abbreviation}"

    @property
    def number_line(self) -> str:
        """``Số 25-TB/ĐUK``, or the blank a draft leaves for the number: ``Số      -TB/ĐUK``."""
        # No-break spaces: a paragraph would collapse ordinary ones, and the blank must
        # stay wide enough for the number field that the signing step lays over it.
        digits = f"{self.number:02d}" if self.number else "\u00a0" * 12
        if self.scheme == "party":
            return f"Số {digits}-{self.notation}"
        return f"Số: {digits}/{self.notation}"


_TOP_KEYS = {
    "type",
    "title",
    "subject",
    "date",
    "number",
    "place",
    "body",
    "recipients",
    "signature",
    "issuer",
    "secrecy",
    "urgency",
}


def parse_body(text: str) -> tuple[Paragraph, ...]:
    """Paragraphs separated by blank lines; ``# `` marks a heading, ``## `` a sub-heading."""
    paragraphs: list[Paragraph] = []
    for block in nfc(text).replace("\r\n", "\n").split("\n\n"):
        joined = " ".join(line.strip() for line in block.splitlines() if line.strip())
        if not joined:
            continue
        if joined.startswith("## "):
            paragraphs.append(Paragraph(joined[3:].strip(), "subheading"))
        elif joined.startswith("# "):
            paragraphs.append(Paragraph(joined[2:].strip(), "heading"))
        else:
            paragraphs.append(Paragraph(joined))
    return tuple(paragraphs)


def _text(data: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if value is None:
        raise InputError(said("{where}: missing value '{key}'", where=where, key=key))
    if not isinstance(value, str) or not value.strip():
        raise InputError(said("{where}: '{key}' must be a non-empty string", where=where, key=key))
    return nfc(value.strip())


def notice_from_toml(
    data: dict[str, Any],
    *,
    source: str,
    scheme: Literal["party", "state"],
    issuer_defaults: dict[str, str],
    type_names: dict[str, str],
) -> Notice:
    """Check a parsed notice file and build the :class:`Notice`."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise InputError(
            said("{source}: unknown key '{unknown}'", source=source, unknown=unknown[0])
        )
    type_code = _text(data, "type", source)
    if type_code not in type_names:
        known = ", ".join(sorted(type_names))
        raise InputError(
            said(
                "{source}: unknown document type {type_code!r} (known: {known})",
                source=source,
                type_code=type_code,
                known=known,
            )
        )
    issuer_data = data.get("issuer", {})
    signature_data = data.get("signature")
    if not isinstance(issuer_data, dict):
        raise InputError(said("{source}: 'issuer' must be a table", source=source))
    if not isinstance(signature_data, dict):
        raise InputError(
            said("{source}: missing table [signature] (authority, position, name)", source=source)
        )
    issuer_keys = {"superior_body", "header_name", "abbreviation", "place"}
    for table, allowed, name in (
        (issuer_data, issuer_keys, "issuer"),
        (signature_data, {"authority", "position", "name", "login"}, "signature"),
    ):
        extra = sorted(set(table) - allowed)
        if extra:
            raise InputError(
                said(
                    "{source}: unknown key '{name}.{extra}'",
                    source=source,
                    name=name,
                    extra=extra[0],
                )
            )
    issuer = {key: issuer_data.get(key, issuer_defaults.get(key)) for key in issuer_keys}
    day = data.get("date")
    if day is not None and type(day) is not date:
        raise InputError(
            said("{source}: 'date' must be a date (YYYY-MM-DD, unquoted)", source=source)
        )
    number = data.get("number")
    if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
        raise InputError(said("{source}: 'number' must be a whole number", source=source))
    if number is not None and number < 1:
        raise InputError(said("{source}: 'number' starts at 1", source=source))
    recipients = data.get("recipients")
    if isinstance(recipients, str):
        lines = parse_distribution(recipients)
    elif isinstance(recipients, list):
        lines = recipients_from_toml({"recipients": recipients}, source)
    else:
        raise InputError(
            said(
                "{source}: 'recipients' must be the Nơi nhận text or [[recipients]]", source=source
            )
        )
    body = parse_body(_text(data, "body", source))
    marks = {}
    for key, table in (("secrecy", SECRECY_MARKS), ("urgency", URGENCY_MARKS)):
        code = data.get(key, "")
        if code in ("", "none", "normal"):
            continue
        if code not in table:
            known = ", ".join(table)
            raise InputError(
                said(
                    "{source}: '{key}' must be one of {known} (or left out), not {code!r}",
                    source=source,
                    key=key,
                    known=known,
                    code=code,
                )
            )
        marks[key] = table[code]
    signature = SignatureBlock(
        authority=_text(signature_data, "authority", f"{source} [signature]"),
        position=_text(signature_data, "position", f"{source} [signature]"),
        name=_text(signature_data, "name", f"{source} [signature]"),
        login=nfc(str(signature_data.get("login", ""))).strip(),
    )
    return Notice(
        scheme=scheme,
        superior_body=_text(issuer, "superior_body", f"{source} [issuer]"),
        issuer_header=_text(issuer, "header_name", f"{source} [issuer]"),
        issuer_abbreviation=_text(issuer, "abbreviation", f"{source} [issuer]"),
        place=_text(data, "place", source, issuer.get("place")),
        type_code=type_code,
        title=_text(data, "title", source, type_names[type_code].upper()),
        subject=_text(data, "subject", source),
        body=body,
        signature=signature,
        recipients=lines,
        date=day,
        number=number,
        **marks,
    )


def load_notice(path: Path, **context: Any) -> Notice:
    """Read a notice file; ``context`` is passed on to :func:`notice_from_toml`."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise InputError(
            said("{path}: cannot read the notice ({strerror})", path=path, strerror=exc.strerror)
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputError(said("{path}: the notice is not UTF-8 text", path=path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(said("{path}: not valid TOML: {exc}", path=path, exc=exc)) from exc
    return notice_from_toml(data, source=str(path), **context)
