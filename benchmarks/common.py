"""What the benchmarks share: a median timer and a demo PKI made for the run."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from certs.demo import DemoPki, Holder
from certs.services import PkiServices

__all__ = ["OFFICE", "PASSPHRASE", "SIGNER", "demo_pki", "median_ms"]

PASSPHRASE = b"benchmark"
SIGNER = Holder("Nguyễn Trọng Vân", "nguyentrongvan@hatinh.dcs.vn")
OFFICE = Holder("Đảng ủy Khối", "dukhoicaccoquantinh@hatinh.dcs.vn")


def median_ms(job: Callable[[], object], runs: int) -> float:
    """Median wall time of ``job`` in milliseconds, after one warm-up call."""
    job()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        job()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def demo_pki() -> tuple[DemoPki, PkiServices]:
    """A throw-away demo PKI and its in-process services."""
    folder = Path(tempfile.mkdtemp(prefix="sovanban-bench-")) / "pki"
    pki = DemoPki.create(
        folder,
        passphrase=PASSPHRASE,
        base_url="http://127.0.0.1:9/pki",
        signer=SIGNER,
        organisation=OFFICE,
    )
    return pki, PkiServices(pki, PASSPHRASE)
