"""Messages for people, written once in English and shown in the reader's language.

A message keeps its English text (the key of the translation catalogs) and its values until
it is shown, so a service can raise it without knowing who will read it: the web shows it in
the visitor's language, the command line in the terminal's, a log in English.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .text import nfc

__all__ = ["Explained", "Said", "Translate", "as_said", "said"]

Translate = Callable[[str], str]


_PLAIN = "{text}"


def _english(text: str) -> str:
    return text


@dataclass(frozen=True)
class Said:
    """English ``text`` with ``{name}`` places for ``values`` (which may be messages too)."""

    text: str
    values: tuple[tuple[str, object], ...] = ()

    def shown(self, translate: Translate) -> str:
        if self.text == _PLAIN:  # text that is no message of ours (a library's words): as is
            return str(self.values[0][1])
        if not self.values:
            return translate(self.text)
        values = {
            name: value.shown(translate) if isinstance(value, Said) else value
            for name, value in self.values
        }
        return translate(self.text).format(**values)

    def __str__(self) -> str:
        return self.shown(_english)

    def as_record(self) -> dict[str, Any]:
        """The message as JSON can keep it (in an audit event), to be shown later in the
        language of whoever reads it; values other than text and numbers are kept as text."""
        values: dict[str, Any] = {}
        for name, value in self.values:
            if isinstance(value, Said):
                values[name] = value.as_record()
            elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
                values[name] = value
            else:
                values[name] = str(value)
        return {"text": self.text, "values": values}

    @classmethod
    def from_record(cls, record: object) -> Said:
        """A message kept by :meth:`as_record`; text kept before messages were, as it is."""
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            return as_said(str(record))
        values = record.get("values") or {}
        return cls(
            record["text"],
            tuple(
                (str(name), cls.from_record(value) if isinstance(value, dict) else value)
                for name, value in values.items()
            ),
        )


def said(text: str, /, **values: object) -> Said:
    """A message for the catalogs: ``text`` must be a literal so that it can be extracted."""
    return Said(nfc(text), tuple(values.items()))


def as_said(message: str | Said) -> Said:
    """``message`` as a message; plain text (a library's own words, a value) is kept as is."""
    return message if isinstance(message, Said) else Said(_PLAIN, (("text", message),))


class Explained(Exception):
    """An error whose message a person reads: ``said`` to translate, ``message`` in English."""

    def __init__(self, message: str | Said) -> None:
        self.said = as_said(message)
        self.message = str(self.said)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message
