"""Nơi nhận: the seed's list parsed into rows and rendered back in both styles."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.errors import InputError
from registry.recipients import (
    RecipientLine,
    load_recipients_file,
    parse_distribution,
    render_distribution,
)

SEED_LIST = """Nơi nhận:
- Thường trực Tỉnh ủy,
- Các ban Đảng, UBKT, Văn phòng ĐUK,
- Các đảng ủy, chi bộ cơ sở,
- Các tổ chức đoàn thể trực thuộc ĐUK,
- Các đ/c UVBCH Đảng bộ Khối,
- Lưu Văn phòng Đảng ủy Khối."""


def test_the_seed_list_parses_into_rows() -> None:
    rows = parse_distribution(SEED_LIST)
    assert [row.name for row in rows] == [
        "Thường trực Tỉnh ủy",
        "Các ban Đảng, UBKT, Văn phòng ĐUK",
        "Các đảng ủy, chi bộ cơ sở",
        "Các tổ chức đoàn thể trực thuộc ĐUK",
        "Các đ/c UVBCH Đảng bộ Khối",
        "Văn phòng Đảng ủy Khối",
    ]
    assert [row.is_archive_copy for row in rows] == [False] * 5 + [True]


def test_the_seed_list_renders_back_exactly_in_party_style() -> None:
    assert render_distribution(parse_distribution(SEED_LIST), "party") == SEED_LIST


def test_purposes_copies_organ_ids_and_wrapped_lines() -> None:
    rows = parse_distribution(
        "- Ban Thường vụ Tỉnh ủy (để b/c),\n"
        "- Ủy ban nhân dân tỉnh [000.00.00.H41]\n"
        "  (để phối hợp),\n"
        "– Các chi bộ cơ sở (03 bản);\n"
        "- Lưu: VT, TH, 2b."
    )
    assert rows == (
        RecipientLine("Ban Thường vụ Tỉnh ủy", "để b/c"),
        RecipientLine("Ủy ban nhân dân tỉnh", "để phối hợp", "000.00.00.H41"),
        RecipientLine("Các chi bộ cơ sở", copies=3),
        RecipientLine("VT, TH", is_archive_copy=True, copies=2),
    )


def test_state_style_uses_semicolons_and_one_archive_line() -> None:
    rows = (
        RecipientLine("Như trên"),
        RecipientLine("Sở Nội vụ", "để b/c"),
        RecipientLine("TH", is_archive_copy=True),
    )
    assert render_distribution(rows, "state") == (
        "Nơi nhận:\n- Như trên;\n- Sở Nội vụ (để b/c);\n- Lưu: VT, TH."
    )


def test_party_render_round_trips() -> None:
    rows = (
        RecipientLine("Thường trực Tỉnh ủy", "để b/c"),
        RecipientLine("Các đảng ủy cơ sở", copies=12),
        RecipientLine("Văn phòng Đảng ủy Khối", is_archive_copy=True),
    )
    assert parse_distribution(render_distribution(rows, "party")) == rows


def test_decomposed_text_is_normalised() -> None:
    decomposed = "- Thu\u031bo\u031b\u0300ng tru\u031b\u0323c Ti\u0309nh u\u0309y,"
    assert parse_distribution(decomposed)[0].name == "Thường trực Tỉnh ủy"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no recipient"),
        ("Nơi nhận:\n\n", "no recipient"),
        ("- ,\n- Lưu VP.", "line 1: a recipient without a name"),
        ("- Sở Nội vụ (để b/c,", "unbalanced parentheses"),
        ("- " + "x" * 400, "longer than 300"),
        ("- Sở\x00 Nội vụ", "not text"),
    ],
)
def test_malformed_lists_are_refused(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_distribution(text)


def test_recipients_files_text_and_toml(tmp_path: Path) -> None:
    text_file = tmp_path / "noi-nhan.txt"
    text_file.write_text(SEED_LIST, encoding="utf-8")
    assert len(load_recipients_file(text_file)) == 6
    toml_file = tmp_path / "noi-nhan.toml"
    toml_file.write_text(
        '[[recipients]]\nname = "Sở Nội vụ"\npurpose = "để b/c"\norgan_id = "000.00.00.H41"\n'
        '[[recipients]]\nname = "Văn phòng"\narchive = true\ncopies = 2\n',
        encoding="utf-8",
    )
    assert load_recipients_file(toml_file) == (
        RecipientLine("Sở Nội vụ", "để b/c", "000.00.00.H41"),
        RecipientLine("Văn phòng", is_archive_copy=True, copies=2),
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.toml", "[[recipients]]\nname = 3\n", "'name' must be a non-empty string"),
        ("a.toml", "[[recipients]]\nname = 'x'\ncolour = 'red'\n", "unknown key 'colour'"),
        ("a.toml", "[[recipients]]\nname = 'x'\ncopies = 0\n", "'copies' must be"),
        ("a.toml", "[[recipients]]\nname = 'x'\norgan_id = 'H41'\n", "13 characters"),
        ("a.toml", "recipients = 'not a table'\n", "one or more"),
        ("a.toml", "[[recipients]\n", "not valid TOML"),
        ("a.txt", "\n\n", "no recipient"),
    ],
)
def test_malformed_recipients_files_name_the_problem(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as raised:
        load_recipients_file(path)
    assert str(path) in raised.value.message


def test_a_binary_recipients_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "noi-nhan.txt"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="not UTF-8"):
        load_recipients_file(path)
