"""Checks of the file's structure that pyHanko's verdict alone does not make.

Measured on pyHanko 0.38: a signature-wrapping file (the signed block moved, the
ByteRange rewritten), bytes appended after a signed revision without a proper xref,
trailing garbage after %%EOF, and a signature whose /SubFilter is unknown or whose /V
was removed all pass a naive loop over ``embedded_signatures``. Each check here turns
one of those into a finding.
"""

from __future__ import annotations

import re

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

from .report import FAILED, Finding

__all__ = [
    "late_painted_fields",
    "revision_ends",
    "signature_structure",
    "trailing_data",
    "unvalidated_signatures",
]

_EOF = re.compile(rb"%%EOF[ \t]*(\r\n|\r|\n)?")


def _format(vi: str, en: str) -> Finding:
    return Finding(FAILED, "FORMAT_FAILURE", vi, en)


def revision_ends(data: bytes, reader: PdfFileReader) -> list[int]:
    """Where each revision of the xref chain ends: just after its %%EOF (and end-of-line)."""
    ends = []
    for revision in range(reader.xrefs.total_revisions):
        start = reader.xrefs.get_xref_container_info(revision).end_location
        match = _EOF.search(data, start)
        if match is not None:
            ends.append(match.end())
    return ends


def trailing_data(data: bytes, reader: PdfFileReader) -> list[Finding]:
    """Nothing but end-of-line characters may follow the last revision's %%EOF."""
    ends = revision_ends(data, reader)
    last = max(ends, default=len(data))
    if data[last:].strip(b"\r\n\x00 \t"):
        extra = len(data) - last
        return [
            _format(
                f"Có {extra} byte nằm sau điểm kết thúc của tệp, ngoài mọi phiên bản được ký.",
                f"{extra} bytes follow the end of the file, outside every signed revision.",
            )
        ]
    return []


def _object_offset(reader: PdfFileReader, ref: generic.Reference) -> int | None:
    try:
        revision = reader.xrefs.get_last_change(ref)
        where = reader.xrefs.get_xref_data(revision).try_resolve(ref)
        if isinstance(where, int):
            return where
        if where is None:
            return None
        stream = generic.Reference(where.obj_stream_id, 0, pdf=reader)
        return _object_offset(reader, stream)
    except (KeyError, AttributeError):
        return None


def signature_structure(
    data: bytes, reader: PdfFileReader, signature: EmbeddedPdfSignature, ends: list[int]
) -> list[Finding]:
    """The ByteRange must cover exactly the file up to a revision's end, minus this
    signature's own /Contents, and the signature dictionary must lie in the signed bytes."""
    name = signature.field_name
    try:
        start1, length1, start2, length2 = (int(v) for v in signature.byte_range)
    except (TypeError, ValueError):
        return [
            _format(f"Chữ ký {name}: /ByteRange không hợp lệ.", f"{name}: malformed /ByteRange.")
        ]
    gap_start, gap_end, end = start1 + length1, start2, start2 + length2
    if start1 != 0 or min(length1, length2) < 0 or gap_end < gap_start or end > len(data):
        return [
            _format(
                f"Chữ ký {name}: vùng được ký (/ByteRange) vô lý.",
                f"{name}: the signed byte range is absurd.",
            )
        ]
    findings = []
    gap = data[gap_start:gap_end]
    try:
        in_gap = bytes.fromhex(gap[1:-1].decode("ascii")) if gap[:1] + gap[-1:] == b"<>" else None
        contents = bytes(signature.sig_object["/Contents"])
    except (ValueError, KeyError, TypeError):
        in_gap, contents = None, b""
    if in_gap is None or in_gap != contents:
        findings.append(
            _format(
                f"Chữ ký {name}: khoảng trống trong vùng ký không phải là nội dung của chữ ký này "
                "(dấu hiệu tấn công bọc chữ ký).",
                f"{name}: the unsigned gap is not this signature's /Contents "
                "(a signature-wrapping attack).",
            )
        )
    if end not in ends:
        findings.append(
            _format(
                f"Chữ ký {name}: vùng ký không kết thúc ở cuối một phiên bản của tệp.",
                f"{name}: the signed range does not end where a revision of the file ends.",
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
                f"Chữ ký {name}: từ điển chữ ký nằm ngoài vùng được ký.",
                f"{name}: the signature dictionary lies outside the signed bytes.",
            )
        )
    return findings


def _filled_signature_fields(reader: PdfFileReader, revision: int | None) -> set[str]:
    """Names of the /Sig fields that carry a value, in the final file or in ``revision``."""
    names: set[str] = set()
    try:
        root = reader.root if revision is None else reader.get_historical_resolver(revision).root
        fields = root["/AcroForm"]["/Fields"]
    except (KeyError, TypeError, AttributeError):
        return names

    def walk(items: generic.ArrayObject, prefix: str, depth: int) -> None:
        if depth > 20:
            return
        for item in items:
            field = item.get_object()
            if not isinstance(field, generic.DictionaryObject):
                continue
            name = prefix + str(field.get("/T", ""))
            if "/Kids" in field and "/T" in field and "/FT" not in field:
                walk(field["/Kids"], name + ".", depth + 1)
            elif field.get("/FT") == "/Sig" and "/V" in field:
                names.add(name)

    walk(fields, "", 0)
    return names


def unvalidated_signatures(reader: PdfFileReader, validated: set[str]) -> list[Finding]:
    """Every filled signature field of every revision must still be there and be validated."""
    findings = []
    present = _filled_signature_fields(reader, None)
    for name in sorted(present - validated):
        findings.append(
            _format(
                f"Trường chữ ký {name} có chữ ký ở định dạng không hỗ trợ hoặc hỏng: không kiểm "
                "tra được.",
                f"The signature in field {name} has an unsupported or broken format: "
                "it cannot be verified.",
            )
        )
    earlier: set[str] = set()
    for revision in range(reader.xrefs.total_revisions):
        earlier |= _filled_signature_fields(reader, revision)
    for name in sorted(earlier - present):
        findings.append(
            _format(
                f"Chữ ký {name} có trong một phiên bản trước nhưng đã bị gỡ khỏi tệp.",
                f"The signature {name} was present in an earlier revision and has been removed.",
            )
        )
    return findings


def _signature_widgets(reader: PdfFileReader) -> list[tuple[str, generic.IndirectObject]]:
    """(name, reference) of the empty signature fields, merged field/widget dictionaries."""
    found: list[tuple[str, generic.IndirectObject]] = []
    try:
        fields = reader.root["/AcroForm"]["/Fields"]
    except (KeyError, TypeError):
        return found
    for item in fields:
        field = item.get_object()
        if (
            isinstance(item, generic.IndirectObject)
            and isinstance(field, generic.DictionaryObject)
            and field.get("/FT") == "/Sig"
            and "/V" not in field
        ):
            found.append((str(field.get("/T", "")), item))
    return found


def late_painted_fields(reader: PdfFileReader, signed_revisions: list[int]) -> list[Finding]:
    """An empty signature field added after a signature must not draw on the page: a
    visible appearance would paint over signed content while counting as a harmless field."""
    if not signed_revisions:
        return []
    first_signed = min(signed_revisions)
    findings = []
    for name, reference in _signature_widgets(reader):
        try:
            introduced = reader.xrefs.get_introducing_revision(reference.reference)
            appearance = reference.get_object()["/AP"]["/N"].get_object()
            draws = bool(appearance.data.strip())
        except (KeyError, TypeError, AttributeError):
            continue
        if introduced > first_signed and draws:
            findings.append(
                _format(
                    f"Trường chữ ký trống {name} được thêm sau khi ký và vẽ lên trang.",
                    f"The empty signature field {name} was added after signing and draws on "
                    "the page.",
                )
            )
    return findings
