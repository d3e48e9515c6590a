"""The verifier on files signed by tools we did not write: each gets the verdict its case states.

The corpus (tests/support/corpus) is made once per session with iText 5, PDFBox 2,
@signpdf, endesive, pyHanko's CLI, poppler's pdfsig and qpdf, then manipulated the ways
files are on their way. A case whose tool is missing here skips (fails under CI).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from signing.verify.engine import Roles, verify_pdf
from signing.verify.report import DocumentReport
from tests.support.components import require
from tests.support.corpus import CASES, Case, Corpus, build_corpus, case_named
from tests.support.pki import ORGANISATION, PASSPHRASE, SIGNER, RunningPki

ROLES = Roles(frozenset({ORGANISATION.email}), frozenset({SIGNER.email}))
# What a library's exception looks like when it is shown raw instead of said in words.
_RAW = re.compile(r"\w+(Error|Exception)\(|<\w[\w.]* object at 0x|Traceback")
# The corpus takes a minute to make: one worker makes it and runs every case.
pytestmark = pytest.mark.xdist_group("corpus")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory, running_pki: RunningPki) -> Corpus:
    folder: Path = tmp_path_factory.mktemp("corpus")
    return build_corpus(folder, running_pki.pki, running_pki.services, PASSPHRASE)


def _verify(corpus: Corpus, case: Case) -> DocumentReport:
    require(case.name, case.name not in corpus.missing, corpus.missing.get(case.name, ""))
    return verify_pdf(
        corpus.files[case.name].read_bytes(),
        trust=corpus.keys.trust(intermediates=case.intermediates),
        roles=ROLES,
        crls=corpus.keys.crls() if case.feed_crls else [],
    )


def _messages(report: DocumentReport, lang: str) -> Iterator[str]:
    data = report.as_dict(lang)
    yield from data["messages"]
    for signature in data["signatures"]:
        yield from signature["messages"]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_file_gets_the_verdict_its_case_states(corpus: Corpus, case: Case) -> None:
    report = _verify(corpus, case)
    indication, sub = report.verdict
    english = list(_messages(report, "en"))
    assert indication == case.expect[0] and sub in case.expect[1], (case.why, english)
    if case.says:
        assert any(case.says in message for message in english), english
    assert len(report.overlays) == case.overlays, report.overlays
    for message in [*english, *_messages(report, "vi")]:
        assert not _RAW.search(message), message


def test_the_page_seal_workflow_names_every_signature(corpus: Corpus) -> None:
    """The Government's way: the signer certifies, then a seal signature on every page."""
    case = case_named("itext-page-seals-certified")
    report = _verify(corpus, case)
    fields = [s.field for s in report.signatures]
    assert fields == ["chu_ky_nguoi_ky", *(f"dau_trang_{page}" for page in range(1, 7))]
    assert [s.role for s in report.signatures] == ["personal", *["organisation"] * 6]
    assert all(s.indication == "TOTAL-PASSED" for s in report.signatures)
    # Each earlier signature is followed by signatures only, never by other changes.
    assert {s.modifications for s in report.signatures[:-1]} == {"form_filling"}


def test_a_later_seal_over_signed_text_is_shown_with_its_page(corpus: Corpus) -> None:
    report = _verify(corpus, case_named("itext-seal-over-signed-text"))
    (overlay,) = report.overlays
    assert (overlay.page, overlay.field, overlay.over) == (1, "dau_de_chu", ("chu_ky_nguoi_ky",))
    assert report.as_dict()["overlays"][0]["page"] == 1


def test_the_local_time_quirk_shows_the_timestamps_time(corpus: Corpus) -> None:
    report = _verify(corpus, case_named("itext-local-time-quirk"))
    (signature,) = report.signatures
    assert signature.timestamp is not None
    assert signature.signing_time == signature.timestamp.time
    assert signature.claimed_signing_time is not None
    assert signature.claimed_signing_time > signature.signing_time  # 7 hours ahead


def test_revocation_found_in_the_signature_itself_is_good(corpus: Corpus) -> None:
    report = _verify(corpus, case_named("itext-crl-in-the-signature"))
    assert [s.revocation for s in report.signatures] == ["good"]
