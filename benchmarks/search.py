"""Search latency on a generated archive, ours against the database's own query, in one run.

    python benchmarks/search.py [--sizes 100000,1000000] [--engines sqlite,postgresql]
                                [--queries 200]

For each size and engine the archive is generated (tests/support/archive.py: realistic
Vietnamese subjects, 5 % secret), then timed, each query many times with varied words:

* word search — ours: ``search_documents`` as the public sees it (visibility, every word,
  ranking, one page of 20, the total counted up to 1,000); raw: the engine's full-text
  match of the same words joined to the documents, newest first, one page and the count
  (FTS5 MATCH on SQLite, the stored tsvector ``@@ to_tsquery`` on PostgreSQL), with no
  visibility and no ranking.
* number lookup — ours: ``search_documents`` with a number such as ``17-CTr/ĐUK`` typed
  as a visitor types it; raw: ``SELECT … FROM numbers WHERE rendered = …``.

p50 and p95 in milliseconds, and the ratio ours/raw of the p50s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text

from benchmarks.common import POSTGRES_ADMIN_URL
from registry.config import load_config
from registry.db import make_engine, make_session_factory, migrate
from registry.search_text import words_of
from registry.services.archive.search import SearchQuery, search_documents
from registry.services.people.access import Viewer
from tests.support.archive import TOPICS, generate_archive

PUBLIC = Viewer(public_lookup=True)


def percentiles(job: Callable[[int], object], runs: int) -> tuple[float, float]:
    job(0)
    times = []
    for index in range(runs):
        started = time.perf_counter()
        job(index)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def word_queries() -> list[str]:
    """Two or three consecutive words of a topic, folded as a visitor might type them."""
    rng = random.Random(7)
    queries = []
    for _ in range(50):
        words = words_of(rng.choice(TOPICS))
        start = rng.randrange(max(1, len(words) - 2))
        queries.append(" ".join(words[start : start + rng.choice((2, 3))]))
    return queries


def bench(url: str, size: int, runs: int) -> list[str]:
    engine = make_engine(url)
    migrate(engine)
    sessions = make_session_factory(engine)
    started = time.perf_counter()
    generated = generate_archive(
        sessions,
        load_config(None),
        size,
        progress=lambda done: print(f"  generated {done}/{size}", end="\r", file=sys.stderr),
    )
    made = time.perf_counter() - started
    if engine.dialect.name == "postgresql":
        # What autovacuum does to a live database: statistics, and the GIN indexes' pending
        # lists merged (a bulk load leaves megabytes that every query would scan).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    queries = word_queries()
    numbers = [generated[i].number for i in random.Random(3).sample(range(size), 50)]
    sqlite = engine.dialect.name == "sqlite"
    raw_words = (
        "SELECT d.id FROM document_words_fts f JOIN documents d ON d.id = f.rowid "
        "WHERE document_words_fts MATCH :q ORDER BY d.document_date DESC, d.id DESC LIMIT 20"
        if sqlite
        else "SELECT d.id FROM document_words w JOIN documents d ON d.id = w.document_id "
        "WHERE w.words_tsv @@ to_tsquery('simple', :q) "
        "ORDER BY d.document_date DESC, d.id DESC LIMIT 20"
    )
    raw_count = (
        "SELECT count(*) FROM document_words_fts WHERE document_words_fts MATCH :q"
        if sqlite
        else "SELECT count(*) FROM document_words WHERE words_tsv @@ to_tsquery('simple', :q)"
    )

    def fts(query: str) -> str:
        words = query.split()
        return " ".join(f'"{w}"' for w in words) if sqlite else " & ".join(words)

    lines = [f"{engine.dialect.name} {size:>9,} notices (generated in {made:.0f} s)"]
    with sessions() as session, engine.connect() as connection:
        # Each query is its own transaction, as in a web request (on SQLite every
        # transaction takes the database lock, so none may stay open).
        def ours_words(i: int) -> None:
            search_documents(session, SearchQuery(text=queries[i % len(queries)]), PUBLIC)
            session.rollback()

        def raw_words_job(i: int) -> None:
            q = fts(queries[i % len(queries)])
            connection.execute(text(raw_words), {"q": q}).all()
            connection.execute(text(raw_count), {"q": q}).scalar()
            connection.rollback()

        def ours_number(i: int) -> None:
            search_documents(session, SearchQuery(text=numbers[i % len(numbers)]), PUBLIC)
            session.rollback()

        def raw_number(i: int) -> None:
            connection.execute(
                text("SELECT document_id FROM numbers WHERE rendered = :r"),
                {"r": numbers[i % len(numbers)]},
            ).all()
            connection.rollback()

        for name, ours, raw in (
            ("word search  ", ours_words, raw_words_job),
            ("number lookup", ours_number, raw_number),
        ):
            ours_p50, ours_p95 = percentiles(ours, runs)
            raw_p50, raw_p95 = percentiles(raw, runs)
            lines.append(
                f"  {name}  ours p50 {ours_p50:8.2f} ms  p95 {ours_p95:8.2f} ms   "
                f"raw p50 {raw_p50:8.2f} ms  p95 {raw_p95:8.2f} ms   "
                f"ratio {ours_p50 / raw_p50:5.1f}"
            )
    engine.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        for kind in args.engines.split(","):
            if kind == "sqlite":
                with tempfile.TemporaryDirectory(prefix="sovanban-search-") as folder:
                    lines = bench(
                        f"sqlite:///{Path(folder) / 'archive.sqlite3'}", size, args.queries
                    )
            else:
                name = f"sovanban_bench_{uuid.uuid4().hex[:8]}"
                admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
                try:
                    with admin.connect() as connection:
                        connection.execute(text(f'CREATE DATABASE "{name}"'))
                except Exception as exc:  # noqa: BLE001 - no server: say so and go on
                    print(f"postgresql skipped: {exc}")
                    continue
                try:
                    lines = bench(
                        POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", size, args.queries
                    )
                finally:
                    with admin.connect() as connection:
                        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    admin.dispose()
            print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
