"""The revisions of a file as bytes and as catalogs, read so that no odd revision breaks them.

Real files have revisions without a catalog of their own (the first-page section of a
linearized file, the main section whose trailer holds only /Size, some tools' updates):
pyHanko then raises anything from KeyError to a bare AssertionError. Here such a revision
simply has no catalog, and the end of every revision is taken from the bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

__all__ = ["Revisions", "catalog_at", "read_revisions", "signature_fields", "value_of"]

_EOF = re.compile(rb"%%EOF[ \t]*(\r\n|\r|\n)?")
_MAX_FIELD_DEPTH = 32


@dataclass(frozen=True)
class Revisions:
    count: int
    # Every offset where a revision's bytes may end: right after its %%EOF, or after the
    # end-of-line that follows it (tools sign either way; both are the same revision).
    ends: frozenset[int]
    last_end: int  # the end of the last revision, its end-of-line included


def read_revisions(data: bytes, reader: PdfFileReader) -> Revisions:
    ends: set[int] = set()
    last = 0
    total = reader.xrefs.total_revisions
    for revision in range(total):
        try:
            start = reader.xrefs.get_xref_container_info(revision).end_location
        except Exception:  # noqa: BLE001 - an unreadable section has no known end
            continue
        match = _EOF.search(data, start)
        if match is None:
            continue
        ends.add(match.start() + len(b"%%EOF"))
        ends.add(match.end())
        last = max(last, match.end())
    return Revisions(total, frozenset(ends), last or len(data))


def value_of(dictionary: generic.DictionaryObject, key: str, default: Any = None) -> Any:
    """``dictionary[key]`` resolved and decrypted, or ``default`` (``dict.get`` of pyHanko's
    dictionaries returns the raw, unresolved and still encrypted value)."""
    try:
        return dictionary[key]
    except (KeyError, TypeError):
        return default
    except Exception:  # noqa: BLE001 - a dangling or unreadable value is no value
        return default


def catalog_at(reader: PdfFileReader, revision: int | None) -> generic.DictionaryObject | None:
    """The document catalog as of ``revision`` (``None``: the final file), if it has one."""
    try:
        root = reader.root if revision is None else reader.get_historical_resolver(revision).root
    except Exception:  # noqa: BLE001 - no catalog in this revision, whatever pyHanko raises
        return None
    return root if isinstance(root, generic.DictionaryObject) else None


def signature_fields(
    catalog: generic.DictionaryObject | None,
) -> Iterator[tuple[str, generic.DictionaryObject, generic.PdfObject]]:
    """(full name, field dictionary, raw entry) of every /Sig field of the form, at any
    depth; loops and absurd nesting end the walk instead of the process."""
    if catalog is None:
        return
    try:
        fields = catalog["/AcroForm"]["/Fields"]
    except (KeyError, TypeError, AttributeError):
        return
    seen: set[tuple[int, int]] = set()
    yield from _walk(fields, "", 0, seen)


def _walk(
    items: Any, prefix: str, depth: int, seen: set[tuple[int, int]]
) -> Iterator[tuple[str, generic.DictionaryObject, generic.PdfObject]]:
    if depth > _MAX_FIELD_DEPTH or not isinstance(items, generic.ArrayObject):
        return
    for item in items:
        if isinstance(item, generic.IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
        try:
            field = item.get_object()
        except Exception:  # noqa: BLE001 - a dangling reference is no field
            continue
        if not isinstance(field, generic.DictionaryObject):
            continue
        name = prefix + str(value_of(field, "/T", ""))
        kind = value_of(field, "/FT")
        if kind is None and "/Kids" in field and "/T" in field:
            yield from _walk(value_of(field, "/Kids"), name + ".", depth + 1, seen)
        elif kind == "/Sig":
            yield name, field, item
