"""What a draft must agree with when it is registered: its authority line and its secrecy mark."""

from __future__ import annotations

import pytest

from basics.language import shown
from registry.errors import InputError
from registry.models import Secrecy
from registry.services.drafting.draft_checks import (
    marked_secrecy,
    secrecy_disagreement,
    signing_authority,
)


@pytest.mark.parametrize(
    ("scheme", "typed", "printed"),
    [
        ("party", "T/M Ban Chấp hành", "T/M Ban Chấp hành"),
        ("party", "  k/t   bí thư ", "K/T bí thư"),
        ("party", "T/L BAN THƯỜNG VỤ", "T/L BAN THƯỜNG VỤ"),
        ("party", "t/uq Bí thư", "T/UQ Bí thư"),
        ("state", "KT. Chủ tịch", "KT. Chủ tịch"),
        ("state", "tm. Ủy ban nhân dân", "TM. Ủy ban nhân dân"),
        ("state", "Q. Giám đốc", "Q. Giám đốc"),
        ("party", "", ""),  # the head signs in his own right: no authority line
    ],
)
def test_the_forms_of_signing_of_each_scheme(scheme: str, typed: str, printed: str) -> None:
    assert signing_authority(scheme, typed) == printed


@pytest.mark.parametrize(
    ("scheme", "typed"),
    [
        ("party", "KT. Bí thư"),  # the State's form on a Party document
        ("state", "T/M Ủy ban nhân dân"),  # and the Party's on a State one
        ("party", "Thay mặt Ban Chấp hành"),
        ("party", "T/M"),  # no body after the form
    ],
)
def test_other_authority_lines_are_refused_in_both_languages(scheme: str, typed: str) -> None:
    with pytest.raises(InputError) as refused:
        signing_authority(scheme, typed)
    assert "The signing authority must start with" in refused.value.message
    assert "Thẩm quyền ký phải bắt đầu bằng" in shown(refused.value.said, "vi")
    assert "The signing authority must start with one of" in refused.value.message


HEADER = "ĐẢNG BỘ TỈNH HÀ TĨNH\nĐẢNG ỦY KHỐI\n*\nSố -TB/ĐUK\n{mark}\nTHÔNG BÁO\nNội dung mật khẩn."


@pytest.mark.parametrize(
    ("mark", "found"),
    [
        ("MẬT", Secrecy.SECRET),
        ("TỐI MẬT", Secrecy.TOP_SECRET),
        ("  tuyệt   mật ", Secrecy.ABSOLUTE),
        ("KHẨN", None),
        ("", None),
    ],
)
def test_the_mark_printed_in_the_header_is_read(mark: str, found: Secrecy | None) -> None:
    assert marked_secrecy(HEADER.format(mark=mark)) == found


def test_a_marked_draft_registered_otherwise_is_refused_an_unmarked_secret_is_said() -> None:
    marked = HEADER.format(mark="TỐI MẬT")
    refused = secrecy_disagreement(marked, Secrecy.NONE)
    assert refused is not None and refused[1] and "in dấu TỐI MẬT" in shown(refused[0], "vi")
    assert secrecy_disagreement(marked, Secrecy.SECRET) is not None
    assert secrecy_disagreement(marked, Secrecy.TOP_SECRET) is None
    said = secrecy_disagreement(HEADER.format(mark=""), Secrecy.SECRET)
    assert said is not None and not said[1] and "does not print the mark" in str(said[0])
    assert secrecy_disagreement("", Secrecy.SECRET) is None  # a scan: nothing to compare
    assert secrecy_disagreement(HEADER.format(mark=""), Secrecy.NONE) is None
