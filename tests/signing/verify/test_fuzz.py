"""Mutated signed PDFs: the verifier answers every one with a verdict or a clean refusal."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certs.trust import TrustStore
from signing.errors import UnusablePdfError
from signing.verify.engine import verify_pdf
from tests.support.pdfs import self_signed_pdf

SIGNED = self_signed_pdf()
TRUST = TrustStore(anchors=())


def mutations() -> st.SearchStrategy[bytes]:
    position = st.integers(min_value=0, max_value=len(SIGNED) - 1)
    flip = st.tuples(position, st.integers(1, 255)).map(
        lambda p: SIGNED[: p[0]] + bytes([SIGNED[p[0]] ^ p[1]]) + SIGNED[p[0] + 1 :]
    )
    cut = position.map(lambda p: SIGNED[:p])
    insert = st.tuples(position, st.binary(min_size=1, max_size=64)).map(
        lambda p: SIGNED[: p[0]] + p[1] + SIGNED[p[0] :]
    )
    splice = st.tuples(position, position).map(
        lambda p: SIGNED[: min(p)] + SIGNED[max(p) :] + SIGNED[min(p) : max(p)]
    )
    return st.one_of(flip, cut, insert, splice)


@pytest.mark.slow
@settings(
    max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(mutations())
def test_no_crash_no_hang(mutated: bytes) -> None:
    started = time.monotonic()
    try:
        report = verify_pdf(mutated, trust=TRUST, time_limit=10)
    except UnusablePdfError:
        pass
    else:
        assert report.verdict[0] in {"TOTAL-PASSED", "TOTAL-FAILED", "INDETERMINATE"}
        # Without a trust anchor nothing can pass.
        assert report.verdict[0] != "TOTAL-PASSED"
    assert time.monotonic() - started < 10
