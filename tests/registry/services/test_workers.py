"""Workers with a memory ceiling and a time limit: whatever a file makes a worker do, the
caller gets a clear refusal and the next task a working pool."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from registry.config import load_config
from registry.services.workers import PdfWorkers, WorkerPool
from signing.errors import UnusablePdfError
from tests.support import hostile_pdfs, worker_tasks
from tests.support.configs import make_config
from tests.support.pdfs import blank_pdf


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    made = WorkerPool(workers=1, memory_mb=400)
    yield made
    made.close()


def test_a_task_past_the_memory_ceiling_is_refused_and_the_pool_goes_on(pool: WorkerPool) -> None:
    assert pool.run(worker_tasks.allocate, 100, seconds=30) == 100 * 1024 * 1024
    with pytest.raises(UnusablePdfError, match="more memory than the limit"):
        pool.run(worker_tasks.allocate, 1000, seconds=30)
    assert pool.run(worker_tasks.allocate, 10, seconds=30) == 10 * 1024 * 1024


def test_a_task_past_its_time_is_killed_with_its_worker(pool: WorkerPool) -> None:
    first = pool.run(worker_tasks.pid, seconds=30)
    with pytest.raises(UnusablePdfError, match=r"longer than 0\.5 s"):
        pool.run(worker_tasks.sleep, 30.0, seconds=0.5)
    assert pool.run(worker_tasks.pid, seconds=30) != first  # a new worker


def test_a_worker_that_dies_is_replaced(pool: WorkerPool) -> None:
    with pytest.raises(UnusablePdfError, match="worker stopped on this file"):
        pool.run(worker_tasks.die, seconds=30)
    assert pool.run(worker_tasks.sleep, 0.0, seconds=30) == 0.0


def test_pdf_tasks_check_the_configured_limits_first() -> None:
    config = make_config(limits={"max_pages": 2, "worker_memory_mb": 600})
    workers = PdfWorkers(config, workers=1)
    try:
        assert workers.inspect(blank_pdf(2)).page_count == 2
        with pytest.raises(UnusablePdfError, match="3 pages; the limit is 2"):
            workers.inspect(blank_pdf(3))
        with pytest.raises(UnusablePdfError, match="on a side"):
            workers.render(hostile_pdfs.tall_page(), 0)
        assert workers.render(blank_pdf(1), 0).startswith(b"\x89PNG")
    finally:
        workers.pool.close()


def test_a_page_past_every_limit_but_memory_costs_one_worker_only() -> None:
    """With the file limits opened wide, the memory ceiling alone holds: drawing a page a
    kilometre tall needs gigabytes, and the worker is refused them."""
    wide = {"max_page_side_mm": 10_000_000, "worker_memory_mb": 600}
    workers = PdfWorkers(make_config(limits=wide), workers=1)
    try:
        with pytest.raises(UnusablePdfError, match=r"memory|stopped"):
            workers.render(hostile_pdfs.tall_page(1_000_000), 0)
        assert workers.render(blank_pdf(1), 0).startswith(b"\x89PNG")
    finally:
        workers.pool.close()
    assert load_config(None).limits.worker_memory_mb == 1024


def test_a_tasks_garbage_is_freed_when_it_ends_and_what_the_first_loaded_is_kept(
    pool: WorkerPool,
) -> None:
    # A PDF's objects refer back to their reader: a task leaves cycles, which used to pile
    # up over ten tasks and cost a long full pass of the collector in the middle of one.
    frozen_at_start = pool.run(worker_tasks.leave_a_cycle, seconds=30)
    pool.run(worker_tasks.leave_a_cycle, seconds=30)
    left, frozen = pool.run(worker_tasks.cycles_left, seconds=30)
    assert left == 0
    # After the first task of a kind, what it loaded is kept out of the collector's passes;
    # a kind seen before adds nothing more.
    assert frozen > frozen_at_start
    after_the_first_of_its_kind = pool.run(worker_tasks.cycles_left, seconds=30)[1]
    assert pool.run(worker_tasks.cycles_left, seconds=30)[1] == after_the_first_of_its_kind
