"""The signatures of a file, one field at a time: a broken one is a finding, not an unreadable file.

pyHanko's ``embedded_signatures`` gives up on the whole file at the first signature whose
/Contents is zeroed, empty or missing, whose /ByteRange is gone or whose dictionary was
overridden. A recipient must read "signature N is broken: why" instead, with the other
signatures judged as usual.
"""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import cms
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature, extract_contents

from .failures import describe
from .revisions import catalog_at, signature_fields, value_of

__all__ = ["BrokenSignature", "Collected", "collect_signatures"]

_KNOWN_SUBFILTERS = frozenset(str(sub.value) for sub in SigSeedSubFilter)


@dataclass(frozen=True)
class BrokenSignature:
    field: str
    vi: str
    en: str


@dataclass(frozen=True)
class Collected:
    signatures: tuple[EmbeddedPdfSignature, ...]  # in signing order
    broken: tuple[BrokenSignature, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(
            [*(s.field_name for s in self.signatures), *(b.field for b in self.broken)]
        )


def collect_signatures(reader: PdfFileReader) -> Collected:
    good: list[EmbeddedPdfSignature] = []
    broken: list[BrokenSignature] = []
    for name, field, _raw in signature_fields(catalog_at(reader, None)):
        if "/V" not in field:
            continue
        problem = _problem(field)
        if problem is not None:
            broken.append(BrokenSignature(name, *problem))
            continue
        try:
            good.append(EmbeddedPdfSignature(reader, field, name))
        except Exception as exc:  # noqa: BLE001 - whatever breaks it, it is broken
            detail = describe(exc)
            broken.append(
                BrokenSignature(
                    name,
                    f"dữ liệu chữ ký (CMS) không đọc được ({detail})",
                    f"its signature data (CMS) cannot be read ({detail})",
                )
            )
    good.sort(key=lambda signature: signature.signed_revision)
    return Collected(tuple(good), tuple(broken))


def _problem(field: generic.DictionaryObject) -> tuple[str, str] | None:
    """Why the signature in ``field`` cannot be validated at all, in words; None if it may."""
    try:
        value = field["/V"]
    except Exception:  # noqa: BLE001 - a dangling /V
        value = None
    if not isinstance(value, generic.DictionaryObject):
        return (
            "giá trị của trường (/V) không phải là một từ điển chữ ký",
            "the field's value (/V) is not a signature dictionary",
        )
    subfilter = value_of(value, "/SubFilter")
    if subfilter is not None and str(subfilter) not in _KNOWN_SUBFILTERS:
        return (
            f"định dạng chữ ký {subfilter} không được hỗ trợ",
            f"its signature format {subfilter} is not supported",
        )
    if "/ByteRange" not in value:
        return (
            "thiếu vùng dữ liệu được ký (/ByteRange)",
            "the signed range (/ByteRange) is missing",
        )
    if "/Contents" not in value:
        return "thiếu giá trị chữ ký (/Contents)", "the signature value (/Contents) is missing"
    try:
        contents = extract_contents(value)  # raw: signature values are never encrypted
    except Exception:  # noqa: BLE001 - not a string at all
        return (
            "giá trị chữ ký (/Contents) không phải là một chuỗi",
            "the signature value (/Contents) is not a string",
        )
    if not contents.strip(b"\x00"):
        return (
            "giá trị chữ ký (/Contents) rỗng hoặc toàn số 0",
            "the signature value (/Contents) is empty or all zeros",
        )
    try:
        signed = cms.ContentInfo.load(contents)["content"]
        signed["signer_infos"][0]["signature"].native  # noqa: B018 - parses what validation needs
    except Exception as exc:  # noqa: BLE001 - any parse failure
        detail = describe(exc)
        return (
            f"giá trị chữ ký (/Contents) không phải dữ liệu CMS hợp lệ ({detail})",
            f"the signature value (/Contents) is not valid CMS data ({detail})",
        )
    return None
