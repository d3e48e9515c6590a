"""What the benchmarks share: a median timer, a demo PKI and a scratch PostgreSQL database
made for the run."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text

from certs.builder import KeyType
from certs.demo import DemoPki, Holder
from certs.services import PkiServices

__all__ = [
    "OFFICE",
    "PASSPHRASE",
    "POSTGRES_ADMIN_URL",
    "SIGNER",
    "demo_pki",
    "median_ms",
    "scratch_postgres",
]

POSTGRES_ADMIN_URL = os.environ.get(
    "SOVANBAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

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


def interleaved_median_ms(jobs: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median wall time of each job in milliseconds, the jobs taking turns run after run (after
    one warm-up call each), so that the machine's drift falls on all of them alike."""
    for job in jobs.values():
        job()
    times: dict[str, list[float]] = {label: [] for label in jobs}
    for _ in range(runs):
        for label, job in jobs.items():
            started = time.perf_counter()
            job()
            times[label].append((time.perf_counter() - started) * 1000)
    return {label: statistics.median(found) for label, found in times.items()}


def demo_pki(key_type: KeyType = "rsa") -> tuple[DemoPki, PkiServices]:
    """A throw-away demo PKI of ``key_type`` keys and its in-process services."""
    folder = Path(tempfile.mkdtemp(prefix="sovanban-bench-")) / "pki"
    pki = DemoPki.create(
        folder,
        passphrase=PASSPHRASE,
        base_url="http://127.0.0.1:9/pki",
        signer=SIGNER,
        organisation=OFFICE,
        key_type=key_type,
    )
    return pki, PkiServices(pki, PASSPHRASE)


@contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """A new PostgreSQL database for the run (its URL), dropped at the end."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def library_as_shipped() -> Iterator[None]:
    """pyHanko and asn1crypto without our two fixes of their internals (signing/hex_strings.py,
    certs/name_prep.py) for the time of the block: the floor as an expert gets it."""
    from asn1crypto import x509
    from pyhanko.pdf_utils import generic

    from certs import name_prep
    from signing.hex_strings import _library_reader, read_hex_string

    generic.read_hex_string_from_stream = _library_reader
    x509.NameTypeAndValue._ldap_string_prep = name_prep._library_prep
    try:
        yield
    finally:
        generic.read_hex_string_from_stream = read_hex_string
        name_prep.install()
