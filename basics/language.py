"""The languages people read us in, and the catalogs that translate our English into them.

Vietnamese is the office's language and the default; English is the catalogs' source, so it
needs no catalog. The Vietnamese catalog is a gettext PO file beside this module, read once.
With ``SOVANBAN_STRICT_CATALOG=1`` (the test suite sets it) a message missing from a catalog
raises instead of showing in English, so an untranslated message fails loudly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal

from .said import Said, Translate
from .text import nfc

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Language",
    "MissingTranslationError",
    "catalog",
    "catalog_path",
    "language_of",
    "read_catalog",
    "shown",
    "translator",
]

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
DEFAULT_LANGUAGE: Language = "vi"

_LOCALE = Path(__file__).with_name("locale")


class MissingTranslationError(LookupError):
    """A message has no translation in the catalog (raised only in strict mode)."""

    def __init__(self, language: str, text: str) -> None:
        super().__init__(f"no {language} translation in the catalog for {text!r}")
        self.text = text


def language_of(value: str | None) -> Language:
    """The language a choice (``vi``, ``en``, ``en_GB.UTF-8``…) names, Vietnamese otherwise."""
    return "en" if value and value.lower().startswith("en") else DEFAULT_LANGUAGE


def catalog_path(language: Language) -> Path:
    return _LOCALE / f"{language}.po"


@cache
def catalog(language: Language) -> Mapping[str, str]:
    """English text → its translation, for every translated, non-fuzzy entry."""
    if language == "en":
        return {}
    return read_catalog(catalog_path(language).read_text(encoding="utf-8"))


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r"}


def read_catalog(po: str) -> dict[str, str]:
    """English text → translation of a PO file's translated, non-fuzzy entries. Read here
    rather than by Babel, which a one-shot ``verify`` would wait 40 ms for; the catalog
    is the one our tool writes (no contexts, no plurals), and a test holds the two equal."""
    found: dict[str, str] = {}
    for entry in re.split(r"\n[ \t]*\n", po):
        fields: dict[str, list[str]] = {}
        current: list[str] | None = None
        fuzzy = False
        for line in entry.splitlines():
            line = line.strip()
            if line.startswith("#"):
                fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
                continue
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgid", "msgstr"):
                current = fields.setdefault(keyword, [])
                line = rest
            if current is not None and (quoted := _QUOTED.fullmatch(line.strip())):
                current.append(_ESCAPE.sub(lambda m: _ESCAPED.get(m[1], m[1]), quoted[1]))
        english, translated = "".join(fields.get("msgid", [])), "".join(fields.get("msgstr", []))
        if english and translated and not fuzzy:
            found[nfc(english)] = nfc(translated)
    return found


def _strict() -> bool:
    return os.environ.get("SOVANBAN_STRICT_CATALOG") == "1"


def translator(language: Language) -> Translate:
    if language == "en":
        return lambda text: text
    words = catalog(language)
    strict = _strict()

    def translate(text: str) -> str:
        found = words.get(text)
        if found is not None:
            return found
        if strict:
            raise MissingTranslationError(language, text)
        return text

    return translate


def shown(message: str | Said, language: Language) -> str:
    """``message`` in ``language``; plain text is already in the language it was written in."""
    return message.shown(translator(language)) if isinstance(message, Said) else message
