"""The distribution list (Nơi nhận): parsed into rows, rendered back in Party or State style.

Party style (36-HD/VPTW)::

    Nơi nhận:
    - Thường trực Tỉnh ủy (để b/c),
    - Các đảng ủy, chi bộ cơ sở,
    - Lưu Văn phòng Đảng ủy Khối.

State style (NĐ 30): lines end with ";", the archive line is ``- Lưu: VT, TH.``
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from basics.said import said
from basics.text import fold, nfc

from .errors import InputError

__all__ = [
    "RecipientLine",
    "load_recipients_file",
    "parse_distribution",
    "recipients_from_toml",
    "render_distribution",
]

MAX_NAME = 300
_BULLET = re.compile(r"^\s*[-–—+•*]\s*")
_ORGAN_ID = re.compile(r"\s*\[([0-9A-Za-z.]{13})\]\s*")
_COPIES = re.compile(r"\s*\(\s*(\d{1,3})\s*(?:b|bản)\s*\)$|[,\s]+(\d{1,3})\s*b$", re.IGNORECASE)
_PURPOSE = re.compile(r"\s*\(([^()]+)\)$")
_ARCHIVE = re.compile(r"^lưu\s*:?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class RecipientLine:
    """One recipient: a body or a person, why it receives the notice, how many copies."""

    name: str
    purpose: str = ""
    organ_id: str = ""
    is_archive_copy: bool = False
    copies: int = 1


def parse_distribution(text: str) -> tuple[RecipientLine, ...]:
    """Rows from a pasted Nơi nhận list; a line without a dash continues the line above."""
    if "\x00" in text:
        raise InputError(said("the distribution list is not text"))
    items: list[tuple[int, str]] = []
    for number, raw in enumerate(nfc(text).splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if fold(line).startswith("noi nhan"):  # the heading, maybe with a first line after it
            line = line.partition(":")[2].strip()
            if not line:
                continue
        bullet = _BULLET.match(line)
        if bullet:
            items.append((number, line[bullet.end() :]))
        elif items:
            items[-1] = (items[-1][0], f"{items[-1][1]} {line}")
        else:
            items.append((number, line))
    if not items:
        raise InputError(said("the distribution list has no recipient (lines starting with '- ')"))
    return tuple(_parse_item(number, item) for number, item in items)


def _parse_item(number: int, item: str) -> RecipientLine:
    text = re.sub(r"\s+", " ", item).strip().rstrip(",;.").strip()
    organ_id = ""
    found = _ORGAN_ID.search(text)
    if found:
        organ_id = found.group(1)
        text = (text[: found.start()] + " " + text[found.end() :]).strip()
    is_archive = False
    archive = _ARCHIVE.match(text)
    if archive and fold(text).startswith("luu"):
        is_archive = True
        text = text[archive.end() :]
    copies = 1
    counted = _COPIES.search(text)
    if counted:
        copies = int(counted.group(1) or counted.group(2))
        text = text[: counted.start()].rstrip(" ,")
    purpose = ""
    noted = _PURPOSE.search(text)
    if noted:
        purpose = noted.group(1).strip()
        text = text[: noted.start()]
    name = text.strip().rstrip(",;.").strip()
    where = f"distribution list, line {number}"
    if not name:
        raise InputError(said("{where}: a recipient without a name", where=where))
    if "(" in name or ")" in name:
        raise InputError(
            said("{where}: unbalanced parentheses in {name!r}", where=where, name=name)
        )
    if len(name) > MAX_NAME:
        raise InputError(
            said(
                "{where}: a recipient name longer than {MAX_NAME} characters",
                where=where,
                MAX_NAME=MAX_NAME,
            )
        )
    if copies < 1:
        raise InputError(said("{where}: the number of copies must be at least 1", where=where))
    return RecipientLine(name, purpose, organ_id, is_archive, copies)


def render_distribution(
    lines: tuple[RecipientLine, ...] | list[RecipientLine],
    style: Literal["party", "state"] = "party",
) -> str:
    """The list as it is printed under "Nơi nhận:", one recipient a line."""
    if style == "party":
        body = [_render_party(line) for line in lines]
        ending = ","
    else:
        body = [_render_state(line) for line in lines if not line.is_archive_copy]
        archived = [line.name for line in lines if line.is_archive_copy]
        if archived:
            units = archived if fold(archived[0]).startswith("vt") else ["VT", *archived]
            body.append("- Lưu: " + ", ".join(units))
        ending = ";"
    rendered = [f"{text}{ending}" for text in body[:-1]]
    if body:
        rendered.append(f"{body[-1]}.")
    return "\n".join(["Nơi nhận:", *rendered])


def _suffix(line: RecipientLine) -> str:
    notes = []
    if line.purpose:
        notes.append(f" ({line.purpose})")
    if line.copies > 1:
        notes.append(f" ({line.copies:02d} bản)")
    return "".join(notes)


def _render_party(line: RecipientLine) -> str:
    prefix = "- Lưu " if line.is_archive_copy else "- "
    return f"{prefix}{line.name}{_suffix(line)}"


def _render_state(line: RecipientLine) -> str:
    return f"- {line.name}{_suffix(line)}"


def recipients_from_toml(data: dict[str, Any], source: str) -> tuple[RecipientLine, ...]:
    """Rows from ``[[recipients]]`` tables (name, purpose, organ_id, archive, copies)."""
    rows = data.get("recipients")
    if not isinstance(rows, list) or not rows:
        raise InputError(
            said("{source}: expected one or more [[recipients]] tables", source=source)
        )
    allowed = {"name", "purpose", "organ_id", "archive", "copies"}
    result = []
    for index, row in enumerate(rows):
        where = f"{source}: recipients[{index}]"
        if not isinstance(row, dict):
            raise InputError(said("{where} must be a table", where=where))
        unknown = sorted(set(row) - allowed)
        if unknown:
            raise InputError(
                said("{where}: unknown key '{unknown}'", where=where, unknown=unknown[0])
            )
        name = row.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InputError(said("{where}: 'name' must be a non-empty string", where=where))
        purpose = row.get("purpose", "")
        organ_id = row.get("organ_id", "")
        archive = row.get("archive", False)
        copies = row.get("copies", 1)
        if not isinstance(purpose, str) or not isinstance(organ_id, str):
            raise InputError(said("{where}: 'purpose' and 'organ_id' must be strings", where=where))
        if organ_id and len(organ_id) != 13:
            raise InputError(
                said("{where}: 'organ_id' must have 13 characters (000.00.00.H41)", where=where)
            )
        if not isinstance(archive, bool):
            raise InputError(said("{where}: 'archive' must be true or false", where=where))
        if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
            raise InputError(
                said("{where}: 'copies' must be a whole number of at least 1", where=where)
            )
        if len(name) > MAX_NAME:
            raise InputError(
                said(
                    "{where}: 'name' is longer than {MAX_NAME} characters",
                    where=where,
                    MAX_NAME=MAX_NAME,
                )
            )
        result.append(
            RecipientLine(nfc(name.strip()), nfc(purpose.strip()), organ_id, archive, copies)
        )
    return tuple(result)


def load_recipients_file(path: Path) -> tuple[RecipientLine, ...]:
    """A recipients file: ``.toml`` with ``[[recipients]]``, or the pasted Nơi nhận text."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            said(
                "{path}: cannot read the recipients file ({strerror})",
                path=path,
                strerror=exc.strerror,
            )
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(said("{path}: the recipients file is not UTF-8 text", path=path)) from exc
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(said("{path}: not valid TOML: {exc}", path=path, exc=exc)) from exc
        return recipients_from_toml(data, str(path))
    try:
        return parse_distribution(text)
    except InputError as exc:
        raise InputError(said("{path}: {message}", path=path, message=exc.said)) from exc
