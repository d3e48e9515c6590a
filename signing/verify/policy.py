"""What may change after a signature: pyHanko's difference analysis, set for real workflows.

The rules (written out for people in docs/verification-policy.md):

- After a signature: filling in its form fields (unless it locks them), further
  signatures, visible ones included (the Government's seal on every page, a certified
  document signed again), validation data (DSS/VRI) and document timestamps.
- After a document timestamp: validation data and further timestamps.
- Never: page content, new pages, annotations that are not signature widgets, a changed
  value of a field that an earlier signature locks, a deleted field, an empty field that
  draws on the page (checked beside this policy), freeing an object the signed revision held.

Three departures from pyHanko's default policy, each seen in files of other tools:

1. A certification signature allowing form filling and signing (DocMDP P=2) may be followed
   by new visible signature fields (pyHanko refuses them; Acrobat and iText accept them).
2. Updating a VRI entry of the DSS is maintenance of validation data, as adding one is
   (pyHanko refuses any change to an existing entry; long-term tools rewrite them).
3. Freeing an object number the signed revision could not have used is harmless
   (iText frees such a number in every incremental update of a file with xref streams).

Each revision is reviewed once, against the one before it, and the result shared by every
signature it follows: the cost grows with the revisions, not with their square as when
every signature reviews every later revision against its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader, RawPdfPath
from pyhanko.sign.diff_analysis.form_rules_api import FormUpdatingRule
from pyhanko.sign.diff_analysis.policies import StandardDiffPolicy
from pyhanko.sign.diff_analysis.policy_api import (
    DiffResult,
    ModificationLevel,
    SuspiciousModification,
)
from pyhanko.sign.diff_analysis.rules.file_structure_rules import (
    CatalogModificationRule,
    ObjectStreamRule,
    XrefStreamRule,
)
from pyhanko.sign.diff_analysis.rules.form_field_rules import (
    DSSCompareRule,
    GenericFieldModificationRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
)
from pyhanko.sign.diff_analysis.rules.metadata_rules import DocInfoRule, MetadataUpdateRule
from pyhanko.sign.diff_analysis.rules_api import Context, ReferenceUpdate, WhitelistRule
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm

from .reader import VerifyingReader
from .revisions import catalog_at, value_of

__all__ = ["WorkflowPolicy"]

_LTA = ModificationLevel.LTA_UPDATES


_DSS_KEYS = frozenset({"/Type", "/VRI", "/Certs", "/CRLs", "/OCSPs"})
_VRI_KEYS = frozenset({"/Type", "/TU", "/TS", "/Cert", "/CRL", "/OCSP"})
_DER_ARRAYS = frozenset({"/Certs", "/CRLs", "/OCSPs", "/Cert", "/CRL", "/OCSP"})


class _MaintainedDSSRule(WhitelistRule):
    """pyHanko's DSS rule; where it refuses only because a VRI entry was rewritten or
    dropped, the new DSS is vetted on its own: validation data in the expected shape,
    new DER streams only, older dictionaries and arrays approved at their DSS path."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterator[ReferenceUpdate]:
        try:
            approved = list(DSSCompareRule().apply(old, new))
        except SuspiciousModification as exc:
            if "VRI key" not in str(exc):
                raise
            approved = list(_vet_dss(old, new))
        yield from approved


def _vet_dss(old: HistoricalResolver, new: HistoricalResolver) -> Iterator[ReferenceUpdate]:
    written = new.explicit_refs_in_revision()
    root = new.root
    yield from _approve(old, written, root.raw_get("/DSS"), ("/Root", "/DSS"))
    dss = root["/DSS"]
    if not isinstance(dss, generic.DictionaryObject) or not set(dss.keys()) <= _DSS_KEYS:
        raise SuspiciousModification("the DSS holds something other than validation data")
    for key in dss.keys() & _DER_ARRAYS:
        yield from _der_array(old, written, dss.raw_get(key), ("/Root", "/DSS", key))
    if "/VRI" not in dss:
        return
    yield from _approve(old, written, dss.raw_get("/VRI"), ("/Root", "/DSS", "/VRI"))
    vri = dss["/VRI"]
    if not isinstance(vri, generic.DictionaryObject):
        raise SuspiciousModification("the DSS's /VRI is not a dictionary")
    for signature_key in list(vri):
        path = ("/Root", "/DSS", "/VRI", signature_key)
        yield from _approve(old, written, vri.raw_get(signature_key), path)
        entry = vri[signature_key]
        if not isinstance(entry, generic.DictionaryObject) or not set(entry.keys()) <= _VRI_KEYS:
            raise SuspiciousModification(f"the VRI entry {signature_key} is not validation data")
        for key in entry.keys() & _DER_ARRAYS:
            yield from _der_array(old, written, entry.raw_get(key), (*path, key))
        if "/TS" in entry:
            yield from _der_stream(old, written, entry.raw_get("/TS"))


def _approve(
    old: HistoricalResolver,
    written: set[generic.Reference],
    value: generic.PdfObject,
    path: tuple[str, ...],
) -> Iterator[ReferenceUpdate]:
    """A dictionary or array of the DSS written in this revision: new, or older and
    approved only where the DSS reaches it (other uses must be cleared by other rules)."""
    if not isinstance(value, generic.IndirectObject) or value.reference not in written:
        return
    if isinstance(value.get_object(), generic.StreamObject):
        raise SuspiciousModification(f"a stream stands where the DSS expects {path[-1]}")
    if old.is_ref_unassignable(value.reference):
        yield ReferenceUpdate(value.reference)
    else:
        yield ReferenceUpdate(
            value.reference, context_checked=Context.from_absolute(old, RawPdfPath(*path))
        )


def _der_array(
    old: HistoricalResolver,
    written: set[generic.Reference],
    value: generic.PdfObject,
    path: tuple[str, ...],
) -> Iterator[ReferenceUpdate]:
    yield from _approve(old, written, value, path)
    items = value.get_object()
    if not isinstance(items, generic.ArrayObject):
        raise SuspiciousModification(f"{path[-1]} in the DSS is not an array")
    for item in items:
        yield from _der_stream(old, written, item)


def _der_stream(
    old: HistoricalResolver, written: set[generic.Reference], item: generic.PdfObject
) -> Iterator[ReferenceUpdate]:
    """Validation data is DER in streams of its own, new in this revision or older."""
    if not isinstance(item, generic.IndirectObject) or not isinstance(
        item.get_object(), generic.StreamObject
    ):
        raise SuspiciousModification("the DSS lists something other than a data stream")
    if item.reference in written:
        if not old.is_ref_unassignable(item.reference):
            raise SuspiciousModification(f"the DSS update overwrites the older stream {item}")
        yield ReferenceUpdate(item.reference)


class _WrittenFormRule(FormUpdatingRule):
    """pyHanko's form rule, keeping only updates of objects this revision wrote: reviewed
    against the revision before, its rules also approve an unchanged field's older
    appearance, which would count the field as changed (and trip the signature's lock).

    It also notes, per revision, an update that a certification signature forbids, so that
    one review serves approval and certification signatures alike."""

    def __init__(self, field_rules: list[Any]) -> None:
        super().__init__(field_rules=field_rules)
        self.refused_after_certification: dict[int, generic.Reference] = {}

    def apply(
        self, old: HistoricalResolver, new: HistoricalResolver
    ) -> Iterator[tuple[ModificationLevel, Any]]:
        written = new.explicit_refs_in_revision()
        for level, update in super().apply(old, new):
            if update.updated_ref not in written:
                continue
            if not getattr(update, "valid_when_certifying", True):
                self.refused_after_certification.setdefault(new.revision, update.updated_ref)
            yield level, update


class WorkflowPolicy(StandardDiffPolicy):
    """One per verification: it remembers each revision's review."""

    def __init__(self) -> None:
        self._form = _WrittenFormRule(
            field_rules=[
                SigFieldCreationRule(allow_new_visible_after_certify=True),
                SigFieldModificationRule(),
                GenericFieldModificationRule(),
            ],
        )
        super().__init__(
            global_rules=[
                CatalogModificationRule(),
                DocInfoRule().as_qualified(_LTA),
                XrefStreamRule().as_qualified(_LTA),
                ObjectStreamRule().as_qualified(_LTA),
                _MaintainedDSSRule().as_qualified(_LTA),
                MetadataUpdateRule().as_qualified(_LTA),
            ],
            form_rule=self._form,
            reject_object_freeing=False,  # judged in apply(), object by object
        )
        self._steps: dict[int, DiffResult | SuspiciousModification] = {}
        self._fields: dict[int, frozenset[str]] = {}

    def apply(
        self,
        old: HistoricalResolver,
        new: HistoricalResolver,
        field_mdp_spec: FieldMDPSpec | None = None,
        doc_mdp: MDPPerm | None = None,
    ) -> DiffResult:
        held = sorted(
            ref.idnum for ref in new.refs_freed_in_revision() if not old.is_ref_unassignable(ref)
        )
        if held:
            raise SuspiciousModification(
                f"revision {new.revision} deletes objects of the signed document "
                f"(object numbers {', '.join(map(str, held[:5]))})"
            )
        return super().apply(old, new, field_mdp_spec, doc_mdp)

    def review_file(
        self,
        reader: PdfFileReader,
        base_revision: int | HistoricalResolver,
        field_mdp_spec: FieldMDPSpec | None = None,
        doc_mdp: MDPPerm | None = None,
    ) -> DiffResult | SuspiciousModification:
        base = base_revision if isinstance(base_revision, int) else base_revision.revision
        level, changed = ModificationLevel.NONE, set()
        refused = self._form.refused_after_certification
        for revision in range(base + 1, reader.xrefs.total_revisions):
            step = self._step(reader, revision)
            if isinstance(step, SuspiciousModification):
                return step
            if doc_mdp is not None and revision in refused:
                return SuspiciousModification(
                    f"the update of {refused[revision]} in revision {revision} is allowed "
                    "after an approval signature, not after a certification"
                )
            locked = [
                name
                for name in sorted(step.changed_form_fields)
                if self._locks(reader, base, field_mdp_spec, name)
            ]
            if locked:
                return SuspiciousModification(
                    f"the form field {locked[0]} is locked by the signature and was changed "
                    f"in revision {revision}"
                )
            level = max(level, step.modification_level)
            changed |= step.changed_form_fields
        return DiffResult(level, changed)

    def _step(self, reader: PdfFileReader, revision: int) -> DiffResult | SuspiciousModification:
        if revision not in self._steps:
            try:
                self._steps[revision] = self.apply(
                    reader.get_historical_resolver(revision - 1),
                    reader.get_historical_resolver(revision),
                )
            except SuspiciousModification as exc:
                self._steps[revision] = exc
            if isinstance(reader, VerifyingReader):
                reader.forget_revision(revision - 1)  # the next step starts from this one
        return self._steps[revision]

    def _locks(
        self, reader: PdfFileReader, base: int, spec: FieldMDPSpec | None, name: str
    ) -> bool:
        """A lock covers the fields the signed revision had; fields created later are other
        people's (a seal added after signing), unless the lock names them."""
        if spec is None or not spec.is_locked(name):
            return False
        if spec.action == FieldMDPAction.INCLUDE:
            return True
        return name in self._fields_at(reader, base)

    def _fields_at(self, reader: PdfFileReader, revision: int) -> frozenset[str]:
        if revision not in self._fields:
            self._fields[revision] = frozenset(_field_names(catalog_at(reader, revision)))
        return self._fields[revision]


def _field_names(catalog: generic.DictionaryObject | None, limit: int = 32) -> set[str]:
    names: set[str] = set()
    try:
        fields = catalog["/AcroForm"]["/Fields"] if catalog is not None else []
    except (KeyError, TypeError, AttributeError):
        return names

    def walk(items: Any, prefix: str, depth: int) -> None:
        if depth > limit or not isinstance(items, generic.ArrayObject):
            return
        for item in items:
            try:
                field = item.get_object()
            except Exception:  # noqa: BLE001 - a dangling reference names nothing
                continue
            if not isinstance(field, generic.DictionaryObject) or "/T" not in field:
                continue
            name = prefix + str(field["/T"])
            names.add(name)
            walk(value_of(field, "/Kids"), name + ".", depth + 1)

    walk(fields, "", 0)
    return names
