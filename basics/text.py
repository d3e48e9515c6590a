"""Text and time as Vietnamese documents show them: NFC text, Vietnam time in ISO 8601."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = [
    "VIETNAM_TZ",
    "OffsetStyle",
    "fold",
    "iso_vietnam",
    "nfc",
    "vietnam_date",
    "vietnamese_date_line",
]

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

OffsetStyle = Literal["+07:00", "+0700"]


def nfc(text: str) -> str:
    """Compose ``text`` (NFC); decomposed Vietnamese breaks fonts and comparisons."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case ``text`` without diacritics, đ as d: what a search key compares."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TypeError("a timezone-aware datetime is required")


def iso_vietnam(moment: datetime, offset_style: OffsetStyle = "+07:00") -> str:
    """``moment`` in Vietnam time, ISO 8601 to the second: ``2023-04-20T14:34:09+07:00``.

    strftime has no ``%:z`` before Python 3.12, so the offset is written by hand;
    ``+0700`` reproduces what some signing tools print.
    """
    _require_aware(moment)
    local = moment.astimezone(VIETNAM_TZ)
    offset = local.utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    separator = ":" if offset_style == "+07:00" else ""
    return f"{local:%Y-%m-%dT%H:%M:%S}{sign}{hours:02d}{separator}{mins:02d}"


def vietnam_date(moment: datetime) -> date:
    """The calendar date in Vietnam at ``moment``."""
    _require_aware(moment)
    return moment.astimezone(VIETNAM_TZ).date()


def vietnamese_date_line(place: str, day: date | None) -> str:
    """``Hà Tĩnh, ngày 05 tháng 02 năm 2020``; blanks when the date is not known yet.

    Days below 10 and the months 1 and 2 take a leading zero (NĐ 30, Phụ lục I).
    """
    if day is None:
        blank = "\u00a0" * 6  # no-break: kept wide in a composed paragraph
        return nfc(f"{place}, ngày{blank}tháng{blank}năm 20{blank}")
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return nfc(f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}")
