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

from basics.said import Said, said

from .failures import describe
from .revisions import catalog_at, signature_fields, value_of

__all__ = ["BrokenSignature", "Collected", "collect_signatures"]

_KNOWN_SUBFILTERS = frozenset(str(sub.value) for sub in SigSeedSubFilter)


@dataclass(frozen=True)
class BrokenSignature:
    field: str
    why: Said


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
            broken.append(BrokenSignature(name, problem))
            continue
        try:
            good.append(EmbeddedPdfSignature(reader, field, name))
        except Exception as exc:  # noqa: BLE001 - whatever breaks it, it is broken
            detail = describe(exc)
            broken.append(
                BrokenSignature(
                    name,
                    said("its signature data (CMS) cannot be read ({detail})", detail=detail),
                )
            )
    good.sort(key=lambda signature: signature.signed_revision)
    return Collected(tuple(good), tuple(broken))


def _problem(field: generic.DictionaryObject) -> Said | None:
    """Why the signature in ``field`` cannot be validated at all, in words; None if it may."""
    try:
        value = field["/V"]
    except Exception:  # noqa: BLE001 - a dangling /V
        value = None
    if not isinstance(value, generic.DictionaryObject):
        return said("the field's value (/V) is not a signature dictionary")
    subfilter = value_of(value, "/SubFilter")
    if subfilter is not None and str(subfilter) not in _KNOWN_SUBFILTERS:
        return said("its signature format {subfilter} is not supported", subfilter=subfilter)
    if "/ByteRange" not in value:
        return said("the signed range (/ByteRange) is missing")
    if "/Contents" not in value:
        return said("the signature value (/Contents) is missing")
    try:
        contents = extract_contents(value)  # raw: signature values are never encrypted
    except Exception:  # noqa: BLE001 - not a string at all
        return said("the signature value (/Contents) is not a string")
    if not contents.strip(b"\x00"):
        return said("the signature value (/Contents) is empty or all zeros")
    try:
        signed = cms.ContentInfo.load(contents)["content"]
        signed["signer_infos"][0]["signature"].native  # noqa: B018 - parses what validation needs
    except Exception as exc:  # noqa: BLE001 - any parse failure
        detail = describe(exc)
        return said(
            "the signature value (/Contents) is not valid CMS data ({detail})", detail=detail
        )
    return None
