"""Hex strings read in one pass give what pyHanko's own reader gives: the same string, the
stream left at the same place, the same error for a malformed string."""

from __future__ import annotations

import io
import os

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError
from pyhanko.pdf_utils.reader import PdfFileReader

from signing.hex_strings import _CHUNK, _library_reader, read_hex_string
from tests.support.flow import Flow

WELL_FORMED = [
    b"<48656c6c6f> rest",
    b"<48 65\n6c\r6c\t6f\x00> rest",  # PDF whitespace anywhere between digits
    b"<4865F> rest",  # odd count: the last digit is followed by 0
    b"<> rest",
    b"<feff00480069> rest",  # a UTF-16 text string
    b"<48656c6c6f % a comment\n21> rest",  # comments are pyHanko's business
    b"<" + os.urandom(_CHUNK).hex().encode() + b"> rest",  # ">" beyond the first block
    b"<" + b"ab" * (_CHUNK // 2 - 1) + b"> rest",  # ">" at the end of the first block
]


@pytest.mark.parametrize("source", WELL_FORMED, ids=range(len(WELL_FORMED)))
def test_a_string_and_the_position_after_it_are_pyhankos(source: bytes) -> None:
    ours, theirs = io.BytesIO(source), io.BytesIO(source)
    got = read_hex_string(ours)
    expected = _library_reader(theirs)
    assert type(got) is type(expected)
    assert got == expected
    assert ours.tell() == theirs.tell()
    assert ours.read() == b" rest"


@pytest.mark.parametrize(
    "source",
    [b"<4865zz6c>", b"<48656c6c6f", b"<", b"<48<65>"],
    ids=["not a digit", "no closing bracket", "nothing after the bracket", "nested"],
)
def test_a_malformed_string_fails_as_pyhanko_fails(source: bytes) -> None:
    with pytest.raises(PdfStreamError) as theirs:
        _library_reader(io.BytesIO(source))
    with pytest.raises(PdfStreamError) as ours:
        read_hex_string(io.BytesIO(source))
    assert str(ours.value) == str(theirs.value)


def test_signed_notices_are_read_with_it(flow: Flow) -> None:
    """Importing ``signing`` installs it; the signature's contents read back whole."""
    assert generic.read_hex_string_from_stream is read_hex_string
    reader = PdfFileReader(io.BytesIO(flow.signed))
    contents = reader.embedded_signatures[0].sig_object["/Contents"]
    assert isinstance(contents, generic.ByteStringObject)
    # The CMS (DER, a SEQUENCE) padded with zeros to the reserved room.
    assert contents.original_bytes[0] == 0x30
    assert len(contents.original_bytes) >= 8 * 1024
