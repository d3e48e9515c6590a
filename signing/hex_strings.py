"""Hexadecimal PDF strings read in one pass instead of one byte at a time.

pyHanko's reader parses ``<48656c6c6f>`` a character at a time through a generator: about
29 ms for the 48 KB of hex digits of one signature's /Contents. Every step that opens a
signed notice pays it per signature (issuing reads the certification signature's
dictionary; verifying reads each signature's). :func:`install` puts :func:`read_hex_string`
in its place. It takes the plain case only (hex digits and PDF whitespace up to ``>``),
which it decodes with ``bytes.translate`` and ``binascii``; anything else (a comment, a
stray character, no closing ``>``) goes back to pyHanko's own function, so the result and
the errors are pyHanko's.
"""

from __future__ import annotations

import binascii
import os
from typing import IO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE

__all__ = ["install", "read_hex_string"]

_CHUNK = 64 * 1024
_library_reader = generic.read_hex_string_from_stream


def read_hex_string(stream: IO[bytes]) -> generic.ByteStringObject | generic.TextStringObject:
    """The string whose ``<`` is at the stream's position; the stream left after its ``>``."""
    start = stream.tell()
    stream.read(1)
    parts: list[bytes] = []
    read = 0
    while True:
        block = stream.read(_CHUNK)
        if not block:
            stream.seek(start)
            return _library_reader(stream)
        end = block.find(b">")
        if end >= 0:
            parts.append(block[:end])
            stream.seek(start + 1 + read + end + 1, os.SEEK_SET)
            break
        parts.append(block)
        read += len(block)
    digits = b"".join(parts).translate(None, PDF_WHITESPACE)
    if digits.translate(None, generic.HEX_DIGITS):
        # A comment or a character that is not a hex digit: pyHanko's rules and errors.
        stream.seek(start)
        return _library_reader(stream)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def install() -> None:
    """Make pyHanko's object reader use :func:`read_hex_string` (idempotent)."""
    generic.read_hex_string_from_stream = read_hex_string
