"""Password hashes: salted, checked in constant time, unreadable hashes refused."""

from __future__ import annotations

from registry.passwords import hash_password, password_matches


def test_a_hash_checks_its_password_and_no_other() -> None:
    stored = hash_password("Mật khẩu có dấu 123")
    assert stored.startswith("scrypt$") and "Mật khẩu" not in stored
    assert password_matches(stored, "Mật khẩu có dấu 123")
    assert not password_matches(stored, "Mat khau co dau 123")
    assert hash_password("Mật khẩu có dấu 123") != stored  # a fresh salt each time


def test_unreadable_or_hostile_hashes_match_nothing() -> None:
    stored = hash_password("mat-khau-dung")
    for bad in (
        "",
        "plain",
        stored.replace("scrypt", "md5"),
        stored[:-8] + "!!!!!!!!",
        "scrypt$1073741824$8$1$AAAA$AAAA",
    ):  # a cost nobody here chose
        assert not password_matches(bad, "mat-khau-dung")
