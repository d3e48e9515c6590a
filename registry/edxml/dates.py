"""QCVN 102 dates: ``yyyy/MM/dd`` and ``yyyy/MM/dd HH:mm:ss``, Vietnam time, no zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

__all__ = ["VIETNAM", "format_date", "format_time", "parse_date", "parse_time"]

VIETNAM = timezone(timedelta(hours=7))


def format_date(day: date) -> str:
    return day.strftime("%Y/%m/%d")


def format_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%Y/%m/%d %H:%M:%S")


def parse_date(text: str) -> date:
    return datetime.strptime(text.strip(), "%Y/%m/%d").replace(tzinfo=VIETNAM).date()


def parse_time(text: str) -> datetime:
    return datetime.strptime(text.strip(), "%Y/%m/%d %H:%M:%S").replace(tzinfo=VIETNAM)
