"""Directory names compare as RFC 5280 says, with each string prepared once."""

from __future__ import annotations

import pytest
from asn1crypto import x509

from certs import name_prep


def _name(common_name: str, organisation: str = "Đảng ủy Khối") -> x509.Name:
    return x509.Name.build({"common_name": common_name, "organization_name": organisation})


def test_installed_when_certs_is_imported() -> None:
    value = _name("A").chosen[0][0]
    assert value._ldap_string_prep("  Hà   Tĩnh ") == name_prep.prepared("  Hà   Tĩnh ")


@pytest.mark.parametrize(
    "text",
    [
        "Nguyễn Trọng Văn",
        "  NGUYỄN   trọng văn ",
        "Ha\u00a0Tinh",
        "ﬁle",
        "Hoà",
        "Ho\u0300a",
        "x\u00ady",
    ],
)
def test_the_same_preparation_as_the_library(text: str) -> None:
    assert name_prep.prepared(text) == name_prep._library_prep(None, text)


def test_names_equal_by_the_rules_still_match() -> None:
    # Case, runs of spaces and the composed / decomposed forms do not make names differ.
    assert _name("Nguyễn Trọng Văn") == _name("  NGUYỄN   TRỌNG VĂN ")
    assert _name("Ho\u00e0") == _name("Hoa\u0300")
    assert _name("Nguyễn Trọng Văn") != _name("Nguyễn Trọng Vân")
    assert _name("A", "Đảng ủy Khối") != _name("A", "Đảng ủy Tỉnh")


def test_a_refused_string_is_refused_every_time() -> None:
    private_use = "abc\ue000"
    for _ in range(2):
        with pytest.raises(ValueError, match="private use"):
            name_prep.prepared(private_use)


def test_long_strings_are_not_kept() -> None:
    before = name_prep._kept.cache_info().currsize
    long_text = "Đảng bộ " * 100
    assert name_prep.prepared(long_text) == name_prep._library_prep(None, long_text)
    assert name_prep._kept.cache_info().currsize == before
    name_prep.prepared("Đảng bộ")
    hits = name_prep._kept.cache_info().hits
    name_prep.prepared("Đảng bộ")
    assert name_prep._kept.cache_info().hits == hits + 1
