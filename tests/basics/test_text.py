"""Vietnam time in ISO 8601, NFC, folding, date lines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from basics.text import fold, iso_vietnam, nfc, vietnam_date, vietnamese_date_line


def test_iso_vietnam_writes_the_offset_with_a_colon_or_the_seed_style() -> None:
    moment = datetime(2023, 4, 20, 7, 34, 9, 812_000, tzinfo=UTC)
    assert iso_vietnam(moment) == "2023-04-20T14:34:09+07:00"
    assert iso_vietnam(moment, "+0700") == "2023-04-20T14:34:09+0700"
    other_zone = moment.astimezone(timezone(timedelta(hours=-5)))
    assert iso_vietnam(other_zone) == "2023-04-20T14:34:09+07:00"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(TypeError):
        iso_vietnam(datetime(2023, 4, 20, 14, 34))  # noqa: DTZ001 - the point of the test


def test_the_vietnamese_date_changes_at_midnight_vietnam_time() -> None:
    assert vietnam_date(datetime(2023, 12, 31, 16, 59, tzinfo=UTC)) == date(2023, 12, 31)
    assert vietnam_date(datetime(2023, 12, 31, 17, 0, tzinfo=UTC)) == date(2024, 1, 1)


def test_date_lines_pad_days_and_the_first_two_months() -> None:
    assert vietnamese_date_line("Hà Tĩnh", date(2023, 4, 20)) == "Hà Tĩnh, ngày 20 tháng 4 năm 2023"
    assert vietnamese_date_line("Hà Tĩnh", date(2023, 2, 5)) == "Hà Tĩnh, ngày 05 tháng 02 năm 2023"
    blank = vietnamese_date_line("Hà Tĩnh", None)
    assert (
        blank.startswith("Hà Tĩnh, ngày\u00a0")
        and " ".join(blank.split()) == "Hà Tĩnh, ngày tháng năm 20"
    )


def test_fold_and_nfc() -> None:
    assert fold("Đảng ủy Khối HÀ TĨNH") == "dang uy khoi ha tinh"
    assert nfc("Vie\u0323\u0302t") == "Việt"
