"""The modification policy's departures from pyHanko's default, each both ways: what real
tools do passes, what an attacker would do with the same freedom fails."""

from __future__ import annotations

import io

from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY
from pyhanko.sign.diff_analysis.policy_api import SuspiciousModification

from signing.notice import NoticeSigning
from signing.timestamps import LocalTimeStamper
from signing.verify.engine import verify_pdf
from signing.verify.policy import WorkflowPolicy
from tests.support.flow import Flow
from tests.support.pki import RunningPki
from tests.support.verify import ROLES, crls, update


def archived(flow: Flow, running: RunningPki, signing: NoticeSigning) -> bytes:
    context = flow.store.validation_context(revocation="hard-fail", crls=crls(running))
    return signing.extend(flow.issued, LocalTimeStamper(running.services.tsa), context)


def rewrite_vri(data: bytes, extra: generic.StreamObject, *, reuse: bool = False) -> bytes:
    """Replace the first VRI entry by a new one holding one more validation object (as
    tools that refresh validation data do)."""

    reader = PdfFileReader(io.BytesIO(data))
    timestamp = reader.embedded_signatures[-1]
    # an entry the DSS already had when the document timestamp was made
    key = sorted(reader.get_historical_resolver(timestamp.signed_revision).root["/DSS"]["/VRI"])[0]

    def change(writer: IncrementalPdfFileWriter) -> None:
        dss = writer.root["/DSS"]
        vri = dss["/VRI"]
        entry = generic.DictionaryObject(dict(vri[key]))
        if reuse:  # an older stream of the document, rewritten as "validation data"
            page = writer.root["/Pages"]["/Kids"][0].get_object()
            stream_ref = page.raw_get("/Contents")
            stream = stream_ref.get_object()
            stream._data = b"q 1 1 1 rg 0 0 595 842 re f Q"  # the attack: a page painted white
            stream._encoded_data = None
            writer.mark_update(stream_ref)
        else:
            stream_ref = writer.add_object(extra)
        entry[generic.pdf_name("/Cert")] = generic.ArrayObject([stream_ref])
        vri[generic.pdf_name(key)] = writer.add_object(entry)
        raw = dss.raw_get("/VRI")
        writer.mark_update(
            raw if isinstance(raw, generic.IndirectObject) else writer.root.raw_get("/DSS")
        )

    return update(data, change)


def test_a_rewritten_vri_entry_is_maintenance(
    flow: Flow, running_pki: RunningPki, signing: NoticeSigning
) -> None:
    archive = archived(flow, running_pki, signing)
    der = running_pki.pki.certificate("issuing-ca").public_bytes(Encoding.DER)
    maintained = rewrite_vri(archive, generic.StreamObject(stream_data=der))
    # pyHanko's own policy refuses it (the reason for ours) ...
    reader = PdfFileReader(io.BytesIO(maintained))
    timestamp = reader.embedded_signatures[-1]
    verdict = DEFAULT_DIFF_POLICY.review_file(reader, timestamp.signed_revision)
    assert isinstance(verdict, SuspiciousModification)
    # ... ours accepts it for every signature and the document timestamp.
    report = verify_pdf(maintained, trust=flow.store, roles=ROLES)
    assert report.verdict == ("TOTAL-PASSED", None)


def test_a_vri_entry_claiming_a_page_stream_is_refused(
    flow: Flow, running_pki: RunningPki, signing: NoticeSigning
) -> None:
    archive = archived(flow, running_pki, signing)
    attacked = rewrite_vri(archive, generic.StreamObject(), reuse=True)
    report = verify_pdf(attacked, trust=flow.store, roles=ROLES)
    assert report.verdict == ("TOTAL-FAILED", "FORMAT_FAILURE")


def free(data: bytes, numbers: list[int]) -> bytes:
    """An incremental update whose xref section only frees ``numbers`` (as iText writes one)."""
    reader = PdfFileReader(io.BytesIO(data))
    last = reader.xrefs.total_revisions - 1
    size = int(reader.trailer["/Size"])
    root = reader.trailer.raw_get("/Root")
    previous = reader.xrefs.get_startxref_for_revision(last)
    section = [b"xref\n0 1\n0000000000 65535 f \n"]
    section += [f"{n} 1\n0000000000 00001 f \n".encode() for n in numbers]
    offset = len(data) + 1
    trailer = (
        f"trailer\n<< /Size {max(size, max(numbers) + 1)} /Root {root.idnum} "
        f"{root.generation} R /Prev {previous} >>\nstartxref\n{offset}\n%%EOF\n"
    )
    return data + b"\n" + b"".join(section) + trailer.encode()


def test_freeing_a_number_never_used_is_harmless(flow: Flow, running_pki: RunningPki) -> None:
    size = int(PdfFileReader(io.BytesIO(flow.issued)).trailer["/Size"])
    freed = free(flow.issued, [size + 3])
    assert verify_pdf(freed, trust=flow.store, roles=ROLES, crls=crls(running_pki)).verdict == (
        "TOTAL-PASSED",
        None,
    )


def test_freeing_an_object_of_the_signed_document_fails(
    flow: Flow, running_pki: RunningPki
) -> None:
    reader = PdfFileReader(io.BytesIO(flow.issued))
    content = reader.root["/Pages"]["/Kids"][0].get_object().raw_get("/Contents")
    freed = free(flow.issued, [content.idnum])
    report = verify_pdf(freed, trust=flow.store, roles=ROLES, crls=crls(running_pki))
    assert report.verdict == ("TOTAL-FAILED", "FORMAT_FAILURE")
    assert any("deletes objects" in f.en for s in report.signatures for f in s.findings)


def test_each_revision_is_reviewed_once_for_every_signature(flow: Flow) -> None:
    """Whichever signature asks, and however often, each later revision is reviewed once."""
    policy = WorkflowPolicy()
    reader = PdfFileReader(io.BytesIO(flow.issued))
    reviews = []
    original = policy.apply

    def counting(old, new, field_mdp_spec=None, doc_mdp=None):  # type: ignore[no-untyped-def]
        reviews.append(new.revision)
        return original(old, new, field_mdp_spec, doc_mdp)

    policy.apply = counting  # type: ignore[method-assign]
    for signature in reader.embedded_signatures:
        for _ in range(2):
            policy.review_file(reader, signature.signed_revision, doc_mdp=signature.docmdp_level)
    assert sorted(reviews) == sorted(set(reviews))
