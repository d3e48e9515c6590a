"""Number allocations per second, ours against the raw database operation, in one run.

    python benchmarks/numbering.py [--per-worker 200] [--workers 1,4,16]

For SQLite (a temporary file) and PostgreSQL (a temporary database on
SOVANBAN_TEST_POSTGRES_URL, skipped when unreachable), with 1, 4 and 16 worker
processes. "ours" is ``registry.numbering.allocate_number`` in its own transaction
(series lookup, counter update, register row, savepoint); "raw" is the bare driver
doing the same two writes (``UPDATE … RETURNING`` on a counter, ``INSERT`` of the
number) in a transaction. The ratio is raw/ours: what the registry's care costs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from multiprocessing.synchronize import Barrier
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text

from benchmarks.common import POSTGRES_ADMIN_URL
from registry.config import load_config
from registry.db import make_engine, make_session_factory, migrate
from registry.models import Issuer
from registry.numbering import allocate_number
from registry.services.drafting.documents import get_type
from registry.services.setup.reference_data import current_issuer, sync_reference_data


def ours(url: str, count: int, issuer_id: int, start: Barrier) -> None:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    start.wait()
    for _ in range(count):
        with sessions.begin() as session:
            issuer = session.get(Issuer, issuer_id)
            assert issuer is not None
            allocate_number(
                session,
                issuer=issuer,
                doc_type=get_type(session, issuer, "TB"),
                on=date(2024, 6, 1),
            )
    engine.dispose()


def raw(url: str, count: int, _issuer_id: int, start: Barrier) -> None:
    if url.startswith("sqlite"):
        connection = sqlite3.connect(
            url.removeprefix("sqlite:///"), timeout=60, isolation_level=None
        )
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        start.wait()
        for _ in range(count):
            connection.execute("BEGIN IMMEDIATE")
            (number,) = connection.execute(
                "UPDATE bench_counter SET n = n + 1 WHERE id = 1 RETURNING n"
            ).fetchone()
            connection.execute("INSERT INTO bench_numbers (n) VALUES (?)", (number,))
            connection.execute("COMMIT")
        connection.close()
        return
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as pg:
        start.wait()
        for _ in range(count):
            with pg.transaction():
                row = pg.execute(
                    "UPDATE bench_counter SET n = n + 1 WHERE id = 1 RETURNING n"
                ).fetchone()
                assert row is not None
                pg.execute("INSERT INTO bench_numbers (n) VALUES (%s)", (row[0],))


def prepare(url: str) -> int:
    """Migrate, seed the issuer, create the raw tables; the issuer's id."""
    engine = make_engine(url)
    migrate(engine)
    config = load_config(None)
    with make_session_factory(engine).begin() as session:
        sync_reference_data(session, config)
        issuer_id = current_issuer(session, config).id
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE bench_counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        connection.execute(text("CREATE TABLE bench_numbers (n INTEGER UNIQUE)"))
        connection.execute(text("INSERT INTO bench_counter VALUES (1, 0)"))
    engine.dispose()
    return issuer_id


def measure(
    job: Callable[[str, int, int, Barrier], None],
    url: str,
    workers: int,
    per_worker: int,
    issuer_id: int,
) -> float:
    """Allocations per second with ``workers`` processes doing ``per_worker`` each.

    The clock starts when every worker has imported and connected (a barrier), so
    process start-up is not counted.
    """
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(workers + 1)
    processes = [
        context.Process(target=job, args=(url, per_worker, issuer_id, start))
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    start.wait()
    started = time.perf_counter()
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a worker failed ({job.__name__}, exit {process.exitcode})")
    return workers * per_worker / (time.perf_counter() - started)


def databases() -> list[tuple[str, str, Callable[[], None]]]:
    """(label, url, cleanup) for each database this machine has."""
    folder = tempfile.mkdtemp(prefix="sovanban-bench-")
    found: list[tuple[str, str, Callable[[], None]]] = [
        ("SQLite", f"sqlite:///{folder}/bench.sqlite3", lambda: None)
    ]
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"sovanban_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - no server: benchmark SQLite only
        print(f"PostgreSQL skipped: {exc.__class__.__name__}: {exc}".splitlines()[0])
        return found

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    found.append(("PostgreSQL", POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-worker", type=int, default=200)
    parser.add_argument("--workers", default="1,4,16")
    args = parser.parse_args()
    worker_counts = [int(each) for each in args.workers.split(",")]
    print(f"{'database':<11} {'workers':>7} {'ours/s':>9} {'raw/s':>9} {'raw/ours':>9}")
    for label, url, cleanup in databases():
        try:
            for workers in worker_counts:
                fresh = (
                    url if label == "PostgreSQL" else url.replace(".sqlite3", f"-{workers}.sqlite3")
                )
                if label == "PostgreSQL":
                    with create_engine(url).begin() as connection:
                        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                issuer_id = prepare(fresh)
                ours_rate = measure(ours, fresh, workers, args.per_worker, issuer_id)
                raw_rate = measure(raw, fresh, workers, args.per_worker, issuer_id)
                print(
                    f"{label:<11} {workers:>7} {ours_rate:>9.0f} {raw_rate:>9.0f} "
                    f"{raw_rate / ours_rate:>9.2f}"
                )
        finally:
            cleanup()


if __name__ == "__main__":
    main()
