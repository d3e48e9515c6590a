"""A library's exception as words a person can read: its message, never its repr."""

from __future__ import annotations

import re

__all__ = ["describe"]

_ADES_TAG = re.compile(r"\s*\[AdES\w+\.\w+\]")  # pyHanko appends its sub-indication's repr
_OBJECT_REPR = re.compile(r"<(?:class ')?(?:\w+\.)*(\w+)(?:'| object at 0x[0-9a-fA-F]+)>")

_LIMIT = 300


def describe(error: BaseException) -> str:
    """The exception's own message on one line, or a plain phrase when it has none."""
    text = _OBJECT_REPR.sub(r"\1", _ADES_TAG.sub("", " ".join(str(error).split())))
    if not text:
        text = f"an internal error of the PDF library ({type(error).__name__})"
    return text if len(text) <= _LIMIT else text[: _LIMIT - 1] + "…"
