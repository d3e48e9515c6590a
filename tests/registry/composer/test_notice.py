"""Notice files: the seed loads; mistakes are refused with the key named."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from registry.composer.notice import notice_from_toml, parse_body
from registry.errors import InputError
from registry.services.drafting.compose import seed_notice_path

CONTEXT: dict[str, Any] = {
    "scheme": "party",
    "issuer_defaults": {
        "superior_body": "ĐẢNG BỘ TỈNH HÀ TĨNH",
        "header_name": "ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH",
        "abbreviation": "ĐUK",
        "place": "Hà Tĩnh",
    },
    "type_names": {"TB": "Thông báo", "KH": "Kế hoạch"},
}


def seed_data() -> dict[str, Any]:
    return tomllib.loads(seed_notice_path().read_text("utf-8"))


def test_the_seed_notice_loads() -> None:
    notice = notice_from_toml(seed_data(), source="seed", **CONTEXT)
    assert notice.signature.name == "Nguyễn Trọng Vân"
    assert notice.number_line.startswith("Số ") and notice.number_line.endswith("-TB/ĐUK")
    assert notice.body[1].kind == "heading"
    assert notice.body[2].kind == "subheading"
    assert len(notice.recipients) == 6


def test_a_numbered_dated_notice_shows_both() -> None:
    data = {**seed_data(), "number": 25, "date": date(2023, 4, 20)}
    notice = notice_from_toml(data, source="seed", **CONTEXT)
    assert notice.number_line == "Số 25-TB/ĐUK"
    state = notice_from_toml({**data, "number": 5}, source="s", **{**CONTEXT, "scheme": "state"})
    assert state.number_line == "Số: 05/TB-ĐUK"


def test_the_type_title_defaults_to_the_type_name() -> None:
    data = seed_data()
    del data["title"]
    assert notice_from_toml(data, source="s", **CONTEXT).title == "THÔNG BÁO"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "XX"}, "unknown document type 'XX'"),
        ({"colour": "red"}, "unknown key 'colour'"),
        ({"subject": ""}, "'subject' must be a non-empty string"),
        ({"date": "20/4/2023"}, "'date' must be a date"),
        ({"number": "25"}, "'number' must be a whole number"),
        ({"number": 0}, "'number' starts at 1"),
        ({"recipients": 3}, "'recipients' must be"),
        ({"signature": {"authority": "T/M", "position": "P"}}, "missing value 'name'"),
        ({"signature": {"authority": "A", "position": "P", "name": "N", "x": 1}}, "signature.x"),
        ({"issuer": {"motto": "x"}}, "unknown key 'issuer.motto'"),
    ],
)
def test_mistakes_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        notice_from_toml({**seed_data(), **change}, source="notice.toml", **CONTEXT)


def test_file_errors(tmp_path: Path) -> None:
    from registry.composer import load_notice

    with pytest.raises(InputError, match="cannot read"):
        load_notice(tmp_path / "absent.toml", **CONTEXT)
    broken = tmp_path / "broken.toml"
    broken.write_text('type = "TB\n', encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        load_notice(broken, **CONTEXT)


def test_body_markup() -> None:
    body = parse_body("# I. Đầu mục\n\n## 1. Mục con\n\nĐoạn một\ntiếp tục.\n\n\nĐoạn hai.")
    assert [(p.kind, p.text) for p in body] == [
        ("heading", "I. Đầu mục"),
        ("subheading", "1. Mục con"),
        ("text", "Đoạn một tiếp tục."),
        ("text", "Đoạn hai."),
    ]
