"""Checks of the file's structure that pyHanko's verdict alone does not make.

Measured on pyHanko 0.38: a signature-wrapping file (the signed block moved, the
ByteRange rewritten), bytes appended after a signed revision without a proper xref,
trailing garbage after %%EOF, and a signature whose /V was removed all pass a naive loop
over ``embedded_signatures``. Each check here turns one of those into a finding.
"""

from __future__ import annotations

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature, extract_contents

from basics.said import Said, said

from .report import FAILED, PASSED, Finding
from .revisions import Revisions, catalog_at, signature_fields

__all__ = [
    "late_painted_fields",
    "removed_signatures",
    "signature_structure",
    "trailing_data",
]

_PADDING = b"\r\n\x00 \t\f"


def _format(message: Said) -> Finding:
    return Finding(FAILED, "FORMAT_FAILURE", message)


def trailing_data(data: bytes, revisions: Revisions) -> list[Finding]:
    """Nothing but padding (end-of-line, spaces, NUL bytes) may follow the last %%EOF."""
    tail = data[revisions.last_end :]
    if tail.strip(_PADDING):
        return [
            _format(
                said(
                    "{count} bytes follow the end of the file, outside every signed revision.",
                    count=len(tail),
                ),
            )
        ]
    if len(tail) > 2:
        return [
            Finding(
                PASSED,
                None,
                said(
                    "{count} bytes of padding (white space, NUL) follow the end of the file; "
                    "they carry no content.",
                    count=len(tail),
                ),
            )
        ]
    return []


def _object_offset(reader: PdfFileReader, ref: generic.Reference, depth: int = 0) -> int | None:
    if depth > 2:
        return None
    try:
        revision = reader.xrefs.get_last_change(ref)
        where = reader.xrefs.get_xref_data(revision).try_resolve(ref)
    except Exception:  # noqa: BLE001 - an object we cannot locate has no offset
        return None
    if isinstance(where, int):
        return where
    if where is None:
        return None
    stream = generic.Reference(where.obj_stream_id, 0, pdf=reader)
    return _object_offset(reader, stream, depth + 1)


def signature_structure(
    data: bytes, reader: PdfFileReader, signature: EmbeddedPdfSignature, revisions: Revisions
) -> list[Finding]:
    """The ByteRange must cover exactly the file up to a revision's end, minus this
    signature's own /Contents, and the signature dictionary must lie in the signed bytes."""
    name = signature.field_name
    try:
        start1, length1, start2, length2 = (int(v) for v in signature.byte_range)
    except (TypeError, ValueError):
        return [_format(said("{name}: malformed /ByteRange.", name=name))]
    gap_start, gap_end, end = start1 + length1, start2, start2 + length2
    if start1 != 0 or min(length1, length2) < 0 or gap_end < gap_start or end > len(data):
        return [
            _format(
                said("{name}: the signed byte range is absurd.", name=name),
            )
        ]
    findings = []
    gap = data[gap_start:gap_end]
    try:
        in_gap = bytes.fromhex(gap[1:-1].decode("ascii")) if gap[:1] + gap[-1:] == b"<>" else None
        contents = extract_contents(signature.sig_object)  # raw, never decrypted
    except (ValueError, KeyError, TypeError, PdfReadError):
        in_gap, contents = None, b""
    if in_gap is None or in_gap != contents:
        findings.append(
            _format(
                said(
                    "{name}: the unsigned gap is not this signature's /Contents (a "
                    "signature-wrapping attack).",
                    name=name,
                ),
            )
        )
    if end not in revisions.ends:
        findings.append(
            _format(
                said(
                    "{name}: the signed range does not end where a revision of the file ends.",
                    name=name,
                ),
            )
        )
    reference = signature.sig_field.raw_get("/V")
    offset = (
        _object_offset(reader, reference.reference)
        if isinstance(reference, generic.IndirectObject)
        else None
    )
    if offset is not None and not (0 <= offset < gap_start or gap_end <= offset < end):
        findings.append(
            _format(
                said("{name}: the signature dictionary lies outside the signed bytes.", name=name),
            )
        )
    return findings


def _filled(reader: PdfFileReader, revision: int | None) -> set[str]:
    return {
        name
        for name, field, _raw in signature_fields(catalog_at(reader, revision))
        if "/V" in field
    }


def removed_signatures(reader: PdfFileReader, present: frozenset[str]) -> list[Finding]:
    """A signature that an earlier revision holds must still be in the file.

    Revisions without a catalog of their own (linearized files, some tools' updates)
    simply hold no signature here; they are not a reason to doubt the others.
    """
    earlier: set[str] = set()
    for revision in range(reader.xrefs.total_revisions):
        earlier |= _filled(reader, revision)
    return [
        _format(
            said(
                "The signature {name} was present in an earlier revision and has been removed.",
                name=name,
            ),
        )
        for name in sorted(earlier - present)
    ]


def late_painted_fields(reader: PdfFileReader, first_signed: int | None) -> list[Finding]:
    """An empty signature field added after a signature must not draw on the page: a
    visible appearance would paint over signed content while counting as a harmless field."""
    if first_signed is None:
        return []
    findings = []
    for name, field, raw in signature_fields(catalog_at(reader, None)):
        if "/V" in field or not isinstance(raw, generic.IndirectObject):
            continue
        try:
            introduced = reader.xrefs.get_introducing_revision(raw.reference)
            appearance = field["/AP"]["/N"].get_object()
            draws = bool(appearance.data.strip())
        except Exception:  # noqa: BLE001 - no readable appearance draws nothing
            continue
        if introduced > first_signed and draws:
            findings.append(
                _format(
                    said(
                        "The empty signature field {name} was added after signing and draws on "
                        "the page.",
                        name=name,
                    ),
                )
            )
    return findings
