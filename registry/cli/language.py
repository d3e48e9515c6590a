"""The language the command line speaks: Vietnamese unless the terminal's locale or
``SOVANBAN_LANG`` asks for English (``SOVANBAN_LANG=en``, ``LANG=en_GB.UTF-8``)."""

from __future__ import annotations

import os

from basics.language import Language, language_of, shown
from basics.said import Said

__all__ = ["in_terminal_language", "terminal_language"]


def terminal_language() -> Language:
    for variable in ("SOVANBAN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return language_of(value)
    return language_of(None)


def in_terminal_language(message: str | Said) -> str:
    return shown(message, terminal_language())
