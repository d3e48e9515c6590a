"""Messages as the web shows them: in the visitor's language, and with a path on the server
cut to the file's name, so that an error about a key file or a font tells a visitor nothing of
the server's layout."""

from __future__ import annotations

import os
import re

from basics.said import Said

from .i18n import in_reader_language

__all__ = ["shown"]

# An absolute POSIX path: a slash that starts a word, then names separated by slashes.
_ABSOLUTE = re.compile(r"(?<![\w/:.~-])/[^\s'\"()<>,;]+")


def _on_this_server(path: str) -> bool:
    # URL paths (/api/v1/…, /pki/tsa) are not on the disk; a server path, or a folder above
    # it (a file not yet created), is.
    while path not in ("", "/"):
        if os.path.exists(path):
            return True
        path = os.path.dirname(path)
    return False


def shown(message: str | Said) -> str:
    def name_only(match: re.Match[str]) -> str:
        found = match.group(0)
        path = found.rstrip(".:")
        if not _on_this_server(path):
            return found
        return "…/" + os.path.basename(path.rstrip("/")) + found[len(path) :]

    return _ABSOLUTE.sub(name_only, in_reader_language(message))
