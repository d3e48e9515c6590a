"""The command line speaks Vietnamese unless the terminal or SOVANBAN_LANG asks for English."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.cli.language import terminal_language
from tests.support.cli import Sovanban


@pytest.mark.parametrize(
    ("variables", "language"),
    [
        ({}, "vi"),
        ({"LANG": "C.UTF-8"}, "vi"),
        ({"LANG": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_GB.UTF-8", "LC_ALL": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "vi_VN.UTF-8", "SOVANBAN_LANG": "en"}, "en"),
    ],
)
def test_the_language_follows_the_terminal(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], language: str
) -> None:
    for name in ("SOVANBAN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert terminal_language() == language


def test_errors_are_said_in_vietnamese_by_default(
    demo: Sovanban, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SOVANBAN_LANG")
    monkeypatch.setenv("LANG", "C.UTF-8")
    missing = demo("history", "999999")
    assert missing.code == 1 and missing.err == "sovanban: không có văn bản mã 999999\n"
    unreadable = demo("replace", "1", str(tmp_path / "khong-co.pdf"))
    assert unreadable.code != 0 and "không đọc được" in unreadable.err
    monkeypatch.setenv("SOVANBAN_LANG", "en")
    assert demo("history", "999999").err == "sovanban: no document with id 999999\n"
