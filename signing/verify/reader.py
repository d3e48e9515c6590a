"""pyHanko's PDF reader, reading each object stream's index once, and letting go of the
views of revisions the review is done with.

pyHanko decodes a whole object stream and scans its index again for every object taken
from it: quadratic in the objects per stream. Word processors' exports put thousands of
structure elements in object streams (a ten-page decree: 6,000 objects, 3.5 s of the
verification in that scan). Here the decoded stream and its index are kept per stream;
anything irregular is left to pyHanko's own reading, so the objects are the same.
"""

from __future__ import annotations

import io
import re
from typing import Any

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader

__all__ = ["VerifyingReader"]

_NUMBER = re.compile(rb"\d+")
_HEADER = re.compile(rb"\s*(?:\d+\s+\d+\s*)*")


class VerifyingReader(PdfFileReader):
    def __init__(self, stream: io.BytesIO, strict: bool = False) -> None:
        self._object_streams: dict[int, tuple[bytes, dict[int, int]] | None] = {}
        super().__init__(stream, strict=strict)

    def forget_revision(self, revision: int) -> None:
        """Drop the cached view of ``revision`` (made again if asked for): each view holds
        its own copy of every object it reached, and a file signed 25 times has 26."""
        self._historical_resolver_cache.pop(revision, None)

    def _get_object_from_stream(self, idnum: int, stmnum: int, idx: int) -> Any:
        if stmnum not in self._object_streams:
            self._object_streams[stmnum] = self._index(stmnum)
        indexed = self._object_streams[stmnum]
        offset = indexed[1].get(idnum) if indexed is not None else None
        if indexed is None or offset is None:
            return super()._get_object_from_stream(idnum, stmnum, idx)
        buffer = io.BytesIO(indexed[0])
        buffer.seek(offset)
        try:
            return generic.read_object(buffer, generic.Reference(idnum, 0, self))
        except (misc.PdfStreamError, misc.PdfReadError):
            return super()._get_object_from_stream(idnum, stmnum, idx)

    def _index(self, stmnum: int) -> tuple[bytes, dict[int, int]] | None:
        """The decoded stream and where each object starts in it; None when irregular."""
        try:
            stream = generic.Reference(stmnum, 0, self).get_object()
            if not isinstance(stream, generic.StreamObject) or stream["/Type"] != "/ObjStm":
                return None
            count, first = int(stream["/N"]), int(stream["/First"])
            data = stream.read_data(DecodePurpose.OBJECT_STREAM)
        except Exception:  # noqa: BLE001 - pyHanko's own reading will say what is wrong
            return None
        header = data[:first]
        if not _HEADER.fullmatch(header):
            return None
        numbers = [int(n) for n in _NUMBER.findall(header)]
        if count < 0 or len(numbers) < 2 * count:
            return None
        offsets: dict[int, int] = {}
        pairs = zip(numbers[0 : 2 * count : 2], numbers[1 : 2 * count : 2], strict=True)
        for objnum, offset in pairs:
            offsets.setdefault(objnum, first + offset)  # the first entry wins, as in pyHanko
        return data, offsets
